// What the attribute steps share, computed once per run: which hazards, incidents, signs and sessions count,
// which settlement each session belongs to, and (on demand, cached) each hazard's unmarked perimeter.
//
// - A hazard counts (for distances, "far from hazards" and marking) unless the run's HazardRules exclude its
//   status (cleared or cancelled by default; a scenario's excluded_statuses, as the factors use it). Every hazard
//   is still reported where it touches a zone, with its status as recorded.
// - Incidents dated after as_of are left out (as incident_density does); undated incidents count, but are
//   never recent.
// - A sign covers the perimeter unless the rules ignore its condition ("missing" by default) or it was placed
//   after as_of.
// - A session counts when it is dated on or before as_of and its `reached`, if known, is not 0 (as outreach_gap).
//   It belongs to the settlement whose id equals its `settlement` value (trimmed, case-insensitive) when both
//   roles are mapped; otherwise, or when the value names no settlement, to the nearest settlement within
//   zones.reach of its point.
#include <ogr_geometry.h>

#include <algorithm>
#include <map>

#include "zones/zones_internal.hpp"

namespace minerisk::zones {

void rings_of(const OGRGeometry* g, std::vector<std::vector<Pt>>& out) {
    if (!g || g->IsEmpty()) return;
    const auto t = wkbFlatten(g->getGeometryType());
    auto add = [&](const OGRSimpleCurve* c) {
        if (!c || c->getNumPoints() < 2) return;
        std::vector<Pt> ring;
        ring.reserve(static_cast<size_t>(c->getNumPoints()) + 1);
        for (int i = 0; i < c->getNumPoints(); ++i) ring.push_back({c->getX(i), c->getY(i)});
        if (ring.front().x != ring.back().x || ring.front().y != ring.back().y) ring.push_back(ring.front());
        out.push_back(std::move(ring));
    };
    if (t == wkbPolygon) {
        const OGRPolygon* p = g->toPolygon();
        add(p->getExteriorRing());
        for (int i = 0; i < p->getNumInteriorRings(); ++i) add(p->getInteriorRing(i));
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        const OGRGeometryCollection* c = g->toGeometryCollection();
        for (int i = 0; i < c->getNumGeometries(); ++i) rings_of(c->getGeometryRef(i), out);
    }
}

void points_of(const OGRGeometry* g, std::vector<Pt>& out) {
    if (!g || g->IsEmpty()) return;
    const auto t = wkbFlatten(g->getGeometryType());
    if (t == wkbPoint) {
        const OGRPoint* p = g->toPoint();
        out.push_back({p->getX(), p->getY()});
    } else if (t == wkbLineString || t == wkbLinearRing) {
        const OGRSimpleCurve* c = g->toSimpleCurve();
        for (int i = 0; i < c->getNumPoints(); ++i) out.push_back({c->getX(i), c->getY(i)});
    } else if (t == wkbPolygon) {
        std::vector<std::vector<Pt>> rings;
        rings_of(g, rings);
        for (auto& r : rings) out.insert(out.end(), r.begin(), r.end());
    } else if (OGR_GT_IsSubClassOf(t, wkbGeometryCollection)) {
        const OGRGeometryCollection* c = g->toGeometryCollection();
        for (int i = 0; i < c->getNumGeometries(); ++i) points_of(c->getGeometryRef(i), out);
    }
}

namespace {

double num(const FeatureLayer* l, const char* role, std::int64_t i) {
    if (!l) return NAN;
    const Column* c = l->column(role);
    if (!c || i < 0 || static_cast<size_t>(i) >= c->number.size()) return NAN;
    return c->number[static_cast<size_t>(i)];
}

}  // namespace

double uncovered_length(const std::vector<std::vector<Pt>>& rings, const std::vector<Pt>& signs, double r) {
    alg::PerimeterCover sum;
    std::vector<alg::Interval> scratch;
    for (const auto& ring : rings) alg::add_perimeter_cover(ring.data(), ring.size(), signs.data(), signs.size(), r, scratch, sum);
    return sum.uncovered;
}

Context::Context(const ZoneInputs& zin, const Inputs& inputs)
    : in(zin),
      spec(zin.scenario->zones),
      as_of(zin.as_of),
      hazards(inputs.find("hazards")),
      incidents(inputs.find("incidents")),
      settlements(inputs.find("settlements")),
      signs(inputs.find("signs")),
      sessions(inputs.find("sessions")),
      hazard_geoms(geos, hazards),
      incident_geoms(geos, incidents),
      settlement_geoms(geos, settlements),
      session_geoms(geos, sessions) {
    const std::int64_t nh = hazards ? hazards->size() : 0;
    hazard_counted.assign(static_cast<size_t>(nh), 1);
    hazard_unmarked.assign(static_cast<size_t>(nh), NAN);
    for (std::int64_t i = 0; i < nh; ++i) {
        if (!zin.rules.counts(text(hazards, "status", i))) hazard_counted[static_cast<size_t>(i)] = 0;
    }

    const std::int64_t ni = incidents ? incidents->size() : 0;
    incident_counted.assign(static_cast<size_t>(ni), 1);
    incident_date.assign(static_cast<size_t>(ni), NAN);
    incident_far.assign(static_cast<size_t>(ni), -1);  // judged by zone_attributes
    std::int64_t later = 0;
    for (std::int64_t i = 0; i < ni; ++i) {
        const double d = num(incidents, "date", i);
        incident_date[static_cast<size_t>(i)] = d;
        if (d > as_of) incident_counted[static_cast<size_t>(i)] = 0, ++later;
    }
    if (later)
        warnings.push_back(plural(later, "incident", "incidents") + " dated after the as_of date " + verb(later, "is", "are") +
                           " left out of the zones' counts");

    const std::int64_t ns = settlements ? settlements->size() : 0;
    settlement_last_session.assign(static_cast<size_t>(ns), NAN);
    const std::int64_t nq = sessions ? sessions->size() : 0;
    session_counted.assign(static_cast<size_t>(nq), 0);
    session_date.assign(static_cast<size_t>(nq), NAN);
    session_settlement.assign(static_cast<size_t>(nq), -1);
    if (!sessions) {
        if (settlements && ns > 0)
            warnings.push_back("no sessions layer in the scenario: every settlement counts as never visited");
        return;
    }
    const bool by_key = sessions->column("settlement") && settlements && settlements->column("id");
    std::map<std::string, std::vector<std::int64_t>> by_id;
    if (by_key)
        for (std::int64_t s = 0; s < ns; ++s) {
            const std::string k = lower_trim(text(settlements, "id", s));
            if (!k.empty()) by_id[k].push_back(s);
        }
    std::int64_t undated = 0, after = 0, unmatched = 0;
    for (std::int64_t q = 0; q < nq; ++q) {
        const double d = num(sessions, "date", q);
        const double reached = num(sessions, "reached", q);
        if (std::isnan(d)) {
            ++undated;
            continue;
        }
        if (d > as_of) {
            ++after;
            continue;
        }
        if (reached == 0) continue;
        session_counted[static_cast<size_t>(q)] = 1;
        session_date[static_cast<size_t>(q)] = d;
        const GEOSGeometry* qg = session_geoms.get(q);
        std::int64_t best = -1;
        double best_d = INFINITY;
        auto consider = [&](std::int64_t s) {
            const double dist = qg ? geos.distance(qg, settlement_geoms.get(s)) : NAN;
            const double key = std::isnan(dist) ? INFINITY : dist;
            if (best < 0 || key < best_d) best = s, best_d = key;
        };
        if (by_key) {
            auto it = by_id.find(lower_trim(text(sessions, "settlement", q)));
            if (it != by_id.end())
                for (std::int64_t s : it->second) consider(s);
        }
        if (best < 0 && qg && settlements) {
            const Extent b = sessions->bounds[static_cast<size_t>(q)];
            for (std::int64_t s : settlements->query(b.grown(spec.reach))) {
                const double dist = geos.distance(qg, settlement_geoms.get(s));
                if (dist <= spec.reach && (best < 0 || dist < best_d)) best = s, best_d = dist;
            }
        }
        if (best < 0) {
            ++unmatched;
            continue;
        }
        session_settlement[static_cast<size_t>(q)] = best;
        double& last = settlement_last_session[static_cast<size_t>(best)];
        if (std::isnan(last) || d > last) last = d;
    }
    if (undated)
        warnings.push_back(plural(undated, "session", "sessions") + " without a readable date " + verb(undated, "is", "are") +
                           " left out");
    if (after)
        warnings.push_back(plural(after, "session", "sessions") + " dated after the as_of date " + verb(after, "is", "are") +
                           " left out");
    if (unmatched)
        warnings.push_back(plural(unmatched, "session", "sessions") + " " + verb(unmatched, "belongs", "belong") +
                           " to no settlement (no matching id, none within " + metres(spec.reach) + "); " +
                           verb(unmatched, "it still counts", "they still count") +
                           " for zones within reach of where " + verb(unmatched, "it was", "they were") + " held");
}

std::string Context::text(const FeatureLayer* l, const char* role, std::int64_t i) const {
    if (!l) return {};
    const Column* c = l->column(role);
    if (!c || i < 0 || static_cast<size_t>(i) >= c->text.size()) return {};
    if (static_cast<size_t>(i) < c->present.size() && !c->present[static_cast<size_t>(i)]) return {};
    return c->text[static_cast<size_t>(i)];
}

std::string Context::hazard_label(std::int64_t i) const {
    std::string s = text(hazards, "id", i);
    if (s.empty()) s = text(hazards, "name", i);
    if (s.empty()) s = "hazard #" + std::to_string(hazards ? hazards->fid[static_cast<size_t>(i)] : i);
    return s;
}

std::string Context::settlement_id(std::int64_t i) const { return text(settlements, "id", i); }

std::string Context::settlement_label(std::int64_t i) const {
    std::string s = text(settlements, "name", i);
    if (s.empty()) s = text(settlements, "id", i);
    if (s.empty()) s = "settlement #" + std::to_string(settlements ? settlements->fid[static_cast<size_t>(i)] : i);
    return s;
}

double Context::settlement_population(std::int64_t i) const { return num(settlements, "population", i); }

bool Context::settlement_returnee(std::int64_t i) const { return num(settlements, "returnee", i) == 1; }

bool Context::incident_recent(std::int64_t i) const {
    const double d = incident_date[static_cast<size_t>(i)];
    return std::isfinite(d) && d <= as_of && d >= as_of - spec.recent_days;
}

double Context::unmarked(std::int64_t i) {
    double& u = hazard_unmarked[static_cast<size_t>(i)];
    if (!std::isnan(u)) return u;
    u = 0;
    if (!hazard_counted[static_cast<size_t>(i)] || !hazards->geometry[static_cast<size_t>(i)]) return u;
    std::vector<std::vector<Pt>> rings;
    rings_of(hazards->geometry[static_cast<size_t>(i)].get(), rings);
    std::vector<Pt> pts;
    if (signs) {
        const Extent b = hazards->bounds[static_cast<size_t>(i)].grown(spec.sign_cover);
        for (std::int64_t s : signs->query(b)) {
            if (!in.rules.sign_marks(text(signs, "condition", s))) continue;
            if (num(signs, "date", s) > as_of) continue;
            points_of(signs->geometry[static_cast<size_t>(s)].get(), pts);
        }
    }
    u = uncovered_length(rings, pts, spec.sign_cover);
    return u;
}

}  // namespace minerisk::zones
