// What a run tells the person at the terminal: the plan, then the summary.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"

namespace minerisk::cli {

static void print_layers(const RunPlan& plan) {
    std::printf("%-12s %8s %8s %8s %8s %8s  %s\n", "input", "read", "used", "repaired", "buffered", "skipped", "source (CRS)");
    for (const auto& l : plan.inputs.layers) {
        const auto& s = l.stats;
        std::printf("%-12s %8lld %8lld %8lld %8lld %8lld  %s (%s)\n", l.role.c_str(), (long long)s.read, (long long)s.loaded,
                    (long long)s.repaired, (long long)s.buffered,
                    (long long)(s.skipped_null + s.skipped_empty + s.skipped_bad), s.source.c_str(), s.source_crs.c_str());
    }
}

static void print_warnings(const std::vector<std::string>& warnings) {
    if (warnings.empty()) return;
    std::printf("warnings (%zu):\n", warnings.size());
    // Masked at the terminal as in the output files: a warning may name a database connection.
    for (const auto& w : warnings) std::printf("  - %s\n", mask_secrets(w).c_str());
}

void print_plan(const RunPlan& plan) {
    std::printf("scenario: %s\n", scenario_label(plan.scenario).c_str());
    std::printf("working CRS: %s (%s)\n", plan.inputs.crs_name.c_str(), plan.inputs.crs_reason.c_str());
    std::printf("grid: %s\n", plan.grid.describe().c_str());
    std::printf("tiles: %lld of up to %d x %d cells, %u thread(s); memory needed: about %s\n", (long long)plan.tiles,
                plan.tile_size, plan.tile_size, plan.threads, plan.memory.describe().c_str());
    std::printf("disk needed for the outputs: %s\n", estimate_disk(plan).describe().c_str());
    std::printf("as of: %s (%s)\n", date_to_string(plan.as_of).c_str(), plan.as_of_reason.c_str());
    std::printf("factors (%s):\n", plan.scenario.scoring.method.c_str());
    for (const auto& f : plan.factors)
        std::printf("  %-20s weight %-6g %s %s  %s\n", f.spec.name.c_str(), f.spec.weight, f.plugin->name.c_str(),
                    f.plugin->version.c_str(), f.params.describe().c_str());
    print_layers(plan);
    print_warnings(plan.warnings);
}

void print_summary(const RunPlan& plan, const RunSummary& s) {
    std::printf("\nminerisk run: %s\n", scenario_label(plan.scenario).c_str());
    std::printf("grid: %s; working CRS %s (%s)\n", plan.grid.describe().c_str(), plan.inputs.crs_name.c_str(),
                plan.inputs.crs_reason.c_str());
    std::printf("as of: %s (%s)\n", date_to_string(plan.as_of).c_str(), plan.as_of_reason.c_str());
    print_layers(plan);
    std::printf("risk: min %.3f, mean %.3f, max %.3f\n", s.risk_min, s.risk_mean, s.risk_max);
    std::printf("zones: %zu at risk >= %.3f", s.zones.zones.size(), s.zones.threshold);
    const size_t shown = std::min<size_t>(5, s.zones.zones.size());
    std::printf(shown ? "; first %zu:\n" : "\n", shown);
    // Zones by rank, as the report and zones.csv name them, with the id beside it.
    for (size_t i = 0; i < shown; ++i) {
        const Zone& z = s.zones.zones[i];
        const std::string name = "rank " + std::to_string(z.rank) + " (zone id " + std::to_string(z.id) + ")";
        std::printf("  %-22s %8.1f ha  mean risk %.2f  %s\n", name.c_str(), z.area_m2 / 1e4, z.mean_risk, z.action.c_str());
    }
    if (!s.zones.survey_referrals.empty()) {
        std::int64_t incidents = 0;
        for (const auto& r : s.zones.survey_referrals) incidents += r.incidents;
        const auto& r = s.zones.survey_referrals.front();
        std::printf("survey referrals outside zones: %zu group%s of %lld incident%s far from any recorded hazard; largest: %lld "
                    "incident%s%s%s\n",
                    s.zones.survey_referrals.size(), s.zones.survey_referrals.size() == 1 ? "" : "s", (long long)incidents,
                    incidents == 1 ? "" : "s", (long long)r.incidents, r.incidents == 1 ? "" : "s",
                    r.nearest_settlement.empty() ? "" : " near ", r.nearest_settlement.c_str());
    }
    print_plans(s);
    double total = 0;
    std::printf("time per stage:");
    for (const auto& st : s.stages) {
        std::printf(" %s %.2f s;", st.name.c_str(), st.seconds);
        total += st.seconds;
    }
    std::printf(" total %.2f s\n", total);
    if (!s.notes.empty()) {
        std::printf("notes:\n");
        for (const auto& n : s.notes) std::printf("  - %s\n", n.c_str());
    }
    print_warnings(s.warnings);
    std::printf("outputs:\n");
    // Every output with its absolute path, whatever the -o given.
    for (const auto& o : s.outputs) {
        std::error_code ec;
        const std::string path = std::filesystem::absolute(o.path, ec).lexically_normal().string();
        std::printf("  %s  (%s)\n", ec ? o.path.c_str() : path.c_str(), o.what.c_str());
    }
}

}  // namespace minerisk::cli
