// Opening an input's data source (a file or a database) and finding its layer.
#pragma once
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cstddef>
#include <memory>
#include <string>

#include "io/gdal_messages.hpp"
#include "minerisk/error.hpp"
#include "minerisk/scenario.hpp"
#include "minerisk/sqlite_snapshot.hpp"

namespace minerisk::reader {

// Closes the dataset; the private copy it was read from (an SQLite input with a log, see
// sqlite_snapshot.hpp), if any, goes with the deleter, after the dataset is closed.
struct CloseSource {
    std::shared_ptr<files::SqliteSnapshot> snapshot;
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, CloseSource>;

// A database rather than a file: a connection failure is not a damaged file.
bool is_database(const std::string& source);

// Opens the input's source read-only; an SQLite file that reading in place would write (a pending log) is
// read from a private copy, named by the deleter's snapshot. A source that does not open is an Error with GDAL's reason (what
// GDAL said since `open_mark`): for a database, why the connection failed; for a file, why it is not read.
DatasetPtr open_source(const InputSpec& in, const GdalMessages& gdal, size_t open_mark, const Location& where);

// The input's layer: the one named by 'layer:', else the source's first. Names the first layer in `where`
// when 'layer:' is not given. Throws Error when there is no such layer.
OGRLayer* find_layer(GDALDataset& ds, const InputSpec& in, Location& where);

// The result of an input's 'sql:' query, released through its dataset (which must outlive it).
struct ReleaseQuery {
    GDALDataset* ds = nullptr;
    void operator()(OGRLayer* result) const { ds->ReleaseResultSet(result); }
};
using QueryPtr = std::unique_ptr<OGRLayer, ReleaseQuery>;

// Runs the input's 'sql:' on its source (on a database, in the database's own SQL; on a file, in OGR SQL) and
// names the result in `where`. A query that fails is an Error at the 'sql:' line with GDAL's reason.
QueryPtr run_query(GDALDataset& ds, const InputSpec& in, const GdalMessages& gdal, Location& where);

}  // namespace minerisk::reader
