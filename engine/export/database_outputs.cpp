// write_database: the run's products (zones, survey referrals, ranked settlements, sign and outreach plans, area
// ranking) as PostGIS tables, with their QGIS styles in layer_styles and a row in the runs table, all in one
// transaction (docs/database.md).
//
// The rows are copied from the GeoPackage the run has just staged, so that the tables have the GeoPackage's
// columns and values exactly: one writer decides the columns (qgis_gpkg.cpp), this one only moves them.
// Tables are shared by every scenario written into the schema; a rerun deletes the scenario's earlier rows and
// inserts the new ones in the same transaction, so that a reader sees either the earlier rows or the new ones,
// and a run that fails or is killed (PostgreSQL rolls back a transaction whose connection drops) leaves the
// earlier rows whole.
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "export/database_sql.hpp"
#include "minerisk/error.hpp"
#include "minerisk/exports.hpp"
#include "minerisk/output_transaction.hpp"
#include "minerisk/run_plan.hpp"

namespace fs = std::filesystem;

namespace minerisk {

namespace {

using db::Connection;

struct CloseDataset {
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, CloseDataset>;

// minerisk.gpkg, or zones.gpkg when the QGIS outputs are off.
DatasetPtr open_staged_geopackage(const std::string& output_dir, std::string& path) {
    for (const char* name : {"minerisk.gpkg", "zones.gpkg"}) {
        path = (fs::path(output_dir) / name).string();
        if (!fs::exists(path)) continue;
        DatasetPtr ds(static_cast<GDALDataset*>(
            GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
        if (ds) return ds;
    }
    throw Error("internal error: the database tables are copied from the run's GeoPackage, and none was written");
}

// The product's table: created like the GeoPackage layer (plus scenario and run_id) when missing; a column the
// GeoPackage has and the table lacks (a factor another scenario does not use) is added.
OGRLayer* product_table(Connection& db, OGRLayer& source) {
    const std::string name = source.GetName();
    OGRLayer* table = db.find_table(name);
    if (!table) {
        CPLStringList opts;
        opts.SetNameValue("GEOMETRY_NAME", "geom");
        opts.SetNameValue("FID", "fid");
        opts.SetNameValue("LAUNDER", "NO");       // the GeoPackage's names, which QGIS styles refer to
        opts.SetNameValue("PRECISION", "NO");     // plain types: a later run's longer text still fits
        opts.SetNameValue("SPATIAL_INDEX", "GIST");
        opts.SetNameValue("DESCRIPTION", source.GetMetadataItem("DESCRIPTION") ? source.GetMetadataItem("DESCRIPTION") : "");
        table = db.create_table(name, source.GetSpatialRef(), source.GetGeomType(), opts);
        OGRFieldDefn scenario("scenario", OFTString);
        OGRFieldDefn run("run_id", OFTInteger64);
        db.add_field(*table, scenario);
        db.add_field(*table, run);
    }
    OGRFeatureDefn* have = table->GetLayerDefn();
    OGRFeatureDefn* want = source.GetLayerDefn();
    for (int i = 0; i < want->GetFieldCount(); ++i) {
        OGRFieldDefn f(want->GetFieldDefn(i));
        f.SetWidth(0);
        f.SetPrecision(0);
        if (have->GetFieldIndex(f.GetNameRef()) < 0) db.add_field(*table, f);
    }
    return table;
}

// The scenario's earlier rows of the table replaced by the GeoPackage layer's. Returns the rows written.
long long replace_rows(Connection& db, OGRLayer& source, OGRLayer& table, const std::string& scenario, long long run_id) {
    db.execute("DELETE FROM " + db.qualified(table.GetName()) + " WHERE scenario = " + db::literal(scenario));
    OGRFeatureDefn* defn = table.GetLayerDefn();
    // The table's index of each GeoPackage field, found once.
    std::vector<int> map(static_cast<size_t>(source.GetLayerDefn()->GetFieldCount()));
    for (size_t i = 0; i < map.size(); ++i)
        map[i] = defn->GetFieldIndex(source.GetLayerDefn()->GetFieldDefn(static_cast<int>(i))->GetNameRef());
    const int scenario_field = defn->GetFieldIndex("scenario"), run_field = defn->GetFieldIndex("run_id");
    long long rows = 0;
    source.ResetReading();
    for (auto& f : source) {
        OGRFeature out(defn);
        if (out.SetFrom(f.get(), map.data(), TRUE) != OGRERR_NONE) db.fail("cannot copy a row of " + std::string(table.GetName()));
        out.SetFID(OGRNullFID);
        out.SetField(scenario_field, scenario.c_str());
        out.SetField(run_field, static_cast<GIntBig>(run_id));
        db.insert(table, out);
        ++rows;
    }
    return rows;
}

// The style of each product table, as QGIS finds a layer's default style in PostGIS (layer_styles, matched on
// database, schema, table and geometry column). A user's own default style for the table stays the default.
void replace_styles(Connection& db, GDALDataset& gpkg, const std::vector<std::string>& tables) {
    OGRLayer* styles = gpkg.GetLayerByName("layer_styles");
    if (!styles) return;
    db.ensure_layer_styles();
    for (auto& s : *styles) {
        const std::string table = s->GetFieldAsString("f_table_name");
        if (std::find(tables.begin(), tables.end(), table) == tables.end()) continue;
        db.replace_style(table, "geom", "minerisk " + table, s->GetFieldAsString("styleQML"),
                         s->GetFieldAsString("description"));
    }
}

}  // namespace

std::vector<OutputFile> write_database(const ExportContext& ctx) {
    const RunPlan& plan = *ctx.plan;
    const OutputsSpec& o = plan.scenario.outputs;
    std::string gpkg_path;
    DatasetPtr gpkg = open_staged_geopackage(ctx.output_dir, gpkg_path);
    Connection db(o.database, o.schema, o.database_where);
    db.begin();
    // Two runs of one scenario at the same time write one after the other, not interleaved.
    db.execute("SELECT pg_advisory_xact_lock(hashtext(" + db::literal("minerisk " + o.schema + " " + plan.scenario.name) + "))");
    const long long run_id = db.record_run(plan);
    std::vector<std::string> written;
    int step = 0;
    for (const std::string& name : db::product_tables()) {
        ctx.progress.report(static_cast<double>(step++) / db::product_tables().size(), name.c_str());
        OGRLayer* source = gpkg->GetLayerByName(name.c_str());
        if (!source) continue;  // a product this run did not make (no plans, no summary_by)
        OGRLayer* table = product_table(db, *source);
        replace_rows(db, *source, *table, plan.scenario.name, run_id);
        written.push_back(name);
    }
    // A table this run did not make (a plan dropped from the scenario) loses the scenario's earlier rows too: the
    // tables hold one run of each scenario.
    for (const std::string& name : db::product_tables())
        if (std::find(written.begin(), written.end(), name) == written.end())
            if (OGRLayer* table = db.find_table(name))
                db.execute("DELETE FROM " + db.qualified(table->GetName()) + " WHERE scenario = " + db::literal(plan.scenario.name));
    replace_styles(db, *gpkg, written);
    test_kill_point("database rows written");
    db.commit();
    ctx.progress.report(1.0, "database");
    return {};
}

}  // namespace minerisk
