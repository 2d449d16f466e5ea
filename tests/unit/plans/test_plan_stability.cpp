// Rank stability on hand-made grids whose answers are known: two zones that tie at the scenario's weights and differ
// only in which factor makes them risky (each is ahead in half the draws, by symmetry), one zone ahead of both
// whatever the weights, the zone cells read back from the polygons, the recombined means against a direct
// computation for every method, the Dirichlet's centre and spread, and the refusals.
//
// The grid is 60 x 30 cells of 10 m, north-west corner (0, 300), so cell (row r, column c) has its centre at
// (10c + 5, 295 - 10r). Factors A and B:
//   P: rows 2-7, columns 2-11    A 0.9, B 0.3   (risk 0.6 at equal weights; zone id 1)
//   Q: rows 2-7, columns 20-29   A 0.3, B 0.9   (risk 0.6; zone id 2)
//   R: rows 15-25, columns 40-55 A 0.95, B 0.95 (risk 0.95; zone id 3)
//   elsewhere 0.1 and 0.1.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "minerisk/combine.hpp"
#include "minerisk/error.hpp"
#include "minerisk/plans.hpp"
#include "minerisk/zones.hpp"
#include "test_plan_harness.hpp"
#include "plans/plans_internal.hpp"

using namespace minerisk;
using namespace minerisk::test;

namespace {

struct Case {
    TempDir tmp{"stability"};
    GridSpec grid = make_grid(60, 30, 10, 0, 300);
    Scenario sc;
    Inputs inputs;
    std::vector<std::string> names{"A", "B"};
    std::vector<std::vector<float>> f;
    std::vector<double> weights{1, 1};
    std::vector<int> groups{0, 0};
    std::string method = "weighted_sum";
    std::vector<std::string> paths;
    ZoneResult zr;

    Case() {
        f.assign(2, std::vector<float>(static_cast<size_t>(grid.cells()), 0.1f));
        block(2, 7, 2, 11, 0.9f, 0.3f);
        block(2, 7, 20, 29, 0.3f, 0.9f);
        block(15, 25, 40, 55, 0.95f, 0.95f);
        sc.zones.threshold = 0.5;
        sc.zones.min_area = 0;
        sc.zones.fill_holes = 0;
        sc.zones.reach = 50;
    }
    void block(int r0, int r1, int c0, int c1, float a, float b) {
        for (int r = r0; r <= r1; ++r)
            for (int c = c0; c <= c1; ++c) {
                f[0][static_cast<size_t>(r * grid.width + c)] = a;
                f[1][static_cast<size_t>(r * grid.width + c)] = b;
            }
    }
    // Writes the factors and their combination, and draws the zones.
    void run() {
        std::vector<float> risk(static_cast<size_t>(grid.cells()));
        CombineSpec cs{method, weights, groups};
        std::vector<const float*> ptrs;
        for (auto& v : f) ptrs.push_back(v.data());
        combine(cs, ptrs, grid.cells(), risk.data());
        write_tif(tmp.file("risk.tif"), grid, risk);
        paths.clear();
        for (size_t k = 0; k < f.size(); ++k) {
            paths.push_back(tmp.file(names[k] + ".tif"));
            write_tif(paths.back(), grid, f[k]);
        }
        ZoneInputs zi;
        zi.scenario = &sc;
        zi.inputs = &inputs;
        zi.grid = grid;
        zi.as_of = *parse_date("2026-07-01");
        zi.risk_path = tmp.file("risk.tif");
        zi.factor_names = names;
        zi.factor_paths = paths;
        zi.factor_weights = weights;
        zr = build_zones(zi);
    }
    plans::PlanInputs in() const {
        plans::PlanInputs p;
        p.inputs = &inputs;
        p.zones = &zr;
        p.zone_spec = sc.zones;
        p.grid = grid;
        p.as_of = *parse_date("2026-07-01");
        p.method = method;
        p.factor_names = names;
        p.factor_paths = paths;
        p.weights = weights;
        p.groups = groups;
        p.factor_params = {{"half_distance", "class_weights"}, {"radius", "half_life"}};
        return p;
    }
    int rank_of_id(int id) const {
        for (const auto& z : zr.zones)
            if (z.id == id) return z.rank;
        return 0;
    }
};

const plans::RankSpread& zone_by_id(const plans::Stability& st, int id) {
    for (const auto& z : st.zones)
        if (z.id == id) return z;
    throw std::runtime_error("no zone id " + std::to_string(id));
}

}  // namespace

// ---- random numbers and the Dirichlet ------------------------------------------------------------------------

TEST(PlanStabilityRandom, SameSeedSameDrawsAndUniformInItsRange) {
    Random a(7), b(7), c(8);
    for (int i = 0; i < 100; ++i) {
        const double x = a.uniform();
        EXPECT_EQ(x, b.uniform());
        EXPECT_GE(x, 0.0);
        EXPECT_LT(x, 1.0);
    }
    EXPECT_NE(Random(7).next(), c.next());
}

TEST(PlanStabilityRandom, GammaHasItsMeanAndVariance) {
    Random r(3);
    for (double shape : {0.4, 1.0, 6.5}) {
        double s = 0, s2 = 0;
        const int n = 40000;
        for (int i = 0; i < n; ++i) {
            const double x = r.gamma(shape);
            ASSERT_GE(x, 0.0);
            s += x, s2 += x * x;
        }
        const double mean = s / n, var = s2 / n - mean * mean;
        EXPECT_NEAR(mean, shape, 0.03 * shape + 0.01) << shape;  // Gamma(a, 1): mean a, variance a
        EXPECT_NEAR(var, shape, 0.08 * shape + 0.02) << shape;
    }
}

TEST(PlanStabilityRandom, DirichletIsCentredOnTheWeightsWithTheSpreadAsked) {
    // Five factors of equal weight: a concentration from spread 0.25 gives each a relative sd of 0.25.
    const double c = plans::concentration_for(0.25, 5);
    EXPECT_DOUBLE_EQ(c, 4 / 0.0625 - 1);  // (n - 1) / spread^2 - 1 = 63
    EXPECT_EQ(plans::concentration_for(0.25, 1), 0);   // one factor: nothing to vary
    EXPECT_EQ(plans::concentration_for(0, 5), 0);      // spread 0: weights fixed
    Random r(11);
    std::vector<double> centre{0.35, 0.25, 0.1, 0.1, 0.2, 0.0};
    std::vector<double> alpha;
    for (double w : centre) alpha.push_back(c * w);
    const int n = 20000;
    std::vector<double> s(centre.size()), s2(centre.size());
    for (int i = 0; i < n; ++i) {
        const auto w = dirichlet(r, alpha);
        double total = 0;
        for (size_t k = 0; k < w.size(); ++k) total += w[k], s[k] += w[k], s2[k] += w[k] * w[k];
        ASSERT_NEAR(total, 1.0, 1e-12);
        ASSERT_EQ(w[5], 0.0);  // a zero weight stays zero
    }
    for (size_t k = 0; k + 1 < centre.size(); ++k) {
        const double mean = s[k] / n, sd = std::sqrt(s2[k] / n - mean * mean);
        EXPECT_NEAR(mean, centre[k], 0.005) << k;
        EXPECT_NEAR(sd, std::sqrt(centre[k] * (1 - centre[k]) / (c + 1)), 0.004) << k;
    }
}

// ---- gathering and recombining ---------------------------------------------------------------------------------

TEST(PlanStabilityCells, ZoneCellsReadBackFromThePolygonsExactly) {
    Case k;
    // A zone with a hole and a zone touching the grid's edge.
    k.block(2, 7, 2, 11, 0.9f, 0.3f);
    k.block(4, 5, 5, 6, 0.1f, 0.1f);  // the hole
    k.block(0, 3, 55, 59, 0.9f, 0.9f);
    k.run();
    ASSERT_EQ(k.zr.zones.size(), 4u);
    const auto runs = plans::zone_runs(k.zr.zones, k.grid);
    std::vector<std::int64_t> cells(k.zr.zones.size() + 1, 0);
    for (std::int64_t r = 0; r < k.grid.height; ++r)
        for (std::int64_t c = 0; c < k.grid.width; ++c) {
            const int label = runs.label_at(r, c);
            ++cells[static_cast<size_t>(label)];
            // A cell is in a zone exactly where its risk is at or above the threshold.
            const float risk = 0.5f * (k.f[0][static_cast<size_t>(r * k.grid.width + c)] + k.f[1][static_cast<size_t>(r * k.grid.width + c)]);
            EXPECT_EQ(label != 0, risk >= 0.5f) << r << "," << c;
        }
    for (size_t z = 0; z < k.zr.zones.size(); ++z) EXPECT_EQ(cells[z + 1], k.zr.zones[z].cells) << "zone id " << k.zr.zones[z].id;
}

TEST(PlanStabilityCells, RecombinedMeansEqualADirectComputationForEveryMethod) {
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(0.05f, 1.0f);
    for (const std::string method : {"weighted_sum", "likelihood_consequence", "weighted_product", "maximum"}) {
        Case k;
        k.names = {"A", "B", "C"};
        k.weights = {0.5, 0.2, 0.3};
        k.groups = {0, 0, 1};
        k.method = method;
        k.f.assign(3, std::vector<float>(static_cast<size_t>(k.grid.cells())));
        for (auto& v : k.f)
            for (auto& x : v) x = u(rng);
        k.f[2][17] = NAN;  // no risk where a factor has no value
        k.sc.zones.threshold.reset();
        k.sc.zones.top_percent = 20;
        k.run();
        ASSERT_GT(k.zr.zones.size(), 3u) << method;
        const auto in = k.in();
        const bool sampled = method == "weighted_product" || method == "maximum";
        const auto g = plans::gather_factors(in, !sampled && method != "likelihood_consequence",
                                             method == "likelihood_consequence", sampled, {});
        // Zones of at most 256 cells are sampled whole: every method is then exact.
        for (size_t z = 0; z < k.zr.zones.size(); ++z) {
            if (k.zr.zones[z].cells > plans::kSampleCells) continue;
            EXPECT_NEAR(plans::recombined_mean(method, g.zones[z], k.weights, k.groups), k.zr.zones[z].mean_risk, 2e-6)
                << method << " zone id " << k.zr.zones[z].id;
        }
        // Other weights: against a direct combination over the zone's cells.
        const std::vector<double> w2{0.1, 0.6, 0.9};
        std::vector<float> risk2(static_cast<size_t>(k.grid.cells()));
        std::vector<const float*> ptrs{k.f[0].data(), k.f[1].data(), k.f[2].data()};
        combine(CombineSpec{method, w2, k.groups}, ptrs, k.grid.cells(), risk2.data());
        const auto runs = plans::zone_runs(k.zr.zones, k.grid);
        for (size_t z = 0; z < k.zr.zones.size(); ++z) {
            if (sampled && k.zr.zones[z].cells > plans::kSampleCells) continue;
            double s = 0;
            std::int64_t n = 0;
            for (std::int64_t r = 0; r < k.grid.height; ++r)
                for (std::int64_t c = 0; c < k.grid.width; ++c)
                    if (runs.label_at(r, c) == static_cast<int>(z + 1) && !std::isnan(risk2[static_cast<size_t>(r * k.grid.width + c)]))
                        s += risk2[static_cast<size_t>(r * k.grid.width + c)], ++n;
            EXPECT_NEAR(plans::recombined_mean(method, g.zones[z], w2, k.groups), s / double(n), 2e-6) << method << " zone " << z;
        }
    }
}

TEST(PlanStabilityCells, SettlementMeansAtTheScenarioWeightsAreTheZoneStages) {
    Case k;
    k.inputs.layers.push_back(make_layer("settlements",
                                         {{"POINT(70 250)", {{"id", "S1"}, {"population", "100"}}},
                                          {"POINT(255 250)", {{"id", "S2"}, {"population", "300"}, {"returnee", "true"}}},
                                          {"POLYGON((400 80,560 80,560 160,400 160,400 80))", {{"id", "S3"}, {"population", "50"}}}},
                                         {{"id", "text"}, {"population", "number"}, {"returnee", "boolean"}}));
    k.run();
    ASSERT_EQ(k.zr.settlements.size(), 3u);
    const auto g = plans::gather_factors(k.in(), true, false, false, {});
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_GT(g.settlements[i].cells, 10) << i;
        EXPECT_NEAR(plans::recombined_mean("weighted_sum", g.settlements[i], k.weights, k.groups), k.zr.settlements[i].risk_mean, 1e-6)
            << k.zr.settlements[i].id;
    }
}

// ---- the draws -----------------------------------------------------------------------------------------------------

TEST(PlanStability, TiedZonesAreEachAheadInHalfTheDrawsAndTheClearLeaderAlways) {
    Case k;
    k.run();
    ASSERT_EQ(k.zr.zones.size(), 3u);
    EXPECT_EQ(k.rank_of_id(3), 1);  // R
    EXPECT_EQ(k.rank_of_id(1), 2);  // P and Q tie: the lower id first
    EXPECT_EQ(k.rank_of_id(2), 3);
    UncertaintySpec spec;
    spec.draws = 2000;
    spec.top_k = 2;
    const auto st = plans::rank_stability(k.in(), spec);
    EXPECT_EQ(st.draws, 2000);
    EXPECT_DOUBLE_EQ(st.concentration, 1 / 0.0625 - 1);  // two factors: (2 - 1) / 0.25^2 - 1 = 15
    EXPECT_NEAR(st.spread, 0.25, 1e-12);
    const auto& r = zone_by_id(st, 3);
    EXPECT_EQ(r.p_top_k, 1.0);
    EXPECT_EQ(r.rank_p05, 1);
    EXPECT_EQ(r.rank_p95, 1);
    EXPECT_TRUE(r.settled);
    const auto& p = zone_by_id(st, 1);
    const auto& q = zone_by_id(st, 2);
    // P is ahead of Q exactly when A's drawn weight beats B's: half the draws, by symmetry.
    EXPECT_NEAR(p.p_top_k, 0.5, 0.05);
    EXPECT_DOUBLE_EQ(p.p_top_k + q.p_top_k, 1.0);
    EXPECT_FALSE(p.settled);
    EXPECT_FALSE(q.settled);
    EXPECT_EQ(p.rank_p05, 2);
    EXPECT_EQ(p.rank_p95, 3);
    EXPECT_EQ(st.unsettled_zones, 2);
    // By base rank, with the base priorities.
    ASSERT_EQ(st.zones.size(), 3u);
    EXPECT_EQ(st.zones[0].id, 3);
    EXPECT_EQ(st.zones[1].id, 1);
    EXPECT_NEAR(st.zones[0].priority, 0.95, 1e-6);
    // The normalised weights' 90 % ranges straddle the scenario's 0.5.
    EXPECT_DOUBLE_EQ(st.base_weights[0], 0.5);
    EXPECT_LT(st.weight_p05[0], 0.35);
    EXPECT_GT(st.weight_p95[0], 0.65);
}

TEST(PlanStability, SpreadZeroHoldsTheWeightsAndEveryRankIsTheBaseRank) {
    Case k;
    k.run();
    UncertaintySpec spec;
    spec.draws = 50;
    spec.top_k = 2;
    spec.spread = 0;
    const auto st = plans::rank_stability(k.in(), spec);
    EXPECT_EQ(st.concentration, 0);
    for (const auto& z : st.zones) {
        EXPECT_EQ(z.rank_p05, z.rank);
        EXPECT_EQ(z.rank_p95, z.rank);
        EXPECT_EQ(z.p_top_k, z.rank <= 2 ? 1.0 : 0.0);
        EXPECT_TRUE(z.settled);
    }
    ASSERT_FALSE(st.fixed.empty());
    EXPECT_NE(st.fixed[0].find("spread 0"), std::string::npos);
}

TEST(PlanStability, SameSeedSameFiguresAndTheTimeIsSmall) {
    Case k;
    k.run();
    UncertaintySpec spec;
    spec.draws = 1000;
    spec.top_k = 2;
    spec.seed = 42;
    const auto a = plans::rank_stability(k.in(), spec);
    const auto b = plans::rank_stability(k.in(), spec);
    for (size_t z = 0; z < a.zones.size(); ++z) {
        EXPECT_EQ(a.zones[z].p_top_k, b.zones[z].p_top_k);
        EXPECT_EQ(a.zones[z].rank_p95, b.zones[z].rank_p95);
    }
    spec.seed = 43;
    const auto c = plans::rank_stability(k.in(), spec);
    EXPECT_NE(a.zones[1].p_top_k, c.zones[1].p_top_k);  // another seed, other draws (same answer within noise)
    EXPECT_NEAR(a.zones[1].p_top_k, c.zones[1].p_top_k, 0.08);
    EXPECT_LT(a.seconds_draws, 1.0);
}

TEST(PlanStability, DeclaredReturneeWeightMovesTheSettlements) {
    Case k;
    // Two settlements at one place (so the same risk around them): a returnee settlement of 100 people and one of
    // 400. At the base up-weight 1.5, 1.5 x (1 + log10 101) = 4.51 beats 1 + log10 401 = 3.60.
    k.inputs.layers.push_back(make_layer("settlements",
                                         {{"POINT(70 250)", {{"id", "ret"}, {"population", "100"}, {"returnee", "true"}}},
                                          {"POINT(70 250)", {{"id", "big"}, {"population", "400"}, {"returnee", "false"}}}},
                                         {{"id", "text"}, {"population", "number"}, {"returnee", "boolean"}}));
    k.run();
    ASSERT_EQ(k.zr.settlements.size(), 2u);
    EXPECT_EQ(k.zr.settlements[0].id, "ret");
    UncertaintySpec spec;
    spec.draws = 1000;
    spec.top_k = 1;
    spec.spread = 0;
    spec.parameters.push_back({"returnee_weight", 1.0, 2.0, {}});
    const auto st = plans::rank_stability(k.in(), spec);
    // "ret" ranks first when r (1 + log10 101) > 1 + log10 401, i.e. r > 1.1998: in 80.0 % of uniform draws on [1, 2].
    const double threshold = (1 + std::log10(401.0)) / (1 + std::log10(101.0));
    EXPECT_EQ(st.settlements[0].name, "ret");
    EXPECT_NEAR(st.settlements[0].p_top_k, 2.0 - threshold, 0.04);
    EXPECT_NEAR(st.settlements[1].p_top_k, threshold - 1.0, 0.04);
    EXPECT_TRUE(st.settlements[0].settled == (st.settlements[0].p_top_k >= 0.9));
    ASSERT_EQ(st.varied.size(), 1u);
    EXPECT_NE(st.varied[0].find("returnee up-weight"), std::string::npos);
}

TEST(PlanStability, DeclaredPopulationMultipliersAreDrawnPerSettlement) {
    Case k;
    k.inputs.layers.push_back(make_layer("settlements",
                                         {{"POINT(70 250)", {{"id", "small"}, {"population", "100"}}},
                                          {"POINT(70 250)", {{"id", "large"}, {"population", "150"}}}},
                                         {{"id", "text"}, {"population", "number"}}));
    k.run();
    ASSERT_EQ(k.zr.settlements[0].id, "large");
    UncertaintySpec spec;
    spec.draws = 2000;
    spec.top_k = 1;
    spec.spread = 0;
    spec.parameters.push_back({"population", 0.5, 2.0, {}});
    const auto st = plans::rank_stability(k.in(), spec);
    // "small" ranks first when 100 a > 150 b, a and b uniform on [0.5, 2] and independent: probability 0.2315.
    EXPECT_EQ(st.settlements[1].name, "small");
    EXPECT_NEAR(st.settlements[1].p_top_k, 0.5208 / 2.25, 0.04);
    EXPECT_NE(st.varied[0].find("drawn per settlement"), std::string::npos);
}

TEST(PlanStability, RefusesWhatWouldNeedTheGridAgainAndSaysWhy) {
    Case k;
    k.run();
    UncertaintySpec spec;
    spec.draws = 10;
    auto refused = [&](const std::string& name, const std::string& words) {
        spec.parameters = {{name, 1, 2, Location("s.yaml", 7, 5)}};
        try {
            plans::rank_stability(k.in(), spec);
            ADD_FAILURE() << name << " accepted";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
            EXPECT_EQ(e.where().line, 7) << e.what();
        }
    };
    refused("half_distance", "belongs to the factor 'A': redrawing it would need the factor raster scored again");
    refused("B.radius", "belongs to the factor 'B'");
    refused("reach", "changes the zones themselves");
    refused("banana", "unknown uncertain parameter 'banana'");
    spec.parameters = {{"population", 2, 1, {}}};
    EXPECT_THROW(plans::rank_stability(k.in(), spec), Error);
    // Without the factor rasters there is nothing to recombine.
    spec.parameters.clear();
    auto in = k.in();
    in.factor_paths[1].clear();
    try {
        plans::rank_stability(in, spec);
        ADD_FAILURE() << "no factor raster accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("has no raster to read them from"), std::string::npos) << e.what();
    }
}
