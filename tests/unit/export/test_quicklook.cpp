// quicklook.png: drawn by the engine from a hand-made risk raster and three zones; read back with GDAL and checked
// pixel by pixel where it matters (ramp colours, zone outlines, rank labels, legend), plus size and speed bounds.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_geometry.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <set>

#include "export/quicklook.hpp"
#include "minerisk/exports.hpp"
#include "plugin_harness.hpp"
#include "quicklook_fixture.hpp"

namespace fs = std::filesystem;
using namespace minerisk;
namespace ql = minerisk::quicklook;

using namespace quicklook_test;

TEST(Quicklook, RampRunsFromWhiteThroughYellowToDarkRed) {
    EXPECT_EQ(ql::ramp(std::nan("")), ql::kNoData);
    EXPECT_EQ(ql::ramp(0.0), ql::kZero);
    EXPECT_EQ(ql::ramp(-1.0), ql::kZero);
    EXPECT_EQ(ql::ramp(1.0), (ql::Rgb{128, 0, 38}));
    EXPECT_EQ(ql::ramp(2.0), ql::ramp(1.0));
    EXPECT_EQ(ql::ramp(0.5), (ql::Rgb{253, 141, 60}));
    int last = 3 * 255 + 1;
    for (int i = 1; i <= 100; ++i) {  // darker as risk rises
        const auto c = ql::ramp(i / 100.0);
        const int sum = c[0] + c[1] + c[2];
        EXPECT_LT(sum, last) << i;
        last = sum;
    }
}

TEST(Quicklook, FontHasAGlyphForEveryPrintableCharacter) {
    for (int c = 33; c < 127; ++c) {
        const unsigned char* g = ql::glyph(static_cast<unsigned char>(c));
        int on = 0;
        for (int r = 0; r < ql::kGlyphHeight; ++r) on += g[r] != 0;
        EXPECT_GT(on, 0) << "glyph " << char(c) << " is blank";
    }
    EXPECT_EQ(ql::glyph(0xE9), ql::glyph('?'));
    EXPECT_EQ(ql::text_width("10", 2), 22);
    EXPECT_EQ(ql::text_width("", 2), 0);
    EXPECT_EQ(ql::text_width("\xC3\xA9t\xC3\xA9", 1), ql::text_width("xyz", 1));  // "été": one glyph per character
}

TEST(Quicklook, LayoutBoundsTheMapSide) {
    auto big = ql::layout_for(3000, 2000);
    EXPECT_EQ(big.map_width, 1200);
    EXPECT_EQ(big.map_height, 800);
    auto small = ql::layout_for(40, 10);
    EXPECT_EQ(small.map_width, 600);
    EXPECT_EQ(small.map_height, 150);
    EXPECT_GE(small.height, 400);  // room for the legend
    auto mid = ql::layout_for(900, 700);
    EXPECT_EQ(mid.map_width, 900);
    EXPECT_EQ(mid.map_height, 700);
    for (const auto& l : {big, small, mid}) {
        EXPECT_GT(l.panel_x, l.map_x + l.map_width);
        EXPECT_EQ(l.width, l.panel_x + l.panel_width + l.map_x);
    }
}

TEST(Quicklook, WritesAnRgbPngWithTheExpectedSize) {
    Scene s;
    const auto files = write_quicklook(s.ctx);
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(fs::path(files[0].path).filename(), "quicklook.png");
    EXPECT_FALSE(files[0].what.empty());
    const Picture p = read_png(files[0].path);
    EXPECT_EQ(p.driver, "PNG");
    ASSERT_GE(p.bands, 3);
    EXPECT_LE(p.bands, 4);
    EXPECT_EQ(p.interp[0], GCI_RedBand);
    EXPECT_EQ(p.interp[1], GCI_GreenBand);
    EXPECT_EQ(p.interp[2], GCI_BlueBand);
    const auto l = ql::layout_for(300, 200);
    EXPECT_EQ(l.map_width, 600);  // small grids are enlarged: 2 px per cell
    EXPECT_EQ(l.map_height, 400);
    EXPECT_EQ(p.width, l.width);
    EXPECT_EQ(p.height, l.height);
    EXPECT_LE(p.width, ql::kMaxMapSide + 400);
    // Nothing left beside it: no temporary file, no .aux.xml.
    for (const auto& e : fs::directory_iterator(s.dir.path)) {
        const std::string name = e.path().filename().string();
        EXPECT_TRUE(name == "risk.tif" || name == "quicklook.png") << name;
    }
}

TEST(Quicklook, ColoursFollowTheRisk) {
    Scene s;
    write_quicklook(s.ctx);
    const Picture p = read_png((s.dir.path / "quicklook.png").string());
    const auto l = ql::layout_for(300, 200);
    // 2 px per cell: pixel (2c, 2r) is cell (c, r).
    auto cell_px = [&](int c, int r) { return p.at(l.map_x + 2 * c, l.map_y + 2 * r); };
    EXPECT_EQ(cell_px(20, 190), ql::kNoData);
    EXPECT_EQ(cell_px(5, 10), ql::kZero);
    EXPECT_EQ(cell_px(150, 20), ql::ramp(150 / 299.0f));
    EXPECT_EQ(cell_px(290, 190), ql::ramp(290 / 299.0f));
}

TEST(Quicklook, ZonesAreOutlinedAlongTheirEdges) {
    Scene s;
    write_quicklook(s.ctx);
    const Picture p = read_png((s.dir.path / "quicklook.png").string());
    const auto l = ql::layout_for(300, 200);
    // Rank 2: cells 50..100 x 40..90; its west edge is the map's pixel column 100 (2 px per cell).
    auto outline_near = [&](int px, int py, int tol) {
        for (int dx = -tol; dx <= tol; ++dx)
            for (int dy = -tol; dy <= tol; ++dy)
                if (p.at(l.map_x + px + dx, l.map_y + py + dy) == ql::kOutline) return true;
        return false;
    };
    int west = 0, south = 0, hole = 0, inside = 0;
    for (int py = 2 * 40 + 4; py < 2 * 90 - 4; ++py) west += outline_near(100, py, 1);
    for (int px = 2 * 50 + 4; px < 2 * 100 - 4; ++px) south += outline_near(px, 180, 1);
    for (int py = 2 * 55 + 4; py < 2 * 75 - 4; ++py) hole += outline_near(130, py, 1);  // the hole's west edge
    for (int py = 2 * 40 + 6; py < 2 * 50; ++py)
        for (int px = 2 * 50 + 6; px < 2 * 60; ++px) inside += p.at(l.map_x + px, l.map_y + py) == ql::kOutline;
    const int n = 2 * 50 - 8;
    EXPECT_GE(west, n * 9 / 10);
    EXPECT_GE(south, (2 * 50 - 8) * 9 / 10);
    EXPECT_GE(hole, (2 * 20 - 8) * 9 / 10);
    EXPECT_EQ(inside, 0) << "the inside of a zone is not outlined";
    // Both parts of the multipolygon (rank 3) are outlined: west edges at cells 120 and 160.
    EXPECT_TRUE(outline_near(240, 290, 1));
    EXPECT_TRUE(outline_near(320, 280, 1));
    // The outline is 1-2 px wide: next to the edge, 3 px away, the map colour is back.
    EXPECT_NE(p.at(l.map_x + 100 + 3, l.map_y + 100), ql::kOutline);
    EXPECT_NE(p.at(l.map_x + 100 - 3, l.map_y + 100), ql::kOutline);
}

TEST(Quicklook, TopZonesCarryTheirRankNumber) {
    Scene s;
    write_quicklook(s.ctx);
    const Picture p = read_png((s.dir.path / "quicklook.png").string());
    const auto l = ql::layout_for(300, 200);
    // Rank 1's centroid: cell (230, 70) -> pixel (460, 140). A white label box with dark-blue digits around it.
    // The map there is orange-red (risk ~0.77): white pixels can only be the label.
    int white = 0, ink = 0;
    for (int dy = -14; dy <= 14; ++dy)
        for (int dx = -14; dx <= 14; ++dx) {
            const auto c = p.at(l.map_x + 460 + dx, l.map_y + 140 + dy);
            white += c == ql::kPaper;
            ink += c == ql::kOutline;
        }
    EXPECT_GT(white, 60);
    EXPECT_GT(ink, 10);
}

TEST(Quicklook, LegendIsDrawn) {
    Scene s;
    write_quicklook(s.ctx);
    const Picture p = read_png((s.dir.path / "quicklook.png").string());
    const auto l = ql::layout_for(300, 200);
    int non_white = 0, ink = 0, outline = 0;
    std::set<std::array<unsigned char, 3>> colours;
    for (int y = l.panel_y; y < l.height; ++y)
        for (int x = l.panel_x; x < l.panel_x + l.panel_width; ++x) {
            const auto c = p.at(x, y);
            non_white += c != ql::kPaper;
            ink += c == ql::kInk;
            outline += c == ql::kOutline;
            colours.insert(c);
        }
    EXPECT_GT(non_white, 3000);
    EXPECT_GT(ink, 500);            // text, ticks, scale bar, north arrow
    EXPECT_GT(outline, 50);         // the zone sample
    EXPECT_GT(colours.size(), 100u);  // the colour bar
    // The colour bar holds the ramp's dark end.
    bool dark_red = false;
    for (const auto& c : colours) dark_red = dark_red || near_colour(c, ql::ramp(1.0), 3);
    EXPECT_TRUE(dark_red);
}

TEST(Quicklook, NoZonesStillGivesAPicture) {
    Scene s;
    s.zones.zones.clear();
    write_quicklook(s.ctx);
    const Picture p = read_png((s.dir.path / "quicklook.png").string());
    ASSERT_GT(p.width, 0);
    const auto l = ql::layout_for(300, 200);
    int outline = 0;
    for (int y = l.map_y; y < l.map_y + l.map_height; ++y)
        for (int x = l.map_x; x < l.map_x + l.map_width; ++x) outline += p.at(x, y) == ql::kOutline;
    EXPECT_EQ(outline, 0);
}

TEST(Quicklook, WithoutARiskRasterItSaysSo) {
    Scene s;
    s.ctx.rasters.clear();
    EXPECT_THROW(write_quicklook(s.ctx), Error);
    s.ctx.rasters.push_back({(s.dir.path / "missing.tif").string(), "risk", "", "", "risk"});
    EXPECT_THROW(write_quicklook(s.ctx), Error);
    EXPECT_FALSE(fs::exists(s.dir.path / "quicklook.png"));
}

TEST(Quicklook, LargeGridIsAveragedDownQuickly) {
    TempDir dir("large");
    const GridSpec g = test::make_grid(3000, 3000, 10.0, 400000.0, 4530000.0);
    write_risk(dir.path, g, [](std::int64_t c, std::int64_t r) -> float {
        if (r < 100) return NAN;
        if (c < 1500) return 0.2f;
        return (c % 2) ? 1.0f : 0.6f;  // alternate columns: averages to 0.8
    });
    RunPlan plan;
    plan.scenario.name = "A long scenario name that has to wrap onto two lines of the legend panel and then be cut";
    plan.grid = g;
    ZoneResult zones;
    for (int i = 0; i < 12; ++i)  // twelve zones: only ten numbered
        zones.zones.push_back(make_zone(i + 1, i + 1, "POLYGON(" + cell_rect(g, 100 + i * 200, 500, 180 + i * 200, 600) + ")"));
    ExportContext ctx;
    ctx.plan = &plan;
    RunSummary summary;
    summary.zones = zones;
    ctx.summary = &summary;
    ctx.output_dir = dir.path.string();
    ctx.rasters.push_back({(dir.path / "risk.tif").string(), "risk", "", "", "risk"});
    const auto t0 = std::chrono::steady_clock::now();
    write_quicklook(ctx);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("quick-look of 3000 x 3000 cells: %.3f s\n", seconds);
    EXPECT_LT(seconds, 3.0);  // about 0.3 s on a laptop; generous for loaded CI machines
    const Picture p = read_png((dir.path / "quicklook.png").string());
    const auto l = ql::layout_for(3000, 3000);
    EXPECT_EQ(l.map_width, 1200);
    EXPECT_EQ(l.map_height, 1200);
    EXPECT_EQ(p.width, l.width);
    EXPECT_EQ(p.height, l.height);
    // 2.5 cells per pixel: averages of the cells each pixel covers.
    EXPECT_EQ(p.at(l.map_x + 10, l.map_y + 10), ql::kNoData);
    EXPECT_EQ(p.at(l.map_x + 300, l.map_y + 900), ql::ramp(0.2f));
    EXPECT_TRUE(near_colour(p.at(l.map_x + 900, l.map_y + 900), ql::ramp(0.8), 6));
}
