// One input layer read from its source: opened, filtered, mapped, and every feature read with its values.
#include "io/layer_reader.hpp"

#include <cpl_error.h>

#include <algorithm>

#include "core/text.hpp"
#include "io/attribute_filter.hpp"
#include "io/feature_geometry.hpp"
#include "io/field_mapping.hpp"
#include "io/layer_crs.hpp"
#include "io/layer_source.hpp"

namespace minerisk::reader {
namespace {

// One feature: its geometry and values, or a counted reason to skip it.
void read_feature(RawLayer& raw, OGRFeature& feat, OGRFeatureDefn& defn, const FieldMap& map) {
    ++raw.stats.read;
    RawFeature rf;
    rf.fid = feat.GetFID();
    // Recoded as read_values recodes (and counts) the same value, so that messages stay UTF-8.
    if (map.id_index >= 0 && feat.IsFieldSetAndNotNull(map.id_index))
        rf.id = text::recode_cp1252(feat.GetFieldAsString(map.id_index));
    const std::string who_f = feature_label(rf.fid, rf.id, raw.csv);
    if (!read_geometry(raw, feat, map, who_f, rf.geom)) return;
    if (!usable_geometry(raw, rf.geom.get(), who_f)) return;
    read_values(raw, feat, defn, map, rf);
    raw.features.push_back(std::move(rf));
}

// Reads every feature of the layer. Messages GDAL gives while it fetches the features: a failure after the
// last feature means reading stopped part-way (a damaged file), and every feature after that point would be
// silently missing; that is an Error. GDAL's other messages become the layer's "gdal" warning.
void read_features(RawLayer& raw, OGRLayer& layer, const FieldMap& map, GdalMessages& gdal, const Progress& progress,
                   const Location& where) {
    const InputSpec& in = *raw.spec;
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    const GIntBig total = layer.GetFeatureCount(FALSE);
    layer.ResetReading();
    std::int64_t n = 0;
    CPLErrorReset();
    size_t after_last = gdal.mark();
    const size_t read_mark = after_last;
    std::int64_t last_fid = -1;
    for (auto& feat : layer) {
        read_feature(raw, *feat, *defn, map);
        last_fid = feat->GetFID();
        after_last = gdal.mark();
        if (total > 0 && (++n % 4096) == 0) progress.report(std::min(1.0, double(n) / total));
    }
    const std::string stopped = gdal.failures_since(after_last);
    if (!stopped.empty() && is_database(in.source))
        throw Error("reading the " + in.role + " layer '" + raw.stats.layer_name + "' from the database stopped after " +
                        std::to_string(raw.stats.read) + " feature(s): " + stopped,
                    where,
                    "the database refused the query or the connection broke: check the table, its columns and the "
                    "'where' filter, and that the server is reachable (ogrinfo -so '" + in.source + "' '" +
                        raw.stats.layer_name + "')");
    if (!stopped.empty())
        throw Error("reading the " + in.role + " layer '" + raw.stats.layer_name + "' stopped after " +
                        std::to_string(raw.stats.read) + " feature(s)" +
                        (last_fid >= 0 ? " (the last read was " + feature_label(last_fid, "", raw.csv) + ")" : "") +
                        ": " + stopped,
                    where,
                    "the file is damaged or truncated, and the features after that point cannot be read: export it "
                    "again from the source (ogrinfo -al '" + in.source + "' shows where it breaks)");
    for (size_t i = read_mark; i < after_last; ++i) {
        const auto& m = gdal.messages()[i];
        if (!reported_elsewhere(m.text)) raw.problems["gdal"].add(m.text);
    }
}

}  // namespace

RawLayer read_layer(const InputSpec& in, GdalMessages& gdal, const Progress& progress, const std::string& working_crs) {
    RawLayer raw;
    raw.spec = &in;
    Location where;
    where.file = in.source;
    where.layer = in.layer;

    CPLErrorReset();
    const size_t open_mark = gdal.mark();
    DatasetPtr ds = open_source(in, gdal, open_mark, where);
    raw.csv = ds->GetDriver() && EQUAL(ds->GetDriver()->GetDescription(), "CSV");
    // The query's result is released before its dataset closes (declared after it).
    QueryPtr query = in.sql.empty() ? QueryPtr(nullptr, ReleaseQuery{ds.get()}) : run_query(*ds, in, gdal, where);
    OGRLayer* layer = query ? query.get() : find_layer(*ds, in, where);
    raw.stats.source = mask_secrets(in.source);
    raw.stats.layer_name = layer->GetName();
    if (const auto& copy = ds.get_deleter().snapshot; copy && !copy->pending_log().empty())
        raw.notes.push_back(who(in, raw.stats.layer_name) + ": the file has saved changes not yet merged into it (in " +
                            copy->pending_log() + ", its log): read them from a private copy, the input left untouched. "
                            "if a program (QGIS) is still editing the file, finish the edits and run again");
    apply_attribute_filter(*layer, in, gdal, where);
    const FieldMap map = map_fields(raw, *layer);
    assign_layer_crs(raw, map.coords_from_fields() ? nullptr : layer->GetSpatialRef());
    // What GDAL said while opening (e.g. a damaged CRS table) goes with the layer's warnings.
    for (size_t i = open_mark; i < gdal.mark(); ++i)
        if (gdal.messages()[i].type == CE_Warning && !reported_elsewhere(gdal.messages()[i].text))
            raw.problems["gdal"].add(gdal.messages()[i].text);

    read_features(raw, *layer, map, gdal, progress, where);
    // A layer with no CRS is refused once its features are read, with a hint from their coordinates.
    if (!raw.has_srs) refuse_missing_crs(raw, where, working_crs);
    return raw;
}

}  // namespace minerisk::reader
