// A connection to the PostGIS database of outputs.database (docs/database.md), through GDAL's PostgreSQL driver:
// one transaction for everything a run writes, SQL quoting, and errors as one line that names the connection
// (its password masked) and what to do.
#pragma once
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>
#include <vector>

#include "minerisk/error.hpp"

namespace minerisk {
struct RunPlan;
}

namespace minerisk::db {

// The GeoPackage layers that are the run's products, in the order they are written to the database. The inputs
// as used stay in the GeoPackage: the database they may have come from already holds them.
const std::vector<std::string>& product_tables();

// 'text' as an SQL string literal (E'...': backslashes and quotes escaped, whatever standard_conforming_strings).
std::string literal(const std::string& text);
// "name" as an SQL identifier.
std::string identifier(const std::string& name);

class Connection {
public:
    // Connects (GDAL_OF_UPDATE), creates the schema when missing, and makes it the schema tables are found and
    // created in. Throws Error at `where` (the scenario's 'database:' line) when the database does not answer.
    Connection(const std::string& connection, const std::string& schema, const Location& where);
    ~Connection();  // an open transaction is rolled back
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void begin();
    void commit();

    // Runs a statement that returns no rows; Error on failure.
    void execute(const std::string& sql);
    // The first column of the first row of a query, as text; Error on failure or no row.
    std::string value(const std::string& sql);

    // The table in the schema; nullptr when there is none.
    OGRLayer* find_table(const std::string& name);
    OGRLayer* create_table(const std::string& name, const OGRSpatialReference* srs, OGRwkbGeometryType type,
                           const CPLStringList& options);
    void add_field(OGRLayer& table, OGRFieldDefn& field);
    void insert(OGRLayer& table, OGRFeature& row);
    // "schema"."name"
    std::string qualified(const std::string& name) const;

    // The runs table (created when missing), with this run's row: its run_id.
    long long record_run(const RunPlan& plan);
    // public.layer_styles as QGIS creates it, when missing (QGIS reads styles from the layer_styles on its search
    // path, which is public unless configured otherwise).
    void ensure_layer_styles();
    // minerisk's style of the table replaced; the default style unless the table has another default.
    void replace_style(const std::string& table, const std::string& geometry_column, const std::string& style_name,
                       const std::string& qml, const std::string& description);

    // Throws Error: `what`, GDAL's last message, the connection named (masked).
    [[noreturn]] void fail(const std::string& what) const;

private:
    std::string connection_, schema_;
    Location where_;
    GDALDataset* ds_ = nullptr;
    bool in_transaction_ = false;
};

}  // namespace minerisk::db
