// Oracle: the zone polygons against GDAL's own command-line polygonizer (gdal_polygonize.py) run on the same
// label raster, and against build_zones on the same risk. Skipped where gdal_polygonize.py is not installed.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include "minerisk/zones.hpp"
#include "plugin_harness.hpp"
#include "zones/runs.hpp"
#include "zones_reference.hpp"

namespace fs = std::filesystem;
using namespace minerisk;

namespace {

const char* const kPolygonize = "/usr/bin/gdal_polygonize.py";

std::unique_ptr<OGRGeometry> from_wkb(const std::vector<unsigned char>& wkb) {
    OGRGeometry* g = nullptr;
    OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size());
    return std::unique_ptr<OGRGeometry>(g);
}

double area(const OGRGeometry* g) {
    const auto t = wkbFlatten(g->getGeometryType());
    if (t == wkbPolygon) return g->toPolygon()->get_Area();
    if (t == wkbMultiPolygon) return g->toMultiPolygon()->get_Area();
    return 0;
}

// Smooth bumps plus noise: blobs of many shapes, with holes and specks.
std::vector<float> field(const GridSpec& g, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    struct Bump {
        double x, y, s, a;
    };
    std::vector<Bump> bumps;
    for (int i = 0; i < 25; ++i) bumps.push_back({u(rng) * double(g.width), u(rng) * double(g.height), 2 + 8 * u(rng), 0.4 + 0.6 * u(rng)});
    std::vector<float> v(static_cast<size_t>(g.cells()));
    for (std::int64_t r = 0; r < g.height; ++r)
        for (std::int64_t c = 0; c < g.width; ++c) {
            double s = 0.15 * u(rng);
            for (const auto& b : bumps) s += b.a * std::exp(-((c - b.x) * (c - b.x) + (r - b.y) * (r - b.y)) / (2 * b.s * b.s));
            v[static_cast<size_t>(r * g.width + c)] = static_cast<float>(std::min(1.0, s));
        }
    return v;
}

}  // namespace

TEST(ZoneOracle, PolygonsMatchGdalPolygonizeOnTheSameLabels) {
    if (!fs::exists(kPolygonize) || !fs::exists("/usr/bin/python3")) GTEST_SKIP() << kPolygonize << " is not installed";
    GDALAllRegister();
    const fs::path dir = fs::temp_directory_path() / ("minerisk-zones-oracle-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const GridSpec grid = test::make_grid(160, 120, 25, 651000, 4402000);
    const auto risk = field(grid, 3);

    // The engine's path: runs, cleaned, labelled, traced.
    const auto mask = zones::candidate_mask(risk, 0.5f);
    const auto rc = zones::clean_runs(zones::runs_of(mask, grid.width, grid.height, zones::kCandidate),
                                      zones::runs_of(mask, grid.width, grid.height, zones::kNoData), 4, 6);
    struct {
        std::vector<std::int32_t> labels;
        std::int32_t zones;
    } clean{zones::labels_of(rc.zones, grid.width, grid.height), rc.count};
    ASSERT_GT(clean.zones, 5);
    ASSERT_GT(rc.dropped_components + rc.filled_holes, 0);  // the cleaning had something to do
    const auto ours = zones::polygonize_runs(rc.zones, rc.count, grid.origin_x, grid.origin_y, grid.cell_size);

    // The same labels as a GeoTIFF, 0 = nodata, through gdal_polygonize.py.
    const std::string tif = (dir / "labels.tif").string(), gpkg = (dir / "labels.gpkg").string();
    {
        GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
            tif.c_str(), static_cast<int>(grid.width), static_cast<int>(grid.height), 1, GDT_Int32, nullptr);
        ASSERT_NE(ds, nullptr);
        auto gt = grid.geotransform();
        ds->SetGeoTransform(gt.data());
        ds->SetProjection(grid.crs_wkt.c_str());
        ds->GetRasterBand(1)->SetNoDataValue(0);
        ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, static_cast<int>(grid.width), static_cast<int>(grid.height),
                                                 const_cast<std::int32_t*>(clean.labels.data()), static_cast<int>(grid.width),
                                                 static_cast<int>(grid.height), GDT_Int32, 0, 0),
                  CE_None);
        GDALClose(ds);
    }
    const std::string cmd = std::string("/usr/bin/python3 ") + kPolygonize + " -q '" + tif + "' -f GPKG '" + gpkg +
                            "' zones label > /dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "gdal_polygonize.py is installed but failed: " << cmd;

    std::unique_ptr<GDALDataset> vds(static_cast<GDALDataset*>(GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    ASSERT_NE(vds, nullptr);
    OGRLayer* layer = vds->GetLayerByName("zones");
    ASSERT_NE(layer, nullptr);
    std::map<int, std::unique_ptr<OGRGeometry>> theirs;
    std::map<int, int> parts;
    for (auto& f : *layer) {
        const int label = f->GetFieldAsInteger("label");
        ++parts[label];
        std::unique_ptr<OGRGeometry> g(f->StealGeometry());
        if (theirs.count(label)) theirs[label].reset(theirs[label]->Union(g.get()));
        else theirs[label] = std::move(g);
    }
    ASSERT_EQ(theirs.size(), static_cast<size_t>(clean.zones));
    for (int z = 1; z <= clean.zones; ++z) {
        ASSERT_TRUE(theirs.count(z)) << "label " << z;
        EXPECT_EQ(parts[z], 1) << "label " << z;  // 4-connected labels: one polygon each
        auto mine = from_wkb(ours[static_cast<size_t>(z - 1)]);
        ASSERT_TRUE(mine);
        EXPECT_NEAR(area(mine.get()), area(theirs[z].get()), 1e-6) << "label " << z;
        std::unique_ptr<OGRGeometry> diff(mine->SymDifference(theirs[z].get()));
        EXPECT_NEAR(diff ? area(diff.get()) : 0.0, 0.0, 1e-6) << "label " << z;
    }
    fs::remove_all(dir);
}

TEST(ZoneOracle, BuildZonesGivesTheSamePolygonsAsItsParts) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-zones-oracle2-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const GridSpec grid = test::make_grid(160, 120, 25, 651000, 4402000);
    const auto risk = field(grid, 5);
    const std::string tif = (dir / "risk.tif").string();
    {
        GDALAllRegister();
        GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
            tif.c_str(), static_cast<int>(grid.width), static_cast<int>(grid.height), 1, GDT_Float32, nullptr);
        auto gt = grid.geotransform();
        ds->SetGeoTransform(gt.data());
        ds->SetProjection(grid.crs_wkt.c_str());
        ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, static_cast<int>(grid.width), static_cast<int>(grid.height),
                                                 const_cast<float*>(risk.data()), static_cast<int>(grid.width),
                                                 static_cast<int>(grid.height), GDT_Float32, 0, 0),
                  CE_None);
        GDALClose(ds);
    }
    Scenario sc;
    sc.zones.threshold = 0.5;
    sc.zones.min_area = 4 * 625;    // 4 cells
    sc.zones.fill_holes = 6 * 625;  // 6 cells
    Inputs inputs;
    ZoneInputs in;
    in.scenario = &sc;
    in.inputs = &inputs;
    in.grid = grid;
    in.risk_path = tif;
    const auto res = build_zones(in);

    // The cell-by-cell reference (zones_reference.hpp): the same zones, cell for cell and shape for shape.
    auto mask = zones::candidate_mask(risk, 0.5f);
    auto clean = zones::clean_zones(mask, grid.width, grid.height, 4, 6);
    const auto polys = zones::polygonize_labels(clean.labels, clean.zones, grid, {});
    ASSERT_EQ(res.zones.size(), static_cast<size_t>(clean.zones));
    for (const auto& z : res.zones) {
        EXPECT_EQ(z.cells, std::count(clean.labels.begin(), clean.labels.end(), z.id));
        auto mine = from_wkb(z.wkb), ref = from_wkb(polys[static_cast<size_t>(z.id - 1)]);
        ASSERT_TRUE(mine && ref) << "zone " << z.id;
        EXPECT_TRUE(mine->IsValid()) << "zone " << z.id;
        std::unique_ptr<OGRGeometry> diff(mine->SymDifference(ref.get()));
        EXPECT_NEAR(diff ? area(diff.get()) : 0.0, 0.0, 1e-6) << "zone " << z.id;
    }
    fs::remove_all(dir);
}
