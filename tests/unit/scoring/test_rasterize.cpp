// The host's rasterize service (engine/scoring/host.cpp), which plugins use to burn features into blocks:
//   - polygons burn the cells whose centre lies inside them (GDAL's rule), checked by hand and against
//     gdal_rasterize on the same grid;
//   - where features overlap the largest value wins, and a cell already higher keeps its value
//     (max(current, value), the contract of mr_host.rasterize in include/minerisk/plugin.h);
//   - a polygon that covers no cell centre of the grid (smaller than a cell, or a sliver between centres)
//     burns the one cell holding its point-on-surface, in whatever block it is rasterized, and is counted in
//     one warning;
//   - results do not depend on the window (tile) a feature is rasterized in.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "minerisk/layer.hpp"
#include "scoring/host.hpp"

namespace fs = std::filesystem;
using namespace minerisk;

namespace {

constexpr float kNone = -std::numeric_limits<float>::infinity();

void add_feature(FeatureLayer& l, const std::string& wkt) {
    OGRGeometry* g = nullptr;
    ASSERT_EQ(OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g), OGRERR_NONE) << wkt;
    OGREnvelope e;
    g->getEnvelope(&e);
    l.bounds.push_back({e.MinX, e.MinY, e.MaxX, e.MaxY});
    std::vector<unsigned char> wkb(g->WkbSize());
    g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    l.wkb.push_back(std::move(wkb));
    l.fid.push_back(static_cast<std::int64_t>(l.fid.size()));
    l.geometry.emplace_back(g);
}

// One layer "hazards" with the given features, and a host over a grid.
struct Fixture {
    Inputs inputs;
    GridSpec grid;
    std::unique_ptr<Host> host;

    Fixture(const std::vector<std::string>& wkts, GridSpec g) : grid(std::move(g)) {
        GDALAllRegister();
        FeatureLayer l;
        l.role = "hazards";
        l.stats.source = "/data/h.gpkg";
        l.stats.layer_name = "hazards";
        for (const auto& w : wkts) add_feature(l, w);
        l.build_index();
        inputs.layers.push_back(std::move(l));
        host = std::make_unique<Host>(inputs, grid);
    }

    // Burns features (all by default) with values into a window; cells start at `init`.
    std::vector<float> burn(const std::vector<double>& values, Window w, float init = kNone,
                            std::vector<std::int64_t> ids = {}) const {
        if (ids.empty())
            for (size_t i = 0; i < values.size(); ++i) ids.push_back(static_cast<std::int64_t>(i));
        std::vector<float> out(static_cast<size_t>(w.cells()), init);
        char err[256] = "";
        EXPECT_EQ(host->rasterize("hazards", ids.data(), values.data(), static_cast<std::int64_t>(ids.size()), to_c(w),
                                  out.data(), err, sizeof err),
                  MR_OK)
            << err;
        return out;
    }
    std::vector<float> burn_all(const std::vector<double>& values, float init = kNone) const {
        return burn(values, grid.full(), init);
    }
    // The same, one tile at a time, assembled into the whole grid.
    std::vector<float> burn_tiled(const std::vector<double>& values, std::int64_t tile, float init = kNone) const {
        std::vector<float> all(static_cast<size_t>(grid.cells()), init);
        for (std::int64_t r0 = 0; r0 < grid.height; r0 += tile)
            for (std::int64_t c0 = 0; c0 < grid.width; c0 += tile) {
                const Window w{c0, r0, std::min(tile, grid.width - c0), std::min(tile, grid.height - r0)};
                const auto block = burn(values, w, init);
                for (std::int64_t r = 0; r < w.height; ++r)
                    for (std::int64_t c = 0; c < w.width; ++c)
                        all[static_cast<size_t>((r0 + r) * grid.width + c0 + c)] = block[static_cast<size_t>(r * w.width + c)];
            }
        return all;
    }
    float at(const std::vector<float>& v, std::int64_t col, std::int64_t row) const {
        return v[static_cast<size_t>(row * grid.width + col)];
    }
};

// 10 x 10 cells of 10 m, west edge 0, north edge 100: cell (c, r) has its centre at (5 + 10c, 95 - 10r).
GridSpec small_grid() { return GridSpec{10, 10, 10.0, 0.0, 100.0, ""}; }

std::string box(double x0, double y0, double x1, double y1) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "POLYGON((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f))", x0, y0, x1, y0, x1, y1, x0, y1,
                  x0, y0);
    return buf;
}

std::string disc(double x, double y, double r) {
    std::string s = "POLYGON((";
    for (int i = 0; i <= 32; ++i) {
        const double a = 2 * M_PI * (i % 32) / 32;
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s%.6f %.6f", i ? "," : "", x + r * std::cos(a), y + r * std::sin(a));
        s += buf;
    }
    return s + "))";
}

size_t burned_count(const std::vector<float>& v) {
    size_t n = 0;
    for (float x : v) n += x != kNone;
    return n;
}

TEST(Rasterize, PolygonsBurnTheCellsWhoseCentreIsInside) {
    // x 8..38, y 62..88: centres x 15, 25, 35 (columns 1-3) and y 65, 75, 85 (rows 3, 2, 1). Column 0 is
    // overlapped (8..10) but its centre (5) is outside: not burned.
    Fixture fx({box(8, 62, 38, 88)}, small_grid());
    const auto v = fx.burn_all({1.0});
    EXPECT_EQ(burned_count(v), 9u);
    for (std::int64_t r = 1; r <= 3; ++r)
        for (std::int64_t c = 1; c <= 3; ++c) EXPECT_EQ(fx.at(v, c, r), 1.0f) << c << "," << r;
    EXPECT_EQ(fx.at(v, 0, 2), kNone);
    EXPECT_TRUE(fx.host->warnings().empty()) << fx.host->warnings()[0];
}

TEST(Rasterize, PointsAndLinesBurnTheCellsTheyTouch) {
    Fixture fx({"POINT (43 57)", "LINESTRING (0.5 0.5, 99.5 0.5)"}, small_grid());
    const auto v = fx.burn_all({2.0, 3.0});
    EXPECT_EQ(fx.at(v, 4, 4), 2.0f);
    for (std::int64_t c = 0; c < 10; ++c) EXPECT_EQ(fx.at(v, c, 9), 3.0f) << c;
    EXPECT_EQ(burned_count(v), 11u);
}

TEST(Rasterize, APolygonSmallerThanACellBurnsTheCellHoldingIt) {
    // A disc of radius 2 m around (43, 57): inside cell (4, 4), whose centre (45, 55) is 2.8 m away.
    Fixture fx({disc(43, 57, 2)}, small_grid());
    const auto v = fx.burn_all({0.8});
    EXPECT_EQ(burned_count(v), 1u);
    EXPECT_EQ(fx.at(v, 4, 4), 0.8f);
    const auto w = fx.host->warnings();
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("hazards (h.gpkg, layer 'hazards'): 1 feature(s) smaller than a cell"), std::string::npos) << w[0];
    EXPECT_NE(w[0].find("at 10 m"), std::string::npos) << w[0];
    EXPECT_NE(w[0].find("feature 0"), std::string::npos) << w[0];
}

TEST(Rasterize, ASliverBetweenCellCentresBurnsOneCell) {
    // 100 m long, 2.5 m wide, between the centre rows y = 55 and y = 65: no centre inside.
    Fixture fx({box(0, 60.5, 100, 63)}, small_grid());
    const auto v = fx.burn_all({1.0});
    EXPECT_EQ(burned_count(v), 1u);
    std::int64_t row = -1;
    for (std::int64_t r = 0; r < 10; ++r)
        for (std::int64_t c = 0; c < 10; ++c)
            if (fx.at(v, c, r) != kNone) row = r;
    EXPECT_EQ(row, 3);  // the cells holding y 60.5..63 are row 3 (y 60..70)
}

TEST(Rasterize, APolygonCoveringACentreSomewhereBurnsOnlyThere) {
    // Covers the centre of one cell only (45, 55): that cell, and no fallback cell elsewhere.
    Fixture fx({box(44, 50.5, 49.9, 58)}, small_grid());
    const auto v = fx.burn_all({1.0});
    EXPECT_EQ(burned_count(v), 1u);
    EXPECT_EQ(fx.at(v, 4, 4), 1.0f);
    EXPECT_TRUE(fx.host->warnings().empty());
}

TEST(Rasterize, SubCellFeaturesBurnTheSameCellWhateverTheTiles) {
    // Sub-cell discs at tile corners and edges, a sliver across tiles, and an ordinary polygon.
    std::vector<std::string> wkts = {disc(29.5, 70.5, 1.5), disc(30.5, 69.5, 1.5), disc(61, 41, 2), box(0, 60.5, 100, 63),
                                     box(58, 12, 88, 38)};
    Fixture fx(wkts, small_grid());
    const std::vector<double> values = {0.2, 0.4, 0.6, 0.8, 1.0};
    const auto whole = fx.burn_all(values);
    for (std::int64_t tile : {1, 2, 3, 4, 7}) {
        const auto tiled = fx.burn_tiled(values, tile);
        for (size_t i = 0; i < whole.size(); ++i) ASSERT_EQ(tiled[i], whole[i]) << "tile " << tile << ", cell " << i;
    }
    // Each sub-cell disc burns exactly the cell holding its middle.
    EXPECT_EQ(fx.at(whole, 2, 2), 0.2f);  // (29.5, 70.5): column 2, row 2
    EXPECT_EQ(fx.at(whole, 3, 3), 0.4f);  // (30.5, 69.5): column 3, row 3
    EXPECT_EQ(fx.at(whole, 6, 5), 0.6f);  // (61, 41): column 6, row 5
    EXPECT_EQ(fx.at(whole, 5, 3), 0.8f);  // the sliver: the cell holding its point-on-surface (50, 61.75)
    EXPECT_EQ(burned_count(whole), 4u + 9u);
    const auto w = fx.host->warnings();
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("4 feature(s) smaller than a cell"), std::string::npos) << w[0];
}

TEST(Rasterize, WhereFeaturesOverlapTheLargestValueWins) {
    // Two overlapping squares, burned in either order, and a sub-cell disc inside the overlap.
    Fixture fx({box(8, 32, 58, 88), box(28, 12, 78, 68), disc(44, 44, 1)}, small_grid());
    for (const std::vector<std::int64_t>& ids : {std::vector<std::int64_t>{0, 1}, std::vector<std::int64_t>{1, 0}}) {
        const std::vector<double> values = ids[0] == 0 ? std::vector<double>{0.3, 0.7} : std::vector<double>{0.7, 0.3};
        const auto v = fx.burn(values, fx.grid.full(), kNone, ids);
        EXPECT_EQ(fx.at(v, 3, 4), 0.7f);  // centre (35, 55): in both
        EXPECT_EQ(fx.at(v, 1, 1), 0.3f);  // centre (15, 85): in the first only
        EXPECT_EQ(fx.at(v, 6, 7), 0.7f);  // centre (65, 25): in the second only
    }
    // The sub-cell disc (value 0.9) wins in its cell, and loses where a larger value is burned.
    auto v = fx.burn({0.3, 0.7, 0.9}, fx.grid.full());
    EXPECT_EQ(fx.at(v, 4, 5), 0.9f);
    v = fx.burn({0.3, 0.7, 0.1}, fx.grid.full());
    EXPECT_EQ(fx.at(v, 4, 5), 0.7f);
    // max(current, value): a cell already higher keeps its value, a lower one is raised.
    v = fx.burn({0.3, 0.7, 0.1}, fx.grid.full(), 0.5f);
    EXPECT_EQ(fx.at(v, 1, 1), 0.5f);
    EXPECT_EQ(fx.at(v, 3, 4), 0.7f);
    EXPECT_EQ(fx.at(v, 9, 0), 0.5f);  // untouched
}

TEST(Rasterize, FeaturesOutsideTheGridBurnNothing) {
    Fixture fx({disc(-50, 50, 1), box(200, 200, 300, 300)}, small_grid());
    const auto v = fx.burn_all({1.0, 1.0});
    EXPECT_EQ(burned_count(v), 0u);
    EXPECT_TRUE(fx.host->warnings().empty());
}

TEST(Rasterize, UnknownLayerAndFeatureAreErrors) {
    Fixture fx({box(8, 62, 38, 88)}, small_grid());
    std::vector<float> out(100, 0);
    const std::int64_t bad = 5;
    const double value = 1;
    char err[256] = "";
    EXPECT_EQ(fx.host->rasterize("roads", &bad, &value, 1, to_c(fx.grid.full()), out.data(), err, sizeof err), MR_ERROR);
    EXPECT_NE(std::string(err).find("no layer 'roads'"), std::string::npos) << err;
    EXPECT_EQ(fx.host->rasterize("hazards", &bad, &value, 1, to_c(fx.grid.full()), out.data(), err, sizeof err), MR_ERROR);
    EXPECT_NE(std::string(err).find("feature 5"), std::string::npos) << err;
}

// ---- against gdal_rasterize -----------------------------------------------------------------------------

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("minerisk-rasterize-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

// Writes the polygons (in file order) with a value field 'v', runs gdal_rasterize on the grid and reads the result.
std::vector<float> gdal_rasterize(const TempDir& dir, const GridSpec& g, const std::vector<std::string>& wkts,
                                  const std::vector<double>& values) {
    GDALAllRegister();
    const fs::path vec = dir.path / "features.gpkg", ras = dir.path / "burned.tif";
    {
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        std::unique_ptr<GDALDataset> ds(drv->Create(vec.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        OGRSpatialReference srs;
        srs.importFromEPSG(32638);
        OGRLayer* l = ds->CreateLayer("f", &srs, wkbPolygon, nullptr);
        OGRFieldDefn fd("v", OFTReal);
        l->CreateField(&fd);
        for (size_t i = 0; i < wkts.size(); ++i) {
            OGRFeature f(l->GetLayerDefn());
            OGRGeometry* geom = nullptr;
            OGRGeometryFactory::createFromWkt(wkts[i].c_str(), nullptr, &geom);
            f.SetGeometryDirectly(geom);
            f.SetField(0, values[i]);
            EXPECT_EQ(l->CreateFeature(&f), OGRERR_NONE);
        }
    }
    const Extent e = g.extent();
    char cmd[1024];
    std::snprintf(cmd, sizeof cmd,
                  "gdal_rasterize -q -a v -init -9999 -ot Float32 -te %.6f %.6f %.6f %.6f -tr %.6f %.6f '%s' '%s'", e.xmin,
                  e.ymin, e.xmax, e.ymax, g.cell_size, g.cell_size, vec.c_str(), ras.c_str());
    if (std::system(cmd) != 0) return {};
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpen(ras.c_str(), GA_ReadOnly)));
    if (!ds || ds->GetRasterXSize() != g.width || ds->GetRasterYSize() != g.height) return {};
    std::vector<float> v(static_cast<size_t>(g.cells()));
    if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, static_cast<int>(g.width), static_cast<int>(g.height), v.data(),
                                       static_cast<int>(g.width), static_cast<int>(g.height), GDT_Float32, 0, 0) != CE_None)
        return {};
    for (auto& x : v)
        if (x == -9999.0f) x = kNone;
    return v;
}

bool have_gdal_rasterize() { return std::system("gdal_rasterize --version >/dev/null 2>&1") == 0; }

TEST(RasterizeOracle, SameCellsAsGdalRasterizeIncludingOverlaps) {
    if (!have_gdal_rasterize()) GTEST_SKIP() << "gdal_rasterize (gdal-bin) is not installed";
    // 120 x 90 cells of 20 m in UTM 38N; 60 random quadrilaterals and triangles of 3 to 30 cells across,
    // overlapping; written in ascending order of value, so that gdal_rasterize's "last one wins" is
    // "the largest wins".
    const GridSpec g{120, 90, 20.0, 640000.0, 4402000.0, ""};
    std::mt19937 rng(20240705);
    std::uniform_real_distribution<double> ux(g.origin_x - 100, g.origin_x + g.width * g.cell_size + 100);
    std::uniform_real_distribution<double> uy(g.origin_y - g.height * g.cell_size - 100, g.origin_y + 100);
    std::uniform_real_distribution<double> size(60, 600), jitter(-0.5, 0.5), value(0.01, 1.0);
    std::vector<std::pair<double, std::string>> feats;
    for (int i = 0; i < 60; ++i) {
        const double x = ux(rng), y = uy(rng), s = size(rng);
        char buf[512];
        if (i % 3 == 0)
            std::snprintf(buf, sizeof buf, "POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f))", x, y, x + s, y + s * jitter(rng),
                          x + s * jitter(rng), y + s, x, y);
        else
            std::snprintf(buf, sizeof buf, "POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f))", x, y,
                          x + s * (1 + jitter(rng) / 2), y + s * jitter(rng) / 3, x + s * (1 + jitter(rng) / 2), y + s,
                          x + s * jitter(rng) / 3, y + s * (1 + jitter(rng) / 2), x, y);
        feats.emplace_back(value(rng), buf);
    }
    std::sort(feats.begin(), feats.end());
    std::vector<std::string> wkts;
    std::vector<double> values;
    for (const auto& [v, w] : feats) values.push_back(v), wkts.push_back(w);

    TempDir dir;
    const auto expected = gdal_rasterize(dir, g, wkts, values);
    ASSERT_EQ(expected.size(), static_cast<size_t>(g.cells())) << "gdal_rasterize failed";
    // The host gets the features in another order: it must sort them itself.
    std::vector<std::string> shuffled_wkts(wkts.rbegin(), wkts.rend());
    std::vector<double> shuffled_values(values.rbegin(), values.rend());
    Fixture fx(shuffled_wkts, g);
    const auto whole = fx.burn_all(shuffled_values);
    const auto tiled = fx.burn_tiled(shuffled_values, 37);
    size_t burned = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
        ASSERT_EQ(whole[i], expected[i]) << "cell " << i % g.width << ", " << i / g.width;
        ASSERT_EQ(tiled[i], expected[i]) << "cell " << i % g.width << ", " << i / g.width << " (tiles of 37)";
        burned += expected[i] != kNone;
    }
    EXPECT_GT(burned, static_cast<size_t>(g.cells() / 10));  // the comparison covered something
    EXPECT_TRUE(fx.host->warnings().empty());  // every feature is larger than a cell
}

TEST(RasterizeOracle, SubCellFeaturesAreTheOnlyDifferenceFromGdalRasterize) {
    if (!have_gdal_rasterize()) GTEST_SKIP() << "gdal_rasterize (gdal-bin) is not installed";
    // A hazard recorded as a point with point_radius 5 at a resolution of 50 m: gdal_rasterize burns
    // nothing; the host burns the cell holding it. Beside it, an ordinary polygon burned alike by both.
    const GridSpec g{20, 20, 50.0, 640000.0, 4402000.0, ""};
    const std::vector<std::string> wkts = {box(640100, 4401300, 640400, 4401700), disc(640737, 4401488, 5)};
    const std::vector<double> values = {0.5, 1.0};
    TempDir dir;
    const auto expected = gdal_rasterize(dir, g, wkts, values);
    ASSERT_EQ(expected.size(), static_cast<size_t>(g.cells())) << "gdal_rasterize failed";
    Fixture fx(wkts, g);
    const auto v = fx.burn_all(values);
    const std::int64_t col = (640737 - 640000) / 50, row = (4402000 - 4401488) / 50;  // 14, 10
    size_t differ = 0;
    for (std::int64_t r = 0; r < g.height; ++r)
        for (std::int64_t c = 0; c < g.width; ++c) {
            const size_t i = static_cast<size_t>(r * g.width + c);
            if (c == col && r == row) {
                EXPECT_EQ(expected[i], kNone);
                EXPECT_EQ(v[i], 1.0f);
            } else {
                differ += v[i] != expected[i];
            }
        }
    EXPECT_EQ(differ, 0u);
    ASSERT_EQ(fx.host->warnings().size(), 1u);
    EXPECT_NE(fx.host->warnings()[0].find("1 feature(s) smaller than a cell (covering no cell centre at 50 m)"),
              std::string::npos)
        << fx.host->warnings()[0];
}

}  // namespace
