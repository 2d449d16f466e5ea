#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "minerisk/output_folder.hpp"
#include "minerisk/output_transaction.hpp"
#include "progress.hpp"
#include "minerisk/backtest.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/scenario.hpp"

namespace fs = std::filesystem;

namespace minerisk::cli {

namespace {

// A split date: "2006" is 1 January 2006, "2006-04" 1 April 2006, else a full date (YYYY-MM-DD).
double parse_split(const std::string& text) {
    std::string t = text;
    while (!t.empty() && t.back() == ' ') t.pop_back();
    while (!t.empty() && t.front() == ' ') t.erase(0, 1);
    auto digits = [&](size_t from, size_t n) {
        if (t.size() < from + n) return false;
        for (size_t i = from; i < from + n; ++i)
            if (t[i] < '0' || t[i] > '9') return false;
        return true;
    };
    if (t.size() == 4 && digits(0, 4)) return days_from_civil(std::stoi(t), 1, 1);
    if (t.size() == 7 && digits(0, 4) && (t[4] == '-' || t[4] == '/' || t[4] == '.') && digits(5, 2)) {
        const int m = std::stoi(t.substr(5, 2));
        if (m >= 1 && m <= 12) return days_from_civil(std::stoi(t.substr(0, 4)), m, 1);
    }
    if (t.size() >= 10)
        if (auto d = parse_date(t)) return *d;
    throw Error("--split '" + text + "' is not a date", {}, "write a year (2006: from 1 January), a month (2006-04) or a day (2006-04-15)");
}

std::string pct(double v) {
    char b[32];
    if (!std::isfinite(v)) return "-";
    std::snprintf(b, sizeof b, "%.1f%%", v * 100);
    return b;
}

// A difference's mark in the table: > clearly better, < clearly worse, = not clearly different, blank without
// an interval.
const char* mark(const backtest::Estimate& d) {
    const std::string v = backtest::verdict(d);
    return v == "clearly better" ? ">" : v == "clearly worse" ? "<" : v == "not clearly different" ? "=" : " ";
}

std::string signed_points(double v) {
    char b[32];
    if (!std::isfinite(v)) return "-";
    if (std::fabs(v * 100) < 0.05) return "0.0";  // no "-0.0"
    std::snprintf(b, sizeof b, "%+.1f", v * 100);
    return b;
}

// The rows of one round (or of the pooled rounds): each surface, then the combined map minus each baseline.
void print_rows(const std::string& label, int name_width, const std::vector<backtest::ModelScore>& models,
                const std::vector<backtest::Difference>& diffs) {
    for (const auto& m : models) {
        char a[64] = "-";
        if (std::isfinite(m.score.auc.value)) {
            if (std::isfinite(m.score.auc.ci_low))
                std::snprintf(a, sizeof a, "%.3f [%.3f, %.3f]", m.score.auc.value, m.score.auc.ci_low, m.score.auc.ci_high);
            else
                std::snprintf(a, sizeof a, "%.3f", m.score.auc.value);
        }
        std::printf("%-12s %-*s %9lld  %-25s", label.c_str(), name_width, m.name.c_str(), (long long)m.score.incidents, a);
        for (const auto& c : m.score.capture) std::printf(" %8s", pct(c.value).c_str());
        std::printf("\n");
    }
    for (const auto& d : diffs) {
        char a[80] = "-";
        if (std::isfinite(d.auc.value)) {
            if (std::isfinite(d.auc.ci_low))
                std::snprintf(a, sizeof a, "%+.3f [%+.3f, %+.3f] %s", d.auc.value, d.auc.ci_low, d.auc.ci_high, mark(d.auc));
            else
                std::snprintf(a, sizeof a, "%+.3f", d.auc.value);
        }
        std::printf("%-12s %-*s %9s  %-25s", label.c_str(), name_width, d.name.c_str(), "", a);
        for (const auto& c : d.capture) std::printf(" %6s %s", signed_points(c.value).c_str(), mark(c));
        std::printf("\n");
    }
}

void print_result(const RunPlan& plan, const backtest::Result& r, const std::vector<OutputFile>& files) {
    std::printf("\nminerisk backtest: %s\n", r.scenario_name.c_str());
    std::printf("mode: %s, %zu %s; grid: %s; %d bootstrap resamples (seed %llu)\n", r.mode.c_str(), r.rounds.size(),
                r.mode == "spatial blocks" ? (r.rounds.size() == 1 ? "fold" : "folds") : (r.rounds.size() == 1 ? "split" : "splits"), r.grid.c_str(), r.options.replicates,
                static_cast<unsigned long long>(r.options.seed));
    std::printf("%-12s %8s %8s %8s  source\n", "input", "read", "used", "skipped");
    for (const auto& l : plan.inputs.layers) {
        const auto& s = l.stats;
        std::printf("%-12s %8lld %8lld %8lld  %s\n", l.role.c_str(), (long long)s.read, (long long)s.loaded,
                    (long long)(s.skipped_null + s.skipped_empty + s.skipped_bad), s.source.c_str());
    }
    const backtest::Pooled pooled = backtest::pool(r);
    int name_width = 26;
    for (const auto& round : r.rounds) {
        for (const auto& m : round.models) name_width = std::max<int>(name_width, static_cast<int>(m.name.size()));
        for (const auto& d : backtest::differences(round.models)) name_width = std::max<int>(name_width, static_cast<int>(d.name.size()));
    }
    std::printf("\n%-12s %-*s %9s  %-25s", r.mode == "spatial blocks" ? "fold" : "split", name_width, "surface", "incidents",
                "AUC [95% interval]");
    for (double p : r.options.percents) {
        char h[32];
        std::snprintf(h, sizeof h, "top %g%%", p);
        std::printf(" %8s", h);
    }
    std::printf("\n");
    for (const auto& round : r.rounds) {
        print_rows(round.label, name_width, round.models, backtest::differences(round.models));
        for (const auto& n : round.notes) std::printf("%-12s note: %s\n", round.label.c_str(), n.c_str());
    }
    if (pooled.rounds > 1) print_rows("pooled", name_width, pooled.models, pooled.differences);
    std::printf("(\"risk - X\": the combined map minus baseline X, captures in percentage points; > clearly better: its 95%%\n"
                " interval above 0, < clearly worse: below 0, = not clearly different: holds 0.%s\n"
                " Intervals of the capture rates and the PAI in backtest.csv and backtest.html)\n",
                pooled.rounds < 2 ? "" : r.mode == "spatial blocks" ? " \"pooled\": every held-out incident of every fold together."
                                                                    : " \"pooled\": every held-out incident of every split together.");
    std::vector<std::string> warnings = r.input_warnings;
    for (const auto& w : r.warnings) warnings.push_back(w);
    for (const auto& w : r.baselines_missing) warnings.push_back(w);
    for (const auto& round : r.rounds)
        for (const auto& w : round.warnings) warnings.push_back(round.label + ": " + w);
    std::printf("time:");
    for (const auto& s : r.stages) std::printf(" %s %.2f s;", s.name.c_str(), s.seconds);
    std::printf(" total %.2f s\n", r.seconds);
    if (!warnings.empty()) {
        std::printf("warnings (%zu):\n", warnings.size());
        for (const auto& w : warnings) std::printf("  - %s\n", mask_secrets(w).c_str());
    }
    std::printf("outputs:\n");
    for (const auto& f : files) std::printf("  %s  (%s)\n", f.path.c_str(), f.what.c_str());
}

}  // namespace

void add_backtest(CLI::App& app, Common& common) {
    auto* cmd = app.add_subcommand(
        "backtest",
        "score a scenario's risk map on incidents it did not see: split by date (--split) or by place (--blocks)");
    cmd->footer(
        "\nExamples:\n"
        "  minerisk backtest sector.yaml --split 2024-01-01 -o bt/            one split: known before 2024, scored on 2024 on\n"
        "  minerisk backtest sector.yaml --split 2006,2008,2010 -o bt/        rolling origin, each split scored up to the next\n"
        "  minerisk backtest sector.yaml --blocks 8 --folds 5 -o bt/          incidents held out by place (no usable dates)\n"
        "Also, as for every command: -q (no progress, only errors and the summary), --progress auto|bar|gdal|none\n"
        "(progress on stderr, one stage per split or fold), --var NAME=VALUE (for ${NAME} in the scenario).\n"
        "Outputs: backtest.csv, capture.png, backtest.html, each written under a temporary name and renamed into place.\n"
        "Formulas, baselines, limits: docs/backtest.md.");
    struct Args {
        std::string scenario, out;
        std::vector<std::string> splits;
        double horizon_years = 0;
        int blocks = 0, folds = 5, bootstrap = 1000;
        std::string unit = "accident";
        std::uint64_t seed = backtest::Options{}.seed;
        bool overwrite = false;
        unsigned threads = 0;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("scenario", a->scenario, "scenario file (YAML)")->required()->check(CLI::ExistingFile);
    cmd->add_option("-o,--output", a->out, "output folder (created if missing)")->required();
    auto* split = cmd->add_option("--split", a->splits,
                                  "split date: the surfaces know what was recorded before it and are scored on the incidents "
                                  "from it on. 2006 = 1 January 2006. Several (repeat, or 2006,2008,2010) give a rolling "
                                  "origin, each scored up to the next")
                      ->delimiter(',');
    cmd->add_option("--horizon-years", a->horizon_years,
                    "score each split on the incidents of this many years after it (default: up to the next split, the "
                    "last one to the end of the data)")
        ->check(CLI::Range(0.01, 1000.0));
    auto* blocks = cmd->add_option("--blocks", a->blocks,
                                   "spatial block cross-validation instead of splits: cut the grid into K x K blocks and hold "
                                   "out the incidents of one fold of blocks at a time")
                       ->check(CLI::Range(1, 1000));
    cmd->add_option("--folds", a->folds, "folds the blocks are dealt into (with --blocks)")->check(CLI::Range(2, 100))->capture_default_str();
    cmd->add_option("--bootstrap", a->bootstrap, "bootstrap resamples for the 95% intervals (0: none)")
        ->check(CLI::Range(0, 1000000))
        ->capture_default_str();
    cmd->add_option("--bootstrap-unit", a->unit,
                    "what the bootstrap resamples: accident (incidents in the same cell on the same date are drawn "
                    "together, e.g. the victims of one accident) or incident (each alone)")
        ->check(CLI::IsMember({"accident", "incident"}))
        ->capture_default_str();
    // Checked as numbers before they become unsigned: "-1" would wrap (to 18446744073709551615 for the seed).
    cmd->add_option("--seed", a->seed, "seed of the bootstrap and of the block folds (same seed, same figures)")
        ->check(CLI::Range(0.0, minerisk::limits::uncertainty::seed.max))
        ->capture_default_str();
    cmd->add_flag("--overwrite", a->overwrite, "write into an existing, non-empty output folder");
    cmd->add_option("-j,--threads", a->threads, "threads to use (default: the scenario's run.threads, else all cores)")
        ->check(CLI::Range(0.0, minerisk::limits::run::threads.max));
    split->excludes(blocks);
    blocks->excludes(split);
    cmd->callback([a, &common]() {
        const auto t0 = std::chrono::steady_clock::now();
        backtest::Options bo;
        for (const auto& s : a->splits) bo.splits.push_back(parse_split(s));
        bo.blocks = a->blocks;
        bo.folds = a->folds;
        bo.replicates = a->bootstrap;
        bo.seed = a->seed;
        bo.horizon_days = a->horizon_years * 365.25;
        bo.cluster = a->unit == "accident";
        if (bo.splits.empty() && bo.blocks == 0)
            throw Error("say how to hold incidents out", {},
                        "give --split DATE (e.g. --split 2020 or --split 2018,2020,2022), or --blocks K for data without usable dates");
        if (a->horizon_years > 0 && bo.blocks > 0) throw Error("--horizon-years goes with --split, not --blocks");
        // Checked before any work (a refused folder costs nothing); created only once the scenario is planned, so
        // that a scenario error leaves no empty folder behind.
        check_output_folder(a->out, a->overwrite);

        RunOptions o = options_for(common);
        o.threads = a->threads;
        const Scenario sc = load_scenario(a->scenario, scenario_vars(common));
        check_output_apart_from_inputs(a->out, files_read(sc));
        RunPlan plan = plan_run(sc, o);
        // One transaction, as a run's: written into a staging folder, switched into place when complete.
        OutputTransaction outputs(a->out, a->overwrite, files_read(sc));
        bo.progress = o.progress;
        bo.progress_user = o.progress_user;
        bo.on_stage = o.on_stage;
        backtest::Result r = backtest::run(plan, bo);
        r.stages.insert(r.stages.begin(), plan.stages.begin(), plan.stages.end());
        if (o.on_stage) o.on_stage("writing outputs");
        const auto tw = std::chrono::steady_clock::now();
        r.seconds = std::chrono::duration<double>(tw - t0).count();
        auto files = backtest::write_outputs(r, outputs.staging());
        outputs.commit();
        for (auto& f : files) f.path = outputs.published_path(f.path);
        progress_end();
        print_result(plan, r, files);
    });
}

}  // namespace minerisk::cli
