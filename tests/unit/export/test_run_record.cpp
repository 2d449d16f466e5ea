// run.json's "run" record: when the run began and ended, and the command line with any password masked; and the
// comparison of two runs' outputs (tests/support/run_outputs.hpp) leaving out exactly those timestamps.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "minerisk/dates.hpp"
#include "minerisk/exports.hpp"
#include "minerisk/pipeline.hpp"
#include "run_outputs.hpp"
#include "temp_dir.hpp"

namespace {

using minerisk::test::TempDir;

TEST(RunRecord, RecordsTheTimesAndTheCommandLineWithPasswordsMasked) {
    TempDir dir("minerisk-run-record");
    minerisk::RunPlan plan;
    plan.scenario.file = dir.file("scenario.yaml");
    plan.started = minerisk::now_unix() - 2.5;  // began 2.5 s ago
    plan.command_line = {"/usr/bin/minerisk", "run", "--var", "DB=PG:dbname=mines user=ana password=hunter2", "-o", "out",
                         "scenario.yaml"};
    minerisk::RunSummary summary;
    minerisk::ExportContext ctx;
    ctx.plan = &plan;
    ctx.summary = &summary;
    ctx.output_dir = dir.path.string();
    minerisk::write_run_record(ctx);
    std::ifstream in(dir.file("run.json"));
    const auto j = nlohmann::json::parse(in);
    ASSERT_TRUE(j.contains("run")) << j.dump(2);
    const auto& run = j["run"];
    const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
    EXPECT_TRUE(std::regex_match(run["started"].get<std::string>(), iso)) << run["started"];
    EXPECT_TRUE(std::regex_match(run["finished"].get<std::string>(), iso)) << run["finished"];
    EXPECT_EQ(run["started"], minerisk::utc_timestamp(plan.started));
    EXPECT_LE(run["started"].get<std::string>(), run["finished"].get<std::string>());
    EXPECT_GE(run["seconds"].get<double>(), 2.4);
    EXPECT_LT(run["seconds"].get<double>(), 60);
    ASSERT_EQ(run["command_line"].size(), plan.command_line.size());
    EXPECT_EQ(run["command_line"][1], "run");
    EXPECT_EQ(run["command_line"][3], "DB=PG:dbname=mines user=ana password=***");
    EXPECT_EQ(j.dump().find("hunter2"), std::string::npos);
    // Next to the libraries that made the outputs.
    EXPECT_TRUE(j.contains("libraries"));
}

TEST(RunRecord, UtcTimestampIsIso8601) {
    EXPECT_EQ(minerisk::utc_timestamp(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(minerisk::utc_timestamp(1796310370.9), "2026-12-03T15:06:10Z");  // the fraction is dropped
    EXPECT_EQ(minerisk::utc_timestamp(951782400 + 86399), "2000-02-29T23:59:59Z");
}

TEST(RunRecord, ComparisonLeavesOutTheRunRecordAndTheGeoPackageTimes) {
    TempDir dir("minerisk-run-compare");
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir.file(name), std::ios::binary) << text;
        return dir.path / name;
    };
    using minerisk::test::comparable;
    const std::string a = "{\n  \"run\": {\n    \"started\": \"2026-12-03T15:06:10Z\",\n    \"command_line\": [\n      \"a\"\n    ]\n  },\n  \"x\": 1\n}\n";
    const std::string b = "{\n  \"run\": {\n    \"started\": \"2026-12-03T15:07:11Z\",\n    \"command_line\": [\n      \"b\"\n    ]\n  },\n  \"x\": 1\n}\n";
    std::filesystem::create_directories(dir.path / "a");
    std::filesystem::create_directories(dir.path / "b");
    EXPECT_EQ(comparable(write("a/run.json", a)), comparable(write("b/run.json", b)));
    EXPECT_NE(comparable(write("a/run.json", a)), comparable(write("b/run.json", a + " ")));
    // A GeoPackage's times are masked; its dates (no time) and everything else are compared.
    EXPECT_EQ(comparable(write("a.gpkg", "x2026-12-03T15:06:10.000Zy")), comparable(write("b.gpkg", "x2026-12-04T01:00:59.000Zy")));
    EXPECT_NE(comparable(write("a.gpkg", "x2026-12-03y")), comparable(write("b.gpkg", "x2026-12-04y")));
    EXPECT_NE(comparable(write("a.gpkg", "x2026-12-03T15:06:10.000Zy")), comparable(write("b.gpkg", "z2026-12-03T15:06:10.000Zy")));
}

}  // namespace
