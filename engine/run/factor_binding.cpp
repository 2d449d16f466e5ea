// Factors bound to plugins, their roles, and the run's HazardRules.
//
// The rules have one home (plan.hazard_rules) and one source each: the first factor with the "hazard_rules" role
// gives the class and ordnance weights and the excluded statuses (its parameters as set, or its defaults); the
// first with "sign_cover" the ignored sign conditions. A rule no factor with the role gives comes from the first
// factor that sets it explicitly, else the defaults. Every other factor that declares the rule's parameter and
// leaves it unset then takes the rule's value as its default: one excluded_statuses reaches every factor, the
// zones, the plans and the report.
#include "run/factor_binding.hpp"

#include <cstdio>

#include "core/text.hpp"
#include "minerisk/error.hpp"
#include "minerisk/plugin.hpp"

namespace minerisk {

namespace {

using text::join;

// The roles a descriptor declares: '|'-separated in mr_plugin::roles (plugin interface 2); none before.
std::vector<std::string> descriptor_roles(const mr_plugin* api) {
    std::vector<std::string> out;
    if (!api || api->abi_version < 2 || !api->roles) return out;
    std::string s = api->roles;
    size_t at = 0;
    while (at <= s.size()) {
        size_t end = s.find('|', at);
        if (end == std::string::npos) end = s.size();
        std::string r = s.substr(at, end - at);
        if (!r.empty()) out.push_back(r);
        at = end + 1;
    }
    return out;
}

const LoadedPlugin& find_plugin(const RunPlan& plan, const FactorSpec& f) {
    const LoadedPlugin* p = plan.registry.find(f.plugin);
    if (p) return *p;
    // A library of that name that was refused says more than "unknown".
    for (const auto& problem : plan.registry.problems())
        if (problem.find("/" + f.plugin + ".so") != std::string::npos)
            throw Error("plugin '" + f.plugin + "' was found but refused: " + problem, f.where);
    std::vector<std::string> names;
    for (const auto& q : plan.registry.plugins()) names.push_back(q.name);
    std::string hint = "installed plugins: " + (names.empty() ? std::string("(none)") : join(names)) +
                       "; folders searched: " + join(plan.registry.folders());
    if (!plan.registry.problems().empty()) hint += "; libraries refused: " + join(plan.registry.problems(), "; ");
    throw Error("unknown plugin '" + f.plugin + "'", f.where, hint);
}

bool declares(const BoundFactor& f, const char* param) {
    for (int i = 0; i < f.plugin->api->param_count; ++i)
        if (std::string(f.plugin->api->params[i].name) == param) return true;
    return false;
}

bool given(const BoundFactor& f, const char* param) {
    for (const auto& p : f.spec.params)
        if (p.name == param) return true;
    return false;
}

std::string number_text(double v) {
    char b[40];
    std::snprintf(b, sizeof b, "%.17g", v);
    return b;
}

// One rule: which parameters carry it, which role gives it, and how it moves between a factor and the rules.
struct Rule {
    const char* param;
    const char* role;
    std::string HazardRules::*from;
    // The factor's value into the rules.
    void (*take)(HazardRules&, const plugin::Params&, const char*);
    // The rules' value as a parameter written in a scenario, for a factor that leaves it unset; and whether the
    // factor's resolved value already equals it.
    ParamText (*as_param)(const HazardRules&, const char*);
    bool (*same)(const HazardRules&, const plugin::Params&, const char*);
};

ParamText table_param(const char* name, const std::map<std::string, double>& t) {
    ParamText p;
    p.name = name;
    p.is_table = true;
    for (const auto& [k, v] : t) p.table.emplace_back(k, number_text(v));
    return p;
}

ParamText text_param(const char* name, const std::string& text) {
    ParamText p;
    p.name = name;
    p.text = text;
    return p;
}

bool same_table(const std::map<std::string, double>& a, const std::map<std::string, double>& b) {
    if (a.size() != b.size()) return false;
    for (const auto& [k, v] : a) {
        const auto it = b.find(plugin::Params::lower(k));
        if (it == b.end() || it->second != v) return false;
    }
    return true;
}

const Rule kRules[] = {
    {"class_weights", "hazard_rules", &HazardRules::weights_from,
     [](HazardRules& r, const plugin::Params& p, const char* n) { r.class_weights = p.table(n); },
     [](const HazardRules& r, const char* n) { return table_param(n, r.class_weights); },
     [](const HazardRules& r, const plugin::Params& p, const char* n) { return same_table(r.class_weights, p.table(n)); }},
    {"default_class_weight", "hazard_rules", &HazardRules::weights_from,
     [](HazardRules& r, const plugin::Params& p, const char* n) { r.default_class_weight = p.number(n, r.default_class_weight); },
     [](const HazardRules& r, const char* n) { return text_param(n, number_text(r.default_class_weight)); },
     [](const HazardRules& r, const plugin::Params& p, const char* n) { return p.number(n) == r.default_class_weight; }},
    {"ordnance_weights", "hazard_rules", &HazardRules::weights_from,
     [](HazardRules& r, const plugin::Params& p, const char* n) { r.ordnance_weights = p.table(n); },
     [](const HazardRules& r, const char* n) { return table_param(n, r.ordnance_weights); },
     [](const HazardRules& r, const plugin::Params& p, const char* n) { return same_table(r.ordnance_weights, p.table(n)); }},
    {"default_ordnance_weight", "hazard_rules", &HazardRules::weights_from,
     [](HazardRules& r, const plugin::Params& p, const char* n) { r.default_ordnance_weight = p.number(n, r.default_ordnance_weight); },
     [](const HazardRules& r, const char* n) { return text_param(n, number_text(r.default_ordnance_weight)); },
     [](const HazardRules& r, const plugin::Params& p, const char* n) { return p.number(n) == r.default_ordnance_weight; }},
    {"excluded_statuses", "hazard_rules", &HazardRules::statuses_from,
     [](HazardRules& r, const plugin::Params& p, const char* n) { r.excluded_statuses = HazardRules::normalised_statuses(p.list(n)); },
     [](const HazardRules& r, const char* n) { return text_param(n, join(r.excluded_statuses, ",")); },
     [](const HazardRules& r, const plugin::Params& p, const char* n) {
         return HazardRules::normalised_statuses(p.list(n)) == r.excluded_statuses;
     }},
    {"ignored_conditions", "sign_cover", &HazardRules::signs_from,
     [](HazardRules& r, const plugin::Params& p, const char* n) { r.ignored_sign_conditions = p.list(n); },
     [](const HazardRules& r, const char* n) { return text_param(n, join(r.ignored_sign_conditions, ",")); },
     [](const HazardRules& r, const plugin::Params& p, const char* n) { return p.list(n) == r.ignored_sign_conditions; }},
};

// The factor that gives a rule: the first with the rule's role that declares its parameter, else the first that
// sets it explicitly; -1 for the defaults.
int source_of(const std::vector<BoundFactor>& factors, const Rule& rule) {
    for (size_t k = 0; k < factors.size(); ++k)
        if (factors[k].has_role(rule.role) && declares(factors[k], rule.param)) return static_cast<int>(k);
    for (size_t k = 0; k < factors.size(); ++k)
        if (given(factors[k], rule.param)) return static_cast<int>(k);
    return -1;
}

void build_hazard_rules(RunPlan& plan) {
    HazardRules& rules = plan.hazard_rules;
    rules = HazardRules{};
    if (const InputSpec* hazards = plan.scenario.input("hazards")) rules.point_radius = hazards->point_radius;
    std::vector<int> source;
    for (const Rule& rule : kRules) {
        const int k = source_of(plan.factors, rule);
        source.push_back(k);
        if (k < 0) continue;
        const BoundFactor& f = plan.factors[static_cast<size_t>(k)];
        rule.take(rules, plugin::Params(f.params.data(), f.params.size()), rule.param);
        rules.*(rule.from) = "the factor '" + f.spec.name + "'";
    }
    // The other factors follow the rules where the scenario leaves them free.
    for (size_t k = 0; k < plan.factors.size(); ++k) {
        BoundFactor& f = plan.factors[k];
        std::vector<ParamText> params = f.spec.params;
        bool changed = false;
        for (size_t r = 0; r < std::size(kRules); ++r) {
            const Rule& rule = kRules[r];
            if (source[r] == static_cast<int>(k) || !declares(f, rule.param)) continue;
            const plugin::Params p(f.params.data(), f.params.size());
            if (rule.same(rules, p, rule.param)) continue;
            if (given(f, rule.param)) {
                plan.warnings.push_back("factor '" + f.spec.name + "' sets " + rule.param + " unlike the run's hazard rules, which " +
                                        rules.*(rule.from) + " gives: this factor follows its own, the zones, plans and "
                                        "report follow the rules. Set it on one factor only, so that all agree");
                continue;
            }
            ParamText t = rule.as_param(rules, rule.param);
            t.where = f.spec.where;
            params.push_back(std::move(t));
            changed = true;
        }
        if (changed) f.params = resolve_params(*f.plugin->api, params, f.spec.where);
    }
}

}  // namespace

bool BoundFactor::has_role(const std::string& role) const {
    for (const auto& r : roles)
        if (r == role) return true;
    return false;
}

const std::string& BoundFactor::plugin_name() const { return plugin ? plugin->name : spec.plugin; }

const BoundFactor* RunPlan::factor_with_role(const std::string& role) const {
    for (const auto& f : factors)
        if (f.has_role(role)) return &f;
    return nullptr;
}

void bind_factors(RunPlan& plan) {
    const Scenario& sc = plan.scenario;
    plan.registry.scan(PluginRegistry::search_path(sc.scoring.plugin_paths));
    for (const auto& f : sc.scoring.factors) {
        const LoadedPlugin& p = find_plugin(plan, f);
        for (const auto& other : plan.registry.hidden_by(f.plugin))
            plan.warnings.push_back("plugin '" + f.plugin + "' is taken from " + p.path + ", which hides " + other +
                                    " found later on the plugin path (scenario plugin_paths, then MINERISK_PLUGIN_PATH, then "
                                    "the built-in folder): check that this is the one you mean");
        BoundFactor b;
        b.spec = f;
        b.plugin = &p;
        b.params = resolve_params(*p.api, f.params, f.where);
        b.roles = f.roles_given ? f.roles : descriptor_roles(p.api);
        for (int i = 0; i < p.api->required_layer_count; ++i) {
            const std::string layer = p.api->required_layers[i];
            if (!sc.input(layer))
                throw Error("plugin '" + f.plugin + "' needs the '" + layer + "' input, which the scenario does not declare",
                            f.where, "add '" + layer + ":' under 'inputs:', or remove this factor");
        }
        plan.factors.push_back(std::move(b));
    }
    build_hazard_rules(plan);
}

}  // namespace minerisk
