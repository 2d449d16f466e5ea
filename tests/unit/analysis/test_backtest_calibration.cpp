// Predicted against observed by decile of a fitted risk: equal-count tenths, riskiest last, predicted = risk x rate x
// cell area x years, observed = the held-out incidents in each tenth.
#include <gtest/gtest.h>

#include "analysis/calibration.hpp"

using namespace minerisk::backtest;

TEST(BacktestCalibration, DecilesSumRiskTimesRateAndCountIncidents) {
    std::vector<float> risk(100);
    for (int i = 0; i < 100; ++i) risk[static_cast<size_t>(i)] = static_cast<float>(99 - i) / 100.0f;  // riskiest first
    const std::vector<std::int64_t> incidents = {0, 0, 1, 55, 99};  // two in the riskiest cell
    const auto bins = calibration_by_decile(risk, incidents, 2.0, 0.5, 3.0);  // 3 incidents per cell-year at risk 1
    ASSERT_EQ(bins.size(), 10u);
    EXPECT_EQ(bins[9].decile, 10);
    for (const auto& b : bins) EXPECT_EQ(b.cells, 10);
    // The riskiest tenth holds risks 0.90 ... 0.99: sum 9.45, times 2 x 0.5 x 3.
    EXPECT_NEAR(bins[9].predicted, 9.45 * 3.0, 1e-4);
    EXPECT_DOUBLE_EQ(bins[9].observed, 3);
    EXPECT_DOUBLE_EQ(bins[4].observed, 1);  // cell 55 holds risk 0.44: the fifth tenth
    EXPECT_DOUBLE_EQ(bins[0].observed, 1);
    const std::string text = calibration_text(bins, 3.0);
    EXPECT_NE(text.find("riskiest first (over 3.0 years): 28 / 3;"), std::string::npos) << text;
    EXPECT_NE(text.find("(all: 148 predicted, 5 observed)"), std::string::npos) << text;
}
