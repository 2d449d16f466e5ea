// summary_by and the areas input: every key checked, one-line errors at their line (docs/areas.md).
#include "parse_fixture.hpp"

namespace {

using scenario_test::ParseFixture;

class SummaryBy : public ParseFixture {
protected:
    void SetUp() override {
        ParseFixture::SetUp();
        std::ofstream(dir_ / "data" / "districts.gpkg").put('\n');
    }
    static std::string with_areas(const std::string& areas, const std::string& top = "summary_by: areas\n") {
        std::string s = scenario_test::kMinimal;
        s.insert(s.find("scoring:"), "  areas:\n" + areas);
        return s + top;
    }
};

TEST_F(SummaryBy, ReadsTheAreasInputAndTheKey) {
    const auto sc = parse(with_areas("    path: data/districts.gpkg\n    layer: districts\n    where: \"admin = 'Azerbaijan'\"\n"
                                     "    fields: {id: fips, name: name}\n"));
    ASSERT_TRUE(sc.areas.has_value());
    EXPECT_EQ(sc.summary_by, "areas");
    EXPECT_EQ(sc.areas->layer, "districts");
    EXPECT_EQ(sc.areas->filter, "admin = 'Azerbaijan'");
    EXPECT_EQ(sc.areas->filter_where.line, 7);
    EXPECT_EQ(sc.areas->fields.at("id"), "fips");
    EXPECT_EQ(sc.summary_by_where.line, 12);
    // Not one of the layers the factors read.
    EXPECT_EQ(sc.input("areas"), nullptr);
    EXPECT_EQ(sc.inputs.size(), 1u);
}

TEST_F(SummaryBy, WithoutTheAreasInputIsAnErrorAtItsLine) {
    const auto e = error_of(scenario_test::kMinimal + "summary_by: areas\n");
    EXPECT_NE(e.problem().find("'summary_by: areas' needs the 'areas' input"), std::string::npos) << e.problem();
    EXPECT_EQ(e.where().line, 7);
}

TEST_F(SummaryBy, AnAreasInputNothingReadsIsAnError) {
    const auto e = error_of(with_areas("    path: data/districts.gpkg\n", ""));
    EXPECT_NE(e.problem().find("the 'areas' input is declared but nothing reads it"), std::string::npos) << e.problem();
}

TEST_F(SummaryBy, UnknownValueSuggestsAreas) {
    const auto e = error_of(with_areas("    path: data/districts.gpkg\n", "summary_by: area\n"));
    EXPECT_NE((e.problem() + e.hint()).find("did you mean 'areas'"), std::string::npos) << e.problem() << e.hint();
}

TEST_F(SummaryBy, CoordinateColumnsAndOtherRolesAreUnknownKeys) {
    auto e = error_of(with_areas("    path: data/districts.gpkg\n    x: lon\n"));
    EXPECT_NE(e.problem().find("unknown key 'x'"), std::string::npos) << e.problem();
    e = error_of(with_areas("    path: data/districts.gpkg\n    fields: {population: pop}\n"));
    EXPECT_NE(e.problem().find("unknown field role 'population' for areas"), std::string::npos) << e.problem();
}

TEST_F(SummaryBy, AMissingFileIsAnErrorAtItsPath) {
    const auto e = error_of(with_areas("    path: data/nowhere.gpkg\n"));
    EXPECT_NE(e.problem().find("nowhere.gpkg' for areas does not exist"), std::string::npos) << e.problem();
    EXPECT_EQ(e.where().line, 5);
}

}  // namespace
