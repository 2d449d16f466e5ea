// No secret in any output (issue 15, part 9): the demo with its hazards read from a real PostGIS server that
// this test starts (tests/support/postgres_server.hpp), over a Unix socket and with password authentication,
// so the password in the scenario's PG: connection is really used. Every byte the run leaves - each output
// file (GeoPackage, QGIS project, run.json, report, CSVs, GeoTIFF metadata), its staging remains and what it
// printed - is searched for the password. Needs PostgreSQL 15 + PostGIS 3 (scripts/install-deps.sh --test):
// without them the tests fail and say so, they are not skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "postgres_server.hpp"
#include "run_outputs.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace minerisk::test;

namespace {

// Distinct strings, found nowhere else in the data or the program.
const std::string kSecret = "Zq7pg-S3cret-4711";
const std::string kWrong = "Wr0ng-pg-Guess-0815";

std::unique_ptr<PostgresServer> start_server(std::string& why) {
    try {
        return std::make_unique<PostgresServer>("gis", kSecret, "imsma");
    } catch (const std::exception& e) {
        why = e.what();
        return nullptr;
    }
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

// The demo's scenario with its hazards in the database and its other inputs where they are; a coarser grid
// and fewer draws, so that the run takes seconds, with every output of the demo.
std::string scenario_with_database(const std::string& connection) {
    std::string s = file_bytes(fs::path(MINERISK_TESTDATA) / "demo" / "scenario.yaml");
    const std::string hazards = "path: data/hazards.gpkg\n    layer: hazards\n";
    EXPECT_NE(s.find(hazards), std::string::npos) << "the demo scenario changed: update this test";
    replace_all(s, hazards, "path: \"" + connection + "\"\n    layer: public.hazards\n");
    replace_all(s, "path: data/", "path: " + (fs::path(MINERISK_TESTDATA) / "demo" / "data").string() + "/");
    replace_all(s, "resolution: 20\n", "resolution: 100\n");
    replace_all(s, "draws: 1000\n", "draws: 50\n");
    return s;
}

// The demo's hazards loaded with ogr2ogr, and two more records that give warnings naming the layer (and so
// its connection): a hazard recorded twice, and one without a geometry.
void load_hazards(const PostgresServer& server) {
    const CommandResult r = run_command(
        "ogr2ogr -f PostgreSQL " + shell_quote(server.connection(kSecret)) + " " +
        shell_quote((fs::path(MINERISK_TESTDATA) / "demo" / "data" / "hazards.gpkg").string()) +
        " hazards -nln hazards -lco GEOMETRY_NAME=geom");
    ASSERT_EQ(r.status, 0) << "ogr2ogr: " << r.output;
    server.sql("INSERT INTO hazards (hazard_id, status, ordnance, recorded, radius_m, geom) "
               "SELECT hazard_id || '-again', status, ordnance, recorded, radius_m, geom FROM hazards ORDER BY fid LIMIT 1");
    server.sql("INSERT INTO hazards (hazard_id, status) VALUES ('HA-NOWHERE', 'SHA')");
}

struct CliRun {
    int code = -1;
    std::string out, err;
};

// `minerisk run` with no password but the scenario's: no PGPASSWORD, no password file.
CliRun run_cli(const TempDir& d, const std::string& scenario, const fs::path& out_dir) {
    std::ofstream(d.file("scenario.yaml")) << scenario;
    const std::string cmd = "env -u PGPASSWORD PGPASSFILE=/nonexistent " + shell_quote(MINERISK_CLI) + " run " +
                            shell_quote(d.file("scenario.yaml")) + " -q -o " + shell_quote(out_dir.string()) + " >" +
                            shell_quote(d.file("stdout.txt")) + " 2>" + shell_quote(d.file("stderr.txt"));
    const int st = std::system(cmd.c_str());
    CliRun r;
    r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.out = file_bytes(d.file("stdout.txt"));
    r.err = file_bytes(d.file("stderr.txt"));
    return r;
}

// Every file under `dir` but the scenario (which holds the password by design) whose bytes hold `secret`.
std::string files_holding(const fs::path& dir, const std::string& secret, int& searched) {
    std::string found;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file() || e.path().filename() == "scenario.yaml") continue;
        ++searched;
        if (file_bytes(e.path()).find(secret) != std::string::npos) found += " " + e.path().string();
    }
    return found;
}

TEST(SecretsPostgis, NoOutputFileNorMessageHoldsTheDatabasePassword) {
    std::string why;
    const auto server = start_server(why);
    ASSERT_TRUE(server) << why;
    load_hazards(*server);
    TempDir d("minerisk-secrets");
    const fs::path out = d.path / "out";
    const CliRun r = run_cli(d, scenario_with_database(server->connection(kSecret)), out);
    ASSERT_EQ(r.code, 0) << r.out << r.err;

    // The run read the database (the demo's 300 hazards and the two added) and made every output the demo
    // makes, so that the search below has something to search.
    const nlohmann::json run = nlohmann::json::parse(file_bytes(out / "run.json"));
    ASSERT_EQ(run["inputs"][0]["role"], "hazards");
    EXPECT_EQ(run["inputs"][0]["read"], 302);
    for (const char* f : {"run.json", "report.html", "minerisk.gpkg", "minerisk.qgs", "risk.tif", "zones.csv",
                          "settlements.csv"})
        EXPECT_TRUE(fs::exists(out / f)) << f;

    int searched = 0;
    EXPECT_EQ(files_holding(d.path, kSecret, searched), "");
    EXPECT_GE(searched, 10);
    EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(kSecret), std::string::npos) << r.err;

    // The warnings still name the connection (host, database, user), with the password masked: in run.json,
    // in the report and on the terminal.
    const std::string masked = "dbname=imsma user=gis password=***";
    bool warned = false;
    for (const auto& w : run["warnings"]) warned |= w.get<std::string>().find(masked) != std::string::npos;
    EXPECT_TRUE(warned) << run["warnings"].dump(2);
    EXPECT_NE(file_bytes(out / "report.html").find(masked), std::string::npos);
    EXPECT_NE(r.out.find(masked), std::string::npos) << r.out;
    EXPECT_NE(run["inputs"][0]["source"].get<std::string>().find(masked), std::string::npos);
}

// A wrong password: one error line, the password masked, the server's answer kept, and no output folder.
TEST(SecretsPostgis, WrongPasswordIsOneMaskedErrorLine) {
    std::string why;
    const auto server = start_server(why);
    ASSERT_TRUE(server) << why;
    load_hazards(*server);
    TempDir d("minerisk-secrets");
    const fs::path out = d.path / "out";
    const CliRun r = run_cli(d, scenario_with_database(server->connection(kWrong)), out);
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_EQ(r.err.find(kWrong), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find(kWrong), std::string::npos) << r.out;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    EXPECT_EQ(r.err.rfind("minerisk: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("password=***"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("password authentication failed"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out / "run.json"));
    int searched = 0;
    EXPECT_EQ(files_holding(d.path, kWrong, searched), "");
}

}  // namespace
