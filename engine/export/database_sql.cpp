#include "export/database_sql.hpp"

#include <cpl_conv.h>

#include "minerisk/dates.hpp"
#include "minerisk/run_plan.hpp"
#include "minerisk/version.hpp"

namespace minerisk::db {

namespace {

constexpr const char* kHint =
    "check that the database server answers and that the user may create tables in the schema (psql with the same "
    "connection tries it); keep the password in ~/.pgpass or PGPASSWORD, not in the scenario";

// What GDAL said last, on one line; "no reason given" when nothing.
std::string last_gdal_message() {
    std::string m = CPLGetLastErrorMsg();
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m.empty() ? "no reason given" : one_line(m);
}

// A query's result, released through its dataset.
struct Result {
    GDALDataset* ds;
    OGRLayer* layer;
    ~Result() {
        if (layer) ds->ReleaseResultSet(layer);
    }
};

}  // namespace

const std::vector<std::string>& product_tables() {
    static const std::vector<std::string> names = {"zones",     "survey_referrals", "settlements_ranked",
                                                   "sign_plan", "outreach_plan",    "area_ranking"};
    return names;
}

std::string literal(const std::string& text) {
    std::string q = "E'";
    for (char c : text) {
        if (c == '\0') continue;  // PostgreSQL text holds no NUL
        if (c == '\'' || c == '\\') q += c;
        q += c;
    }
    return q + "'";
}

std::string identifier(const std::string& name) {
    std::string q = "\"";
    for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

Connection::Connection(const std::string& connection, const std::string& schema, const Location& where)
    : connection_(connection), schema_(schema), where_(where) {
    CPLErrorReset();
    // First without a schema: it may not exist yet (a schema named in the open options that does not exist is
    // not an error to GDAL, but tables would then be looked for in public).
    ds_ = static_cast<GDALDataset*>(GDALOpenEx(connection_.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
    if (!ds_) throw Error("cannot connect to the output database: " + last_gdal_message(), where_, kHint);
    if (value("SELECT count(*) FROM pg_namespace WHERE nspname = " + literal(schema_)) == "0")
        execute("CREATE SCHEMA " + identifier(schema_));
    GDALClose(ds_);
    ds_ = nullptr;
    CPLStringList options;
    options.SetNameValue("ACTIVE_SCHEMA", schema_.c_str());
    options.SetNameValue("SCHEMAS", schema_.c_str());  // lists this schema's tables only, under their own names
    ds_ = static_cast<GDALDataset*>(GDALOpenEx(connection_.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, options.List(), nullptr));
    if (!ds_) throw Error("cannot connect to the output database: " + last_gdal_message(), where_, kHint);
}

Connection::~Connection() {
    if (!ds_) return;
    if (in_transaction_) {
        CPLPushErrorHandler(CPLQuietErrorHandler);
        ds_->RollbackTransaction();
        CPLPopErrorHandler();
    }
    GDALClose(ds_);
}

void Connection::fail(const std::string& what) const {
    throw Error(what + " in the output database (schema " + schema_ + "): " + last_gdal_message(), where_, kHint);
}

void Connection::begin() {
    CPLErrorReset();
    if (ds_->StartTransaction(TRUE) != OGRERR_NONE) fail("cannot start a transaction");
    in_transaction_ = true;
}

void Connection::commit() {
    CPLErrorReset();
    in_transaction_ = false;  // whatever happens: a failed commit is rolled back by the server
    if (ds_->CommitTransaction() != OGRERR_NONE) fail("cannot commit the run's rows");
}

void Connection::execute(const std::string& sql) {
    CPLErrorReset();
    OGRLayer* r = ds_->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (r) ds_->ReleaseResultSet(r);
    if (CPLGetLastErrorType() >= CE_Failure) fail("a statement failed");
}

std::string Connection::value(const std::string& sql) {
    CPLErrorReset();
    Result r{ds_, ds_->ExecuteSQL(sql.c_str(), nullptr, nullptr)};
    if (!r.layer || CPLGetLastErrorType() >= CE_Failure) fail("a query failed");
    std::unique_ptr<OGRFeature> f(r.layer->GetNextFeature());
    if (!f || f->GetFieldCount() < 1) fail("a query returned no row");
    return f->GetFieldAsString(0);
}

std::string Connection::qualified(const std::string& name) const { return identifier(schema_) + "." + identifier(name); }

OGRLayer* Connection::find_table(const std::string& name) {
    if (value("SELECT count(*) FROM pg_tables WHERE schemaname = " + literal(schema_) + " AND tablename = " + literal(name)) == "0")
        return nullptr;
    CPLErrorReset();
    OGRLayer* layer = ds_->GetLayerByName(name.c_str());
    if (!layer) fail("cannot open the table " + name);
    return layer;
}

OGRLayer* Connection::create_table(const std::string& name, const OGRSpatialReference* srs, OGRwkbGeometryType type,
                                   const CPLStringList& options) {
    CPLErrorReset();
    OGRLayer* layer = ds_->CreateLayer(name.c_str(), const_cast<OGRSpatialReference*>(srs), type, const_cast<char**>(options.List()));
    if (!layer) fail("cannot create the table " + name);
    return layer;
}

void Connection::add_field(OGRLayer& table, OGRFieldDefn& field) {
    CPLErrorReset();
    if (table.CreateField(&field) != OGRERR_NONE)
        fail("cannot add the column " + std::string(field.GetNameRef()) + " to " + table.GetName());
}

void Connection::insert(OGRLayer& table, OGRFeature& row) {
    CPLErrorReset();
    if (table.CreateFeature(&row) != OGRERR_NONE) fail("cannot write a row of " + std::string(table.GetName()));
}

long long Connection::record_run(const RunPlan& plan) {
    const std::string runs = qualified("runs");
    execute("CREATE TABLE IF NOT EXISTS " + runs +
            " (run_id bigserial PRIMARY KEY, scenario text NOT NULL, scenario_digest text, as_of date, "
            "started timestamptz, written timestamptz DEFAULT now(), minerisk_version text, gdal text, geos text, proj text)");
    const long long id = std::stoll(value("SELECT nextval(pg_get_serial_sequence(" + literal(runs) + ", 'run_id'))"));
    const VersionInfo v = versions();
    execute("INSERT INTO " + runs + " (run_id, scenario, scenario_digest, as_of, started, minerisk_version, gdal, geos, proj) VALUES (" +
            std::to_string(id) + ", " + literal(plan.scenario.name) + ", " + literal(plan.scenario_digest) + ", " +
            literal(date_to_string(plan.as_of)) + ", " + literal(utc_timestamp(plan.started)) + ", " + literal(v.minerisk) +
            ", " + literal(v.gdal) + ", " + literal(v.geos) + ", " + literal(v.proj) + ")");
    return id;
}

void Connection::ensure_layer_styles() {
    execute("CREATE TABLE IF NOT EXISTS public.layer_styles (id serial PRIMARY KEY, f_table_catalog varchar, "
            "f_table_schema varchar, f_table_name varchar, f_geometry_column varchar, styleName text, styleQML xml, "
            "styleSLD xml, useAsDefault boolean, description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml, "
            "update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar)");
}

void Connection::replace_style(const std::string& table, const std::string& geometry_column, const std::string& style_name,
                               const std::string& qml, const std::string& description) {
    const std::string match = "f_table_catalog = current_database() AND f_table_schema = " + literal(schema_) +
                              " AND f_table_name = " + literal(table) + " AND f_geometry_column = " + literal(geometry_column);
    execute("DELETE FROM public.layer_styles WHERE " + match + " AND styleName = " + literal(style_name));
    const bool other_default = value("SELECT count(*) FROM public.layer_styles WHERE " + match + " AND useAsDefault") != "0";
    execute("INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, "
            "styleQML, styleSLD, useAsDefault, description) VALUES (current_database(), " + literal(schema_) + ", " +
            literal(table) + ", " + literal(geometry_column) + ", " + literal(style_name) + ", XMLPARSE(DOCUMENT " +
            literal(qml) + "), NULL, " + (other_default ? "false" : "true") + ", " + literal(description) + ")");
}

}  // namespace minerisk::db
