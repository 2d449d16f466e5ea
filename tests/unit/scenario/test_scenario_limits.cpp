// The table of ranges and defaults the parser shares with the command line (minerisk/scenario_limits.hpp):
// the parser refuses a value just outside each range and accepts its ends, and the settings' defaults are
// the table's.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "minerisk/scenario_limits.hpp"
#include "parse_fixture.hpp"

namespace {

using scenario_test::kMinimal;
namespace lim = minerisk::limits;

struct Keyed {
    std::string section;
    lim::Limit limit;
};

const std::vector<Keyed>& every_limit() {
    static const std::vector<Keyed> all = {
        {"run", lim::run::threads},           {"run", lim::run::tile_size},
        {"run", lim::run::max_memory_mb},     {"run", lim::run::max_cells},
        {"uncertainty", lim::uncertainty::draws}, {"uncertainty", lim::uncertainty::spread},
        {"uncertainty", lim::uncertainty::concentration}, {"uncertainty", lim::uncertainty::top_k},
        {"uncertainty", lim::uncertainty::seed}, {"sign_plan", lim::sign_plan::signs},
        {"sign_plan", lim::sign_plan::spacing}, {"sign_plan", lim::sign_plan::cover},
        {"outreach_plan", lim::outreach_plan::facilitators}, {"outreach_plan", lim::outreach_plan::sessions_per_week},
        {"outreach_plan", lim::outreach_plan::weeks}, {"outreach_plan", lim::outreach_plan::travel_km},
        {"outreach_plan", lim::outreach_plan::max_travel_km}, {"outreach_plan", lim::outreach_plan::top}};
    return all;
}

std::string plain(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

class ScenarioLimits : public scenario_test::ParseFixture {};

TEST_F(ScenarioLimits, EachRangeIsTheParsersOwn) {
    for (const auto& [section, l] : every_limit()) {
        SCOPED_TRACE(section + "." + l.key);
        const std::string key = section + ":\n  " + l.key + ": ";
        EXPECT_NO_THROW(parse(kMinimal + key + plain(l.min) + "\n"));
        EXPECT_NO_THROW(parse(kMinimal + key + plain(l.max) + "\n"));
        const minerisk::Error e = error_of(kMinimal + key + plain(l.min - 1) + "\n");
        EXPECT_NE(std::string(e.what()).find("'" + section + "." + l.key + "' is " + plain(l.min - 1) + ", out of range"),
                  std::string::npos)
            << e.what();
        EXPECT_EQ(e.where().line, 8) << e.what();
    }
}

// plan_spec.hpp's settings keep their defaults as numbers of their own; they must be the table's.
TEST(ScenarioLimitsDefaults, AreTheSettingsDefaults) {
    const minerisk::RunSpec run;
    EXPECT_EQ(run.threads, lim::run::threads.default_value);
    EXPECT_EQ(run.tile_size, lim::run::tile_size.default_value);
    EXPECT_EQ(run.max_memory_mb, lim::run::max_memory_mb.default_value);
    EXPECT_EQ(run.max_cells, lim::run::max_cells.default_value);
    const minerisk::UncertaintySpec u;
    EXPECT_EQ(u.draws, lim::uncertainty::draws.default_value);
    EXPECT_EQ(u.spread, lim::uncertainty::spread.default_value);
    EXPECT_FALSE(u.concentration.has_value());
    EXPECT_TRUE(std::isnan(lim::uncertainty::concentration.default_value));
    EXPECT_EQ(u.top_k, lim::uncertainty::top_k.default_value);
    EXPECT_EQ(u.seed, lim::uncertainty::seed.default_value);
    const minerisk::SignPlanSpec s;
    EXPECT_EQ(s.signs, lim::sign_plan::signs.default_value);
    EXPECT_FALSE(s.spacing.has_value());
    EXPECT_FALSE(s.cover.has_value());
    EXPECT_TRUE(std::isnan(lim::sign_plan::spacing.default_value));
    EXPECT_TRUE(std::isnan(lim::sign_plan::cover.default_value));
    const minerisk::OutreachPlanSpec o;
    EXPECT_EQ(o.facilitators, lim::outreach_plan::facilitators.default_value);
    EXPECT_EQ(o.sessions_per_week, lim::outreach_plan::sessions_per_week.default_value);
    EXPECT_EQ(o.weeks, lim::outreach_plan::weeks.default_value);
    EXPECT_EQ(o.travel_km, lim::outreach_plan::travel_km.default_value);
    EXPECT_FALSE(o.max_travel_km.has_value());
    EXPECT_TRUE(std::isnan(lim::outreach_plan::max_travel_km.default_value));
    EXPECT_EQ(o.top, lim::outreach_plan::top.default_value);
}

}  // namespace
