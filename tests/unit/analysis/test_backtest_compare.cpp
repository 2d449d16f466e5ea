// Paired differences, pooling over rounds and the PAI on hand-made cases with known answers: a surface against
// itself differs by exactly 0, a perfect surface is clearly better than uniform, the pooled AUC is the
// incident-weighted mean of the rounds' AUCs, the PAI is capture over area, and the interval of a difference of
// two correlated surfaces is narrower than theirs (the same draws for both).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "analysis/metrics_internal.hpp"
#include "minerisk/backtest.hpp"

using namespace minerisk::backtest;

namespace {

const std::vector<double> kPercents{1, 5, 10, 20};

ModelScore scored(const std::string& name, const std::string& kind, const std::vector<float>& s,
                  const std::vector<std::int64_t>& inc, int replicates = 400, std::uint64_t seed = 7,
                  const std::vector<std::int64_t>& groups = {}) {
    ModelScore m;
    m.name = name;
    m.kind = kind;
    m.score = score_surface(s, inc, kPercents, replicates, seed, groups);
    return m;
}

// Incidents drawn with weight exp(3 * score): a surface that says something, with room for chance.
std::vector<std::int64_t> incidents_following(const std::vector<float>& s, size_t n, std::uint32_t seed) {
    std::vector<double> w(s.size());
    for (size_t i = 0; i < s.size(); ++i) w[i] = std::exp(3.0 * s[i]);
    std::mt19937 g(seed);
    std::discrete_distribution<std::int64_t> d(w.begin(), w.end());
    std::vector<std::int64_t> inc(n);
    for (auto& c : inc) c = d(g);
    return inc;
}

std::vector<float> random_surface(size_t n, std::uint32_t seed) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<float> u(0, 1);
    std::vector<float> s(n);
    for (auto& x : s) x = u(g);
    return s;
}

double width(const Estimate& e) { return e.ci_high - e.ci_low; }

}  // namespace

TEST(BacktestCompare, ASurfaceAgainstItselfDiffersByExactlyZeroWithAZeroWidthInterval) {
    const auto s = random_surface(3000, 1);
    const auto inc = incidents_following(s, 120, 2);
    std::vector<std::int64_t> groups(inc.size());
    for (size_t i = 0; i < groups.size(); ++i) groups[i] = static_cast<std::int64_t>(i / 2);  // pairs drawn together
    const auto a = scored("risk", "model", s, inc, 500, 11, groups);
    const auto b = scored("copy", "baseline", s, inc, 500, 11, groups);
    const Difference d = difference(a, b);
    EXPECT_EQ(d.name, "risk - copy");
    EXPECT_EQ(d.auc.value, 0.0);
    EXPECT_EQ(d.auc.ci_low, 0.0);
    EXPECT_EQ(d.auc.ci_high, 0.0);
    EXPECT_EQ(verdict(d.auc), "not clearly different");
    ASSERT_EQ(d.capture.size(), kPercents.size());
    for (size_t k = 0; k < kPercents.size(); ++k) {
        EXPECT_EQ(d.capture[k].value, 0.0) << kPercents[k];
        EXPECT_EQ(d.capture[k].ci_low, 0.0) << kPercents[k];
        EXPECT_EQ(d.capture[k].ci_high, 0.0) << kPercents[k];
        EXPECT_EQ(verdict(d.capture[k]), "not clearly different");
        EXPECT_EQ(verdict(d.pai[k]), "not clearly different");
    }
}

TEST(BacktestCompare, ASurfaceRankingEveryHeldOutCellTopIsClearlyBetterThanUniform) {
    // 1,000 cells; 9 incidents in 6 cells, which the surface ranks above every other cell (6 cells < 1 %).
    std::vector<float> top(1000, 0.0f), flat(1000, 0.0f);
    const std::vector<std::int64_t> inc{10, 10, 200, 333, 333, 333, 500, 777, 999};
    for (auto c : inc) top[static_cast<size_t>(c)] = 1.0f;
    const std::vector<ModelScore> models{scored("risk", "model", top, inc), scored("uniform", "baseline", flat, inc)};
    const auto ds = differences(models);
    ASSERT_EQ(ds.size(), 1u);
    const Difference& d = ds[0];
    EXPECT_EQ(d.baseline, "uniform");
    EXPECT_DOUBLE_EQ(d.auc.value, 0.5);
    EXPECT_DOUBLE_EQ(d.auc.ci_low, 0.5);  // every replicate: 1 - 0.5
    EXPECT_EQ(verdict(d.auc), "clearly better");
    for (size_t k = 0; k < kPercents.size(); ++k) {
        EXPECT_NEAR(d.capture[k].value, 1.0 - kPercents[k] / 100, 1e-12);
        EXPECT_EQ(verdict(d.capture[k]), "clearly better") << kPercents[k];
    }
    // The other way round it is clearly worse.
    EXPECT_EQ(verdict(difference(models[1], models[0]).auc), "clearly worse");
    // Without resamples there is no interval, so no verdict.
    const auto none = difference(scored("risk", "model", top, inc, 0), scored("uniform", "baseline", flat, inc, 0));
    EXPECT_DOUBLE_EQ(none.auc.value, 0.5);
    EXPECT_EQ(verdict(none.auc), "no interval");
}

TEST(BacktestCompare, PooledAucIsTheIncidentWeightedMeanOfTheRoundsOnTheSameCells) {
    // Two rounds over the same 2,000 cells; 30 and 70 incidents, each round in 20 distinct cells, so that both
    // rounds have the same N0 (1,980 cells without a held-out incident).
    const auto s = random_surface(2000, 3);
    std::vector<std::int64_t> c1, c2;
    for (int i = 0; i < 30; ++i) c1.push_back(100 + (i % 20) * 37);
    for (int i = 0; i < 70; ++i) c2.push_back(50 + (i % 20) * 91);
    Result r;
    r.options.replicates = 300;
    r.options.percents = kPercents;
    for (const auto* inc : {&c1, &c2}) {
        Round round;
        round.models = {scored("risk", "model", s, *inc, 300, r.options.seed),
                        scored("uniform", "baseline", std::vector<float>(2000, 0.0f), *inc, 300, r.options.seed)};
        ASSERT_EQ(round.models[0].score.incident_cells, 20);
        r.rounds.push_back(round);
    }
    const Pooled p = pool(r);
    ASSERT_EQ(p.rounds, 2);
    ASSERT_EQ(p.models.size(), 2u);
    EXPECT_EQ(p.incidents, 100);
    const auto& a1 = r.rounds[0].models[0].score, &a2 = r.rounds[1].models[0].score;
    const auto& risk = p.models[0].score;
    EXPECT_NEAR(risk.auc.value, (30 * a1.auc.value + 70 * a2.auc.value) / 100, 1e-12);
    EXPECT_NE(risk.auc.value, (a1.auc.value + a2.auc.value) / 2);  // not the plain mean of the rounds
    // The capture rates: incidents captured in both rounds over all incidents.
    for (size_t k = 0; k < kPercents.size(); ++k)
        EXPECT_NEAR(risk.capture[k].value, (30 * a1.capture[k].value + 70 * a2.capture[k].value) / 100, 1e-12);
    EXPECT_DOUBLE_EQ(p.models[1].score.auc.value, 0.5);
    EXPECT_LE(risk.auc.ci_low, risk.auc.value);
    EXPECT_GE(risk.auc.ci_high, risk.auc.value);
    ASSERT_EQ(p.differences.size(), 1u);
    EXPECT_NEAR(p.differences[0].auc.value, risk.auc.value - 0.5, 1e-12);
    // One round pooled alone is that round, interval included (the same stream of draws).
    Result one = r;
    one.rounds.resize(1);
    const Pooled q = pool(one);
    EXPECT_EQ(q.models[0].score.auc.value, a1.auc.value);
    EXPECT_EQ(q.models[0].score.auc.ci_low, a1.auc.ci_low);
    EXPECT_EQ(q.models[0].score.capture[1].ci_high, a1.capture[1].ci_high);
}

TEST(BacktestCompare, PaiIsTheCaptureShareOverTheAreaShare) {
    const auto s = random_surface(5000, 5);
    const auto inc = incidents_following(s, 200, 6);
    const auto m = score_surface(s, inc, kPercents, 300, 9);
    ASSERT_EQ(m.pai.size(), kPercents.size());
    for (size_t k = 0; k < kPercents.size(); ++k) {
        const double area = kPercents[k] / 100;
        EXPECT_DOUBLE_EQ(m.pai[k].value, m.capture[k].value / area) << kPercents[k];
        EXPECT_DOUBLE_EQ(m.pai[k].ci_low, m.capture[k].ci_low / area);
        EXPECT_DOUBLE_EQ(m.pai[k].ci_high, m.capture[k].ci_high / area);
    }
    // Chance has a PAI of exactly 1 at every level.
    const auto u = score_surface(std::vector<float>(5000, 1.0f), inc, kPercents, 0, 9);
    for (const auto& e : u.pai) EXPECT_NEAR(e.value, 1.0, 1e-12);
}

TEST(BacktestCompare, DifferenceIntervalsArePairedAndNarrowerThanTheSurfacesOwn) {
    // Two surfaces that rank almost alike (b = a + a little noise): each figure moves with the draw, and moves
    // with the other's. The difference's interval, from the same draws, is far narrower than either's.
    const auto a = random_surface(20000, 7);
    auto b = a;
    std::mt19937 g(8);
    std::normal_distribution<float> noise(0, 0.05f);
    for (auto& x : b) x += noise(g);
    const auto inc = incidents_following(a, 300, 9);
    const auto ma = scored("risk", "model", a, inc, 1000, 21), mb = scored("close", "baseline", b, inc, 1000, 21);
    const Difference d = difference(ma, mb);
    EXPECT_LT(width(d.auc), 0.3 * std::min(width(ma.score.auc), width(mb.score.auc)));
    EXPECT_LT(width(d.capture[3]), 0.8 * std::min(width(ma.score.capture[3]), width(mb.score.capture[3])));
    // The same surfaces drawn independently (another seed for b) give a wide interval of the difference: about
    // sqrt(2) times either's, what comparing the two separate intervals amounts to.
    const auto mb_apart = scored("close", "baseline", b, inc, 1000, 22);
    const Difference unpaired = difference(ma, mb_apart);
    EXPECT_GT(width(unpaired.auc), 3 * width(d.auc));
    EXPECT_GT(width(unpaired.auc), width(ma.score.auc));
    EXPECT_DOUBLE_EQ(unpaired.auc.value, d.auc.value);
}

TEST(BacktestCompare, TheBestBaselineIsChosenPerFigure) {
    // Cells 0..999; incidents in cells 0..9. "near" ranks cells 0..99 high in a random order (a good AUC, a poor
    // top 1 %), "sharp" ranks cells 0..4 top but every other cell zero (a sharp top 1 %, a poorer AUC).
    std::vector<std::int64_t> inc;
    for (int i = 0; i < 10; ++i) inc.push_back(i);
    std::vector<float> near(1000, 0.0f), sharp(1000, 0.0f), flat(1000, 0.0f);
    for (int i = 0; i < 100; ++i) near[static_cast<size_t>(i)] = 1.0f + static_cast<float>((i * 37) % 100) / 100.0f;
    for (int i = 0; i < 5; ++i) sharp[static_cast<size_t>(i)] = 1.0f;
    const std::vector<ModelScore> models{scored("risk", "model", near, inc, 0), scored("uniform", "baseline", flat, inc, 0),
                                         scored("near", "baseline", near, inc, 0), scored("sharp", "baseline", sharp, inc, 0)};
    ASSERT_GT(models[2].score.auc.value, models[3].score.auc.value);
    ASSERT_LT(models[2].score.capture[0].value, models[3].score.capture[0].value);
    EXPECT_EQ(best_baseline(models, -1)->name, "near");
    EXPECT_EQ(best_baseline(models, 0)->name, "sharp");
    EXPECT_EQ(best_baseline({models[0]}, -1), nullptr);
}
