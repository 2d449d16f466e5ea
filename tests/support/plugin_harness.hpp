// Test support: build input layers by hand (WKT + attributes), load a plugin library the way the engine
// does, and score a grid or a block with it. Used by the plugin formula tests.
#pragma once
#include <gtest/gtest.h>
#include <ogr_geometry.h>

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "minerisk/crs.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/grid.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/plugins.hpp"
#include "scoring/host.hpp"

namespace minerisk::test {

// One hand-made feature: geometry as WKT in the working CRS, and attributes by role name.
struct HandFeature {
    std::string wkt;
    std::map<std::string, std::string> attrs;  // role -> value as text (dates as YYYY-MM-DD)
};

// Builds a layer. `types` gives each attribute role its type (text, number, date, boolean).
inline FeatureLayer make_layer(const std::string& role, const std::vector<HandFeature>& features,
                               const std::map<std::string, std::string>& types) {
    FeatureLayer l;
    l.role = role;
    for (const auto& [name, type] : types) l.columns[name].type = type;
    std::int64_t fid = 0;
    for (const auto& f : features) {
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkt(f.wkt.c_str(), nullptr, &g) != OGRERR_NONE || !g)
            throw std::runtime_error("bad WKT in test: " + f.wkt);
        OGREnvelope env;
        g->getEnvelope(&env);
        l.bounds.push_back({env.MinX, env.MinY, env.MaxX, env.MaxY});
        std::vector<unsigned char> wkb(g->WkbSize());
        g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        l.wkb.push_back(std::move(wkb));
        l.geometry.emplace_back(g);
        l.fid.push_back(fid++);
        for (auto& [name, col] : l.columns) {
            auto it = f.attrs.find(name);
            const bool present = it != f.attrs.end();
            const std::string text = present ? it->second : "";
            col.text.push_back(text);
            col.present.push_back(present);
            double v = std::nan("");
            if (present) {
                if (col.type == "date") {
                    if (auto d = parse_date(text)) v = *d;
                } else if (col.type == "boolean") {
                    v = (text == "true" || text == "1") ? 1 : 0;
                } else {
                    char* end = nullptr;
                    const double p = std::strtod(text.c_str(), &end);
                    if (!text.empty() && *end == '\0') v = p;
                }
            }
            col.number.push_back(v);
        }
    }
    l.stats.loaded = l.size();
    l.build_index();
    return l;
}

// A square grid of `n` x `n` cells of `cell` metres whose north-west corner is (x0, y0), in UTM 38N.
inline GridSpec make_grid(std::int64_t width, std::int64_t height, double cell, double x0 = 0, double y0 = 0) {
    GridSpec g;
    g.width = width;
    g.height = height;
    g.cell_size = cell;
    g.origin_x = x0;
    g.origin_y = y0;
    g.crs_wkt = crs_to_wkt("EPSG:32638");
    return g;
}

// A plugin from the build's plugin folder, loaded as the engine loads it.
inline LoadedPlugin load_builtin(const std::string& name) {
    return load_plugin_file(std::string(MINERISK_TEST_PLUGIN_DIR) + "/" + name + ".so");
}

// Runs prepare + score over windows of the grid and returns band `band` (0 = score) for the whole grid.
// Scoring in several tiles checks that the plugin's result does not depend on the tiling.
struct PluginRun {
    std::vector<float> score;
    std::vector<std::vector<float>> extras;
    std::vector<std::string> warnings;
    std::string error;  // non-empty when prepare or score failed
};

inline PluginRun run_plugin(const LoadedPlugin& plugin, Inputs& inputs, const GridSpec& grid,
                            const std::vector<ParamText>& params, double as_of = 0, std::int64_t tile = 0) {
    PluginRun out;
    Host host(inputs, grid);
    host.set_run_context(as_of, ".");
    ParamSet ps = resolve_params(*plugin.api, params, Location{"test"});
    void* state = nullptr;
    char err[1024] = "";
    if (plugin.api->prepare(host.table(), host.grid(), ps.data(), ps.size(), &state, err, sizeof err) != MR_OK) {
        out.error = err;
        return out;
    }
    const std::int64_t ts = tile > 0 ? tile : std::max(grid.width, grid.height);
    const int nb = 1 + plugin.api->extra_band_count;
    out.score.assign(static_cast<size_t>(grid.cells()), NAN);
    out.extras.assign(static_cast<size_t>(nb - 1), std::vector<float>(static_cast<size_t>(grid.cells()), NAN));
    for (std::int64_t r0 = 0; r0 < grid.height && out.error.empty(); r0 += ts)
        for (std::int64_t c0 = 0; c0 < grid.width && out.error.empty(); c0 += ts) {
            const mr_window w{c0, r0, std::min(ts, grid.width - c0), std::min(ts, grid.height - r0)};
            std::vector<std::vector<float>> bufs(static_cast<size_t>(nb), std::vector<float>(static_cast<size_t>(w.width * w.height)));
            std::vector<float*> bands;
            for (auto& b : bufs) bands.push_back(b.data());
            if (plugin.api->score(state, host.table(), w, bands.data(), err, sizeof err) != MR_OK) {
                out.error = err;
                break;
            }
            for (std::int64_t r = 0; r < w.height; ++r)
                for (std::int64_t c = 0; c < w.width; ++c) {
                    const size_t g = static_cast<size_t>((r0 + r) * grid.width + c0 + c);
                    const size_t b = static_cast<size_t>(r * w.width + c);
                    out.score[g] = bufs[0][b];
                    for (int k = 1; k < nb; ++k) out.extras[k - 1][g] = bufs[k][b];
                }
        }
    plugin.api->release(state);
    out.warnings = host.warnings();
    return out;
}

inline ParamText param(const std::string& name, const std::string& value) {
    ParamText p;
    p.name = name;
    p.text = value;
    return p;
}

inline ParamText table_param(const std::string& name, const std::vector<std::pair<std::string, std::string>>& entries) {
    ParamText p;
    p.name = name;
    p.is_table = true;
    p.table = entries;
    return p;
}

}  // namespace minerisk::test
