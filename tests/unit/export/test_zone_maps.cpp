// The report's small zone maps (engine/export/zone_maps.cpp) on the quick-look tests' scene: one map per zone of
// the body in rank order, centred on its zone with the atlas's margin, the zone in a thick outline, the grid's
// outside drawn as no data; and the report section that shows them. Also the canvas's clipped lines they rely on.
#include <gtest/gtest.h>

#include <string>

#include "core/canvas.hpp"
#include "export/report_format.hpp"
#include "export/zone_maps.hpp"
#include "quicklook_fixture.hpp"

using namespace quicklook_test;

namespace {

// Rank 4 at the grid's north-west corner: its map reaches beyond the grid.
void add_corner_zone(Scene& s) { s.zones.zones.push_back(make_zone(4, 4, "POLYGON(" + cell_rect(s.grid, 10, 0, 30, 20) + ")")); }

}  // namespace

TEST(ZoneMaps, OneSquareMapPerZoneOfTheBodyInRankOrder) {
    Scene s;
    const auto maps = ql::zone_maps(s.ctx, 10);
    ASSERT_EQ(maps.size(), 3u);
    for (size_t i = 0; i < maps.size(); ++i) {
        EXPECT_EQ(maps[i].rank, static_cast<int>(i) + 1);
        const Picture p = read_png_bytes(maps[i].png, "zone_map_" + std::to_string(i));
        EXPECT_EQ(p.driver, "PNG");
        EXPECT_EQ(p.width, ql::kZoneMapSide);
        EXPECT_EQ(p.height, ql::kZoneMapSide);
    }
    // Only the first `count` ranks.
    const auto two = ql::zone_maps(s.ctx, 2);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[1].rank, 2);
    EXPECT_TRUE(ql::zone_maps(s.ctx, 0).empty());
}

TEST(ZoneMaps, TheZoneIsCentredWithTheMarginAndOutlinedThick) {
    Scene s;
    const auto maps = ql::zone_maps(s.ctx, 1);
    ASSERT_EQ(maps.size(), 1u);
    // Rank 1 is 60 cells (600 m) square: with 40 % margin on each side the map is 108 cells, 1,080 m, across.
    EXPECT_NEAR(maps[0].metres_across, 1080.0, 10.0);
    const Picture p = read_png_bytes(maps[0].png, "zone_map_centred");
    const int side = p.width;
    // The zone spans 60 / 108 of the map, centred: its west edge near pixel 53, its east edge near pixel 186.
    auto outline_near = [&](int x, int y) {
        int n = 0;
        for (int dx = -3; dx <= 3; ++dx) n += p.at(x + dx, y) == ql::kOutline;
        return n;
    };
    EXPECT_GE(outline_near(side * 24 / 108, side / 2), 3) << "a thick outline on the west edge";
    EXPECT_GE(outline_near(side * 84 / 108, side / 2), 3) << "a thick outline on the east edge";
    // Inside: the risk's colour (risk rises west to east: about 230 / 299 at the centre).
    EXPECT_TRUE(near_colour(p.at(side / 2, side / 2), ql::ramp(230.0 / 299.0), 12));
}

TEST(ZoneMaps, BeyondTheGridIsNoData) {
    Scene s;
    add_corner_zone(s);
    const auto maps = ql::zone_maps(s.ctx, 4);
    ASSERT_EQ(maps.size(), 4u);
    const Picture p = read_png_bytes(maps[3].png, "zone_map_corner");
    // The zone (20 cells) gets the smallest window, 40 cells, centred on cell (20, 10): the top quarter of the map is
    // north of the grid.
    EXPECT_EQ(p.at(p.width / 2, 10), ql::kNoData);
    EXPECT_NE(p.at(p.width / 2, p.height * 3 / 4), ql::kNoData);
}

TEST(ZoneMaps, TheReportShowsThemLinkedToTheZoneRows) {
    Scene s;
    const auto maps = ql::zone_maps(s.ctx, 10);
    const std::string html = report::report_html(s.ctx, "", maps);
    EXPECT_NE(html.find("<section id=\"zone-maps\">"), std::string::npos);
    for (int rank = 1; rank <= 3; ++rank) {
        const std::string r = std::to_string(rank);
        EXPECT_NE(html.find("<figure id=\"zone-map-" + r + "\"><img src=\"data:image/png;base64,"), std::string::npos) << r;
        EXPECT_NE(html.find("href=\"#zone-map-" + r + "\">map</a>"), std::string::npos) << "the row links to its map";
        EXPECT_NE(html.find("<a href=\"#zone-" + r + "\">Zone " + r + "</a>"), std::string::npos) << "the map to its row";
    }
    EXPECT_NE(html.find("<a href=\"#zone-maps\">Zone maps</a>"), std::string::npos);
    // Without maps: no section, no links to it.
    const std::string none = report::report_html(s.ctx, "");
    EXPECT_EQ(none.find("id=\"zone-map"), std::string::npos);
    EXPECT_EQ(none.find("href=\"#zone-map"), std::string::npos);
}

// A line kilometres long on a zoomed-in map is cut to the picture before it is drawn: a far hazard's edge costs no
// more than its part on the map, and a line wholly outside draws nothing.
TEST(ZoneMaps, CanvasLinesAreClippedToThePicture) {
    canvas::Canvas cv(50, 50);
    cv.line(-1e12, 25, 1e12, 25, {0, 0, 0});
    cv.line(-1e12, -1e12, -1e12 + 1, 1e12, {0, 0, 0});  // far to the west: nothing
    int black = 0;
    for (int y = 0; y < 50; ++y)
        for (int x = 0; x < 50; ++x) black += cv.data()[(static_cast<size_t>(y) * 50 + static_cast<size_t>(x)) * 3] == 0;
    EXPECT_EQ(black, 50) << "row 25 across the picture, and nothing else";
}
