// Reads the scenario's input layers with OGR, maps their fields onto minerisk's roles, reprojects them to
// the working CRS (PROJ through OGR), repairs polygons (GEOS) and indexes them.
//
// Bad input is either refused (Error: the run cannot go on honestly) or counted (a warning naming the
// file, the layer, the number of features and the first few of them, with what to do). What is checked, in
// order (docs/troubleshooting.md explains each message):
//   1. reading: the file opens; reading does not stop part-way (a damaged file); GDAL's own complaints
//      are collected and reported with the layer instead of printed on the terminal;
//   2. each feature: a geometry, not empty, every coordinate finite;
//   3. each layer in a geographic CRS: coordinates within longitude -180..180 and latitude -90..90. A layer
//      where most features are outside is refused (swapped longitude/latitude, or metres under a
//      geographic CRS); a few such features are skipped. Points at exactly 0, 0 are skipped (a missing
//      position written as zeros);
//   4. the layers against each other, in longitude/latitude: a layer whose middle lies far from another
//      layer's is refused (a wrong CRS, or longitude/latitude swapped), see layers_far_apart();
//   5. single features far from all the data (a typing error in a coordinate) are skipped, see
//      skip_far_features();
//   6. reprojection, repair (GEOS MakeValid, unclosed rings closed), buffering of point hazards;
//   7. hazards recorded twice (the same polygon) or inside another hazard, and ids used twice: counted,
//      every feature kept;
//   8. empty layers: an error for hazards (a risk map without hazards is misleading), a warning for the
//      others; with an explicit extent, layers with no feature inside it.
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <filesystem>
#include <set>
#include <sstream>

#include "io/geometry_repair.hpp"
#include "minerisk/crs.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/scenario.hpp"

namespace minerisk {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct GdalInit {
    GdalInit() { GDALAllRegister(); }
};

using DatasetPtr = std::unique_ptr<GDALDataset, void (*)(GDALDataset*)>;
void close_dataset(GDALDataset* ds) { GDALClose(ds); }

// GDAL's messages can be very long (a whole SQL statement before "failed: <reason>"): keep the reason.
std::string tidy_gdal_message(std::string m) {
    // One line: libpq and others write several ("...failed.\nconnection to server ...\n\tIs the server ...").
    std::string flat;
    for (size_t i = 0; i < m.size(); ++i) {
        if (m[i] == '\n' || m[i] == '\r' || m[i] == '\t') {
            while (!flat.empty() && flat.back() == ' ') flat.pop_back();
            if (!flat.empty()) flat += ' ';
            while (i + 1 < m.size() && std::isspace(static_cast<unsigned char>(m[i + 1]))) ++i;
        } else {
            flat += m[i];
        }
    }
    m = mask_secrets(flat);
    if (m.rfind("PQconnectdb failed. ", 0) == 0) m = m.substr(20);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ' || m.back() == '.')) m.pop_back();
    if (m.size() > 160) {
        const auto p = m.rfind("failed: ");
        if (p != std::string::npos) m = m.substr(p + 8);
    }
    if (m.size() > 240) m = m.substr(0, 237) + "...";
    return m;
}

// Collects what GDAL says while the inputs are read, instead of letting it print "ERROR 1: ..." on the
// terminal: the messages are then reported with the layer they belong to (an error or a counted warning).
class GdalMessages {
public:
    struct Message {
        CPLErr type;
        std::string text;
    };
    GdalMessages() { CPLPushErrorHandlerEx(&GdalMessages::handler, this); }
    ~GdalMessages() { CPLPopErrorHandler(); }
    GdalMessages(const GdalMessages&) = delete;
    GdalMessages& operator=(const GdalMessages&) = delete;

    size_t mark() const { return messages_.size(); }
    // The failures (errors) since a mark, joined; empty if none.
    std::string failures_since(size_t from) const {
        std::string s;
        std::set<std::string> seen;
        for (size_t i = from; i < messages_.size(); ++i)
            if (messages_[i].type >= CE_Failure && seen.insert(messages_[i].text).second)
                s += (s.empty() ? "" : "; ") + messages_[i].text;
        return s;
    }
    const std::vector<Message>& messages() const { return messages_; }

private:
    static void CPL_STDCALL handler(CPLErr type, CPLErrorNum, const char* msg) {
        auto* self = static_cast<GdalMessages*>(CPLGetErrorHandlerUserData());
        if (!self || type == CE_None || type == CE_Debug || !msg) return;
        if (self->messages_.size() < 10000) self->messages_.push_back({type, tidy_gdal_message(msg)});
    }
    std::vector<Message> messages_;
};

// Counts one kind of problem and keeps the first few examples for the message.
struct ProblemCounter {
    std::int64_t count = 0;
    std::vector<std::string> examples;
    void add(const std::string& example) {
        if (count++ < 3) examples.push_back(example);
    }
    std::string summary() const {
        std::string s;
        for (const auto& e : examples) s += (s.empty() ? "" : "; ") + e;
        if (count > static_cast<std::int64_t>(examples.size())) s += "; ...";
        return s;
    }
};

// A feature as read, before it is reprojected.
struct RawFeature {
    std::int64_t fid;
    std::unique_ptr<OGRGeometry> geom;
    std::vector<std::string> values;  // one per mapped role, as text
    std::vector<char> present;
    std::vector<double> numbers;      // numeric/date values where OGR typed them, else NaN
    std::string id;                   // the value of the 'id' role, for messages ("" if none)
};

struct RawLayer {
    const InputSpec* spec;
    std::vector<std::string> roles;  // mapped roles in column order
    std::vector<std::string> types;
    std::vector<RawFeature> features;
    OGRSpatialReference srs;
    bool has_srs = false;
    bool csv = false;               // rows of a CSV file: messages give the line
    LayerStats stats;
    std::map<std::string, ProblemCounter> problems;
};

// "feature 7 ('HA-007')", "feature 12 (line 13, 'INC-12')": the OGR feature id, and what a person finds
// in the source: the line of a CSV row, the feature's own id.
std::string feature_label(std::int64_t fid, const std::string& id, bool csv) {
    std::string s = "feature " + std::to_string(fid);
    std::string extra;
    if (csv && fid >= 1) extra = "line " + std::to_string(fid + 1);
    if (!id.empty()) extra += (extra.empty() ? "'" : ", '") + id + "'";
    return extra.empty() ? s : s + " (" + extra + ")";
}
std::string label(const RawLayer& raw, const RawFeature& f) { return feature_label(f.fid, f.id, raw.csv); }

std::string source_name(const std::string& source) {
    if (source.rfind("PG:", 0) == 0 || source.find("://") != std::string::npos) return source;
    const std::string name = std::filesystem::path(source).filename().string();
    return name.empty() ? source : name;
}

// A database rather than a file: a connection failure is not a damaged file.
bool is_database(const std::string& source) {
    auto starts = [&](const char* p) { return source.size() >= std::strlen(p) && EQUALN(source.c_str(), p, std::strlen(p)); };
    return starts("PG:") || starts("postgresql://") || starts("postgres://") || starts("MYSQL:") || starts("OCI:") ||
           starts("MSSQL:") || starts("ODBC:");
}

// How people see a CRS: its authority code; for a PROJ string or an unnamed WKT, the text as written
// and the EPSG code PROJ finds equivalent, if any (never "unknown").
std::string crs_display_name(const OGRSpatialReference& srs, const std::string& written) {
    char* w = nullptr;
    srs.exportToWkt(&w);
    std::string name = crs_short_name(w ? w : "");
    CPLFree(w);
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!name.empty() && lower.rfind("unknown", 0) != 0 && lower.rfind("unnamed", 0) != 0) return name;
    std::string match;
    int n = 0;
    int* confidence = nullptr;
    OGRSpatialReferenceH* matches = srs.FindMatches(nullptr, &n, &confidence);
    if (matches && n > 0 && confidence && confidence[0] >= 70) {
        const auto* m = OGRSpatialReference::FromHandle(matches[0]);
        const char* auth = m->GetAuthorityName(nullptr);
        const char* code = m->GetAuthorityCode(nullptr);
        if (auth && code) match = std::string(auth) + ":" + code;
    }
    if (matches) OSRFreeSRSArray(matches);
    CPLFree(confidence);
    std::string text = written;
    if (text.empty() || text.size() > 120) {
        char* p4 = nullptr;
        if (srs.exportToProj4(&p4) == OGRERR_NONE && p4) text = p4;
        CPLFree(p4);
    }
    if (text.empty()) text = name.empty() ? "unnamed CRS" : name;
    return match.empty() ? text : text + " (" + match + ")";
}
std::string crs_display_name_of_wkt(const std::string& wkt, const std::string& written) {
    OGRSpatialReference srs;
    if (srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) return written.empty() ? "unknown CRS" : written;
    return crs_display_name(srs, written);
}

// What to write as 'crs:' for a layer that has none, judged from its coordinates.
std::string no_crs_hint(const InputSpec& in, const Extent& e, const std::string& working_crs) {
    const std::string block = "inputs." + in.role;
    if (e.empty())
        return "add 'crs:' with the CRS the data were written in (e.g. 'crs: EPSG:4326' for longitude/latitude) to " + block +
               " in the scenario";
    char range[160];
    std::snprintf(range, sizeof range, "x %.6g .. %.6g, y %.6g .. %.6g", e.xmin, e.xmax, e.ymin, e.ymax);
    if (std::fabs(e.xmin) <= 180 && std::fabs(e.xmax) <= 180 && std::fabs(e.ymin) <= 90 && std::fabs(e.ymax) <= 90)
        return std::string("its coordinates (") + range + ") look like longitude/latitude: add 'crs: EPSG:4326' (or the "
               "geographic CRS they were recorded in) to " + block + " in the scenario";
    std::string hint = std::string("its coordinates (") + range + ") are metres of a projected CRS, not longitude/latitude: add "
                       "'crs:' with the CRS the data were exported in to " + block + " in the scenario";
    if (working_crs != "auto" && !working_crs.empty()) {
        OGRSpatialReference w;
        if (w.SetFromUserInput(working_crs.c_str()) == OGRERR_NONE && w.IsProjected())
            return hint + ", e.g. 'crs: " + working_crs + "' if they are in the working CRS";
    }
    if (e.xmin >= 100000 && e.xmax <= 900000 && e.ymin >= 0 && e.ymax <= 10000000)
        return hint + ", e.g. a UTM zone: 'crs: EPSG:326ZZ' north of the equator, 'EPSG:327ZZ' south, ZZ the zone";
    return hint + " (a national grid, a UTM zone, or EPSG:3857 for web-map coordinates)";
}

// How warnings name a layer: its role, file and layer name.
std::string who(const InputSpec& in, const std::string& layer_name) {
    return in.role + " (" + source_name(in.source) + ", layer '" + layer_name + "')";
}

std::string list_fields(OGRFeatureDefn* defn) {
    std::string s;
    for (int i = 0; i < defn->GetFieldCount(); ++i) s += (i ? ", " : "") + std::string(defn->GetFieldDefn(i)->GetNameRef());
    return s.empty() ? "(none)" : s;
}

const char* role_type(const std::string& layer_role, const std::string& role) {
    for (const auto& r : field_roles(layer_role))
        if (role == r.name) return r.type;
    return "text";  // extra layers: kept as text, numbers parsed where they look like numbers
}

// True when every coordinate of the geometry is a finite number (an envelope hides a NaN vertex: min and
// max skip it).
class FiniteCheck : public OGRDefaultConstGeometryVisitor {
public:
    using OGRDefaultConstGeometryVisitor::visit;
    bool finite = true;
    void visit(const OGRPoint* p) override {  // (OGR calls a point with NaN coordinates "empty": test the numbers)
        if (!std::isfinite(p->getX()) || !std::isfinite(p->getY())) finite = false;
    }
};
bool all_coordinates_finite(const OGRGeometry& g) {
    FiniteCheck check;
    g.accept(&check);
    return check.finite;
}

// The middle of a feature's bounding box as written in the source, for messages.
std::string coords_text(const RawLayer&, const OGREnvelope& env) {
    auto num = [](double v) {
        char buf[48];
        std::snprintf(buf, sizeof buf, std::fabs(v) < 1e4 ? "%.6g" : "%.1f", v);
        return std::string(buf);
    };
    return num((env.MinX + env.MaxX) / 2) + ", " + num((env.MinY + env.MaxY) / 2);
}

// GDAL's warning about unclosed rings: minerisk closes them and reports each feature itself.
bool reported_elsewhere(const std::string& gdal_message) {
    return gdal_message.find("Non closed ring detected") != std::string::npos;
}

RawLayer read_layer(const InputSpec& in, GdalMessages& gdal, const Progress& progress, const std::string& working_crs) {
    RawLayer raw;
    raw.spec = &in;
    Location where;
    where.file = in.source;
    where.layer = in.layer;

    CPLErrorReset();
    const size_t open_mark = gdal.mark();
    DatasetPtr ds(static_cast<GDALDataset*>(GDALOpenEx(in.source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                                        nullptr, nullptr, nullptr)),
                  close_dataset);
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
        if (why.empty())
            why = "no vector format GDAL knows recognises it (a damaged or truncated file, or not the format its name says)";
        throw Error("cannot open the " + in.role + " input: " + why, where,
                    "check that the file is complete and in a format GDAL/OGR reads (ogrinfo '" + in.source +
                        "' tells); if it is damaged, export it again from the source");
    }
    raw.csv = ds->GetDriver() && EQUAL(ds->GetDriver()->GetDescription(), "CSV");
    OGRLayer* layer = nullptr;
    if (!in.layer.empty()) {
        layer = ds->GetLayerByName(in.layer.c_str());
        if (!layer) {
            std::string names;
            for (int i = 0; i < ds->GetLayerCount(); ++i) names += (i ? ", " : "") + std::string(ds->GetLayer(i)->GetName());
            throw Error("there is no layer '" + in.layer + "'", where, "layers in this source: " + (names.empty() ? "(none)" : names));
        }
    } else {
        if (ds->GetLayerCount() == 0) throw Error("the source has no vector layer", where, "check the file (ogrinfo '" + in.source + "')");
        layer = ds->GetLayer(0);
        where.layer = layer->GetName();
    }
    raw.stats.source = mask_secrets(in.source);
    raw.stats.layer_name = layer->GetName();

    if (!in.filter.empty()) {
        // OGR checks the filter itself for most formats; GeoPackage, SQLite and PostGIS hand it to the
        // database, which refuses it only when reading starts. Fetch one feature now, so that a bad filter
        // is reported as a filter and not as a damaged file.
        CPLErrorReset();
        const size_t m = gdal.mark();
        bool refused = layer->SetAttributeFilter(in.filter.c_str()) != OGRERR_NONE;
        if (!refused) {
            layer->ResetReading();
            OGRFeature::DestroyFeature(layer->GetNextFeature());
            refused = !gdal.failures_since(m).empty();
            layer->ResetReading();
        }
        if (refused) {
            std::string why = gdal.failures_since(m);
            if (why.empty()) why = "no reason given";
            // SQLite's refusal is the whole statement: "failed to prepare SQL: SELECT ... WHERE <filter>".
            if (why.find("failed to prepare SQL") != std::string::npos || why.find("SELECT ") != std::string::npos)
                why = "the database refused it (a column that is not in the layer, or an SQL syntax error)";
            throw Error("the attribute filter '" + in.filter + "' is not valid for this layer: " + why, where,
                        "write it in OGR SQL (for GeoPackage and PostGIS, the database's SQL) over the layer's columns, with text "
                        "values in single quotes; columns: " +
                            list_fields(layer->GetLayerDefn()));
        }
    }

    OGRFeatureDefn* defn = layer->GetLayerDefn();
    // An empty GeoJSON FeatureCollection declares no columns at all: nothing can be mapped, and nothing is
    // lost either. The layer is then reported as empty, not as missing fields.
    const bool schemaless_and_empty = defn->GetFieldCount() == 0 && layer->GetFeatureCount(TRUE) == 0;
    std::vector<int> field_index;
    int id_index = -1;
    for (const auto& [role, field] : in.fields) {
        const int idx = defn->GetFieldIndex(field.c_str());
        if (idx < 0 && !schemaless_and_empty) {
            Location loc = in.field_where.count(role) ? in.field_where.at(role) : in.where;
            throw Error("the " + in.role + " layer '" + raw.stats.layer_name + "' of " + in.source + " has no field '" +
                            field + "' (mapped to role '" + role + "')",
                        loc, "fields in this layer: " + list_fields(defn));
        }
        raw.roles.push_back(role);
        raw.types.push_back(role_type(in.role, role));
        field_index.push_back(idx);
        if (role == "id") id_index = idx;
    }
    auto coord_index = [&](const std::string& name, const char* key) {
        if (name.empty()) return -1;
        const int idx = defn->GetFieldIndex(name.c_str());
        if (idx < 0 && !schemaless_and_empty)
            throw Error(std::string("the column '") + name + "' named by '" + key + "' is not in the " + in.role +
                            " layer '" + raw.stats.layer_name + "' of " + in.source,
                        in.where, "columns in this layer: " + list_fields(defn));
        return idx < 0 ? -2 : idx;
    };
    const int x_idx = coord_index(in.x_field, "x");
    const int y_idx = coord_index(in.y_field, "y");
    const int wkt_idx = coord_index(in.wkt_field, "wkt");
    const bool coords_from_fields = x_idx != -1 || wkt_idx != -1;

    // The layer's CRS: the scenario's word wins (it may correct a wrong .prj); else the file's own.
    const OGRSpatialReference* file_srs = coords_from_fields ? nullptr : layer->GetSpatialRef();
    if (!in.crs.empty()) {
        raw.srs.SetFromUserInput(in.crs.c_str());
        raw.has_srs = true;
        if (file_srs && !file_srs->IsSame(&raw.srs)) {
            raw.problems["crs"].add("the file says " + crs_short_name([&] {
                char* w = nullptr;
                file_srs->exportToWkt(&w);
                std::string s = w ? w : "";
                CPLFree(w);
                return s;
            }()) + ", the scenario's crs " + in.crs + " is used");
        }
    } else if (file_srs) {
        raw.srs = *file_srs;
        raw.has_srs = true;
    }
    // A layer with no CRS is refused once its features are read, with a hint from their coordinates.
    if (raw.has_srs) {
        raw.srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        raw.stats.source_crs = crs_display_name(raw.srs, in.crs);
    }
    // What GDAL said while opening (e.g. a damaged CRS table) goes with the layer's warnings.
    for (size_t i = open_mark; i < gdal.mark(); ++i)
        if (gdal.messages()[i].type == CE_Warning && !reported_elsewhere(gdal.messages()[i].text))
            raw.problems["gdal"].add(gdal.messages()[i].text);

    const GIntBig total = layer->GetFeatureCount(FALSE);
    layer->ResetReading();
    std::int64_t n = 0;
    auto process = [&](OGRFeature* feat) {
        ++raw.stats.read;
        RawFeature rf;
        rf.fid = feat->GetFID();
        if (id_index >= 0 && feat->IsFieldSetAndNotNull(id_index)) rf.id = feat->GetFieldAsString(id_index);
        const std::string who_f = feature_label(rf.fid, rf.id, raw.csv);
        if (coords_from_fields) {
            if (wkt_idx >= 0) {
                const char* text = feat->IsFieldSetAndNotNull(wkt_idx) ? feat->GetFieldAsString(wkt_idx) : "";
                if (*text) {
                    OGRGeometry* g = nullptr;
                    if (OGRGeometryFactory::createFromWkt(text, nullptr, &g) != OGRERR_NONE) {
                        raw.problems["bad"].add(who_f + ": unreadable WKT");
                        ++raw.stats.skipped_bad;
                        return;
                    }
                    rf.geom.reset(g);
                }
            } else if (x_idx >= 0 && y_idx >= 0) {
                const bool has = feat->IsFieldSetAndNotNull(x_idx) && feat->IsFieldSetAndNotNull(y_idx);
                if (has) {
                    const std::string xs = feat->GetFieldAsString(x_idx), ys = feat->GetFieldAsString(y_idx);
                    char *ex = nullptr, *ey = nullptr;
                    const double x = std::strtod(xs.c_str(), &ex), y = std::strtod(ys.c_str(), &ey);
                    if (xs.empty() || ys.empty()) {
                    } else if (*ex || *ey || !std::isfinite(x) || !std::isfinite(y)) {
                        raw.problems["bad"].add(who_f + ": coordinates '" + xs + "', '" + ys + "'");
                        ++raw.stats.skipped_bad;
                        return;
                    } else {
                        rf.geom = std::make_unique<OGRPoint>(x, y);
                    }
                }
            }
        } else if (const OGRGeometry* g = feat->GetGeometryRef()) {
            rf.geom.reset(g->clone());
        }
        if (!rf.geom) {
            ++raw.stats.skipped_null;
            raw.problems["null"].add(who_f);
            return;
        }
        if (rf.geom->IsEmpty()) {
            ++raw.stats.skipped_empty;
            raw.problems["empty"].add(who_f);
            return;
        }
        OGREnvelope env;
        rf.geom->getEnvelope(&env);
        if (!std::isfinite(env.MinX) || !std::isfinite(env.MaxX) || !std::isfinite(env.MinY) || !std::isfinite(env.MaxY) ||
            !all_coordinates_finite(*rf.geom)) {
            ++raw.stats.skipped_bad;
            raw.problems["bad"].add(who_f + ": NaN or infinite coordinates");
            return;
        }
        // No CRS puts a place on Earth beyond 1e10 of its units (Web Mercator ends at 2e7 m, feet at 7e7), and
        // GEOS's repair can run for minutes on such numbers (found by fuzz_vector: a ring at 1.7e308).
        constexpr double kFarBeyondEarth = 1e10;
        if (std::max({std::fabs(env.MinX), std::fabs(env.MaxX), std::fabs(env.MinY), std::fabs(env.MaxY)}) > kFarBeyondEarth) {
            ++raw.stats.skipped_bad;
            raw.problems["bad"].add(who_f + ": coordinates beyond 1e10, no place on Earth in any CRS");
            return;
        }
        for (size_t i = 0; i < field_index.size(); ++i) {
            const int idx = field_index[i];
            const bool present = idx >= 0 && feat->IsFieldSetAndNotNull(idx);
            rf.present.push_back(present);
            rf.values.push_back(present ? feat->GetFieldAsString(idx) : "");
            double num = std::nan("");
            if (present) {
                const OGRFieldType t = defn->GetFieldDefn(idx)->GetType();
                if (raw.types[i] == "date" && (t == OFTDate || t == OFTDateTime)) {
                    int y, m, d, hh, mm, tz;
                    float ss;
                    if (feat->GetFieldAsDateTime(idx, &y, &m, &d, &hh, &mm, &ss, &tz) && y > 0)
                        num = days_from_civil(y, std::max(1, m), std::max(1, d));
                } else if (raw.types[i] == "date" && (t == OFTInteger || t == OFTInteger64)) {
                    // A year kept as a number (2024), never a day count.
                    const double y = feat->GetFieldAsDouble(idx);
                    if (y >= 1800 && y <= 2200) num = days_from_civil(static_cast<int>(y), 7, 1);
                } else if (raw.types[i] != "date" && (t == OFTInteger || t == OFTInteger64 || t == OFTReal)) {
                    num = feat->GetFieldAsDouble(idx);
                }
            }
            rf.numbers.push_back(num);
        }
        raw.features.push_back(std::move(rf));
    };

    // Messages GDAL gives while it fetches the features: a failure after the last feature means reading
    // stopped part-way (a damaged file), and every feature after that point would be silently missing.
    CPLErrorReset();
    size_t after_last = gdal.mark();
    const size_t read_mark = after_last;
    std::int64_t last_fid = -1;
    for (auto& feat : *layer) {
        process(feat.get());
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
    if (!raw.has_srs) {
        Extent e;
        for (const auto& f : raw.features) {
            OGREnvelope env;
            f.geom->getEnvelope(&env);
            e.expand({env.MinX, env.MinY, env.MaxX, env.MaxY});
        }
        throw Error("the " + in.role + " layer '" + raw.stats.layer_name + "' has no CRS (inputs." + in.role + ", " +
                        in.where.to_string() + ")",
                    where, no_crs_hint(in, e, working_crs));
    }
    return raw;
}

// Converts the text of a role's values into the role's type, counting what cannot be read.
Column make_column(RawLayer& raw, size_t i, const std::vector<size_t>& kept) {
    Column c;
    c.type = raw.types[i];
    const std::string& role = raw.roles[i];
    const std::string field = raw.spec->fields.at(role);
    ProblemCounter& bad = raw.problems["field " + role];
    for (size_t k : kept) {
        const RawFeature& f = raw.features[k];
        const std::string& text = f.values[i];
        const std::string who_f = label(raw, f);
        c.text.push_back(text);
        c.present.push_back(f.present[i]);
        double v = std::nan("");
        if (f.present[i]) {
            if (c.type == "number") {
                if (!std::isnan(f.numbers[i])) v = f.numbers[i];
                else {
                    char* end = nullptr;
                    const double p = std::strtod(text.c_str(), &end);
                    if (!text.empty() && end && *end == '\0' && std::isfinite(p)) v = p;
                    else bad.add(who_f + " has '" + text + "' in " + field + ", not a number");
                }
                if (!std::isnan(v) && v < 0 && (role == "population" || role == "killed" || role == "injured" ||
                                                role == "casualties" || role == "reached" || role == "radius")) {
                    bad.add(who_f + " has a negative " + role + " (" + text + ")");
                    v = std::nan("");
                }
            } else if (c.type == "date") {
                if (!std::isnan(f.numbers[i])) v = f.numbers[i];
                else if (auto d = parse_date(text)) v = *d;
                else bad.add(who_f + " has '" + text + "' in " + field + ", not a date (YYYY-MM-DD, YYYY-MM or YYYY)");
            } else if (c.type == "boolean") {
                std::string t = text;
                std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return std::tolower(ch); });
                if (t == "true" || t == "yes" || t == "y" || t == "t" || t == "1") v = 1;
                else if (t == "false" || t == "no" || t == "n" || t == "f" || t == "0") v = 0;
                else if (!std::isnan(f.numbers[i])) v = f.numbers[i] != 0;
                else bad.add(who_f + " has '" + text + "' in " + field + ", not true/false");
            } else {
                char* end = nullptr;
                const double p = std::strtod(text.c_str(), &end);
                if (!text.empty() && end && *end == '\0') v = p;
            }
        }
        c.number.push_back(v);
    }
    return c;
}

bool is_polygonal(OGRwkbGeometryType t) {
    t = wkbFlatten(t);
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbCurvePolygon || t == wkbMultiSurface;
}
bool is_point(OGRwkbGeometryType t) {
    t = wkbFlatten(t);
    return t == wkbPoint || t == wkbMultiPoint;
}

// One warning per kind of counted problem: what happened, the first features, what to do.
std::vector<std::string> problem_warnings(const RawLayer& raw) {
    const InputSpec& in = *raw.spec;
    const std::string w = who(in, raw.stats.layer_name);
    std::vector<std::string> out;
    for (const auto& [kind, pc] : raw.problems) {
        if (pc.count == 0) continue;
        const std::string n = std::to_string(pc.count);
        std::string msg, hint;
        if (kind == "null") {
            msg = n + " feature(s) with no geometry skipped";
            hint = "give them a geometry in the source, or they stay off the map";
        } else if (kind == "empty") {
            msg = n + " feature(s) with an empty geometry skipped";
            hint = "give them a geometry in the source, or they stay off the map";
        } else if (kind == "bad") {
            msg = n + " feature(s) skipped";
            hint = "correct their geometry or coordinates in the source";
        } else if (kind == "repaired") {
            msg = n + " invalid polygon(s) repaired with GEOS MakeValid";
            hint = "the repaired shapes are used; check them, and correct the source";
        } else if (kind == "point") {
            msg = n + " non-point feature(s) replaced by a point inside them";
        } else if (kind == "crs") {
            msg = "CRS overridden";
        } else if (kind == "range") {
            msg = n + " feature(s) with coordinates outside longitude -180..180 / latitude -90..90 skipped";
            hint = "correct their coordinates in the source (longitude and latitude swapped, or a typing error)";
        } else if (kind == "zero") {
            msg = n + " feature(s) at exactly 0, 0 skipped (a missing position written as zeros)";
            hint = "give them their real position in the source, or leave the position empty";
        } else if (kind == "far") {
            msg = n + " feature(s) lying far from all the other features skipped (a typing error in a coordinate?)";
            hint = "correct their coordinates in the source; the rule is in docs/troubleshooting.md";
        } else if (kind == "duplicate") {
            msg = n + " hazard(s) with the same area as another hazard, both kept";
            hint = "a hazard recorded twice counts twice: remove the duplicate record from the source";
        } else if (kind == "nested") {
            msg = n + " hazard(s) lying inside another hazard, both kept";
            hint = "check whether the inner record is a re-survey of the outer one, and cancel the outdated record";
        } else if (kind == "duplicate id") {
            msg = n + " id(s) used by more than one feature";
            hint = "ids should be unique: check the source for records entered twice";
        } else if (kind == "gdal") {
            msg = "GDAL reported " + n + " problem(s) while reading";
            hint = "check the file with ogrinfo -al";
        } else {
            msg = n + " value(s) of role '" + kind.substr(6) + "' unreadable, treated as missing";
            hint = "correct the values in column " + in.fields.at(kind.substr(6)) + " of the source";
        }
        out.push_back(w + ": " + msg + " (" + pc.summary() + ")" + (hint.empty() ? "" : ". " + hint));
    }
    return out;
}

// Hazards recorded twice, or inside another hazard; ids used twice. Counted, every feature kept.
void count_duplicates(RawLayer& raw, const FeatureLayer& out, const std::vector<size_t>& kept, GeometryRepairer& repairer) {
    if (out.role == "hazards") {
        std::vector<const OGRGeometry*> geoms;
        for (const auto& g : out.geometry) geoms.push_back(g.get());
        for (const auto& f : repairer.find_duplicates_and_nested(geoms, out.bounds)) {
            const RawFeature& a = raw.features[kept[f.outer]];
            const RawFeature& b = raw.features[kept[f.inner]];
            if (f.equal) raw.problems["duplicate"].add(label(raw, b) + " = " + label(raw, a));
            else raw.problems["nested"].add(label(raw, b) + " inside " + label(raw, a));
        }
    }
    if (std::find(raw.roles.begin(), raw.roles.end(), "id") == raw.roles.end()) return;
    std::map<std::string, std::vector<std::int64_t>> by_id;
    for (size_t k : kept)
        if (!raw.features[k].id.empty()) by_id[raw.features[k].id].push_back(raw.features[k].fid);
    for (const auto& [id, fids] : by_id) {
        if (fids.size() < 2) continue;
        std::string s = "'" + id + "' in features ";
        for (size_t i = 0; i < fids.size() && i < 4; ++i) s += (i ? ", " : "") + std::to_string(fids[i]);
        if (fids.size() > 4) s += ", ...";
        raw.problems["duplicate id"].add(s);
    }
}

FeatureLayer finish_layer(RawLayer& raw, const OGRSpatialReference& target, const std::string& target_name,
                          GeometryRepairer& repairer, GdalMessages& gdal, std::vector<std::string>& warnings) {
    const InputSpec& in = *raw.spec;
    FeatureLayer out;
    out.role = in.role;
    out.stats = raw.stats;

    std::unique_ptr<OGRCoordinateTransformation> ct;
    if (!raw.srs.IsSame(&target)) {
        const size_t m = gdal.mark();
        ct.reset(OGRCreateCoordinateTransformation(&raw.srs, &target));
        if (!ct) {
            std::string why = gdal.failures_since(m);
            throw Error("PROJ cannot transform from " + raw.stats.source_crs + " to the working CRS " + target_name +
                            (why.empty() ? "" : ": " + why),
                        Location{in.source, 0, 0, raw.stats.layer_name}, "check the layer's CRS");
        }
    }
    const bool hazards = in.role == "hazards";
    int radius_i = -1;
    for (size_t i = 0; i < raw.roles.size(); ++i)
        if (raw.roles[i] == "radius") radius_i = static_cast<int>(i);

    std::vector<size_t> kept;
    for (size_t k = 0; k < raw.features.size(); ++k) {
        RawFeature& f = raw.features[k];
        auto& g = f.geom;
        const size_t m = gdal.mark();
        if (ct && g->transform(ct.get()) != OGRERR_NONE) {
            ++out.stats.skipped_bad;
            OGREnvelope env;
            g->getEnvelope(&env);
            std::string why = gdal.failures_since(m);
            raw.problems["bad"].add(label(raw, f) + " at " + coords_text(raw, env) + ": cannot be reprojected into " + target_name +
                                    (why.empty() ? "" : " (" + why + ")"));
            continue;
        }
        if (ct && !all_coordinates_finite(*g)) {  // e.g. 1e300 in a projected CRS: no error, but infinite
            ++out.stats.skipped_bad;
            raw.problems["bad"].add(label(raw, f) + ": cannot be reprojected into " + target_name + " (coordinates out of range)");
            continue;
        }
        g->assignSpatialReference(nullptr);
        g->flattenTo2D();
        const OGRwkbGeometryType type = g->getGeometryType();
        if (g->hasCurveGeometry()) g.reset(g->getLinearGeometry());
        if (hazards && !is_polygonal(type)) {
            double radius = in.point_radius;
            if (radius_i >= 0 && f.present[radius_i]) {
                char* end = nullptr;
                const double r = std::isnan(f.numbers[radius_i]) ? std::strtod(f.values[radius_i].c_str(), &end) : f.numbers[radius_i];
                if (std::isfinite(r) && r > 0) radius = r;
            }
            auto b = repairer.buffer(*g, radius);
            if (!b || b->IsEmpty()) {
                ++out.stats.skipped_bad;
                raw.problems["bad"].add(label(raw, f) + ": cannot be buffered");
                continue;
            }
            g = std::move(b);
            ++out.stats.buffered;
        } else if (is_polygonal(type)) {
            std::string why;
            const RepairOutcome r = repairer.make_valid_polygonal(g, &why);
            if (r == RepairOutcome::collapsed) {
                ++out.stats.skipped_bad;
                raw.problems["bad"].add(label(raw, f) + ": invalid polygon with no area left after repair (" + why + ")");
                continue;
            }
            if (r == RepairOutcome::repaired) {
                ++out.stats.repaired;
                raw.problems["repaired"].add(label(raw, f) + ": " + why);
            }
        } else if (!is_point(type) && in.role != "settlements" && field_roles(in.role).size() > 0) {
            // Incidents, signs and sessions are places: a polygon or line stands for its inner point.
            OGRGeometryH inner = OGR_G_PointOnSurface(OGRGeometry::ToHandle(g.get()));
            OGRPoint p;
            if (inner) p = *OGRGeometry::FromHandle(inner)->toPoint(), OGR_G_DestroyGeometry(inner);
            else g->Centroid(&p);
            raw.problems["point"].add(label(raw, f));
            g = std::make_unique<OGRPoint>(p.getX(), p.getY());
        }
        OGREnvelope env;
        g->getEnvelope(&env);
        out.bounds.push_back({env.MinX, env.MinY, env.MaxX, env.MaxY});
        std::vector<unsigned char> wkb(g->WkbSize());
        g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        out.wkb.push_back(std::move(wkb));
        out.fid.push_back(f.fid);
        out.geometry.push_back(std::move(g));
        kept.push_back(k);
    }
    for (size_t i = 0; i < raw.roles.size(); ++i) out.columns[raw.roles[i]] = make_column(raw, i, kept);
    out.stats.loaded = out.size();
    out.build_index();
    count_duplicates(raw, out, kept, repairer);
    raw.stats = out.stats;

    for (auto& w : problem_warnings(raw)) warnings.push_back(std::move(w));
    return out;
}

// ---- where the features are: checks in longitude/latitude, before the working CRS is chosen ----------

constexpr double kLayersApartKm = 300;  // layers whose middles are farther apart than this (at least) ...
constexpr double kSpreadFactor = 3;     // ... and than 3 x their spreads are refused
constexpr double kFarFenceKm = 100;     // features beyond 3 x IQR (at least this) of every layer are skipped
constexpr size_t kMinFeaturesForFences = 5;

struct LonLat {
    double lon = NAN, lat = NAN;
    bool ok() const { return std::isfinite(lon) && std::isfinite(lat); }
};

double haversine_km(const LonLat& a, const LonLat& b) {
    const double r = 6371.0088, d2r = kPi / 180;
    const double dlat = (b.lat - a.lat) * d2r, dlon = (b.lon - a.lon) * d2r;
    const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(a.lat * d2r) * std::cos(b.lat * d2r) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * r * std::asin(std::min(1.0, std::sqrt(h)));
}

std::string lonlat_text(const LonLat& p) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f %s, %.3f %s", std::fabs(p.lon), p.lon < 0 ? "W" : "E", std::fabs(p.lat),
                  p.lat < 0 ? "S" : "N");
    return buf;
}

// The q-quantile (0..1) of values, linear between order statistics.
double quantile(std::vector<double> v, double q) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const double pos = q * (v.size() - 1);
    const size_t i = static_cast<size_t>(pos);
    return i + 1 < v.size() ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[i];
}

// Longitude/latitude (WGS 84) of the middle of each feature's bounding box; NaN where PROJ cannot say.
std::vector<LonLat> feature_lonlat(const RawLayer& raw) {
    std::vector<LonLat> out(raw.features.size());
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&raw.srs, &wgs84));
    if (!ct) return out;
    for (size_t k = 0; k < raw.features.size(); ++k) {
        OGREnvelope env;
        raw.features[k].geom->getEnvelope(&env);
        double x = (env.MinX + env.MaxX) / 2, y = (env.MinY + env.MaxY) / 2;
        if (ct->Transform(1, &x, &y) && std::isfinite(x) && std::isfinite(y) && std::fabs(y) <= 90 && std::fabs(x) <= 180)
            out[k] = {x, y};
    }
    return out;
}

void drop_features(RawLayer& raw, const std::vector<char>& drop) {
    std::vector<RawFeature> keep;
    keep.reserve(raw.features.size());
    for (size_t k = 0; k < raw.features.size(); ++k)
        if (!drop[k]) keep.push_back(std::move(raw.features[k]));
    raw.features = std::move(keep);
}

bool is_degrees(const OGRSpatialReference& srs) {
    return srs.IsGeographic() && std::fabs(srs.GetAngularUnits() - kPi / 180) < 1e-9;
}

// Step 3: coordinates a geographic CRS cannot hold, and points at 0, 0.
void check_coordinate_ranges(RawLayer& raw) {
    const InputSpec& in = *raw.spec;
    std::vector<char> drop(raw.features.size(), 0);
    const bool degrees = is_degrees(raw.srs);
    std::int64_t out_of_range = 0, swappable = 0;
    const RawFeature* first_bad = nullptr;
    OGREnvelope first_env;
    for (size_t k = 0; k < raw.features.size(); ++k) {
        const RawFeature& f = raw.features[k];
        OGREnvelope env;
        f.geom->getEnvelope(&env);
        if (env.MinX == 0 && env.MaxX == 0 && env.MinY == 0 && env.MaxY == 0) {
            raw.problems["zero"].add(label(raw, f));
            drop[k] = 1;
            continue;
        }
        if (!degrees) continue;
        const double eps = 1e-9;
        const bool lon_bad = env.MinX < -180 - eps || env.MaxX > 180 + eps;
        const bool lat_bad = env.MinY < -90 - eps || env.MaxY > 90 + eps;
        if (!lon_bad && !lat_bad) continue;
        ++out_of_range;
        const bool swapped_fits = env.MinX >= -90 - eps && env.MaxX <= 90 + eps && env.MinY >= -180 - eps && env.MaxY <= 180 + eps;
        swappable += swapped_fits;
        if (!first_bad) first_bad = &f, first_env = env;
        raw.problems["range"].add(label(raw, f) + " at " + coords_text(raw, env) +
                                  (lat_bad ? (swapped_fits ? ": latitude beyond 90 (swapped with the longitude?)" : ": latitude beyond 90")
                                           : ": longitude beyond 180"));
        drop[k] = 1;
    }
    const std::int64_t n = static_cast<std::int64_t>(raw.features.size());
    if (out_of_range > 0 && out_of_range * 2 > n) {
        const Location where{in.source, 0, 0, raw.stats.layer_name};
        const std::string what = std::to_string(out_of_range) + " of the " + std::to_string(n) + " features of the " +
                                 in.role + " layer '" + raw.stats.layer_name + "' have coordinates that are not longitude/latitude (e.g. " +
                                 label(raw, *first_bad) + " at " + coords_text(raw, first_env) + "), but its CRS " +
                                 raw.stats.source_crs + " is geographic";
        if (swappable == out_of_range) {
            const std::string fix = !in.x_field.empty()
                                        ? "the x column holds the latitude: swap 'x: " + in.x_field + "' and 'y: " + in.y_field +
                                              "' in inputs." + in.role
                                        : "write the longitude first (x = longitude, y = latitude) in the source";
            throw Error(what + ": longitude and latitude are swapped", where, fix);
        }
        throw Error(what + ": the CRS is wrong", where,
                    "if the coordinates are metres of a projected CRS (a UTM zone, a national grid), name it with 'crs:' "
                    "in inputs." + in.role + ", e.g. 'crs: EPSG:32638'");
    }
    raw.stats.skipped_bad += static_cast<std::int64_t>(std::count(drop.begin(), drop.end(), 1));
    drop_features(raw, drop);
}

struct LayerMiddle {
    size_t layer = 0;
    LonLat middle;        // per-axis medians
    double spread_km = 0; // diagonal of the interquartile box
    size_t n = 0;
};

// Step 4: a layer far from another is in a wrong CRS or has longitude/latitude swapped. Two layers are
// "far apart" when their middles (per-axis medians of the features' longitude/latitude) are farther
// apart than kLayersApartKm and than kSpreadFactor x the sum of their spreads (the diagonals of their
// interquartile boxes), so that country-wide layers are never refused for being wide.
void refuse_layers_far_apart(const std::deque<RawLayer>& raws, const std::vector<std::vector<LonLat>>& where) {
    std::vector<LayerMiddle> mids;
    for (size_t i = 0; i < raws.size(); ++i) {
        std::vector<double> lon, lat;
        for (const auto& p : where[i])
            if (p.ok()) lon.push_back(p.lon), lat.push_back(p.lat);
        if (lon.empty()) continue;
        LayerMiddle m;
        m.layer = i;
        m.n = lon.size();
        m.middle = {quantile(lon, 0.5), quantile(lat, 0.5)};
        const double kx = 111.32 * std::cos(m.middle.lat * kPi / 180), ky = 110.57;
        m.spread_km = std::hypot((quantile(lon, 0.75) - quantile(lon, 0.25)) * kx, (quantile(lat, 0.75) - quantile(lat, 0.25)) * ky);
        mids.push_back(m);
    }
    if (mids.size() < 2) return;
    auto limit = [](const LayerMiddle& a, const LayerMiddle& b) {
        return std::max(kLayersApartKm, kSpreadFactor * (a.spread_km + b.spread_km));
    };
    auto apart = [&](const LayerMiddle& a, const LayerMiddle& b) { return haversine_km(a.middle, b.middle) > limit(a, b); };
    std::vector<size_t> count(mids.size(), 0);
    bool any = false;
    for (size_t a = 0; a < mids.size(); ++a)
        for (size_t b = 0; b < mids.size(); ++b)
            if (a != b && apart(mids[a], mids[b])) ++count[a], any = true;
    if (!any) return;

    // The layer far from the most others; if swapping its longitude/latitude brings it among them, say so.
    const size_t most = *std::max_element(count.begin(), count.end());
    std::vector<size_t> suspects;
    for (size_t a = 0; a < mids.size(); ++a)
        if (count[a] == most) suspects.push_back(a);
    auto others_near = [&](size_t a, const LonLat& p) {
        LayerMiddle moved = mids[a];
        moved.middle = p;
        for (size_t b = 0; b < mids.size(); ++b)
            if (b != a && apart(moved, mids[b])) return false;
        return true;
    };
    auto name = [&](size_t a) {
        const RawLayer& r = raws[mids[a].layer];
        return "the " + r.spec->role + " layer ('" + r.stats.layer_name + "' of " + source_name(r.spec->source) + ", " +
               r.stats.source_crs + (r.spec->crs.empty() ? " from the file" : " from the scenario") + ")";
    };
    auto nearest_other = [&](size_t a) {
        size_t best = a == 0 ? 1 : 0;
        for (size_t b = 0; b < mids.size(); ++b)
            if (b != a && haversine_km(mids[a].middle, mids[b].middle) < haversine_km(mids[a].middle, mids[best].middle)) best = b;
        return best;
    };
    auto km = [](double d) { return std::to_string(static_cast<long long>(std::llround(d))); };
    for (size_t a : suspects) {
        const RawLayer& r = raws[mids[a].layer];
        if (!is_degrees(r.srs)) continue;
        const LonLat swapped{mids[a].middle.lat, mids[a].middle.lon};
        if (!others_near(a, swapped)) continue;
        const size_t b = nearest_other(a);
        const std::string fix = !r.spec->x_field.empty()
                                    ? "the x column holds the latitude: swap 'x: " + r.spec->x_field + "' and 'y: " +
                                          r.spec->y_field + "' in inputs." + r.spec->role
                                    : "write the longitude first (x = longitude, y = latitude) in the source";
        throw Error("longitude and latitude look swapped in " + name(a) + ": its features lie around " +
                        lonlat_text(mids[a].middle) + ", about " + km(haversine_km(mids[a].middle, mids[b].middle)) +
                        " km from " + name(b) + " around " + lonlat_text(mids[b].middle) + "; swapped, they would lie among them",
                    Location{r.spec->source, 0, 0, r.stats.layer_name}, fix);
    }
    if (suspects.size() == 1 && mids.size() >= 3) {
        const size_t a = suspects[0], b = nearest_other(a);
        const RawLayer& r = raws[mids[a].layer];
        throw Error(name(a) + " lies about " + km(haversine_km(mids[a].middle, mids[b].middle)) + " km from the other inputs: its features lie around " +
                        lonlat_text(mids[a].middle) + ", the nearest other layer's around " + lonlat_text(mids[b].middle),
                    Location{r.spec->source, 0, 0, r.stats.layer_name},
                    "its CRS is probably wrong: check the coordinates (ogrinfo -al), and set the right CRS with 'crs:' in inputs." +
                        r.spec->role);
    }
    size_t a = suspects[0], b = suspects.size() > 1 ? suspects[1] : nearest_other(suspects[0]);
    const RawLayer& r = raws[mids[a].layer];
    throw Error(name(a) + " and " + name(b) + " lie about " + km(haversine_km(mids[a].middle, mids[b].middle)) +
                    " km apart: around " + lonlat_text(mids[a].middle) + " and around " + lonlat_text(mids[b].middle),
                Location{r.spec->source, 0, 0, r.stats.layer_name},
                "one of them has a wrong CRS or swapped coordinates: check each layer's coordinates (ogrinfo -al) and "
                "set the right CRS with 'crs:' in its input");
}

// Step 5: features far from all the data. For each layer with at least kMinFeaturesForFences features,
// and for all features together, take the interquartile box of the features' positions (km east/north of
// the data's middle) and grow it on each side by 3 x its width (Tukey's "far out" fence), at least
// kFarFenceKm. A feature outside every such box, with no feature of another layer within kFarFenceKm, is
// skipped: one mistyped coordinate would otherwise stretch an automatic extent over thousands of
// kilometres, or the grid guard would refuse the run.
void skip_far_features(std::deque<RawLayer>& raws, std::vector<std::vector<LonLat>>& where) {
    std::vector<double> all_lon, all_lat;
    for (const auto& layer : where)
        for (const auto& p : layer)
            if (p.ok()) all_lon.push_back(p.lon), all_lat.push_back(p.lat);
    if (all_lon.size() < kMinFeaturesForFences) return;
    const LonLat mid{quantile(all_lon, 0.5), quantile(all_lat, 0.5)};
    const double kx = 111.32 * std::cos(mid.lat * kPi / 180), ky = 110.57;
    auto east = [&](const LonLat& p) { return (p.lon - mid.lon) * kx; };
    auto north = [&](const LonLat& p) { return (p.lat - mid.lat) * ky; };
    struct Box {
        double x0, x1, y0, y1;
    };
    auto fenced = [&](const std::vector<const LonLat*>& pts) {
        std::vector<double> xs, ys;
        for (const auto* p : pts) xs.push_back(east(*p)), ys.push_back(north(*p));
        const double qx0 = quantile(xs, 0.25), qx1 = quantile(xs, 0.75), qy0 = quantile(ys, 0.25), qy1 = quantile(ys, 0.75);
        const double fx = std::max(kFarFenceKm, 3 * (qx1 - qx0)), fy = std::max(kFarFenceKm, 3 * (qy1 - qy0));
        return Box{qx0 - fx, qx1 + fx, qy0 - fy, qy1 + fy};
    };
    std::vector<Box> boxes;
    std::vector<const LonLat*> everything;
    for (const auto& layer : where) {
        std::vector<const LonLat*> pts;
        for (const auto& p : layer)
            if (p.ok()) pts.push_back(&p), everything.push_back(&p);
        if (pts.size() >= kMinFeaturesForFences) boxes.push_back(fenced(pts));
    }
    boxes.push_back(fenced(everything));
    // Every feature in buckets of kFarFenceKm, by layer: a feature outside the fences is still kept when a
    // feature of another layer lies within kFarFenceKm of it. A real remote place shows in several kinds of
    // record (victims near a minefield); a mistyped coordinate does not recur in another layer.
    std::map<std::pair<long long, long long>, std::vector<std::pair<size_t, const LonLat*>>> buckets;
    auto bucket_of = [&](const LonLat& p) {
        return std::make_pair(static_cast<long long>(std::floor(east(p) / kFarFenceKm)),
                              static_cast<long long>(std::floor(north(p) / kFarFenceKm)));
    };
    for (size_t i = 0; i < where.size(); ++i)
        for (const auto& p : where[i])
            if (p.ok()) buckets[bucket_of(p)].emplace_back(i, &p);
    auto near_other_layer = [&](size_t layer, const LonLat& p) {
        const auto [bx, by] = bucket_of(p);
        for (long long dx = -1; dx <= 1; ++dx)
            for (long long dy = -1; dy <= 1; ++dy) {
                auto it = buckets.find({bx + dx, by + dy});
                if (it == buckets.end()) continue;
                for (const auto& [other, q] : it->second)
                    if (other != layer && std::hypot(east(*q) - east(p), north(*q) - north(p)) <= kFarFenceKm) return true;
            }
        return false;
    };
    auto km = [](double d) { return std::to_string(static_cast<long long>(std::llround(d))); };
    for (size_t i = 0; i < raws.size(); ++i) {
        RawLayer& raw = raws[i];
        std::vector<char> drop(raw.features.size(), 0);
        for (size_t k = 0; k < raw.features.size(); ++k) {
            const LonLat& p = where[i][k];
            if (!p.ok()) continue;
            const double x = east(p), y = north(p);
            bool inside = false;
            for (const auto& b : boxes) inside |= x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1;
            if (inside || near_other_layer(i, p)) continue;
            OGREnvelope env;
            raw.features[k].geom->getEnvelope(&env);
            raw.problems["far"].add(label(raw, raw.features[k]) + " at " + coords_text(raw, env) + ", about " +
                                    km(haversine_km(p, mid)) + " km from the middle of the data (" + lonlat_text(mid) + ")");
            drop[k] = 1;
        }
        const auto n = std::count(drop.begin(), drop.end(), 1);
        if (n == 0) continue;
        raw.stats.skipped_bad += n;
        std::vector<LonLat> keep;
        for (size_t k = 0; k < drop.size(); ++k)
            if (!drop[k]) keep.push_back(where[i][k]);
        where[i] = std::move(keep);
        drop_features(raw, drop);
    }
}

// The centre of all layers' features, in longitude/latitude, for `crs: auto`.
bool centre_lonlat(const std::vector<std::vector<LonLat>>& where, double& lon, double& lat) {
    Extent all;
    for (const auto& layer : where)
        for (const auto& p : layer)
            if (p.ok()) all.expand({p.lon, p.lat, p.lon, p.lat});
    if (all.empty()) return false;
    lon = (all.xmin + all.xmax) / 2;
    lat = (all.ymin + all.ymax) / 2;
    return true;
}

// Step 8: a hazards layer with nothing left is an error: a risk map and zones drawn without any hazard
// would look like a map of safe land.
void refuse_empty_hazards(const RawLayer& raw, std::int64_t kept) {
    const InputSpec& in = *raw.spec;
    if (in.role != "hazards" || kept > 0) return;
    std::string why;
    if (raw.stats.read == 0)
        why = in.filter.empty() ? "the layer has no feature" : "the filter 'where: " + in.filter + "' selects no feature";
    else {
        why = std::to_string(raw.stats.read) + " feature(s) read, none usable";
        for (const auto& w : problem_warnings(raw)) why += "; " + w.substr(w.find(": ") + 2);
    }
    throw Error("the hazards layer '" + raw.stats.layer_name + "' has no hazard to map: " + why,
                Location{in.source, 0, 0, raw.stats.layer_name},
                "a risk map without hazards would show all land as safe: check the file, the layer and the 'where' filter");
}

}  // namespace

Inputs load_inputs(const Scenario& sc, const Progress& progress) {
    static GdalInit init;
    GdalMessages gdal;  // what GDAL says from here on is reported with the layers, not printed
    Inputs inputs;
    std::deque<RawLayer> raws;  // never relocated: RawLayer holds an OGRSpatialReference
    const double n = static_cast<double>(sc.inputs.size());
    for (size_t i = 0; i < sc.inputs.size(); ++i)
        raws.push_back(read_layer(sc.inputs[i], gdal, progress.sub(i / n * 0.7, (i + 1) / n * 0.7), sc.crs));

    // Where the features are, before a working CRS is chosen: impossible coordinates, layers far apart,
    // single features far from everything.
    for (auto& raw : raws) check_coordinate_ranges(raw);
    std::vector<std::vector<LonLat>> where;
    for (const auto& raw : raws) where.push_back(feature_lonlat(raw));
    refuse_layers_far_apart(raws, where);
    skip_far_features(raws, where);
    for (const auto& raw : raws) refuse_empty_hazards(raw, static_cast<std::int64_t>(raw.features.size()));

    if (sc.crs == "auto") {
        double lon = 0, lat = 0;
        if (!centre_lonlat(where, lon, lat))
            throw Error("'crs: auto' needs features to find the inputs' centre, and none could be placed on the globe",
                        sc.crs_where.file.empty() ? Location{sc.file} : sc.crs_where, "name the working CRS, e.g. 'crs: EPSG:32638'");
        const std::string code = utm_zone_for(lon, lat);
        inputs.crs_wkt = crs_to_wkt(code);
        char buf[160];
        std::snprintf(buf, sizeof buf, "auto: WGS 84 UTM zone of the inputs' centre (%.3f, %.3f)", lon, lat);
        inputs.crs_reason = buf;
    } else {
        inputs.crs_wkt = crs_to_wkt(sc.crs);
        inputs.crs_reason = "from the scenario";
    }
    if (!crs_is_metric(inputs.crs_wkt))
        throw Error("the working CRS " + crs_display_name_of_wkt(inputs.crs_wkt, sc.crs) + " is not projected in metres",
                    sc.crs_where.file.empty() ? Location{sc.file} : sc.crs_where,
                    "cells are measured in metres: use a projected CRS (a UTM zone, a national grid, an equal-area CRS) or 'auto'");
    inputs.crs_name = crs_display_name_of_wkt(inputs.crs_wkt, sc.crs == "auto" ? std::string() : sc.crs);

    OGRSpatialReference target;
    target.importFromWkt(inputs.crs_wkt.c_str());
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    GeometryRepairer repairer;
    for (size_t i = 0; i < raws.size(); ++i) {
        inputs.layers.push_back(finish_layer(raws[i], target, inputs.crs_name, repairer, gdal, inputs.warnings));
        refuse_empty_hazards(raws[i], inputs.layers.back().size());
        raws[i].features.clear();
        progress.report(0.7 + 0.3 * (i + 1) / n);
    }
    for (size_t i = 0; i < raws.size(); ++i)
        if (inputs.layers[i].size() == 0)
            inputs.warnings.push_back(who(*raws[i].spec, raws[i].stats.layer_name) +
                                      ": no features to use; the factors that read it see an empty layer. check the file and "
                                      "its 'where' filter, or remove the input");

    // With 'extent: auto' the grid is known now: the grid guard (an explicit extent was checked by the parser).
    if (!sc.extent) {
        const Extent data = inputs.extent();
        if (!data.empty()) check_grid_size(sc, data.grown(sc.margin), true);
    }

    // With an explicit extent: layers none of whose features lie inside it, and an extent away from all data.
    if (sc.extent) {
        const Extent& e = *sc.extent;
        char box[160];
        std::snprintf(box, sizeof box, "[%.0f, %.0f, %.0f, %.0f]", e.xmin, e.ymin, e.xmax, e.ymax);
        bool any_inside = false, any_feature = false;
        for (size_t i = 0; i < inputs.layers.size(); ++i) {
            const FeatureLayer& l = inputs.layers[i];
            if (l.size() == 0) continue;
            any_feature = true;
            bool inside = false;
            for (const auto& b : l.bounds) inside |= b.xmin <= e.xmax && b.xmax >= e.xmin && b.ymin <= e.ymax && b.ymax >= e.ymin;
            any_inside |= inside;
            if (!inside)
                inputs.warnings.push_back(who(*raws[i].spec, raws[i].stats.layer_name) + ": none of its " + std::to_string(l.size()) +
                                          " feature(s) lies inside the extent " + box + " (" + inputs.crs_name +
                                          "). check 'extent' (working-CRS units) and the layer");
        }
        if (any_feature && !any_inside) {
            const Extent data = inputs.extent();
            char buf[160];
            std::snprintf(buf, sizeof buf, "[%.0f, %.0f, %.0f, %.0f]", data.xmin, data.ymin, data.xmax, data.ymax);
            throw Error(std::string("no feature of any input lies inside 'extent' ") + box + "; the inputs cover " + buf +
                            " in " + inputs.crs_name,
                        Location{sc.file},
                        "write 'extent' in the working CRS (" + inputs.crs_name + ", metres), or use 'extent: auto'");
        }
    }
    return inputs;
}

}  // namespace minerisk
