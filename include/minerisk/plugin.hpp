// Header-only conveniences for writing a minerisk plugin in C++ against the C interface (plugin.h).
// Nothing here crosses the binary boundary: it compiles into the plugin.
#pragma once
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <map>
#include <string>
#include <vector>

#include "minerisk/plugin.h"

namespace minerisk::plugin {

inline void set_error(char* err, size_t size, const std::string& message) {
    if (!err || size == 0) return;
    std::strncpy(err, message.c_str(), size - 1);
    err[size - 1] = '\0';
}

// Runs `f` and turns any exception into MR_ERROR with its message: exceptions must never cross into the engine.
template <class F>
int guarded(char* err, size_t size, F&& f) noexcept {
    try {
        return f();
    } catch (const std::exception& e) {
        set_error(err, size, e.what());
    } catch (...) {
        set_error(err, size, "unknown exception");
    }
    return MR_ERROR;
}

// Typed access to the validated parameters (every declared parameter is present, defaults filled in).
class Params {
public:
    Params(const mr_param_value* values, int count) : values_(values), count_(count) {}
    const mr_param_value* find(const char* name) const {
        for (int i = 0; i < count_; ++i)
            if (std::strcmp(values_[i].name, name) == 0) return &values_[i];
        return nullptr;
    }
    double number(const char* name, double fallback = std::nan("")) const {
        const mr_param_value* v = find(name);
        return v && !std::isnan(v->number) ? v->number : fallback;
    }
    bool boolean(const char* name, bool fallback = false) const {
        const mr_param_value* v = find(name);
        return v && !std::isnan(v->number) ? v->number != 0 : fallback;
    }
    std::string text(const char* name, const std::string& fallback = "") const {
        const mr_param_value* v = find(name);
        return v && v->text ? v->text : fallback;
    }
    // Keys compared case-insensitively by lookup(): planners write "cha", "CHA", "Cha".
    std::map<std::string, double> table(const char* name) const {
        std::map<std::string, double> t;
        const mr_param_value* v = find(name);
        if (v)
            for (int i = 0; i < v->table_size; ++i) t[lower(v->table_keys[i])] = v->table_values[i];
        return t;
    }
    static std::string lower(std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
    // A comma-separated list parameter ("cleared, cancelled"): items trimmed of spaces and lower-cased, empty
    // items dropped.
    std::vector<std::string> list(const char* name) const {
        std::vector<std::string> out;
        const std::string text = this->text(name);
        size_t at = 0;
        while (at <= text.size()) {
            size_t end = text.find(',', at);
            if (end == std::string::npos) end = text.size();
            const std::string item = text.substr(at, end - at);
            const auto b = item.find_first_not_of(" \t");
            const auto e = item.find_last_not_of(" \t");
            if (b != std::string::npos) out.push_back(lower(item.substr(b, e - b + 1)));
            at = end + 1;
        }
        return out;
    }
    // Whether a value (compared lower-cased) is in a list made by list().
    static bool listed(const std::vector<std::string>& list, const char* value) {
        if (!value) return false;
        return std::find(list.begin(), list.end(), lower(value)) != list.end();
    }
    static double lookup(const std::map<std::string, double>& t, const char* key, double fallback) {
        if (!key) return fallback;
        auto it = t.find(lower(key));
        return it == t.end() ? fallback : it->second;
    }

private:
    const mr_param_value* values_;
    int count_;
};

// Converting between the grid's cells and map coordinates for a window.
struct BlockFrame {
    double west = 0, north = 0, cell = 1;  // of the window's top-left corner
    std::int64_t width = 0, height = 0;

    BlockFrame(const mr_grid& g, const mr_window& w)
        : west(g.geotransform[0] + w.col0 * g.cell_size),
          north(g.geotransform[3] - w.row0 * g.cell_size),
          cell(g.cell_size),
          width(w.width),
          height(w.height) {}
    // Continuous cell coordinates: the centre of cell (c, r) is (c + 0.5, r + 0.5).
    double col_of(double x) const { return (x - west) / cell; }
    double row_of(double y) const { return (north - y) / cell; }
    double x_of(std::int64_t col) const { return west + (col + 0.5) * cell; }
    double y_of(std::int64_t row) const { return north - (row + 0.5) * cell; }
    void box(double out[4], double grow = 0) const {
        out[0] = west - grow;
        out[1] = north - height * cell - grow;
        out[2] = west + width * cell + grow;
        out[3] = north + grow;
    }
};

// Features of a layer whose bounding box meets a box (two-call pattern of features_in_box).
inline std::vector<std::int64_t> features_in(const mr_host* host, const char* layer, const double box[4]) {
    const std::int64_t n = host->features_in_box(host->ctx, layer, box, nullptr, 0);
    std::vector<std::int64_t> ids(static_cast<size_t>(std::max<std::int64_t>(0, n)));
    if (n > 0) host->features_in_box(host->ctx, layer, box, ids.data(), n);
    return ids;
}

// A window grown by `halo` cells on every side.
inline mr_window grown(const mr_window& w, std::int64_t halo) {
    return {w.col0 - halo, w.row0 - halo, w.width + 2 * halo, w.height + 2 * halo};
}


// ---- the descriptor and the entry point ------------------------------------------------------------

// A C array and its length, for the descriptor's (pointer, count) pairs: the length is taken from the array.
// nullptr (or {}) is the empty list.
template <class T>
struct Items {
    const T* items = nullptr;
    int count = 0;
    constexpr Items() = default;
    constexpr Items(std::nullptr_t) {}
    template <size_t N>
    constexpr Items(const T (&array)[N]) : items(array), count(static_cast<int>(N)) {}
};

// release() for a state that prepare() made with new State (or std::make_unique<State>().release()).
template <class State>
void release_state(void* state) {
    delete static_cast<State*>(state);
}

// The descriptor of a plugin whose prepare() hands over a `State`: this interface's version, the counts taken
// from the arrays, release_state<State> as release(). `roles` is '|'-separated, or nullptr for none.
template <class State>
constexpr mr_plugin describe(const char* name, const char* version, const char* description,
                             Items<mr_param_spec> params, Items<const char* const> required_layers,
                             Items<const char* const> optional_layers, Items<mr_band_spec> extra_bands,
                             decltype(mr_plugin::prepare) prepare, decltype(mr_plugin::reach) reach,
                             decltype(mr_plugin::score) score, const char* roles = nullptr) {
    return mr_plugin{MINERISK_PLUGIN_ABI_VERSION,
                     name,
                     version,
                     description,
                     params.items,
                     params.count,
                     required_layers.items,
                     required_layers.count,
                     optional_layers.items,
                     optional_layers.count,
                     extra_bands.items,
                     extra_bands.count,
                     prepare,
                     reach,
                     score,
                     release_state<State>,
                     roles};
}

}  // namespace minerisk::plugin

// The whole tail of a plugin, written once at global scope after its anonymous namespace: the descriptor
// (static storage) and the exported entry point that returns it. The arguments are those of describe():
//
//     MINERISK_PLUGIN(State, kName, "1.0.0", "one sentence", kParams, kRequired, nullptr, kBands,
//                     prepare, reach, score, "baseline")
#define MINERISK_PLUGIN(State, ...)                                                                  \
    extern "C" MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void) {                    \
        static const mr_plugin descriptor = ::minerisk::plugin::describe<State>(__VA_ARGS__);        \
        return &descriptor;                                                                          \
    }
