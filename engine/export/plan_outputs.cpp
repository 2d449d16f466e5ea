// The plans' files: rank_stability.csv, sign_plan.csv, sign_plan.gpx, outreach_plan.csv, and the GeoPackage
// layers sign_plan and outreach_plan with their QGIS styles. CSVs follow report_csv.cpp (RFC 4180, '.' decimals,
// no grouping, CRLF); GPX is 1.1, WGS 84, no timestamps (the same inputs give the same file).
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "export/qgis_gpkg.hpp"
#include "export/qgis_styles.hpp"
#include "export/qgis_xml.hpp"
#include "export/report_format.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "export/plan_outputs.hpp"

namespace fs = std::filesystem;

namespace minerisk::exports {

namespace {

using report::csv_record;
using report::fixed;

std::string date_text(double d) { return std::isfinite(d) ? date_to_string(d) : std::string(); }

std::string order_name(int order, size_t count) {
    const int digits = std::max<int>(3, static_cast<int>(std::to_string(count).size()));
    char b[32];
    std::snprintf(b, sizeof b, "S%0*d", digits, order);
    return b;
}

// ---- GeoPackage ------------------------------------------------------------------------------------------------

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    const std::string gdal = CPLGetLastErrorMsg();
    throw Error(what + (gdal.empty() ? "" : ": " + gdal), Location{path}, "check that the output folder is writable and has free space");
}

struct Field {
    const char* name;
    OGRFieldType type;
    OGRFieldSubType sub = OFSTNone;
};

OGRLayer* make_layer(GDALDataset& ds, const char* name, const char* description, OGRSpatialReference* srs,
                     const std::vector<Field>& fields, const std::string& path) {
    CPLStringList opts;
    opts.SetNameValue("FID", "fid");
    opts.SetNameValue("GEOMETRY_NAME", qgis::kGeometryColumn);
    opts.SetNameValue("SPATIAL_INDEX", "YES");
    opts.SetNameValue("DESCRIPTION", description);
    OGRLayer* layer = ds.CreateLayer(name, srs, wkbPoint, opts.List());
    if (!layer) fail(std::string("cannot create the layer '") + name + "'", path);
    for (const Field& f : fields) {
        OGRFieldDefn d(f.name, f.type);
        d.SetSubType(f.sub);
        if (layer->CreateField(&d) != OGRERR_NONE) fail(std::string("cannot add the field '") + f.name + "' to " + name, path);
    }
    return layer;
}

void set_real(OGRFeature& f, int i, double v) {
    if (std::isfinite(v)) f.SetField(i, v);
    else f.SetFieldNull(i);
}

// A date field from days since 1970-01-01 (a date in the GeoPackage, not text); null for NaN.
void set_date(OGRFeature& f, int i, double days) {
    int y = 0, m = 0, d = 0;
    if (std::isfinite(days) && std::sscanf(date_to_string(days).c_str(), "%d-%d-%d", &y, &m, &d) == 3) f.SetField(i, y, m, d);
    else f.SetFieldNull(i);
}

double rounded(double v, double step) { return std::isfinite(v) ? std::round(v / step) * step : v; }

template <class Fn>
void in_transaction(GDALDataset& ds, const std::string& path, Fn&& fn) {
    if (ds.StartTransaction() != OGRERR_NONE) fail("cannot start writing", path);
    fn();
    if (ds.CommitTransaction() != OGRERR_NONE) fail("cannot finish writing", path);
}

// ---- QGIS styles -------------------------------------------------------------------------------------------------

using qgis::Xml;

using qgis::symbol_layer;

Xml marker(const std::string& name, const std::string& shape, const std::string& fill, const std::string& outline,
           double outline_width, double size) {
    Xml s("symbol");
    s.attr("type", "marker").attr("name", name).attr("alpha", "1").attr("clip_to_extent", "1").attr("force_rhr", "0");
    s.add(symbol_layer("SimpleMarker", {{"angle", "0"},
                                        {"color", fill},
                                        {"joinstyle", "bevel"},
                                        {"name", shape},
                                        {"offset", "0,0"},
                                        {"offset_unit", "MM"},
                                        {"outline_color", outline},
                                        {"outline_style", "solid"},
                                        {"outline_width", qgis::number_text(outline_width)},
                                        {"outline_width_unit", "MM"},
                                        {"scale_method", "diameter"},
                                        {"size", qgis::number_text(size)},
                                        {"size_unit", "MM"},
                                        {"vertical_anchor_point", "1"},
                                        {"horizontal_anchor_point", "1"}}));
    return s;
}

Xml renderer(const std::string& type) {
    Xml r("renderer-v2");
    r.attr("type", type).attr("symbollevels", "0").attr("forceraster", "0").attr("enableorderby", "0").attr("referencescale", "-1");
    return r;
}

}  // namespace

// ---- CSV and GPX ---------------------------------------------------------------------------------------------------

std::string stability_csv(const Stability& st) {
    std::string out = csv_record({"kind", "rank", "zone_id", "settlement", "priority", "p_top_k", "top_k", "rank_p05",
                                  "rank_median", "rank_p95", "settled", "draws"});
    auto row = [&](const char* kind, const RankSpread& r) {
        out += csv_record({kind, std::to_string(r.rank), r.id > 0 ? std::to_string(r.id) : "", r.name, fixed(r.priority, 4),
                           fixed(r.p_top_k, 3), std::to_string(st.top_k), std::to_string(r.rank_p05), std::to_string(r.rank_p50),
                           std::to_string(r.rank_p95), r.settled ? "yes" : "no", std::to_string(st.draws)});
    };
    for (const auto& r : st.zones) row("zone", r);
    for (const auto& r : st.settlements) row("settlement", r);
    return out;
}

std::string sign_plan_csv(const SignPlan& plan) {
    std::string out = csv_record({"order", "name", "x", "y", "lon", "lat", "hazard", "status", "ordnance", "marks_m", "weight",
                                  "people_near", "nearest_settlement", "settlement_distance_m", "reason"});
    for (const auto& s : plan.signs)
        out += csv_record({std::to_string(s.order), order_name(s.order, plan.signs.size()), fixed(s.x, 1), fixed(s.y, 1),
                           fixed(s.lon, 7), fixed(s.lat, 7), s.hazard_id, s.status, s.ordnance, fixed(s.marks_m, 1),
                           fixed(s.gain, 1), fixed(s.people, 0), s.nearest_settlement, fixed(s.settlement_distance_m, 0), s.reason});
    return out;
}

std::string sign_plan_gpx(const SignPlan& plan, const std::string& title) {
    using qgis::xml_escape;
    std::ostringstream o;
    o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<gpx version=\"1.1\" creator=\"minerisk\" xmlns=\"http://www.topografix.com/GPX/1/1\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xsi:schemaLocation=\"http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd\">\n"
         "  <metadata>\n    <name>"
      << xml_escape("Sign plan: " + title) << "</name>\n    <desc>"
      << xml_escape("Proposed warning signs, in the order to place them (" + order_name(1, plan.signs.size()) +
                    " first). Each stands on the perimeter of a recorded hazard: check the ground before placing it.")
      << "</desc>\n  </metadata>\n";
    for (const auto& s : plan.signs) {
        if (!std::isfinite(s.lon) || !std::isfinite(s.lat))
            throw Error("sign " + std::to_string(s.order) + " has no WGS 84 position for the GPX file", Location{},
                        "check that PROJ can transform the working CRS to WGS 84");
        std::string cmt = s.hazard_id;
        if (!s.status.empty() || !s.ordnance.empty())
            cmt += " (" + s.status + (!s.status.empty() && !s.ordnance.empty() ? ", " : "") + s.ordnance + ")";
        o << "  <wpt lat=\"" << fixed(s.lat, 7) << "\" lon=\"" << fixed(s.lon, 7) << "\">\n"
          << "    <name>" << order_name(s.order, plan.signs.size()) << "</name>\n"
          << "    <cmt>" << xml_escape(cmt) << "</cmt>\n"
          << "    <desc>" << xml_escape(std::to_string(s.order) + ". " + s.reason) << "</desc>\n"
          << "    <sym>Danger Area</sym>\n"
          << "    <type>proposed warning sign</type>\n"
          << "  </wpt>\n";
    }
    o << "</gpx>\n";
    return o.str();
}

std::string outreach_plan_csv(const OutreachPlan& plan) {
    std::string out = csv_record({"week", "week_start", "facilitator", "base", "settlement_id", "settlement", "settlement_rank",
                                  "population", "returnee", "priority", "distance_km", "last_session", "lon", "lat", "reason"});
    for (const auto& s : plan.sessions) {
        const std::string base = s.facilitator >= 1 && static_cast<size_t>(s.facilitator) <= plan.facilitators.size()
                                     ? plan.facilitators[static_cast<size_t>(s.facilitator - 1)].base_name
                                     : "";
        out += csv_record({std::to_string(s.week), date_to_string(s.week_start), std::to_string(s.facilitator), base, s.settlement_id,
                           s.settlement_name, std::to_string(s.settlement_rank), fixed(s.population, 0), s.returnee ? "yes" : "no",
                           fixed(s.priority, 4), fixed(s.distance_km, 2), date_text(s.last_session), fixed(s.lon, 6),
                           fixed(s.lat, 6), s.reason});
    }
    return out;
}

std::vector<OutputFile> write_plan_files(const PlansResult& plans, const std::string& dir, const std::string& title) {
    std::vector<OutputFile> files;
    const fs::path d(dir);
    auto put = [&](const char* name, const std::string& text, const std::string& what) {
        const std::string path = fs::absolute(d / name).lexically_normal().string();
        report::write_file_atomically(path, text);
        files.push_back({path, what});
    };
    if (plans.stability_done)
        put("rank_stability.csv", stability_csv(plans.stability),
            "each zone's and settlement's chance of being in the top " + std::to_string(plans.stability.top_k) +
                " and its 5th-95th percentile rank over " + std::to_string(plans.stability.draws) + " redraws of the weights");
    if (plans.signs_done) {
        put("sign_plan.csv", sign_plan_csv(plans.signs), "the proposed warning signs in order, with where and why (CSV)");
        put("sign_plan.gpx", sign_plan_gpx(plans.signs, title), "the proposed warning signs as GPS waypoints, WGS 84 (GPX)");
    }
    if (plans.outreach_done)
        put("outreach_plan.csv", outreach_plan_csv(plans.outreach),
            "the sessions by week and facilitator: which settlement, why, how far from the base (CSV)");
    return files;
}

nlohmann::ordered_json plans_record(const PlansResult& p) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    if (p.stability_done) {
        const Stability& st = p.stability;
        j["uncertainty"] = {{"draws", st.draws}, {"top_k", st.top_k}, {"seed", st.seed}, {"concentration", st.concentration},
                            {"spread", st.spread}, {"varied", st.varied}, {"fixed", st.fixed},
                            {"unsettled_zones", st.unsettled_zones}, {"unsettled_settlements", st.unsettled_settlements}};
        // No seconds here: run.json's "stages" holds the time of the "plans" stage, beside every other stage's.
    }
    if (p.signs_done) {
        const SignPlan& sp = p.signs;
        j["sign_plan"] = {{"signs", sp.signs.size()}, {"stock", sp.stock}, {"spacing_m", sp.spacing}, {"cover_m", sp.cover},
                          {"cover_from", sp.cover_from}, {"unmarked_before_m", sp.unmarked_before_m},
                          {"unmarked_after_m", sp.unmarked_after_m}, {"signs_to_finish", sp.signs_to_finish}};
    }
    if (p.outreach_done) {
        const OutreachPlan& op = p.outreach;
        nlohmann::ordered_json bases = nlohmann::ordered_json::array();
        for (const auto& f : op.facilitators) bases.push_back(f.base_name);
        j["outreach_plan"] = {{"facilitators", op.facilitators.size()}, {"bases", bases}, {"sessions_per_week", op.sessions_per_week},
                              {"weeks", op.weeks}, {"travel_km", op.travel_km}, {"sessions", op.sessions.size()},
                              {"settlements_covered", op.settlements_covered}, {"people_covered", op.people_covered},
                              {"settlements_waiting", op.settlements_waiting}, {"settlements_not_due", op.settlements_not_due},
                              {"top", op.top}, {"top_people", op.top_people}, {"top_people_reached", op.top_people_reached}};
    }
    return j;
}

// ---- GeoPackage layers ------------------------------------------------------------------------------------------------

void write_sign_layer(GDALDataset& ds, const SignPlan& plan, OGRSpatialReference* srs, const std::string& path) {
    OGRLayer* layer = make_layer(ds, kSignLayer, "minerisk: proposed warning signs, in the order to place them", srs,
                                 {{"order", OFTInteger}, {"name", OFTString}, {"hazard", OFTString}, {"status", OFTString},
                                  {"ordnance", OFTString}, {"marks_m", OFTReal}, {"weight", OFTReal}, {"people_near", OFTReal},
                                  {"nearest_settlement", OFTString}, {"settlement_distance_m", OFTReal}, {"lon", OFTReal},
                                  {"lat", OFTReal}, {"reason", OFTString}},
                                 path);
    in_transaction(ds, path, [&] {
        for (const auto& s : plan.signs) {
            OGRFeature f(layer->GetLayerDefn());
            if (std::isfinite(s.x) && std::isfinite(s.y)) f.SetGeometryDirectly(new OGRPoint(s.x, s.y));
            int i = 0;
            f.SetField(i++, s.order);
            f.SetField(i++, order_name(s.order, plan.signs.size()).c_str());
            f.SetField(i++, s.hazard_id.c_str());
            f.SetField(i++, s.status.c_str());
            f.SetField(i++, s.ordnance.c_str());
            set_real(f, i++, rounded(s.marks_m, 0.1));
            set_real(f, i++, rounded(s.gain, 0.1));
            set_real(f, i++, rounded(s.people, 1));
            f.SetField(i++, s.nearest_settlement.c_str());
            set_real(f, i++, rounded(s.settlement_distance_m, 0.1));
            set_real(f, i++, s.lon);
            set_real(f, i++, s.lat);
            f.SetField(i++, s.reason.c_str());
            if (layer->CreateFeature(&f) != OGRERR_NONE) fail("cannot write a feature of sign_plan", path);
        }
    });
}

void write_outreach_layer(GDALDataset& ds, const OutreachPlan& plan, OGRSpatialReference* srs, const std::string& path) {
    OGRLayer* layer = make_layer(ds, kOutreachLayer, "minerisk: risk-education sessions proposed by week and facilitator", srs,
                                 {{"week", OFTInteger}, {"week_start", OFTDate}, {"facilitator", OFTInteger}, {"base", OFTString},
                                  {"label", OFTString}, {"settlement_id", OFTString}, {"settlement", OFTString},
                                  {"settlement_rank", OFTInteger}, {"population", OFTReal}, {"returnee", OFTInteger, OFSTBoolean},
                                  {"priority", OFTReal}, {"distance_km", OFTReal}, {"last_session", OFTDate}, {"lon", OFTReal},
                                  {"lat", OFTReal}, {"reason", OFTString}},
                                 path);
    in_transaction(ds, path, [&] {
        for (const auto& s : plan.sessions) {
            OGRFeature f(layer->GetLayerDefn());
            if (std::isfinite(s.x) && std::isfinite(s.y)) f.SetGeometryDirectly(new OGRPoint(s.x, s.y));
            const std::string base = s.facilitator >= 1 && static_cast<size_t>(s.facilitator) <= plan.facilitators.size()
                                         ? plan.facilitators[static_cast<size_t>(s.facilitator - 1)].base_name
                                         : "";
            int i = 0;
            f.SetField(i++, s.week);
            set_date(f, i++, s.week_start);
            f.SetField(i++, s.facilitator);
            f.SetField(i++, base.c_str());
            // In plain words: "W1 F2" beside a settlement's name told a reader nothing.
            f.SetField(i++, ("week " + std::to_string(s.week) + ", facilitator " + std::to_string(s.facilitator)).c_str());
            f.SetField(i++, s.settlement_id.c_str());
            f.SetField(i++, s.settlement_name.c_str());
            f.SetField(i++, s.settlement_rank);
            set_real(f, i++, s.population);
            f.SetField(i++, s.returnee ? 1 : 0);
            set_real(f, i++, s.priority);
            set_real(f, i++, rounded(s.distance_km, 0.01));
            set_date(f, i++, s.last_session);
            set_real(f, i++, s.lon);
            set_real(f, i++, s.lat);
            f.SetField(i++, s.reason.c_str());
            if (layer->CreateFeature(&f) != OGRERR_NONE) fail("cannot write a feature of outreach_plan", path);
        }
    });
}

qgis::Style sign_plan_style(double labels_below) {
    qgis::Style s;
    s.kind = qgis::GeomKind::point;
    Xml r = renderer("singleSymbol");
    r.child("symbols").add(marker("0", "triangle", "255,230,0,255", "200,0,0,255", 0.6, 4.2));
    r.child("rotation");
    r.child("sizescale");
    s.elements.push_back(std::move(r));
    qgis::LabelLook look;
    // The order in small plain type, zoomed in only: in bold dark red at every scale it read as zone ranks.
    look.size = 7, look.colour = "110,70,0,255", look.priority = 4, look.min_scale = labels_below;
    qgis::add_labels(s, "order", look);
    qgis::finish_vector(s);
    return s;
}

qgis::Style outreach_plan_style(int weeks, double labels_below) {
    qgis::Style s;
    s.kind = qgis::GeomKind::point;
    weeks = std::max(1, weeks);
    // Week 1 darkest blue, the last week palest: at most 8 classes.
    static const char* ramp[] = {"8,48,107", "8,81,156", "33,113,181", "66,146,198", "107,174,214", "158,202,225", "198,219,239", "222,235,247"};
    const int classes = std::min(8, weeks);
    Xml r = renderer("graduatedSymbol");
    r.attr("attr", "week").attr("graduatedMethod", "GraduatedColor");
    Xml& ranges = r.child("ranges");
    Xml& symbols = r.child("symbols");
    for (int c = 0; c < classes; ++c) {
        const int first = 1 + (c * weeks) / classes, last = ((c + 1) * weeks) / classes;
        const std::string label = first == last ? "week " + std::to_string(first) : "weeks " + std::to_string(first) + "\u2013" + std::to_string(last);
        ranges.child("range")
            .attr("lower", first - 0.5)
            .attr("upper", last + 0.5)
            .attr("symbol", std::to_string(c))
            .attr("label", label)
            .attr("render", "true");
        const int shade = classes == 1 ? 0 : (c * 7) / (classes - 1);
        symbols.add(marker(std::to_string(c), "circle", std::string(ramp[shade]) + ",255", "255,255,255,255", 0.4, 3.6));
    }
    r.child("rotation");
    r.child("sizescale");
    s.elements.push_back(std::move(r));
    qgis::LabelLook look;
    // Zoomed in only, and never over another label: at full extent the legend's week classes tell the plan,
    // and a hundred "week 1, facilitator 3" would bury the settlement names.
    look.size = 8, look.colour = "8,48,107,255", look.priority = 4, look.min_scale = labels_below;
    qgis::add_labels(s, "label", look);
    qgis::finish_vector(s);
    return s;
}

}  // namespace minerisk::exports
