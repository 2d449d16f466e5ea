// The area of interest (scenario 'area:'): every band is no data outside it, the grid is its bounding box with
// 'extent: auto', 'where:' picks the polygon, results do not depend on tiles or threads, and a whole run counts
// only the cells inside it (risk.tif, the top_percent zones).
//
// The scene: 10 km x 10 km in 100 m cells from (500000, 4400000), EPSG:32638; hazards and incidents spread over
// it; the area is a right triangle over its south-west half (cells whose centre lies below the diagonal).
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "minerisk/error.hpp"
#include "minerisk/pipeline.hpp"
#include "minerisk/surfaces.hpp"
#include "temp_dir.hpp"

using namespace minerisk;

namespace {

struct AreaScene {
    test::TempDir tmp{"minerisk-area"};
    std::string scenario;

    explicit AreaScene(const std::string& area_block, const std::string& zones = "") {
        std::ofstream h(tmp.file("hazards.csv"));
        h << "x,y\n";
        for (int k = 0; k < 10; ++k) h << 500500 + 900 * k << "," << 4400500 + 870 * ((k * 3) % 10) << "\n";
        std::ofstream i(tmp.file("incidents.csv"));
        i << "x,y\n";
        for (int k = 0; k < 30; ++k) i << 500200 + 330 * k << "," << 4409800 - 310 * ((k * 7) % 30) << "\n";
        // Two polygons: the triangle ("sw") and a square elsewhere ("ne"); the scenario's 'where' picks one.
        std::ofstream(tmp.file("area.csv")) << "name,wkt\n"
                                               "sw,\"POLYGON((500000 4400000,510050 4400000,500000 4410050,500000 4400000))\"\n"
                                               "ne,\"POLYGON((520000 4420000,521000 4420000,521000 4421000,520000 4421000,520000 4420000))\"\n";
        std::ofstream(tmp.file("scenario.yaml")) << "name: area test\n"
                                                    "crs: EPSG:32638\n"
                                                    "resolution: 100\n"
                                                 << area_block
                                                 << "inputs:\n"
                                                    "  hazards: {path: hazards.csv, x: x, y: y, crs: EPSG:32638, point_radius: 120}\n"
                                                    "  incidents: {path: incidents.csv, x: x, y: y, crs: EPSG:32638}\n"
                                                    "scoring:\n"
                                                    "  factors:\n"
                                                    "    - {plugin: hazard_proximity, params: {half_distance: 800}}\n"
                                                    "    - {plugin: incident_density, params: {radius: 1500, half_life: 0}}\n"
                                                 << zones;
        scenario = tmp.file("scenario.yaml");
    }
    RunPlan plan(int tile_size = 0, unsigned threads = 0) const {
        RunOptions o;
        o.tile_size = tile_size;
        o.threads = threads;
        return plan_run(load_scenario(scenario), o);
    }
};

const char* kTriangle =
    "extent: [500000, 4400000, 510000, 4410000]\n"
    "area: {path: area.csv, wkt: wkt, crs: EPSG:32638, where: \"name = 'sw'\"}\n";

// Inside the triangle: the cell's centre lies below the line x + y = 10050 m from the south-west corner (50 m
// beyond the diagonal, so that no centre lies on the edge, where the rule would be GDAL's choice).
bool centre_inside(std::int64_t row, std::int64_t col) {
    const double cx = 50 + 100.0 * col, cy = 10000 - 50 - 100.0 * row;
    return cx + cy < 10050;
}

}  // namespace

TEST(AreaOfInterest, EveryBandIsNoDataOutsideTheArea) {
    AreaScene s(kTriangle);
    RunPlan plan = s.plan(64, 2);
    ASSERT_EQ(plan.grid.width, 100);
    const Surfaces surf = compute_surfaces(plan, plan.as_of);
    std::int64_t inside = 0;
    for (std::int64_t r = 0; r < 100; ++r)
        for (std::int64_t c = 0; c < 100; ++c) {
            const size_t i = static_cast<size_t>(r * 100 + c);
            const bool in = centre_inside(r, c);
            inside += in;
            ASSERT_EQ(std::isfinite(surf.risk[i]), in) << "row " << r << " col " << c;
            for (const auto& f : surf.factors) ASSERT_EQ(std::isfinite(f[i]), in) << "row " << r << " col " << c;
        }
    EXPECT_EQ(inside, 5050);  // the cells of a 100 x 100 grid on and below its diagonal
}

TEST(AreaOfInterest, ResultsDoNotDependOnTilesOrThreads) {
    AreaScene s(kTriangle);
    RunPlan a = s.plan(16, 1), b = s.plan(100, 2);
    const Surfaces sa = compute_surfaces(a, a.as_of), sb = compute_surfaces(b, b.as_of);
    ASSERT_EQ(sa.risk.size(), sb.risk.size());
    for (size_t i = 0; i < sa.risk.size(); ++i) {
        if (std::isnan(sa.risk[i])) ASSERT_TRUE(std::isnan(sb.risk[i])) << i;
        else ASSERT_EQ(sa.risk[i], sb.risk[i]) << i;
    }
}

TEST(AreaOfInterest, AutoExtentIsTheAreasBoundingBoxAndWherePicksThePolygon) {
    AreaScene s("extent: auto\narea: {path: area.csv, wkt: wkt, crs: EPSG:32638, where: \"name = 'ne'\"}\n");
    const RunPlan plan = s.plan();
    EXPECT_EQ(plan.grid.width, 10);  // the 1 km square, not the data's 10 km
    EXPECT_EQ(plan.grid.height, 10);
    EXPECT_DOUBLE_EQ(plan.grid.origin_x, 520000);
    EXPECT_DOUBLE_EQ(plan.grid.origin_y, 4421000);
}

TEST(AreaOfInterest, AFilterThatSelectsNothingIsAnErrorAtItsLine) {
    AreaScene s("extent: auto\narea: {path: area.csv, wkt: wkt, crs: EPSG:32638, where: \"name = 'nowhere'\"}\n");
    try {
        s.plan();
        FAIL() << "an area filter that selects nothing was accepted";
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("'where' filter of area"), std::string::npos) << m;
        EXPECT_NE(m.find("scenario.yaml:5:"), std::string::npos) << m;
    }
}

TEST(AreaOfInterest, ARunCountsOnlyTheCellsInside) {
    AreaScene s(kTriangle, "zones: {top_percent: 10, min_area: 0, fill_holes: 0}\noutputs: {qgis: false, report: false}\n");
    RunPlan plan = s.plan(32, 2);
    RunOptions o;
    o.output_dir = s.tmp.file("out");
    const RunSummary summary = execute_run(plan, o);
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(s.tmp.file("out/risk.tif").c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    ASSERT_TRUE(ds);
    std::vector<float> risk(100 * 100);
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, 100, 100, risk.data(), 100, 100, GDT_Float32, 0, 0), CE_None);
    int has_nodata = 0;
    const double nodata = ds->GetRasterBand(1)->GetNoDataValue(&has_nodata);
    std::int64_t valid = 0, outside_valid = 0, at_or_above = 0;
    for (std::int64_t r = 0; r < 100; ++r)
        for (std::int64_t c = 0; c < 100; ++c) {
            const float v = risk[static_cast<size_t>(r * 100 + c)];
            const bool ok = std::isfinite(v) && !(has_nodata && v == static_cast<float>(nodata));
            valid += ok;
            outside_valid += ok && !centre_inside(r, c);
            at_or_above += ok && v >= summary.zones.threshold;
        }
    EXPECT_EQ(valid, 5050);
    EXPECT_EQ(outside_valid, 0);
    // The top 10 % of the area is 10 % of the cells inside it, not of the grid (ties at the cut aside).
    EXPECT_GE(at_or_above, 505);
    EXPECT_LT(at_or_above, 505 + 50);
}
