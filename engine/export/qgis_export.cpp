// write_qgis_outputs: minerisk.gpkg (with its layer_styles), a .qml beside each raster, and minerisk.qgs.
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "export/database_sql.hpp"
#include "export/qgis_gpkg.hpp"
#include "export/qgis_postgres.hpp"
#include "export/qgis_rasters.hpp"
#include "export/qgis_layers.hpp"
#include "export/qgis_layouts.hpp"
#include "export/qgis_project.hpp"
#include "export/qgis_styles.hpp"
#include "export/report_format.hpp"
#include "export/report_sections.hpp"
#include "io/raster_writer.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/exports.hpp"
#include "minerisk/output_folder.hpp"

namespace fs = std::filesystem;

namespace minerisk {

namespace {

constexpr const char* kGpkgName = "minerisk.gpkg";
constexpr const char* kProjectName = "minerisk.qgs";


// "./risk.tif", "./factors/x.tif": a path relative to the output folder when the file is inside it.
std::string project_path(const std::string& file, const std::string& output_dir) {
    std::error_code ec;
    const fs::path rel = fs::relative(fs::absolute(file, ec), fs::absolute(output_dir, ec), ec);
    if (ec || rel.empty() || rel.begin()->string() == "..") return fs::absolute(file, ec).generic_string();
    return "./" + rel.generic_string();
}

// The path of the style QGIS loads with a raster: same folder and name, the last extension replaced by .qml.
std::string qml_path_for(const std::string& raster) { return fs::path(raster).replace_extension(".qml").string(); }

// Minimum and maximum of band 1 (exact, nodata excluded); false when the raster has no valid cell.
bool raster_min_max(const std::string& path, double& min, double& max) {
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    bool ok = false;
    if (ds && ds->GetRasterCount() >= 1) {
        double mm[2] = {0, 0};
        ok = ds->GetRasterBand(1)->ComputeRasterMinMax(FALSE, mm) == CE_None && std::isfinite(mm[0]) && std::isfinite(mm[1]);
        if (ok) min = mm[0], max = mm[1];
    }
    if (ds) GDALClose(ds);
    CPLPopErrorHandler();
    return ok;
}

qgis::Style raster_style(const RasterOutput& r) {
    if (r.kind != "extra") return qgis::score_raster_style();
    double min = r.min, max = r.max;  // gathered as the run wrote it
    if (!(std::isfinite(min) && std::isfinite(max)) && !raster_min_max(r.path, min, max)) min = 0, max = 1;
    // A band whose description names a sentinel ("36500 = never") gets it as a class of its own and the ramp over
    // the real values only: stretched to 36500, every real value (9-400 days) drew in one colour.
    std::string word;
    const double sentinel = qgis::described_sentinel(r.description, word);
    if (std::isfinite(sentinel) && sentinel >= max) {
        double real_max = r.max_below_sentinel;  // gathered as the run wrote it; else read from the raster
        const bool known = std::isfinite(real_max) || qgis::max_below(r.path, sentinel, real_max);
        if (known && real_max >= min) return qgis::range_raster_style_with_sentinel(min, real_max, r.unit, sentinel, word);
    }
    return qgis::range_raster_style(min, max, r.unit);
}

// Short names for the layers panel and legends; the description goes in the abstract.
std::string raster_title(const RasterOutput& r) {
    if (r.kind == "risk") return "Risk";
    if (r.kind == "factor") return r.name + " score";
    return r.name;  // the unit is in the legend's values and in the abstract
}

std::string raster_abstract(const RasterOutput& r) {
    if (r.kind == "risk") return "minerisk: combined risk, 0-1 (weighted factor scores)";
    if (r.kind == "factor") return "minerisk: score of the factor " + r.name + ", 0-1";
    const std::string what = r.description.empty() ? r.name : r.name + ": " + r.description;
    return "minerisk: extra band " + (r.unit.empty() ? what : what + " (" + r.unit + ")");
}

// Project layer order, top to bottom: zones, survey referrals, the plans, ranked settlements, incidents, sessions,
// hazards, signs, settlements, extra inputs, then the rasters.
int draw_order(const std::string& role) {
    // The signs under the hazards: the hatching stays readable where the signs stand along its edge.
    static const char* order[] = {"zones",     "survey_referrals", "sign_plan", "outreach_plan", "settlements_ranked",
                                  "incidents", "sessions",         "hazards",   "signs",         "settlements",
                                  "area_ranking"};  // the areas under every other layer: they are the largest
    constexpr int n = sizeof order / sizeof order[0];
    for (int i = 0; i < n; ++i)
        if (role == order[i]) return i;
    return n;
}

std::vector<qgis::ProjectLayer> vector_project_layers(const std::vector<qgis::VectorLayerPlan>& plans) {
    std::vector<const qgis::VectorLayerPlan*> sorted;
    for (const auto& p : plans) sorted.push_back(&p);
    std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return draw_order(a->role) < draw_order(b->role); });
    std::vector<qgis::ProjectLayer> out;
    for (const auto* p : sorted) {
        for (size_t k = 0; k < p->kinds.size(); ++k) {
            qgis::ProjectLayer l;
            l.id = "minerisk_" + p->name;
            l.name = p->title;
            l.abstract = p->description;
            l.datasource = std::string("./") + kGpkgName + "|layername=" + p->name;
            if (p->mixed()) {
                // A layer of several geometry kinds opens in QGIS one kind at a time.
                const char* type = p->kinds[k] == qgis::GeomKind::point ? "Point" : p->kinds[k] == qgis::GeomKind::line ? "LineString" : "Polygon";
                l.id += std::string("_") + type;
                l.name += std::string(" (") + qgis::kind_name(p->kinds[k]) + ")";
                l.datasource += std::string("|geometrytype=") + type;
            }
            l.provider = "ogr";
            l.style = p->styles[k];
            out.push_back(std::move(l));
        }
    }
    return out;
}

std::vector<qgis::ProjectLayer> raster_project_layers(const ExportContext& ctx, const std::vector<qgis::Style>& styles) {
    std::vector<qgis::ProjectLayer> out;
    for (size_t i = 0; i < ctx.rasters.size(); ++i) {
        const RasterOutput& r = ctx.rasters[i];
        qgis::ProjectLayer l;
        l.id = "minerisk_raster_" + std::to_string(i) + "_" + r.name;
        l.name = raster_title(r);
        l.abstract = raster_abstract(r);
        l.datasource = project_path(r.path, ctx.output_dir);
        l.provider = "gdal";
        l.style = styles[i];
        l.visible = r.kind == "risk";
        l.in_group = r.kind != "risk";
        out.push_back(std::move(l));
    }
    return out;
}

// outputs.qgis_source: database: the product layers read the tables outputs.database writes (the scenario's
// rows); the inputs as used stay in the GeoPackage.
void point_products_at_database(const ExportContext& ctx, const std::vector<qgis::VectorLayerPlan>& plans,
                                std::vector<qgis::ProjectLayer>& layers) {
    const OutputsSpec& o = ctx.plan->scenario.outputs;
    OGRSpatialReference srs;
    int srid = 0;
    const std::string& wkt = ctx.plan->grid.crs_wkt;
    if (!wkt.empty() && srs.importFromWkt(wkt.c_str()) == OGRERR_NONE) {
        srs.AutoIdentifyEPSG();
        const char* code = srs.GetAuthorityCode(nullptr);
        const char* auth = srs.GetAuthorityName(nullptr);
        if (code && auth && EQUAL(auth, "EPSG")) srid = std::atoi(code);
    }
    const auto& products = db::product_tables();
    for (const auto& p : plans) {
        if (std::find(products.begin(), products.end(), p.name) == products.end()) continue;
        for (auto& l : layers)
            if (l.id == "minerisk_" + p.name) {
                l.datasource = qgis::postgres_source(o.database, o.schema, p.name, p.ogr_type(), srid, ctx.plan->scenario.name);
                l.provider = "postgres";
            }
    }
}

Extent project_extent(const ExportContext& ctx) {
    Extent e = ctx.plan->grid.extent();
    if (!e.valid()) e = ctx.plan->inputs.extent();
    if (!e.valid()) e = Extent{0, 0, 1, 1};
    return e;
}

// What the layouts print: the dates and the sources the run knows, and the layers of the priority map's legend.
qgis::LayoutInfo layout_info(const ExportContext& ctx, const qgis::ProjectInfo& info) {
    qgis::LayoutInfo l;
    l.title = info.title;
    l.as_of = date_to_string(ctx.plan->as_of);
    l.prepared = utc_timestamp(ctx.plan->started).substr(0, 10);
    for (const auto& layer : ctx.plan->inputs.layers) {
        const std::string source = mask_secrets(layer.stats.source);
        const std::string file = fs::path(source).filename().string();
        l.sources += (l.sources.empty() ? "" : "; ") + layer.role + ": " + (file.empty() ? source : file);
    }
    l.extent = info.extent;
    for (const auto& f : ctx.plan->factors) l.factor_words.emplace_back(f.spec.name, report::factor_words(ctx, f.spec.name));
    // The legend lists what a planner reads on the map; the inputs' context layers and the factors stay out.
    static const char* legend_ids[] = {"minerisk_zones", "minerisk_survey_referrals", "minerisk_sign_plan", "minerisk_outreach_plan",
                                       "minerisk_settlements_ranked", "minerisk_hazards", "minerisk_signs", "minerisk_incidents"};
    for (const char* id : legend_ids)
        for (const auto& p : info.layers)
            if (p.id == id) l.legend.push_back({p.id, p.name, mask_secrets(p.datasource), p.provider});
    for (const auto& p : info.layers) {
        if (p.id == "minerisk_zones") l.zones = {p.id, p.name, mask_secrets(p.datasource), p.provider};
        if (p.style.raster && p.visible && !p.in_group)
            l.legend.push_back({p.id, p.name, p.datasource, p.provider, "combined risk, 0 (low) to 1 (high)"});
    }
    return l;
}

}  // namespace

std::vector<OutputFile> write_qgis_outputs(const ExportContext& ctx) {
    if (!ctx.plan) throw Error("the QGIS export needs the run's plan", Location(ctx.output_dir));
    if (ctx.output_dir.empty()) throw Error("the QGIS export needs an output folder");
    std::vector<OutputFile> written;

    const auto plans = qgis::plan_vector_layers(ctx);
    const std::string gpkg = (fs::path(ctx.output_dir) / kGpkgName).string();
    qgis::write_geopackage(ctx, plans, gpkg);
    written.push_back({gpkg, "QGIS GeoPackage: zones, survey referrals, ranked settlements, the plans asked for and the inputs as used, styled"});

    std::vector<qgis::Style> raster_styles;
    for (const auto& r : ctx.rasters) {
        raster_styles.push_back(raster_style(r));
        const std::string qml = qml_path_for(r.path);
        write_file_atomically(qml, qgis::to_qml(raster_styles.back()));
        written.push_back({qml, "QGIS style of " + fs::path(r.path).filename().string()});
    }

    qgis::ProjectInfo info;
    info.title = "minerisk: " + ctx.plan->scenario.name;
    info.crs_wkt = !ctx.plan->grid.crs_wkt.empty() ? ctx.plan->grid.crs_wkt : ctx.plan->inputs.crs_wkt;
    info.crs_name = ctx.plan->inputs.crs_name;
    info.extent = project_extent(ctx);
    info.group_name = "Factor scores and extra bands";
    info.layers = vector_project_layers(plans);
    if (ctx.plan->scenario.outputs.qgis_source == "database") point_products_at_database(ctx, plans, info.layers);
    for (auto& l : raster_project_layers(ctx, raster_styles)) info.layers.push_back(std::move(l));
    info.layouts = qgis::layouts_xml(layout_info(ctx, info));
    const std::string qgs = (fs::path(ctx.output_dir) / kProjectName).string();
    write_file_atomically(qgs, qgis::project_xml(info));
    written.push_back({qgs, "QGIS project: every layer styled, in order, in the working CRS"});
    return written;
}

std::vector<OutputFile> write_zones_only(const ExportContext& ctx) {
    if (!ctx.plan) throw Error("the zones export needs the run's plan", Location(ctx.output_dir));
    // The zones and the survey referrals (and the plans' signs and sessions): every place the run says to act.
    std::vector<qgis::VectorLayerPlan> zones;
    for (auto& p : qgis::plan_vector_layers(ctx))
        if (p.role == "zones" || p.role == "survey_referrals" || p.role == "sign_plan" || p.role == "outreach_plan" ||
            p.role == "area_ranking")
            zones.push_back(std::move(p));
    const std::string gpkg = (fs::path(ctx.output_dir) / "zones.gpkg").string();
    qgis::write_geopackage(ctx, zones, gpkg);
    return {{gpkg, "the zones, ranked, with their attributes and actions, and the survey referrals outside them (GeoPackage)"}};
}

}  // namespace minerisk
