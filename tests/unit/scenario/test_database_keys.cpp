// The PostGIS keys of a scenario (docs/database.md): an input's 'sql:', outputs.database, outputs.schema and
// outputs.qgis_source, each checked at its line.
#include "parse_fixture.hpp"

namespace {

using scenario_test::ParseFixture;

class DatabaseKeys : public ParseFixture {
protected:
    static std::string with_hazards(const std::string& hazards) {
        std::string s = scenario_test::kMinimal;
        const std::string line = "  hazards: data/h.gpkg\n";
        s.replace(s.find(line), line.size(), "  hazards:\n" + hazards);
        return s;
    }
};

TEST_F(DatabaseKeys, AnInputReadsTheResultOfAQuery) {
    const auto sc = parse(with_hazards("    path: \"PG:dbname=imsma\"\n    sql: \"SELECT * FROM hazards WHERE status <> 'cancelled'\"\n"));
    ASSERT_NE(sc.input("hazards"), nullptr);
    EXPECT_EQ(sc.input("hazards")->sql, "SELECT * FROM hazards WHERE status <> 'cancelled'");
    EXPECT_EQ(sc.input("hazards")->sql_where.line, 5);
    EXPECT_EQ(sc.input("hazards")->source, "PG:dbname=imsma");
}

TEST_F(DatabaseKeys, LayerAndSqlTogetherOrAnEmptyQueryAreRefusedAtTheirLine) {
    auto e = error_of(with_hazards("    path: \"PG:dbname=imsma\"\n    layer: hazards\n    sql: \"SELECT 1\"\n"));
    EXPECT_NE(e.problem().find("has both 'layer' and 'sql'"), std::string::npos) << e.problem();
    EXPECT_EQ(e.where().line, 6);
    e = error_of(with_hazards("    path: \"PG:dbname=imsma\"\n    sql: \"\"\n"));
    EXPECT_NE(e.problem().find("an empty 'sql'"), std::string::npos) << e.problem();
    EXPECT_EQ(e.where().line, 5);
}

TEST_F(DatabaseKeys, OutputsDatabaseSchemaAndQgisSource) {
    const auto sc = parse(scenario_test::kMinimal + "outputs:\n  database: \"PG:dbname=imsma user=gis\"\n  schema: nightly_2026\n"
                                                    "  qgis_source: database\n");
    EXPECT_EQ(sc.outputs.database, "PG:dbname=imsma user=gis");
    EXPECT_EQ(sc.outputs.database_where.line, 8);
    EXPECT_EQ(sc.outputs.schema, "nightly_2026");
    EXPECT_EQ(sc.outputs.qgis_source, "database");
    const auto defaults = parse(scenario_test::kMinimal);
    EXPECT_EQ(defaults.outputs.database, "");
    EXPECT_EQ(defaults.outputs.schema, "minerisk");
    EXPECT_EQ(defaults.outputs.qgis_source, "file");
}

TEST_F(DatabaseKeys, ADatabaseThatIsNotPostgresqlOrABadSchemaIsRefused) {
    auto e = error_of(scenario_test::kMinimal + "outputs:\n  database: out.sqlite\n");
    EXPECT_NE(e.problem().find("not a PostgreSQL connection"), std::string::npos) << e.problem();
    EXPECT_EQ(e.where().line, 8);
    for (const char* schema : {"Programme", "1st", "a-b", "\"x\"", ""}) {
        e = error_of(scenario_test::kMinimal + "outputs:\n  database: \"PG:dbname=x\"\n  schema: '" + schema + "'\n");
        EXPECT_NE(e.problem().find("'outputs.schema' is"), std::string::npos) << schema << ": " << e.problem();
        EXPECT_EQ(e.where().line, 9) << schema;
    }
    e = error_of(scenario_test::kMinimal + "outputs:\n  qgis_source: database\n");
    EXPECT_NE(e.problem().find("no 'outputs.database'"), std::string::npos) << e.problem();
}

}  // namespace
