// The quick-look's context layers (quicklook_layers.cpp): the hazards' outlines by status, the settlements, the
// survey referrals and the proposed signs, drawn over the risk, and their legend entries, listing only what was
// drawn.
#pragma once
#include <string>
#include <vector>

#include "core/canvas.hpp"
#include "minerisk/exports.hpp"

namespace minerisk::quicklook {

// The map on the picture: its top-left pixel, size, and geotransform (world coordinates of its pixels).
struct MapFrame {
    int x = 0, y = 0, w = 0, h = 0;
    double gt[6] = {0, 1, 0, 0, 0, -1};
};

enum class Mark { cha, sha, other_hazard, settlement, referral, proposed_sign };

// The hazards' outlines (CHA red, SHA orange, others grey dashed): under the zone outlines. Returns the kinds drawn.
std::vector<Mark> draw_hazards(canvas::Canvas& cv, const MapFrame& f, const ExportContext& ctx);
// Settlements, proposed signs and survey referrals as symbols: over the zone outlines, under the rank numbers.
std::vector<Mark> draw_points(canvas::Canvas& cv, const MapFrame& f, const ExportContext& ctx);

// A legend entry: the mark's symbol in a 26 x 16 box at (x, y), and its words to the right.
void draw_legend_entry(canvas::Canvas& cv, int x, int y, Mark m);

}  // namespace minerisk::quicklook
