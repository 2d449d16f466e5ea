// Reads the scenario's input layers with OGR, maps their fields onto minerisk's roles, reprojects them to
// the working CRS (PROJ through OGR), repairs polygons (GEOS) and indexes them.
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <sstream>

#include "io/geometry_repair.hpp"
#include "minerisk/crs.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/scenario.hpp"

namespace minerisk {
namespace {

struct GdalInit {
    GdalInit() { GDALAllRegister(); }
};

using DatasetPtr = std::unique_ptr<GDALDataset, void (*)(GDALDataset*)>;
void close_dataset(GDALDataset* ds) { GDALClose(ds); }

std::string last_gdal_error() {
    const char* m = CPLGetLastErrorMsg();
    return m && *m ? m : "no reason given";
}

// Counts one kind of problem and keeps the first few examples for the message.
struct ProblemCounter {
    std::int64_t count = 0;
    std::vector<std::string> examples;
    void add(const std::string& example) {
        if (count++ < 3) examples.push_back(example);
    }
    std::string summary() const {
        std::string s;
        for (const auto& e : examples) s += (s.empty() ? "" : "; ") + e;
        if (count > static_cast<std::int64_t>(examples.size())) s += "; ...";
        return s;
    }
};

// A feature as read, before it is reprojected.
struct RawFeature {
    std::int64_t fid;
    std::unique_ptr<OGRGeometry> geom;
    std::vector<std::string> values;  // one per mapped role, as text
    std::vector<char> present;
    std::vector<double> numbers;      // numeric/date values where OGR typed them, else NaN
};

struct RawLayer {
    const InputSpec* spec;
    std::vector<std::string> roles;  // mapped roles in column order
    std::vector<std::string> types;
    std::vector<RawFeature> features;
    OGRSpatialReference srs;
    bool has_srs = false;
    LayerStats stats;
    std::map<std::string, ProblemCounter> problems;
};

std::string list_fields(OGRFeatureDefn* defn) {
    std::string s;
    for (int i = 0; i < defn->GetFieldCount(); ++i) s += (i ? ", " : "") + std::string(defn->GetFieldDefn(i)->GetNameRef());
    return s.empty() ? "(none)" : s;
}

const char* role_type(const std::string& layer_role, const std::string& role) {
    for (const auto& r : field_roles(layer_role))
        if (role == r.name) return r.type;
    return "text";  // extra layers: kept as text, numbers parsed where they look like numbers
}

RawLayer read_layer(const InputSpec& in, const Progress& progress) {
    RawLayer raw;
    raw.spec = &in;
    Location where;
    where.file = in.source;
    where.layer = in.layer;

    CPLErrorReset();
    DatasetPtr ds(static_cast<GDALDataset*>(GDALOpenEx(in.source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                                        nullptr, nullptr, nullptr)),
                  close_dataset);
    if (!ds)
        throw Error("cannot open the " + in.role + " input: " + last_gdal_error(), where,
                    "check that the file is complete and in a format GDAL/OGR reads (ogrinfo '" + in.source + "' tells)");
    OGRLayer* layer = nullptr;
    if (!in.layer.empty()) {
        layer = ds->GetLayerByName(in.layer.c_str());
        if (!layer) {
            std::string names;
            for (int i = 0; i < ds->GetLayerCount(); ++i) names += (i ? ", " : "") + std::string(ds->GetLayer(i)->GetName());
            throw Error("there is no layer '" + in.layer + "'", where, "layers in this source: " + names);
        }
    } else {
        if (ds->GetLayerCount() == 0) throw Error("the source has no vector layer", where, "check the file");
        layer = ds->GetLayer(0);
        where.layer = layer->GetName();
    }
    raw.stats.source = in.source;
    raw.stats.layer_name = layer->GetName();

    if (!in.filter.empty()) {
        CPLErrorReset();
        if (layer->SetAttributeFilter(in.filter.c_str()) != OGRERR_NONE) {
            throw Error("the attribute filter '" + in.filter + "' is not valid for this layer: " + last_gdal_error(), where,
                        "write it in OGR SQL over the layer's fields: " + list_fields(layer->GetLayerDefn()));
        }
    }

    OGRFeatureDefn* defn = layer->GetLayerDefn();
    std::vector<int> field_index;
    for (const auto& [role, field] : in.fields) {
        const int idx = defn->GetFieldIndex(field.c_str());
        if (idx < 0) {
            Location loc = in.field_where.count(role) ? in.field_where.at(role) : in.where;
            throw Error("the " + in.role + " layer '" + raw.stats.layer_name + "' of " + in.source + " has no field '" +
                            field + "' (mapped to role '" + role + "')",
                        loc, "fields in this layer: " + list_fields(defn));
        }
        raw.roles.push_back(role);
        raw.types.push_back(role_type(in.role, role));
        field_index.push_back(idx);
    }
    auto coord_index = [&](const std::string& name, const char* key) {
        if (name.empty()) return -1;
        const int idx = defn->GetFieldIndex(name.c_str());
        if (idx < 0)
            throw Error(std::string("the column '") + name + "' named by '" + key + "' is not in the layer", in.where,
                        "columns in this layer: " + list_fields(defn));
        return idx;
    };
    const int x_idx = coord_index(in.x_field, "x");
    const int y_idx = coord_index(in.y_field, "y");
    const int wkt_idx = coord_index(in.wkt_field, "wkt");
    const bool coords_from_fields = x_idx >= 0 || wkt_idx >= 0;

    // The layer's CRS: the scenario's word wins (it may correct a wrong .prj); else the file's own.
    const OGRSpatialReference* file_srs = coords_from_fields ? nullptr : layer->GetSpatialRef();
    if (!in.crs.empty()) {
        raw.srs.SetFromUserInput(in.crs.c_str());
        raw.has_srs = true;
        if (file_srs && !file_srs->IsSame(&raw.srs)) {
            raw.problems["crs"].add("the file says " + crs_short_name([&] {
                char* w = nullptr;
                file_srs->exportToWkt(&w);
                std::string s = w ? w : "";
                CPLFree(w);
                return s;
            }()) + ", the scenario's crs " + in.crs + " is used");
        }
    } else if (file_srs) {
        raw.srs = *file_srs;
        raw.has_srs = true;
    }
    if (!raw.has_srs)
        throw Error("the " + in.role + " layer '" + raw.stats.layer_name + "' has no CRS", where,
                    "add 'crs: EPSG:4326' (or the right CRS) to inputs." + in.role + " in the scenario");
    raw.srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    {
        char* w = nullptr;
        raw.srs.exportToWkt(&w);
        raw.stats.source_crs = crs_short_name(w ? w : "");
        CPLFree(w);
    }

    const GIntBig total = layer->GetFeatureCount(FALSE);
    layer->ResetReading();
    std::int64_t n = 0;
    for (auto& feat : *layer) {
        ++raw.stats.read;
        RawFeature rf;
        rf.fid = feat->GetFID();
        if (coords_from_fields) {
            if (wkt_idx >= 0) {
                const char* text = feat->IsFieldSetAndNotNull(wkt_idx) ? feat->GetFieldAsString(wkt_idx) : "";
                if (*text) {
                    OGRGeometry* g = nullptr;
                    if (OGRGeometryFactory::createFromWkt(text, nullptr, &g) != OGRERR_NONE) {
                        raw.problems["bad"].add("feature " + std::to_string(rf.fid) + ": unreadable WKT");
                        ++raw.stats.skipped_bad;
                        continue;
                    }
                    rf.geom.reset(g);
                }
            } else {
                const bool has = feat->IsFieldSetAndNotNull(x_idx) && feat->IsFieldSetAndNotNull(y_idx);
                if (has) {
                    const std::string xs = feat->GetFieldAsString(x_idx), ys = feat->GetFieldAsString(y_idx);
                    char *ex = nullptr, *ey = nullptr;
                    const double x = std::strtod(xs.c_str(), &ex), y = std::strtod(ys.c_str(), &ey);
                    if (xs.empty() || ys.empty()) {
                    } else if (*ex || *ey || !std::isfinite(x) || !std::isfinite(y)) {
                        raw.problems["bad"].add("feature " + std::to_string(rf.fid) + ": coordinates '" + xs + "', '" + ys + "'");
                        ++raw.stats.skipped_bad;
                        continue;
                    } else {
                        rf.geom = std::make_unique<OGRPoint>(x, y);
                    }
                }
            }
        } else if (const OGRGeometry* g = feat->GetGeometryRef()) {
            rf.geom.reset(g->clone());
        }
        if (!rf.geom) {
            ++raw.stats.skipped_null;
            raw.problems["null"].add("feature " + std::to_string(rf.fid));
            continue;
        }
        if (rf.geom->IsEmpty()) {
            ++raw.stats.skipped_empty;
            raw.problems["empty"].add("feature " + std::to_string(rf.fid));
            continue;
        }
        OGREnvelope env;
        rf.geom->getEnvelope(&env);
        if (!std::isfinite(env.MinX) || !std::isfinite(env.MaxX) || !std::isfinite(env.MinY) || !std::isfinite(env.MaxY)) {
            ++raw.stats.skipped_bad;
            raw.problems["bad"].add("feature " + std::to_string(rf.fid) + ": NaN or infinite coordinates");
            continue;
        }
        for (size_t i = 0; i < field_index.size(); ++i) {
            const int idx = field_index[i];
            const bool present = feat->IsFieldSetAndNotNull(idx);
            rf.present.push_back(present);
            rf.values.push_back(present ? feat->GetFieldAsString(idx) : "");
            double num = std::nan("");
            if (present) {
                const OGRFieldType t = defn->GetFieldDefn(idx)->GetType();
                if (raw.types[i] == "date" && (t == OFTDate || t == OFTDateTime)) {
                    int y, m, d, hh, mm, tz;
                    float ss;
                    if (feat->GetFieldAsDateTime(idx, &y, &m, &d, &hh, &mm, &ss, &tz) && y > 0)
                        num = days_from_civil(y, std::max(1, m), std::max(1, d));
                } else if (raw.types[i] == "date" && (t == OFTInteger || t == OFTInteger64)) {
                    // A year kept as a number (2024), never a day count.
                    const double y = feat->GetFieldAsDouble(idx);
                    if (y >= 1800 && y <= 2200) num = days_from_civil(static_cast<int>(y), 7, 1);
                } else if (raw.types[i] != "date" && (t == OFTInteger || t == OFTInteger64 || t == OFTReal)) {
                    num = feat->GetFieldAsDouble(idx);
                }
            }
            rf.numbers.push_back(num);
        }
        raw.features.push_back(std::move(rf));
        if (total > 0 && (++n % 4096) == 0) progress.report(std::min(1.0, double(n) / total));
    }
    return raw;
}

// Converts the text of a role's values into the role's type, counting what cannot be read.
Column make_column(RawLayer& raw, size_t i, const std::vector<size_t>& kept) {
    Column c;
    c.type = raw.types[i];
    const std::string& role = raw.roles[i];
    const std::string field = raw.spec->fields.at(role);
    ProblemCounter& bad = raw.problems["field " + role];
    for (size_t k : kept) {
        const RawFeature& f = raw.features[k];
        const std::string& text = f.values[i];
        c.text.push_back(text);
        c.present.push_back(f.present[i]);
        double v = std::nan("");
        if (f.present[i]) {
            if (c.type == "number") {
                if (!std::isnan(f.numbers[i])) v = f.numbers[i];
                else {
                    char* end = nullptr;
                    const double p = std::strtod(text.c_str(), &end);
                    if (!text.empty() && end && *end == '\0' && std::isfinite(p)) v = p;
                    else bad.add("feature " + std::to_string(f.fid) + " has '" + text + "' in " + field + ", not a number");
                }
                if (!std::isnan(v) && v < 0 && (role == "population" || role == "killed" || role == "injured" ||
                                                role == "casualties" || role == "reached" || role == "radius")) {
                    bad.add("feature " + std::to_string(f.fid) + " has a negative " + role + " (" + text + ")");
                    v = std::nan("");
                }
            } else if (c.type == "date") {
                if (!std::isnan(f.numbers[i])) v = f.numbers[i];
                else if (auto d = parse_date(text)) v = *d;
                else bad.add("feature " + std::to_string(f.fid) + " has '" + text + "' in " + field + ", not a date (YYYY-MM-DD, YYYY-MM or YYYY)");
            } else if (c.type == "boolean") {
                std::string t = text;
                std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return std::tolower(ch); });
                if (t == "true" || t == "yes" || t == "y" || t == "t" || t == "1") v = 1;
                else if (t == "false" || t == "no" || t == "n" || t == "f" || t == "0") v = 0;
                else if (!std::isnan(f.numbers[i])) v = f.numbers[i] != 0;
                else bad.add("feature " + std::to_string(f.fid) + " has '" + text + "' in " + field + ", not true/false");
            } else {
                char* end = nullptr;
                const double p = std::strtod(text.c_str(), &end);
                if (!text.empty() && end && *end == '\0') v = p;
            }
        }
        c.number.push_back(v);
    }
    return c;
}

bool is_polygonal(OGRwkbGeometryType t) {
    t = wkbFlatten(t);
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbCurvePolygon || t == wkbMultiSurface;
}
bool is_point(OGRwkbGeometryType t) {
    t = wkbFlatten(t);
    return t == wkbPoint || t == wkbMultiPoint;
}

FeatureLayer finish_layer(RawLayer& raw, const OGRSpatialReference& target, GeometryRepairer& repairer,
                          std::vector<std::string>& warnings) {
    const InputSpec& in = *raw.spec;
    FeatureLayer out;
    out.role = in.role;
    out.stats = raw.stats;

    std::unique_ptr<OGRCoordinateTransformation> ct;
    if (!raw.srs.IsSame(&target)) {
        ct.reset(OGRCreateCoordinateTransformation(&raw.srs, &target));
        if (!ct)
            throw Error("PROJ cannot transform from " + raw.stats.source_crs + " to the working CRS: " + last_gdal_error(),
                        Location{in.source, 0, 0, raw.stats.layer_name}, "check the layer's CRS");
    }
    const bool hazards = in.role == "hazards";
    int radius_i = -1;
    for (size_t i = 0; i < raw.roles.size(); ++i)
        if (raw.roles[i] == "radius") radius_i = static_cast<int>(i);

    std::vector<size_t> kept;
    for (size_t k = 0; k < raw.features.size(); ++k) {
        RawFeature& f = raw.features[k];
        auto& g = f.geom;
        if (ct && g->transform(ct.get()) != OGRERR_NONE) {
            ++out.stats.skipped_bad;
            raw.problems["bad"].add("feature " + std::to_string(f.fid) + ": cannot be reprojected (coordinates out of the CRS's range?)");
            continue;
        }
        g->assignSpatialReference(nullptr);
        g->flattenTo2D();
        const OGRwkbGeometryType type = g->getGeometryType();
        if (g->hasCurveGeometry()) g.reset(g->getLinearGeometry());
        if (hazards && !is_polygonal(type)) {
            double radius = in.point_radius;
            if (radius_i >= 0 && f.present[radius_i]) {
                char* end = nullptr;
                const double r = std::isnan(f.numbers[radius_i]) ? std::strtod(f.values[radius_i].c_str(), &end) : f.numbers[radius_i];
                if (std::isfinite(r) && r > 0) radius = r;
            }
            auto b = repairer.buffer(*g, radius);
            if (!b || b->IsEmpty()) {
                ++out.stats.skipped_bad;
                raw.problems["bad"].add("feature " + std::to_string(f.fid) + ": cannot be buffered");
                continue;
            }
            g = std::move(b);
            ++out.stats.buffered;
        } else if (is_polygonal(type)) {
            std::string why;
            const RepairOutcome r = repairer.make_valid_polygonal(g, &why);
            if (r == RepairOutcome::collapsed) {
                ++out.stats.skipped_bad;
                raw.problems["bad"].add("feature " + std::to_string(f.fid) + ": invalid polygon with no area left after repair (" + why + ")");
                continue;
            }
            if (r == RepairOutcome::repaired) {
                ++out.stats.repaired;
                raw.problems["repaired"].add("feature " + std::to_string(f.fid) + ": " + why);
            }
        } else if (!is_point(type) && in.role != "settlements" && field_roles(in.role).size() > 0) {
            // Incidents, signs and sessions are places: a polygon or line stands for its inner point.
            OGRGeometryH inner = OGR_G_PointOnSurface(OGRGeometry::ToHandle(g.get()));
            OGRPoint p;
            if (inner) p = *OGRGeometry::FromHandle(inner)->toPoint(), OGR_G_DestroyGeometry(inner);
            else g->Centroid(&p);
            raw.problems["point"].add("feature " + std::to_string(f.fid));
            g = std::make_unique<OGRPoint>(p.getX(), p.getY());
        }
        OGREnvelope env;
        g->getEnvelope(&env);
        out.bounds.push_back({env.MinX, env.MinY, env.MaxX, env.MaxY});
        std::vector<unsigned char> wkb(g->WkbSize());
        g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        out.wkb.push_back(std::move(wkb));
        out.fid.push_back(f.fid);
        out.geometry.push_back(std::move(g));
        kept.push_back(k);
    }
    for (size_t i = 0; i < raw.roles.size(); ++i) out.columns[raw.roles[i]] = make_column(raw, i, kept);
    out.stats.loaded = out.size();
    out.build_index();

    // Turn the counted problems into one warning each, naming the layer.
    const std::string who = in.role + " (" + raw.stats.layer_name + ")";
    for (const auto& [kind, pc] : raw.problems) {
        if (pc.count == 0) continue;
        std::string msg;
        if (kind == "null") msg = std::to_string(pc.count) + " feature(s) with no geometry skipped";
        else if (kind == "empty") msg = std::to_string(pc.count) + " feature(s) with an empty geometry skipped";
        else if (kind == "bad") msg = std::to_string(pc.count) + " feature(s) skipped";
        else if (kind == "repaired") msg = std::to_string(pc.count) + " invalid polygon(s) repaired with GEOS MakeValid";
        else if (kind == "point") msg = std::to_string(pc.count) + " non-point feature(s) replaced by a point inside them";
        else if (kind == "crs") msg = "CRS overridden";
        else msg = std::to_string(pc.count) + " value(s) of role '" + kind.substr(6) + "' unreadable, treated as missing";
        warnings.push_back(who + ": " + msg + " (" + pc.summary() + ")");
    }
    return out;
}

// The centre of all layers' extents, in longitude/latitude, for `crs: auto`.
bool centre_lonlat(const std::deque<RawLayer>& raws, double& lon, double& lat) {
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    Extent all;
    for (const auto& raw : raws) {
        std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&raw.srs, &wgs84));
        if (!ct) continue;
        for (const auto& f : raw.features) {
            OGREnvelope env;
            f.geom->getEnvelope(&env);
            double x = (env.MinX + env.MaxX) / 2, y = (env.MinY + env.MaxY) / 2;
            if (ct->Transform(1, &x, &y) && std::isfinite(x) && std::isfinite(y) && std::fabs(y) <= 90 && std::fabs(x) <= 180)
                all.expand({x, y, x, y});
        }
    }
    if (all.empty()) return false;
    lon = (all.xmin + all.xmax) / 2;
    lat = (all.ymin + all.ymax) / 2;
    return true;
}

}  // namespace

Inputs load_inputs(const Scenario& sc, const Progress& progress) {
    static GdalInit init;
    Inputs inputs;
    std::deque<RawLayer> raws;  // never relocated: RawLayer holds an OGRSpatialReference
    const double n = static_cast<double>(sc.inputs.size());
    for (size_t i = 0; i < sc.inputs.size(); ++i)
        raws.push_back(read_layer(sc.inputs[i], progress.sub(i / n * 0.7, (i + 1) / n * 0.7)));

    if (sc.crs == "auto") {
        double lon = 0, lat = 0;
        if (!centre_lonlat(raws, lon, lat))
            throw Error("'crs: auto' needs features to find the inputs' centre, and none could be placed on the globe",
                        sc.crs_where.file.empty() ? Location{sc.file} : sc.crs_where, "name the working CRS, e.g. 'crs: EPSG:32638'");
        const std::string code = utm_zone_for(lon, lat);
        inputs.crs_wkt = crs_to_wkt(code);
        char buf[160];
        std::snprintf(buf, sizeof buf, "auto: WGS 84 UTM zone of the inputs' centre (%.3f, %.3f)", lon, lat);
        inputs.crs_reason = buf;
    } else {
        inputs.crs_wkt = crs_to_wkt(sc.crs);
        inputs.crs_reason = "from the scenario";
    }
    if (!crs_is_metric(inputs.crs_wkt))
        throw Error("the working CRS " + crs_short_name(inputs.crs_wkt) + " is not projected in metres",
                    sc.crs_where.file.empty() ? Location{sc.file} : sc.crs_where,
                    "cells are measured in metres: use a projected CRS (a UTM zone, a national grid, an equal-area CRS) or 'auto'");
    inputs.crs_name = crs_short_name(inputs.crs_wkt);

    OGRSpatialReference target;
    target.importFromWkt(inputs.crs_wkt.c_str());
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    GeometryRepairer repairer;
    for (size_t i = 0; i < raws.size(); ++i) {
        inputs.layers.push_back(finish_layer(raws[i], target, repairer, inputs.warnings));
        raws[i].features.clear();
        progress.report(0.7 + 0.3 * (i + 1) / n);
    }
    return inputs;
}

}  // namespace minerisk
