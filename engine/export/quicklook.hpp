// Internal to the quick-look exporter (and its tests): where things go on the picture and the colours used.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/canvas.hpp"

namespace minerisk::quicklook {

using canvas::Rgb;

// Colours of the picture (also named in docs/outputs-report.md).
inline constexpr Rgb kNoData{225, 225, 225};   // outside the data (NaN)
inline constexpr Rgb kZero{255, 255, 255};     // no risk (0)
inline constexpr Rgb kOutline{16, 32, 112};    // zone outlines, rank numbers
inline constexpr Rgb kInk{20, 20, 20};         // legend text
inline constexpr Rgb kPaper{255, 255, 255};    // background, label boxes

// The colour of a combined risk value: white at 0, light yellow -> orange -> red -> dark red at 1; NaN grey.
Rgb ramp(double risk);

// A scale bar's length: the longest 1, 2 or 5 x 10^k metres no longer than `max_m`; and it in words ("500 m",
// "2 km").
double nice_length(double max_m);
std::string length_label(double m);

// Where the map and the legend panel sit on the picture.
struct Layout {
    std::int64_t grid_width = 0, grid_height = 0;  // cells of the risk raster
    int map_x = 0, map_y = 0;                      // top-left pixel of the map
    int map_width = 0, map_height = 0;             // pixels of the map: at most kMaxMapSide on the long side
    int panel_x = 0, panel_y = 0, panel_width = 0; // the legend panel, right of the map
    int width = 0, height = 0;                     // the whole picture
};
inline constexpr int kMaxMapSide = 1200;  // larger grids are averaged down to this
inline constexpr int kMinMapSide = 600;   // smaller grids are enlarged (each cell a block of pixels)
Layout layout_for(std::int64_t grid_width, std::int64_t grid_height);

// The canvas's bitmap font (core/canvas.hpp), which the quick-look labels its picture with.
using canvas::glyph;
using canvas::kGlyphAdvance;
using canvas::kGlyphHeight;
using canvas::kGlyphWidth;
using canvas::text_width;

}  // namespace minerisk::quicklook
