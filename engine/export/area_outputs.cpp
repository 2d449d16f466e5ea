// area_ranking.csv and the area_ranking GeoPackage layer: the same columns, in the same order (docs/areas.md).
#include "export/area_outputs.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <charconv>
#include <filesystem>

#include "export/qgis_gpkg.hpp"
#include "export/report_format.hpp"
#include "minerisk/error.hpp"
#include "minerisk/output_folder.hpp"

namespace fs = std::filesystem;

namespace minerisk::exports {

namespace {

using report::csv_record;
using report::fixed;

const std::vector<std::string>& columns() {
    static const std::vector<std::string> c = {
        "rank",          "id",       "name",      "people_in_reach", "settlements",     "settlements_in_reach",
        "settlements_never_reached", "population", "hazards",        "perimeter_m",     "unmarked_m",
        "incidents",     "incidents_recent", "zones", "best_zone_rank", "area_km2",     "reason"};
    return c;
}

// One row as text: the CSV's fields, and (numbers as numbers) the layer's.
std::vector<std::string> row_text(const AreaSummary& a) {
    return {std::to_string(a.rank), a.id, a.name, fixed(a.people_in_reach, 0), std::to_string(a.settlements),
            std::to_string(a.settlements_in_reach), std::to_string(a.settlements_never_reached), fixed(a.population, 0),
            std::to_string(a.hazards), fixed(a.perimeter_m, 0), fixed(a.unmarked_m, 0), std::to_string(a.incidents),
            std::to_string(a.incidents_recent), std::to_string(a.zones), a.best_zone_rank > 0 ? std::to_string(a.best_zone_rank) : "",
            fixed(a.area_km2, 1), a.reason};
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    const std::string gdal = CPLGetLastErrorMsg();
    throw Error(what + (gdal.empty() ? "" : ": " + gdal), Location{path}, "check that the output folder is writable and has free space");
}

OGRFieldType type_of(const std::string& column) {
    if (column == "id" || column == "name" || column == "reason") return OFTString;
    if (column == "people_in_reach" || column == "population" || column == "perimeter_m" || column == "unmarked_m" ||
        column == "area_km2")
        return OFTReal;
    return column == "rank" || column == "best_zone_rank" ? OFTInteger : OFTInteger64;
}

// The layer holds the CSV's values (numbers rounded as the CSV rounds them), read back from its text without the
// locale; an empty field (no zone) is NULL.
void set_fields(OGRFeature& f, const AreaSummary& a) {
    const std::vector<std::string> text = row_text(a);
    for (size_t i = 0; i < text.size(); ++i) {
        const int idx = static_cast<int>(i);
        const OGRFieldType type = type_of(columns()[i]);
        const std::string& t = text[i];
        if (type == OFTString) {
            f.SetField(idx, t.c_str());
            continue;
        }
        double v = 0;
        if (t.empty() || std::from_chars(t.data(), t.data() + t.size(), v).ec != std::errc()) f.SetFieldNull(idx);
        else if (type == OFTReal) f.SetField(idx, v);
        else f.SetField(idx, static_cast<GIntBig>(v));
    }
}

}  // namespace

std::string area_ranking_csv(const AreaRanking& ranking) {
    std::string out = csv_record(columns());
    for (const AreaSummary& a : ranking.areas) out += csv_record(row_text(a));
    return out;
}

void write_area_layer(GDALDataset& ds, const AreaRanking& ranking, const FeatureLayer& areas, OGRSpatialReference* srs,
                      const std::string& path) {
    CPLStringList opts;
    opts.SetNameValue("FID", "fid");
    opts.SetNameValue("GEOMETRY_NAME", qgis::kGeometryColumn);
    opts.SetNameValue("SPATIAL_INDEX", "YES");
    opts.SetNameValue("DESCRIPTION", "minerisk: the areas of summary_by ranked (1 = allocate here first), with their figures");
    OGRLayer* layer = ds.CreateLayer(kAreaLayer, srs, wkbMultiPolygon, opts.List());
    if (!layer) fail(std::string("cannot create the layer '") + kAreaLayer + "'", path);
    for (const auto& c : columns()) {
        OGRFieldDefn d(c.c_str(), type_of(c));
        if (layer->CreateField(&d) != OGRERR_NONE) fail("cannot add the field '" + c + "' to " + kAreaLayer, path);
    }
    if (ds.StartTransaction() != OGRERR_NONE) fail("cannot start writing", path);
    for (const AreaSummary& a : ranking.areas) {
        OGRFeature f(layer->GetLayerDefn());
        const OGRGeometry* g =
            a.feature >= 0 && a.feature < areas.size() ? areas.geometry[static_cast<size_t>(a.feature)].get() : nullptr;
        if (g && !g->IsEmpty()) f.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(g->clone()));
        set_fields(f, a);
        if (layer->CreateFeature(&f) != OGRERR_NONE) fail(std::string("cannot write a feature of ") + kAreaLayer, path);
    }
    if (ds.CommitTransaction() != OGRERR_NONE) fail("cannot finish writing", path);
}

std::vector<OutputFile> write_area_table(const ExportContext& ctx) {
    if (!ctx.areas()) return {};
    const std::string csv = (fs::path(ctx.output_dir) / kAreaCsv).string();
    write_file_atomically(csv, area_ranking_csv(*ctx.areas()));
    return {{csv, "the administrative areas of summary_by ranked, with their figures (CSV)"}};
}

}  // namespace minerisk::exports
