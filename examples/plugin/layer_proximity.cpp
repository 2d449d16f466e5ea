// layer_proximity: an example third-party minerisk scoring plugin, built outside the minerisk tree against
// the installed headers only (see README.md and docs/plugin-guide.md).
//
// It scores how close each cell is to the features of a layer that the scenario names - roads, water
// points, schools, grazing land: any layer declared under `inputs:` (usually under `inputs.extra:`).
//
//   d(cell)     = distance in metres from the cell's centre to the nearest feature of the layer
//                 (0 inside a polygon or on a line)
//   score(cell) = 0.5 ^ (d / half_distance)   where d <= reach
//                 0                           beyond reach
//   reach       = max_distance if given, else 13.3 half distances (where the score falls below 1e-4)
//
// Points, lines and polygons (and their multi- and collection forms) all work: the plugin reads each
// feature's geometry from the engine as WKB once in prepare(), then measures exact Euclidean distances.
//
// Scenario:
//   inputs:
//     hazards: data/hazards.gpkg
//     extra:
//       roads: data/roads.gpkg
//   scoring:
//     factors:
//       - plugin: layer_proximity
//         name: near_roads          # output name: factors/near_roads.tif
//         weight: 0.2
//         params:
//           layer: roads
//           half_distance: 300
//
// Only two headers are used: minerisk/plugin.h (the C interface: the only thing that crosses into the
// engine) and minerisk/plugin.hpp (header-only C++ helpers that compile into this plugin).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "minerisk/plugin.hpp"

namespace {  // everything but the entry point stays private to the library

using namespace minerisk::plugin;

constexpr const char* kName = "layer_proximity";

// ---- what the plugin declares ------------------------------------------------------------------------
// The engine checks the scenario's values against these before prepare() is called: unknown names, wrong
// types, values out of [min, max] and missing required parameters are reported with the scenario's line.
const mr_param_spec kParams[] = {
    // name            type             default  min  max     choices  unit  doc
    {"layer", MR_PARAM_STRING, nullptr, 0, -1, nullptr, "",
     "the scenario layer whose features are scored against, e.g. an extra layer 'roads' (required)"},
    {"half_distance", MR_PARAM_NUMBER, "500", 1, 100000, nullptr, "m", "distance at which the score halves"},
    {"max_distance", MR_PARAM_NUMBER, "", 1, 1000000, nullptr, "m",
     "optional: score 0 beyond this distance (default: where the score falls below 1e-4)"},
};

// An extra raster besides the score, written to factors/<name>.distance.tif when outputs.extra_bands is on.
const mr_band_spec kBands[] = {
    {"distance", "m", "distance to the nearest feature of the layer (nodata beyond the factor's reach)"},
};

// Beyond this many half distances 0.5^(d/h) < 1e-4.
constexpr double kReachHalfDistances = 13.3;

// ---- geometry: a tiny ISO WKB reader and exact distances ---------------------------------------------
struct Pt {
    double x, y;
};
struct Seg {
    Pt a, b;
};

// One feature, ready for distance queries. Immutable after prepare(), so score() may read it from any thread.
struct Shape {
    std::vector<Pt> points;                       // isolated points
    std::vector<Seg> segments;                    // edges of lines and of polygon rings
    std::vector<std::vector<std::vector<Pt>>> polygons;  // per polygon, its rings (outer first, then holes)
    double box[4] = {0, 0, 0, 0};                 // xmin, ymin, xmax, ymax (from the engine)
};

// Reads the geometry the engine hands out (ISO WKB, already in the working CRS, 2D, valid).
class WkbReader {
public:
    WkbReader(const unsigned char* data, size_t size) : p_(data), end_(data + size) {}

    void geometry(Shape& s) {
        little_ = byte() == 1;
        const std::uint32_t type = u32();
        const std::uint32_t base = type % 1000, dims = type / 1000;  // ISO: +1000 Z, +2000 M, +3000 ZM
        const int extra = dims == 1 || dims == 2 ? 1 : dims == 3 ? 2 : 0;
        switch (base) {
            case 1: {  // Point (an empty point is written as NaN, NaN)
                const Pt p = point(extra);
                if (!std::isnan(p.x)) s.points.push_back(p);
                break;
            }
            case 2: {  // LineString
                const std::vector<Pt> line = points(extra);
                for (size_t i = 1; i < line.size(); ++i) s.segments.push_back({line[i - 1], line[i]});
                if (line.size() == 1) s.points.push_back(line[0]);
                break;
            }
            case 3: {  // Polygon
                const std::uint32_t rings = u32();
                std::vector<std::vector<Pt>> polygon;
                for (std::uint32_t r = 0; r < rings; ++r) {
                    polygon.push_back(points(extra));
                    const auto& ring = polygon.back();
                    for (size_t i = 1; i < ring.size(); ++i) s.segments.push_back({ring[i - 1], ring[i]});
                }
                s.polygons.push_back(std::move(polygon));
                break;
            }
            case 4: case 5: case 6: case 7: {  // Multi*, GeometryCollection: each part has its own header
                const std::uint32_t parts = u32();
                for (std::uint32_t i = 0; i < parts; ++i) geometry(s);
                break;
            }
            default:
                throw std::runtime_error("unsupported WKB geometry type " + std::to_string(type));
        }
    }

private:
    void need(size_t n) const {
        if (static_cast<size_t>(end_ - p_) < n) throw std::runtime_error("truncated WKB");
    }
    unsigned char byte() {
        need(1);
        return *p_++;
    }
    std::uint32_t u32() {
        need(4);
        unsigned char b[4];
        std::memcpy(b, p_, 4);
        p_ += 4;
        if (!little_) std::reverse(b, b + 4);  // big-endian WKB on a little-endian host (x86, ARM)
        std::uint32_t v;
        std::memcpy(&v, b, 4);
        return v;
    }
    double f64() {
        need(8);
        unsigned char b[8];
        std::memcpy(b, p_, 8);
        p_ += 8;
        if (!little_) std::reverse(b, b + 8);
        double v;
        std::memcpy(&v, b, 8);
        return v;
    }
    Pt point(int extra) {
        Pt p{f64(), f64()};
        for (int i = 0; i < extra; ++i) f64();  // Z and M are not used
        return p;
    }
    std::vector<Pt> points(int extra) {
        const std::uint32_t n = u32();
        need(static_cast<size_t>(n) * 8 * (2 + extra));  // refuse absurd counts before allocating
        std::vector<Pt> out;
        out.reserve(n);
        for (std::uint32_t i = 0; i < n; ++i) out.push_back(point(extra));
        return out;
    }

    const unsigned char* p_;
    const unsigned char* end_;
    bool little_ = true;
};

double dist_to_segment(const Pt& p, const Seg& s) {
    const double dx = s.b.x - s.a.x, dy = s.b.y - s.a.y;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p.x - s.a.x) * dx + (p.y - s.a.y) * dy) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(p.x - (s.a.x + t * dx), p.y - (s.a.y + t * dy));
}

// Even-odd rule over all rings of one polygon: inside the outer ring and outside every hole.
bool inside(const Pt& p, const std::vector<std::vector<Pt>>& rings) {
    bool in = false;
    for (const auto& ring : rings)
        for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
            if ((ring[i].y > p.y) != (ring[j].y > p.y) &&
                p.x < (ring[j].x - ring[i].x) * (p.y - ring[i].y) / (ring[j].y - ring[i].y) + ring[i].x)
                in = !in;
    return in;
}

// Distance from a point to a feature's bounding box: a cheap lower bound of the distance to the feature.
double dist_to_box(const Pt& p, const double b[4]) {
    const double dx = std::max({b[0] - p.x, 0.0, p.x - b[2]});
    const double dy = std::max({b[1] - p.y, 0.0, p.y - b[3]});
    return std::hypot(dx, dy);
}

double distance(const Pt& p, const Shape& s) {
    for (const auto& poly : s.polygons)
        if (inside(p, poly)) return 0.0;
    double d = std::numeric_limits<double>::infinity();
    for (const auto& q : s.points) d = std::min(d, std::hypot(p.x - q.x, p.y - q.y));
    for (const auto& seg : s.segments) d = std::min(d, dist_to_segment(p, seg));
    return d;
}

// ---- the plugin's per-run state ----------------------------------------------------------------------
// Built by prepare() from whole layers; score() only reads it, from several threads at once.
struct State {
    mr_grid grid{};
    std::string layer;       // a copy: the parameter's text belongs to the engine
    double half_distance = 500;
    double reach_m = 0;
    std::vector<Shape> shapes;  // by feature id (0..count-1, the engine's numbering)
};

int prepare(const mr_host* host, const mr_grid* grid, const mr_param_value* values, int count, void** out, char* err,
            size_t err_size) {
    // guarded() turns any C++ exception (bad_alloc, runtime_error below) into MR_ERROR + message: nothing may
    // throw across the C boundary.
    return guarded(err, err_size, [&]() -> int {
        Params p(values, count);
        auto s = std::make_unique<State>();
        s->grid = *grid;
        s->layer = p.text("layer");
        s->half_distance = p.number("half_distance", 500);
        const double max_distance = p.number("max_distance");  // NaN when not given
        s->reach_m = std::isnan(max_distance) ? kReachHalfDistances * s->half_distance : max_distance;

        if (s->layer.empty()) throw std::runtime_error("the parameter 'layer' is empty: name a layer of the scenario");
        const std::int64_t n = host->layer_size(host->ctx, s->layer.c_str());
        if (n < 0)
            throw std::runtime_error("the scenario has no layer '" + s->layer + "': declare it under 'inputs:' (extra layers "
                                     "under 'inputs.extra:', e.g. '" + s->layer + ": data/" + s->layer + ".gpkg')");

        // Read every feature once, here, so that score() needs no locks and no engine calls but the index.
        s->shapes.resize(static_cast<size_t>(n));
        std::int64_t unreadable = 0;
        for (std::int64_t f = 0; f < n; ++f) {
            Shape& shape = s->shapes[static_cast<size_t>(f)];
            const unsigned char* wkb = nullptr;
            const size_t size = host->feature_wkb(host->ctx, s->layer.c_str(), f, &wkb);
            host->feature_bounds(host->ctx, s->layer.c_str(), f, shape.box);
            try {
                if (size > 0) WkbReader(wkb, size).geometry(shape);
            } catch (const std::exception&) {
                shape = Shape{};  // an unreadable feature counts as absent
                ++unreadable;
            }
        }
        // Messages go to the run's log (level 0) or its warnings (level 1), prefixed with the plugin's name.
        if (unreadable > 0) {
            const std::string m = std::to_string(unreadable) + " feature(s) of '" + s->layer + "' could not be read and are ignored";
            host->log(host->ctx, kName, 1, m.c_str());
        }
        if (n == 0) {
            const std::string m = "layer '" + s->layer + "' has no features: every cell scores 0";
            host->log(host->ctx, kName, 1, m.c_str());
        }
        const std::string info = std::to_string(n) + " feature(s) of '" + s->layer + "', reach " +
                                 std::to_string(static_cast<long long>(s->reach_m)) + " m";
        host->log(host->ctx, kName, 0, info.c_str());
        *out = s.release();  // the engine hands this pointer back to reach(), score() and release()
        return MR_OK;
    });
}

// How far a feature's influence reaches. Beyond it the score is constant (here exactly 0), so a tiled run
// may score a block knowing only the features within this distance of it.
double reach(const void* state) { return static_cast<const State*>(state)->reach_m; }

// Scores one block. May run on several threads at once for different blocks: reads `state` only, writes
// only its own bands, and gives every cell the same value whichever block it falls in.
int score(const void* state, const mr_host* host, mr_window w, float* const* bands, char* err, size_t err_size) {
    return guarded(err, err_size, [&]() -> int {
        const State& s = *static_cast<const State*>(state);
        float* out = bands[0];       // the score, always wanted
        float* dist_out = bands[1];  // the extra "distance" band, NULL when the scenario does not want it
        const size_t cells = static_cast<size_t>(w.width * w.height);
        std::fill(out, out + cells, 0.0f);
        if (dist_out) std::fill(dist_out, dist_out + cells, std::nanf(""));

        // Only features within `reach` of the block can matter: ask the engine's spatial index for them.
        const BlockFrame frame(s.grid, w);
        double box[4];
        frame.box(box, s.reach_m);
        const std::vector<std::int64_t> ids = features_in(host, s.layer.c_str(), box);
        if (ids.empty()) return MR_OK;

        const double k = std::log(2.0) / s.half_distance;
        for (std::int64_t r = 0; r < w.height; ++r) {
            if (host->cancelled(host->ctx)) return MR_CANCELLED;  // the user gave up: stop soon
            for (std::int64_t c = 0; c < w.width; ++c) {
                const Pt centre{frame.x_of(c), frame.y_of(r)};
                double best = std::numeric_limits<double>::infinity();
                for (std::int64_t id : ids) {
                    const Shape& shape = s.shapes[static_cast<size_t>(id)];
                    if (dist_to_box(centre, shape.box) >= best) continue;  // cannot be nearer
                    best = std::min(best, distance(centre, shape));
                }
                if (best > s.reach_m) continue;  // beyond the reach: 0, whatever block this is
                const size_t i = static_cast<size_t>(r * w.width + c);
                out[i] = static_cast<float>(std::exp(-k * best));  // = 0.5 ^ (d / half_distance), in (0, 1]
                if (dist_out) dist_out[i] = static_cast<float>(best);
            }
        }
        return MR_OK;
    });
}

}  // namespace

// The descriptor and the one exported symbol, minerisk_plugin_v1 (C linkage, default visibility; everything
// else is hidden by the build). The macro of minerisk/plugin.hpp fills in the interface version these headers
// describe (the engine refuses any other), takes the counts from the arrays and makes release() delete the
// State. The arguments: the name, the version, one sentence, the parameters, the required and optional layers
// (none fixed: the layer is a parameter, checked in prepare()), the extra bands, the three functions.
MINERISK_PLUGIN(State, kName, "1.0.0",
                "1 on or inside the features of a chosen layer (roads, water points...), halving every half_distance metres away",
                kParams, nullptr, nullptr, kBands, prepare, reach, score)
