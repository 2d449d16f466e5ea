// The outreach plan: which settlement gets a risk-education session in which week, from which facilitator.
//
// A greedy schedule, week by week (docs/outreach-plan.md):
//   value(f, s) = P_s / (1 + d(f, s) / travel_km)
//     P_s  the ranked settlement's priority with a full need (risk within reach x (1 + log10(1 + population)) x 1.5
//          for returnees): a settlement is only offered once its last session is older than
//          zones.session_stale_days (or it never had one), so "not reached recently" is the rule, not a discount;
//     d    the straight-line distance from facilitator f's base, in km; a settlement travel_km away counts half.
//   Each week, every facilitator has sessions_per_week slots; the pair (facilitator with a free slot, settlement
//   not yet taken) of highest value is taken, again and again, until the slots are full or no settlement is left.
//   A settlement visited in week w is offered again from week w + ceil(session_stale_days / 7) (within the horizon).
// Each facilitator keeps a max-heap of settlements by value, so a pick costs O(facilitators + log settlements).
#include <ogr_spatialref.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>
#include <queue>
#include <regex>

#include "crs/lon_lat.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "plans/plans_internal.hpp"

namespace minerisk::plans {

namespace {

using zones::lower_trim;
using zones::plural;
using zones::thousands;

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

// "46.95,39.87", "46.95 39.87", "46.95, 39.87": longitude and latitude in WGS 84 degrees.
bool parse_lon_lat(const std::string& text, double& lon, double& lat) {
    static const std::regex re(R"(^\s*([-+]?[0-9]*\.?[0-9]+)\s*[, ]\s*([-+]?[0-9]*\.?[0-9]+)\s*$)");
    std::smatch m;
    if (!std::regex_match(text, m, re)) return false;
    lon = std::stod(m[1].str());
    lat = std::stod(m[2].str());
    return true;
}

std::string degrees(double lon, double lat) {
    char b[96];
    std::snprintf(b, sizeof b, "%.4f %s %.4f %s", std::fabs(lon), lon < 0 ? "W" : "E", std::fabs(lat), lat < 0 ? "S" : "N");
    return b;
}

struct Place {
    double x = NAN, y = NAN;
};

void check_counts(const OutreachPlanSpec& spec) {
    if (spec.facilitators < 1) throw Error("the outreach plan needs at least one facilitator", spec.where, "e.g. --facilitators 3");
    if (spec.bases.empty())
        throw Error("the outreach plan needs the facilitators' home bases", spec.where,
                    "give one base for all or one per facilitator: a settlement's name or id, or 'lon,lat' (e.g. --base Kengerli)");
    if (spec.bases.size() != 1 && static_cast<int>(spec.bases.size()) != spec.facilitators)
        throw Error(std::to_string(spec.bases.size()) + " bases for " + plural(spec.facilitators, "facilitator", "facilitators"),
                    spec.where, "give one base for all of them, or exactly one per facilitator");
    if (spec.sessions_per_week < 1) throw Error("outreach_plan.sessions_per_week must be 1 or more", spec.where);
    if (spec.weeks < 1) throw Error("outreach_plan.weeks must be 1 or more", spec.where);
    if (!(spec.travel_km > 0)) throw Error("outreach_plan.travel_km must be above 0", spec.where, "e.g. travel_km: 20");
}

}  // namespace

std::vector<Facilitator> resolve_bases(const PlanInputs& in, const OutreachPlanSpec& spec) {
    check_counts(spec);
    const FeatureLayer* L = in.inputs ? in.inputs->find("settlements") : nullptr;
    const std::string wkt = in.grid.crs_wkt.empty() && in.inputs ? in.inputs->crs_wkt : in.grid.crs_wkt;
    std::vector<Facilitator> out;
    for (int f = 0; f < spec.facilitators; ++f) {
        const size_t b = spec.bases.size() == 1 ? 0 : static_cast<size_t>(f);
        const std::string& text = spec.bases[b];
        const Location where = b < spec.base_where.size() ? spec.base_where[b] : spec.where;
        Facilitator fac;
        fac.number = f + 1;
        fac.base = text;
        double lon, lat;
        if (parse_lon_lat(text, lon, lat)) {
            if (std::fabs(lon) > 180 || std::fabs(lat) > 90)
                throw Error("the base '" + text + "' is not a longitude and latitude in degrees", where,
                            "write 'lon,lat' in WGS 84 degrees (e.g. '46.95,39.87'), or a settlement's name or id");
            OGRSpatialReference wgs84, work;
            wgs84.SetWellKnownGeogCS("WGS84");
            wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            if (wkt.empty() || work.importFromWkt(wkt.c_str()) != OGRERR_NONE)
                throw Error("the working CRS is unknown, so the base '" + text + "' cannot be placed", where);
            work.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            std::unique_ptr<OGRCoordinateTransformation> t(OGRCreateCoordinateTransformation(&wgs84, &work));
            double x = lon, y = lat;
            if (!t || !t->Transform(1, &x, &y) || !std::isfinite(x) || !std::isfinite(y))
                throw Error("PROJ cannot place the base '" + text + "' in the working CRS", where, "check the longitude and latitude");
            fac.x = x, fac.y = y;
            fac.base_name = degrees(lon, lat);
        } else {
            if (!L || L->size() == 0)
                throw Error("the base '" + text + "' names a settlement, and the scenario has no settlements", where,
                            "give the base as 'lon,lat' in WGS 84 degrees");
            const std::string key = lower_trim(text);
            std::vector<std::int64_t> by_id, by_name;
            for (std::int64_t i = 0; i < L->size(); ++i) {
                if (!key.empty() && lower_trim(text_of(L, "id", i)) == key) by_id.push_back(i);
                if (!key.empty() && lower_trim(text_of(L, "name", i)) == key) by_name.push_back(i);
            }
            const auto& hits = !by_id.empty() ? by_id : by_name;
            if (hits.empty()) {
                std::string best;
                std::size_t bd = std::string::npos;
                for (std::int64_t i = 0; i < L->size(); ++i)
                    for (const char* role : {"name", "id"}) {
                        const std::string cand = text_of(L, role, i);
                        if (cand.empty()) continue;
                        const std::size_t d = edit_distance(key, lower_trim(cand));
                        if (d < bd) bd = d, best = cand;
                    }
                throw Error("no settlement is named '" + text + "' (by id or name), so it cannot be a facilitator's base", where,
                            (bd != std::string::npos && bd <= std::max<std::size_t>(2, key.size() / 3) ? "did you mean '" + best + "'? " : std::string()) +
                                "give a settlement's id or name, or 'lon,lat' in WGS 84 degrees");
            }
            if (hits.size() > 1) {
                std::vector<std::string> ids;
                for (std::int64_t i : hits) ids.push_back(text_of(L, "id", i).empty() ? "#" + std::to_string(L->fid[static_cast<size_t>(i)]) : text_of(L, "id", i));
                throw Error("several settlements are named '" + text + "' (ids " + text::join(ids, ", ") + ")", where,
                            "give the base by the settlement's id");
            }
            if (!point_of(L->geometry[static_cast<size_t>(hits[0])].get(), fac.x, fac.y))
                throw Error("the settlement '" + text + "' has no usable geometry, so it cannot be a base", where);
            fac.base_name = settlement_label(L, hits[0]);
        }
        out.push_back(std::move(fac));
    }
    return out;
}

namespace {

// The first day of plan week w (week 1 starts the day after as_of).
double week_start(const PlanInputs& in, int w) { return std::floor(in.as_of) + 1 + 7.0 * (w - 1); }

// The plan's settings and facilitators, and an empty summary for every week, so that a week with no sessions is
// still reported.
void set_up(OutreachPlan& plan, const PlanInputs& in, const OutreachPlanSpec& spec) {
    plan.sessions_per_week = spec.sessions_per_week;
    plan.weeks = spec.weeks;
    plan.travel_km = spec.travel_km;
    plan.max_travel_km = spec.max_travel_km ? *spec.max_travel_km : NAN;
    plan.top = spec.top;
    plan.facilitators = resolve_bases(in, spec);
    for (int w = 1; w <= spec.weeks; ++w) plan.weeks_summary.push_back({w, week_start(in, w), 0, 0, 0, 0});
}

// A settlement that can be offered, with its full-need priority and place.
struct Offer {
    size_t ranked;  // index in zr.settlements
    double value_base = 0;
    Place p;
    int first_week = 1;
};

// The ranked settlements with people and risk and a usable point, each from the first week it counts as not
// reached recently (its last session older than zones.session_stale_days, or none).
std::vector<Offer> offers_of(const PlanInputs& in, const FeatureLayer* L) {
    const ZoneResult& zr = *in.zones;
    const double stale = in.zone_spec.session_stale_days;
    std::vector<Offer> offers;
    for (size_t i = 0; i < zr.settlements.size(); ++i) {
        const RankedSettlement& s = zr.settlements[i];
        const double pop = number_of(L, "population", s.feature);
        const double full = zones::settlement_priority(s.risk_mean, pop, s.returnee, NAN, in.as_of, stale);
        if (!(full > 0)) continue;  // nobody lives there, or no risk around it
        Offer o;
        o.ranked = i;
        o.value_base = full;
        if (!point_of(L->geometry[static_cast<size_t>(s.feature)].get(), o.p.x, o.p.y)) continue;
        if (!std::isnan(s.last_session)) {
            const double ready = s.last_session + stale;  // the first day it counts as not reached recently
            o.first_week = std::max(1, static_cast<int>(std::ceil((ready - week_start(in, 1)) / 7.0 - 1e-9)) + 1);
        }
        offers.push_back(o);
    }
    return offers;
}

// The schedule's state: each facilitator's distance to each offer, the weeks offers open in, which are open now
// (offered, not taken), and per facilitator a max-heap of (value, -offer) among the offers open to them.
struct Schedule {
    using Item = std::pair<double, std::int64_t>;

    const std::vector<Offer>& offers;
    const OutreachPlanSpec& spec;
    const int nf;
    const bool capped;
    std::vector<std::vector<double>> dist;         // per facilitator, per offer: km from the base
    std::vector<char> reachable;                   // per offer: within max_travel_km of some base
    std::vector<std::vector<size_t>> opens;        // per week: the offers that open that week
    std::vector<std::priority_queue<Item>> heaps;  // per facilitator
    std::vector<char> open, ever;                  // per offer: open now; visited in this plan
    int revisit_weeks = 1;

    Schedule(const std::vector<Offer>& offers_, const OutreachPlanSpec& spec_,
             const std::vector<Facilitator>& facilitators, double stale)
        : offers(offers_), spec(spec_), nf(spec_.facilitators), capped(spec_.max_travel_km.has_value()) {
        dist.assign(static_cast<size_t>(nf), std::vector<double>(offers.size()));
        reachable.assign(offers.size(), 0);
        for (size_t o = 0; o < offers.size(); ++o)
            for (int f = 0; f < nf; ++f) {
                const Facilitator& fac = facilitators[static_cast<size_t>(f)];
                const double d = std::hypot(offers[o].p.x - fac.x, offers[o].p.y - fac.y) / 1000.0;
                dist[static_cast<size_t>(f)][o] = d;
                if (!capped || d <= *spec.max_travel_km) reachable[o] = 1;
            }
        opens.resize(static_cast<size_t>(spec.weeks) + 2);
        for (size_t o = 0; o < offers.size(); ++o)
            if (reachable[o] && offers[o].first_week <= spec.weeks)
                opens[static_cast<size_t>(offers[o].first_week)].push_back(o);
        heaps.resize(static_cast<size_t>(nf));
        open.assign(offers.size(), 0);
        revisit_weeks = std::max(1, static_cast<int>(std::ceil(stale / 7.0 - 1e-9)));
        ever.assign(offers.size(), 0);
    }

    // value(f, s) = P_s / (1 + d(f, s) / travel_km): a settlement travel_km away counts half.
    double value(int f, size_t o) const {
        return offers[o].value_base / (1 + dist[static_cast<size_t>(f)][o] / spec.travel_km);
    }

    // Open offer o to every facilitator within max_travel_km of it.
    void offer_to_all(size_t o) {
        open[o] = 1;
        for (int f = 0; f < nf; ++f)
            if (!capped || dist[static_cast<size_t>(f)][o] <= *spec.max_travel_km)
                heaps[static_cast<size_t>(f)].emplace(value(f, o), -static_cast<std::int64_t>(o));
    }

    // The facilitator with a free slot whose best open offer has the highest value (ties: the lower facilitator
    // number), -1 when none; `best` gets the (value, -offer). Drops taken offers from the heaps' tops on the way.
    int best_pick(const std::vector<int>& slots, Item& best) {
        int best_f = -1;
        for (int f = 0; f < nf; ++f) {
            if (slots[static_cast<size_t>(f)] == 0) continue;
            auto& h = heaps[static_cast<size_t>(f)];
            while (!h.empty() && !open[static_cast<size_t>(-h.top().second)]) h.pop();
            if (h.empty()) continue;
            if (best_f < 0 || h.top() > best) best = h.top(), best_f = f;  // ties: the lower facilitator number
        }
        return best_f;
    }
};

// A session as the facilitator gets it: which settlement, when, how far from the base, and why it was chosen.
ScheduledSession session_of(const PlanInputs& in, const Schedule& sch, const LonLat& lon_lat, const RankedSettlement& s,
                            const Facilitator& fac, size_t o, int f, int w) {
    ScheduledSession ss;
    ss.week = w;
    ss.week_start = week_start(in, w);
    ss.facilitator = fac.number;
    ss.feature = s.feature;
    ss.settlement_id = s.id;
    ss.settlement_name = s.name;
    ss.settlement_rank = s.rank;
    ss.population = s.population;
    ss.returnee = s.returnee;
    ss.priority = sch.offers[o].value_base;
    ss.distance_km = sch.dist[static_cast<size_t>(f)][o];
    ss.last_session = s.last_session;
    ss.x = sch.offers[o].p.x;
    ss.y = sch.offers[o].p.y;
    lon_lat(ss.x, ss.y, ss.lon, ss.lat);
    std::string why = "settlement rank " + std::to_string(s.rank) + ": ";
    why += s.population > 0 ? thousands(s.population) + " people" : std::string("population unknown");
    if (s.returnee) why += ", returnees";
    if (sch.ever[o]) why += ", again " + std::to_string(sch.revisit_weeks) + "+ weeks after this plan's first session";
    else why += std::isnan(s.last_session) ? ", never had a session" : ", last session " + date_to_string(s.last_session);
    char km[64];
    std::snprintf(km, sizeof km, "%.1f km", ss.distance_km);
    why += std::string("; ") + km + " from " + fac.base_name + " (base of facilitator " + std::to_string(fac.number) + ")";
    ss.reason = why;
    return ss;
}

// Week w: open the offers due, then fill every facilitator's slots, best value first, until the slots are full or
// no offer is left; a settlement visited is offered again revisit_weeks later (within the horizon).
void schedule_week(OutreachPlan& plan, Schedule& sch, const PlanInputs& in, const LonLat& lon_lat, int w,
                   double& cumulative) {
    const ZoneResult& zr = *in.zones;
    const OutreachPlanSpec& spec = sch.spec;
    for (size_t o : sch.opens[static_cast<size_t>(w)]) sch.offer_to_all(o);
    std::vector<int> slots(static_cast<size_t>(sch.nf), spec.sessions_per_week);
    WeekSummary& ws = plan.weeks_summary[static_cast<size_t>(w - 1)];
    for (;;) {
        Schedule::Item best{-1, 0};
        const int best_f = sch.best_pick(slots, best);
        if (best_f < 0) break;
        const size_t o = static_cast<size_t>(-best.second);
        sch.heaps[static_cast<size_t>(best_f)].pop();
        sch.open[o] = 0;
        --slots[static_cast<size_t>(best_f)];
        const RankedSettlement& s = zr.settlements[sch.offers[o].ranked];
        const Facilitator& fac = plan.facilitators[static_cast<size_t>(best_f)];
        ScheduledSession ss = session_of(in, sch, lon_lat, s, fac, o, best_f, w);
        ++ws.sessions;
        ++ws.settlements;
        ws.people += s.population;
        if (!sch.ever[o]) {
            sch.ever[o] = 1;
            cumulative += s.population;
            ++plan.settlements_covered;
            plan.people_covered += s.population;
        }
        plan.sessions.push_back(std::move(ss));
        if (w + sch.revisit_weeks <= spec.weeks) sch.opens[static_cast<size_t>(w + sch.revisit_weeks)].push_back(o);
    }
    for (int f = 0; f < sch.nf; ++f) plan.slots_unused += slots[static_cast<size_t>(f)];
    ws.people_cumulative = cumulative;
}

// The people of the highest-ranked settlements (with a recorded population), and how many the plan reaches: how
// well the plan follows the ranking.
void count_top_people(OutreachPlan& plan, const ZoneResult& zr, const FeatureLayer* L, int top) {
    std::vector<char> reached_feature(static_cast<size_t>(L->size()), 0);
    for (const auto& ss : plan.sessions) reached_feature[static_cast<size_t>(ss.feature)] = 1;
    int taken = 0;
    for (const RankedSettlement& s : zr.settlements) {
        if (taken >= top) break;
        if (!(s.population > 0)) continue;
        ++taken;
        plan.top_people += s.population;
        if (reached_feature[static_cast<size_t>(s.feature)]) plan.top_people_reached += s.population;
    }
    plan.top = taken;
}

}  // namespace

OutreachPlan outreach_plan(const PlanInputs& in, const OutreachPlanSpec& spec, const Progress& progress) {
    OutreachPlan plan;
    set_up(plan, in, spec);
    const ZoneResult& zr = *in.zones;
    const FeatureLayer* L = in.inputs ? in.inputs->find("settlements") : nullptr;
    if (!L || zr.settlements.empty()) {
        plan.warnings.push_back("outreach plan: no ranked settlements, so nothing to schedule");
        plan.slots_unused = std::int64_t(spec.facilitators) * spec.sessions_per_week * spec.weeks;
        return plan;
    }

    const LonLat lon_lat(in.grid.crs_wkt.empty() ? in.inputs->crs_wkt : in.grid.crs_wkt);
    const std::vector<Offer> offers = offers_of(in, L);
    Schedule sch(offers, spec, plan.facilitators, in.zone_spec.session_stale_days);
    for (size_t o = 0; o < offers.size(); ++o) plan.out_of_reach += !sch.reachable[o];

    double cumulative = 0;
    for (int w = 1; w <= spec.weeks; ++w) {
        schedule_week(plan, sch, in, lon_lat, w, cumulative);
        if (!progress.report(double(w) / spec.weeks, "outreach plan")) throw Error("cancelled");
    }
    for (size_t o = 0; o < offers.size(); ++o) {
        if (!sch.reachable[o] || sch.ever[o]) continue;
        if (offers[o].first_week <= spec.weeks) ++plan.settlements_waiting;
        else ++plan.settlements_not_due;
    }

    count_top_people(plan, zr, L, spec.top);
    if (plan.out_of_reach)
        plan.warnings.push_back("outreach plan: " + plural(plan.out_of_reach, "settlement", "settlements") + " with people " +
                                zones::verb(plan.out_of_reach, "lies", "lie") + " farther than " +
                                zones::plain_number(*spec.max_travel_km) + " km from every base and " +
                                zones::verb(plan.out_of_reach, "is", "are") + " left out");
    return plan;
}

}  // namespace minerisk::plans
