// The report's small maps: one per zone of the body (the first kBodyZones by rank), each the zone and what lies
// around it, drawn by the engine as the quick-look is (no QGIS needed).
#pragma once
#include <string>
#include <vector>

#include "minerisk/exports.hpp"

namespace minerisk::quicklook {

struct ZoneMap {
    int rank = 0;
    std::string png;  // the picture's bytes
    int side = 0;     // pixels: the maps are square
    double metres_across = 0;
};

// The side of a zone map in pixels, and the margin around the zone (a share of its larger side, on each side,
// as the QGIS atlas pages have).
inline constexpr int kZoneMapSide = 240;
inline constexpr double kZoneMapMargin = 0.4;
// A zone of a few cells still gets this many cells across: enough to show its neighbourhood.
inline constexpr int kZoneMapMinCells = 40;

// A map of each zone ranked 1 to `count` that has a geometry, in rank order: the risk in the quick-look's ramp,
// the hazards by status, the other zones thinly outlined, this zone in a thick outline, settlements, proposed
// signs and survey referrals, and a scale bar. Empty when the run has no zones.
std::vector<ZoneMap> zone_maps(const ExportContext& ctx, size_t count, int side = kZoneMapSide);

}  // namespace minerisk::quicklook
