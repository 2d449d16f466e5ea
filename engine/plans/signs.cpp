// The sign plan: where the next warning signs go.
//
// The measure is marking_gap's (and the zone stage's): a sign covers the parts of a hazard's boundary within
// `cover` metres of it, exactly (the chord of its disc on each boundary segment, merged). Counted hazards: status
// not excluded (cleared, cancelled), recorded on or before as_of. Counted signs: condition not ignored (missing),
// placed on or before as_of (or undated).
//
//   1. Each counted hazard's boundary is cut into pieces of at most kPiece metres. Each piece keeps the parts of
//      it that existing signs cover, and a weight per metre:
//          weight = class_weight(status) x ordnance_weight(ordnance) x (1 + log10(1 + people near its middle))
//      (people near: settlement populations within zones.reach, returnees x1.5, quartic kernel; the same log as the
//      zones' priority).
//   2. Candidates: along every stretch of unmarked boundary (at least 1 m), n = ceil(length / spacing) points,
//      evenly spaced, so that neighbouring signs stand at most `spacing` apart (in sight of the next).
//   3. A new sign answers for the boundary within credit = min(cover, spacing / 2) of it: with the default spacing
//      (2 x cover) that is the measure itself; with a tighter spacing each sign answers for its own share.
//   4. Greedy: take the candidate whose newly answered-for boundary has the largest weight, mark it, repeat. Lazy
//      evaluation (a candidate's gain only shrinks as others are taken, so a stale gain is an upper bound): a
//      priority queue, re-evaluating only the top, n log n. Ties: the candidate found first.
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <algorithm>
#include <map>
#include <queue>
#include <sstream>

#include "crs/lon_lat.hpp"
#include "minerisk/alg/cover.hpp"
#include "minerisk/error.hpp"
#include "plans/plans_internal.hpp"

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace minerisk::plans {

namespace {

using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BBox = bg::model::box<BPoint>;
using Entry = std::pair<BBox, std::uint32_t>;
using zones::metres;
using zones::thousands;

constexpr double kMinStretch = 1.0;  // metres: shorter unmarked slivers are not worth a sign (as the zones' "mark")
constexpr double kMinGain = 0.5;     // metres: a candidate answering for less is dropped

// Covered parts of [0, 1], sorted and disjoint.
using Spans = std::vector<std::pair<double, double>>;

double length_of(const Spans& s) {
    double n = 0;
    for (const auto& [a, b] : s) n += b - a;
    return n;
}

// The part of [t0, t1] that `s` does not cover.
double uncovered_in(const Spans& s, double t0, double t1) {
    double free = t1 - t0;
    for (const auto& [a, b] : s) {
        if (b <= t0) continue;
        if (a >= t1) break;
        free -= std::min(b, t1) - std::max(a, t0);
    }
    return std::max(0.0, free);
}

void add_span(Spans& s, double t0, double t1) {
    if (!(t1 > t0)) return;
    s.emplace_back(t0, t1);
    std::sort(s.begin(), s.end());
    Spans merged;
    for (const auto& sp : s) {
        if (!merged.empty() && sp.first <= merged.back().second) merged.back().second = std::max(merged.back().second, sp.second);
        else merged.push_back(sp);
    }
    s.swap(merged);
}

struct Piece {
    Pt a, b;
    double len = 0;
    double weight = 0;  // per metre
    std::int64_t hazard = -1;
    Spans covered;      // by existing signs, then by the signs the plan takes
};

struct Candidate {
    Pt p;
    std::int64_t hazard = -1;
};

struct RingPieces {
    std::vector<std::uint32_t> pieces;  // in order along the ring
    std::vector<double> start;          // arc length at each piece's start
    double length = 0;
};

BBox box_of(const Piece& p) {
    return BBox(BPoint(std::min(p.a.x, p.b.x), std::min(p.a.y, p.b.y)), BPoint(std::max(p.a.x, p.b.x), std::max(p.a.y, p.b.y)));
}

// Newly answered-for metres and their weight if a sign stood at c with radius r; `take` marks them.
struct Gain {
    double metres = 0, weighted = 0;
};

// The greedy compares gains rounded to a millionth of a weighted metre, so that equal gains computed along different
// segments tie (and go to the candidate found first) instead of following rounding noise.
double key(double weighted) { return std::round(weighted * 1e6) / 1e6; }

Gain evaluate(std::vector<Piece>& pieces, const bgi::rtree<Entry, bgi::quadratic<16>>& tree, const Pt& c, double r, bool take,
              std::map<std::int64_t, double>* per_hazard = nullptr) {
    Gain g;
    const BBox q(BPoint(c.x - r, c.y - r), BPoint(c.x + r, c.y + r));
    std::vector<std::uint32_t> hits;
    for (auto it = tree.qbegin(bgi::intersects(q)); it != tree.qend(); ++it) hits.push_back(it->second);
    std::sort(hits.begin(), hits.end());  // the same sums whatever the tree's shape
    for (std::uint32_t i : hits) {
        Piece& p = pieces[i];
        double t0, t1;
        if (!alg::disc_chord(p.a, p.b, c, r, t0, t1)) continue;
        const double m = uncovered_in(p.covered, t0, t1) * p.len;
        if (!(m > 0)) continue;
        g.metres += m;
        g.weighted += m * p.weight;
        if (per_hazard) (*per_hazard)[p.hazard] += m;
        if (take) add_span(p.covered, t0, t1);
    }
    return g;
}

std::string hazard_words(const FeatureLayer* hz, std::int64_t h) {
    const std::string status = text_of(hz, "status", h), ord = text_of(hz, "ordnance", h);
    std::string s = hazard_label(hz, h);
    if (!status.empty() || !ord.empty()) s += " (" + status + (!status.empty() && !ord.empty() ? ", " : "") + ord + ")";
    return s;
}

// The stock, the cover and the spacing, checked before any work, so that a scenario that cannot give a plan fails at
// its line; the credit is what one new sign answers for.
void set_distances(SignPlan& plan, const PlanInputs& in, const SignPlanSpec& spec) {
    plan.stock = spec.signs;
    plan.cover = spec.cover ? *spec.cover : in.cover;
    plan.cover_from = spec.cover ? "sign_plan.cover" : in.cover_from;
    plan.released_words = in.rules.excluded_words();
    plan.spacing = spec.spacing ? *spec.spacing : 2 * plan.cover;
    if (spec.signs < 1) throw Error("the sign plan needs a stock of at least one sign", spec.where, "e.g. --signs 50");
    if (!(plan.spacing > 0)) throw Error("sign_plan.spacing must be above 0 m", spec.where, "e.g. spacing: 100");
    if (!(plan.cover > 0))
        throw Error("the sign plan needs a cover distance above 0 m (" + plan.cover_from + " is 0)", spec.where,
                    "set sign_plan.cover, e.g. cover: 100");
    plan.credit = std::min(plan.cover, plan.spacing / 2);
}

using SignTree = bgi::rtree<std::pair<BPoint, std::uint32_t>, bgi::quadratic<16>>;
using PieceTree = bgi::rtree<Entry, bgi::quadratic<16>>;
// (gain, -index): the largest gain first; among equal gains the candidate found first.
using GainQueue = std::priority_queue<std::pair<double, std::int64_t>>;

// The counted hazards' boundaries cut into pieces, with the existing signs that already mark them: what the greedy
// works on, and what the measure after the plan starts from.
struct Perimeters {
    std::vector<char> counted;           // per hazard feature: counted (status not excluded, recorded by as_of)
    std::int64_t later = 0;              // hazards left out because they were recorded after as_of
    std::vector<Pt> signs;               // the existing signs that count
    SignTree sign_tree;                  // `signs` by index
    std::vector<Piece> pieces;
    std::vector<RingPieces> rings;       // the pieces of each ring, in order along it
    std::vector<double> hazard_unmarked; // per hazard feature: metres of boundary no existing sign covers
};

// The counted hazards and the counted existing signs, the signs in a tree so that each hazard finds its own quickly.
Perimeters existing_signs(const PlanInputs& in) {
    Perimeters pm;
    pm.counted = counted_hazards(in, &pm.later);
    pm.signs = counted_sign_points(in);
    std::vector<std::pair<BPoint, std::uint32_t>> e;
    for (size_t i = 0; i < pm.signs.size(); ++i)
        e.emplace_back(BPoint(pm.signs[i].x, pm.signs[i].y), static_cast<std::uint32_t>(i));
    pm.sign_tree = SignTree(e.begin(), e.end());
    return pm;
}

// The existing signs within `box`, in the order of the signs layer, so that the covered spans do not depend on the
// tree's shape.
std::vector<Pt> signs_in(const Perimeters& pm, const Extent& box) {
    std::vector<Pt> near;
    const BBox q(BPoint(box.xmin, box.ymin), BPoint(box.xmax, box.ymax));
    std::vector<std::uint32_t> ids;
    for (auto it = pm.sign_tree.qbegin(bgi::intersects(q)); it != pm.sign_tree.qend(); ++it) ids.push_back(it->second);
    std::sort(ids.begin(), ids.end());
    for (std::uint32_t i : ids) near.push_back(pm.signs[i]);
    return near;
}

// Piece k of n of the boundary segment a-b of hazard h, with the parts the existing signs `near` already cover
// (merged), so that the plan only credits new signs for boundary nobody has marked.
Piece piece_of(const Pt& a, const Pt& b, int k, int n, double seg, std::int64_t h, const std::vector<Pt>& near,
               double cover) {
    Piece p;
    const double u0 = double(k) / n, u1 = double(k + 1) / n;
    p.a = {a.x + (b.x - a.x) * u0, a.y + (b.y - a.y) * u0};
    p.b = k + 1 == n ? b : Pt{a.x + (b.x - a.x) * u1, a.y + (b.y - a.y) * u1};
    p.len = seg / n;
    p.hazard = h;
    for (const Pt& s : near) {
        double t0, t1;
        if (alg::disc_chord(p.a, p.b, s, cover, t0, t1)) p.covered.emplace_back(t0, t1);
    }
    if (!p.covered.empty()) {
        Spans c;
        std::swap(c, p.covered);
        for (const auto& [t0, t1] : c) add_span(p.covered, t0, t1);
    }
    return p;
}

// One ring of hazard h cut into pieces of at most piece_len metres, each weighted by the hazard's class and ordnance
// and the people living near its middle; adds the ring to the plan's perimeter and unmarked totals.
RingPieces cut_ring(Perimeters& pm, SignPlan& plan, const std::vector<Pt>& ring, std::int64_t h,
                    const std::vector<Pt>& near, double piece_len, double class_w, double ord_w, const PeopleNear& people) {
    RingPieces rp;
    for (size_t i = 0; i + 1 < ring.size(); ++i) {
        const Pt a = ring[i], b = ring[i + 1];
        const double seg = std::hypot(b.x - a.x, b.y - a.y);
        if (!(seg > 0)) continue;
        const int n = std::max(1, static_cast<int>(std::ceil(seg / piece_len - 1e-9)));
        for (int k = 0; k < n; ++k) {
            Piece p = piece_of(a, b, k, n, seg, h, near, plan.cover);
            const double mid_x = 0.5 * (p.a.x + p.b.x), mid_y = 0.5 * (p.a.y + p.b.y);
            p.weight = class_w * ord_w * (1 + std::log10(1 + people.at(mid_x, mid_y)));
            const double unmarked = (1 - std::min(1.0, length_of(p.covered))) * p.len;
            plan.perimeter_m += p.len;
            plan.unmarked_before_m += unmarked;
            pm.hazard_unmarked[static_cast<size_t>(h)] += unmarked;
            rp.start.push_back(rp.length);
            rp.length += p.len;
            rp.pieces.push_back(static_cast<std::uint32_t>(pm.pieces.size()));
            pm.pieces.push_back(std::move(p));
        }
    }
    return rp;
}

// 1. Every counted hazard's boundary in pieces, with what existing signs cover; counts the hazards with a boundary
// and those with at least kMinStretch metres unmarked.
void cut_perimeters(Perimeters& pm, SignPlan& plan, const PlanInputs& in, const FeatureLayer* hz, double piece_len,
                    const PeopleNear& people, const Progress& progress) {
    pm.hazard_unmarked.assign(static_cast<size_t>(hz->size()), 0.0);
    for (std::int64_t h = 0; h < hz->size(); ++h) {
        if (!pm.counted[static_cast<size_t>(h)]) continue;
        std::vector<std::vector<Pt>> rings;
        rings_of(hz->geometry[static_cast<size_t>(h)].get(), rings);
        if (rings.empty()) continue;
        ++plan.hazards_counted;
        const double class_w = in.rules.class_weight(text_of(hz, "status", h));
        const double ord_w = in.rules.ordnance_weight(text_of(hz, "ordnance", h));
        const std::vector<Pt> near = signs_in(pm, hz->bounds[static_cast<size_t>(h)].grown(plan.cover));
        for (const auto& ring : rings) {
            RingPieces rp = cut_ring(pm, plan, ring, h, near, piece_len, class_w, ord_w, people);
            if (!rp.pieces.empty()) pm.rings.push_back(std::move(rp));
        }
        if (pm.hazard_unmarked[static_cast<size_t>(h)] >= kMinStretch) ++plan.hazards_unmarked;
        if (h % 64 == 63 && !progress.report(0.3 * double(h + 1) / double(hz->size()), "sign plan: perimeters")) throw Error("cancelled");
    }
}

// The unmarked stretches of one ring in arc length, merged across pieces and across the ring's start, so that a
// stretch gets its candidates as one run however the boundary was cut.
std::vector<std::pair<double, double>> unmarked_stretches(const RingPieces& rp, const std::vector<Piece>& pieces) {
    std::vector<std::pair<double, double>> stretches;
    for (size_t k = 0; k < rp.pieces.size(); ++k) {
        const Piece& p = pieces[rp.pieces[k]];
        double t = 0;
        auto add = [&](double a, double b) {
            if (!(b > a)) return;
            const double s0 = rp.start[k] + a * p.len, s1 = rp.start[k] + b * p.len;
            if (!stretches.empty() && s0 - stretches.back().second < 1e-6) stretches.back().second = s1;
            else stretches.emplace_back(s0, s1);
        };
        for (const auto& [a, b] : p.covered) {
            add(t, a);
            t = std::max(t, b);
        }
        add(t, 1.0);
    }
    // The ring closes: a stretch running through its start is one stretch.
    if (stretches.size() > 1 && stretches.front().first < 1e-6 && rp.length - stretches.back().second < 1e-6) {
        stretches.front().first = stretches.back().first - rp.length;
        stretches.pop_back();
    }
    return stretches;
}

// 2. Candidates: n = ceil(length / spacing) points evenly along every unmarked stretch of at least kMinStretch, so
// that neighbouring signs stand at most `spacing` apart.
std::vector<Candidate> candidates_along(const Perimeters& pm, double spacing) {
    std::vector<Candidate> cands;
    for (const RingPieces& rp : pm.rings) {
        for (const auto& [s0, s1] : unmarked_stretches(rp, pm.pieces)) {
            const double len = s1 - s0;
            if (len < kMinStretch) continue;
            const int n = std::max(1, static_cast<int>(std::ceil(len / spacing - 1e-9)));
            for (int i = 0; i < n; ++i) {
                double s = s0 + (i + 0.5) * len / n;
                s = std::fmod(s + rp.length, rp.length);
                const size_t k = static_cast<size_t>(std::upper_bound(rp.start.begin(), rp.start.end(), s) - rp.start.begin()) - 1;
                const Piece& p = pm.pieces[rp.pieces[std::min(k, rp.pieces.size() - 1)]];
                const double u = std::clamp((s - rp.start[k]) / p.len, 0.0, 1.0);
                cands.push_back({{p.a.x + (p.b.x - p.a.x) * u, p.a.y + (p.b.y - p.a.y) * u}, p.hazard});
            }
        }
    }
    return cands;
}

// The pieces in a tree, so that a candidate's gain looks only at the boundary within its credit.
PieceTree index_pieces(const std::vector<Piece>& pieces) {
    std::vector<Entry> entries;
    entries.reserve(pieces.size());
    for (size_t i = 0; i < pieces.size(); ++i) entries.emplace_back(box_of(pieces[i]), static_cast<std::uint32_t>(i));
    return PieceTree(entries.begin(), entries.end());
}

// Every candidate's gain before any sign is taken: the upper bounds the lazy greedy starts from (candidates
// answering for less than kMinGain are dropped).
GainQueue first_gains(std::vector<Piece>& pieces, const PieceTree& tree, const std::vector<Candidate>& cands,
                      double credit, const Progress& progress) {
    GainQueue queue;
    for (size_t i = 0; i < cands.size(); ++i) {
        const Gain g = evaluate(pieces, tree, cands[i].p, credit, false);
        if (g.metres >= kMinGain) queue.emplace(key(g.weighted), -static_cast<std::int64_t>(i));
        if (i % 1024 == 1023 && !progress.report(0.3 + 0.3 * double(i + 1) / double(cands.size()), "sign plan: candidates"))
            throw Error("cancelled");
    }
    return queue;
}

// A proposed sign as the field team gets it: where, on which hazard, and why there (what it marks, who lives near).
ProposedSign proposed_sign(const PlanInputs& in, const FeatureLayer* hz, const PeopleNear& people,
                           const LonLat& lon_lat, const Candidate& cand, const Gain& g,
                           const std::map<std::int64_t, double>& per_hazard, int order) {
    ProposedSign s;
    s.order = order;
    s.x = cand.p.x;
    s.y = cand.p.y;
    lon_lat(s.x, s.y, s.lon, s.lat);
    s.hazard = cand.hazard;
    s.hazard_id = hazard_label(hz, s.hazard);
    s.status = text_of(hz, "status", s.hazard);
    s.ordnance = text_of(hz, "ordnance", s.hazard);
    s.marks_m = g.metres;
    s.gain = g.weighted;
    s.people = people.at(s.x, s.y);
    const std::int64_t near = people.nearest(s.x, s.y, &s.settlement_distance_m);
    const FeatureLayer* sl = in.inputs->find("settlements");
    if (near >= 0) s.nearest_settlement = settlement_label(sl, near);
    // "marks 200 m of HA-0012 (CHA, AP); about 1,240 people live within 2,000 m (nearest settlement Kengerli, 820 m)"
    std::string what;
    if (per_hazard.size() == 1) {
        what = "marks " + metres(g.metres) + " of the unmarked perimeter of " + hazard_words(hz, per_hazard.begin()->first);
    } else {
        std::vector<std::string> parts;
        for (const auto& [h, m] : per_hazard) parts.push_back(hazard_words(hz, h) + " " + metres(m));
        what = "marks " + metres(g.metres) + " of unmarked perimeter: " + text::join(parts, ", ");
    }
    std::string who = s.people >= 0.5 ? "about " + thousands(s.people) + " people live within " + metres(in.zone_spec.reach)
                                      : "nobody is recorded living within " + metres(in.zone_spec.reach);
    if (!s.nearest_settlement.empty()) who += " (nearest settlement " + s.nearest_settlement + ", " + metres(s.settlement_distance_m) + ")";
    s.reason = what + "; " + who;
    return s;
}

// 3 and 4. Lazy greedy: re-evaluate only the queue's top (a stale gain is an upper bound) and take it if it is still
// the best. Every sign taken counts towards signs_to_finish; the first `stock` are proposed. Returns the weight of
// the boundary the proposed signs answer for; `placed` gets their points.
double place_signs(SignPlan& plan, std::vector<Pt>& placed, Perimeters& pm, const std::vector<Candidate>& cands,
                   const PlanInputs& in, const SignPlanSpec& spec, const FeatureLayer* hz, const PeopleNear& people,
                   const Progress& progress) {
    const double credit = plan.credit;
    const PieceTree tree = index_pieces(pm.pieces);
    GainQueue queue = first_gains(pm.pieces, tree, cands, credit, progress);
    const LonLat lon_lat(in.grid.crs_wkt.empty() ? in.inputs->crs_wkt : in.grid.crs_wkt);
    double taken_weighted = 0;
    while (!queue.empty()) {
        const auto [bound, neg] = queue.top();
        queue.pop();
        const size_t i = static_cast<size_t>(-neg);
        const Gain g = evaluate(pm.pieces, tree, cands[i].p, credit, false);
        if (g.metres < kMinGain) continue;
        if (!queue.empty() && std::make_pair(key(g.weighted), neg) < queue.top()) {  // no longer the best: back with its true gain
            queue.emplace(key(g.weighted), neg);
            continue;
        }
        std::map<std::int64_t, double> per_hazard;
        evaluate(pm.pieces, tree, cands[i].p, credit, true, &per_hazard);
        ++plan.signs_to_finish;
        if (static_cast<int>(plan.signs.size()) < spec.signs) {
            taken_weighted += g.weighted;
            placed.push_back(cands[i].p);
            const int order = static_cast<int>(plan.signs.size()) + 1;
            plan.signs.push_back(proposed_sign(in, hz, people, lon_lat, cands[i], g, per_hazard, order));
        }
        if (plan.signs_to_finish % 256 == 0 &&
            !progress.report(std::min(0.99, 0.6 + 0.4 * double(plan.signs_to_finish) / double(cands.size() + 1)), "sign plan: placing"))
            throw Error("cancelled");
    }
    return taken_weighted;
}

// After: the measure itself (each sign covers `cover`), with the proposed signs beside the existing ones, over the
// hazards that had unmarked boundary; a hazard no proposed sign comes near keeps its unmarked length.
double unmarked_after(const Perimeters& pm, const std::vector<Pt>& placed, const FeatureLayer* hz, double cover) {
    double after = 0;
    for (std::int64_t h = 0; h < hz->size(); ++h) {
        if (!pm.counted[static_cast<size_t>(h)] || pm.hazard_unmarked[static_cast<size_t>(h)] <= 0) continue;
        std::vector<std::vector<Pt>> rings;
        rings_of(hz->geometry[static_cast<size_t>(h)].get(), rings);
        const Extent b = hz->bounds[static_cast<size_t>(h)].grown(cover);
        std::vector<Pt> near;
        for (const Pt& s : placed)
            if (s.x >= b.xmin && s.x <= b.xmax && s.y >= b.ymin && s.y <= b.ymax) near.push_back(s);
        if (near.empty()) {
            after += pm.hazard_unmarked[static_cast<size_t>(h)];
            continue;
        }
        const BBox q(BPoint(b.xmin, b.ymin), BPoint(b.xmax, b.ymax));
        for (auto it = pm.sign_tree.qbegin(bgi::intersects(q)); it != pm.sign_tree.qend(); ++it)
            near.push_back(pm.signs[it->second]);
        after += zones::uncovered_length(rings, near, cover);
    }
    return after;
}

}  // namespace

SignPlan sign_plan(const PlanInputs& in, const SignPlanSpec& spec, const Progress& progress) {
    SignPlan plan;
    set_distances(plan, in, spec);
    const FeatureLayer* hz = in.inputs ? in.inputs->find("hazards") : nullptr;
    if (!hz || hz->size() == 0) {
        plan.warnings.push_back("sign plan: no hazards in the scenario, so no perimeter to mark");
        return plan;
    }

    // 1. Pieces of the counted hazards' boundaries, with what existing signs cover.
    Perimeters pm = existing_signs(in);
    const double piece_len = std::max(1.0, std::min(plan.cover, plan.spacing) / 4);
    const PeopleNear people(in, in.zone_spec.reach);
    cut_perimeters(pm, plan, in, hz, piece_len, people, progress);
    if (pm.later)
        plan.warnings.push_back("sign plan: " + zones::plural(pm.later, "hazard", "hazards") +
                                " recorded after the as_of date " + zones::verb(pm.later, "is", "are") + " left out");
    if (!in.inputs->find("signs"))
        plan.warnings.push_back("sign plan: no signs layer in the scenario, so every perimeter counts as unmarked");

    // Before the plan, under the spacing rule: each piece's part no existing sign covers, weighted.
    for (const Piece& p : pm.pieces)
        plan.weighted_before += (1 - std::min(1.0, length_of(p.covered))) * p.len * p.weight;

    // 2. Candidates along every unmarked stretch.
    const std::vector<Candidate> cands = candidates_along(pm, plan.spacing);
    plan.candidates = static_cast<std::int64_t>(cands.size());

    // 3. Lazy greedy.
    std::vector<Pt> placed;
    const double taken_weighted = place_signs(plan, placed, pm, cands, in, spec, hz, people, progress);
    plan.weighted_after = std::max(0.0, plan.weighted_before - taken_weighted);

    plan.unmarked_after_m = unmarked_after(pm, placed, hz, plan.cover);
    progress.report(1.0, "sign plan");
    return plan;
}

}  // namespace minerisk::plans
