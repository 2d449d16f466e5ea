#include "export/qgis_layers.hpp"

#include <ogr_geometry.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <set>

#include "minerisk/scenario.hpp"
#include "export/area_outputs.hpp"
#include "export/plan_outputs.hpp"

namespace minerisk::qgis {

namespace {

// Counts features by kind and returns the kinds present, most features first (ties: point, line, polygon).
std::vector<GeomKind> kinds_by_count(const std::array<std::int64_t, 3>& count, GeomKind fallback) {
    std::vector<GeomKind> kinds;
    for (GeomKind k : {GeomKind::point, GeomKind::line, GeomKind::polygon})
        if (count[static_cast<size_t>(kind_code(k))] > 0) kinds.push_back(k);
    std::stable_sort(kinds.begin(), kinds.end(), [&](GeomKind a, GeomKind b) {
        return count[static_cast<size_t>(kind_code(a))] > count[static_cast<size_t>(kind_code(b))];
    });
    if (kinds.empty()) kinds.push_back(fallback);
    return kinds;
}

bool is_multipoint(const OGRGeometry& g) {
    const auto t = wkbFlatten(g.getGeometryType());
    return t == wkbMultiPoint || (t == wkbGeometryCollection && g.getDimension() == 0);
}

// Kinds present among the features of a layer.
void survey(const FeatureLayer* layer, GeomKind fallback, VectorLayerPlan& plan) {
    std::array<std::int64_t, 3> count{0, 0, 0};
    auto look = [&](std::int64_t i) {
        if (!layer || i < 0 || i >= layer->size() || !layer->geometry[static_cast<size_t>(i)]) return;
        const OGRGeometry& g = *layer->geometry[static_cast<size_t>(i)];
        if (g.IsEmpty()) return;
        ++count[static_cast<size_t>(kind_code(kind_of(g)))];
        if (is_multipoint(g)) plan.multi_points = true;
    };
    if (layer)
        for (std::int64_t i = 0; i < layer->size(); ++i) look(i);
    plan.kinds = kinds_by_count(count, fallback);
}

GeomKind usual_kind(const std::string& role) {
    if (role == "hazards") return GeomKind::polygon;
    if (role == "incidents" || role == "signs" || role == "sessions" || role == "settlements") return GeomKind::point;
    return GeomKind::polygon;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool is_standard(const std::string& role) {
    const auto& std_layers = standard_layers();
    return std::find(std_layers.begin(), std_layers.end(), role) != std_layers.end();
}

// A GeoPackage table name for an extra layer: its role when that is a plain name no other layer or GeoPackage
// table uses, else "extra_" + the role with every other character than letters, digits, '_' and '-' as '_'.
std::string extra_layer_name(const std::string& role, std::set<std::string>& taken) {
    std::string clean;
    for (unsigned char c : role) clean += (std::isalnum(c) || c == '_' || c == '-') ? static_cast<char>(c) : '_';
    const std::string l = lower(clean);
    const bool reserved = clean.empty() || clean != role || l.rfind("gpkg", 0) == 0 || l.rfind("rtree", 0) == 0 ||
                          l.rfind("sqlite", 0) == 0 || l.rfind("extra_", 0) == 0 || taken.count(l);
    std::string name = reserved ? "extra_" + clean : clean;
    for (int n = 2; taken.count(lower(name)); ++n) name = "extra_" + clean + "_" + std::to_string(n);
    taken.insert(lower(name));
    return name;
}

const char* standard_title(const std::string& role) {
    if (role == "hazards") return "Hazards";
    if (role == "incidents") return "Incidents";
    if (role == "settlements") return "Settlements";
    if (role == "signs") return "Signs";
    if (role == "sessions") return "Sessions";
    return "";
}

std::string standard_description(const std::string& role) {
    const std::string used = " (the input as used: in the working CRS, repaired)";
    if (role == "hazards") return "minerisk: hazard polygons by status, CHA red and SHA orange hatching" + used;
    if (role == "signs") return "minerisk: warning signs in place; drawn when zoomed in, under the hazard hatching" + used;
    if (role == "sessions") return "minerisk: risk-education sessions held" + used;
    if (role == "settlements") return "minerisk: every settlement as recorded (points or outlines); names on Settlements (ranked)" + used;
    return "minerisk: the " + role + " input" + used;
}

Style input_style(const std::string& role, GeomKind kind, const FeatureLayer& layer, bool far_field, double detail) {
    if (role == "hazards" && kind == GeomKind::polygon) return hazards_style(layer.column("status") != nullptr);
    if (role == "incidents") return incidents_style(kind, far_field);
    // No names here: every settlement is also a point of Settlements (ranked), which names it (the first ranks at
    // every scale, the others zoomed in); two labelled layers drew each name twice.
    if (role == "settlements") return settlements_style(kind, "");
    if (role == "signs") return signs_style(kind, detail);
    if (role == "sessions") return sessions_style(kind);
    return extra_style(kind);
}

int max_rank(const std::vector<int>& ranks) {
    int m = 0;
    for (int r : ranks) m = std::max(m, r);
    return m;
}

// A plan's layer (points): its table in the GeoPackage is named as its role.
VectorLayerPlan plan_layer(const char* name, const std::string& title, const std::string& description, Style style) {
    VectorLayerPlan p;
    p.name = p.role = name;
    p.title = title;
    p.description = description;
    p.kinds = {GeomKind::point};
    p.styles.push_back(std::move(style));
    return p;
}

}  // namespace

double nice_scale_below(double scale) {
    if (!(scale > 0) || !std::isfinite(scale)) return 0;
    const double decade = std::pow(10.0, std::floor(std::log10(scale)));
    double best = decade;
    for (double m : {1.0, 2.0, 2.5, 5.0})
        if (m * decade <= scale) best = m * decade;
    return best;
}

double detail_scale(const ExportContext& ctx) {
    if (!ctx.plan) return 0;
    Extent e = ctx.plan->grid.extent();
    if (!e.valid()) e = ctx.plan->inputs.extent();
    if (!e.valid()) return 0;
    // The full extent on a map about 25 cm across (a screen or an A4 page); a quarter of it shown is where the
    // dense layers and every rank's label have room.
    const double full = std::max(e.xmax - e.xmin, e.ymax - e.ymin) / 0.25;
    return std::max(1000.0, nice_scale_below(full / 4));
}

bool has_far_field(const ExportContext& ctx, const FeatureLayer& layer) {
    return layer.role == "incidents" && ctx.zones() && !ctx.zones()->incident_far_from_hazard.empty() &&
           static_cast<std::int64_t>(ctx.zones()->incident_far_from_hazard.size()) == layer.size();
}

GeomKind kind_of(const OGRGeometry& geometry) {
    switch (geometry.getDimension()) {
        case 0: return GeomKind::point;
        case 1: return GeomKind::line;
        default: return GeomKind::polygon;
    }
}

OGRwkbGeometryType VectorLayerPlan::ogr_type() const {
    if (mixed()) return wkbUnknown;
    switch (kinds.front()) {
        case GeomKind::point: return multi_points ? wkbMultiPoint : wkbPoint;
        case GeomKind::line: return wkbMultiLineString;
        default: return wkbMultiPolygon;
    }
}

std::vector<VectorLayerPlan> plan_vector_layers(const ExportContext& ctx) {
    std::vector<VectorLayerPlan> out;
    const Inputs* inputs = ctx.plan ? &ctx.plan->inputs : nullptr;
    const FeatureLayer* settlements = inputs ? inputs->find("settlements") : nullptr;
    const double detail = detail_scale(ctx);

    {
        VectorLayerPlan z;
        z.name = z.role = "zones";
        z.title = "Zones";
        z.description = "minerisk: prioritised outreach zones, ranked (1 = act here first); ranks 1-10 labelled at every scale, the others when zoomed in";
        z.kinds = {GeomKind::polygon};
        std::vector<int> ranks;
        if (ctx.zones())
            for (const auto& zone : ctx.zones()->zones) ranks.push_back(zone.rank);
        z.styles.push_back(zones_style(max_rank(ranks), detail));
        out.push_back(std::move(z));
    }
    {
        VectorLayerPlan r;
        r.name = r.role = "survey_referrals";
        r.title = "Survey referrals";
        r.description = "minerisk: survey referrals outside zones: groups of incidents far from any recorded hazard that no zone holds, for non-technical survey (label: incidents in the group)";
        r.kinds = {GeomKind::point};
        r.styles.push_back(survey_referrals_style());
        out.push_back(std::move(r));
    }
    {
        // One point per settlement (a point inside the outline where it is mapped as a polygon), so that the layer
        // opens from the GeoPackage as one Point layer with every settlement; the outlines stay in `settlements`.
        VectorLayerPlan s;
        s.name = s.role = "settlements_ranked";
        s.title = "Settlements (ranked)";
        s.description = "minerisk: settlements ranked for risk-awareness sessions (1 = first); polygons as a point inside";
        s.input = settlements;
        std::vector<int> ranks;
        if (ctx.zones())
            for (const auto& rs : ctx.zones()->settlements) ranks.push_back(rs.rank);
        s.kinds = {GeomKind::point};
        s.styles.push_back(ranked_settlements_style(max_rank(ranks), GeomKind::point, detail));
        out.push_back(std::move(s));
    }
    // The plans' layers, when the run made them (docs/sign-plan.md, docs/outreach-plan.md).
    if (ctx.plans() && ctx.plans()->signs_done)
        out.push_back(plan_layer(exports::kSignLayer, "Proposed signs",
                                 "minerisk: proposed warning signs on the unmarked hazard perimeters, labelled with the order to place them",
                                 exports::sign_plan_style(detail)));
    if (ctx.plans() && ctx.plans()->outreach_done)
        out.push_back(plan_layer(exports::kOutreachLayer, "Outreach plan",
                                 "minerisk: risk-education sessions proposed by week and facilitator (colour: the week; label, zoomed in: week and facilitator)",
                                 exports::outreach_plan_style(ctx.plans()->outreach.weeks, detail)));
    // The areas of summary_by, ranked (docs/areas.md).
    if (ctx.areas()) {
        std::vector<int> ranks;
        for (const auto& a : ctx.areas()->areas) ranks.push_back(a.rank);
        VectorLayerPlan a;
        a.name = a.role = exports::kAreaLayer;
        a.title = "Areas (ranked)";
        a.description = "minerisk: the areas of summary_by ranked (1 = allocate here first), with their figures";
        a.kinds = {GeomKind::polygon};
        a.styles.push_back(area_ranking_style(max_rank(ranks)));
        out.push_back(std::move(a));
    }
    if (!inputs) return out;

    std::set<std::string> taken = {"zones", "survey_referrals", "settlements_ranked", "layer_styles", exports::kSignLayer,
                                   exports::kOutreachLayer, exports::kAreaLayer};
    for (const auto& r : standard_layers()) taken.insert(r);
    std::vector<const FeatureLayer*> ordered;
    for (const auto& role : standard_layers())
        if (const FeatureLayer* l = inputs->find(role)) ordered.push_back(l);
    for (const auto& l : inputs->layers)
        if (!is_standard(l.role)) ordered.push_back(&l);
    for (const FeatureLayer* l : ordered) {
        VectorLayerPlan p;
        p.role = l->role;
        p.input = l;
        if (is_standard(l->role)) {
            p.name = l->role;
            p.title = standard_title(l->role);
            p.description = standard_description(l->role);
        } else {
            p.name = extra_layer_name(l->role, taken);
            p.title = l->role;
            p.description = "minerisk: the extra input layer '" + l->role + "' as used (in the working CRS, repaired)";
        }
        survey(l, usual_kind(l->role), p);
        for (GeomKind k : p.kinds) p.styles.push_back(input_style(l->role, k, *l, has_far_field(ctx, *l), detail));
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace minerisk::qgis
