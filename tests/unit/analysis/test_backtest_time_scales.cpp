// Incident baselines at two time scales and by proximity (issue 11): a scenario may list incident_density twice
// (a long and a short half_life, under two names) and add incident_proximity; with weight 0 they change nothing
// in the risk and the backtest scores each alone as a baseline.
//
// The grid is 10 km x 10 km in 100 m cells (100 x 100), EPSG:32638, from (500000, 4400000).
//   A (west, around 501500, 4405000): 24 incidents of 2016, an old cluster;
//   B (east, around 508500, 4405000): 3 incidents of late 2020, a recent surge; the 5 incidents of 2021 are there.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "minerisk/backtest.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/pipeline.hpp"
#include "minerisk/scenario.hpp"
#include "minerisk/surfaces.hpp"

namespace fs = std::filesystem;
using namespace minerisk;

namespace {

struct Scene {
    fs::path dir;
    std::string scenario;

    // `extra` is appended to the factor list: the long-scale density alone when empty.
    explicit Scene(const std::string& tag, const std::string& extra) {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir = fs::temp_directory_path() / ("minerisk-bt-scales-" + std::to_string(::getpid()) + "-" + info->name() + "-" + tag);
        fs::remove_all(dir);
        fs::create_directories(dir);
        std::ofstream i(dir / "incidents.csv");
        i << "id,x,y,date\n";
        int id = 0;
        for (int k = 0; k < 24; ++k) i << ++id << "," << 501450 + 10 * (k % 8) << "," << 4405000 + 30 * (k % 3) << ",2016-0" << 1 + k % 9 << "-10\n";
        for (int k = 0; k < 3; ++k) i << ++id << "," << 508450 + 40 * k << ",4405050,2020-1" << k << "-15\n";
        for (int k = 0; k < 5; ++k) i << ++id << "," << 508430 + 30 * k << "," << 4405020 + 20 * (k % 2) << ",2021-0" << 3 + k << "-01\n";
        std::ostringstream y;
        y << "name: time scales\n"
             "crs: EPSG:32638\n"
             "resolution: 100\n"
             "extent: [500000, 4400000, 510000, 4410000]\n"
             "inputs:\n"
             "  incidents:\n"
             "    path: incidents.csv\n"
             "    x: x\n"
             "    y: y\n"
             "    crs: EPSG:32638\n"
             "    fields: {id: id, date: date}\n"
             "scoring:\n"
             "  factors:\n"
             "    - plugin: incident_density\n"
             "      name: density\n"
             "      params: {radius: 1000, half_life: 1825}\n"
          << extra
          << "run:\n"
             "  threads: 2\n"
             "  tile_size: 64\n";
        scenario = (dir / "scenario.yaml").string();
        std::ofstream(scenario) << y.str();
    }
    ~Scene() { fs::remove_all(dir); }

    RunPlan plan() const {
        RunOptions o;
        return plan_run(load_scenario(scenario), o);
    }
};

const std::string kExtras =
    "    - plugin: incident_density\n"
    "      name: density_recent\n"
    "      weight: 0\n"
    "      params: {radius: 1000, half_life: 90}\n"
    "    - plugin: incident_proximity\n"
    "      weight: 0\n"
    "      params: {half_distance: 300, half_life: 365}\n";

const backtest::ModelScore& model(const backtest::Round& r, const std::string& name) {
    for (const auto& m : r.models)
        if (m.name == name) return m;
    throw std::runtime_error("no surface " + name + " in round " + r.label);
}

}  // namespace

TEST(BacktestTimeScales, EachTimeScaleAndProximityIsABaselineOfItsOwn) {
    Scene s("extras", kExtras);
    RunPlan plan = s.plan();
    backtest::Options o;
    o.splits = {days_from_civil(2021, 1, 1)};
    o.replicates = 100;
    const backtest::Result r = backtest::run(plan, o);
    ASSERT_EQ(r.rounds.size(), 1u);
    const auto& round = r.rounds[0];
    ASSERT_EQ(round.models.size(), 5u);  // risk, uniform, and the three factors alone
    for (const char* name : {"density alone", "density_recent alone", "incident_proximity alone"}) {
        const auto& m = model(round, name);
        EXPECT_EQ(m.kind, "baseline") << name;
        EXPECT_EQ(m.score.incidents, 5) << name;
    }
    // The later incidents are at the recent surge B: the short time scale puts B in its top 1 % and captures
    // them all; the long one ranks the larger, older cluster A first and captures none there.
    EXPECT_DOUBLE_EQ(model(round, "density_recent alone").score.capture[0].value, 1.0);
    EXPECT_DOUBLE_EQ(model(round, "density alone").score.capture[0].value, 0.0);
    // Proximity to the recent incidents at B, aged a year: B outranks A there too.
    EXPECT_DOUBLE_EQ(model(round, "incident_proximity alone").score.capture[0].value, 1.0);
}

// Adding the short scale and proximity with weight 0 leaves the long-scale density and the risk as they were,
// cell for cell: the two incident_density factors have states of their own.
TEST(BacktestTimeScales, ZeroWeightBaselinesLeaveTheOtherSurfacesUnchanged) {
    Scene alone("alone", ""), with("with", kExtras);
    RunPlan pa = alone.plan(), pw = with.plan();
    const double as_of = days_from_civil(2020, 12, 31);
    const Surfaces a = compute_surfaces(pa, as_of), w = compute_surfaces(pw, as_of);
    ASSERT_EQ(a.factors.size(), 1u);
    ASSERT_EQ(w.factors.size(), 3u);
    ASSERT_EQ(w.factor_names[1], "density_recent");
    ASSERT_EQ(a.risk.size(), w.risk.size());
    size_t differ = 0;
    for (size_t i = 0; i < a.risk.size(); ++i) {
        ASSERT_EQ(a.factors[0][i], w.factors[0][i]) << "cell " << i;
        ASSERT_EQ(a.risk[i], w.risk[i]) << "cell " << i;
        differ += w.factors[1][i] != w.factors[0][i];
    }
    EXPECT_GT(differ, 100u) << "the short time scale should differ from the long one";
}
