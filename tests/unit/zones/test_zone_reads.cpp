// The zone stage reads the scored tiles in the grid's order, not in the layers' order: each settlement reads the
// risk around it and each far incident the risk at it, and the scored tiles keep only the latest rows of tiles
// decompressed. Read in file order (features anywhere on the grid), nearly every feature decompressed a whole
// tile again: 12 s for 1,000 settlements and 4,500 far incidents on 100 M cells. Counted, not timed: the number
// of tile decompressions (ScoredTiles::tiles_decoded) stays a few passes over the grid, whatever the features' order.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "io/scored_tiles.hpp"
#include "minerisk/zones.hpp"
#include "plugin_harness.hpp"

using namespace minerisk;
using namespace minerisk::test;

namespace {

std::string point_wkt(double x, double y) { return "POINT (" + std::to_string(x) + " " + std::to_string(y) + ")"; }

}  // namespace

TEST(ZoneReads, ScatteredSettlementsAndFarIncidentsReadEachTileAFewTimes) {
    // 2,048 x 2,048 cells of 10 m in tiles of 128: 256 tiles. Risk 0.9 in a square in the middle, 0.1 elsewhere.
    const std::int64_t n = 2048, t = 128;
    const GridSpec grid = make_grid(n, n, 10.0, 0, 10.0 * double(n));
    ScoredTiles tiles(grid, static_cast<int>(t), 1);
    for (std::int64_t r = 0; r < n; r += t)
        for (std::int64_t c = 0; c < n; c += t) {
            std::vector<float> v(static_cast<size_t>(t * t));
            for (std::int64_t y = 0; y < t; ++y)
                for (std::int64_t x = 0; x < t; ++x) {
                    const bool in = r + y >= 960 && r + y < 1088 && c + x >= 960 && c + x < 1088;
                    v[static_cast<size_t>(y * t + x)] = in ? 0.9f : 0.1f;
                }
            tiles.put({c, r, t, t}, 0, v.data());
        }
    // 1,000 settlements and 1,000 incidents in random order over the grid; no hazards, so every incident outside
    // the zone is far from any recorded hazard and is read for the survey referrals.
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(5, 10.0 * double(n) - 5);
    std::vector<HandFeature> settlements, incidents;
    for (int i = 0; i < 1000; ++i)
        settlements.push_back({point_wkt(u(rng), u(rng)), {{"name", "S" + std::to_string(i)}, {"population", "100"}}});
    for (int i = 0; i < 1000; ++i) incidents.push_back({point_wkt(u(rng), u(rng)), {}});
    Inputs inputs;
    inputs.layers.push_back(make_layer("settlements", settlements, {{"name", "text"}, {"population", "number"}}));
    inputs.layers.push_back(make_layer("incidents", incidents, {}));
    Scenario sc;
    sc.zones.threshold = 0.5;
    sc.zones.min_area = 0;
    sc.zones.fill_holes = 0;
    sc.zones.reach = 300;  // a settlement's window spans at most 2 x 2 tiles, as at the product's tile size
    sc.zones.survey_distance = 200;
    ZoneInputs in;
    in.scenario = &sc;
    in.inputs = &inputs;
    in.grid = grid;
    in.scored = &tiles;

    const ZoneResult res = build_zones(in);
    ASSERT_EQ(res.zones.size(), 1u);
    EXPECT_EQ(res.settlements.size(), 1000u);
    EXPECT_GT(res.survey_referrals.size(), 100u) << "the far incidents are read for the referrals";
    // The threshold pass reads every tile once, the statistics the zone's, the settlements (by bands of a tile's
    // rows) at most two passes, the far incidents (in row order) one: 1,042 when this was written. In the layers'
    // order they took 3,216.
    EXPECT_LE(tiles.tiles_decoded(), 5u * 256u) << "tiles decompressed again and again for scattered features";
}
