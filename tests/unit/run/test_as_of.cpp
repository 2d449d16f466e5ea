// The default as-of date (engine/run/as_of.cpp): the latest date in the inputs, leaving out dates after today
// with a warning that names them, so that one mistyped year cannot age every incident out.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "minerisk/dates.hpp"
#include "run/as_of.hpp"

using namespace minerisk;

namespace {

FeatureLayer incidents(const std::vector<std::string>& dates) {
    FeatureLayer l;
    l.role = "incidents";
    l.stats.layer_name = "incidents";
    Column date, id;
    date.type = "date";
    id.type = "text";
    for (size_t i = 0; i < dates.size(); ++i) {
        l.fid.push_back(static_cast<std::int64_t>(i + 1));
        date.number.push_back(dates[i].empty() ? NAN : *parse_date(dates[i]));
        date.text.push_back(dates[i]);
        id.text.push_back("IN-" + std::to_string(i + 1));
    }
    l.columns.emplace("date", date);
    l.columns.emplace("id", id);
    return l;
}

}  // namespace

TEST(DefaultAsOf, LatestDateNotAfterTodayWithAWarningNamingTheFutureOnes) {
    RunPlan plan;
    plan.inputs.layers.push_back(incidents({"2024-03-01", "2200-12-31", "2025-05-17", ""}));
    choose_as_of(plan, *parse_date("2026-12-03"));
    EXPECT_EQ(date_to_string(plan.as_of), "2025-05-17");
    EXPECT_EQ(plan.as_of_reason, "the latest date in the inputs");
    ASSERT_EQ(plan.warnings.size(), 1u);
    const std::string& w = plan.warnings[0];
    EXPECT_NE(w.find("1 date(s) after today (2026-12-03)"), std::string::npos) << w;
    EXPECT_NE(w.find("feature 2 ('IN-2') has date 2200-12-31"), std::string::npos) << w;
    EXPECT_NE(w.find("set as_of in the scenario"), std::string::npos) << w;
}

TEST(DefaultAsOf, TheScenariosDateWinsAndNothingIsWarned) {
    RunPlan plan;
    plan.scenario.as_of = *parse_date("2030-01-01");
    plan.inputs.layers.push_back(incidents({"2200-12-31"}));
    choose_as_of(plan, *parse_date("2026-12-03"));
    EXPECT_EQ(date_to_string(plan.as_of), "2030-01-01");
    EXPECT_TRUE(plan.warnings.empty());
}

TEST(DefaultAsOf, OnlyFutureDatesGiveToday) {
    RunPlan plan;
    plan.inputs.layers.push_back(incidents({"2200-12-31", "2199-01-01"}));
    choose_as_of(plan, *parse_date("2026-12-03"));
    EXPECT_EQ(date_to_string(plan.as_of), "2026-12-03");
    ASSERT_EQ(plan.warnings.size(), 1u);
    EXPECT_NE(plan.warnings[0].find("2 date(s) after today"), std::string::npos) << plan.warnings[0];
}
