// backtest::run on a small hand-made scenario whose answers are known: the surfaces of a split see only what was
// recorded before it (incidents and hazards), the later incidents are those up to the next split, the baselines
// are scored on the same incidents, and the spatial blocks partition the grid.
//
// The grid is 10 km x 10 km in 100 m cells (100 x 100), EPSG:32638, from (500000, 4400000).
//   A (west, x 501000..501500): incidents of 2019, no hazard;
//   B (east, x 508000..508500): incidents of 2021 and 2023, and a hazard recorded in 2022;
//   H1 (south-west corner, 500300, 4400300): a hazard recorded in 2018.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "minerisk/backtest.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/pipeline.hpp"
#include "minerisk/scenario.hpp"

namespace fs = std::filesystem;
using namespace minerisk;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        static int made = 0;  // a test may set up two scenes side by side
        path = fs::temp_directory_path() / ("minerisk-bt-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" +
                                            info->name() + "-" + std::to_string(++made));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

// What a variant of the scene adds: records (CSV lines) appended to each layer, 'extent: auto' instead of the
// fixed extent, and an area of interest (a polygon in WKT).
struct SceneExtra {
    std::string hazards, incidents, area_wkt;
    bool auto_extent = false;
    std::string method = "weighted_sum";
};

struct Scene {
    using Extra = SceneExtra;
    TempDir tmp;
    std::string scenario;
    int incidents_2019 = 0, incidents_2021 = 0, incidents_2023 = 0;

    explicit Scene(bool with_undated = false, bool with_off_grid = false, const Extra& extra = Extra()) {
        std::ofstream h(tmp.path / "hazards.csv");
        h << "x,y,date\n500300,4400300,2018-05-01\n508250,4405250,2022-03-01\n" << extra.hazards;
        std::ofstream i(tmp.path / "incidents.csv");
        i << "id,x,y,date\n";
        int id = 0;
        for (int k = 0; k < 8; ++k) {  // A, 2019
            i << ++id << "," << 501000 + 60 * k << "," << 4405000 + 50 * (k % 3) << ",2019-0" << 1 + k % 9 << "-10\n";
            ++incidents_2019;
        }
        for (int k = 0; k < 6; ++k) {  // B, 2021
            i << ++id << "," << 508000 + 70 * k << "," << 4405100 + 40 * (k % 4) << ",2021-0" << 2 + k << "-20\n";
            ++incidents_2021;
        }
        for (int k = 0; k < 5; ++k) {  // B, 2023
            i << ++id << "," << 508100 + 60 * k << "," << 4405200 + 30 * (k % 3) << ",2023-1" << k % 3 << "-05\n";
            ++incidents_2023;
        }
        if (with_undated) i << ++id << ",503000,4403000,\n";
        if (with_off_grid) i << ++id << ",510400,4405000,2021-06-01\n";
        i << extra.incidents;
        std::ostringstream y;
        y << "name: backtest test\n"
             "crs: EPSG:32638\n"
             "resolution: 100\n"
          << (extra.auto_extent ? "extent: auto\nmargin: 8000\n" : "extent: [500000, 4400000, 510000, 4410000]\n");
        if (!extra.area_wkt.empty()) {
            std::ofstream(tmp.path / "area.csv") << "id,wkt\n1,\"" << extra.area_wkt << "\"\n";
            y << "area:\n  path: area.csv\n  wkt: wkt\n  crs: EPSG:32638\n";
        }
        y << "inputs:\n"
             "  hazards:\n"
             "    path: hazards.csv\n"
             "    x: x\n"
             "    y: y\n"
             "    crs: EPSG:32638\n"
             "    point_radius: 150\n"
             "    fields: {date: date}\n"
             "  incidents:\n"
             "    path: incidents.csv\n"
             "    x: x\n"
             "    y: y\n"
             "    crs: EPSG:32638\n"
             "    fields: {id: id, date: date}\n"
             "scoring:\n"
             "  method: " << extra.method << "\n"
             "  factors:\n"
             "    - plugin: hazard_proximity\n"
             "      name: proximity\n"
             "      params: {half_distance: 500}\n"
             "    - plugin: incident_density\n"
             "      name: density\n"
             "      params: {radius: 1000, half_life: 0}\n"
             "run:\n"
             "  threads: 2\n"
             "  tile_size: 64\n";
        scenario = (tmp.path / "scenario.yaml").string();
        h.close();
        i.close();
        std::ofstream(scenario) << y.str();
    }

    RunPlan plan() const {
        RunOptions o;
        return plan_run(load_scenario(scenario), o);
    }
};

const backtest::ModelScore& model(const backtest::Round& r, const std::string& name) {
    for (const auto& m : r.models)
        if (m.name == name) return m;
    throw std::runtime_error("no surface " + name + " in round " + r.label);
}

double year(int y) { return days_from_civil(y, 1, 1); }

}  // namespace

TEST(BacktestRun, RollingOriginSeesOnlyWhatWasRecordedBeforeEachSplit) {
    Scene s;
    RunPlan plan = s.plan();
    backtest::Options o;
    o.splits = {year(2021), year(2023)};
    o.replicates = 200;
    const backtest::Result r = backtest::run(plan, o);
    ASSERT_EQ(r.rounds.size(), 2u);
    EXPECT_EQ(r.mode, "rolling origin");

    const auto& a = r.rounds[0];
    EXPECT_EQ(a.label, "2021-01-01");
    EXPECT_DOUBLE_EQ(a.as_of, year(2021) - 1);
    EXPECT_DOUBLE_EQ(a.from, year(2021));
    EXPECT_DOUBLE_EQ(a.to, year(2023));  // up to the next split
    EXPECT_EQ(a.known_incidents, s.incidents_2019);
    EXPECT_EQ(a.held_out, s.incidents_2021);
    ASSERT_EQ(a.models.size(), 4u);  // risk, uniform, proximity alone, density alone
    for (const auto& m : a.models) EXPECT_EQ(m.score.incidents, s.incidents_2021) << m.name;
    EXPECT_EQ(a.models[0].name, "risk");
    EXPECT_EQ(a.models[0].kind, "model");
    // In 2020 nothing pointed at B: the hazard there was recorded in 2022 and the incidents there happened from
    // 2021. Had the surfaces seen either, these would be near 1.
    EXPECT_LT(model(a, "density alone").score.auc.value, 0.5);
    EXPECT_LT(model(a, "proximity alone").score.auc.value, 0.6);
    EXPECT_DOUBLE_EQ(model(a, "density alone").score.capture[0].value, 0.0);  // top 1 %: around A only

    const auto& b = r.rounds[1];
    EXPECT_EQ(b.label, "2023-01-01");
    EXPECT_TRUE(std::isinf(b.to));  // the last split: up to the end of the data
    EXPECT_EQ(b.known_incidents, s.incidents_2019 + s.incidents_2021);
    for (const auto& m : b.models) EXPECT_EQ(m.score.incidents, s.incidents_2023) << m.name;
    // By 2022 both the hazard at B and the 2021 incidents there were known: every surface but uniform points there.
    EXPECT_GT(model(b, "proximity alone").score.auc.value, 0.97);
    EXPECT_GT(model(b, "density alone").score.auc.value, 0.97);
    EXPECT_GT(model(b, "risk").score.auc.value, 0.97);
    EXPECT_DOUBLE_EQ(model(b, "risk").score.capture[1].value, 1.0);  // top 5 %

    // Uniform: exactly chance, in every round.
    for (const auto& round : r.rounds) {
        const auto& u = model(round, "uniform");
        EXPECT_EQ(u.kind, "baseline");
        EXPECT_DOUBLE_EQ(u.score.auc.value, 0.5);
        for (size_t k = 0; k < u.score.percents.size(); ++k)
            EXPECT_NEAR(u.score.capture[k].value, u.score.percents[k] / 100, 1e-12);
        EXPECT_EQ(u.score.cells, 100 * 100);
    }
    EXPECT_TRUE(r.baselines_missing.empty());
    // The plan's incidents are back as they were.
    EXPECT_EQ(plan.inputs.find("incidents")->size(), s.incidents_2019 + s.incidents_2021 + s.incidents_2023);
}

TEST(BacktestRun, HorizonLimitsTheLaterIncidents) {
    Scene s;
    RunPlan plan = s.plan();
    backtest::Options o;
    o.splits = {year(2021)};
    o.horizon_days = 365.25;  // 2021 only
    o.replicates = 0;
    const auto r = backtest::run(plan, o);
    ASSERT_EQ(r.rounds.size(), 1u);
    EXPECT_EQ(r.rounds[0].models[0].score.incidents, s.incidents_2021);
    o.horizon_days = 0;  // a single split: up to the end of the data
    const auto all = backtest::run(plan, o);
    EXPECT_EQ(all.rounds[0].models[0].score.incidents, s.incidents_2021 + s.incidents_2023);
    EXPECT_TRUE(std::isnan(all.rounds[0].models[0].score.auc.ci_low));  // no resamples, no interval
}

TEST(BacktestRun, UndatedAndOffGridIncidentsAreReportedNotScored) {
    Scene s(true, true);
    RunPlan plan = s.plan();
    backtest::Options o;
    o.splits = {year(2021)};
    o.replicates = 0;
    const auto r = backtest::run(plan, o);
    std::string all;
    for (const auto& w : r.warnings) all += w + "\n";
    EXPECT_NE(all.find("1 incident has no readable date"), std::string::npos) << all;
    EXPECT_NE(all.find("1 incident lies outside the grid"), std::string::npos) << all;
    EXPECT_NE(all.find("feature 21 (line 22, '21') at x 510400"), std::string::npos) << all;  // the off-grid record is named
    // The undated one counts as known, the off-grid one is never scored.
    EXPECT_EQ(r.rounds[0].known_incidents, s.incidents_2019 + 1);
    EXPECT_EQ(r.rounds[0].held_out, s.incidents_2021 + s.incidents_2023);  // those on the grid
    EXPECT_EQ(r.rounds[0].models[0].score.incidents, s.incidents_2021 + s.incidents_2023);
}

TEST(BacktestRun, SpatialBlocksPartitionTheGridAndHoldEveryIncidentOutOnce) {
    Scene s;
    RunPlan plan = s.plan();
    backtest::Options o;
    o.blocks = 4;
    o.folds = 3;
    o.replicates = 50;
    const auto r = backtest::run(plan, o);
    EXPECT_EQ(r.mode, "spatial blocks");
    ASSERT_EQ(r.rounds.size(), 3u);
    std::int64_t cells = 0, held = 0, blocks = 0;
    for (const auto& round : r.rounds) {
        cells += round.models[0].score.cells;
        held += round.models[0].score.incidents;
        blocks += round.blocks;
        EXPECT_EQ(round.known_incidents + round.models[0].score.incidents,
                  s.incidents_2019 + s.incidents_2021 + s.incidents_2023);
    }
    EXPECT_EQ(cells, 100 * 100);
    EXPECT_EQ(held, s.incidents_2019 + s.incidents_2021 + s.incidents_2023);
    EXPECT_EQ(blocks, 16);
    // The same seed deals the same folds.
    const auto again = backtest::run(plan, o);
    for (size_t i = 0; i < r.rounds.size(); ++i)
        EXPECT_EQ(again.rounds[i].models[0].score.incidents, r.rounds[i].models[0].score.incidents);
}

TEST(BacktestRun, RefusesWhatCannotBeBacktested) {
    Scene s;
    RunPlan plan = s.plan();
    backtest::Options o;
    EXPECT_THROW(backtest::run(plan, o), Error);  // neither splits nor blocks
    o.splits = {year(2021)};
    o.blocks = 4;
    EXPECT_THROW(backtest::run(plan, o), Error);  // both
    o.blocks = 0;
    o.percents = {0};
    EXPECT_THROW(backtest::run(plan, o), Error);
}

TEST(BacktestRun, OutputsAreWrittenAndSelfContained) {
    Scene s;
    RunPlan plan = s.plan();
    backtest::Options o;
    o.splits = {year(2021), year(2023)};
    o.replicates = 100;
    const auto r = backtest::run(plan, o);
    const fs::path out = s.tmp.path / "out";
    fs::create_directories(out);
    const auto files = backtest::write_outputs(r, out.string());
    ASSERT_EQ(files.size(), 3u);
    for (const auto& e : fs::directory_iterator(out))
        EXPECT_NE(e.path().filename().string().front(), '.') << "a temporary file was left: " << e.path();
    std::stringstream csv, html;
    csv << std::ifstream(out / "backtest.csv").rdbuf();
    html << std::ifstream(out / "backtest.html").rdbuf();
    // One header, then for each of the 2 rounds and their pool: 4 surfaces and the risk minus each of the 3
    // baselines, each with the AUC, four capture rates and their four PAIs.
    size_t lines = 0;
    for (char c : csv.str()) lines += c == '\n';
    EXPECT_EQ(lines, 1u + 3 * (4 + 3) * 9);
    EXPECT_EQ(csv.str().rfind("split_or_fold,model,metric,value,ci_low,ci_high,n_later_incidents,n_cells", 0), 0u);
    EXPECT_NE(csv.str().find("2023-01-01,uniform,capture_5,0.050000"), std::string::npos);
    const std::string h = html.str();
    EXPECT_NE(h.find("data:image/png;base64,iVBORw0KGgo"), std::string::npos);
    EXPECT_EQ(h.find("http://"), std::string::npos);
    EXPECT_EQ(h.find("https://"), std::string::npos);
    EXPECT_EQ(h.find("<script"), std::string::npos);
    std::stringstream png;
    png << std::ifstream(out / "capture.png", std::ios::binary).rdbuf();
    EXPECT_EQ(png.str().compare(0, 8, "\x89PNG\r\n\x1a\n"), 0);
}

namespace {

// Equal, NaN equal to NaN (a figure without an interval).
void expect_same(double a, double b) {
    if (std::isnan(a) && std::isnan(b)) return;
    EXPECT_DOUBLE_EQ(a, b);
}

// Every figure of a round, for comparing two backtests of it.
void expect_same_figures(const backtest::Round& a, const backtest::Round& b) {
    EXPECT_EQ(a.grid, b.grid);
    EXPECT_EQ(a.known_incidents, b.known_incidents);
    ASSERT_EQ(a.models.size(), b.models.size());
    for (size_t m = 0; m < a.models.size(); ++m) {
        const auto &x = a.models[m].score, &y = b.models[m].score;
        SCOPED_TRACE(a.models[m].name);
        EXPECT_EQ(a.models[m].name, b.models[m].name);
        EXPECT_EQ(x.incidents, y.incidents);
        EXPECT_EQ(x.cells, y.cells);
        EXPECT_EQ(x.incident_cells, y.incident_cells);
        expect_same(x.auc.value, y.auc.value);
        expect_same(x.auc.ci_low, y.auc.ci_low);
        expect_same(x.auc.ci_high, y.auc.ci_high);
        ASSERT_EQ(x.capture.size(), y.capture.size());
        for (size_t k = 0; k < x.capture.size(); ++k) {
            expect_same(x.capture[k].value, y.capture[k].value);
            expect_same(x.capture[k].ci_low, y.capture[k].ci_low);
            expect_same(x.capture[k].ci_high, y.capture[k].ci_high);
        }
    }
}

}  // namespace

// No look-ahead: with 'extent: auto' each round draws its grid from the records known before its split, so that
// records after the split (changed, added far away, hazards recorded later) change no figure of the round.
TEST(BacktestRun, RecordsAfterTheSplitChangeNoFigureOfTheRound) {
    Scene::Extra plain;
    plain.auto_extent = true;
    Scene::Extra later = plain;
    // A cluster of incidents of 2023, 30 km east (they would widen a grid drawn from every record), and hazards
    // recorded there in 2022.
    for (int k = 0; k < 6; ++k) later.incidents += std::to_string(900 + k) + "," + std::to_string(538000 + 80 * k) + ",4406000,2023-03-0" + std::to_string(1 + k) + "\n";
    later.hazards = "538200,4406000,2022-06-01\n539000,4409000,2022-07-01\n";
    // One incident of 2021 (inside the round's period) far outside what was known in 2020: not on that map.
    later.incidents += "950,537000,4402000,2021-08-01\n";
    Scene a(false, false, plain), b(false, false, later);
    backtest::Options o;
    o.splits = {year(2021)};
    o.horizon_days = 365.25;  // the round scores 2021 only
    o.replicates = 100;
    RunPlan pa = a.plan(), pb = b.plan();
    ASSERT_NE(pa.grid.width, pb.grid.width) << "the later records must widen the run's own grid for this test to mean anything";
    const auto ra = backtest::run(pa, o), rb = backtest::run(pb, o);
    ASSERT_EQ(ra.rounds.size(), 1u);
    ASSERT_EQ(rb.rounds.size(), 1u);
    expect_same_figures(ra.rounds[0], rb.rounds[0]);
    std::string notes;
    for (const auto& n : rb.rounds[0].notes) notes += n + "\n";
    EXPECT_NE(notes.find("1 later incident lies outside the grid drawn from what was known before the split"), std::string::npos)
        << notes;
}

// The area of interest: only the cells inside it are scored, and incidents outside it are not.
TEST(BacktestRun, AreaOfInterestLimitsTheScoredCells) {
    Scene::Extra west;
    west.auto_extent = true;
    west.area_wkt = "POLYGON((500000 4400000,505000 4400000,505000 4410000,500000 4410000,500000 4400000))";
    Scene s(false, false, west);
    RunPlan plan = s.plan();
    EXPECT_EQ(plan.grid.width, 50);  // the grid is the area's bounding box
    EXPECT_EQ(plan.grid.height, 100);
    backtest::Options o;
    o.splits = {year(2019)};
    o.horizon_days = 365.25;  // the 2019 incidents, all in A (west, inside)
    o.replicates = 0;
    const auto r = backtest::run(plan, o);
    for (const auto& m : r.rounds[0].models) {
        EXPECT_EQ(m.score.cells, 50 * 100) << m.name;
        EXPECT_EQ(m.score.incidents, s.incidents_2019) << m.name;
    }
    o.splits = {year(2021)};  // the 2021 incidents lie in B (east), outside the area
    const auto east = backtest::run(plan, o);
    EXPECT_EQ(east.rounds[0].models[0].score.incidents, 0);
}

// Fitted weights need enough incidents in the fit period: the error gives the number there and the number needed.
TEST(BacktestRun, FittedWeightsRefuseTooFewIncidentsNamingTheNumbers) {
    Scene::Extra fitted;
    fitted.method = "fitted";
    Scene s(false, false, fitted);
    RunPlan plan = s.plan();
    backtest::Options o;
    o.splits = {year(2023)};
    o.replicates = 0;
    try {
        backtest::run(plan, o);
        FAIL() << "a fit on a handful of incidents was accepted";
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("too few incidents to fit the weights: 6 in the area between 2020-12-30 and 2022-12-31"), std::string::npos) << m;
        EXPECT_NE(m.find("need at least 30"), std::string::npos) << m;
    }
}
