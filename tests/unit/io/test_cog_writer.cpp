// CogWriter: the Cloud-Optimized GeoTIFF written once. GDAL reads back every cell as written, in every codec;
// the overviews are the 2 x 2 means of the valid cells (as an independent computation here and as GDAL's own
// AVERAGE overviews give them); the file passes GDAL's COG validator and keeps the grid, CRS, nodata,
// description, unit and metadata; and its bytes do not depend on the windows the cells came in.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "io/cog_writer.hpp"
#include "minerisk/crs.hpp"
#include "minerisk/error.hpp"

namespace fs = std::filesystem;
using namespace minerisk;

namespace {

GridSpec grid(std::int64_t w, std::int64_t h) {
    GridSpec g;
    g.width = w, g.height = h, g.cell_size = 10, g.origin_x = 500000, g.origin_y = 4400000;
    g.crs_wkt = crs_to_wkt("EPSG:32638");
    return g;
}

// Smooth values with holes of nodata, and a few isolated NaN cells.
std::vector<float> cells(const GridSpec& g) {
    std::vector<float> v(static_cast<size_t>(g.width * g.height));
    for (std::int64_t r = 0; r < g.height; ++r)
        for (std::int64_t c = 0; c < g.width; ++c) {
            float x = static_cast<float>(0.5 + 0.4 * std::sin(r * 0.013) * std::cos(c * 0.021));
            if ((r - 300) * (r - 300) + (c - 700) * (c - 700) < 120 * 120 || (r * 7 + c * 13) % 97 == 0) x = std::nanf("");
            v[static_cast<size_t>(r * g.width + c)] = x;
        }
    return v;
}

RasterInfo info() {
    RasterInfo i;
    i.description = "combined risk (test)";
    i.unit = "m";
    i.metadata = {{"MINERISK_SCENARIO", "cog test"}, {"TIFFTAG_SOFTWARE", "minerisk test"}};
    return i;
}

std::vector<Window> tiles(const GridSpec& g, std::int64_t t) {
    std::vector<Window> out;
    for (std::int64_t r = 0; r < g.height; r += t)
        for (std::int64_t c = 0; c < g.width; c += t)
            out.push_back({c, r, std::min(t, g.width - c), std::min(t, g.height - r)});
    return out;
}

bool write_cog(const std::string& path, const GridSpec& g, const std::vector<float>& v, std::vector<Window> windows,
               CogCodec codec, std::uint64_t classic_limit = 0xFFFFFFFFull, bool in_place = true) {
    CogWriter w(path, g, info(), codec, classic_limit, in_place);
    std::vector<float> buf;
    for (const auto& t : windows) {
        buf.resize(static_cast<size_t>(t.cells()));
        for (std::int64_t r = 0; r < t.height; ++r)
            std::copy_n(&v[static_cast<size_t>((t.row0 + r) * g.width + t.col0)], t.width, &buf[static_cast<size_t>(r * t.width)]);
        w.write(t, buf.data());
    }
    w.commit();
    return w.assembled_in_place();
}

// The next level by its definition: each cell the mean of the valid cells among the 2 x 2 it covers.
std::vector<float> halve(const std::vector<float>& v, std::int64_t w, std::int64_t h, std::int64_t& ow, std::int64_t& oh) {
    ow = (w + 1) / 2, oh = (h + 1) / 2;
    std::vector<float> out(static_cast<size_t>(ow * oh));
    for (std::int64_t r = 0; r < oh; ++r)
        for (std::int64_t c = 0; c < ow; ++c) {
            double sum = 0;
            int n = 0;
            for (std::int64_t rr = 2 * r; rr < std::min(h, 2 * r + 2); ++rr)
                for (std::int64_t cc = 2 * c; cc < std::min(w, 2 * c + 2); ++cc) {
                    const float x = v[static_cast<size_t>(rr * w + cc)];
                    if (!std::isnan(x)) sum += x, ++n;
                }
            out[static_cast<size_t>(r * ow + c)] = n ? static_cast<float>(sum / n) : std::nanf("");
        }
    return out;
}

std::vector<float> read_band(GDALRasterBand* b) {
    std::vector<float> v(static_cast<size_t>(b->GetXSize()) * b->GetYSize());
    EXPECT_EQ(b->RasterIO(GF_Read, 0, 0, b->GetXSize(), b->GetYSize(), v.data(), b->GetXSize(), b->GetYSize(), GDT_Float32, 0, 0),
              CE_None);
    return v;
}

bool same_cells(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
    return true;
}

std::string bytes_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

class CogWriterTest : public ::testing::Test {
protected:
    void SetUp() override {
        GDALAllRegister();
        dir = fs::temp_directory_path() / ("minerisk_cog_" + std::to_string(::getpid()) + "_" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }
    fs::path dir;
};

}  // namespace

TEST_F(CogWriterTest, GdalReadsEveryCellAndOverviewInEveryCodec) {
    const GridSpec g = grid(1300, 900);  // three levels: 1300 x 900, 650 x 450, 325 x 225
    const std::vector<float> v = cells(g);
    for (const CogCodec codec : {CogCodec::deflate, CogCodec::zstd, CogCodec::none}) {
        const std::string path = (dir / ("c" + std::to_string(static_cast<int>(codec)) + ".tif")).string();
        write_cog(path, g, v, tiles(g, 300), codec);  // tiles that cut across blocks
        GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly));
        ASSERT_NE(ds, nullptr);
        GDALRasterBand* b = ds->GetRasterBand(1);
        EXPECT_TRUE(same_cells(read_band(b), v)) << "codec " << static_cast<int>(codec);
        ASSERT_EQ(b->GetOverviewCount(), 2);
        std::vector<float> level = v;
        std::int64_t w = g.width, h = g.height;
        for (int k = 0; k < 2; ++k) {
            std::int64_t ow, oh;
            level = halve(level, w, h, ow, oh);
            w = ow, h = oh;
            GDALRasterBand* o = b->GetOverview(k);
            EXPECT_EQ(o->GetXSize(), w);
            EXPECT_EQ(o->GetYSize(), h);
            EXPECT_TRUE(same_cells(read_band(o), level)) << "overview " << k << " codec " << static_cast<int>(codec);
        }
        GDALClose(ds);
    }
}

TEST_F(CogWriterTest, OverviewsAreGdalsOwnAverage) {
    const GridSpec g = grid(1300, 900);
    const std::vector<float> v = cells(g);
    const std::string ours = (dir / "ours.tif").string(), theirs = (dir / "theirs.tif").string();
    write_cog(ours, g, v, tiles(g, 1024), CogCodec::deflate);
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDataset* ds = gtiff->Create(theirs.c_str(), static_cast<int>(g.width), static_cast<int>(g.height), 1, GDT_Float32, nullptr);
    ds->GetRasterBand(1)->SetNoDataValue(std::nan(""));
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 1300, 900, const_cast<float*>(v.data()), 1300, 900, GDT_Float32, 0, 0),
              CE_None);
    int factors[] = {2, 4};
    ASSERT_EQ(ds->BuildOverviews("AVERAGE", 2, factors, 0, nullptr, nullptr, nullptr), CE_None);
    GDALDataset* mine = static_cast<GDALDataset*>(GDALOpen(ours.c_str(), GA_ReadOnly));
    for (int k = 0; k < 2; ++k)
        EXPECT_TRUE(same_cells(read_band(mine->GetRasterBand(1)->GetOverview(k)), read_band(ds->GetRasterBand(1)->GetOverview(k))))
            << "overview " << k;
    GDALClose(mine);
    GDALClose(ds);
}

TEST_F(CogWriterTest, PassesGdalsValidatorAndKeepsWhatTheRasterIs) {
    const GridSpec g = grid(1300, 900);
    const std::string path = (dir / "risk.tif").string();
    write_cog(path, g, cells(g), tiles(g, 300), CogCodec::deflate);
    const std::string validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py";
    ASSERT_TRUE(fs::exists(validator)) << "python3-gdal is a test dependency (scripts/install-deps.sh --test)";
    EXPECT_EQ(std::system(("/usr/bin/python3 " + validator + " -q --full-check=yes " + path).c_str()), 0);
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly));
    ASSERT_NE(ds, nullptr);
    EXPECT_STREQ(ds->GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"), "COG");
    EXPECT_STREQ(ds->GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"), "DEFLATE");
    EXPECT_STREQ(ds->GetMetadataItem("PREDICTOR", "IMAGE_STRUCTURE"), "3");
    EXPECT_STREQ(ds->GetMetadataItem("MINERISK_SCENARIO"), "cog test");
    EXPECT_STREQ(ds->GetMetadataItem("TIFFTAG_SOFTWARE"), "minerisk test");
    GDALRasterBand* b = ds->GetRasterBand(1);
    int bx = 0, by = 0;
    b->GetBlockSize(&bx, &by);
    EXPECT_EQ(bx, 512);
    EXPECT_EQ(by, 512);
    EXPECT_STREQ(b->GetDescription(), "combined risk (test)");
    EXPECT_STREQ(b->GetUnitType(), "m");
    int has = 0;
    EXPECT_TRUE(std::isnan(b->GetNoDataValue(&has)));
    EXPECT_TRUE(has);
    double gt[6];
    ASSERT_EQ(ds->GetGeoTransform(gt), CE_None);
    EXPECT_DOUBLE_EQ(gt[0], 500000);
    EXPECT_DOUBLE_EQ(gt[1], 10);
    EXPECT_DOUBLE_EQ(gt[3], 4400000);
    EXPECT_DOUBLE_EQ(gt[5], -10);
    EXPECT_EQ(ds->GetSpatialRef()->GetEPSGGeogCS(), 4326);
    EXPECT_STREQ(ds->GetSpatialRef()->GetAuthorityCode(nullptr), "32638");
    EXPECT_TRUE(std::isnan(b->GetOverview(0)->GetNoDataValue(&has)));
    EXPECT_TRUE(has) << "the overviews carry the nodata too";
    GDALClose(ds);
}

TEST_F(CogWriterTest, BytesDoNotDependOnTheWindows) {
    const GridSpec g = grid(1300, 900);
    const std::vector<float> v = cells(g);
    write_cog((dir / "a.tif").string(), g, v, tiles(g, 300), CogCodec::deflate);
    write_cog((dir / "b.tif").string(), g, v, tiles(g, 1024), CogCodec::deflate);
    std::vector<Window> shuffled = tiles(g, 384);
    std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
    write_cog((dir / "c.tif").string(), g, v, shuffled, CogCodec::deflate);
    write_cog((dir / "d.tif").string(), g, v, {{0, 0, g.width, g.height}}, CogCodec::deflate);
    const std::string a = bytes_of((dir / "a.tif").string());
    EXPECT_GT(a.size(), 1000u);
    EXPECT_EQ(a, bytes_of((dir / "b.tif").string()));
    EXPECT_EQ(a, bytes_of((dir / "c.tif").string()));
    EXPECT_EQ(a, bytes_of((dir / "d.tif").string()));
}

TEST_F(CogWriterTest, BigTiffWhenClassicOffsetsCannotHoldTheFile) {
    const GridSpec g = grid(1300, 900);
    const std::vector<float> v = cells(g);
    const std::string path = (dir / "big.tif").string();
    write_cog(path, g, v, tiles(g, 512), CogCodec::zstd, 100000);  // a "4 GB" of 100 kB
    EXPECT_EQ(bytes_of(path).substr(0, 4), std::string("II+\0", 4));
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly));
    ASSERT_NE(ds, nullptr);
    EXPECT_TRUE(same_cells(read_band(ds->GetRasterBand(1)), v));
    EXPECT_EQ(ds->GetRasterBand(1)->GetOverviewCount(), 2);
    GDALClose(ds);
    const std::string validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py";
    EXPECT_EQ(std::system(("/usr/bin/python3 " + validator + " -q --full-check=yes " + path).c_str()), 0);
}

TEST_F(CogWriterTest, SmallGridHasNoOverviews) {
    const GridSpec g = grid(300, 512);
    const std::string path = (dir / "small.tif").string();
    write_cog(path, g, cells(g), tiles(g, 100), CogCodec::deflate);
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly));
    ASSERT_NE(ds, nullptr);
    EXPECT_EQ(ds->GetRasterBand(1)->GetOverviewCount(), 0);
    EXPECT_TRUE(same_cells(read_band(ds->GetRasterBand(1)), cells(g)));
    GDALClose(ds);
}

TEST_F(CogWriterTest, UnfinishedRasterIsAnErrorAndLeavesNothing) {
    const GridSpec g = grid(1300, 900);
    const std::vector<float> v = cells(g);
    const std::string path = (dir / "risk.tif").string();
    {
        CogWriter w(path, g, info(), CogCodec::deflate);
        w.write({0, 0, 512, 512}, std::vector<float>(512 * 512, 0.5f).data());
        EXPECT_THROW(w.commit(), Error);
    }
    {
        CogWriter w(path, g, info(), CogCodec::deflate);
        w.write({0, 0, 512, 512}, std::vector<float>(512 * 512, 0.5f).data());
    }  // dropped without commit(): a failed run
    EXPECT_TRUE(fs::is_empty(dir)) << "temporaries left behind";
}

// The head and overviews go in front of the full resolution's blocks in place where the file system can (ext4
// and XFS), by a copy elsewhere: the same bytes either way.
TEST_F(CogWriterTest, InsertedInPlaceOrCopiedTheBytesAreTheSame) {
    const GridSpec g = grid(1300, 900);
    const std::vector<float> v = cells(g);
    const bool in_place = write_cog((dir / "a.tif").string(), g, v, tiles(g, 300), CogCodec::zstd);
    EXPECT_FALSE(write_cog((dir / "b.tif").string(), g, v, tiles(g, 300), CogCodec::zstd, 0xFFFFFFFFull, false));
    EXPECT_EQ(bytes_of((dir / "a.tif").string()), bytes_of((dir / "b.tif").string()));
    struct statfs fs_info {};
    ASSERT_EQ(::statfs(dir.c_str(), &fs_info), 0);
    if (fs_info.f_type == 0xEF53 || fs_info.f_type == 0x58465342) {  // ext4, XFS: FALLOC_FL_INSERT_RANGE
        EXPECT_TRUE(in_place) << "ext4 and XFS insert the head without copying";
    }
    const std::vector<std::string> left = [&] {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }();
    EXPECT_EQ(left, (std::vector<std::string>{"a.tif", "b.tif"})) << "no scratch file is left";
}
