// The inside of ZoneCellCollector (include/minerisk/zones.hpp), for the zone stage.
#pragma once
#include <memory>
#include <utility>
#include <vector>

#include "minerisk/zones.hpp"
#include "zones/risk_reader.hpp"
#include "zones/runs.hpp"

namespace minerisk {

struct ZoneCellCollector::State {
    GridSpec grid;
    bool fixed = false;  // a fixed threshold: the runs are collected
    float threshold = 0;
    std::unique_ptr<zones::TopPercentSelect> select;  // top_percent: its first pass is done here
    zones::RowRuns candidates, nodata;
    std::int64_t valid = 0, candidate_cells = 0;
    // The row of tiles being filled.
    std::int64_t band_row0 = 0, next_col = 0;
    std::vector<std::vector<std::pair<std::int32_t, std::int32_t>>> cand_rows, nd_rows;
    bool complete = false;  // every tile seen
};

}  // namespace minerisk
