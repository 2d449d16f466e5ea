#include "run/as_of.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "minerisk/dates.hpp"

namespace minerisk {

namespace {

// "feature 12 ('HA-0012') on 2200-12-31": a record as the warnings name it.
std::string record(const FeatureLayer& l, size_t i, const std::string& role, double date) {
    std::string s = "feature " + std::to_string(i < l.fid.size() ? l.fid[i] : static_cast<std::int64_t>(i));
    const Column* id = l.column("id");
    if (id && i < id->text.size() && !id->text[i].empty()) s += " ('" + id->text[i] + "')";
    return s + " has " + role + " " + date_to_string(date);
}

}  // namespace

void choose_as_of(RunPlan& plan, double today) {
    if (plan.scenario.as_of) {
        plan.as_of = *plan.scenario.as_of;
        plan.as_of_reason = "from the scenario";
        return;
    }
    double latest = -INFINITY;
    for (const auto& l : plan.inputs.layers) {
        std::int64_t future = 0;
        std::vector<std::string> named;
        for (const auto& [role, col] : l.columns) {
            if (col.type != "date") continue;
            for (size_t i = 0; i < col.number.size(); ++i) {
                const double d = col.number[i];
                if (!std::isfinite(d)) continue;
                if (d <= today) {
                    latest = std::max(latest, d);
                    continue;
                }
                ++future;
                if (named.size() < 3) named.push_back(record(l, i, role, d));
            }
        }
        if (future == 0) continue;
        std::string list;
        for (const auto& n : named) list += (list.empty() ? "" : "; ") + n;
        if (future > static_cast<std::int64_t>(named.size())) list += "; ...";
        plan.warnings.push_back(l.role + " (" + l.stats.layer_name + "): " + std::to_string(future) +
                                " date(s) after today (" + date_to_string(today) +
                                ") left out of the default as-of date (" + list +
                                "). Correct them in the source, or set as_of in the scenario");
    }
    if (std::isfinite(latest)) {
        plan.as_of = latest;
        plan.as_of_reason = "the latest date in the inputs";
    } else {
        plan.as_of = today;
        plan.as_of_reason = "today (no dates in the inputs)";
    }
}

}  // namespace minerisk
