// outreach_gap on hand-made grids with known answers.
#include <cmath>
#include <cstring>

#include "plugin_harness.hpp"

using namespace minerisk;
using namespace minerisk::test;

namespace {

const std::map<std::string, std::string> kSettlementTypes = {
    {"id", "text"}, {"name", "text"}, {"population", "number"}, {"returnee", "boolean"}};
const std::map<std::string, std::string> kSessionTypes = {
    {"id", "text"}, {"date", "date"}, {"reached", "number"}, {"settlement", "text"}};
const std::map<std::string, std::string> kSessionTypesNoKey = {{"id", "text"}, {"date", "date"}, {"reached", "number"}};

constexpr float kNever = 36500.0f;

double day(const char* date) { return *parse_date(date); }

// Where parameters come from, for error messages (a plain test location).
Location here() {
    Location l;
    l.file = "test";
    return l;
}

// The quartic kernel of the formula, written out independently: 1 at the settlement, 0 at the radius.
double kernel(double d, double radius) {
    if (d >= radius) return 0;
    const double k = 1 - d * d / (radius * radius);
    return k * k;
}

// 100 x 100 cells of 10 m, north-west corner (0, 1000): the centre of cell (c, r) is (10c + 5, 995 - 10r).
struct Fixture {
    GridSpec grid = make_grid(100, 100, 10, 0, 1000);
    Inputs inputs;
    LoadedPlugin plugin = load_builtin("outreach_gap");
    void layers(const std::vector<HandFeature>& settlements, const std::vector<HandFeature>* sessions = nullptr,
                const std::map<std::string, std::string>& session_types = kSessionTypes) {
        inputs.layers.clear();
        inputs.layers.push_back(make_layer("settlements", settlements, kSettlementTypes));
        if (sessions) inputs.layers.push_back(make_layer("sessions", *sessions, session_types));
    }
    PluginRun run(const std::vector<ParamText>& params = {}, std::int64_t tile = 0, double as_of = day("2026-07-01")) {
        return run_plugin(plugin, inputs, grid, params, as_of, tile);
    }
    float at(const std::vector<float>& v, int col, int row) const { return v[static_cast<size_t>(row * grid.width + col)]; }
    static double dist(int col, int row, double x, double y) { return std::hypot(10.0 * col + 5 - x, 995.0 - 10.0 * row - y); }
};

bool has_warning(const PluginRun& r, const char* text) {
    for (const auto& w : r.warnings)
        if (w.find(text) != std::string::npos) return true;
    return false;
}

// Two villages 600 m apart on row 49: A at the centre of cell (19, 49), B at the centre of cell (79, 49).
const char* kA = "POINT (195 505)";
const char* kB = "POINT (795 505)";

TEST(OutreachGap, NeverReachedSettlementScoresOneAtItAndFadesToZeroAtTheRadius) {
    Fixture f;
    f.layers({{"POINT (495 505)", {{"id", "ST-1"}, {"population", "300"}}}});  // no sessions layer at all
    const auto r = f.run({param("radius", "200")});
    ASSERT_EQ(r.error, "");
    EXPECT_TRUE(has_warning(r, "no sessions layer")) << (r.warnings.empty() ? "" : r.warnings[0]);
    EXPECT_EQ(f.at(r.score, 49, 49), 1.0f);
    for (int row = 0; row < 100; ++row)
        for (int col = 0; col < 100; ++col) {
            const double d = Fixture::dist(col, row, 495, 505);
            ASSERT_NEAR(f.at(r.score, col, row), kernel(d, 200), 1e-6) << col << "," << row;
            if (d >= 200) {
                ASSERT_EQ(f.at(r.score, col, row), 0.0f) << col << "," << row;
                ASSERT_TRUE(std::isnan(f.at(r.extras[0], col, row))) << col << "," << row;
            } else {
                ASSERT_EQ(f.at(r.extras[0], col, row), kNever) << col << "," << row;
            }
        }
}

TEST(OutreachGap, EmptySessionsLayerCountsEverySettlementAsNeverReached) {
    Fixture f;
    const std::vector<HandFeature> none;
    f.layers({{kA, {{"population", "300"}}}}, &none);
    const auto r = f.run({param("radius", "200")});
    ASSERT_EQ(r.error, "");
    EXPECT_TRUE(has_warning(r, "sessions layer is empty"));
    EXPECT_EQ(f.at(r.score, 19, 49), 1.0f);
}

TEST(OutreachGap, RecentlyVisitedSettlementScoresLowerThanANeverVisitedOne) {
    Fixture f;
    const std::vector<HandFeature> sessions = {{"POINT (200 500)", {{"date", "2026-04-01"}, {"settlement", "ST-A"}}}};
    f.layers({{kA, {{"id", "ST-A"}, {"population", "300"}}}, {kB, {{"id", "ST-B"}, {"population", "300"}}}}, &sessions);
    const auto r = f.run({param("radius", "200"), param("as_of", "2026-07-01")});
    ASSERT_EQ(r.error, "");
    const double gap_a = 91.0 / 365;  // 2026-04-01 to 2026-07-01 is 91 days; stale_after 365
    EXPECT_NEAR(f.at(r.score, 19, 49), gap_a, 1e-6);
    EXPECT_EQ(f.at(r.score, 79, 49), 1.0f);
    EXPECT_LT(f.at(r.score, 19, 49), f.at(r.score, 79, 49));
    EXPECT_NEAR(f.at(r.score, 24, 49), gap_a * kernel(50, 200), 1e-6);
    EXPECT_NEAR(f.at(r.score, 84, 49), kernel(50, 200), 1e-6);
    EXPECT_EQ(f.at(r.extras[0], 19, 49), 91.0f);
    EXPECT_EQ(f.at(r.extras[0], 79, 49), kNever);
}

TEST(OutreachGap, LatestSessionCountsAndGapSaturatesAfterStaleAfter) {
    Fixture f;
    const std::vector<HandFeature> sessions = {{"POINT (195 505)", {{"date", "2024-01-01"}, {"settlement", "ST-A"}}},
                                               {"POINT (195 505)", {{"date", "2026-01-01"}, {"settlement", "ST-A"}}}};
    f.layers({{kA, {{"id", "ST-A"}}}}, &sessions);
    const auto r = f.run({param("radius", "200")});  // as_of 2026-07-01 from the host
    ASSERT_EQ(r.error, "");
    EXPECT_NEAR(f.at(r.score, 19, 49), 181.0 / 365, 1e-6);  // 2026-01-01 to 2026-07-01
    EXPECT_EQ(f.at(r.extras[0], 19, 49), 181.0f);
    const auto s = f.run({param("radius", "200"), param("stale_after", "100")});
    EXPECT_EQ(f.at(s.score, 19, 49), 1.0f);  // 181 days > 100: as if never
    EXPECT_EQ(f.at(s.extras[0], 19, 49), 181.0f);
    const auto t = f.run({param("radius", "200"), param("stale_after", "362")});
    EXPECT_NEAR(f.at(t.score, 19, 49), 0.5, 1e-6);
}

TEST(OutreachGap, SessionsAfterAsOfAreIgnored) {
    Fixture f;
    const std::vector<HandFeature> sessions = {{"POINT (195 505)", {{"date", "2026-08-01"}, {"settlement", "ST-A"}}}};
    f.layers({{kA, {{"id", "ST-A"}}}}, &sessions);
    const auto r = f.run({param("radius", "200"), param("as_of", "2026-07-01")});
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(f.at(r.score, 19, 49), 1.0f);
    EXPECT_EQ(f.at(r.extras[0], 19, 49), kNever);
    EXPECT_TRUE(has_warning(r, "1 session(s) dated after the as_of date left out"));
    // With no as_of parameter the run's as_of counts: a month later the session is 31 days old.
    const auto later = f.run({param("radius", "200")}, 0, day("2026-09-01"));
    ASSERT_EQ(later.error, "");
    EXPECT_NEAR(f.at(later.score, 19, 49), 31.0 / 365, 1e-6);
    EXPECT_FALSE(has_warning(later, "dated after"));
}

TEST(OutreachGap, UndatedSessionsAndSessionsThatReachedNobodyDoNotCount) {
    Fixture f;
    const std::vector<HandFeature> sessions = {{"POINT (195 505)", {{"settlement", "ST-A"}}},
                                               {"POINT (195 505)", {{"date", "2026-06-01"}, {"settlement", "ST-A"}, {"reached", "0"}}},
                                               {"POINT (795 505)", {{"date", "2026-06-01"}, {"settlement", "ST-B"}, {"reached", "25"}}}};
    f.layers({{kA, {{"id", "ST-A"}}}, {kB, {{"id", "ST-B"}}}}, &sessions);
    const auto r = f.run({param("radius", "200")});
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(f.at(r.score, 19, 49), 1.0f);
    EXPECT_NEAR(f.at(r.score, 79, 49), 30.0 / 365, 1e-6);
    EXPECT_TRUE(has_warning(r, "with no readable date"));
    EXPECT_TRUE(has_warning(r, "reached nobody"));
}

TEST(OutreachGap, MatchesByIdWhenBothAreMappedElseByLocation) {
    Fixture f;
    // The session's point is 7 m from B, but its key names A (written loosely): the key wins.
    const std::vector<HandFeature> sessions = {{"POINT (790 500)", {{"date", "2026-06-01"}, {"settlement", " st-a "}}}};
    f.layers({{kA, {{"id", "ST-A"}}}, {kB, {{"id", "ST-B"}}}}, &sessions);
    const auto by_id = f.run({param("radius", "200")});
    ASSERT_EQ(by_id.error, "");
    EXPECT_NEAR(f.at(by_id.score, 19, 49), 30.0 / 365, 1e-6);
    EXPECT_EQ(f.at(by_id.score, 79, 49), 1.0f);
    // match_by: distance ignores the key: the nearest settlement, B, was reached.
    const auto by_distance = f.run({param("radius", "200"), param("match_by", "distance")});
    ASSERT_EQ(by_distance.error, "");
    EXPECT_EQ(f.at(by_distance.score, 19, 49), 1.0f);
    EXPECT_NEAR(f.at(by_distance.score, 79, 49), 30.0 / 365, 1e-6);
    // A sessions layer with no settlement key is matched by location under auto.
    f.layers({{kA, {{"id", "ST-A"}}}, {kB, {{"id", "ST-B"}}}}, &sessions, kSessionTypesNoKey);
    const auto no_key = f.run({param("radius", "200")});
    ASSERT_EQ(no_key.error, "");
    EXPECT_EQ(f.at(no_key.score, 19, 49), 1.0f);
    EXPECT_NEAR(f.at(no_key.score, 79, 49), 30.0 / 365, 1e-6);
    // ... and match_by: id is then an error, not a silent fallback.
    const auto must_id = f.run({param("radius", "200"), param("match_by", "id")});
    EXPECT_NE(must_id.error.find("match_by: id"), std::string::npos) << must_id.error;
}

TEST(OutreachGap, ByLocationOnlyWithinMatchDistanceAndUnknownKeysFallBackToLocation) {
    Fixture f;
    // 105 m from A and 495 m from B.
    const std::vector<HandFeature> sessions = {{"POINT (300 505)", {{"date", "2026-06-01"}}}};
    f.layers({{kA, {}}, {kB, {}}}, &sessions, kSessionTypesNoKey);
    const auto near = f.run({param("radius", "200")});
    ASSERT_EQ(near.error, "");
    EXPECT_NEAR(f.at(near.score, 19, 49), 30.0 / 365, 1e-6);
    EXPECT_EQ(f.at(near.score, 79, 49), 1.0f);
    const auto strict = f.run({param("radius", "200"), param("match_distance", "100")});
    ASSERT_EQ(strict.error, "");
    EXPECT_EQ(f.at(strict.score, 19, 49), 1.0f);
    EXPECT_TRUE(has_warning(strict, "1 session(s) with no settlement within 100 m left out"));
    // A key that names no settlement: matched by location, with a warning.
    const std::vector<HandFeature> unknown = {{"POINT (300 505)", {{"date", "2026-06-01"}, {"settlement", "ST-9"}}}};
    f.layers({{kA, {{"id", "ST-A"}}}, {kB, {{"id", "ST-B"}}}}, &unknown);
    const auto fallback = f.run({param("radius", "200")});
    ASSERT_EQ(fallback.error, "");
    EXPECT_NEAR(f.at(fallback.score, 19, 49), 30.0 / 365, 1e-6);
    EXPECT_TRUE(has_warning(fallback, "naming a settlement id that is not in the settlements layer"));
}

TEST(OutreachGap, SessionInsideAPolygonSettlementIsAtDistanceZero) {
    Fixture f;
    // Polygon village 0..400 x 600..1000 (bounding-box centre (200, 800), the centre of cell (19.5, 19.5));
    // the session lies inside it near its south-east corner, 255 m from the centre and 45 m from the point
    // settlement P. With match_distance 10 only the polygon is near enough.
    const std::vector<HandFeature> sessions = {{"POINT (380 620)", {{"date", "2026-06-01"}}}};
    f.layers({{"POLYGON ((0 600,400 600,400 1000,0 1000,0 600))", {}}, {"POINT (420 600)", {}}}, &sessions, kSessionTypesNoKey);
    const auto r = f.run({param("radius", "100"), param("match_distance", "10")});
    ASSERT_EQ(r.error, "");
    const double peak = kernel(5 * std::sqrt(2.0), 100);  // cells (19..20, 19..20) are 7.07 m from the centre
    EXPECT_NEAR(f.at(r.score, 19, 19), 30.0 / 365 * peak, 1e-6);
    EXPECT_NEAR(f.at(r.score, 20, 20), 30.0 / 365 * peak, 1e-6);
    EXPECT_EQ(f.at(r.extras[0], 19, 19), 30.0f);
    EXPECT_NEAR(f.at(r.score, 41, 39), kernel(Fixture::dist(41, 39, 420, 600), 100), 1e-6);  // P: never reached
}

TEST(OutreachGap, MostOverlookedSettlementInReachSetsTheScoreNearestSetsTheDays) {
    Fixture f;
    // A never reached at (395, 505); B reached yesterday at (595, 505); radius 300: they overlap.
    const std::vector<HandFeature> sessions = {{"POINT (595 505)", {{"date", "2026-06-30"}, {"settlement", "ST-B"}}}};
    f.layers({{"POINT (395 505)", {{"id", "ST-A"}}}, {"POINT (595 505)", {{"id", "ST-B"}}}}, &sessions);
    const auto r = f.run({param("radius", "300")});
    ASSERT_EQ(r.error, "");
    const double gap_b = 1.0 / 365;
    for (int c = 0; c < 100; ++c) {
        const double da = Fixture::dist(c, 45, 395, 505), db = Fixture::dist(c, 45, 595, 505);
        EXPECT_NEAR(f.at(r.score, c, 45), std::max(kernel(da, 300), gap_b * kernel(db, 300)), 1e-6) << "column " << c;
        const float days = f.at(r.extras[0], c, 45);
        if (da >= 300 && db >= 300) EXPECT_TRUE(std::isnan(days)) << "column " << c;
        else if (da <= db) EXPECT_EQ(days, kNever) << "column " << c;  // a tie goes to the first in layer order
        else EXPECT_EQ(days, 1.0f) << "column " << c;
    }
    // Next to B the never-reached A, 190 m away, still dominates B's small gap.
    EXPECT_NEAR(f.at(r.score, 58, 49), kernel(190, 300), 1e-6);
    EXPECT_EQ(f.at(r.extras[0], 58, 49), 1.0f);
}

TEST(OutreachGap, SettlementsBelowMinPopulationAreLeftOutMissingPopulationCounts) {
    Fixture f;
    f.layers({{kA, {{"population", "0"}}}, {kB, {}}});
    const auto r = f.run({param("radius", "200")});
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(f.at(r.score, 19, 49), 0.0f);  // nobody lives there (default min_population 1)
    EXPECT_TRUE(std::isnan(f.at(r.extras[0], 19, 49)));
    EXPECT_EQ(f.at(r.score, 79, 49), 1.0f);  // population unknown: counts
    const auto all = f.run({param("radius", "200"), param("min_population", "0")});
    EXPECT_EQ(f.at(all.score, 19, 49), 1.0f);
    f.layers({{kA, {{"population", "300"}}}, {kB, {{"population", "800"}}}});
    const auto big = f.run({param("radius", "200"), param("min_population", "500")});
    EXPECT_EQ(f.at(big.score, 19, 49), 0.0f);
    EXPECT_EQ(f.at(big.score, 79, 49), 1.0f);
}

TEST(OutreachGap, SameResultWhateverTheTiling) {
    Fixture f;
    const std::vector<HandFeature> sessions = {{"POINT (480 530)", {{"date", "2026-03-03"}, {"settlement", "ST-2"}}},
                                               {"POINT (612 450)", {{"date", "2025-10-10"}, {"settlement", "ST-3"}}},
                                               {"POINT (30 30)", {{"date", "2026-01-01"}}}};
    f.layers({{"POINT (123 877)", {{"id", "ST-1"}}},
              {"POINT (480 530)", {{"id", "ST-2"}}},
              {"POINT (610 455)", {{"id", "ST-3"}}},
              {"POLYGON ((800 100,950 120,900 260,800 100))", {{"id", "ST-4"}}},
              {"POINT (1050 500)", {{"id", "ST-5"}}}},  // outside the grid, reaching into it
             &sessions);
    const std::vector<ParamText> ps = {param("radius", "260")};
    const auto whole = f.run(ps);
    const auto tiled = f.run(ps, 17);
    ASSERT_EQ(whole.error, "");
    ASSERT_EQ(tiled.error, "");
    EXPECT_GT(f.at(whole.score, 99, 50), 0.0f);
    for (size_t i = 0; i < whole.score.size(); ++i) {
        ASSERT_EQ(whole.score[i], tiled.score[i]) << "cell " << i;
        const float a = whole.extras[0][i], b = tiled.extras[0][i];
        ASSERT_TRUE(a == b || (std::isnan(a) && std::isnan(b))) << "cell " << i;
        ASSERT_GE(whole.score[i], 0.0f);
        ASSERT_LE(whole.score[i], 1.0f);
    }
}

TEST(OutreachGap, ReadsSettlementsAndOptionallySessionsReachIsTheRadius) {
    const LoadedPlugin p = load_builtin("outreach_gap");
    ASSERT_EQ(p.api->required_layer_count, 1);
    EXPECT_STREQ(p.api->required_layers[0], "settlements");
    ASSERT_EQ(p.api->optional_layer_count, 1);
    EXPECT_STREQ(p.api->optional_layers[0], "sessions");
    Fixture f;
    f.layers({{kA, {}}});
    Host host(f.inputs, f.grid);
    ParamSet ps = resolve_params(*p.api, {param("radius", "2500")}, here());
    void* state = nullptr;
    char err[256] = "";
    ASSERT_EQ(p.api->prepare(host.table(), host.grid(), ps.data(), ps.size(), &state, err, sizeof err), MR_OK) << err;
    EXPECT_EQ(p.api->reach(state), 2500.0);
    p.api->release(state);
}

TEST(OutreachGap, RejectsInvalidParameters) {
    const LoadedPlugin p = load_builtin("outreach_gap");
    EXPECT_THROW(resolve_params(*p.api, {param("radius", "-1")}, here()), Error);
    EXPECT_THROW(resolve_params(*p.api, {param("stale_after", "0")}, here()), Error);
    EXPECT_THROW(resolve_params(*p.api, {param("match_by", "nearest")}, here()), Error);
    EXPECT_THROW(resolve_params(*p.api, {param("match_distance", "-10")}, here()), Error);
    EXPECT_THROW(resolve_params(*p.api, {param("as_of", "last year")}, here()), Error);
    EXPECT_THROW(resolve_params(*p.api, {param("stale_afer", "30")}, here()), Error);
    EXPECT_NO_THROW(resolve_params(*p.api, {param("match_by", "distance"), param("stale_after", "730")}, here()));
}

}  // namespace
