#include "export/qgis_postgres.hpp"

#include <cctype>
#include <utility>
#include <vector>

namespace minerisk::qgis {

namespace {

// The key=value pairs of a libpq connection string (values optionally in single quotes, with \' and \\).
std::vector<std::pair<std::string, std::string>> conninfo_pairs(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t i = 0;
    const auto space = [&] {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    };
    while (true) {
        space();
        if (i >= text.size()) break;
        std::string key;
        while (i < text.size() && text[i] != '=' && !std::isspace(static_cast<unsigned char>(text[i]))) key += text[i++];
        space();
        if (i >= text.size() || text[i] != '=') break;  // not a conninfo string: keep what was read
        ++i;
        space();
        std::string value;
        if (i < text.size() && text[i] == '\'') {
            for (++i; i < text.size() && text[i] != '\''; ++i) {
                if (text[i] == '\\' && i + 1 < text.size()) ++i;
                value += text[i];
            }
            ++i;
        } else {
            while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) value += text[i++];
        }
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.emplace_back(key, value);
    }
    return out;
}

// A value as QgsDataSourceUri writes it: in single quotes, with \ and ' escaped.
std::string uri_value(const std::string& v) {
    std::string q = "'";
    for (char c : v) {
        if (c == '\\' || c == '\'') q += '\\';
        q += c;
    }
    return q + "'";
}

std::string identifier(const std::string& name) {
    std::string q = "\"";
    for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string sql_literal(const std::string& v) {
    std::string q = "'";
    for (char c : v) q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
}

const char* qgis_type(OGRwkbGeometryType type) {
    switch (wkbFlatten(type)) {
        case wkbPoint: return "Point";
        case wkbMultiPoint: return "MultiPoint";
        case wkbLineString: return "LineString";
        case wkbMultiLineString: return "MultiLineString";
        case wkbPolygon: return "Polygon";
        case wkbMultiPolygon: return "MultiPolygon";
        default: return nullptr;
    }
}

}  // namespace

std::string postgres_source(const std::string& connection, const std::string& schema, const std::string& table,
                            OGRwkbGeometryType type, int srid, const std::string& scenario) {
    const std::string conninfo = connection.rfind("PG:", 0) == 0 ? connection.substr(3) : connection;
    std::string uri;
    for (const auto& [key, value] : conninfo_pairs(conninfo)) {
        if (key == "password" || key == "schemas" || key == "active_schema" || key == "tables") continue;
        uri += key + "=" + uri_value(value) + " ";
    }
    uri += "key='fid' ";
    if (srid > 0) uri += "srid=" + std::to_string(srid) + " ";
    if (const char* t = qgis_type(type)) uri += std::string("type=") + t + " ";
    uri += "checkPrimaryKeyUnicity='0' table=" + identifier(schema) + "." + identifier(table) + " (geom) ";
    uri += "sql=\"scenario\" = " + sql_literal(scenario);
    return uri;
}

}  // namespace minerisk::qgis
