// The settings sections of a scenario: zones, outputs, run, and the plans that follow the zones
// (uncertainty, sign_plan, outreach_plan: docs/uncertainty.md, sign-plan.md, outreach-plan.md). The ranges of
// run and the plans are those of minerisk/scenario_limits.hpp, which the command line shares.
#include <algorithm>
#include <cctype>

#include "scenario/sections.hpp"

namespace minerisk::sections {

using namespace yaml;

void parse_zones(MapReader& top, const YAML::Node& node, Scenario& sc) {
    MapReader r(node, "zones", top.file());
    r.require_map();
    if (auto n = r.get("threshold")) sc.zones.threshold = number(r, n, "threshold", 0.0, 1.0);
    if (auto n = r.get("top_percent")) sc.zones.top_percent = number(r, n, "top_percent", 0.001, 100.0, "percent");
    if (auto n = r.get("min_area")) sc.zones.min_area = number(r, n, "min_area", 0.0, 1e12, "m2");
    if (auto n = r.get("fill_holes")) sc.zones.fill_holes = number(r, n, "fill_holes", 0.0, 1e12, "m2");
    if (auto n = r.get("reach")) sc.zones.reach = number(r, n, "reach", 0.0, 1e6, "metres");
    if (auto n = r.get("recent_days")) sc.zones.recent_days = number(r, n, "recent_days", 0.0, 36500, "days");
    if (auto n = r.get("survey_distance")) sc.zones.survey_distance = number(r, n, "survey_distance", 0.0, 1e6, "metres");
    if (auto n = r.get("sign_cover")) sc.zones.sign_cover = number(r, n, "sign_cover", 0.0, 1e5, "metres");
    if (auto n = r.get("session_stale_days")) sc.zones.session_stale_days = number(r, n, "session_stale_days", 0.0, 36500, "days");
    r.check_unknown();
    if (sc.zones.threshold && sc.zones.top_percent)
        throw Error("'zones' sets both 'threshold' and 'top_percent'", r.where(), "keep one of them");
}

void parse_outputs(MapReader& top, const YAML::Node& node, Scenario& sc) {
    MapReader r(node, "outputs", top.file());
    r.require_map();
    if (auto n = r.get("factors")) sc.outputs.factors = boolean(r, n, "factors");
    if (auto n = r.get("extra_bands")) sc.outputs.extra_bands = boolean(r, n, "extra_bands");
    if (auto n = r.get("format")) sc.outputs.format = choice(r, n, "format", {"COG", "GTiff"});
    if (auto n = r.get("report")) sc.outputs.report = boolean(r, n, "report");
    if (auto n = r.get("qgis")) sc.outputs.qgis = boolean(r, n, "qgis");
    if (auto n = r.get("database")) {
        sc.outputs.database = scalar(r, n, "database");
        sc.outputs.database_where = r.where(n);
        const std::string& d = sc.outputs.database;
        if (d.rfind("PG:", 0) != 0 && d.rfind("postgresql://", 0) != 0 && d.rfind("postgres://", 0) != 0)
            throw Error("'outputs.database' is not a PostgreSQL connection", r.where(n),
                        "write it as GDAL does: \"PG:host=... dbname=... user=...\" (docs/database.md)");
    }
    if (auto n = r.get("schema")) {
        sc.outputs.schema = scalar(r, n, "schema");
        const std::string& s = sc.outputs.schema;
        bool ok = !s.empty() && s.size() <= 63 && !std::isdigit(static_cast<unsigned char>(s[0]));
        for (char c : s) ok = ok && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_');
        if (!ok)
            throw Error("'outputs.schema' is '" + s + "'", r.where(n),
                        "name the schema in lower case letters, digits and '_' (up to 63, not starting with a digit)");
    }
    if (auto n = r.get("compress")) {
        std::string c = scalar(r, n, "compress");
        for (auto& ch : c) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        sc.outputs.compress = c;
        const std::vector<std::string> ok = {"ZSTD", "DEFLATE", "LZW", "NONE"};
        if (std::find(ok.begin(), ok.end(), c) == ok.end()) {
            const std::string near = closest(c, ok);
            throw Error("'outputs.compress' is '" + n.Scalar() + "'", r.where(n),
                        (near.empty() ? std::string() : "did you mean '" + near + "'? ") + "choose one of: " + join(ok));
        }
    }
    if (auto n = r.get("qgis_source")) {
        sc.outputs.qgis_source = choice(r, n, "qgis_source", {"file", "database"});
        if (sc.outputs.qgis_source == "database" && sc.outputs.database.empty())
            throw Error("'outputs.qgis_source' is 'database' but no 'outputs.database' is given", r.where(n),
                        "add 'database: \"PG:...\"', or remove qgis_source");
    }
    r.check_unknown();
}

void parse_run(MapReader& top, const YAML::Node& node, Scenario& sc) {
    namespace lim = limits::run;
    MapReader r(node, "run", top.file());
    r.require_map();
    if (auto n = r.get(lim::threads.key)) sc.run.threads = static_cast<unsigned>(integer(r, n, lim::threads));
    if (auto n = r.get(lim::tile_size.key)) sc.run.tile_size = static_cast<int>(integer(r, n, lim::tile_size));
    if (auto n = r.get(lim::max_memory_mb.key)) sc.run.max_memory_mb = number(r, n, lim::max_memory_mb);
    if (auto n = r.get(lim::max_cells.key)) sc.run.max_cells = number(r, n, lim::max_cells);
    r.check_unknown();
}

// `uncertainty.parameters`: a range [low, high] per parameter; any name (the run says which it can redraw,
// once it knows the factors).
void parse_uncertain_parameters(MapReader& r, const YAML::Node& n, UncertaintySpec& u) {
    MapReader pr(n, r.child_path("parameters"), r.file());
    pr.require_map();
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string key = it->first.as<std::string>("");
        pr.get(key);  // any name: the run says which it can redraw, once it knows the factors
        const YAML::Node v = it->second;
        if (!v.IsSequence() || v.size() != 2 || !v[0].IsScalar() || !v[1].IsScalar())
            throw Error("'" + pr.child_path(key) + "' must be a range [low, high]", pr.where(v.IsNull() ? it->first : v),
                        "e.g. " + key + ": [0.8, 1.2]");
        UncertainParameter p;
        p.name = key;
        p.where = pr.where(it->first);
        p.low = number(pr, v[0], key, -1e12, 1e12);
        p.high = number(pr, v[1], key, -1e12, 1e12);
        if (p.low > p.high)
            throw Error("'" + pr.child_path(key) + "' is [" + v[0].Scalar() + ", " + v[1].Scalar() + "]: its low end is above its high end",
                        pr.where(v), "write [low, high]");
        u.parameters.push_back(p);
    }
    pr.check_unknown();
}

void parse_uncertainty(MapReader& top, const YAML::Node& node, Scenario& sc) {
    namespace lim = limits::uncertainty;
    MapReader r(node, "uncertainty", top.file());
    r.require_map();
    UncertaintySpec& u = sc.uncertainty;
    u.where = r.where();
    if (auto n = r.get(lim::draws.key)) u.draws = static_cast<int>(integer(r, n, lim::draws));
    if (auto n = r.get(lim::spread.key)) u.spread = number(r, n, lim::spread);
    if (auto n = r.get(lim::concentration.key)) u.concentration = number(r, n, lim::concentration);
    if (auto n = r.get(lim::top_k.key)) u.top_k = static_cast<int>(integer(r, n, lim::top_k));
    if (auto n = r.get(lim::seed.key)) u.seed = static_cast<std::uint64_t>(integer(r, n, lim::seed));
    if (auto n = r.get("parameters")) parse_uncertain_parameters(r, n, u);
    r.check_unknown();
    if (u.concentration && node["spread"])
        throw Error("'uncertainty' sets both 'spread' and 'concentration'", r.where(), "keep one of them");
}

void parse_sign_plan(MapReader& top, const YAML::Node& node, Scenario& sc) {
    namespace lim = limits::sign_plan;
    MapReader r(node, "sign_plan", top.file());
    r.require_map();
    SignPlanSpec& s = sc.sign_plan;
    s.where = r.where();
    if (auto n = r.get(lim::signs.key)) s.signs = static_cast<int>(integer(r, n, lim::signs));
    if (auto n = r.get(lim::spacing.key)) s.spacing = number(r, n, lim::spacing);
    if (auto n = r.get(lim::cover.key)) s.cover = number(r, n, lim::cover);
    r.check_unknown();
}

// `outreach_plan.bases`: one base or a list; each a settlement's id or name, or "lon,lat".
void parse_bases(MapReader& r, const YAML::Node& n, OutreachPlanSpec& o) {
    if (n.IsScalar()) {
        o.bases = {n.Scalar()};
        o.base_where = {r.where(n)};
    } else if (n.IsSequence()) {
        for (const auto& b : n) {
            if (!b.IsScalar())
                throw Error("each of 'outreach_plan.bases' must be a settlement or \"lon,lat\"", r.where(b),
                            "write bases: [Aghdam, \"46.95,39.87\"]");
            o.bases.push_back(b.Scalar());
            o.base_where.push_back(r.where(b));
        }
    } else {
        throw Error("'outreach_plan.bases' must be a base or a list of bases", r.where(n), "write bases: [Aghdam, \"46.95,39.87\"]");
    }
}

void parse_outreach_plan(MapReader& top, const YAML::Node& node, Scenario& sc) {
    namespace lim = limits::outreach_plan;
    MapReader r(node, "outreach_plan", top.file());
    r.require_map();
    OutreachPlanSpec& o = sc.outreach_plan;
    o.where = r.where();
    if (auto n = r.get(lim::facilitators.key)) o.facilitators = static_cast<int>(integer(r, n, lim::facilitators));
    if (auto n = r.get("bases")) parse_bases(r, n, o);
    if (auto n = r.get(lim::sessions_per_week.key))
        o.sessions_per_week = static_cast<int>(integer(r, n, lim::sessions_per_week));
    if (auto n = r.get(lim::weeks.key)) o.weeks = static_cast<int>(integer(r, n, lim::weeks));
    if (auto n = r.get(lim::travel_km.key)) o.travel_km = number(r, n, lim::travel_km);
    if (auto n = r.get(lim::max_travel_km.key)) o.max_travel_km = number(r, n, lim::max_travel_km);
    if (auto n = r.get(lim::top.key)) o.top = static_cast<int>(integer(r, n, lim::top));
    r.check_unknown();
}

}  // namespace minerisk::sections
