// Field roles: matched to the layer's columns when the layer is opened, read per feature, and typed into
// the columns plugins and zones read.
#include "io/field_mapping.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "core/text.hpp"
#include "io/decimal_comma.hpp"
#include "io/plausible_counts.hpp"
#include "minerisk/dates.hpp"

namespace minerisk::reader {
namespace {

const char* role_type(const std::string& layer_role, const std::string& role) {
    for (const auto& r : field_roles(layer_role))
        if (role == r.name) return r.type;
    return "text";  // extra layers: kept as text, numbers parsed where they look like numbers
}

// 50000000 -> "50,000,000"; the bounds are whole numbers well inside long long.
std::string plain_count(double v) {
    std::string digits = std::to_string(static_cast<long long>(v)), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

// The number a role of type "number" holds, or NaN (counted in `bad` when the text is not a number, or a
// count is negative or above its plausible bound).
double number_value(const RawFeature& f, size_t i, const std::string& role, const std::string& field, const std::string& who_f,
                    ProblemCounter& bad) {
    const std::string& text = f.values[i];
    double v = std::nan("");
    if (!std::isnan(f.numbers[i])) v = f.numbers[i];
    else {
        char* end = nullptr;
        const double p = std::strtod(text.c_str(), &end);
        if (!text.empty() && end && *end == '\0' && std::isfinite(p)) v = p;
        else bad.add(who_f + " has '" + text + "' in " + field + ", not a number" +
                     (has_decimal_comma(text) ? " (a decimal comma)" : ""));
    }
    if (!std::isnan(v) && v < 0 && (role == "population" || role == "killed" || role == "injured" ||
                                    role == "casualties" || role == "reached" || role == "radius")) {
        bad.add(who_f + " has a negative " + role + " (" + text + ")");
        v = std::nan("");
    }
    const double bound = plausible_bound(role);
    if (bound > 0 && !std::isnan(v) && v > bound) {
        bad.add(who_f + " has " + text + " in " + field + ", above the plausible " + plain_count(bound) + " for one " +
                (role == "population" ? "settlement" : role == "reached" ? "session" : "incident"));
        v = std::nan("");
    }
    return v;
}

// The value of a present field as the column's type; NaN when it cannot be read (counted in `bad`).
double typed_value(const Column& c, const RawFeature& f, size_t i, const std::string& role, const std::string& field,
                   const std::string& who_f, ProblemCounter& bad) {
    const std::string& text = f.values[i];
    double v = std::nan("");
    if (c.type == "number") {
        v = number_value(f, i, role, field, who_f, bad);
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
    return v;
}

}  // namespace

std::string list_fields(OGRFeatureDefn* defn) {
    std::string s;
    for (int i = 0; i < defn->GetFieldCount(); ++i) s += (i ? ", " : "") + std::string(defn->GetFieldDefn(i)->GetNameRef());
    return s.empty() ? "(none)" : s;
}

FieldMap map_fields(RawLayer& raw, OGRLayer& layer) {
    const InputSpec& in = *raw.spec;
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    // An empty GeoJSON FeatureCollection declares no columns at all: nothing can be mapped, and nothing is
    // lost either. The layer is then reported as empty, not as missing fields.
    const bool schemaless_and_empty = defn->GetFieldCount() == 0 && layer.GetFeatureCount(TRUE) == 0;
    FieldMap map;
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
        map.field_index.push_back(idx);
        if (role == "id") map.id_index = idx;
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
    map.x = coord_index(in.x_field, "x");
    map.y = coord_index(in.y_field, "y");
    map.wkt = coord_index(in.wkt_field, "wkt");
    return map;
}

void read_values(RawLayer& raw, OGRFeature& feat, OGRFeatureDefn& defn, const FieldMap& map, RawFeature& rf) {
    for (size_t i = 0; i < map.field_index.size(); ++i) {
        const int idx = map.field_index[i];
        const bool present = idx >= 0 && feat.IsFieldSetAndNotNull(idx);
        rf.present.push_back(present);
        std::string value = present ? feat.GetFieldAsString(idx) : "";
        // A .dbf or a CSV saved in Latin-1/CP1252 (a shapefile without its .cpg): every output is UTF-8, and
        // the names must reach them readable, so they are recoded here, once, with a warning.
        if (!text::is_utf8(value)) {
            value = text::recode_cp1252(value);
            raw.problems["utf8 " + raw.roles[i]].add(label(raw, rf) + " '" + value + "'");
        }
        rf.values.push_back(std::move(value));
        double num = std::nan("");
        if (present) {
            const OGRFieldType t = defn.GetFieldDefn(idx)->GetType();
            if (raw.types[i] == "date" && (t == OFTDate || t == OFTDateTime)) {
                int y, m, d, hh, mm, tz;
                float ss;
                if (feat.GetFieldAsDateTime(idx, &y, &m, &d, &hh, &mm, &ss, &tz) && y > 0)
                    num = days_from_civil(y, std::max(1, m), std::max(1, d));
            } else if (raw.types[i] == "date" && (t == OFTInteger || t == OFTInteger64)) {
                // A year kept as a number (2024), never a day count.
                const double y = feat.GetFieldAsDouble(idx);
                if (y >= 1800 && y <= 2200) num = days_from_civil(static_cast<int>(y), 7, 1);
            } else if (raw.types[i] != "date" && (t == OFTInteger || t == OFTInteger64 || t == OFTReal)) {
                num = feat.GetFieldAsDouble(idx);
            }
        }
        rf.numbers.push_back(num);
    }
}

Column make_column(RawLayer& raw, size_t i, const std::vector<size_t>& kept) {
    Column c;
    c.type = raw.types[i];
    const std::string& role = raw.roles[i];
    const std::string field = raw.spec->fields.at(role);
    ProblemCounter& bad = raw.problems["field " + role];
    for (size_t k : kept) {
        const RawFeature& f = raw.features[k];
        c.text.push_back(f.values[i]);
        c.present.push_back(f.present[i]);
        c.number.push_back(f.present[i] ? typed_value(c, f, i, role, field, label(raw, f), bad) : std::nan(""));
    }
    return c;
}

}  // namespace minerisk::reader
