// The table of engine services a plugin sees (mr_host), backed by the loaded inputs.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "minerisk/grid.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/plugin.h"

namespace minerisk {

// A window as the plugin interface passes it.
inline mr_window to_c(const Window& w) { return {w.col0, w.row0, w.width, w.height}; }

class Host {
public:
    Host(const Inputs& inputs, const GridSpec& grid);
    const mr_host* table() const { return &table_; }
    const mr_grid* grid() const { return &grid_c_; }

    // The run's reference date and the scenario's folder, as plugins see them in mr_host.
    void set_run_context(double as_of, const std::string& base_dir) {
        base_dir_ = base_dir;
        table_.as_of = as_of;
        table_.base_dir = base_dir_.c_str();
    }
    void cancel() { cancelled_ = true; }
    // Warnings plugins logged, "plugin: message", in the order they arrived.
    std::vector<std::string> warnings() const;
    std::vector<std::string> infos() const;

    // Implementation of the services (public for the C trampolines).
    const FeatureLayer* layer(const char* name) const;
    // Burns features into a block: cells whose centre lies inside a polygon, or that a point or line
    // touches, get max(current, value), so that where features overlap the largest value wins. A polygon
    // that covers no cell centre of the whole grid (smaller than a cell, or a thin sliver between centres)
    // burns the one cell holding its point-on-surface instead, whatever block it is rasterized in; such
    // features are counted in warnings().
    int rasterize(const char* layer, const std::int64_t* features, const double* values, std::int64_t count,
                  mr_window window, float* out, char* err, size_t err_size) const;
    void log(const char* plugin, int level, const char* message);
    bool cancelled() const { return cancelled_; }

private:
    // Per feature of a layer, decided once per run: does GDAL's cell-centre rule burn any cell of the
    // grid for it, and if not, which cell stands for it.
    struct Coverage {
        enum : std::uint8_t { unknown = 0, covers = 1, fallback = 2, outside = 3 };
        std::unique_ptr<std::atomic<std::uint8_t>[]> state;
        std::vector<std::int64_t> col, row;  // the fallback cell, valid where state == fallback
        std::mutex mutex;                    // held while a feature's state is decided
    };
    void decide_coverage(const FeatureLayer& l, Coverage& c, std::int64_t f) const;
    std::vector<std::string> coverage_warnings() const;

    const Inputs& inputs_;
    const GridSpec& grid_;
    mr_grid grid_c_{};
    mr_host table_{};
    std::string base_dir_;
    std::atomic<bool> cancelled_{false};
    mutable std::mutex log_mutex_;
    std::vector<std::string> warnings_, infos_;
    std::map<const FeatureLayer*, std::unique_ptr<Coverage>> coverage_;  // one per layer, made in the constructor
};

}  // namespace minerisk
