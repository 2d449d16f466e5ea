// backtest.html, backtest.csv and capture.png of a hand-made result (two rounds over a 40 x 50 grid of 250 m
// cells, no scenario): the page lists every warning, the area scored in km2, each round's period and counts, the
// pooled figures and the differences with their verdicts; the CSV holds the PAI, the differences and the pooled
// rows; the PNG is a PNG of the size its layout gives, its title wrapped rather than cut.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "analysis/plot_internal.hpp"
#include "minerisk/backtest.hpp"
#include "minerisk/dates.hpp"

using namespace minerisk;
using namespace minerisk::backtest;

namespace {

constexpr int kCells = 40 * 50;

ModelScore model(const std::string& name, const std::string& kind, const std::vector<float>& s,
                 const std::vector<std::int64_t>& inc) {
    ModelScore m;
    m.name = name;
    m.kind = kind;
    m.meaning = "what " + name + " is";
    m.score = score_surface(s, inc, {1, 5, 10, 20}, 200, 20240229);
    return m;
}

Round round(const std::string& label, int y0, int y1, std::uint32_t seed, int n) {
    Round r;
    r.label = label;
    r.from = days_from_civil(y0, 1, 1);
    r.to = days_from_civil(y1, 1, 1);
    r.as_of = r.from - 1;
    r.known_incidents = 100 + n;
    r.held_out = n + 3;  // three on cells without data
    std::mt19937 g(seed);
    std::uniform_real_distribution<float> u(0, 1);
    std::vector<float> risk(kCells), flat(kCells, 0.0f), distance(kCells);
    for (auto& x : risk) x = u(g);
    for (int i = 0; i < kCells; ++i) distance[static_cast<size_t>(i)] = risk[static_cast<size_t>(i)] * 0.5f + 0.5f * u(g);
    std::vector<std::int64_t> inc;
    std::uniform_int_distribution<std::int64_t> cell(0, kCells - 1);
    while (static_cast<int>(inc.size()) < n) {
        const std::int64_t c = cell(g);
        if (risk[static_cast<size_t>(c)] > 0.7f) inc.push_back(c);
    }
    r.models = {model("risk", "model", risk, inc), model("uniform", "baseline", flat, inc),
                model("distance alone", "baseline", distance, inc)};
    r.notes.push_back("3 held-out incidents lie on cells where the combined risk has no data: not scored");
    return r;
}

Result result() {
    Result r;
    r.mode = "rolling origin";
    r.scenario_name = "Test sector";
    r.grid = "40 x 50 cells of 250 m";
    r.cell_size = 250;
    r.options.splits = {days_from_civil(2006, 1, 1), days_from_civil(2008, 1, 1)};
    r.options.replicates = 200;
    r.rounds = {round("2006-01-01", 2006, 2008, 1, 40), round("2008-01-01", 2008, 2011, 2, 60)};
    r.input_warnings = {"hazards (h.csv): 2 hazard(s) with the same area <as> another & both kept"};
    r.warnings = {"5 incidents have no readable date: counted as known before every split"};
    r.baselines_missing = {"no density baseline"};
    r.rounds[1].warnings = {"a plugin's remark"};
    return r;
}

size_t count(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST(BacktestReport, HtmlListsEveryWarningTheAreaInKm2AndEachRoundsPeriodAndCounts) {
    const Result r = result();
    const std::string h = results_html(r, capture_png(r));
    // Every warning: the inputs' (escaped), the data's, the missing baselines, the rounds' plugins'.
    EXPECT_NE(h.find("Warnings (4)"), std::string::npos);
    EXPECT_NE(h.find("2 hazard(s) with the same area &lt;as&gt; another &amp; both kept"), std::string::npos);
    EXPECT_NE(h.find("5 incidents have no readable date"), std::string::npos);
    EXPECT_NE(h.find("no density baseline"), std::string::npos);
    EXPECT_NE(h.find("2008-01-01: a plugin&#39;s remark"), std::string::npos);
    // The area: 2,000 cells of 250 m x 250 m = 125 km2, in the heading line and for each round.
    EXPECT_NE(h.find("area scored 125.0&nbsp;km&sup2;"), std::string::npos);
    EXPECT_EQ(count(h, "data-label=\"Area scored\">125.0&nbsp;km&sup2;"), 2u);
    // Each round's period (the last day: the day before the next split) and counts.
    EXPECT_NE(h.find("2006-01-01 to 2007-12-31"), std::string::npos);
    EXPECT_NE(h.find("2008-01-01 to 2010-12-31"), std::string::npos);
    EXPECT_NE(h.find("data-label=\"Surfaces as known on\">2005-12-31"), std::string::npos);
    EXPECT_NE(h.find("data-label=\"Incidents known\">140"), std::string::npos);
    EXPECT_NE(h.find("data-label=\"Held out\">43"), std::string::npos);
    EXPECT_NE(h.find("data-label=\"Scored\">40"), std::string::npos);
    EXPECT_NE(h.find("data-label=\"Cells scored\">2,000"), std::string::npos);
    EXPECT_NE(h.find("data-label=\"Held out\">106"), std::string::npos);  // all rounds
    // The pooled rounds, the differences with their verdicts, the PAI, the best baseline per column.
    EXPECT_NE(h.find("All 2 splits pooled: 100 held-out incidents"), std::string::npos);
    EXPECT_EQ(count(h, "risk &minus; uniform</th>"), 3u);  // two rounds and the pool
    EXPECT_NE(h.find("class=\"verdict better\">clearly better"), std::string::npos);
    EXPECT_NE(h.find("PAI "), std::string::npos);
    EXPECT_NE(h.find("<th>Best baseline</th>"), std::string::npos);
    // Self-contained, and a phone reads the tables as cards: no table cell without its column's name.
    EXPECT_EQ(h.find("<script"), std::string::npos);
    EXPECT_NE(h.find("@media screen and (max-width: 700px)"), std::string::npos);
    EXPECT_EQ(h.find("<td class=\"n\">"), std::string::npos);
}

TEST(BacktestReport, CsvHoldsThePaiTheDifferencesAndThePooledRows) {
    const Result r = result();
    const std::string csv = results_csv(r);
    EXPECT_EQ(csv.rfind("split_or_fold,model,metric,value,ci_low,ci_high,n_later_incidents,n_cells,kind,mode,as_of,later_from,"
                        "later_to,n_incident_cells,n_units,verdict\r\n", 0), 0u);
    // Per round and for the pool: 3 surfaces and 2 differences, each with the AUC, 4 capture rates and 4 PAIs.
    EXPECT_EQ(count(csv, "\r\n"), 1u + 3 * (3 + 2) * 9);
    EXPECT_NE(csv.find("2006-01-01,uniform,pai_5,1.000000"), std::string::npos);
    EXPECT_NE(csv.find("2008-01-01,risk - uniform,auc,"), std::string::npos);
    EXPECT_NE(csv.find(",difference,rolling origin,2005-12-31,2006-01-01,2007-12-31,"), std::string::npos);
    EXPECT_NE(csv.find("pooled,risk,auc,"), std::string::npos);
    EXPECT_NE(csv.find("pooled,risk - distance alone,capture_5,"), std::string::npos);
    EXPECT_NE(csv.find(",clearly better\r\n"), std::string::npos);
    EXPECT_NE(csv.find(",model,rolling origin,,2006-01-01,2010-12-31,"), std::string::npos);  // the pooled period
}

TEST(BacktestReport, PngIsAValidPngOfTheLayoutsSizeWithAWrappedTitle) {
    Result r = result();
    const std::string png = capture_png(r);
    ASSERT_GT(png.size(), 1000u);
    EXPECT_EQ(png.compare(0, 8, "\x89PNG\r\n\x1a\n"), 0);
    EXPECT_EQ(png.compare(12, 4, "IHDR"), 0);
    auto be32 = [](const std::string& p, size_t o) {
        unsigned v = 0;
        for (size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(p[o + k]);
        return static_cast<int>(v);
    };
    const auto [w, h] = capture_png_size(r);
    EXPECT_EQ(be32(png, 16), w);
    EXPECT_EQ(be32(png, 20), h);
    EXPECT_LE(w, 1000);  // fits a laptop's page beside nothing
    // Three rows (the pool and two rounds) of two panels: taller than it is wide.
    EXPECT_GT(h, w);
    // A long title takes more lines, never a cut: the picture grows by whole lines, the width stays.
    r.scenario_name = std::string(300, 'x') + " end";
    const auto [w2, h2] = capture_png_size(r);
    EXPECT_EQ(w2, w);
    EXPECT_GE(h2, h + 4 * 22);
    const std::string long_png = capture_png(r);
    EXPECT_EQ(long_png.compare(0, 8, "\x89PNG\r\n\x1a\n"), 0);
    EXPECT_EQ(be32(long_png, 16), w2);
    EXPECT_EQ(be32(long_png, 20), h2);
}
