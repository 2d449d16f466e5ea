// Issue 14: the demo's quicklook.png shows the hazards, settlements, survey referrals and the sign plan, and its
// legend names them: counted by colour, on the map and in the legend panel (the demo_run fixture).
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <memory>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kDemo = MINERISK_DEMO_OUTPUT;

struct Picture {
    int w = 0, h = 0;
    std::vector<unsigned char> rgb[3];
    explicit Picture(const fs::path& p) {
        GDALAllRegister();
        std::unique_ptr<GDALDataset> ds(GDALDataset::Open(p.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        if (!ds || ds->GetRasterCount() < 3) return;
        w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
        for (int b = 0; b < 3; ++b) {
            rgb[b].resize(static_cast<size_t>(w) * h);
            if (ds->GetRasterBand(b + 1)->RasterIO(GF_Read, 0, 0, w, h, rgb[b].data(), w, h, GDT_Byte, 0, 0) != CE_None) w = 0;
        }
    }
    // Pixels of exactly this colour with x in [x0, x1).
    int count(std::array<int, 3> c, int x0, int x1) const {
        int n = 0;
        for (int y = 0; y < h; ++y)
            for (int x = x0; x < x1 && x < w; ++x) {
                const size_t i = static_cast<size_t>(y) * w + x;
                n += rgb[0][i] == c[0] && rgb[1][i] == c[1] && rgb[2][i] == c[2];
            }
        return n;
    }
};

TEST(QuicklookLayers, DrawsHazardsSettlementsReferralsAndSignsWithTheirLegend) {
    const Picture pic(kDemo / "quicklook.png");
    ASSERT_GT(pic.w, 400);
    // The legend panel: the last 250 pixels (the panel is right of the map, which ends before them).
    const int panel = pic.w - 250;
    const std::array<int, 3> cha{227, 26, 28}, sha{255, 127, 0}, referral{200, 0, 160}, sign{255, 230, 0}, settlement{40, 40, 40};
    for (const auto& [c, what] : {std::pair{cha, "CHA"}, {sha, "SHA"}, {referral, "referrals"}, {sign, "proposed signs"},
                                  {settlement, "settlements"}}) {
        EXPECT_GT(pic.count(c, 0, panel), 20) << what << " not drawn on the map";
        EXPECT_GT(pic.count(c, panel, pic.w), 3) << what << " missing from the legend";
    }
}

}  // namespace
