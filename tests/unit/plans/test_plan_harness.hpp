// Test support for the plans' tests (test_plan_*.cpp): a temporary folder, a float GeoTIFF on a grid, and the
// hand-made layers of plugin_harness.hpp.
#pragma once
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "minerisk/grid.hpp"
#include "plugin_harness.hpp"

namespace minerisk::test {

struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& what) {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path = std::filesystem::temp_directory_path() /
               ("minerisk-plan-" + what + "-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" + info->name());
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

inline void write_tif(const std::string& path, const GridSpec& g, const std::vector<float>& v) {
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

}  // namespace minerisk::test
