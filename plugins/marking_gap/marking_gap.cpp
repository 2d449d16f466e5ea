// marking_gap: how much of a hazard's perimeter no warning sign covers, spread around the hazard.
//
//   unmarked_share(h) = 1 - |{p on the boundary of h : some counted sign lies within cover_distance of p}|
//                           / perimeter(h)
//   score(cell)       = max over counted hazards h of  unmarked_share(h) * 0.5 ^ (d(cell, h) / half_distance)
//
// The boundary is every ring of the hazard (outer rings and the rings of holes). The covered part of each
// boundary segment is computed exactly: a sign at S covers the points P of segment AB with |P - S| <=
// cover_distance, an interval of the segment (the chord of the disc around S); the intervals of all counted
// signs are merged. Signs whose condition is listed in ignored_conditions, or placed after the as_of date,
// do not count. Hazards whose status is in excluded_statuses (land already released), or recorded after
// the run's as_of date, do not count.
//
// Shares are computed once in prepare(). score() groups the hazards that can reach a block by their share
// (rounded to 0.001) and runs one exact Euclidean distance transform per group over the part of the block
// within the reach of the group's hazards, like hazard_proximity. Beyond the reach (13.3 half-distances, where the score
// is below 1e-4) the score is 0, so every cell gets the same value whatever the tiling.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "minerisk/alg/cover.hpp"
#include "minerisk/alg/decay.hpp"
#include "minerisk/alg/feature_groups.hpp"
#include "minerisk/plugin.hpp"

namespace {

using namespace minerisk::plugin;

const char* const kName = "marking_gap";
const char* const kRequired[] = {"hazards"};
const char* const kOptional[] = {"signs"};

const mr_param_spec kParams[] = {
    {"cover_distance", MR_PARAM_NUMBER, "100", 0, 10000, nullptr, "m",
     "a sign covers the parts of a hazard's boundary within this distance of it"},
    {"half_distance", MR_PARAM_NUMBER, "250", 1, 100000, nullptr, "m",
     "distance from a hazard's edge at which the score halves"},
    {"ignored_conditions", MR_PARAM_STRING, "missing", 0, -1, nullptr, "",
     "comma-separated sign conditions that do not count as marking (case-insensitive)"},
    {"excluded_statuses", MR_PARAM_STRING, "cleared,cancelled", 0, -1, nullptr, "",
     "comma-separated hazard statuses that do not count (land already released)"},
    {"as_of", MR_PARAM_DATE, "", 0, -1, nullptr, "",
     "signs placed after this date do not count; default: the run's as_of"},
};

const mr_band_spec kBands[] = {
    {"unmarked_share", "", "share of the perimeter of the hazard a cell lies in that no sign covers (nodata outside counted hazards)"},
};

// Beyond this many half-distances the score is below 1e-4 (2^-13.3).
constexpr double kReachHalfDistances = 13.3;
// Shares are rounded to this step to group hazards (one distance transform per group and block).
constexpr double kShareStep = 1000.0;

// ---- a small ISO WKB reader (2D; Z, M, ZM coordinates are read and dropped) ---------------------------

using Pt = minerisk::alg::XY;

struct Shapes {
    std::vector<std::vector<Pt>> rings;  // polygon rings (closed: last point repeats the first)
    std::vector<Pt> points;              // every vertex of points and lines
};

class WkbReader {
public:
    WkbReader(const unsigned char* p, size_t n) : p_(p), n_(n) {}
    void read(Shapes& out) { geometry(out, 0); }

private:
    const unsigned char* p_;
    size_t n_;
    size_t at_ = 0;

    void need(size_t bytes) const {
        if (at_ + bytes > n_) throw std::runtime_error("truncated WKB geometry");
    }
    std::uint32_t u32(bool le) {
        need(4);
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const std::uint32_t b = p_[at_ + static_cast<size_t>(le ? i : 3 - i)];
            v |= b << (8 * i);
        }
        at_ += 4;
        return v;
    }
    double f64(bool le) {
        need(8);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) {
            const std::uint64_t b = p_[at_ + static_cast<size_t>(le ? i : 7 - i)];
            v |= b << (8 * i);
        }
        at_ += 8;
        double d;
        std::memcpy(&d, &v, sizeof d);
        return d;
    }
    std::vector<Pt> coords(bool le, int dims) {
        const std::uint32_t n = u32(le);
        need(static_cast<size_t>(n) * 8u * static_cast<size_t>(dims));
        std::vector<Pt> pts;
        pts.reserve(n);
        for (std::uint32_t i = 0; i < n; ++i) {
            Pt q{f64(le), f64(le)};
            for (int k = 2; k < dims; ++k) f64(le);
            pts.push_back(q);
        }
        return pts;
    }
    void geometry(Shapes& out, int depth) {
        if (depth > 16) throw std::runtime_error("WKB geometry nested too deeply");
        need(1);
        const bool le = p_[at_++] == 1;
        std::uint32_t type = u32(le);
        int dims = 2;
        // EWKB flags (PostGIS) as well as ISO codes, to be lenient.
        if (type & 0x80000000u) ++dims;
        if (type & 0x40000000u) ++dims;
        if (type & 0x20000000u) u32(le);  // SRID
        type &= 0x0FFFFFFFu;
        if (type >= 3000) dims = 4, type -= 3000;
        else if (type >= 2000) dims = 3, type -= 2000;
        else if (type >= 1000) dims = 3, type -= 1000;
        switch (type) {
            case 1: {  // Point
                need(8u * static_cast<unsigned>(dims));
                Pt q{f64(le), f64(le)};
                for (int k = 2; k < dims; ++k) f64(le);
                if (!std::isnan(q.x) && !std::isnan(q.y)) out.points.push_back(q);  // POINT EMPTY is NaN, NaN
                break;
            }
            case 2: {  // LineString
                auto pts = coords(le, dims);
                out.points.insert(out.points.end(), pts.begin(), pts.end());
                break;
            }
            case 3: {  // Polygon
                const std::uint32_t rings = u32(le);
                for (std::uint32_t r = 0; r < rings; ++r) {
                    auto ring = coords(le, dims);
                    if (ring.size() >= 2) out.rings.push_back(std::move(ring));
                }
                break;
            }
            case 4:  // MultiPoint
            case 5:  // MultiLineString
            case 6:  // MultiPolygon
            case 7: {  // GeometryCollection
                const std::uint32_t parts = u32(le);
                for (std::uint32_t i = 0; i < parts; ++i) geometry(out, depth + 1);
                break;
            }
            default:
                throw std::runtime_error("unsupported WKB geometry type " + std::to_string(type));
        }
    }
};

Shapes read_shapes(const mr_host* host, const char* layer, std::int64_t f) {
    const unsigned char* wkb = nullptr;
    const size_t n = host->feature_wkb(host->ctx, layer, f, &wkb);
    Shapes s;
    if (n > 0 && wkb) WkbReader(wkb, n).read(s);
    return s;
}

// ---- the covered length of a ring ------------------------------------------------------------------

struct Perimeter {
    double length = 0;
    double covered = 0;
};

// Length of the boundary and of its parts within `r` of any of `signs` (exact: disc-segment chords, merged).
Perimeter measure(const std::vector<std::vector<Pt>>& rings, const std::vector<Pt>& signs, double r) {
    minerisk::alg::PerimeterCover sum;
    std::vector<minerisk::alg::Interval> scratch;
    for (const auto& ring : rings)
        minerisk::alg::add_perimeter_cover(ring.data(), ring.size(), signs.data(), signs.size(), r, scratch, sum);
    return {sum.length, std::min(sum.covered, sum.length)};
}

// ---- the plugin --------------------------------------------------------------------------------------

struct State {
    mr_grid grid;
    double half_distance = 250;
    double reach_m = 0;
    std::unique_ptr<minerisk::alg::DistanceDecay> decay;
    std::vector<int> share_q;  // per hazard: unmarked share x 1000, rounded; -1 = not counted
};

std::string km(double metres) {
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(1);
    o << metres / 1000.0 << " km";
    return o.str();
}

int prepare(const mr_host* host, const mr_grid* grid, const mr_param_value* pv, int pc, void** out, char* err, size_t es) {
    return guarded(err, es, [&]() -> int {
        Params p(pv, pc);
        auto s = std::make_unique<State>();
        s->grid = *grid;
        s->half_distance = p.number("half_distance", 250);
        s->reach_m = kReachHalfDistances * s->half_distance;
        s->decay = std::make_unique<minerisk::alg::DistanceDecay>(grid->cell_size, s->half_distance, s->reach_m);
        const double cover = p.number("cover_distance", 100);
        const double as_of = p.number("as_of", host->as_of);
        const auto ignored = p.list("ignored_conditions");
        const auto excluded = p.list("excluded_statuses");
        auto log = [&](int level, const std::string& m) { host->log(host->ctx, kName, level, m.c_str()); };

        // Signs that count, as points (every vertex, should a sign come as a line or polygon).
        const std::int64_t nsigns = host->layer_size(host->ctx, "signs");
        std::vector<std::vector<Pt>> sign_pts(static_cast<size_t>(std::max<std::int64_t>(0, nsigns)));
        std::vector<char> sign_counts(sign_pts.size(), 0);
        std::int64_t signs_counted = 0, signs_ignored = 0, signs_later = 0;
        if (nsigns < 0) {
            log(1, "no signs layer in the scenario: every hazard perimeter counts as unmarked");
        } else {
            if (!ignored.empty() && nsigns > 0 && !host->has_attribute(host->ctx, "signs", "condition"))
                log(1, "the signs layer maps no condition attribute: every sign counts, ignored_conditions cannot apply");
            const bool dated = host->has_attribute(host->ctx, "signs", "date") != 0;
            for (std::int64_t f = 0; f < nsigns; ++f) {
                if (Params::listed(ignored, host->attr_text(host->ctx, "signs", f, "condition"))) {
                    ++signs_ignored;
                    continue;
                }
                if (dated && !std::isnan(as_of)) {
                    const double d = host->attr_date(host->ctx, "signs", f, "date");
                    if (!std::isnan(d) && d > as_of) {
                        ++signs_later;
                        continue;
                    }
                }
                Shapes sh = read_shapes(host, "signs", f);
                sign_pts[f] = std::move(sh.points);
                for (auto& ring : sh.rings) sign_pts[f].insert(sign_pts[f].end(), ring.begin(), ring.end());
                sign_counts[f] = !sign_pts[f].empty();
                signs_counted += sign_counts[f];
            }
        }

        // Each counted hazard's perimeter, and the part of it the counted signs cover.
        const std::int64_t n = host->layer_size(host->ctx, "hazards");
        s->share_q.assign(static_cast<size_t>(std::max<std::int64_t>(0, n)), -1);
        std::int64_t counted = 0, full = 0, partly = 0, none = 0, excluded_n = 0, no_boundary = 0, hazards_later = 0;
        double total = 0, unmarked = 0;
        std::vector<Pt> near;
        for (std::int64_t f = 0; f < n; ++f) {
            if (host->cancelled(host->ctx)) return static_cast<int>(MR_CANCELLED);
            if (Params::listed(excluded, host->attr_text(host->ctx, "hazards", f, "status"))) {
                ++excluded_n;
                continue;
            }
            // What was known on the run's date, as hazard_proximity: a hazard recorded later does not count
            // (a backtest must not see the future).
            const double recorded = host->attr_date(host->ctx, "hazards", f, "date");
            if (!std::isnan(recorded) && recorded > host->as_of) {
                ++hazards_later;
                continue;
            }
            const Shapes sh = read_shapes(host, "hazards", f);
            near.clear();
            if (signs_counted > 0 && !sh.rings.empty()) {
                double box[4];
                host->feature_bounds(host->ctx, "hazards", f, box);
                box[0] -= cover, box[1] -= cover, box[2] += cover, box[3] += cover;
                for (std::int64_t g : features_in(host, "signs", box))
                    if (g >= 0 && g < nsigns && sign_counts[g]) near.insert(near.end(), sign_pts[g].begin(), sign_pts[g].end());
            }
            const Perimeter m = measure(sh.rings, near, cover);
            if (!(m.length > 0)) {
                ++no_boundary;
                continue;
            }
            const double share = std::clamp(1.0 - m.covered / m.length, 0.0, 1.0);
            s->share_q[f] = static_cast<int>(std::lround(share * kShareStep));
            ++counted;
            total += m.length;
            unmarked += m.length - m.covered;
            if (s->share_q[f] == 0) ++full;
            else if (s->share_q[f] == static_cast<int>(kShareStep)) ++none;
            else ++partly;
        }
        if (no_boundary > 0)
            log(1, std::to_string(no_boundary) + " hazard(s) without a polygon boundary (not polygons?) left out");
        std::ostringstream info;
        info << counted << " of " << std::max<std::int64_t>(0, n) << " hazards counted (" << excluded_n
             << " with an excluded status" << (hazards_later ? ", " + std::to_string(hazards_later) + " recorded after the as_of date" : "")
             << "): " << full << " fully marked, " << partly << " partly, " << none
             << " unmarked; perimeter " << km(total) << ", unmarked " << km(unmarked);
        if (total > 0) info << " (" << std::lround(100.0 * unmarked / total) << " %)";
        log(0, info.str());
        if (nsigns >= 0) {
            std::ostringstream si;
            si << signs_counted << " of " << nsigns << " signs counted (" << signs_ignored << " with an ignored condition, "
               << signs_later << " placed after the as_of date); cover distance " << cover << " m";
            log(0, si.str());
        }
        *out = s.release();
        return MR_OK;
    });
}

double reach(const void* state) { return static_cast<const State*>(state)->reach_m; }

int score(const void* state, const mr_host* host, mr_window w, float* const* bands, char* err, size_t es) {
    return guarded(err, es, [&]() -> int {
        const State& s = *static_cast<const State*>(state);
        const size_t cells = static_cast<size_t>(w.width * w.height);
        float* out = bands[0];
        float* share_out = bands[1];
        std::fill(out, out + cells, 0.0f);
        const auto hazard_ok = [&](std::int64_t f) { return f >= 0 && f < static_cast<std::int64_t>(s.share_q.size()); };

        // The extra band: each counted hazard's share over the cells it covers.
        if (share_out) {
            std::fill(share_out, share_out + cells, -1.0f);
            double box[4];
            BlockFrame(s.grid, w).box(box);
            std::vector<std::int64_t> ids;
            std::vector<double> values;
            for (std::int64_t f : features_in(host, "hazards", box))
                if (hazard_ok(f) && s.share_q[f] >= 0) {
                    ids.push_back(f);
                    values.push_back(s.share_q[f] / kShareStep);
                }
            char rerr[512] = "";
            if (!ids.empty() &&
                host->rasterize(host->ctx, "hazards", ids.data(), values.data(), static_cast<std::int64_t>(ids.size()), w,
                                share_out, rerr, sizeof rerr) != MR_OK)
                throw std::runtime_error(std::string("rasterizing hazards: ") + rerr);
            for (size_t i = 0; i < cells; ++i)
                if (!(share_out[i] >= 0.0f)) share_out[i] = std::nanf("");
        }

        // Hazards that can reach the block, grouped by their (rounded) share; share 0 adds nothing. Each group
        // is one exact distance transform over the part of the block within its reach (alg/decay.hpp), so
        // that the many small groups of single hazards cost little.
        using minerisk::alg::CellRect;
        const mr_window big = grown(w, s.decay->halo());
        double box[4];
        BlockFrame(s.grid, big).box(box);
        std::map<int, minerisk::alg::FeatureGroup> groups;
        for (std::int64_t f : features_in(host, "hazards", box))
            if (hazard_ok(f) && s.share_q[f] > 0) minerisk::alg::add_to_group(groups, s.share_q[f], host, "hazards", f, s.grid);
        thread_local minerisk::alg::DecayScratch scratch;
        const CellRect block{w.col0, w.row0, w.width, w.height};
        std::vector<double> values;
        for (auto it = groups.rbegin(); it != groups.rend(); ++it) {  // largest share first
            if (host->cancelled(host->ctx)) return static_cast<int>(MR_CANCELLED);
            const minerisk::alg::FeatureGroup& g = it->second;
            const auto burn = [&](const CellRect& win, float* burned) { minerisk::alg::burn_group(host, "hazards", g, win, burned, values); };
            // Beyond the reach (below 1e-4) the score is 0: the same in every tiling. A group that cannot
            // raise any cell (all at or above its share already) is skipped: exact, and saves work.
            minerisk::alg::add_decayed_group(*s.decay, it->first / kShareStep, g.cells, block, burn, scratch, out);
        }
        return MR_OK;
    });
}

}  // namespace

MINERISK_PLUGIN(State, kName, "1.0.0",
                "share of each hazard's perimeter that no warning sign covers; that share at the hazard, halving every half_distance metres",
                kParams, kRequired, kOptional, kBands, prepare, reach, score, "sign_cover")
