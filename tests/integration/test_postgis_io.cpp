// PostGIS as source and sink (issue 13, parts 3 and 4; docs/database.md), against a real PostgreSQL + PostGIS
// server that each test starts (tests/support/postgres_server.hpp: initdb in a temporary folder, a Unix socket,
// password authentication).
//   - inputs read from tables (layer:) and from a query (sql:) give the same zones as the files they were
//     loaded from;
//   - outputs.database writes the products as tables with a scenario and a run_id column, their styles in
//     layer_styles and a row in runs; a rerun replaces the scenario's rows and leaves another scenario's alone;
//   - a run killed while its rows are written (the transaction open) leaves the earlier rows whole.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "postgres_server.hpp"
#include "run_outputs.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace minerisk::test;

namespace {

const std::string kPassword = "pg-io-test-pw";

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

std::string demo_data(const std::string& file) { return (fs::path(MINERISK_TESTDATA) / "demo" / "data" / file).string(); }

// The demo's scenario, its inputs where they are, a coarser grid and fewer draws: a run of seconds that still
// makes every product (zones, referrals, ranked settlements, both plans, the area ranking).
std::string quick_demo(const std::string& name) {
    std::string s = file_bytes(fs::path(MINERISK_TESTDATA) / "demo" / "scenario.yaml");
    replace_all(s, "path: data/", "path: " + demo_data(""));
    replace_all(s, "resolution: 20\n", "resolution: 100\n");
    replace_all(s, "draws: 1000\n", "draws: 50\n");
    const std::string old_name = "name: \"Demo: former line of contact (synthetic)\"\n";
    EXPECT_NE(s.find(old_name), std::string::npos) << "the demo scenario changed: update this test";
    replace_all(s, old_name, "name: \"" + name + "\"\n");
    return s;
}

std::string with_database_outputs(std::string scenario, const std::string& connection) {
    return scenario + "outputs:\n  database: \"" + connection + "\"\n  schema: programme\n";
}

struct CliRun {
    int status = -1;
    std::string err;
};

// `minerisk run` of `scenario` into `out` (replacing it), with `env` before the command (a test hook).
CliRun run_cli(const TempDir& d, const std::string& scenario, const fs::path& out, const std::string& env = "") {
    const std::string file = d.file("scenario-" + std::to_string(std::hash<std::string>{}(scenario)) + ".yaml");
    std::ofstream(file) << scenario;
    const std::string cmd = env + " " + shell_quote(MINERISK_CLI) + " run " + shell_quote(file) + " -q --overwrite -o " +
                            shell_quote(out.string()) + " >/dev/null 2>" + shell_quote(d.file("stderr.txt"));
    const int st = std::system(cmd.c_str());
    CliRun r;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    if (WIFSIGNALED(st)) r.status = 128 + WTERMSIG(st);
    r.err = file_bytes(d.file("stderr.txt"));
    return r;
}

std::unique_ptr<PostgresServer> start_server() {
    try {
        return std::make_unique<PostgresServer>("planner", kPassword, "mine_action");
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        return nullptr;
    }
}

void load(const PostgresServer& server, const std::string& file, const std::string& options) {
    const CommandResult r = run_command("ogr2ogr -f PostgreSQL " + shell_quote(server.connection(kPassword)) + " " +
                                        shell_quote(demo_data(file)) + " " + options + " -lco GEOMETRY_NAME=geom");
    ASSERT_EQ(r.status, 0) << "ogr2ogr " << file << ": " << r.output;
}

TEST(PostgisSource, TablesAndQueriesGiveTheZonesOfTheFiles) {
    const auto server = start_server();
    ASSERT_TRUE(server);
    load(*server, "hazards.gpkg", "hazards -nln hazards");
    load(*server, "incidents.csv", "-nln incidents -oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat -oo AUTODETECT_TYPE=YES -a_srs EPSG:4326");
    TempDir d("minerisk-pg-source");
    const std::string files = quick_demo("PostGIS source");
    ASSERT_EQ(run_cli(d, files, d.path / "from-files").status, 0) << file_bytes(d.file("stderr.txt"));

    std::string db = files;
    const std::string hazards = "path: " + demo_data("hazards.gpkg") + "\n    layer: hazards\n";
    const std::string incidents = "path: " + demo_data("incidents.csv") + "\n    x: lon\n    y: lat\n    crs: EPSG:4326\n";
    ASSERT_NE(db.find(hazards), std::string::npos);
    ASSERT_NE(db.find(incidents), std::string::npos);
    const std::string connection = server->connection(kPassword);
    replace_all(db, hazards, "path: \"" + connection + "\"\n    layer: public.hazards\n");
    // The query runs in PostgreSQL: an ORDER BY and a computed column, as a programme would write it.
    replace_all(db, incidents, "path: \"" + connection + "\"\n    sql: \"SELECT *, killed + injured AS casualties FROM incidents ORDER BY ogc_fid\"\n");
    const CliRun r = run_cli(d, db, d.path / "from-database");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(comparable(d.path / "from-database" / "zones.csv"), comparable(d.path / "from-files" / "zones.csv"));
    EXPECT_EQ(comparable(d.path / "from-database" / "settlements.csv"), comparable(d.path / "from-files" / "settlements.csv"));
    const std::string run = file_bytes(d.path / "from-database" / "run.json");
    EXPECT_EQ(run.find(kPassword), std::string::npos);

    // A query that fails is one line at the 'sql:' line, with the server's reason.
    std::string bad = db;
    replace_all(bad, "FROM incidents ORDER BY", "FROM incidentz ORDER BY");
    const CliRun e = run_cli(d, bad, d.path / "bad");
    EXPECT_EQ(e.status, 1) << e.err;
    EXPECT_NE(e.err.find("the 'sql' query of the incidents input fails"), std::string::npos) << e.err;
    EXPECT_NE(e.err.find("incidentz"), std::string::npos) << e.err;
    EXPECT_EQ(e.err.find('\n'), e.err.size() - 1) << e.err;
}

// The rows a table holds for each scenario: "scenario|rows" lines, in order.
std::string rows_by_scenario(const PostgresServer& s, const std::string& table) {
    return s.query("SELECT scenario, count(*) FROM programme." + table + " GROUP BY scenario ORDER BY scenario");
}

TEST(PostgisSink, ProductsStylesAndRunsReplacedScenarioByScenario) {
    const auto server = start_server();
    ASSERT_TRUE(server);
    TempDir d("minerisk-pg-sink");
    const std::string connection = server->connection(kPassword);
    const std::string a = with_database_outputs(quick_demo("Area A"), connection);
    ASSERT_EQ(run_cli(d, a, d.path / "a").status, 0) << file_bytes(d.file("stderr.txt"));

    // Every product of the GeoPackage, row for row, tagged with the scenario and the run.
    for (const char* table : {"zones", "survey_referrals", "settlements_ranked", "sign_plan", "outreach_plan", "area_ranking"}) {
        const CommandResult n = run_command("ogrinfo -ro -so " + shell_quote((d.path / "a" / "minerisk.gpkg").string()) + " " +
                                            table + " | sed -n 's/^Feature Count: //p'");
        ASSERT_EQ(n.status, 0);
        EXPECT_EQ(rows_by_scenario(*server, table), "Area A|" + n.output.substr(0, n.output.find('\n'))) << table;
    }
    EXPECT_EQ(server->query("SELECT count(DISTINCT run_id) FROM programme.zones"), "1");
    EXPECT_EQ(server->query("SELECT scenario, as_of FROM programme.runs"), "Area A|2026-07-01");
    // The zones' columns as the GeoPackage has them, their geometry in the working CRS.
    EXPECT_EQ(server->query("SELECT min(rank), Find_SRID('programme', 'zones', 'geom') FROM programme.zones"), "1|32638");
    EXPECT_EQ(server->query("SELECT count(*) FROM programme.zones WHERE action IS NULL OR geom IS NULL"), "0");
    // QGIS finds each table's default style: one row per table, the QML a QGIS document.
    EXPECT_EQ(server->query("SELECT count(*) FROM public.layer_styles WHERE f_table_catalog = 'mine_action' AND "
                            "f_table_schema = 'programme' AND f_geometry_column = 'geom' AND useasdefault AND "
                            "xpath_exists('/qgis', styleqml)"),
              "6");

    // Another scenario beside it, then A again with other weights: A's rows replaced, B's untouched.
    const std::string b = with_database_outputs(quick_demo("Area B"), connection);
    ASSERT_EQ(run_cli(d, b, d.path / "b").status, 0) << file_bytes(d.file("stderr.txt"));
    const std::string b_zones = server->query("SELECT string_agg(rank || ':' || round(mean_risk::numeric, 6), ',' ORDER BY rank) "
                                              "FROM programme.zones WHERE scenario = 'Area B'");
    const std::string b_rows = server->query("SELECT count(*) FROM programme.zones WHERE scenario = 'Area B'");
    std::string a2 = a;
    replace_all(a2, "  top_percent: 5\n", "  top_percent: 3\n");
    ASSERT_EQ(run_cli(d, a2, d.path / "a").status, 0) << file_bytes(d.file("stderr.txt"));
    const CommandResult n = run_command("ogrinfo -ro -so " + shell_quote((d.path / "a" / "minerisk.gpkg").string()) +
                                        " zones | sed -n 's/^Feature Count: //p'");
    const std::string a2_zones = n.output.substr(0, n.output.find('\n'));
    EXPECT_NE(a2_zones, b_rows) << "the rerun must change the zones for this test to see the replacement";
    EXPECT_EQ(rows_by_scenario(*server, "zones"), "Area A|" + a2_zones + "\nArea B|" + b_rows);
    EXPECT_EQ(server->query("SELECT string_agg(rank || ':' || round(mean_risk::numeric, 6), ',' ORDER BY rank) "
                            "FROM programme.zones WHERE scenario = 'Area B'"),
              b_zones);
    EXPECT_EQ(server->query("SELECT count(*) FROM programme.runs"), "3");
    EXPECT_EQ(server->query("SELECT count(DISTINCT run_id) FROM programme.zones WHERE scenario = 'Area A'"), "1");
    EXPECT_EQ(server->query("SELECT max(run_id) = (SELECT max(run_id) FROM programme.zones WHERE scenario = 'Area A') "
                            "FROM programme.runs"),
              "t");
    EXPECT_EQ(server->query("SELECT count(*) FROM public.layer_styles"), "6") << "a rerun replaces its styles";
}

TEST(PostgisSink, RunKilledWhileWritingLeavesTheEarlierRowsWhole) {
    const auto server = start_server();
    ASSERT_TRUE(server);
    TempDir d("minerisk-pg-kill");
    const std::string a = with_database_outputs(quick_demo("Area A"), server->connection(kPassword));
    ASSERT_EQ(run_cli(d, a, d.path / "a").status, 0) << file_bytes(d.file("stderr.txt"));
    const std::string snapshot_sql =
        "SELECT (SELECT string_agg(rank || ':' || round(mean_risk::numeric, 6) || ':' || run_id, ',' ORDER BY rank) "
        "FROM programme.zones), (SELECT count(*) FROM programme.sign_plan), (SELECT count(*) FROM programme.runs), "
        "(SELECT count(*) FROM public.layer_styles)";
    const std::string before = server->query(snapshot_sql);
    const std::string folder = file_bytes(d.path / "a" / "zones.csv");

    std::string a2 = a;
    replace_all(a2, "  top_percent: 5\n", "  top_percent: 3\n");
    const CliRun killed = run_cli(d, a2, d.path / "a", "MINERISK_TEST_KILL_AT='database rows written'");
    EXPECT_EQ(killed.status, 128 + SIGKILL) << killed.err;
    EXPECT_EQ(server->query(snapshot_sql), before) << "the killed run's rows are not visible";
    // A failure in the database (a table the run cannot write) is one error line, and the earlier rows stay too.
    server->sql("ALTER TABLE programme.sign_plan ADD COLUMN must_have text NOT NULL DEFAULT 'x'");
    server->sql("ALTER TABLE programme.sign_plan ALTER COLUMN must_have DROP DEFAULT");
    const std::string with_column = server->query(snapshot_sql);
    const CliRun failed = run_cli(d, a2, d.path / "a");
    EXPECT_EQ(failed.status, 1) << failed.err;
    EXPECT_NE(failed.err.find("in the output database (schema programme)"), std::string::npos) << failed.err;
    EXPECT_EQ(failed.err.find(kPassword), std::string::npos) << failed.err;
    EXPECT_EQ(server->query(snapshot_sql), with_column);
    // The output folder still holds the first run's outputs: the failed run published nothing.
    EXPECT_EQ(file_bytes(d.path / "a" / "zones.csv"), folder);
}

}  // namespace

// outputs.qgis_source: database: minerisk.qgs's product layers read the tables (the scenario's rows only), with no
// password in the project; QGIS opens them (PyQGIS, headless) with the password from PGPASSWORD, and a table
// opened on its own in QGIS gets minerisk's style from layer_styles.
TEST(PostgisSink, QgisProjectReadsTheTablesWithoutAPassword) {
    const auto server = start_server();
    ASSERT_TRUE(server);
    TempDir d("minerisk-pg-qgis");
    const std::string connection = server->connection(kPassword);
    ASSERT_EQ(run_cli(d, with_database_outputs(quick_demo("Other area"), connection), d.path / "other").status, 0)
        << file_bytes(d.file("stderr.txt"));
    const std::string a = with_database_outputs(quick_demo("Area A"), connection) + "  qgis_source: database\n";
    ASSERT_EQ(run_cli(d, a, d.path / "a").status, 0) << file_bytes(d.file("stderr.txt"));
    const std::string qgs = file_bytes(d.path / "a" / "minerisk.qgs");
    EXPECT_EQ(qgs.find(kPassword), std::string::npos);
    EXPECT_EQ(qgs.find("password"), std::string::npos) << "no password key at all: QGIS would try '***'";
    EXPECT_NE(qgs.find("table=&quot;programme&quot;.&quot;zones&quot; (geom)"), std::string::npos);

    std::ofstream(d.file("open.py")) << R"(import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsApplication, QgsProject, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
if not project.read(sys.argv[1]):
    sys.exit("the project does not open")
for layer in sorted(project.mapLayers().values(), key=lambda l: l.id()):
    if layer.providerType() != "postgres":
        continue
    alone = QgsVectorLayer(layer.source(), "alone", "postgres")
    print(layer.id(), layer.isValid(), layer.featureCount(), layer.renderer().type(), alone.renderer().type())
app.exitQgis()
)";
    const CommandResult r = run_command("cd / && PGPASSWORD=" + shell_quote(kPassword) + " QT_QPA_PLATFORM=offscreen HOME=" +
                                        shell_quote(d.path.string()) + " /usr/bin/python3 " + shell_quote(d.file("open.py")) +
                                        " " + shell_quote((d.path / "a" / "minerisk.qgs").string()) + " 2>/dev/null");
    ASSERT_EQ(r.status, 0) << r.output;
    const CommandResult zones = run_command("ogrinfo -ro -so " + shell_quote((d.path / "a" / "minerisk.gpkg").string()) +
                                            " zones | sed -n 's/^Feature Count: //p'");
    const std::string count = zones.output.substr(0, zones.output.find('\n'));
    int layers = 0;
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream f(line);
        std::string id, valid, n, renderer, alone;
        if (line.rfind("minerisk_", 0) != 0 || !(f >> id >> valid >> n >> renderer >> alone)) continue;  // Qt's notices
        ++layers;
        EXPECT_EQ(valid, "True") << line;
        EXPECT_EQ(renderer, alone) << line << ": the table opened alone has another style than the project's";
        if (id == "minerisk_zones") {
            EXPECT_EQ(n, count) << "the project's zones are this scenario's only";
            EXPECT_EQ(renderer, "graduatedSymbol") << "minerisk's zone style (a new layer's default is singleSymbol)";
        }
    }
    EXPECT_EQ(layers, 6) << r.output;
}
