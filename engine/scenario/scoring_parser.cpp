// `scoring:`: the combination method, extra plugin folders, and each factor with its weight, group, roles and
// parameters (checked against the plugin later, by resolve_params).
#include <algorithm>
#include <cctype>
#include <set>

#include "scenario/sections.hpp"

namespace minerisk::sections {
namespace {

using namespace yaml;

// What a factor may be asked to do beyond its score (`roles:`); plugin.h's descriptor says what each means.
const std::vector<std::string>& factor_roles() {
    static const std::vector<std::string> roles = {"baseline", "hazard_rules", "sign_cover"};
    return roles;
}

ParamText parse_param(MapReader& r, const std::string& key, const YAML::Node& n) {
    ParamText p;
    p.name = key;
    p.where = r.where(n);
    if (n.IsMap()) {
        p.is_table = true;
        MapReader tr(n, r.child_path(key), r.file());
        for (auto it = n.begin(); it != n.end(); ++it) {
            if (!it->second.IsScalar())
                throw Error("'" + tr.child_path(it->first.as<std::string>("")) + "' must be a single value", tr.where(it->second));
            p.table.emplace_back(it->first.as<std::string>(""), it->second.Scalar());
        }
    } else if (n.IsScalar()) {
        p.text = n.Scalar();
    } else if (n.IsNull()) {
        p.text = "";
    } else {
        throw Error("parameter '" + r.child_path(key) + "' must be a value or a table of 'key: value'", p.where);
    }
    return p;
}

// `params:` of the factor at `path`, kept as written.
void parse_params(MapReader& fr, const YAML::Node& n, const std::string& path, FactorSpec& f) {
    if (!n.IsMap() && !n.IsNull()) throw Error("'" + path + ".params' must be a mapping", fr.where(n));
    MapReader pr(n, path + ".params", fr.file());
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string key = it->first.as<std::string>("");
        for (const auto& earlier : f.params)
            if (earlier.name == key)
                throw Error("the parameter '" + key + "' appears twice in '" + path + ".params'", pr.where(it->first),
                            "keep one of them (YAML would silently use the first)");
        f.params.push_back(parse_param(pr, key, it->second));
    }
}

// `roles:` of a factor: a list of the known roles (or one role); `[]` for none. It replaces the roles the
// plugin's descriptor declares.
void parse_roles(MapReader& fr, const YAML::Node& n, FactorSpec& f) {
    const std::string example = "'roles: [baseline]'";
    const std::vector<std::string> written = scalar_list(fr, n, "roles", "role", example);
    const std::vector<std::string>& known = factor_roles();
    for (size_t i = 0; i < written.size(); ++i) {
        const std::string& role = written[i];
        const Location at = fr.where(n.IsSequence() ? n[i] : n);
        if (std::find(known.begin(), known.end(), role) == known.end()) {
            const std::string near = closest(role, known);
            throw Error("'" + fr.child_path("roles") + "' has the unknown role '" + role + "'", at,
                        (near.empty() ? std::string() : "did you mean '" + near + "'? ") + "the roles are: " + join(known));
        }
        if (std::find(f.roles.begin(), f.roles.end(), role) != f.roles.end())
            throw Error("the role '" + role + "' appears twice in '" + fr.child_path("roles") + "'", at, "keep one of them");
        f.roles.push_back(role);
    }
    f.roles_given = true;
}

FactorSpec parse_factor(const YAML::Node& node, const std::string& path, const std::string& file) {
    MapReader fr(node, path, file);
    fr.require_map();
    fr.allow({"plugin", "name", "weight", "group", "roles", "params"});
    fr.check_unknown();
    FactorSpec f;
    f.where = fr.where();
    auto plugin = fr.get("plugin");
    if (!plugin) throw Error("'" + path + "' has no 'plugin'", fr.where(), "name the plugin, e.g. 'plugin: hazard_proximity'");
    f.plugin = scalar(fr, plugin, "plugin");
    f.name = f.plugin;
    if (auto n = fr.get("name")) f.name = scalar(fr, n, "name");
    if (f.name.empty()) throw Error("'" + path + ".name' is empty", fr.where(), "name the factor, or leave 'name' out");
    if (auto n = fr.get("weight")) f.weight = number(fr, n, "weight", 0.0, 1e6);
    if (auto n = fr.get("group")) f.group = choice(fr, n, "group", {"likelihood", "consequence"});
    if (auto n = fr.get("roles")) parse_roles(fr, n, f);
    if (auto n = fr.get("params")) parse_params(fr, n, path, f);
    fr.check_unknown();
    for (char c : f.name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
            throw Error("factor name '" + f.name + "' has characters that cannot be in a file name", fr.where(),
                        "use letters, digits, '_' and '-'");
    return f;
}

// The weights must leave something to combine: a positive total, and with likelihood_consequence a positive
// weight in each group.
void check_weights(const ScoringSpec& s, const Location& factors_where) {
    double total = 0;
    for (const auto& f : s.factors) total += f.weight;
    if (total <= 0)
        throw Error("all factor weights are zero", factors_where, "give at least one factor a positive 'weight'");
    if (s.method == "likelihood_consequence") {
        for (const char* g : {"likelihood", "consequence"}) {
            double w = 0;
            for (const auto& f : s.factors) if (f.group == g) w += f.weight;
            if (w <= 0) throw Error(std::string("no factor with a positive weight in group '") + g + "'", factors_where,
                                    "likelihood_consequence multiplies two groups: each needs at least one factor");
        }
    }
}

}  // namespace

void parse_scoring(MapReader& top, const YAML::Node& node, Scenario& sc) {
    MapReader r(node, "scoring", top.file());
    r.require_map();
    sc.scoring.where = r.where();
    if (auto n = r.get("method"))
        sc.scoring.method = choice(r, n, "method", {"weighted_sum", "weighted_product", "maximum", "likelihood_consequence", "fitted"});
    if (auto n = r.get("fit_years")) {
        if (sc.scoring.method != "fitted")
            throw Error("'fit_years' goes with 'method: fitted'", r.where(n), "remove it, or set 'method: fitted'");
        sc.scoring.fit_years = number(r, n, "fit_years", 0.25, 50.0, "years");
    }
    if (auto n = r.get("plugin_paths")) {
        if (n.IsScalar()) sc.scoring.plugin_paths.push_back(resolve_path(sc.dir, n.Scalar()));
        else if (n.IsSequence())
            for (const auto& p : n) sc.scoring.plugin_paths.push_back(resolve_path(sc.dir, scalar(r, p, "plugin_paths")));
        else throw Error("'scoring.plugin_paths' must be a folder or a list of folders", r.where(n));
    }
    auto factors = r.get("factors");
    r.check_unknown();
    if (!factors || !factors.IsSequence() || factors.size() == 0)
        throw Error("'scoring' has no 'factors' list", factors ? r.where(factors) : r.where(),
                    "add 'factors:' with one '- plugin: NAME' entry per factor (see docs/scenario.md)");
    std::set<std::string> names;
    for (size_t i = 0; i < factors.size(); ++i) {
        const std::string path = "scoring.factors[" + std::to_string(i + 1) + "]";
        FactorSpec f = parse_factor(factors[i], path, top.file());
        if (!names.insert(f.name).second)
            throw Error("two factors are named '" + f.name + "'", f.where, "give one of them a different 'name:'");
        if (sc.scoring.method == "likelihood_consequence" && f.group.empty())
            throw Error("'" + path + "' has no 'group'", f.where,
                        "with method likelihood_consequence each factor needs 'group: likelihood' or 'group: consequence'");
        sc.scoring.factors.push_back(std::move(f));
    }
    check_weights(sc.scoring, r.where(factors));
}

}  // namespace minerisk::sections
