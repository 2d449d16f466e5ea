// outreach_gap: settlements that had no risk-awareness session recently (or ever) raise the score around them.
//
//   gap(s)      = 1                                          if s has had no session up to as_of
//               = min(1, (as_of - last(s)) / stale_after)    otherwise (last(s) = date of its latest session)
//   K(d)        = (1 - d^2 / h^2)^2 for d < h, else 0         (h = radius; the quartic kernel of the other factors)
//   score(cell) = max over counted settlements s of gap(s) * K(d(cell, s)); 0 where none is within radius
//
// So the score is 1 at a settlement never reached (or not for stale_after days), 0 at one reached today,
// and fades to 0 at `radius` from it; where several settlements are in reach the most overlooked one (after
// the fade) sets the score. It is absolute: it does not depend on the other settlements of the scenario.
// Population does not weight the score (that is population_exposure's job) but settlements whose known
// population is below min_population (by default: 0, "not yet resettled") are left out: nobody to hold a
// session for. A missing population counts.
// d(cell, s): from the cell's centre to the settlement's location, the point itself or the centre of a
// polygon's bounding box (as population_exposure).
//
// Sessions. Only sessions dated on or before as_of count (later ones, and undated ones, are left out with a
// warning; so are sessions whose `reached` is known and 0). Each counted session is given to one settlement:
//   - by key, when the sessions' `settlement` role and the settlements' `id` role are both mapped (match_by
//     auto or id): the settlement whose id equals the session's settlement value (trimmed, case-insensitive;
//     the nearest of several with the same id). The key wins over the location.
//   - by location otherwise, and for a session whose key is empty or names no known settlement: the settlement
//     nearest to the session's point (exact distance to the settlement's geometry, 0 inside a polygon) within
//     match_distance metres. A session with no settlement that near counts for none (warning).
// Without a sessions layer every settlement counts as never reached (warning).
//
// Extra band days_since_session: as_of - last(s) in days for the nearest counted settlement within radius
// (36500, i.e. 100 years, when it was never reached); nodata (NaN) where no counted settlement is in reach.
//
// Cost per block: the cells of each in-reach settlement's disc that fall in the block (the score is a
// maximum and the band a nearest-settlement lookup, neither of which is a sum that quartic_density could
// accumulate), i.e. cells x settlements reaching a cell, plus the cells. Every cell is computed from its
// global column and row, so the result is bit-identical whatever the tiling.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "minerisk/plugin.hpp"

namespace {

using namespace minerisk::plugin;

const char* const kName = "outreach_gap";
const char* const kLayers[] = {"settlements"};
const char* const kOptional[] = {"sessions"};

// days_since_session for a settlement never reached.
constexpr double kNever = 36500;

const mr_param_spec kParams[] = {
    {"radius", MR_PARAM_NUMBER, "3000", 1, 100000, nullptr, "m",
     "how far around a settlement its outreach gap counts (people range this far from home); the score fades to 0 here"},
    {"stale_after", MR_PARAM_NUMBER, "365", 1, 36500, nullptr, "days",
     "days after its last session at which a settlement counts as fully unreached again (gap 1)"},
    {"as_of", MR_PARAM_DATE, "", 0, -1, nullptr, "", "date the gaps count back from; default: the run's as_of. Later sessions are left out"},
    {"match_by", MR_PARAM_STRING, "auto", 0, -1, "auto|id|distance", "",
     "how sessions find their settlement: id (sessions' settlement = settlements' id), distance, or auto (id when both are mapped)"},
    {"match_distance", MR_PARAM_NUMBER, "1000", 0, 100000, nullptr, "m",
     "a session matched by location belongs to the nearest settlement within this distance of its point"},
    {"min_population", MR_PARAM_NUMBER, "1", 0, 1e9, nullptr, "people",
     "settlements whose known population is below this are left out (0 = keep every settlement); a missing population counts"},
};

const mr_band_spec kBands[] = {
    {"days_since_session", "days",
     "days since the last session of the nearest settlement within radius (36500 = never; nodata where none is in reach)"},
};

std::string num(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.6g", v);
    return b;
}

std::string key_of(const char* text) {
    if (!text) return "";
    std::string s(text);
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    s = s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
    return Params::lower(s);
}

// ---- distance from a point to a geometry given as WKB (ISO, or with EWKB flags), 0 inside a polygon ----

class WkbDistance {
public:
    WkbDistance(const unsigned char* data, size_t size, double x, double y) : p_(data), end_(data + size), x_(x), y_(y) {}
    double run() {
        geometry();
        return std::sqrt(best2_);
    }

private:
    const unsigned char* p_;
    const unsigned char* end_;
    double x_, y_;
    double best2_ = std::numeric_limits<double>::infinity();

    void need(size_t n) const {
        if (static_cast<size_t>(end_ - p_) < n) throw std::runtime_error("truncated WKB geometry");
    }
    std::uint32_t u32(bool le) {
        need(4);
        std::uint32_t v = le ? (p_[0] | p_[1] << 8 | p_[2] << 16 | static_cast<std::uint32_t>(p_[3]) << 24)
                             : (static_cast<std::uint32_t>(p_[0]) << 24 | p_[1] << 16 | p_[2] << 8 | p_[3]);
        p_ += 4;
        return v;
    }
    double f64(bool le) {
        need(8);
        unsigned char b[8];
        for (int i = 0; i < 8; ++i) b[i] = le ? p_[i] : p_[7 - i];
        p_ += 8;
        double v;
        std::memcpy(&v, b, 8);  // the host is little-endian (x86-64, arm64)
        return v;
    }
    void point_seen(double px, double py) {
        const double dx = px - x_, dy = py - y_;
        best2_ = std::min(best2_, dx * dx + dy * dy);
    }
    void segment_seen(double ax, double ay, double bx, double by) {
        const double vx = bx - ax, vy = by - ay, len2 = vx * vx + vy * vy;
        double t = len2 > 0 ? ((x_ - ax) * vx + (y_ - ay) * vy) / len2 : 0;
        t = std::clamp(t, 0.0, 1.0);
        point_seen(ax + t * vx, ay + t * vy);
    }
    // Reads a ring or line string: distance to its segments; returns the number of crossings of the ray
    // from the point towards +x (for the even-odd inside test of a polygon).
    int path(bool le, int dims) {
        const std::uint32_t n = u32(le);
        need(static_cast<size_t>(n) * dims * 8);
        int crossings = 0;
        double px = 0, py = 0;
        for (std::uint32_t i = 0; i < n; ++i) {
            const double x = f64(le), y = f64(le);
            for (int k = 2; k < dims; ++k) f64(le);
            if (i == 0) point_seen(x, y);
            else {
                segment_seen(px, py, x, y);
                if ((py > y_) != (y > y_) && x_ < px + (y_ - py) * (x - px) / (y - py)) ++crossings;
            }
            px = x, py = y;
        }
        return crossings;
    }
    void geometry() {
        need(1);
        const bool le = *p_++ == 1;
        std::uint32_t type = u32(le);
        int dims = 2;
        if (type & 0x80000000u) ++dims;  // EWKB Z
        if (type & 0x40000000u) ++dims;  // EWKB M
        if (type & 0x20000000u) u32(le);  // EWKB SRID
        type &= 0x0fffffffu;
        if (type >= 3000) dims = 4;
        else if (type >= 1000) dims = 3;
        switch (type % 1000) {
            case 1: {  // point
                need(static_cast<size_t>(dims) * 8);
                const double x = f64(le), y = f64(le);
                for (int k = 2; k < dims; ++k) f64(le);
                if (!std::isnan(x)) point_seen(x, y);  // an empty point is written with NaN coordinates
                break;
            }
            case 2:  // line string
                path(le, dims);
                break;
            case 3: {  // polygon
                const std::uint32_t rings = u32(le);
                int crossings = 0;
                for (std::uint32_t r = 0; r < rings; ++r) crossings += path(le, dims);
                if (crossings % 2) best2_ = 0;
                break;
            }
            case 4: case 5: case 6: case 7: {  // multi-point, -line, -polygon, collection
                const std::uint32_t parts = u32(le);
                for (std::uint32_t i = 0; i < parts; ++i) geometry();
                break;
            }
            default:
                throw std::runtime_error("unsupported WKB geometry type " + std::to_string(type));
        }
    }
};

double distance_to_feature(const mr_host* host, const char* layer, std::int64_t f, double x, double y) {
    const unsigned char* wkb = nullptr;
    const size_t size = host->feature_wkb(host->ctx, layer, f, &wkb);
    if (size == 0 || !wkb) return std::numeric_limits<double>::infinity();
    return WkbDistance(wkb, size, x, y).run();
}

// ---- the factor ----

struct State {
    mr_grid grid;
    double radius = 3000;
    double h = 0;               // radius in cells
    // Per settlement feature: centre in global cell coordinates (centre of cell (c, r) at (c + 0.5, r + 0.5)),
    // gap (NaN = not counted) and days since its last session (kNever = never).
    std::vector<double> col, row, gap, days;
};

// Logs "<count> <what>" as a warning, when count > 0.
void warn(const mr_host* host, std::int64_t count, const std::string& what) {
    if (count <= 0) return;
    const std::string m = std::to_string(count) + " " + what;
    host->log(host->ctx, kName, 1, m.c_str());
}

// How sessions are matched to settlements: the factor's parameters.
struct SessionMatch {
    double as_of = 0, match_distance = 1000;
    std::string match_by = "auto";
};

// The date of each settlement's latest counted session (-inf when none) into `last` (one per settlement), with a
// warning per kind of session left out. Returns how the sessions were counted and matched, for the info line.
std::string latest_sessions(const mr_host* host, std::int64_t n, const SessionMatch& m, std::vector<double>& last) {
    const std::int64_t ns = host->layer_size(host->ctx, "sessions");
    std::string how = "no sessions";
    const double as_of = m.as_of, match_distance = m.match_distance;
    const std::string& match_by = m.match_by;
    if (ns < 0) {
        host->log(host->ctx, kName, 1, "the scenario has no sessions layer: every settlement counts as never reached");
    } else if (ns == 0) {
        host->log(host->ctx, kName, 1, "the sessions layer is empty: every settlement counts as never reached");
    } else {
        const bool keys_mapped = host->has_attribute(host->ctx, "sessions", "settlement") &&
                                 host->has_attribute(host->ctx, "settlements", "id");
        if (match_by == "id" && !keys_mapped)
            throw std::runtime_error("match_by: id needs the sessions' 'settlement' field and the settlements' 'id' field mapped "
                                     "(inputs.sessions.fields.settlement, inputs.settlements.fields.id)");
        const bool by_key = keys_mapped && match_by != "distance";
        std::map<std::string, std::vector<std::int64_t>> by_id;
        if (by_key)
            for (std::int64_t f = 0; f < n; ++f) {
                const std::string k = key_of(host->attr_text(host->ctx, "settlements", f, "id"));
                if (!k.empty()) by_id[k].push_back(f);
            }
        std::int64_t duplicate_ids = 0;
        for (const auto& [k, v] : by_id) duplicate_ids += v.size() > 1;
        warn(host, duplicate_ids, "settlement id(s) are used by more than one settlement; a session naming one goes to the nearest of them");

        std::int64_t later = 0, undated = 0, nobody = 0, unmatched = 0, no_key = 0, unknown_key = 0, counted = 0;
        for (std::int64_t f = 0; f < ns; ++f) {
            const double date = host->attr_date(host->ctx, "sessions", f, "date");
            if (std::isnan(date)) { ++undated; continue; }
            if (date > as_of) { ++later; continue; }
            const double reached = host->attr_number(host->ctx, "sessions", f, "reached");
            if (reached == 0) { ++nobody; continue; }
            double box[4];
            if (host->feature_bounds(host->ctx, "sessions", f, box) != MR_OK) { ++unmatched; continue; }
            const double x = (box[0] + box[2]) / 2, y = (box[1] + box[3]) / 2;
            // Nearest of the candidates (ascending ids, so ties go to the lowest id).
            auto nearest = [&](const std::vector<std::int64_t>& candidates, double limit) {
                std::int64_t best = -1;
                double best_d = std::numeric_limits<double>::infinity();
                for (std::int64_t c : candidates) {
                    const double d = distance_to_feature(host, "settlements", c, x, y);
                    if (d <= limit && d < best_d) best = c, best_d = d;
                }
                return best;
            };
            std::int64_t target = -1;
            if (by_key) {
                const std::string k = key_of(host->attr_text(host->ctx, "sessions", f, "settlement"));
                auto it = k.empty() ? by_id.end() : by_id.find(k);
                if (it != by_id.end()) {
                    target = it->second.size() == 1 ? it->second[0] : nearest(it->second, std::numeric_limits<double>::infinity());
                } else {
                    ++(k.empty() ? no_key : unknown_key);
                }
            }
            if (target < 0) {
                const double q[4] = {x - match_distance, y - match_distance, x + match_distance, y + match_distance};
                target = nearest(features_in(host, "settlements", q), match_distance);
            }
            if (target < 0 || target >= n) { ++unmatched; continue; }
            last[target] = std::max(last[target], date);
            ++counted;
        }
        how = std::to_string(counted) + " of " + std::to_string(ns) + " sessions counted, matched " +
              (by_key ? "by settlement id" : "by location (within " + num(match_distance) + " m)");
        warn(host, later, "session(s) dated after the as_of date left out");
        warn(host, undated, "session(s) with no readable date left out");
        warn(host, nobody, "session(s) that reached nobody (reached = 0) left out");
        warn(host, no_key, "session(s) with no settlement id matched by location instead (within " + num(match_distance) + " m)");
        warn(host, unknown_key, "session(s) naming a settlement id that is not in the settlements layer matched by location instead (within " +
                              num(match_distance) + " m)");
        warn(host, unmatched, "session(s) with no settlement within " + num(match_distance) + " m left out");
    }
    return how;
}

int prepare(const mr_host* host, const mr_grid* grid, const mr_param_value* pv, int pc, void** out, char* err, size_t es) {
    return guarded(err, es, [&] {
        Params p(pv, pc);
        auto s = std::make_unique<State>();
        s->grid = *grid;
        s->radius = p.number("radius", 3000);
        s->h = s->radius / grid->cell_size;
        const double stale_after = p.number("stale_after", 365);
        const double as_of = p.number("as_of", host->as_of);
        const double min_population = p.number("min_population", 1);

        const std::int64_t n = std::max<std::int64_t>(0, host->layer_size(host->ctx, "settlements"));
        std::vector<double> last(static_cast<size_t>(n), -std::numeric_limits<double>::infinity());

        SessionMatch match;
        match.as_of = as_of;
        match.match_distance = p.number("match_distance", 1000);
        match.match_by = p.text("match_by", "auto");
        const std::string how = latest_sessions(host, n, match, last);

        // Settlements: gap and days.
        s->col.assign(static_cast<size_t>(n), 0);
        s->row.assign(static_cast<size_t>(n), 0);
        s->gap.assign(static_cast<size_t>(n), std::nan(""));
        s->days.assign(static_cast<size_t>(n), kNever);
        std::int64_t counted = 0, never = 0, small = 0;
        for (std::int64_t f = 0; f < n; ++f) {
            const double pop = host->attr_number(host->ctx, "settlements", f, "population");
            if (!std::isnan(pop) && pop < min_population) { ++small; continue; }
            double box[4];
            if (host->feature_bounds(host->ctx, "settlements", f, box) != MR_OK) continue;
            s->col[f] = ((box[0] + box[2]) / 2 - grid->geotransform[0]) / grid->cell_size;
            s->row[f] = (grid->geotransform[3] - (box[1] + box[3]) / 2) / grid->cell_size;
            if (std::isinf(last[f])) {
                s->gap[f] = 1;
                ++never;
            } else {
                s->days[f] = as_of - last[f];
                s->gap[f] = std::min(1.0, std::max(0.0, s->days[f] / stale_after));
            }
            ++counted;
        }
        const std::string info = std::to_string(counted) + " of " + std::to_string(n) + " settlements counted (" +
                                 std::to_string(small) + " with population below " + num(min_population) + " left out), " +
                                 std::to_string(never) + " never reached; " + how;
        host->log(host->ctx, kName, 0, info.c_str());
        *out = s.release();
        return MR_OK;
    });
}

double reach(const void* state) { return static_cast<const State*>(state)->radius; }

int score(const void* state, const mr_host* host, mr_window w, float* const* bands, char* err, size_t es) {
    return guarded(err, es, [&] {
        const State& s = *static_cast<const State*>(state);
        const size_t cells = static_cast<size_t>(w.width * w.height);
        float* out = bands[0];
        float* days = bands[1];
        std::fill(out, out + cells, 0.0f);
        if (days) std::fill(days, days + cells, std::nanf(""));
        std::vector<double> best2(days ? cells : 0, std::numeric_limits<double>::infinity());

        const BlockFrame frame(s.grid, w);
        double box[4];
        frame.box(box, s.radius);
        const double h = s.h, h2 = h * h;
        for (std::int64_t f : features_in(host, "settlements", box)) {
            if (f < 0 || f >= static_cast<std::int64_t>(s.gap.size()) || std::isnan(s.gap[f])) continue;
            const double pc = s.col[f], pr = s.row[f], g = s.gap[f];
            const float d_days = static_cast<float>(s.days[f]);
            // Global rows whose centres lie within h of the settlement, clipped to the block.
            const double r_lo = std::max(std::floor(pr - h - 0.5), static_cast<double>(w.row0));
            const double r_hi = std::min(std::ceil(pr + h - 0.5), static_cast<double>(w.row0 + w.height - 1));
            for (double rr = r_lo; rr <= r_hi; ++rr) {
                const double dy = rr + 0.5 - pr;
                const double half2 = h2 - dy * dy;
                if (!(half2 > 0)) continue;
                const double half = std::sqrt(half2);
                const double c_lo = std::max(std::floor(pc - half - 0.5), static_cast<double>(w.col0));
                const double c_hi = std::min(std::ceil(pc + half - 0.5), static_cast<double>(w.col0 + w.width - 1));
                const std::int64_t row_start = (static_cast<std::int64_t>(rr) - w.row0) * w.width;
                for (double cc = c_lo; cc <= c_hi; ++cc) {
                    const double dx = cc + 0.5 - pc;
                    const double q = dx * dx + dy * dy;
                    if (!(q < h2)) continue;
                    const double k = 1.0 - q / h2;
                    const size_t i = static_cast<size_t>(row_start + static_cast<std::int64_t>(cc) - w.col0);
                    const float v = static_cast<float>(g * k * k);
                    if (v > out[i]) out[i] = v;
                    if (days && q < best2[i]) best2[i] = q, days[i] = d_days;
                }
            }
        }
        return MR_OK;
    });
}

}  // namespace

MINERISK_PLUGIN(State, kName, "1.0.0",
                "settlements with no recent risk-education session raise the score around them: gap (0 just reached, 1 never or stale) x quartic fade",
                kParams, kLayers, kOptional, kBands, prepare, reach, score)
