// The quick-look tests' scene (test_quicklook.cpp, test_zone_maps.cpp): a hand-made risk raster over a small grid
// and three zones, and the pictures read back with GDAL.
#pragma once
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_geometry.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "export/quicklook.hpp"
#include "minerisk/exports.hpp"
#include "plugin_harness.hpp"

namespace quicklook_test {

namespace fs = std::filesystem;
using namespace minerisk;
namespace ql = minerisk::quicklook;

struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& name) {
        path = fs::temp_directory_path() / ("minerisk_ql_" + name + "_" + std::to_string(getpid()));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// risk.tif over the grid, tiled and uncompressed, NaN as nodata.
inline std::string write_risk(const fs::path& dir, const GridSpec& g, const std::function<float(std::int64_t, std::int64_t)>& f) {
    GDALAllRegister();
    const std::string path = (dir / "risk.tif").string();
    const char* opts[] = {"TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", nullptr};
    GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
        path.c_str(), static_cast<int>(g.width), static_cast<int>(g.height), 1, GDT_Float32, const_cast<char**>(opts));
    EXPECT_NE(ds, nullptr);
    auto gt = g.geotransform();
    ds->SetGeoTransform(gt.data());
    ds->SetProjection(g.crs_wkt.c_str());
    ds->GetRasterBand(1)->SetNoDataValue(std::nan(""));
    std::vector<float> v(static_cast<size_t>(g.cells()));
    for (std::int64_t r = 0; r < g.height; ++r)
        for (std::int64_t c = 0; c < g.width; ++c) v[static_cast<size_t>(r * g.width + c)] = f(c, r);
    EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, static_cast<int>(g.width), static_cast<int>(g.height), v.data(),
                                             static_cast<int>(g.width), static_cast<int>(g.height), GDT_Float32, 0, 0),
              CE_None);
    GDALClose(ds);
    return path;
}

inline std::vector<unsigned char> wkb_of(const std::string& wkt) {
    OGRGeometry* g = nullptr;
    EXPECT_EQ(OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g), OGRERR_NONE) << wkt;
    std::vector<unsigned char> wkb(g->WkbSize());
    g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    delete g;
    return wkb;
}

// A rectangle of cells [c0, c1) x [r0, r1) of the grid as WKT.
inline std::string cell_rect(const GridSpec& g, int c0, int r0, int c1, int r1) {
    const double x0 = g.origin_x + c0 * g.cell_size, x1 = g.origin_x + c1 * g.cell_size;
    const double y0 = g.origin_y - r0 * g.cell_size, y1 = g.origin_y - r1 * g.cell_size;
    char buf[256];
    std::snprintf(buf, sizeof buf, "(%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f)", x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
    return buf;
}

inline Zone make_zone(int id, int rank, const std::string& wkt) {
    Zone z;
    z.id = id;
    z.rank = rank;
    z.wkb = wkb_of(wkt);
    return z;
}

struct Picture {
    int width = 0, height = 0, bands = 0;
    std::vector<unsigned char> rgb;  // interleaved
    std::vector<GDALColorInterp> interp;
    std::string driver;
    ql::Rgb at(int x, int y) const {
        const size_t i = (static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) * 3;
        return {rgb[i], rgb[i + 1], rgb[i + 2]};
    }
};

inline Picture read_png(const std::string& path) {
    Picture p;
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly));
    if (!ds) return p;
    p.driver = ds->GetDriver()->GetDescription();
    p.width = ds->GetRasterXSize();
    p.height = ds->GetRasterYSize();
    p.bands = ds->GetRasterCount();
    for (int b = 1; b <= p.bands; ++b) p.interp.push_back(ds->GetRasterBand(b)->GetColorInterpretation());
    p.rgb.resize(static_cast<size_t>(p.width) * static_cast<size_t>(p.height) * 3);
    int bands[] = {1, 2, 3};
    EXPECT_EQ(ds->RasterIO(GF_Read, 0, 0, p.width, p.height, p.rgb.data(), p.width, p.height, GDT_Byte, 3, bands, 3,
                           static_cast<GSpacing>(p.width) * 3, 1, nullptr),
              CE_None);
    GDALClose(ds);
    return p;
}

// The fixture: a 300 x 200 grid of 10 m cells with risk rising west to east, a no-data corner, a zero strip,
// and three zones (one with a hole).
struct Scene {
    TempDir dir{"scene"};
    GridSpec grid = test::make_grid(300, 200, 10.0, 400000.0, 4500000.0);
    RunPlan plan;
    RunSummary summary;
    ZoneResult& zones = summary.zones;
    ExportContext ctx;

    Scene() {
        const std::string risk = write_risk(dir.path, grid, [](std::int64_t c, std::int64_t r) -> float {
            if (r >= 180 && c < 40) return NAN;     // no data: south-west corner
            if (c < 10) return 0.0f;                // no risk: west strip
            return static_cast<float>(c) / 299.0f;  // 0 .. 1 west to east
        });
        plan.scenario.name = "Test area North";
        plan.as_of = 19800;
        plan.grid = grid;
        plan.inputs.crs_name = "EPSG:32638";
        zones.zones.push_back(make_zone(2, 1, "POLYGON(" + cell_rect(grid, 200, 40, 260, 100) + ")"));
        zones.zones.push_back(make_zone(1, 2, "POLYGON(" + cell_rect(grid, 50, 40, 100, 90) + "," + cell_rect(grid, 65, 55, 85, 75) + ")"));
        zones.zones.push_back(make_zone(3, 3, "MULTIPOLYGON((" + cell_rect(grid, 120, 130, 150, 160) + "),(" + cell_rect(grid, 160, 130, 180, 150) + "))"));
        ctx.plan = &plan;
        ctx.summary = &summary;
        ctx.output_dir = dir.path.string();
        ctx.rasters.push_back({risk, "risk", "combined risk", "", "risk"});
    }
};

inline bool near_colour(const ql::Rgb& a, const ql::Rgb& b, int tol = 0) {
    for (int k = 0; k < 3; ++k)
        if (std::abs(int(a[static_cast<size_t>(k)]) - int(b[static_cast<size_t>(k)])) > tol) return false;
    return true;
}

// The picture of PNG bytes (a zone map), read back through /vsimem/.
inline Picture read_png_bytes(const std::string& png, const std::string& name) {
    const std::string path = "/vsimem/" + name + ".png";
    VSIFCloseL(VSIFileFromMemBuffer(path.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(png.data())),
                                    static_cast<vsi_l_offset>(png.size()), FALSE));
    Picture p = read_png(path);
    VSIUnlink(path.c_str());
    return p;
}

}  // namespace quicklook_test
