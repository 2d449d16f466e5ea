// raster_factor on small GeoTIFFs written by the test, with known values.
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "plugin_harness.hpp"

using namespace minerisk;
using namespace minerisk::test;
namespace fs = std::filesystem;

namespace {

Location where() {
    Location l;
    l.file = "test";
    return l;
}

// Source rasters: 10 x 8 pixels of 10 m, north-west corner (1000, 2000), EPSG:32638 unless told otherwise.
constexpr int kW = 10, kH = 8;
constexpr double kX0 = 1000, kY0 = 2000, kCell = 10;

class TempDir {
public:
    TempDir() : path_(fs::temp_directory_path() / ("minerisk_raster_factor_" + std::to_string(::getpid()))) {
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

// Writes a one-band GeoTIFF whose pixel (c, r) holds value(c, r).
std::string write_tif(const std::string& path, GDALDataType type, const std::function<double(int, int)>& value,
                      const char* epsg = "EPSG:32638", const double* nodata = nullptr) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    std::unique_ptr<GDALDataset> ds(drv->Create(path.c_str(), kW, kH, 1, type, nullptr));
    if (!ds) throw std::runtime_error("cannot create " + path);
    double gt[6] = {kX0, kCell, 0, kY0, 0, -kCell};
    ds->SetGeoTransform(gt);
    if (epsg) {
        OGRSpatialReference srs;
        srs.SetFromUserInput(epsg);
        ds->SetSpatialRef(&srs);
    }
    std::vector<double> buf(kW * kH);
    for (int r = 0; r < kH; ++r)
        for (int c = 0; c < kW; ++c) buf[r * kW + c] = value(c, r);
    GDALRasterBand* b = ds->GetRasterBand(1);
    if (nodata) b->SetNoDataValue(*nodata);
    if (b->RasterIO(GF_Write, 0, 0, kW, kH, buf.data(), kW, kH, GDT_Float64, 0, 0) != CE_None)
        throw std::runtime_error("cannot write " + path);
    return path;
}

double ramp(int c, int r) { return c + 10.0 * r; }  // 0..79, linear in x and y

struct Fixture {
    TempDir dir;
    Inputs inputs;  // the factor reads no layer
    LoadedPlugin plugin = load_builtin("raster_factor");
    // The grid that matches the rasters exactly, and one at half their resolution.
    GridSpec same = make_grid(kW, kH, kCell, kX0, kY0);
    GridSpec half = make_grid(kW / 2, kH / 2, 2 * kCell, kX0, kY0);
    PluginRun run(const GridSpec& g, const std::vector<ParamText>& params, std::int64_t tile = 0) {
        return run_plugin(plugin, inputs, g, params, 0, tile);
    }
    static float at(const GridSpec& g, const std::vector<float>& v, int col, int row) {
        return v[static_cast<size_t>(row * g.width + col)];
    }
};

TEST(RasterFactor, LinearOnTheSameGridIsExact) {
    Fixture f;
    const std::string tif = write_tif(f.dir.file("ramp.tif"), GDT_Float32, ramp);
    const auto r = f.run(f.same, {param("path", tif), param("low", "0"), param("high", "79")});
    ASSERT_EQ(r.error, "");
    for (int row = 0; row < kH; ++row)
        for (int c = 0; c < kW; ++c) {
            EXPECT_FLOAT_EQ(Fixture::at(f.same, r.extras[0], c, row), static_cast<float>(ramp(c, row)));
            EXPECT_NEAR(Fixture::at(f.same, r.score, c, row), ramp(c, row) / 79.0, 1e-6) << c << "," << row;
        }
}

TEST(RasterFactor, LinearClampsAndInverts) {
    Fixture f;
    const std::string tif = write_tif(f.dir.file("ramp.tif"), GDT_Float32, ramp);
    const auto clamp = f.run(f.same, {param("path", tif), param("low", "10"), param("high", "30")});
    ASSERT_EQ(clamp.error, "");
    EXPECT_EQ(Fixture::at(f.same, clamp.score, 5, 0), 0.0f);   // 5 < low
    EXPECT_NEAR(Fixture::at(f.same, clamp.score, 5, 1), 0.25, 1e-6);  // 15
    EXPECT_EQ(Fixture::at(f.same, clamp.score, 5, 4), 1.0f);   // 45 > high
    const auto inv = f.run(f.same, {param("path", tif), param("low", "79"), param("high", "0")});
    ASSERT_EQ(inv.error, "");
    EXPECT_NEAR(Fixture::at(f.same, inv.score, 3, 2), 1 - 23 / 79.0, 1e-6);
    EXPECT_EQ(Fixture::at(f.same, inv.score, 9, 7), 0.0f);
}

// Class c of pixel: constant on 2 x 2 blocks, so a half-resolution cell covers one class only.
double classes_of(int c, int r) { return 1 + ((c / 2) + (r / 2)) % 5; }

TEST(RasterFactor, ClassTableOnTheSameGrid) {
    Fixture f;
    const std::string tif = write_tif(f.dir.file("classes.tif"), GDT_Byte, classes_of);
    const auto r = f.run(f.same, {param("path", tif), param("mode", "classes"),
                                  table_param("classes", {{"1", "0.2"}, {"5", "1"}, {"3", "0"}}), param("default_score", "0.1")});
    ASSERT_EQ(r.error, "");
    const std::map<int, float> want = {{1, 0.2f}, {2, 0.1f}, {3, 0.0f}, {4, 0.1f}, {5, 1.0f}};
    for (int row = 0; row < kH; ++row)
        for (int c = 0; c < kW; ++c) {
            const int cls = static_cast<int>(classes_of(c, row));
            EXPECT_FLOAT_EQ(Fixture::at(f.same, r.score, c, row), want.at(cls)) << c << "," << row;
            EXPECT_FLOAT_EQ(Fixture::at(f.same, r.extras[0], c, row), static_cast<float>(cls));
        }
}

TEST(RasterFactor, HalfResolution) {
    Fixture f;
    const std::string ramp_tif = write_tif(f.dir.file("ramp.tif"), GDT_Float32, ramp);
    // Average: a 20 m cell is the mean of its 2 x 2 pixels: (c, r) -> pixels 2c..2c+1, 2r..2r+1.
    const auto avg = f.run(f.half, {param("path", ramp_tif), param("low", "0"), param("high", "100"), param("resampling", "average")});
    ASSERT_EQ(avg.error, "");
    for (int row = 0; row < kH / 2; ++row)
        for (int c = 0; c < kW / 2; ++c) {
            const double mean = (ramp(2 * c, 2 * row) + ramp(2 * c + 1, 2 * row) + ramp(2 * c, 2 * row + 1) + ramp(2 * c + 1, 2 * row + 1)) / 4;
            EXPECT_NEAR(Fixture::at(f.half, avg.extras[0], c, row), mean, 1e-4) << c << "," << row;
            EXPECT_NEAR(Fixture::at(f.half, avg.score, c, row), mean / 100, 1e-6);
        }
    // Bilinear (the default for linear) reproduces a linear field at the cell centre away from the edges:
    // cell (2, 1) is centred on the corner shared by pixels (4..5, 2..3), values 24, 25, 34, 35.
    const auto bil = f.run(f.half, {param("path", ramp_tif), param("low", "0"), param("high", "100")});
    ASSERT_EQ(bil.error, "");
    EXPECT_NEAR(Fixture::at(f.half, bil.extras[0], 2, 1), 29.5, 1e-3);
    EXPECT_NEAR(Fixture::at(f.half, bil.score, 2, 1), 0.295, 1e-5);
    EXPECT_NEAR(Fixture::at(f.half, bil.extras[0], 3, 2), 6.5 + 10 * 4.5, 1e-3);
    // Mode keeps classes whole: each 20 m cell covers one 2 x 2 block of one class.
    const std::string cls_tif = write_tif(f.dir.file("classes.tif"), GDT_Byte, classes_of);
    const auto mode = f.run(f.half, {param("path", cls_tif), param("mode", "classes"), param("resampling", "mode"),
                                     table_param("classes", {{"1", "0.2"}, {"2", "0.4"}, {"3", "0.6"}, {"4", "0.8"}, {"5", "1"}})});
    ASSERT_EQ(mode.error, "");
    for (int row = 0; row < kH / 2; ++row)
        for (int c = 0; c < kW / 2; ++c)
            EXPECT_NEAR(Fixture::at(f.half, mode.score, c, row), 0.2 * classes_of(2 * c, 2 * row), 1e-6) << c << "," << row;
}

TEST(RasterFactor, NodataAndOutsideGetNodataScore) {
    Fixture f;
    const double nodata = -9999;
    const std::string tif = write_tif(f.dir.file("holes.tif"), GDT_Float32,
                                      [](int c, int r) { return (c == 3 && r == 2) ? -9999.0 : ramp(c, r); }, "EPSG:32638", &nodata);
    // A grid 2 cells wider on every side than the raster.
    const GridSpec wide = make_grid(kW + 4, kH + 4, kCell, kX0 - 2 * kCell, kY0 + 2 * kCell);
    const auto r = f.run(wide, {param("path", tif), param("low", "0"), param("high", "79"), param("nodata_score", "0.3"),
                                param("resampling", "nearest")});
    ASSERT_EQ(r.error, "");
    EXPECT_FLOAT_EQ(Fixture::at(wide, r.score, 0, 0), 0.3f);                    // outside the raster
    EXPECT_TRUE(std::isnan(Fixture::at(wide, r.extras[0], 0, 0)));
    EXPECT_FLOAT_EQ(Fixture::at(wide, r.score, 3 + 2, 2 + 2), 0.3f);            // the nodata pixel
    EXPECT_TRUE(std::isnan(Fixture::at(wide, r.extras[0], 3 + 2, 2 + 2)));
    EXPECT_NEAR(Fixture::at(wide, r.score, 4 + 2, 2 + 2), 24 / 79.0, 1e-6);     // its neighbour is data
    EXPECT_FLOAT_EQ(Fixture::at(wide, r.extras[0], 4 + 2, 2 + 2), 24.0f);
    EXPECT_FLOAT_EQ(Fixture::at(wide, r.score, kW + 3, kH + 3), 0.3f);
}

TEST(RasterFactor, ReprojectedSameResultWhateverTheTiling) {
    Fixture f;
    const std::string tif = write_tif(f.dir.file("ramp.tif"), GDT_Float32, ramp);
    // The same place on a Web Mercator grid (the raster's corner, at about 40.5 N 40.5 E, projected), 7 m cells.
    OGRSpatialReference utm, merc;
    utm.SetFromUserInput("EPSG:32638");
    merc.SetFromUserInput("EPSG:3857");
    utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    merc.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&utm, &merc));
    ASSERT_TRUE(ct);
    double x = kX0 + 300000, y = kY0 + 4400000;  // move the rasters' origin into UTM 38N's zone
    const std::string moved = write_tif(f.dir.file("moved.tif"), GDT_Float32, ramp);
    {
        std::unique_ptr<GDALDataset> ds(GDALDataset::Open(moved.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
        double gt[6] = {x, kCell, 0, y, 0, -kCell};
        ds->SetGeoTransform(gt);
    }
    ASSERT_TRUE(ct->Transform(1, &x, &y));
    GridSpec g = make_grid(23, 19, 7, std::floor(x) - 14, std::ceil(y) + 14);
    g.crs_wkt = crs_to_wkt("EPSG:3857");
    for (const char* rs : {"bilinear", "cubic", "average", "nearest"}) {
        const std::vector<ParamText> params = {param("path", moved), param("low", "0"), param("high", "79"), param("resampling", rs)};
        const auto whole = f.run(g, params);
        const auto tiled = f.run(g, params, 5);
        ASSERT_EQ(whole.error, "");
        ASSERT_EQ(tiled.error, "");
        int data = 0;
        for (size_t i = 0; i < whole.score.size(); ++i) {
            ASSERT_EQ(whole.score[i], tiled.score[i]) << rs << " cell " << i;
            ASSERT_TRUE(whole.score[i] >= 0.0f && whole.score[i] <= 1.0f);
            data += !std::isnan(whole.extras[0][i]);
        }
        EXPECT_GT(data, 50) << rs;  // the raster does land on the grid
    }
}

// A 10 x 8 raster moved to another place, in another CRS: its geotransform rewritten.
std::string moved_tif(const std::string& path, const char* epsg, const double (&gt)[6]) {
    write_tif(path, GDT_Float32, ramp, epsg);
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE));
    double g[6];
    std::copy(gt, gt + 6, g);
    ds->SetGeoTransform(g);
    return path;
}

TEST(RasterFactor, ARasterFarAwayInAnotherCrsIsNamedInAWarning) {
    Fixture f;
    // Longitude/latitude in eastern Australia, the grid in UTM 38N (Armenia): PROJ cannot take the raster's box
    // into the grid's CRS, so a box test says nothing; every cell is nodata.
    const std::string tif = moved_tif(f.dir.file("far.tif"), "EPSG:4326", {150.0, 0.01, 0, -30.0, 0, -0.01});
    const GridSpec g = make_grid(40, 40, 50, 495000, 4402000);
    const auto r = f.run(g, {param("path", tif), param("nodata_score", "0.25")});
    ASSERT_EQ(r.error, "");
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("raster '" + tif + "' does not overlap the grid: every cell gets nodata_score"), std::string::npos)
        << r.warnings[0];
    EXPECT_NE(r.warnings[0].find("the raster lies around 150.050 E, 30.040 S (EPSG:4326)"), std::string::npos) << r.warnings[0];
    for (float v : r.score) ASSERT_FLOAT_EQ(v, 0.25f);
}

TEST(RasterFactor, ARasterInAnotherCrsOverTheGridGivesNoWarning) {
    Fixture f;
    // Longitude/latitude around the grid (about 44.94 E, 39.76 N): the same CRS pair, the right place.
    const std::string tif = moved_tif(f.dir.file("near.tif"), "EPSG:4326", {44.9, 0.02, 0, 39.85, 0, -0.02});
    const GridSpec g = make_grid(40, 40, 50, 495000, 4402000);
    const auto r = f.run(g, {param("path", tif), param("low", "0"), param("high", "79")});
    ASSERT_EQ(r.error, "");
    EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
    EXPECT_GT(std::count_if(r.extras[0].begin(), r.extras[0].end(), [](float v) { return !std::isnan(v); }), 1000);
}

TEST(RasterFactor, MissingFileNamesThePath) {
    Fixture f;
    const std::string path = f.dir.file("no_such_raster.tif");
    const auto r = f.run(f.same, {param("path", path)});
    EXPECT_NE(r.error.find(path), std::string::npos) << r.error;
}

TEST(RasterFactor, RelativePathsAreReadFromTheScenarioFolder) {
    Fixture f;  // the harness gives "." as the scenario's folder
    const std::string tif = write_tif(f.dir.file("ramp.tif"), GDT_Float32, ramp);
    const std::string rel = fs::relative(tif, fs::current_path()).string();
    ASSERT_FALSE(fs::path(rel).is_absolute());
    const auto r = f.run(f.same, {param("path", rel), param("low", "0"), param("high", "79")});
    ASSERT_EQ(r.error, "");
    EXPECT_NEAR(Fixture::at(f.same, r.score, 3, 2), 23 / 79.0, 1e-6);
    const auto missing = f.run(f.same, {param("path", "no/such/raster.tif")});
    EXPECT_NE(missing.error.find("no/such/raster.tif"), std::string::npos) << missing.error;
}

TEST(RasterFactor, WarnsWhenClassesAreBlended) {
    Fixture f;
    const std::string tif = write_tif(f.dir.file("classes.tif"), GDT_Byte, classes_of);
    const auto r = f.run(f.same, {param("path", tif), param("mode", "classes"), param("resampling", "bilinear"),
                                  table_param("classes", {{"1", "1"}})});
    ASSERT_EQ(r.error, "");
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("blends"), std::string::npos) << r.warnings[0];
}

TEST(RasterFactor, RasterWithoutCrsIsAnError) {
    Fixture f;
    const std::string tif = write_tif(f.dir.file("nocrs.tif"), GDT_Float32, ramp, nullptr);
    const auto r = f.run(f.same, {param("path", tif)});
    EXPECT_NE(r.error.find(tif), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("coordinate reference system"), std::string::npos) << r.error;
}

TEST(RasterFactor, BandOutOfRangeIsAnError) {
    Fixture f;
    const std::string tif = write_tif(f.dir.file("ramp.tif"), GDT_Float32, ramp);
    const auto r = f.run(f.same, {param("path", tif), param("band", "2")});
    EXPECT_NE(r.error.find(tif), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("band 2"), std::string::npos) << r.error;
}

TEST(RasterFactor, RejectsBadSettings) {
    Fixture f;
    const std::string tif = write_tif(f.dir.file("ramp.tif"), GDT_Float32, ramp);
    EXPECT_NE(f.run(f.same, {param("path", tif), param("low", "5"), param("high", "5")}).error, "");
    EXPECT_NE(f.run(f.same, {param("path", tif), param("mode", "classes")}).error, "");  // no table
    EXPECT_NE(f.run(f.same, {param("path", tif), param("mode", "classes"), table_param("classes", {{"forest", "1"}})}).error, "");
    EXPECT_THROW(resolve_params(*f.plugin.api, {}, where()), Error);  // path is required
    EXPECT_THROW(resolve_params(*f.plugin.api, {param("path", tif), param("resampling", "lanczos")}, where()), Error);
    EXPECT_THROW(resolve_params(*f.plugin.api, {param("path", tif), param("nodata_score", "2")}, where()), Error);
}

}  // namespace
