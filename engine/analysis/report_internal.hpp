// Internal to backtest.html: the text of its figures and its tables (report_tables.cpp), shared with the page
// around them (report.cpp).
#pragma once
#include <sstream>
#include <string>
#include <vector>

#include "minerisk/backtest.hpp"

namespace minerisk::backtest::html {

std::string esc(const std::string& s);
// A share as people read it: "65.0&nbsp;%"; "-" for NaN.
std::string share(double v);
// A difference of shares in percentage points, signed: "+2.2&nbsp;points".
std::string points(double v);
// A signed AUC difference: "+0.005".
std::string signed_auc(double v);
// An area in km2 from cells of `cell_size` metres: "17,000&nbsp;km&sup2;" ("-" without a cell size).
std::string km2(double cells, double cell_size);
// The last day of [from, to): to - 1 day, or "the end of the data".
std::string until_text(double to);
// A difference's interval: "+0.005 to +0.008" (AUC) or "&minus;3.9 to &minus;0.2" (points of capture).
std::string difference_interval(const Estimate& d, bool auc);
// The verdict of a difference, as a coloured label.
std::string verdict_label(const Estimate& d);

// The rounds: for each, the period (or the blocks) and the counts: incidents known, held out, scored, cells, km2.
void write_rounds_table(std::ostringstream& o, const Result& r);
// The surfaces' figures: AUC and, per capture level, the capture rate and its PAI, each with its interval; the
// best baseline of each column marked, and named in a last row.
void write_scores_table(std::ostringstream& o, const std::vector<double>& percents, const std::vector<ModelScore>& models);
// The combined map minus each baseline: the difference, its paired interval and the verdict, per figure.
void write_differences_table(std::ostringstream& o, const std::vector<double>& percents, const std::vector<ModelScore>& models,
                             const std::vector<Difference>& diffs);

}  // namespace minerisk::backtest::html
