// The zone stage on small hand-made risk GeoTIFFs and hand-made layers, with answers worked out by hand or by a
// direct computation in the test.
//
// Grids are drawn as text: each character is one cell (see risk_of). Cells are 10 m unless said otherwise, the
// north-west corner is (0, rows x 10), so cell (row r, column c) has its centre at (10c + 5, 10(rows - r) - 5).
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_geometry.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <chrono>
#include <random>

#include "minerisk/error.hpp"
#include "minerisk/zones.hpp"
#include "plugin_harness.hpp"
#include "zones_reference.hpp"

namespace fs = std::filesystem;
using namespace minerisk;
using namespace minerisk::test;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("minerisk-zones-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() +
                                            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

void write_tif(const std::string& path, const GridSpec& g, const std::vector<float>& v) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDataset* ds = drv->Create(path.c_str(), static_cast<int>(g.width), static_cast<int>(g.height), 1, GDT_Float32, nullptr);
    ASSERT_NE(ds, nullptr);
    auto gt = g.geotransform();
    ds->SetGeoTransform(gt.data());
    ds->SetProjection(g.crs_wkt.c_str());
    ds->GetRasterBand(1)->SetNoDataValue(std::nan(""));
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, static_cast<int>(g.width), static_cast<int>(g.height),
                                             const_cast<float*>(v.data()), static_cast<int>(g.width), static_cast<int>(g.height),
                                             GDT_Float32, 0, 0),
              CE_None);
    GDALClose(ds);
}

// '#' 0.9, '+' 0.6, '.' 0.1, ' ' 0, 'n' nodata, a digit d: d/10.
float risk_of(char ch) {
    if (ch == '#') return 0.9f;
    if (ch == '+') return 0.6f;
    if (ch == '.') return 0.1f;
    if (ch == 'n') return NAN;
    if (ch >= '0' && ch <= '9') return static_cast<float>(ch - '0') / 10.0f;
    return 0.0f;
}

struct ZoneCase {
    TempDir tmp;
    GridSpec grid;
    Scenario sc;
    Inputs inputs;
    std::vector<float> risk;
    std::vector<std::string> fnames, fpaths;
    std::vector<double> weights;
    double as_of = 0;

    ZoneCase(std::int64_t w, std::int64_t h, double cell = 10) : grid(make_grid(w, h, cell, 0, double(h) * cell)) {
        risk.assign(static_cast<size_t>(w * h), 0.0f);
        sc.zones.min_area = 0;
        sc.zones.fill_holes = 0;
    }
    explicit ZoneCase(const std::vector<std::string>& rows, double cell = 10)
        : ZoneCase(static_cast<std::int64_t>(rows[0].size()), static_cast<std::int64_t>(rows.size()), cell) {
        for (size_t r = 0; r < rows.size(); ++r)
            for (size_t c = 0; c < rows[r].size(); ++c) risk[r * rows[0].size() + c] = risk_of(rows[r][c]);
    }
    float& at(std::int64_t row, std::int64_t col) { return risk[static_cast<size_t>(row * grid.width + col)]; }
    void fill(std::int64_t r0, std::int64_t c0, std::int64_t r1, std::int64_t c1, float v) {  // inclusive
        for (std::int64_t r = r0; r <= r1; ++r)
            for (std::int64_t c = c0; c <= c1; ++c) at(r, c) = v;
    }
    void factor(const std::string& name, double weight, const std::vector<float>& values) {
        fnames.push_back(name);
        weights.push_back(weight);
        fpaths.push_back(tmp.file(name + ".tif"));
        write_tif(fpaths.back(), grid, values);
    }
    ZoneInputs zone_inputs() {
        write_tif(tmp.file("risk.tif"), grid, risk);
        ZoneInputs in;
        in.scenario = &sc;
        in.inputs = &inputs;
        in.grid = grid;
        in.as_of = as_of;
        in.risk_path = tmp.file("risk.tif");
        in.factor_names = fnames;
        in.factor_paths = fpaths;
        in.factor_weights = weights;
        return in;
    }
    ZoneResult run() { return build_zones(zone_inputs()); }
    double cx(std::int64_t col) const { return grid.origin_x + (double(col) + 0.5) * grid.cell_size; }
    double cy(std::int64_t row) const { return grid.origin_y - (double(row) + 0.5) * grid.cell_size; }
};

std::unique_ptr<OGRGeometry> geometry_of(const Zone& z) {
    OGRGeometry* g = nullptr;
    EXPECT_EQ(OGRGeometryFactory::createFromWkb(z.wkb.data(), nullptr, &g, z.wkb.size()), OGRERR_NONE);
    return std::unique_ptr<OGRGeometry>(g);
}

double area_of(const Zone& z) {
    auto g = geometry_of(z);
    const auto t = wkbFlatten(g->getGeometryType());
    if (t == wkbPolygon) return g->toPolygon()->get_Area();
    return g->toMultiPolygon()->get_Area();
}

const Zone* by_id(const ZoneResult& r, int id) {
    for (const auto& z : r.zones)
        if (z.id == id) return &z;
    return nullptr;
}

std::vector<std::int64_t> cells_by_id(const ZoneResult& r) {
    std::vector<std::int64_t> out(r.zones.size());
    for (const auto& z : r.zones) out[static_cast<size_t>(z.id - 1)] = z.cells;
    return out;
}

std::string square(double x0, double y0, double x1, double y1) {
    auto p = [](double x, double y) { return std::to_string(x) + " " + std::to_string(y); };
    return "POLYGON((" + p(x0, y0) + "," + p(x1, y0) + "," + p(x1, y1) + "," + p(x0, y1) + "," + p(x0, y0) + "))";
}
std::string point(double x, double y) { return "POINT(" + std::to_string(x) + " " + std::to_string(y) + ")"; }

double days(const char* iso) { return *parse_date(iso); }

}  // namespace

// ---- threshold -------------------------------------------------------------------------------------------

TEST(ZoneThreshold, CellsAtOrAboveTheThresholdFormZones) {
    ZoneCase r({"..........",
           ".55.......",
           ".55...44..",
           "......44..",
           ".........."});
    auto res = r.run();  // neither threshold nor top_percent: 0.5
    EXPECT_DOUBLE_EQ(res.threshold, 0.5);
    ASSERT_EQ(res.zones.size(), 1u);
    EXPECT_EQ(res.zones[0].cells, 4);  // the cells at exactly 0.5 are in, the 0.4 cells are not
    EXPECT_DOUBLE_EQ(res.zones[0].area_m2, 400);

    r.sc.zones.threshold = 0.4;
    res = r.run();
    EXPECT_NEAR(res.threshold, 0.4, 1e-7);
    ASSERT_EQ(res.zones.size(), 2u);
    EXPECT_EQ(cells_by_id(res), (std::vector<std::int64_t>{4, 4}));
    EXPECT_NEAR(by_id(res, 1)->mean_risk, 0.5, 1e-7);  // row-major discovery: the 0.5 block is zone 1
    EXPECT_NEAR(by_id(res, 2)->mean_risk, 0.4, 1e-7);
}

TEST(ZoneThreshold, NoCellReachesTheThreshold) {
    ZoneCase r({"....", ".33.", "...."});
    auto res = r.run();
    EXPECT_TRUE(res.zones.empty());
    ASSERT_FALSE(res.warnings.empty());
    EXPECT_NE(res.warnings[0].find("no cell reaches the threshold 0.5: no zones"), std::string::npos) << res.warnings[0];
}

TEST(ZoneThreshold, TopPercentPicksTheShareOfTheArea) {
    ZoneCase r(10, 10);
    for (int i = 0; i < 100; ++i) r.risk[static_cast<size_t>(i)] = static_cast<float>(i + 1) / 100.0f;
    r.sc.zones.top_percent = 10;
    auto res = r.run();
    EXPECT_FLOAT_EQ(static_cast<float>(res.threshold), 0.91f);
    ASSERT_EQ(res.zones.size(), 1u);
    EXPECT_EQ(res.zones[0].cells, 10);

    r.sc.zones.top_percent = 12.5;  // ceil(12.5 cells) = 13: at least the share asked for
    res = r.run();
    EXPECT_FLOAT_EQ(static_cast<float>(res.threshold), 0.88f);
    EXPECT_EQ(res.zones[0].cells, 13);
}

TEST(ZoneThreshold, TopPercentCountsOnlyCellsWithData) {
    // 40 nodata cells, 60 valid: the top 25 % of the valid area is 15 cells.
    std::vector<float> v(100, NAN);
    for (int i = 0; i < 60; ++i) v[static_cast<size_t>(i * 5 / 3)] = static_cast<float>(i) / 64.0f;
    std::int64_t valid = 0;
    const float t = zones::top_percent_threshold(v, 25, &valid);
    EXPECT_EQ(valid, 60);
    EXPECT_EQ(t, 45.0f / 64.0f);
    std::int64_t n = 0;
    zones::candidate_mask(v, t, &n);
    EXPECT_EQ(n, 15);
    // Negative values and the exact maximum.
    std::vector<float> w = {-3.5f, -1.0f, 0.0f, 2.0f, NAN};
    EXPECT_EQ(zones::top_percent_threshold(w, 100), -3.5f);
    EXPECT_EQ(zones::top_percent_threshold(w, 25), 2.0f);
    EXPECT_EQ(zones::top_percent_threshold(w, 50), 0.0f);
    EXPECT_EQ(zones::top_percent_threshold(w, 75), -1.0f);
    EXPECT_TRUE(std::isnan(zones::top_percent_threshold(std::vector<float>(3, NAN), 10)));
}

TEST(ZoneThreshold, TiesAtTheTopPercentThresholdAreAllIn) {
    ZoneCase r(10, 10);
    for (int i = 0; i < 100; ++i) r.risk[static_cast<size_t>(i)] = i < 70 ? 0.2f : 0.8f;  // 30 cells tie at the top
    r.sc.zones.top_percent = 10;
    auto res = r.run();
    EXPECT_FLOAT_EQ(static_cast<float>(res.threshold), 0.8f);
    ASSERT_EQ(res.zones.size(), 1u);
    EXPECT_EQ(res.zones[0].cells, 30);
    bool warned = false;
    for (const auto& w : res.warnings) warned |= w.find("top_percent 10") != std::string::npos && w.find("30%") != std::string::npos;
    EXPECT_TRUE(warned);
}

// ---- cleaning --------------------------------------------------------------------------------------------

TEST(ZoneClean, MinimumAreaDropsSmallAreas) {
    ZoneCase r({"..............",
           ".##......####.",
           ".#.......###..",
           ".........###..",
           ".............."});
    r.sc.zones.min_area = 500;  // 5 cells of 100 m2: the 3-cell blob goes, the 10-cell one stays
    auto res = r.run();
    ASSERT_EQ(res.zones.size(), 1u);
    EXPECT_EQ(res.zones[0].cells, 10);
    EXPECT_EQ(res.zones[0].id, 1);  // labels are given after cleaning
    r.sc.zones.min_area = 300;  // "smaller than": an area of exactly min_area stays
    res = r.run();
    EXPECT_EQ(res.zones.size(), 2u);
}

TEST(ZoneClean, FillsSmallHolesButNotBigOnes) {
    const std::vector<std::string> map = {
        "..............",
        ".#####..#####.",
        ".#.###..#...#.",
        ".#####..#...#.",
        "........#...#.",
        "........#####.",
        ".............."};
    ZoneCase r(map);
    r.sc.zones.fill_holes = 500;  // 5 cells: the 1-cell hole is filled, the 9-cell one is not
    auto res = r.run();
    EXPECT_EQ(cells_by_id(res), (std::vector<std::int64_t>{15, 16}));
    EXPECT_DOUBLE_EQ(area_of(*by_id(res, 2)), 1600);  // the polygon keeps its hole
    EXPECT_DOUBLE_EQ(area_of(*by_id(res, 1)), 1500);
    r.sc.zones.fill_holes = 1000;  // 10 cells: both filled
    res = r.run();
    EXPECT_EQ(cells_by_id(res), (std::vector<std::int64_t>{15, 25}));
    EXPECT_NEAR(by_id(res, 2)->mean_risk, (16 * 0.9 + 9 * 0.1) / 25, 1e-6);  // filled cells count in the statistics
    r.sc.zones.fill_holes = 0;
    res = r.run();
    EXPECT_EQ(cells_by_id(res), (std::vector<std::int64_t>{14, 16}));
}

TEST(ZoneClean, HolesOpenToTheEdgeOrToNodataAreNotFilled) {
    ZoneCase r({"#.#.......",
           "###..###..",
           ".....#n#..",
           ".....###..",
           ".........."});
    r.sc.zones.fill_holes = 1e6;
    auto res = r.run();
    // The notch at the top edge is open; the hole holding a nodata cell is left alone.
    EXPECT_EQ(cells_by_id(res), (std::vector<std::int64_t>{5, 8}));
}

TEST(ZoneClean, ZonesAreFourConnected) {
    ZoneCase r({"#....",
           ".#...",
           "..#..",
           ".....",
           ".##..",
           "#..#.",
           "#..#.",
           ".##.."});
    r.sc.zones.fill_holes = 1e6;
    auto res = r.run();
    // The diagonal cells are three zones; the ring closed only at its corners is four zones of 2 cells, and
    // its inside is no hole (it is open through the corners).
    ASSERT_EQ(res.zones.size(), 7u);
    EXPECT_EQ(cells_by_id(res), (std::vector<std::int64_t>{1, 1, 1, 2, 2, 2, 2}));
    // Ids in row-major order of each zone's first cell.
    auto g1 = geometry_of(*by_id(res, 1));
    OGRPoint p(r.cx(0), r.cy(0));
    EXPECT_TRUE(g1->Contains(&p));
    auto g5 = geometry_of(*by_id(res, 5));  // the first cell of row 5
    OGRPoint q(r.cx(0), r.cy(5));
    EXPECT_TRUE(g5->Contains(&q));
}

TEST(ZoneClean, LabellingMergesAndNumbersInScanOrder) {
    // The comb's teeth get provisional labels of their own and are merged on the bottom row.
    const char* rows[] = {"#.#.#.#.#",
                          "#.#.#.#.#",
                          "#########",
                          ".........",
                          "#.#......",
                          "###..#..#"};
    const std::int64_t w = 9, h = 6;
    std::vector<std::uint8_t> m(static_cast<size_t>(w * h), 0);
    for (std::int64_t r = 0; r < h; ++r)
        for (std::int64_t c = 0; c < w; ++c) m[static_cast<size_t>(r * w + c)] = rows[r][c] == '#';
    // The engine labels runs (zones/runs.hpp): the same numbers as a cell-by-cell scan would give.
    std::vector<std::int64_t> sizes;
    zones::RowRuns runs = zones::runs_of(m, w, h, 1);
    ASSERT_EQ(zones::label_runs(runs, false, sizes), 4);
    auto labels = zones::labels_of(runs, w, h);
    EXPECT_EQ(sizes, (std::vector<std::int64_t>{0, 19, 5, 1, 1}));
    EXPECT_EQ(labels[0], 1);
    EXPECT_EQ(labels[8], 1);
    EXPECT_EQ(labels[4 * 9], 2);
    EXPECT_EQ(labels[5 * 9 + 5], 3);
    EXPECT_EQ(labels[5 * 9 + 8], 4);
    EXPECT_EQ(labels[1], 0);
    // The background, 8-connected: the four gaps between the teeth, and the rest.
    zones::RowRuns background = zones::runs_of(m, w, h, 0);
    EXPECT_EQ(zones::label_runs(background, true, sizes), 5);
    EXPECT_EQ(sizes[1], 2);
    // 8-connected candidates: the single cells touch nothing diagonally, so still 4.
    EXPECT_EQ(zones::label_runs(runs, true, sizes), 4);
}

// ---- polygons and statistics --------------------------------------------------------------------------------

TEST(ZonePolygons, AreasEqualCellsTimesCellAreaAndCoverTheirCells) {
    ZoneCase r(40, 30, 20);
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    for (auto& v : r.risk) v = u(rng);
    for (int i = 0; i < 30; ++i) r.risk[static_cast<size_t>(i * 37 % 1200)] = NAN;
    r.sc.zones.threshold = 0.6;
    auto res = r.run();
    ASSERT_GT(res.zones.size(), 20u);
    std::int64_t total = 0;
    for (const auto& z : res.zones) {
        auto g = geometry_of(z);
        EXPECT_TRUE(g->IsValid()) << "zone " << z.id;
        EXPECT_NEAR(area_of(z), double(z.cells) * 400.0, 1e-6) << "zone " << z.id;
        EXPECT_DOUBLE_EQ(z.area_m2, double(z.cells) * 400.0);
        total += z.cells;
    }
    EXPECT_EQ(total, std::count_if(r.risk.begin(), r.risk.end(), [](float v) { return v >= 0.6f; }));
    // Every candidate cell's centre lies in exactly one zone polygon; no other centre lies in any.
    for (std::int64_t row = 0; row < r.grid.height; ++row)
        for (std::int64_t col = 0; col < r.grid.width; ++col) {
            OGRPoint p(r.cx(col), r.cy(row));
            int in = 0;
            for (const auto& z : res.zones) in += geometry_of(z)->Contains(&p);
            EXPECT_EQ(in, r.at(row, col) >= 0.6f ? 1 : 0) << row << "," << col;
        }
}

TEST(ZoneStats, MeansMaximaAndTopFactorEqualADirectComputation) {
    ZoneCase r(30, 20);
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    for (auto& v : r.risk) v = u(rng);
    std::vector<float> fa(r.risk.size()), fb(r.risk.size());
    for (auto& v : fa) v = u(rng);
    for (auto& v : fb) v = u(rng);
    fb[5] = NAN;
    r.factor("alpha", 0.2, fa);
    r.factor("beta", 0.8, fb);
    r.sc.zones.threshold = 0.55;
    auto res = r.run();
    ASSERT_GT(res.zones.size(), 5u);
    EXPECT_EQ(res.factor_names, (std::vector<std::string>{"alpha", "beta"}));
    // Cells of each zone, from its polygon.
    std::vector<std::unique_ptr<OGRGeometry>> geoms;
    for (const auto& z : res.zones) geoms.push_back(geometry_of(z));
    for (size_t k = 0; k < res.zones.size(); ++k) {
        const Zone& z = res.zones[k];
        double sum = 0, mx = -1, sa = 0, sb = 0;
        std::int64_t n = 0, nb = 0;
        for (std::int64_t row = 0; row < r.grid.height; ++row)
            for (std::int64_t col = 0; col < r.grid.width; ++col) {
                OGRPoint p(r.cx(col), r.cy(row));
                if (!geoms[k]->Contains(&p)) continue;
                const size_t i = static_cast<size_t>(row * r.grid.width + col);
                ++n;
                sum += r.risk[i];
                mx = std::max<double>(mx, r.risk[i]);
                sa += fa[i];
                if (!std::isnan(fb[i])) sb += fb[i], ++nb;
            }
        EXPECT_EQ(z.cells, n);
        EXPECT_NEAR(z.mean_risk, sum / n, 1e-9);
        EXPECT_DOUBLE_EQ(z.max_risk, mx);
        ASSERT_EQ(z.factor_mean.size(), 2u);
        EXPECT_NEAR(z.factor_mean[0], sa / n, 1e-9);
        EXPECT_NEAR(z.factor_mean[1], sb / nb, 1e-9);
        const std::string top = 0.2 * (sa / n) >= 0.8 * (sb / nb) ? "alpha" : "beta";
        EXPECT_EQ(z.top_factor, top) << "zone " << z.id;
    }
}

TEST(ZoneStats, AMissingFactorRasterIsAWarningNotAFailure) {
    ZoneCase r({"....", ".##.", "...."});
    r.factor("alpha", 1, std::vector<float>(12, 0.5f));
    r.fnames.push_back("ghost");
    r.weights.push_back(5);
    r.fpaths.push_back(r.tmp.file("ghost.tif"));
    auto res = r.run();
    ASSERT_EQ(res.zones.size(), 1u);
    EXPECT_NEAR(res.zones[0].factor_mean[0], 0.5, 1e-9);
    EXPECT_TRUE(std::isnan(res.zones[0].factor_mean[1]));
    EXPECT_EQ(res.zones[0].top_factor, "alpha");
    bool warned = false;
    for (const auto& w : res.warnings) warned |= w.find("factor 'ghost'") != std::string::npos;
    EXPECT_TRUE(warned);
}

TEST(ZoneErrors, ARasterOffTheRunsGridIsRefused) {
    ZoneCase r({"....", ".##.", "...."});
    auto in = r.zone_inputs();
    in.grid.width = 5;
    EXPECT_THROW(build_zones(in), Error);
    in = r.zone_inputs();
    in.risk_path = r.tmp.file("nothing.tif");
    EXPECT_THROW(build_zones(in), Error);
    in = r.zone_inputs();
    in.factor_weights.push_back(1);
    EXPECT_THROW(build_zones(in), Error);
}

TEST(ZoneErrors, CancellingStops) {
    ZoneCase r({"....", ".##.", "...."});
    auto in = r.zone_inputs();
    auto cancel = [](double, const char*, void*) -> int { return 0; };
    EXPECT_THROW(build_zones(in, Progress(cancel, nullptr)), Error);
}

// ---- ranking ---------------------------------------------------------------------------------------------

TEST(ZoneRank, AZoneNearABigVillageOutranksAnEqualRiskZoneWithNobodyNear) {
    ZoneCase r(100, 50, 20);  // 2000 x 1000 m
    r.fill(10, 10, 19, 19, 0.8f);  // zone 1: x 200-400, y 600-800
    r.fill(10, 70, 19, 79, 0.8f);  // zone 2: x 1400-1600
    r.sc.zones.reach = 300;
    r.inputs.layers.push_back(make_layer("settlements", {{point(1500, 500), {{"name", "Kengerli"}, {"population", "1000"}}}},
                                         {{"name", "text"}, {"population", "number"}}));
    auto res = r.run();
    ASSERT_EQ(res.zones.size(), 2u);
    EXPECT_EQ(res.zones[0].id, 2);
    EXPECT_EQ(res.zones[0].rank, 1);
    EXPECT_EQ(res.zones[1].rank, 2);
    EXPECT_NEAR(res.zones[0].priority, 0.8 * (1 + std::log10(1001.0)), 1e-6);
    EXPECT_NEAR(res.zones[1].priority, 0.8, 1e-6);
    EXPECT_DOUBLE_EQ(res.zones[0].population_in_reach, 1000);
    ASSERT_EQ(res.zones[0].settlements.size(), 1u);
    EXPECT_NEAR(res.zones[0].settlements[0].distance_m, 100, 1e-9);
}

TEST(ZoneRank, TiesGoToTheHigherMaximumThenTheLowerId) {
    ZoneCase r(40, 10);
    r.sc.zones.threshold = 0.25;
    r.fill(2, 2, 3, 5, 0.5f);    // zone 1: mean 0.5, max 0.5
    r.fill(2, 12, 3, 15, 0.25f); // zone 2: mean 0.5, max 0.75
    r.fill(2, 12, 2, 15, 0.75f);
    r.fill(2, 22, 3, 25, 0.5f);  // zone 3: the same as zone 1
    auto res = r.run();
    ASSERT_EQ(res.zones.size(), 3u);
    EXPECT_EQ(res.zones[0].id, 2);
    EXPECT_EQ(res.zones[1].id, 1);
    EXPECT_EQ(res.zones[2].id, 3);
    EXPECT_EQ(res.zones[0].priority, res.zones[1].priority);
}

// ---- attributes and actions -------------------------------------------------------------------------------

namespace {

// 100 x 100 cells of 10 m (1 km square). Zone A: x 100-900, y 700-900. Zone B: x 100-210, y 200-400.
struct Village : ZoneCase {
    Village() : ZoneCase(100, 100) {
        fill(10, 10, 29, 89, 0.9f);  // zone A, rows 10-29: y 900 down to 700
        fill(60, 10, 79, 20, 0.7f);  // zone B
        sc.zones.reach = 300;
        sc.zones.survey_distance = 500;
        sc.zones.sign_cover = 50;
        sc.zones.recent_days = 365;
        sc.zones.session_stale_days = 365;
        as_of = days("2026-07-01");
        inputs.layers.push_back(make_layer(
            "hazards",
            {{square(150, 750, 250, 850), {{"id", "HA-1"}, {"status", "CHA"}, {"ordnance", "AP"}}},
             {square(280, 690, 320, 720), {{"id", "HA-2"}, {"status", "Cleared"}, {"ordnance", "UXO"}}},
             {square(600, 50, 700, 150), {{"id", "HA-3"}, {"status", "SHA"}}}},
            {{"id", "text"}, {"status", "text"}, {"ordnance", "text"}}));
        inputs.layers.push_back(make_layer(
            "signs",
            {{point(200, 850), {{"condition", "good"}, {"date", "2025-01-01"}}},     // covers the top side (100 m)
             {point(150, 800), {{"condition", "Missing"}, {"date", "2025-01-01"}}},  // does not count
             {point(250, 800), {{"condition", "good"}, {"date", "2026-08-01"}}}},    // placed after as_of
            {{"condition", "text"}, {"date", "date"}}));
        inputs.layers.push_back(make_layer(
            "incidents",
            {{point(200, 800), {{"date", "2026-01-01"}}},   // I1 in the hazard, recent
             {point(850, 800), {{"date", "2024-05-10"}}},   // I2 600 m from HA-1: far
             {point(800, 750), {}},                          // I3 undated, 550 m from HA-1: far, not recent
             {point(500, 800), {{"date", "2026-09-01"}}},   // after as_of: left out
             {point(50, 50), {{"date", "2026-02-01"}}},     // outside every zone
             {point(150, 300), {{"date", "2026-03-01"}}}},  // in zone B, 450 m from HA-1
            {{"date", "date"}}));
        inputs.layers.push_back(make_layer(
            "settlements",
            {{point(500, 650), {{"id", "ST-1"}, {"name", "Kengerli"}, {"population", "1200"}, {"returnee", "true"}}},
             {point(500, 950), {{"id", "ST-2"}, {"name", "Shikhbabali"}, {"population", "300"}, {"returnee", "false"}}},
             {point(700, 950), {{"id", "ST-3"}, {"name", "Bosh"}, {"population", "0"}}},
             {point(300, 980), {{"id", "ST-4"}, {"name", "Visited"}, {"population", "500"}}},
             {point(600, 50), {{"id", "ST-5"}, {"name", "Faraway"}, {"population", "80"}}}},
            {{"id", "text"}, {"name", "text"}, {"population", "number"}, {"returnee", "boolean"}}));
        inputs.layers.push_back(make_layer(
            "sessions",
            {{point(900, 100), {{"date", "2023-04-12"}, {"settlement", "ST-2"}}},   // by key, far from ST-2
             {point(310, 970), {{"date", "2026-03-01"}, {"settlement", " st-4 "}}},
             {point(610, 60), {{"date", "2026-06-01"}, {"settlement", ""}}},         // by location: ST-5
             {point(500, 640), {{"date", "2026-06-20"}, {"settlement", "ST-1"}, {"reached", "0"}}}},  // reached nobody
            {{"date", "date"}, {"settlement", "text"}, {"reached", "number"}}));
    }
};

}  // namespace

TEST(ZoneAttributes, SettlementsHazardsIncidentsAndSessions) {
    Village v;
    auto res = v.run();
    ASSERT_EQ(res.zones.size(), 2u);
    const Zone& a = *by_id(res, 1);
    EXPECT_EQ(a.cells, 20 * 80);
    ASSERT_EQ(a.settlements.size(), 4u);
    EXPECT_EQ(a.settlements[0].name, "Kengerli");  // 50 m, 50 m, 50 m (feature order), then 80 m
    EXPECT_EQ(a.settlements[1].name, "Shikhbabali");
    EXPECT_EQ(a.settlements[2].name, "Bosh");
    EXPECT_EQ(a.settlements[3].name, "Visited");
    EXPECT_NEAR(a.settlements[3].distance_m, 80, 1e-9);
    EXPECT_EQ(a.settlements[0].id, "ST-1");
    EXPECT_TRUE(a.settlements[0].returnee);
    EXPECT_DOUBLE_EQ(a.population_in_reach, 2000);
    EXPECT_EQ(a.returnee_settlements, 1);

    ASSERT_EQ(a.hazards.size(), 2u);
    EXPECT_EQ(a.hazards[0].id, "HA-1");
    EXPECT_EQ(a.hazards[0].status, "CHA");
    EXPECT_EQ(a.hazards[0].ordnance, "AP");
    EXPECT_NEAR(a.hazards[0].unmarked_m, 300, 1e-6);  // only the good sign counts: it covers the top side
    EXPECT_EQ(a.hazards[1].status, "Cleared");        // reported as recorded, no marking needed
    EXPECT_EQ(a.hazards[1].unmarked_m, 0);
    EXPECT_NEAR(a.unmarked_perimeter_m, 300, 1e-6);

    EXPECT_EQ(a.incidents_all, 3);
    EXPECT_EQ(a.incidents_recent, 1);
    EXPECT_EQ(a.incidents_far_from_hazards, 2);
    EXPECT_EQ(a.last_session, days("2026-03-01"));  // Visited's, within reach
    // Priority: people in reach, and the two incidents far from any recorded hazard.
    EXPECT_NEAR(a.priority, 0.9 * (1 + std::log10(2001.0)) * (1 + std::log10(3.0)), 1e-6);
    EXPECT_EQ(a.rank, 1);
    // The incident at (50, 50) is 550 m from HA-3 and in no zone: a survey referral of its own, and a warning
    // that points to the referrals.
    ASSERT_EQ(res.survey_referrals.size(), 1u);
    const SurveyReferral& r = res.survey_referrals[0];
    EXPECT_EQ(r.id, 1);
    EXPECT_EQ(r.incidents, 1);
    EXPECT_EQ(r.incident_features, (std::vector<std::int64_t>{4}));
    EXPECT_DOUBLE_EQ(r.x, 50);
    EXPECT_DOUBLE_EQ(r.y, 50);
    EXPECT_EQ(r.spread_m, 0);
    EXPECT_EQ(r.first_date, days("2026-02-01"));
    EXPECT_EQ(r.last_date, days("2026-02-01"));
    EXPECT_FLOAT_EQ(static_cast<float>(r.max_risk), 0.0f);  // the cell at (50, 50) has no risk
    EXPECT_EQ(r.nearest_settlement, "Faraway");
    EXPECT_NEAR(r.settlement_distance_m, 550, 1e-9);
    EXPECT_EQ(r.reason,
              "1 incident (2026-02) lies more than 500 m from any recorded hazard and in no zone (the combined risk there is 0, "
              "below the zone threshold 0.5): contamination nobody has recorded; nearest settlement Faraway (550 m)");
    bool warned = false;
    for (const auto& w : res.warnings)
        warned |= w.find("1 incident (2026-02) lies more than 500 m from any recorded hazard but in no zone, because the risk "
                         "around it stays below the threshold 0.5") != std::string::npos &&
                  w.find("It is listed for non-technical survey as 1 group in survey_referrals") != std::string::npos &&
                  w.find("Refer it, or lower zones.threshold") != std::string::npos;
    EXPECT_TRUE(warned);
    // Every incident judged near or far from the counted hazards, for the incidents layer of the exports.
    EXPECT_EQ(res.incident_far_from_hazard, (std::vector<signed char>{0, 1, 1, -1, 1, 0}));  // the 4th: after as_of
    // Released hazards are marked as such; every population here is recorded.
    EXPECT_FALSE(a.hazards[0].released);
    EXPECT_TRUE(a.hazards[1].released);  // "Cleared"
    for (const auto& st : a.settlements) EXPECT_TRUE(st.population_known) << st.name;
    // Zone B has nobody near: the warning names it by rank, with its id.
    bool alone = false;
    for (const auto& w : res.warnings)
        alone |= w == "1 of 2 zones has no settlement within 300 m: rank 2 (zone id 2); no population raises its priority";
    EXPECT_TRUE(alone);

    const Zone& b = *by_id(res, 2);
    EXPECT_TRUE(b.settlements.empty());
    EXPECT_TRUE(b.hazards.empty());
    EXPECT_EQ(b.incidents_all, 1);
    EXPECT_EQ(b.incidents_far_from_hazards, 0);  // 450 m from HA-1
    EXPECT_TRUE(std::isnan(b.last_session));
    EXPECT_EQ(b.action, "monitor");
    EXPECT_NE(b.reason.find("nobody lives within 300 m"), std::string::npos) << b.reason;
}

// The scenario's excluded statuses reach the zones (they once used a fixed list): with "CHA" excluded and
// "Cleared" no longer, HA-1 is released land and counts no unmarked perimeter, and HA-2 counts.
TEST(ZoneAttributes, ExcludedStatusesComeFromTheRunsHazardRules) {
    Village v;
    ZoneInputs in = v.zone_inputs();
    in.rules.excluded_statuses = HazardRules::normalised_statuses({" cha "});
    auto res = build_zones(in);
    const Zone& a = *by_id(res, 1);
    ASSERT_EQ(a.hazards.size(), 2u);
    EXPECT_EQ(a.hazards[0].id, "HA-1");
    EXPECT_TRUE(a.hazards[0].released);
    EXPECT_EQ(a.hazards[0].unmarked_m, 0);
    EXPECT_FALSE(a.hazards[1].released);  // "Cleared", counted now
    EXPECT_GT(a.hazards[1].unmarked_m, 0);
}

TEST(ZoneActions, EachActionAppearsWithItsFigures) {
    Village v;
    auto res = v.run();
    const Zone& a = *by_id(res, 1);
    EXPECT_EQ(a.action, "refer for non-technical survey; mark; hold sessions");
    EXPECT_NE(a.reason.find("2 incidents since 2024-05 lie more than 500 m from any recorded hazard: contamination nobody has recorded"),
              std::string::npos)
        << a.reason;
    EXPECT_NE(a.reason.find("HA-1 has 300 m of perimeter with no sign within 50 m"), std::string::npos) << a.reason;
    EXPECT_NE(a.reason.find("Kengerli (1,200 people, returnees, never visited), Shikhbabali (300 people, last session 2023-04) "
                            "have had no session in the last 365 days"),
              std::string::npos)
        << a.reason;
    EXPECT_EQ(a.reason.find("Bosh"), std::string::npos);     // nobody lives there
    EXPECT_EQ(a.reason.find("Visited"), std::string::npos);  // had a session in March
}

TEST(ZoneActions, EachConditionAlone) {
    // A zone touching one unsigned hazard, with nobody near and no incident: mark only.
    ZoneCase r(100, 100);
    r.fill(10, 10, 20, 20, 0.9f);  // x 100-210, y 790-900
    r.as_of = days("2026-07-01");
    r.inputs.layers.push_back(make_layer("hazards", {{square(120, 800, 180, 860), {{"id", "HA-9"}}}}, {{"id", "text"}}));
    auto res = r.run();
    ASSERT_EQ(res.zones.size(), 1u);
    EXPECT_EQ(res.zones[0].action, "mark");
    EXPECT_EQ(res.zones[0].reason, "HA-9 has 240 m of perimeter with no sign within 100 m");

    // One never-visited village (no sessions layer), no hazard, no incident: hold sessions.
    r.inputs.layers.clear();
    r.inputs.layers.push_back(make_layer("settlements", {{point(100, 600), {{"name", "Guzanli"}, {"population", "40"}}}},
                                         {{"name", "text"}, {"population", "number"}}));
    res = r.run();
    EXPECT_EQ(res.zones[0].action, "hold sessions");
    EXPECT_EQ(res.zones[0].reason, "Guzanli (40 people, never visited) has had no session in the last 365 days");

    // One incident far from every counted hazard (the cleared one around it does not count): survey.
    r.inputs.layers.clear();
    r.inputs.layers.push_back(make_layer("hazards", {{square(140, 820, 160, 840), {{"id", "HA-1"}, {"status", "cleared"}}},
                                                     {square(700, 700, 720, 720), {{"id", "HA-2"}}}},
                                         {{"id", "text"}, {"status", "text"}}));
    r.inputs.layers.push_back(make_layer("incidents", {{point(150, 830), {{"date", "2025-02-03"}}}}, {{"date", "date"}}));
    res = r.run();
    EXPECT_EQ(res.zones[0].action, "refer for non-technical survey");
    EXPECT_EQ(res.zones[0].reason,
              "1 incident (2025-02) lies more than 500 m from any recorded hazard: contamination nobody has recorded");
    EXPECT_EQ(res.zones[0].hazards.size(), 1u);  // it touches the cleared hazard
    // Within survey_distance of a counted hazard (561 m): no referral.
    r.sc.zones.survey_distance = 600;
    res = r.run();
    EXPECT_EQ(res.zones[0].action, "monitor");
    EXPECT_EQ(res.zones[0].incidents_all, 1);
    EXPECT_EQ(res.zones[0].incidents_far_from_hazards, 0);
}

// ---- ranked settlements --------------------------------------------------------------------------------

TEST(ZoneSettlements, EverySettlementRankedWithItsFields) {
    Village v;
    auto res = v.run();
    ASSERT_EQ(res.settlements.size(), 5u);
    std::map<std::string, const RankedSettlement*> by;
    for (const auto& s : res.settlements) by[s.id] = &s;
    // Risk within reach: a direct computation over the cell centres within 300 m.
    auto direct = [&](double x, double y, double* mx) {
        double sum = 0;
        int n = 0;
        *mx = 0;
        for (std::int64_t row = 0; row < v.grid.height; ++row)
            for (std::int64_t col = 0; col < v.grid.width; ++col)
                if (std::hypot(v.cx(col) - x, v.cy(row) - y) <= 300) {
                    const float f = v.at(row, col);
                    sum += f, ++n, *mx = std::max<double>(*mx, f);
                }
        return sum / n;
    };
    double mx = 0;
    const auto* k = by["ST-1"];
    EXPECT_NEAR(k->risk_mean, direct(500, 650, &mx), 1e-9);
    EXPECT_NEAR(k->risk_max, mx, 1e-7);
    EXPECT_NEAR(k->distance_to_hazard_m, std::hypot(250, 100), 1e-6);  // HA-1; HA-2 is cleared
    EXPECT_EQ(k->incidents_nearby, 0);
    EXPECT_TRUE(std::isnan(k->last_session));  // its only session reached nobody
    EXPECT_EQ(k->zone_id, 1);
    EXPECT_DOUBLE_EQ(k->population, 1200);
    EXPECT_TRUE(k->returnee);
    EXPECT_NEAR(k->priority, k->risk_mean * (1 + std::log10(1201.0)) * 1.5, 1e-9);

    EXPECT_EQ(by["ST-2"]->last_session, days("2023-04-12"));  // by key, 870 m from where it was held
    EXPECT_EQ(by["ST-4"]->last_session, days("2026-03-01"));
    EXPECT_EQ(by["ST-5"]->last_session, days("2026-06-01"));  // by location
    const double need4 = 0.5 + 0.5 * (days("2026-07-01") - days("2026-03-01")) / 365;
    EXPECT_NEAR(by["ST-4"]->priority, by["ST-4"]->risk_mean * (1 + std::log10(501.0)) * need4, 1e-9);
    EXPECT_EQ(by["ST-3"]->priority, 0);  // population 0
    EXPECT_EQ(by["ST-5"]->zone_id, 0);
    EXPECT_EQ(by["ST-5"]->incidents_nearby, 0);  // the nearest incident, at (50, 50), is 550 m away
    EXPECT_EQ(by["ST-4"]->incidents_nearby, 1);  // (200, 800) at 206 m; (500, 800) is dated after as_of
    EXPECT_NEAR(by["ST-5"]->distance_to_hazard_m, 0, 1e-9);  // on HA-3's edge

    for (size_t i = 0; i < res.settlements.size(); ++i) {
        EXPECT_EQ(res.settlements[i].rank, static_cast<int>(i + 1));
        if (i) {
            EXPECT_GE(res.settlements[i - 1].priority, res.settlements[i].priority);
        }
    }
    // Nobody lives in ST-3 and ST-5 has no risk around it: both 0, in id order at the end.
    EXPECT_EQ(res.settlements[3].id, "ST-3");
    EXPECT_EQ(res.settlements[4].id, "ST-5");
    EXPECT_EQ(res.settlements[4].priority, 0);
}

TEST(ZoneSettlements, APolygonSettlementMeasuresFromItsEdge) {
    ZoneCase r(60, 60);  // 600 m square
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    for (auto& v : r.risk) v = u(rng);
    r.sc.zones.reach = 100;
    r.sc.zones.threshold = 0.99;  // few, tiny zones: this test is about the settlement
    const std::string town = "POLYGON((200 200,320 200,320 260,260 330,200 260,200 200))";
    r.inputs.layers.push_back(make_layer("settlements", {{town, {{"id", "T"}, {"population", "5000"}}}}, {{"id", "text"}, {"population", "number"}}));
    r.inputs.layers.push_back(make_layer("hazards", {{square(400, 230, 450, 280), {}}}, {}));
    auto res = r.run();
    ASSERT_EQ(res.settlements.size(), 1u);
    const auto& s = res.settlements[0];
    OGRGeometry* g = nullptr;
    OGRGeometryFactory::createFromWkt(town.c_str(), nullptr, &g);
    std::unique_ptr<OGRGeometry> poly(g);
    double sum = 0, mx = 0;
    int n = 0;
    for (std::int64_t row = 0; row < r.grid.height; ++row)
        for (std::int64_t col = 0; col < r.grid.width; ++col) {
            OGRPoint p(r.cx(col), r.cy(row));
            if (poly->Distance(&p) <= 100) sum += r.at(row, col), mx = std::max<double>(mx, r.at(row, col)), ++n;
        }
    EXPECT_GT(n, 300);
    EXPECT_NEAR(s.risk_mean, sum / n, 1e-9);
    EXPECT_NEAR(s.risk_max, mx, 1e-7);
    EXPECT_NEAR(s.distance_to_hazard_m, 80, 1e-9);  // from the edge x = 320 to x = 400
    EXPECT_TRUE(std::isnan(s.last_session));
    EXPECT_NEAR(s.priority, s.risk_mean * (1 + std::log10(5001.0)), 1e-9);
}

TEST(ZoneResultIsDeterministic, TwoRunsGiveTheSameZones) {
    Village v;
    auto a = v.run();
    auto b = v.run();
    ASSERT_EQ(a.zones.size(), b.zones.size());
    for (size_t i = 0; i < a.zones.size(); ++i) {
        EXPECT_EQ(a.zones[i].id, b.zones[i].id);
        EXPECT_EQ(a.zones[i].wkb, b.zones[i].wkb);
        EXPECT_EQ(a.zones[i].reason, b.zones[i].reason);
    }
    for (size_t i = 0; i < a.settlements.size(); ++i) EXPECT_EQ(a.settlements[i].id, b.settlements[i].id);
}

// ---- mark reasons with several hazards ----------------------------------------------------------------------

TEST(ZoneActions, MarkReasonListsTheLongestFiveAndAgreesWithThem) {
    ZoneCase r(100, 100);
    r.fill(10, 10, 60, 90, 0.9f);  // x 100-910, y 390-900
    std::vector<HandFeature> hazards;
    for (int k = 1; k <= 7; ++k)  // HA-k: a square of side 10k m, perimeter 40k m, none signed
        hazards.push_back({square(100.0 * k, 500, 100.0 * k + 10.0 * k, 500 + 10.0 * k), {{"id", "HA-" + std::to_string(k)}}});
    r.inputs.layers.push_back(make_layer("hazards", hazards, {{"id", "text"}}));
    auto res = r.run();
    ASSERT_EQ(res.zones.size(), 1u);
    EXPECT_EQ(res.zones[0].reason,
              "HA-7 (280 m), HA-6 (240 m), HA-5 (200 m), HA-4 (160 m), HA-3 (120 m) and 2 other hazards together have "
              "1,120 m of perimeter with no sign within 100 m");
    hazards.resize(2);
    r.inputs.layers.clear();
    r.inputs.layers.push_back(make_layer("hazards", hazards, {{"id", "text"}}));
    res = r.run();
    EXPECT_EQ(res.zones[0].reason, "HA-2 (80 m) and HA-1 (40 m) together have 120 m of perimeter with no sign within 100 m");
}

// ---- survey referrals: far incidents in no zone, grouped ----------------------------------------------------

namespace {

// Single linkage the slow, obvious way: every pair.
std::vector<std::int64_t> groups_by_every_pair(const std::vector<zones::Pt>& p, double link) {
    std::vector<std::int64_t> g(p.size(), -1);
    std::int64_t next = 0;
    for (size_t i = 0; i < p.size(); ++i) {
        if (g[i] >= 0) continue;
        g[i] = next;
        std::vector<size_t> todo{i};
        while (!todo.empty()) {
            const size_t a = todo.back();
            todo.pop_back();
            for (size_t b = 0; b < p.size(); ++b)
                if (g[b] < 0 && std::hypot(p[a].x - p[b].x, p[a].y - p[b].y) <= link) g[b] = next, todo.push_back(b);
        }
        ++next;
    }
    return g;
}

}  // namespace

TEST(SurveyReferrals, LinkGroupsIsSingleLinkage) {
    zones::Geos geos;
    // A chain 400 m apart is one group however long; a 600 m gap splits it; exactly the link distance joins.
    std::vector<zones::Pt> chain = {{0, 0}, {400, 0}, {800, 0}, {1200, 0}, {1800, 0}, {2300, 0}};
    EXPECT_EQ(zones::link_groups(geos.h, chain, 500), (std::vector<std::int64_t>{0, 0, 0, 0, 1, 1}));
    // Points at the same place, and collinear points (a degenerate triangulation).
    std::vector<zones::Pt> same = {{5, 5}, {5, 5}, {900, 900}, {5, 5}};
    EXPECT_EQ(zones::link_groups(geos.h, same, 100), (std::vector<std::int64_t>{0, 0, 1, 0}));
    EXPECT_EQ(zones::link_groups(geos.h, {{1, 1}}, 100), (std::vector<std::int64_t>{0}));
    EXPECT_TRUE(zones::link_groups(geos.h, {}, 100).empty());
    // Random clouds, against every pair.
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(0, 5000);
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<zones::Pt> pts(300);
        for (auto& p : pts) p = {std::round(u(rng)), std::round(u(rng))};
        const double link = 100.0 + 20.0 * trial;
        EXPECT_EQ(zones::link_groups(geos.h, pts, link), groups_by_every_pair(pts, link)) << "trial " << trial;
    }
}

TEST(SurveyReferrals, LinkGroupsIsFastWhereIncidentsCrowd) {
    // 100,000 incidents in a 2 km square, a quarter of them on the same spot: every pair would be 5e9 distance
    // tests; the triangulation needs a second or so.
    zones::Geos geos;
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(0, 2000);
    std::vector<zones::Pt> pts(100000);
    for (size_t i = 0; i < pts.size(); ++i) pts[i] = i % 4 == 0 ? zones::Pt{1000, 1000} : zones::Pt{u(rng), u(rng)};
    const auto t0 = std::chrono::steady_clock::now();
    const auto g = zones::link_groups(geos.h, pts, 500);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(*std::max_element(g.begin(), g.end()), 0);  // one group
    EXPECT_LT(seconds, 15.0);
}

TEST(SurveyReferrals, GroupsOfFarIncidentsOutsideZonesLargestFirst) {
    ZoneCase r(300, 300);  // 3 km square, no zone anywhere (risk 0.2 < 0.5)
    for (auto& v : r.risk) v = 0.2f;
    r.at(299 - 100, 100) = 0.3f;  // the cell of the incident at (1005, 1005)
    r.as_of = days("2026-07-01");
    r.sc.zones.survey_distance = 500;
    r.inputs.layers.push_back(make_layer("hazards", {{square(2800, 2800, 2900, 2900), {{"id", "HA-1"}}}}, {{"id", "text"}}));
    r.inputs.layers.push_back(make_layer(
        "incidents",
        {{point(1005, 1005), {{"date", "2021-03-10"}}},  // group A: three within 500 m of each other in a chain
         {point(1405, 1005), {{"date", "2025-09-01"}}},
         {point(1805, 1005), {}},                         // undated
         {point(205, 2505), {{"date", "2024-01-05"}}},   // group B: two
         {point(505, 2505), {{"date", "2024-02-05"}}},
         {point(2505, 305), {{"date", "2023-06-01"}}},   // C: alone
         {point(2855, 2855), {{"date", "2025-01-01"}}},  // in HA-1: not far
         {point(2005, 305), {{"date", "2026-09-01"}}}},  // after as_of: left out
        {{"date", "date"}}));
    r.inputs.layers.push_back(make_layer("settlements", {{point(1400, 1200), {{"name", "Sarvanli"}, {"population", "398"}}}},
                                         {{"name", "text"}, {"population", "number"}}));
    auto res = r.run();
    EXPECT_TRUE(res.zones.empty());
    ASSERT_EQ(res.survey_referrals.size(), 3u);
    const SurveyReferral &a = res.survey_referrals[0], &b = res.survey_referrals[1], &c = res.survey_referrals[2];
    EXPECT_EQ(a.id, 1);
    EXPECT_EQ(a.incident_features, (std::vector<std::int64_t>{0, 1, 2}));
    EXPECT_DOUBLE_EQ(a.x, 1405);
    EXPECT_DOUBLE_EQ(a.y, 1005);
    EXPECT_DOUBLE_EQ(a.spread_m, 400);
    EXPECT_EQ(a.first_date, days("2021-03-10"));
    EXPECT_EQ(a.last_date, days("2025-09-01"));
    EXPECT_FLOAT_EQ(static_cast<float>(a.max_risk), 0.3f);
    EXPECT_EQ(a.nearest_settlement, "Sarvanli");
    EXPECT_NEAR(a.settlement_distance_m, std::hypot(5, 195), 1e-9);
    EXPECT_EQ(a.reason,
              "3 incidents (2021-03 to 2025-09, 1 undated) within 400 m of this point lie more than 500 m from any recorded "
              "hazard and in no zone (the combined risk at them is at most 0.3, below the zone threshold 0.5): contamination "
              "nobody has recorded; nearest settlement Sarvanli (195 m)");
    EXPECT_EQ(b.id, 2);
    EXPECT_EQ(b.incidents, 2);
    EXPECT_DOUBLE_EQ(b.x, 355);
    EXPECT_EQ(c.id, 3);
    EXPECT_EQ(c.incident_features, (std::vector<std::int64_t>{5}));
    // Every far incident in no zone is in exactly one referral.
    std::int64_t total = 0;
    for (const auto& ref : res.survey_referrals) total += ref.incidents;
    EXPECT_EQ(total, 6);
    EXPECT_EQ(res.incident_far_from_hazard, (std::vector<signed char>{1, 1, 1, 1, 1, 1, 0, -1}));
    // The warning counts them, points to the referrals and names the largest.
    bool warned = false;
    for (const auto& w : res.warnings)
        warned |= w.find("6 incidents (2021-03 to 2025-09) lie more than 500 m from any recorded hazard but in no zone") == 0 &&
                  w.find("They are listed for non-technical survey as 3 groups in survey_referrals") != std::string::npos &&
                  w.find("the largest, referral 1: 3 incidents within 400 m of E 1405 N 1005 (nearest settlement Sarvanli, "
                         "195 m)") != std::string::npos;
    EXPECT_TRUE(warned);
}

TEST(SurveyReferrals, NoneWhenEveryFarIncidentIsInAZone) {
    Village v;
    v.inputs.layers[2] = make_layer("incidents", {{point(850, 800), {{"date", "2024-05-10"}}}}, {{"date", "date"}});
    auto res = v.run();
    EXPECT_TRUE(res.survey_referrals.empty());
    EXPECT_EQ(by_id(res, 1)->incidents_far_from_hazards, 1);
    for (const auto& w : res.warnings) EXPECT_EQ(w.find("survey_referrals"), std::string::npos) << w;
}
