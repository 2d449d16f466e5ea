// The conventions of issue 16: the version in every --help; the same column names in each CSV file and the
// GeoPackage layer that holds the same table; dates stored as dates; the GeoPackage's last_change the run's start
// (as run.json says it); the rasters' TIFF DateTime the as-of date; run.json's times and command line. Read from
// the demo's outputs (the demo_run fixture).
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kDemo = MINERISK_DEMO_OUTPUT;

std::string run_cli(const std::string& args) {
    const fs::path out = fs::temp_directory_path() / ("minerisk-conventions-" + std::to_string(::getpid()) + ".txt");
    const int status = std::system((std::string(MINERISK_CLI) + " " + args + " >" + out.string() + " 2>&1").c_str());
    std::stringstream ss;
    ss << std::ifstream(out).rdbuf();
    fs::remove(out);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << args << ": " << ss.str();
    return ss.str();
}

struct Gpkg {
    std::unique_ptr<GDALDataset> ds;
    Gpkg() {
        GDALAllRegister();
        ds.reset(GDALDataset::Open((kDemo / "minerisk.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    }
    std::vector<std::string> fields(const char* layer) const {
        std::vector<std::string> names;
        OGRLayer* l = ds ? ds->GetLayerByName(layer) : nullptr;
        if (!l) return {"(no layer " + std::string(layer) + ")"};
        for (int i = 0; i < l->GetLayerDefn()->GetFieldCount(); ++i) names.push_back(l->GetLayerDefn()->GetFieldDefn(i)->GetNameRef());
        return names;
    }
    OGRFieldType type(const char* layer, const char* field) const {
        OGRLayer* l = ds ? ds->GetLayerByName(layer) : nullptr;
        const int i = l ? l->GetLayerDefn()->GetFieldIndex(field) : -1;
        return i < 0 ? OFTMaxType : l->GetLayerDefn()->GetFieldDefn(i)->GetType();
    }
};

// The header of a CSV file (no quoted names in minerisk's headers).
std::vector<std::string> csv_header(const fs::path& p) {
    std::ifstream in(p);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> names;
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, ',');) names.push_back(f);
    return names;
}

std::vector<std::string> without(std::vector<std::string> v, const std::vector<std::string>& drop) {
    for (const auto& d : drop) v.erase(std::remove(v.begin(), v.end(), d), v.end());
    return v;
}

TEST(Conventions, EveryHelpEndsWithTheVersion) {
    const std::string version = run_cli("--version");
    ASSERT_EQ(version.rfind("minerisk ", 0), 0u) << version;
    const std::string line = version.substr(0, version.find(' ', 9));  // "minerisk 0.1.0"
    for (const char* cmd : {"", "run ", "validate ", "demo ", "plugins ", "info ", "backtest "}) {
        std::string help = run_cli(std::string(cmd) + "--help");
        while (!help.empty() && help.back() == '\n') help.pop_back();
        EXPECT_GE(help.size(), line.size()) << cmd;
        EXPECT_EQ(help.substr(help.size() - std::min(help.size(), line.size())), line) << cmd << "--help:\n" << help;
    }
}

TEST(Conventions, CsvFilesAndGeoPackageLayersNameTheirColumnsAlike) {
    Gpkg g;
    ASSERT_TRUE(g.ds);
    // zones: the same columns in the same order, the per-factor means included.
    const auto zones = csv_header(kDemo / "zones.csv");
    EXPECT_EQ(zones, g.fields("zones"));
    EXPECT_NE(std::find(zones.begin(), zones.end(), "population_in_reach"), zones.end());
    EXPECT_NE(std::find(zones.begin(), zones.end(), "mean_hazard_proximity"), zones.end());
    EXPECT_EQ(csv_header(kDemo / "settlements.csv"), g.fields("settlements_ranked"));
    // The CSV files of points give x and y where the layer has its geometry; the outreach layer adds the label
    // QGIS draws ("week 1, facilitator 2").
    EXPECT_EQ(without(csv_header(kDemo / "survey_referrals.csv"), {"x", "y"}),
              (std::vector<std::string>{"id", "incidents", "first_date", "last_date", "lon", "lat", "spread_m", "max_risk",
                                        "nearest_settlement", "settlement_distance_m", "incident_fids", "reason"}));
    auto sorted = [](std::vector<std::string> v) { std::sort(v.begin(), v.end()); return v; };
    EXPECT_EQ(sorted(without(csv_header(kDemo / "survey_referrals.csv"), {"x", "y"})), sorted(g.fields("survey_referrals")));
    EXPECT_EQ(sorted(without(csv_header(kDemo / "sign_plan.csv"), {"x", "y"})), sorted(g.fields("sign_plan")));
    EXPECT_EQ(sorted(csv_header(kDemo / "outreach_plan.csv")), sorted(without(g.fields("outreach_plan"), {"label"})));
}

TEST(Conventions, GeoPackageDatesAreDates) {
    Gpkg g;
    ASSERT_TRUE(g.ds);
    EXPECT_EQ(g.type("zones", "last_session"), OFTDate);
    EXPECT_EQ(g.type("settlements_ranked", "last_session"), OFTDate);
    EXPECT_EQ(g.type("survey_referrals", "first_date"), OFTDate);
    EXPECT_EQ(g.type("survey_referrals", "last_date"), OFTDate);
    EXPECT_EQ(g.type("outreach_plan", "week_start"), OFTDate);
    EXPECT_EQ(g.type("outreach_plan", "last_session"), OFTDate);
    EXPECT_EQ(g.type("layer_styles", "update_time"), OFTDateTime);
}

TEST(Conventions, LastChangeIsTheRunsStartAndTheRastersDateTheAsOfDate) {
    const auto j = nlohmann::json::parse(std::ifstream(kDemo / "run.json"));
    const std::string started = j["run"]["started"];  // "2026-12-03T15:06:10Z"
    ASSERT_EQ(started.size(), 20u);
    const std::string as_of = j["as_of"]["date"];
    EXPECT_NE(started.substr(0, 10), as_of) << "the demo's as-of date is in the past: last_change must not be it";
    Gpkg g;
    ASSERT_TRUE(g.ds);
    OGRLayer* r = g.ds->ExecuteSQL("SELECT DISTINCT last_change FROM gpkg_contents", nullptr, nullptr);
    ASSERT_NE(r, nullptr);
    int rows = 0;
    // OGR reads the column as a time: "2026/12/03 15:06:10+00".
    std::string want = started.substr(0, 10) + " " + started.substr(11, 8) + "+00";
    std::replace(want.begin(), want.end(), '-', '/');
    for (std::unique_ptr<OGRFeature> f(r->GetNextFeature()); f; f.reset(r->GetNextFeature()), ++rows)
        EXPECT_EQ(std::string(f->GetFieldAsString(0)), want);
    g.ds->ReleaseResultSet(r);
    EXPECT_EQ(rows, 1) << "one last_change for every table";
    // The TIFF DateTime tag of every raster: the as-of date at midnight, as TIFF writes it; and the libraries.
    std::string tiff_day = as_of;
    std::replace(tiff_day.begin(), tiff_day.end(), '-', ':');
    for (const auto& e : fs::recursive_directory_iterator(kDemo)) {
        if (e.path().extension() != ".tif") continue;
        std::unique_ptr<GDALDataset> ds(GDALDataset::Open(e.path().string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        ASSERT_TRUE(ds) << e.path();
        const char* dt = ds->GetMetadataItem("TIFFTAG_DATETIME");
        EXPECT_EQ(std::string(dt ? dt : ""), tiff_day + " 00:00:00") << e.path();
        const char* libs = ds->GetMetadataItem("MINERISK_LIBRARIES");
        EXPECT_EQ(std::string(libs ? libs : ""), "GDAL " + j["libraries"]["gdal"].get<std::string>() + ", GEOS " +
                                                     j["libraries"]["geos"].get<std::string>() + ", PROJ " +
                                                     j["libraries"]["proj"].get<std::string>())
            << e.path();
    }
}

TEST(Conventions, RunJsonRecordsTheCommandLine) {
    const auto j = nlohmann::json::parse(std::ifstream(kDemo / "run.json"));
    const auto& args = j["run"]["command_line"];
    ASSERT_GE(args.size(), 2u) << j["run"].dump();
    EXPECT_EQ(fs::path(args[0].get<std::string>()).filename(), "minerisk");
    EXPECT_EQ(args[1], "demo");
    EXPECT_EQ(args.back(), kDemo.string());
    EXPECT_LE(j["run"]["started"].get<std::string>(), j["run"]["finished"].get<std::string>());
}

}  // namespace

// A full disk (or a closed pipe) on stdout is a failure with one line, for every kind of output: the version,
// the help, a listing.
TEST(Conventions, StandardOutputThatCannotBeWrittenFails) {
    if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
    for (const char* args : {"--version", "--help", "run --help", "plugins"}) {
        const std::string err = (fs::temp_directory_path() / ("minerisk-full-" + std::to_string(::getpid()))).string();
        const int status = std::system((std::string(MINERISK_CLI) + " " + args + " >/dev/full 2>" + err).c_str());
        std::stringstream se;
        se << std::ifstream(err).rdbuf();
        fs::remove(err);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << args << " exited 0 with its output lost";
        EXPECT_NE(se.str().find("cannot write to standard output"), std::string::npos) << args << ": " << se.str();
    }
}
