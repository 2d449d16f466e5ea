// How much an incident weighs by its casualties and its age: incident_density and incident_proximity count
// incidents the same way, so that a programme's casualty weights mean the same in both factors. Header-only,
// for the built-in plugins: it reads the incidents through the plugin interface's host table.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "minerisk/plugin.hpp"

namespace minerisk::alg {

// The casualty formula's parameters: killed_weight, injured_weight, min_weight and weight_field.
struct CasualtyRule {
    double killed_weight = 1, injured_weight = 1, min_weight = 0.5;
    std::string field;  // a numeric attribute used instead of the formula; empty: the formula

    // From a plugin's parameters of those names. Throws when weight_field names an attribute the incidents
    // layer does not map, since every incident would then silently get min_weight.
    static CasualtyRule from(const mr_host* host, const plugin::Params& p) {
        CasualtyRule r;
        r.killed_weight = p.number("killed_weight", 1);
        r.injured_weight = p.number("injured_weight", 1);
        r.min_weight = p.number("min_weight", 0.5);
        r.field = p.text("weight_field");
        if (!r.field.empty() && !host->has_attribute(host->ctx, "incidents", r.field.c_str()))
            throw std::runtime_error("weight_field '" + r.field + "' is not a mapped attribute of the incidents layer "
                                     "(map it under inputs.incidents.fields)");
        return r;
    }

    // max(min_weight, killed_weight * killed + injured_weight * injured); an incident recorded with `casualties`
    // only counts each casualty at the mean of the two weights. With a field: its value, or min_weight when it
    // has none (then `unweighted` is counted up).
    double weight(const mr_host* host, std::int64_t f, std::int64_t& unweighted) const {
        if (!field.empty()) {
            const double w = host->attr_number(host->ctx, "incidents", f, field.c_str());
            if (std::isnan(w)) {
                ++unweighted;
                return min_weight;
            }
            return w;
        }
        const double k = host->attr_number(host->ctx, "incidents", f, "killed");
        const double i = host->attr_number(host->ctx, "incidents", f, "injured");
        const double c = host->attr_number(host->ctx, "incidents", f, "casualties");
        double cas = (std::isnan(k) ? 0 : killed_weight * k) + (std::isnan(i) ? 0 : injured_weight * i);
        if (std::isnan(k) && std::isnan(i) && !std::isnan(c)) cas = c * (killed_weight + injured_weight) / 2;
        return std::max(min_weight, cas);
    }
};

}  // namespace minerisk::alg
