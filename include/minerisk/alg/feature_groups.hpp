// Groups of a plugin's features for add_decayed_group (alg/decay.hpp): hazard_proximity groups its hazards by
// weight, marking_gap by unmarked share; each group is one distance transform. Header-only, for the built-in
// plugins: it talks to the engine through the plugin interface's host table.
#pragma once
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "minerisk/alg/decay.hpp"
#include "minerisk/plugin.h"

namespace minerisk::alg {

// A group's features (in the order added) and the grid cells their bounding boxes touch.
struct FeatureGroup {
    std::vector<std::int64_t> features;
    CellRect cells;
};

// Adds feature f of `layer` to groups[key].
template <class Key>
void add_to_group(std::map<Key, FeatureGroup>& groups, const Key& key, const mr_host* host, const char* layer,
                  std::int64_t f, const mr_grid& grid) {
    double fb[4];
    host->feature_bounds(host->ctx, layer, f, fb);
    auto& g = groups[key];
    g.features.push_back(f);
    g.cells = g.cells.hull(CellRect::around(fb, grid.geotransform[0], grid.geotransform[3], grid.cell_size));
}

// The `burn` of add_decayed_group: the group's features of `layer` rasterized as 1 into the window.
// `values` is the caller's scratch. Throws "rasterizing <layer>: <the host's message>".
inline void burn_group(const mr_host* host, const char* layer, const FeatureGroup& g, const CellRect& win,
                       float* burned, std::vector<double>& values) {
    values.assign(g.features.size(), 1.0);
    char rerr[512] = "";
    if (host->rasterize(host->ctx, layer, g.features.data(), values.data(), static_cast<std::int64_t>(g.features.size()),
                        mr_window{win.col0, win.row0, win.width, win.height}, burned, rerr, sizeof rerr) != MR_OK)
        throw std::runtime_error(std::string("rasterizing ") + layer + ": " + rerr);
}

}  // namespace minerisk::alg
