// Checks a factor's parameters from the scenario against the plugin's declared specs.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "minerisk/dates.hpp"
#include "minerisk/plugins.hpp"

namespace minerisk {
namespace {

std::string range_text(const mr_param_spec& s) {
    std::ostringstream o;
    o << "between " << s.min << " and " << s.max;
    return o.str();
}

bool parse_number(const std::string& text, double& v) {
    char* end = nullptr;
    v = std::strtod(text.c_str(), &end);
    return !text.empty() && end && *end == '\0' && std::isfinite(v);
}

bool in_choices(const char* choices, const std::string& v) {
    std::stringstream ss(choices);
    std::string c;
    while (std::getline(ss, c, '|'))
        if (c == v) return true;
    return false;
}

}  // namespace

const char* param_type_name(mr_param_type t) {
    switch (t) {
        case MR_PARAM_NUMBER: return "number";
        case MR_PARAM_INTEGER: return "integer";
        case MR_PARAM_BOOLEAN: return "boolean";
        case MR_PARAM_STRING: return "string";
        case MR_PARAM_TABLE: return "table";
        case MR_PARAM_DATE: return "date";
    }
    return "?";
}

ParamSet resolve_params(const mr_plugin& plugin, const std::vector<ParamText>& given, const Location& factor_where) {
    ParamSet set;
    const std::string pname = plugin.name;
    for (const auto& g : given) {
        bool known = false;
        for (int i = 0; i < plugin.param_count; ++i) known |= g.name == plugin.params[i].name;
        if (!known) {
            std::string names;
            for (int i = 0; i < plugin.param_count; ++i) names += (i ? ", " : "") + std::string(plugin.params[i].name);
            throw Error("plugin '" + pname + "' has no parameter '" + g.name + "'", g.where,
                        "its parameters: " + (names.empty() ? std::string("(none)") : names) + " (minerisk plugins " + pname + ")");
        }
    }
    for (int i = 0; i < plugin.param_count; ++i) {
        const mr_param_spec& s = plugin.params[i];
        const ParamText* g = nullptr;
        for (const auto& x : given)
            if (x.name == s.name) g = &x;
        mr_param_value v{};
        v.name = s.name;
        v.type = s.type;
        v.number = std::nan("");
        ParamText text;
        if (g) text = *g;
        else if (s.default_value) {
            text.name = s.name;
            text.text = s.default_value;
            text.where = factor_where;
            if (s.type == MR_PARAM_TABLE && *s.default_value) {
                // Defaults of tables are written "KEY=VALUE,KEY=VALUE".
                std::stringstream ss(s.default_value);
                std::string item;
                text.is_table = true;
                while (std::getline(ss, item, ',')) {
                    const auto eq = item.find('=');
                    if (eq != std::string::npos) text.table.emplace_back(item.substr(0, eq), item.substr(eq + 1));
                }
            }
        } else {
            throw Error("plugin '" + pname + "' needs the parameter '" + std::string(s.name) + "'", factor_where,
                        std::string("add it under params: ") + (s.doc ? s.doc : ""));
        }
        const bool has_range = s.min <= s.max;
        const std::string what = "parameter '" + std::string(s.name) + "' of " + pname;
        const bool unset = !text.is_table && text.text.empty();
        if (s.type == MR_PARAM_TABLE) {
            if (!text.is_table && !unset)
                throw Error(what + " must be a table of 'key: number' lines", text.where, "e.g. " + std::string(s.name) + ": {CHA: 1.0, SHA: 0.6}");
            auto keys = std::make_unique<std::vector<const char*>>();
            auto nums = std::make_unique<std::vector<double>>();
            for (const auto& [k, val] : text.table) {
                double d;
                if (!parse_number(val, d)) throw Error(what + ": '" + k + "' is '" + val + "', not a number", text.where);
                if (has_range && (d < s.min || d > s.max))
                    throw Error(what + ": '" + k + "' is " + val + ", out of range", text.where, "use a value " + range_text(s));
                set.strings_.push_back(std::make_unique<std::string>(k));
                keys->push_back(set.strings_.back()->c_str());
                nums->push_back(d);
            }
            v.table_size = static_cast<int>(keys->size());
            v.table_keys = keys->data();
            v.table_values = nums->data();
            set.keys_.push_back(std::move(keys));
            set.numbers_.push_back(std::move(nums));
        } else if (text.is_table) {
            throw Error(what + " must be a single value, not a table", text.where);
        } else if (unset) {
            // an optional parameter left without a value: NaN / NULL tell the plugin
        } else if (s.type == MR_PARAM_STRING) {
            if (s.choices && !in_choices(s.choices, text.text))
                throw Error(what + " is '" + text.text + "'", text.where, "choose one of: " + std::string(s.choices));
            set.strings_.push_back(std::make_unique<std::string>(text.text));
            v.text = set.strings_.back()->c_str();
        } else if (s.type == MR_PARAM_BOOLEAN) {
            const std::string& t = text.text;
            if (t == "true" || t == "yes" || t == "on") v.number = 1;
            else if (t == "false" || t == "no" || t == "off") v.number = 0;
            else throw Error(what + " must be true or false, not '" + t + "'", text.where);
        } else if (s.type == MR_PARAM_DATE) {
            auto d = parse_date(text.text);
            if (!d) throw Error(what + " is '" + text.text + "', not a date", text.where, "write YYYY-MM-DD, YYYY-MM or YYYY");
            v.number = *d;
        } else {
            double d;
            if (!parse_number(text.text, d))
                throw Error(what + " must be a number, not '" + text.text + "'", text.where);
            if (s.type == MR_PARAM_INTEGER && d != std::floor(d))
                throw Error(what + " must be a whole number, not " + text.text, text.where);
            if (has_range && (d < s.min || d > s.max))
                throw Error(what + " is " + text.text + ", out of range", text.where,
                            "use a value " + range_text(s) + (s.unit && *s.unit ? std::string(" ") + s.unit : ""));
            v.number = d;
        }
        set.values_.push_back(v);
    }
    return set;
}

std::string ParamSet::describe() const {
    std::ostringstream o;
    for (const auto& v : values_) {
        if (o.tellp() > 0) o << ", ";
        o << v.name << "=";
        if (v.type == MR_PARAM_TABLE) {
            o << "{";
            for (int i = 0; i < v.table_size; ++i) o << (i ? ", " : "") << v.table_keys[i] << ": " << v.table_values[i];
            o << "}";
        } else if (v.type == MR_PARAM_STRING) o << (v.text ? v.text : "");
        else if (v.type == MR_PARAM_DATE) o << date_to_string(v.number);
        else if (std::isnan(v.number)) o << "(unset)";
        else o << v.number;
    }
    return o.str();
}

std::string describe_plugin(const LoadedPlugin& p) {
    const mr_plugin& a = *p.api;
    std::ostringstream o;
    o << a.name << " " << a.version << "\n  " << (a.description ? a.description : "") << "\n  library: " << p.path << "\n";
    auto layers = [&](const char* title, const char* const* l, int n) {
        if (n <= 0) return;
        o << "  " << title << ":";
        for (int i = 0; i < n; ++i) o << " " << l[i];
        o << "\n";
    };
    layers("needs layers", a.required_layers, a.required_layer_count);
    layers("uses if present", a.optional_layers, a.optional_layer_count);
    o << "  parameters:\n";
    if (a.param_count == 0) o << "    (none)\n";
    for (int i = 0; i < a.param_count; ++i) {
        const mr_param_spec& s = a.params[i];
        o << "    " << s.name << " (" << param_type_name(s.type);
        if (s.unit && *s.unit) o << ", " << s.unit;
        o << ")";
        if (s.default_value) o << " default " << (*s.default_value ? s.default_value : "(none)");
        else o << " required";
        if (s.min <= s.max) o << ", range [" << s.min << ", " << s.max << "]";
        if (s.choices) o << ", one of " << s.choices;
        o << "\n        " << (s.doc ? s.doc : "") << "\n";
    }
    if (a.extra_band_count > 0) {
        o << "  extra rasters:\n";
        for (int i = 0; i < a.extra_band_count; ++i)
            o << "    " << a.extra_bands[i].name << " (" << a.extra_bands[i].unit << "): " << a.extra_bands[i].description << "\n";
    }
    return o.str();
}

}  // namespace minerisk
