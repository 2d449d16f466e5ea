// `roles:` of a factor (engine/scenario/scoring_parser.cpp): a list of the known roles, or one role, or `[]`;
// it replaces the plugin's roles, so FactorSpec says whether it was written at all. Each mistake is an error
// at its line and column, with the known roles in the hint.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parse_fixture.hpp"

namespace {

using scenario_test::kMinimal;
using Roles = std::vector<std::string>;

class FactorRoles : public scenario_test::ParseFixture {
protected:
    // kMinimal's one factor with the given text after "roles:" (line 7).
    static std::string with_roles(const std::string& value) { return kMinimal + "      roles:" + value + "\n"; }

    void expect_error(const std::string& yaml, int line, int column, const std::vector<std::string>& pieces) const {
        const minerisk::Error e = error_of(yaml);
        SCOPED_TRACE(e.what());
        EXPECT_EQ(e.where().file, scenario_test::kFile);
        EXPECT_EQ(e.where().line, line);
        EXPECT_EQ(e.where().column, column);
        for (const auto& p : pieces) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << "missing: " << p;
    }
};

TEST_F(FactorRoles, LeftOutTheFactorKeepsThePluginsRoles) {
    const auto f = parse(kMinimal).scoring.factors.at(0);
    EXPECT_FALSE(f.roles_given);
    EXPECT_TRUE(f.roles.empty());
}

TEST_F(FactorRoles, AListInEitherFormInTheOrderWritten) {
    auto f = parse(with_roles(" [sign_cover, baseline]")).scoring.factors.at(0);
    EXPECT_TRUE(f.roles_given);
    EXPECT_EQ(f.roles, (Roles{"sign_cover", "baseline"}));
    f = parse(with_roles("\n        - hazard_rules\n        - baseline")).scoring.factors.at(0);
    EXPECT_EQ(f.roles, (Roles{"hazard_rules", "baseline"}));
    f = parse(with_roles(" [baseline, hazard_rules, sign_cover]")).scoring.factors.at(0);
    EXPECT_EQ(f.roles, (Roles{"baseline", "hazard_rules", "sign_cover"}));
}

TEST_F(FactorRoles, OneRoleWithoutBrackets) {
    const auto f = parse(with_roles(" hazard_rules")).scoring.factors.at(0);
    EXPECT_TRUE(f.roles_given);
    EXPECT_EQ(f.roles, (Roles{"hazard_rules"}));
}

// `roles: []` takes every role away from the factor: given, and empty.
TEST_F(FactorRoles, AnEmptyListMeansNoRoles) {
    const auto f = parse(with_roles(" []")).scoring.factors.at(0);
    EXPECT_TRUE(f.roles_given);
    EXPECT_TRUE(f.roles.empty());
}

// Each factor has its own list.
TEST_F(FactorRoles, PerFactor) {
    const auto sc = parse(kMinimal + "      roles: [baseline]\n    - plugin: marking_gap\n      roles: sign_cover\n"
                                     "    - plugin: incident_density\n");
    ASSERT_EQ(sc.scoring.factors.size(), 3u);
    EXPECT_EQ(sc.scoring.factors[0].roles, (Roles{"baseline"}));
    EXPECT_EQ(sc.scoring.factors[1].roles, (Roles{"sign_cover"}));
    EXPECT_FALSE(sc.scoring.factors[2].roles_given);
}

TEST_F(FactorRoles, AnUnknownRoleIsAnErrorAtItsValueListingTheRoles) {
    expect_error(with_roles(" [baseline, basline]"), 7, 25,
                 {"'scoring.factors[1].roles' has the unknown role 'basline'", "did you mean 'baseline'?",
                  "the roles are: baseline, hazard_rules, sign_cover"});
    expect_error(with_roles(" rules"), 7, 14, {"unknown role 'rules'", "the roles are: baseline, hazard_rules, sign_cover"});
    expect_error(with_roles("\n        - baseline\n        - zoning"), 9, 11, {"unknown role 'zoning'"});
}

TEST_F(FactorRoles, RolesAreCaseSensitive) {
    expect_error(with_roles(" [Baseline]"), 7, 15, {"unknown role 'Baseline'", "did you mean 'baseline'?"});
}

TEST_F(FactorRoles, ARoleListedTwiceIsAnError) {
    expect_error(with_roles(" [baseline, baseline]"), 7, 25, {"the role 'baseline' appears twice in 'scoring.factors[1].roles'"});
}

TEST_F(FactorRoles, NotAListOfWordsIsAnError) {
    expect_error(with_roles(""), 7, 7, {"'scoring.factors[1].roles' has no value", "roles: []"});
    expect_error(with_roles(" {baseline: true}"), 7, 14, {"'scoring.factors[1].roles' must be a role or a list of roles"});
    expect_error(with_roles(" [[baseline]]"), 7, 15, {"each of 'scoring.factors[1].roles' must be a single role"});
}

// A typo in the key itself is caught by the factor's known keys.
TEST_F(FactorRoles, AMisspeltKeyIsSuggested) {
    const minerisk::Error e = error_of(kMinimal + "      role: [baseline]\n");
    EXPECT_NE(std::string(e.what()).find("did you mean 'roles'?"), std::string::npos) << e.what();
}

}  // namespace
