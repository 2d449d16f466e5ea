#include "export/qgis_gpkg.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "core/text.hpp"
#include "crs/lon_lat.hpp"
#include "export/field_names.hpp"
#include "export/zone_text.hpp"
#include "io/raster_writer.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/output_folder.hpp"
#include "minerisk/scenario.hpp"
#include "export/area_outputs.hpp"
#include "export/plan_outputs.hpp"

namespace fs = std::filesystem;

namespace minerisk::qgis {

namespace {

using minerisk::text::join;


struct CloseDataset {
    void operator()(GDALDataset* ds) const {
        if (ds) GDALClose(ds);
    }
};
using DatasetPtr = std::unique_ptr<GDALDataset, CloseDataset>;

// Removes a temporary file when the writing fails before it is renamed into place.
class TempFile {
public:
    explicit TempFile(std::string path) : path_(std::move(path)) { std::remove(path_.c_str()); }
    ~TempFile() {
        if (!path_.empty()) std::remove(path_.c_str());
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }
    void release() { path_.clear(); }

private:
    std::string path_;
};

// Sets a GDAL configuration option for this thread while in scope, restoring the previous value afterwards.
class ScopedConfig {
public:
    ScopedConfig(const char* key, const std::string& value) : key_(key) {
        if (const char* old = CPLGetThreadLocalConfigOption(key, nullptr)) old_ = old, had_ = true;
        CPLSetThreadLocalConfigOption(key, value.c_str());
    }
    ~ScopedConfig() { CPLSetThreadLocalConfigOption(key_, had_ ? old_.c_str() : nullptr); }
    ScopedConfig(const ScopedConfig&) = delete;
    ScopedConfig& operator=(const ScopedConfig&) = delete;

private:
    const char* key_;
    std::string old_;
    bool had_ = false;
};

// Quiet GDAL messages while in scope: failures are reported through Error with CPLGetLastErrorMsg().
class QuietErrors {
public:
    QuietErrors() { CPLPushErrorHandler(CPLQuietErrorHandler); }
    ~QuietErrors() { CPLPopErrorHandler(); }
    QuietErrors(const QuietErrors&) = delete;
    QuietErrors& operator=(const QuietErrors&) = delete;
};

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    const std::string gdal = CPLGetLastErrorMsg();
    throw Error(what + (gdal.empty() ? "" : ": " + gdal), Location(path),
                "check that the output folder is writable and has free space");
}

// ---- fields ----------------------------------------------------------------------------------------------------

struct FieldSpec {
    std::string name;
    OGRFieldType type;
    OGRFieldSubType subtype = OFSTNone;
    int width = 0;
};

void create_fields(OGRLayer& layer, const std::vector<FieldSpec>& fields, const std::string& path) {
    for (const auto& f : fields) {
        OGRFieldDefn defn(f.name.c_str(), f.type);
        defn.SetSubType(f.subtype);
        if (f.width > 0) defn.SetWidth(f.width);
        if (layer.CreateField(&defn) != OGRERR_NONE) fail("cannot add the field '" + f.name + "' to " + layer.GetName(), path);
    }
}

using exports::FieldNames;  // export/field_names.hpp

void set_real(OGRFeature& f, int idx, double v) {
    if (std::isfinite(v)) f.SetField(idx, v);
    else f.SetFieldNull(idx);
}

void set_int64(OGRFeature& f, int idx, std::int64_t v) { f.SetField(idx, static_cast<GIntBig>(v)); }

void set_date(OGRFeature& f, int idx, double days) {
    int y = 0, m = 0, d = 0;
    if (std::isfinite(days) && std::sscanf(date_to_string(days).c_str(), "%d-%d-%d", &y, &m, &d) == 3) f.SetField(idx, y, m, d);
    else f.SetFieldNull(idx);
}


double rounded(double v, double step) { return std::isfinite(v) ? std::round(v / step) * step : v; }

// ---- geometry --------------------------------------------------------------------------------------------------

// A copy of the geometry in the layer's type (single parts promoted to multi); null for a missing geometry.
OGRGeometry* layer_geometry(const OGRGeometry* g, OGRwkbGeometryType type) {
    if (!g || g->IsEmpty()) return nullptr;
    OGRGeometry* copy = g->clone();
    if (type == wkbUnknown || wkbFlatten(copy->getGeometryType()) == type) return copy;
    return OGRGeometryFactory::forceTo(copy, type);
}

OGRGeometry* geometry_from_wkb(const std::vector<unsigned char>& wkb, OGRwkbGeometryType type) {
    if (wkb.empty()) return nullptr;
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size(), wkbVariantIso) != OGRERR_NONE || !g)
        return nullptr;
    std::unique_ptr<OGRGeometry> owned(g);
    return layer_geometry(owned.get(), type);
}

// A settlement as one point: itself when it is a point, else a point inside it (GEOS point on surface: inside
// a polygon, on a line), so that a polygon settlement shows where people live, not at a centroid outside a
// crescent-shaped village. Null for a missing or empty geometry.
OGRGeometry* point_of(const OGRGeometry* g) {
    if (!g || g->IsEmpty()) return nullptr;
    if (wkbFlatten(g->getGeometryType()) == wkbPoint) return g->clone();
    OGRGeometryH p = OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(g)));
    if (!p) return nullptr;
    OGRGeometry* point = OGRGeometry::FromHandle(p);
    if (point->IsEmpty() || wkbFlatten(point->getGeometryType()) != wkbPoint) {
        delete point;
        return nullptr;
    }
    return point;
}

// ---- layers ----------------------------------------------------------------------------------------------------

OGRLayer* create_layer(GDALDataset& ds, const VectorLayerPlan& plan, OGRSpatialReference* srs, const std::string& path) {
    CPLStringList opts;
    opts.SetNameValue("FID", "fid");
    opts.SetNameValue("GEOMETRY_NAME", kGeometryColumn);
    opts.SetNameValue("SPATIAL_INDEX", "YES");
    opts.SetNameValue("DESCRIPTION", mask_secrets(plan.description).c_str());  // a description may name an input
    OGRLayer* layer = ds.CreateLayer(plan.name.c_str(), srs, plan.ogr_type(), opts.List());
    if (!layer) fail("cannot create the layer '" + plan.name + "'", path);
    return layer;
}

void add_feature(OGRLayer& layer, OGRFeature& f, const std::string& path) {
    if (layer.CreateFeature(&f) != OGRERR_NONE) fail(std::string("cannot write a feature of ") + layer.GetName(), path);
}

// Writes a layer's features inside one transaction (GeoPackage writes are slow without).
template <class Fn>
void in_transaction(GDALDataset& ds, const std::string& path, Fn&& fn) {
    if (ds.StartTransaction() != OGRERR_NONE) fail("cannot start writing", path);
    fn();
    if (ds.CommitTransaction() != OGRERR_NONE) fail("cannot finish writing", path);
}

void write_zones(GDALDataset& ds, const VectorLayerPlan& plan, const ZoneResult* zr, OGRSpatialReference* srs,
                 const std::string& path) {
    OGRLayer* layer = create_layer(ds, plan, srs, path);
    // The names are zones.csv's too (export/field_names.hpp); the types, in the same order, are the layer's.
    const OGRFieldType types[] = {OFTInteger, OFTInteger,   OFTReal,      OFTReal,      OFTReal,      OFTReal,
                                  OFTString,  OFTReal,      OFTString,    OFTInteger64, OFTString,    OFTString,
                                  OFTInteger64, OFTInteger64, OFTInteger64, OFTReal,    OFTDate,      OFTString,
                                  OFTString};
    static_assert(sizeof(types) / sizeof(types[0]) == 19, "one type per column of zone_columns()");
    std::vector<FieldSpec> fields;
    for (size_t k = 0; k < exports::zone_columns().size(); ++k) fields.push_back({exports::zone_columns()[k], types[k]});
    const size_t fixed = fields.size();
    if (zr)
        for (const auto& name : exports::zone_factor_columns(zr->factor_names)) fields.push_back({name, OFTReal});
    create_fields(*layer, fields, path);
    if (!zr) return;
    in_transaction(ds, path, [&] {
        for (const auto& z : zr->zones) {
            OGRFeature f(layer->GetLayerDefn());
            f.SetGeometryDirectly(geometry_from_wkb(z.wkb, plan.ogr_type()));
            std::vector<std::string> hazard_ids;
            for (const auto& h : z.hazards) hazard_ids.push_back(exports::hazard_name(h));
            int i = 0;
            f.SetField(i++, z.rank);
            f.SetField(i++, z.id);
            set_real(f, i++, z.priority);
            set_real(f, i++, rounded(z.area_m2 / 10000.0, 0.01));
            set_real(f, i++, z.mean_risk);
            set_real(f, i++, z.max_risk);
            f.SetField(i++, z.top_factor.c_str());
            set_real(f, i++, z.population_in_reach);
            f.SetField(i++, exports::settlements_with_population(z).c_str());
            set_int64(f, i++, z.returnee_settlements);
            f.SetField(i++, join(hazard_ids, "; ").c_str());
            f.SetField(i++, exports::hazard_status_summary(z.hazards).c_str());
            set_int64(f, i++, z.incidents_all);
            set_int64(f, i++, z.incidents_recent);
            set_int64(f, i++, z.incidents_far_from_hazards);
            set_real(f, i++, rounded(z.unmarked_perimeter_m, 0.1));
            set_date(f, i++, z.last_session);
            f.SetField(i++, z.action.c_str());
            f.SetField(i++, z.reason.c_str());
            for (size_t k = 0; k + fixed < fields.size(); ++k)
                set_real(f, static_cast<int>(fixed + k), k < z.factor_mean.size() ? z.factor_mean[k] : NAN);
            add_feature(*layer, f, path);
        }
    });
}

// The source ids of a referral's incidents ("12; 45; 78"), to find them in the incidents layer (source_fid).
std::string incident_fids(const SurveyReferral& r, const FeatureLayer* incidents) {
    std::vector<std::string> ids;
    for (std::int64_t i : r.incident_features)
        ids.push_back(std::to_string(incidents && i >= 0 && i < incidents->size() ? incidents->fid[static_cast<size_t>(i)] : i));
    return join(ids, "; ");
}

void write_survey_referrals(GDALDataset& ds, const VectorLayerPlan& plan, const ExportContext& ctx, OGRSpatialReference* srs,
                            const std::string& path) {
    OGRLayer* layer = create_layer(ds, plan, srs, path);
    create_fields(*layer,
                  {{"id", OFTInteger}, {"incidents", OFTInteger64}, {"first_date", OFTDate}, {"last_date", OFTDate},
                   {"spread_m", OFTReal}, {"max_risk", OFTReal}, {"nearest_settlement", OFTString},
                   {"settlement_distance_m", OFTReal}, {"lon", OFTReal}, {"lat", OFTReal}, {"incident_fids", OFTString},
                   {"reason", OFTString}},
                  path);
    if (!ctx.zones()) return;
    const FeatureLayer* incidents = ctx.plan ? ctx.plan->inputs.find("incidents") : nullptr;
    const LonLat lon_lat(ctx.plan ? (!ctx.plan->grid.crs_wkt.empty() ? ctx.plan->grid.crs_wkt : ctx.plan->inputs.crs_wkt) : "");
    in_transaction(ds, path, [&] {
        for (const auto& r : ctx.zones()->survey_referrals) {
            OGRFeature f(layer->GetLayerDefn());
            if (std::isfinite(r.x) && std::isfinite(r.y)) f.SetGeometryDirectly(new OGRPoint(r.x, r.y));
            double lon = NAN, lat = NAN;
            lon_lat(r.x, r.y, lon, lat);
            int i = 0;
            f.SetField(i++, r.id);
            set_int64(f, i++, r.incidents);
            set_date(f, i++, r.first_date);
            set_date(f, i++, r.last_date);
            set_real(f, i++, rounded(r.spread_m, 0.1));
            set_real(f, i++, r.max_risk);
            f.SetField(i++, r.nearest_settlement.c_str());
            set_real(f, i++, rounded(r.settlement_distance_m, 0.1));
            set_real(f, i++, lon);
            set_real(f, i++, lat);
            f.SetField(i++, incident_fids(r, incidents).c_str());
            f.SetField(i++, r.reason.c_str());
            add_feature(*layer, f, path);
        }
    });
}

void write_ranked_settlements(GDALDataset& ds, const VectorLayerPlan& plan, const ZoneResult* zr,
                              OGRSpatialReference* srs, const std::string& path) {
    OGRLayer* layer = create_layer(ds, plan, srs, path);
    create_fields(*layer,
                  {{"rank", OFTInteger}, {"priority", OFTReal}, {"id", OFTString}, {"name", OFTString},
                   {"population", OFTReal}, {"returnee", OFTInteger, OFSTBoolean}, {"risk_mean", OFTReal},
                   {"risk_max", OFTReal}, {"dist_hazard_m", OFTReal}, {"incidents_nearby", OFTInteger64},
                   {"last_session", OFTDate}, {"zone_rank", OFTInteger}},
                  path);
    if (!zr) return;
    std::map<int, int> zone_rank;
    for (const auto& z : zr->zones) zone_rank[z.id] = z.rank;
    const FeatureLayer* settlements = plan.input;
    in_transaction(ds, path, [&] {
        for (const auto& s : zr->settlements) {
            OGRFeature f(layer->GetLayerDefn());
            if (settlements && s.feature >= 0 && s.feature < settlements->size())
                f.SetGeometryDirectly(point_of(settlements->geometry[static_cast<size_t>(s.feature)].get()));
            int i = 0;
            f.SetField(i++, s.rank);
            set_real(f, i++, s.priority);
            f.SetField(i++, s.id.c_str());
            f.SetField(i++, s.name.c_str());
            set_real(f, i++, s.population);
            f.SetField(i++, s.returnee ? 1 : 0);
            set_real(f, i++, s.risk_mean);
            set_real(f, i++, s.risk_max);
            set_real(f, i++, rounded(s.distance_to_hazard_m, 0.1));
            set_int64(f, i++, s.incidents_nearby);
            set_date(f, i++, s.last_session);
            const auto it = zone_rank.find(s.zone_id);
            f.SetField(i++, it == zone_rank.end() ? 0 : it->second);
            add_feature(*layer, f, path);
        }
    });
}

// The input's roles in a stable order: the standard roles in their documented order, then the others by name.
std::vector<std::string> ordered_roles(const FeatureLayer& layer) {
    std::vector<std::string> roles;
    for (const auto& fr : field_roles(layer.role))
        if (layer.columns.count(fr.name)) roles.push_back(fr.name);
    for (const auto& [name, col] : layer.columns)
        if (std::find(roles.begin(), roles.end(), name) == roles.end()) roles.push_back(name);
    return roles;
}

FieldSpec field_for(const std::string& name, const Column& col) {
    if (col.type == "number") return {name, OFTReal};
    if (col.type == "date") return {name, OFTDate};
    if (col.type == "boolean") return {name, OFTInteger, OFSTBoolean};
    return {name, OFTString};
}

void set_value(OGRFeature& f, int idx, const Column& col, size_t row) {
    const bool present = row < col.present.size() && col.present[row];
    const double v = row < col.number.size() ? col.number[row] : NAN;
    if (!present) {
        f.SetFieldNull(idx);
    } else if (col.type == "number") {
        set_real(f, idx, v);
    } else if (col.type == "date") {
        set_date(f, idx, v);
    } else if (col.type == "boolean") {
        if (std::isfinite(v)) f.SetField(idx, v != 0 ? 1 : 0);
        else f.SetFieldNull(idx);
    } else {
        f.SetField(idx, row < col.text.size() ? col.text[row].c_str() : "");
    }
}

void write_input(GDALDataset& ds, const VectorLayerPlan& plan, const ExportContext& ctx, OGRSpatialReference* srs,
                 const std::string& path) {
    OGRLayer* layer = create_layer(ds, plan, srs, path);
    const FeatureLayer& in = *plan.input;
    FieldNames names({"fid", kGeometryColumn, "source_fid"});
    std::vector<FieldSpec> fields = {{"source_fid", OFTInteger64}};
    std::vector<const Column*> columns;
    for (const auto& role : ordered_roles(in)) {
        const Column& col = in.columns.at(role);
        fields.push_back(field_for(names.claim(role), col));
        columns.push_back(&col);
    }
    // Incidents: whether each lies farther than zones.survey_distance from every counted hazard (NULL: not judged,
    // e.g. dated after the as-of date), so that QGIS can show and select them.
    const std::vector<signed char>* far = has_far_field(ctx, in) ? &ctx.zones()->incident_far_from_hazard : nullptr;
    if (far) fields.push_back({names.claim("far_from_hazard"), OFTInteger, OFSTBoolean});
    create_fields(*layer, fields, path);
    in_transaction(ds, path, [&] {
        for (std::int64_t r = 0; r < in.size(); ++r) {
            const size_t row = static_cast<size_t>(r);
            OGRFeature f(layer->GetLayerDefn());
            f.SetGeometryDirectly(layer_geometry(in.geometry[row].get(), plan.ogr_type()));
            set_int64(f, 0, in.fid[row]);
            for (size_t c = 0; c < columns.size(); ++c) set_value(f, static_cast<int>(c + 1), *columns[c], row);
            if (far) {
                const int idx = static_cast<int>(columns.size() + 1);
                if ((*far)[row] < 0) f.SetFieldNull(idx);
                else f.SetField(idx, (*far)[row] ? 1 : 0);
            }
            add_feature(*layer, f, path);
        }
    });
}

// The table QGIS reads a layer's default style from (the same schema QGIS creates when it saves a style into
// a GeoPackage), with one row per layer.
void write_layer_styles(GDALDataset& ds, const std::vector<VectorLayerPlan>& layers, const std::string& timestamp,
                        const std::string& path) {
    CPLStringList opts;
    opts.SetNameValue("FID", "id");
    opts.SetNameValue("DESCRIPTION", "QGIS layer styles");
    OGRLayer* table = ds.CreateLayer("layer_styles", nullptr, wkbNone, opts.List());
    if (!table) fail("cannot create the layer_styles table", path);
    create_fields(*table,
                  {{"f_table_catalog", OFTString, OFSTNone, 256}, {"f_table_schema", OFTString, OFSTNone, 256},
                   {"f_table_name", OFTString, OFSTNone, 256}, {"f_geometry_column", OFTString, OFSTNone, 256},
                   {"styleName", OFTString, OFSTNone, 30}, {"styleQML", OFTString}, {"styleSLD", OFTString},
                   {"useAsDefault", OFTInteger, OFSTBoolean}, {"description", OFTString},
                   {"owner", OFTString, OFSTNone, 30}, {"ui", OFTString, OFSTNone, 30}},
                  path);
    {
        OGRFieldDefn t("update_time", OFTDateTime);
        t.SetDefault("CURRENT_TIMESTAMP");  // as QGIS declares it, for the styles users save later
        if (table->CreateField(&t) != OGRERR_NONE) fail("cannot add the field 'update_time' to layer_styles", path);
    }
    int y = 0, m = 0, d = 0, hh = 0, mm = 0, ss = 0;
    std::sscanf(timestamp.c_str(), "%d-%d-%dT%d:%d:%d", &y, &m, &d, &hh, &mm, &ss);
    in_transaction(ds, path, [&] {
        for (const auto& l : layers) {
            // A layer of mixed geometry kinds gets the style of its most common kind, without the kind check
            // (QGIS opens such a layer one kind at a time).
            Style style = l.styles.front();
            if (l.mixed()) style.check_kind = false;
            OGRFeature f(table->GetLayerDefn());
            f.SetField("f_table_catalog", "");
            f.SetField("f_table_schema", "");
            f.SetField("f_table_name", l.name.c_str());
            f.SetField("f_geometry_column", kGeometryColumn);
            f.SetField("styleName", l.name.substr(0, 30).c_str());
            f.SetField("styleQML", to_qml(style).c_str());
            f.SetField("styleSLD", "");
            f.SetField("useAsDefault", 1);
            // The short name the layer shows under, then what it is (the project's abstract).
            f.SetField("description", ("minerisk style: " + l.title + ". " + mask_secrets(l.description)).c_str());
            f.SetField("owner", "");
            f.SetField("update_time", y, m, d, hh, mm, static_cast<float>(ss), 100);
            add_feature(*table, f, path);
        }
    });
}

}  // namespace

std::string gpkg_timestamp(double unix_seconds) {
    std::string t = utc_timestamp(unix_seconds);  // "2026-12-03T15:06:10Z"
    return t.substr(0, t.size() - 1) + ".000Z";
}

void write_geopackage(const ExportContext& ctx, const std::vector<VectorLayerPlan>& layers, const std::string& path) {
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!driver) throw Error("this GDAL has no GeoPackage driver", Location(path), "install GDAL with SQLite support");

    // When the content was written: the run's start, as run.json says it, one value for every table (GDAL would
    // read the clock at each table).
    const std::string timestamp = gpkg_timestamp(ctx.plan ? ctx.plan->started : now_unix());
    const ScopedConfig fixed_date("OGR_CURRENT_DATE", timestamp);  // gpkg_contents.last_change
    const QuietErrors quiet;  // e.g. the warning that ".part" is not the .gpkg extension
    TempFile tmp(temporary_path_for(path));

    OGRSpatialReference srs;
    OGRSpatialReference* srs_ptr = nullptr;
    const std::string wkt = ctx.plan ? (!ctx.plan->grid.crs_wkt.empty() ? ctx.plan->grid.crs_wkt : ctx.plan->inputs.crs_wkt) : "";
    if (!wkt.empty() && srs.importFromWkt(wkt.c_str()) == OGRERR_NONE) {
        srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        srs_ptr = &srs;
    }
    CPLErrorReset();
    {
        DatasetPtr ds(driver->Create(tmp.path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) fail("cannot create the GeoPackage", path);
        for (const auto& l : layers) {
            if (l.role == "zones") write_zones(*ds, l, ctx.zones(), srs_ptr, path);
            else if (l.role == "survey_referrals") write_survey_referrals(*ds, l, ctx, srs_ptr, path);
            else if (l.role == "settlements_ranked") write_ranked_settlements(*ds, l, ctx.zones(), srs_ptr, path);
            else if (l.role == exports::kSignLayer && ctx.plans()) exports::write_sign_layer(*ds, ctx.plans()->signs, srs_ptr, path);
            else if (l.role == exports::kOutreachLayer && ctx.plans()) exports::write_outreach_layer(*ds, ctx.plans()->outreach, srs_ptr, path);
            else if (l.role == exports::kAreaLayer && ctx.areas() && ctx.plan) exports::write_area_layer(*ds, *ctx.areas(), ctx.plan->areas, srs_ptr, path);
            else if (l.input) write_input(*ds, l, ctx, srs_ptr, path);
        }
        write_layer_styles(*ds, layers, timestamp, path);
        CPLErrorReset();
        GDALDataset* raw = ds.release();
        GDALClose(raw);
        if (CPLGetLastErrorType() >= CE_Failure) fail("finishing the GeoPackage failed", path);
    }
    std::error_code ec;
    fs::rename(tmp.path(), path, ec);
    if (ec) throw Error("cannot move the GeoPackage into place: " + ec.message(), Location(path));
    tmp.release();
}

}  // namespace minerisk::qgis
