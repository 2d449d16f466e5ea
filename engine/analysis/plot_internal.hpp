// Internal to the backtest: the size capture.png will have, so that its layout can be checked without decoding it.
#pragma once
#include <utility>

#include "minerisk/backtest.hpp"

namespace minerisk::backtest {

// Width and height in pixels: one row per round (and a first one for the pooled rounds when there are several),
// each a panel of the whole area beside one of its riskiest 20 %; the title wrapped onto as many lines as it needs.
std::pair<int, int> capture_png_size(const Result& result);

}  // namespace minerisk::backtest
