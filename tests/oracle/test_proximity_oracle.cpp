// Oracle: our exact distance transform against GDAL's proximity algorithm, once through the
// gdal_proximity.py command-line tool (GeoTIFF in, GeoTIFF out) and once through GDALComputeProximity.
//
// GDAL propagates the nearest target found so far from already-visited neighbours in a few raster scans,
// which is not exact: behind concave groups of targets a cell can inherit a target that is slightly
// farther than the true nearest one. So every cell must agree within 2 cells, at least 99% of cells must
// agree within 0.01 cell (in practice all but ~10 of 120,000 are identical), and ours may never be the
// larger of the two, since GDAL's value is always the distance to some target. The exact transform itself is
// verified against brute force in the unit tests; this test guards the conventions (cell centres, pixel
// units, what counts as a target) against an independent implementation.
#include "minerisk/alg/distance.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr const char* kProximityScript = "/usr/bin/gdal_proximity.py";
constexpr const char* kPython = "/usr/bin/python3";
constexpr double kMaxCellError = 2.0;
constexpr double kCloseCellError = 0.01;
constexpr double kMinCloseFraction = 0.99;

struct Mask {
    int width;
    int height;
    std::vector<std::uint8_t> cells;  // 1 = feature (GDAL's target value), 0 = background
};

// A few hundred scattered feature cells plus discs, a ring and a bar: blobs give the concave target
// shapes where GDAL's propagation is most likely to pick a non-nearest target.
Mask make_mask(int width, int height, std::uint64_t seed) {
    Mask m{width, height, std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height, 0)};
    auto set = [&](int c, int r) {
        if (c >= 0 && c < width && r >= 0 && r < height) m.cells[static_cast<std::size_t>(r) * width + c] = 1;
    };
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> col(0, width - 1), row(0, height - 1), radius(2, 12);
    for (int i = 0; i < 300; ++i) set(col(rng), row(rng));
    for (int b = 0; b < 6; ++b) {
        const int cc = col(rng), cr = row(rng), rad = radius(rng);
        for (int r = cr - rad; r <= cr + rad; ++r)
            for (int c = cc - rad; c <= cc + rad; ++c)
                if ((c - cc) * (c - cc) + (r - cr) * (r - cr) <= rad * rad) set(c, r);
    }
    const int rc = width / 3, rr = height / 2, outer = 25, inner = 22;  // a ring: targets around a hole
    for (int r = rr - outer; r <= rr + outer; ++r) {
        for (int c = rc - outer; c <= rc + outer; ++c) {
            const int d2 = (c - rc) * (c - rc) + (r - rr) * (r - rr);
            if (d2 <= outer * outer && d2 > inner * inner) set(c, r);
        }
    }
    for (int c = width / 2; c < width / 2 + 80; ++c) set(c, height / 5);  // a bar
    return m;
}

std::vector<float> exact_distances(const Mask& m) {
    std::vector<float> out(m.cells.size());
    minerisk::alg::distance_transform(m.cells.data(), m.width, m.height, 1.0, out.data());
    return out;
}

// A fresh directory under the system temp dir, removed with everything in it when the test ends.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "minerisk-proximity-XXXXXX").string();
        if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        if (!path_.empty()) fs::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

bool write_geotiff(const fs::path& file, const Mask& m) {
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (driver == nullptr) return false;
    GDALDataset* ds = driver->Create(file.c_str(), m.width, m.height, 1, GDT_Byte, nullptr);
    if (ds == nullptr) return false;
    double geotransform[6] = {0.0, 1.0, 0.0, static_cast<double>(m.height), 0.0, -1.0};
    ds->SetGeoTransform(geotransform);
    const CPLErr err = ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, m.width, m.height,
                                                      const_cast<std::uint8_t*>(m.cells.data()), m.width,
                                                      m.height, GDT_Byte, 0, 0, nullptr);
    GDALClose(ds);
    return err == CE_None;
}

bool read_float_band(const fs::path& file, int width, int height, std::vector<float>& out) {
    auto* ds = static_cast<GDALDataset*>(GDALOpen(file.c_str(), GA_ReadOnly));
    if (ds == nullptr) return false;
    out.assign(static_cast<std::size_t>(width) * height, 0.0f);
    const bool ok = ds->GetRasterXSize() == width && ds->GetRasterYSize() == height &&
                    ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, width, height, out.data(), width, height,
                                                   GDT_Float32, 0, 0, nullptr) == CE_None;
    GDALClose(ds);
    return ok;
}

// Asserts the tolerances in the file comment and reports how close the two are.
void compare_with_gdal(const Mask& m, const std::vector<float>& ours, const std::vector<float>& gdal,
                       const std::string& label) {
    ASSERT_EQ(ours.size(), gdal.size());
    double worst = 0.0;
    std::size_t worst_at = 0, close = 0, identical = 0, farther = 0;
    for (std::size_t i = 0; i < ours.size(); ++i) {
        const double d = std::fabs(static_cast<double>(ours[i]) - static_cast<double>(gdal[i]));
        if (!(d <= worst)) worst = d, worst_at = i;  // also catches NaN
        if (d <= kCloseCellError) ++close;
        if (ours[i] == gdal[i]) ++identical;
        // GDAL's answer is the distance to some target, so the exact nearest can never be farther.
        if (static_cast<double>(ours[i]) > static_cast<double>(gdal[i]) * (1.0 + 1e-6)) ++farther;
    }
    const double close_fraction = static_cast<double>(close) / static_cast<double>(ours.size());
    std::cout << "[ oracle   ] " << label << ": " << identical << " of " << ours.size()
              << " cells identical, " << close << " within " << kCloseCellError << " cell, worst difference "
              << worst << " cell at (row " << worst_at / m.width << ", col " << worst_at % m.width << ")\n";
    ::testing::Test::RecordProperty(label + "_worst_difference_cells", std::to_string(worst));
    ::testing::Test::RecordProperty(label + "_fraction_within_0.01", std::to_string(close_fraction));
    EXPECT_LE(worst, kMaxCellError) << label << ": ours " << ours[worst_at] << ", GDAL " << gdal[worst_at];
    EXPECT_GE(close_fraction, kMinCloseFraction) << label;
    EXPECT_EQ(farther, 0u) << label << ": cells where our nearest feature is farther than GDAL's";
}

TEST(ProximityOracle, MatchesGdalProximityScript) {
    if (!fs::exists(kProximityScript)) GTEST_SKIP() << kProximityScript << " is not installed";
    GDALAllRegister();
    TempDir tmp;
    ASSERT_FALSE(tmp.path().empty()) << "could not create a temporary directory";
    const Mask m = make_mask(400, 300, 2024);
    const fs::path src = tmp.path() / "src.tif", dst = tmp.path() / "dst.tif";
    ASSERT_TRUE(write_geotiff(src, m)) << "could not write " << src;

    const std::string command = std::string(kPython) + " " + kProximityScript + " '" + src.string() + "' '" +
                                dst.string() + "' -values 1 -distunits PIXEL -ot Float32 -q";
    ASSERT_EQ(std::system(command.c_str()), 0) << "failed: " << command;

    std::vector<float> gdal;
    ASSERT_TRUE(read_float_band(dst, m.width, m.height, gdal)) << "could not read " << dst;
    compare_with_gdal(m, exact_distances(m), gdal, "gdal_proximity.py");
}

TEST(ProximityOracle, MatchesGdalComputeProximity) {
    GDALAllRegister();
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    ASSERT_NE(mem, nullptr);
    const Mask m = make_mask(400, 300, 7);
    GDALDataset* src = mem->Create("", m.width, m.height, 1, GDT_Byte, nullptr);
    GDALDataset* dst = mem->Create("", m.width, m.height, 1, GDT_Float32, nullptr);
    ASSERT_NE(src, nullptr);
    ASSERT_NE(dst, nullptr);
    ASSERT_EQ(src->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, m.width, m.height,
                                              const_cast<std::uint8_t*>(m.cells.data()), m.width, m.height,
                                              GDT_Byte, 0, 0, nullptr),
              CE_None);

    const char* options[] = {"VALUES=1", "DISTUNITS=PIXEL", nullptr};
    const CPLErr err = GDALComputeProximity(src->GetRasterBand(1), dst->GetRasterBand(1),
                                            const_cast<char**>(options), nullptr, nullptr);
    std::vector<float> gdal(m.cells.size());
    const CPLErr read = dst->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, m.width, m.height, gdal.data(), m.width,
                                                        m.height, GDT_Float32, 0, 0, nullptr);
    GDALClose(src);
    GDALClose(dst);
    ASSERT_EQ(err, CE_None);
    ASSERT_EQ(read, CE_None);
    compare_with_gdal(m, exact_distances(m), gdal, "GDALComputeProximity");
}

}  // namespace
