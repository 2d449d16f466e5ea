// summary_by end to end (docs/areas.md): the demo (at 60 m) ranks its 11 districts into area_ranking.csv, the
// area_ranking layer of minerisk.gpkg (opened with GDAL) and the report; the same run without summary_by writes
// none of them.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "run_outputs.hpp"

namespace fs = std::filesystem;
using minerisk::test::file_bytes;

namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

class AreaRankingOutputs : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = fs::temp_directory_path() / ("minerisk-areas-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(base_);
        fs::create_directories(base_);
    }
    void TearDown() override {
        if (!HasFailure()) fs::remove_all(base_);
    }
    // The demo at 60 m with absolute paths, with or without its areas; run into base_/out. Returns the exit code.
    int run_demo(bool with_areas) {
        std::string text = file_bytes(std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml");
        replace_all(text, "path: data/", "path: " + std::string(MINERISK_TESTDATA) + "/demo/data/");
        replace_all(text, "resolution: 20\n", "resolution: 60\n");
        replace_all(text, "draws: 1000", "draws: 50");
        if (!with_areas) {
            const size_t from = text.find("  # Administrative areas"), to = text.find("summary_by: areas\n");
            EXPECT_TRUE(from != std::string::npos && to != std::string::npos) << "the demo's areas moved";
            if (from != std::string::npos && to != std::string::npos) text.erase(from, to + 18 - from);
        }
        const fs::path file = base_ / "scenario.yaml";
        std::ofstream(file) << text;
        const std::string cmd = std::string(MINERISK_CLI) + " run -q -o " + (base_ / "out").string() + " " + file.string() +
                                " >/dev/null 2>" + (base_ / "err.txt").string();
        const int status = std::system(cmd.c_str());
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    fs::path base_;
};

TEST_F(AreaRankingOutputs, TheDemoRanksItsDistrictsInTheCsvTheGeoPackageAndTheReport) {
    ASSERT_EQ(run_demo(true), 0) << file_bytes(base_ / "err.txt");
    const std::string csv = file_bytes(base_ / "out" / "area_ranking.csv");
    ASSERT_FALSE(csv.empty());
    const std::string header =
        "rank,id,name,people_in_reach,settlements,settlements_in_reach,settlements_never_reached,population,hazards,"
        "perimeter_m,unmarked_m,incidents,incidents_recent,zones,best_zone_rank,area_km2,reason\r\n";
    EXPECT_EQ(csv.substr(0, header.size()), header);
    size_t rows = 0;
    for (size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2)) ++rows;
    EXPECT_EQ(rows, 12u) << "a header and one row per district";
    EXPECT_EQ(csv.find("\r\n1,", header.size() - 2), header.size() - 2) << "rank 1 first";

    GDALAllRegister();
    GDALDataset* ds = static_cast<GDALDataset*>(
        GDALOpenEx((base_ / "out" / "minerisk.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    ASSERT_NE(ds, nullptr);
    OGRLayer* layer = ds->GetLayerByName("area_ranking");
    ASSERT_NE(layer, nullptr);
    EXPECT_EQ(layer->GetFeatureCount(), 11);
    EXPECT_EQ(wkbFlatten(layer->GetGeomType()), wkbMultiPolygon);
    for (const char* f : {"rank", "name", "people_in_reach", "unmarked_m", "incidents_recent", "best_zone_rank", "reason"})
        EXPECT_GE(layer->GetLayerDefn()->GetFieldIndex(f), 0) << f;
    OGRLayer* styles = ds->ExecuteSQL("SELECT COUNT(*) FROM layer_styles WHERE f_table_name = 'area_ranking'", nullptr, nullptr);
    ASSERT_NE(styles, nullptr);
    std::unique_ptr<OGRFeature> f(styles->GetNextFeature());
    EXPECT_EQ(f ? f->GetFieldAsInteger(0) : 0, 1) << "its QGIS style";
    ds->ReleaseResultSet(styles);
    GDALClose(ds);

    EXPECT_NE(file_bytes(base_ / "out" / "minerisk.qgs").find("layername=area_ranking"), std::string::npos);
    EXPECT_NE(file_bytes(base_ / "out" / "report.html").find("<section id=\"areas\">"), std::string::npos);
}

TEST_F(AreaRankingOutputs, WithoutSummaryByNoneIsWritten) {
    ASSERT_EQ(run_demo(false), 0) << file_bytes(base_ / "err.txt");
    EXPECT_TRUE(fs::exists(base_ / "out" / "zones.csv"));
    EXPECT_FALSE(fs::exists(base_ / "out" / "area_ranking.csv"));
    EXPECT_EQ(file_bytes(base_ / "out" / "minerisk.qgs").find("area_ranking"), std::string::npos);
    EXPECT_EQ(file_bytes(base_ / "out" / "report.html").find("id=\"areas\""), std::string::npos);
    GDALAllRegister();
    GDALDataset* ds = static_cast<GDALDataset*>(
        GDALOpenEx((base_ / "out" / "minerisk.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    ASSERT_NE(ds, nullptr);
    EXPECT_EQ(ds->GetLayerByName("area_ranking"), nullptr);
    GDALClose(ds);
}

}  // namespace
