// Opening an input's data source and finding its layer; the errors say whether a file is damaged or a
// database cannot be reached.
#include "io/layer_source.hpp"

#include <cstring>
#include <stdexcept>

#include "minerisk/file_check.hpp"

namespace minerisk::reader {

bool is_database(const std::string& source) {
    auto starts = [&](const char* p) { return source.size() >= std::strlen(p) && EQUALN(source.c_str(), p, std::strlen(p)); };
    return starts("PG:") || starts("postgresql://") || starts("postgres://") || starts("MYSQL:") || starts("OCI:") ||
           starts("MSSQL:") || starts("ODBC:");
}

DatasetPtr open_source(const InputSpec& in, const GdalMessages& gdal, size_t open_mark, const Location& where) {
    // load_scenario refuses these already; an InputSpec made by a program comes here unchecked, and GDAL
    // would block on a FIFO's open or read a device for ever.
    const std::string special = files::not_a_file(in.source, files::FileRules{0, true});
    if (!special.empty())
        throw Error("cannot open the " + in.role + " input: it is " + special, where,
                    "name the data file itself (a folder is read only as a File Geodatabase, NAME.gdb)");
    // Read-only is not enough for SQLite in WAL mode: see sqlite_snapshot.hpp.
    std::shared_ptr<files::SqliteSnapshot> snapshot;
    try {
        snapshot = files::SqliteSnapshot::take_if_needed(in.source);
    } catch (const std::runtime_error& e) {
        throw Error(std::string(e.what()), where,
                    "free space in the temporary folder (TMPDIR), or merge the file's log into it first (open and close "
                    "it in QGIS, or: ogrinfo '" + in.source + "')");
    }
    const std::string& path = snapshot ? snapshot->path() : in.source;
    DatasetPtr ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr,
                                                        nullptr)),
                  CloseSource{snapshot});
    if (!ds && is_database(in.source)) {
        std::string why = gdal.failures_since(open_mark);
        if (why.empty()) why = "no reason given";
        throw Error("cannot connect to the database for the " + in.role + " input: " + why, where,
                    "check that the database server is running and reachable from this machine, and the host, port, "
                    "dbname and user of the connection string; keep the password in ~/.pgpass or the PGPASSWORD "
                    "environment variable, not in the scenario (ogrinfo '" + in.source + "' tries the same connection)");
    }
    if (!ds) {
        std::string why = gdal.failures_since(open_mark);
        // GDAL names the file it opened: the user's, not the private copy.
        for (size_t at = 0; snapshot && (at = why.find(path, at)) != std::string::npos; at += in.source.size())
            why.replace(at, path.size(), in.source);
        if (why.empty())
            why = "no vector format GDAL knows recognises it (a damaged or truncated file, or not the format its name says)";
        throw Error("cannot open the " + in.role + " input: " + why, where,
                    "check that the file is complete and in a format GDAL/OGR reads (ogrinfo '" + in.source +
                        "' tells); if it is damaged, export it again from the source");
    }
    return ds;
}

OGRLayer* find_layer(GDALDataset& ds, const InputSpec& in, Location& where) {
    if (!in.layer.empty()) {
        OGRLayer* layer = ds.GetLayerByName(in.layer.c_str());
        if (!layer) {
            std::string names;
            for (int i = 0; i < ds.GetLayerCount(); ++i) names += (i ? ", " : "") + std::string(ds.GetLayer(i)->GetName());
            throw Error("there is no layer '" + in.layer + "'", where, "layers in this source: " + (names.empty() ? "(none)" : names));
        }
        return layer;
    }
    if (ds.GetLayerCount() == 0) throw Error("the source has no vector layer", where, "check the file (ogrinfo '" + in.source + "')");
    OGRLayer* layer = ds.GetLayer(0);
    where.layer = layer->GetName();
    return layer;
}

QueryPtr run_query(GDALDataset& ds, const InputSpec& in, const GdalMessages& gdal, Location& where) {
    const size_t mark = gdal.mark();
    QueryPtr result(ds.ExecuteSQL(in.sql.c_str(), nullptr, nullptr), ReleaseQuery{&ds});
    if (!result) {
        std::string why = gdal.failures_since(mark);
        if (why.empty()) why = "it returns no rows and no columns (a statement that is not a SELECT?)";
        throw Error("the 'sql' query of the " + in.role + " input fails: " + why, in.sql_where,
                    "try the query in the database's own client (psql) or with ogrinfo -sql, and check the table and "
                    "column names");
    }
    where.layer = "sql";
    return result;
}

}  // namespace minerisk::reader
