// The QGIS data source of a PostGIS table that outputs.database wrote (outputs.qgis_source: database), in the
// form QGIS's postgres provider reads (QgsDataSourceUri): the connection's keys without its password (QGIS then
// asks for it, or finds it in ~/.pgpass, PGPASSWORD or an authentication configuration), the table, and a filter
// on the scenario, since the tables hold the rows of every scenario written into the schema.
#pragma once
#include <ogr_core.h>

#include <string>

namespace minerisk::qgis {

// "dbname='x' host=... user='...' key='fid' srid=32638 type=MultiPolygon table="schema"."zones" (geom)
// sql="scenario" = 'NAME'". `connection` is GDAL's "PG:..." (libpq key=value pairs); GDAL's own keys (schemas,
// active_schema, tables) and the password are left out. srid <= 0: left for QGIS to read from the table.
std::string postgres_source(const std::string& connection, const std::string& schema, const std::string& table,
                            OGRwkbGeometryType type, int srid, const std::string& scenario);

}  // namespace minerisk::qgis
