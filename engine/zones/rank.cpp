// Zone priority, rank, and the recommended actions with their reasons.
//
//   priority = mean_risk x (1 + log10(1 + population_in_reach)) x (1 + log10(1 + incidents_far_from_hazards))
//
// Risk where people are: a zone with nobody in reach scores its mean risk; 9 people in reach double it,
// 99 triple it, 999 quadruple it. The logarithm keeps one town from swamping every risk difference.
// Incidents far from every recorded hazard show contamination the hazard layer, and so the risk map, does not
// hold: they raise the priority by the same rule (1 such incident: x1.3; 9: x2; 99: x3). Without them the
// last factor is 1.
// Rank: priority (highest first), then max_risk (highest first), then zone id (lowest first).
//
// Actions, in order of urgency (a zone may get several, joined by "; "):
//   1. refer for non-technical survey  incidents_far_from_hazards > 0
//   2. mark                            unmarked_perimeter_m >= 1 (on the counted hazards it touches)
//   3. hold sessions                   a settlement in reach, with people (population > 0 or unknown), whose
//                                      last session is never or older than session_stale_days
//   otherwise: monitor.
#include <algorithm>

#include "zones/zones_internal.hpp"

namespace minerisk::zones {

double zone_priority(double mean_risk, double population_in_reach, double incidents_far_from_hazards) {
    return mean_risk * (1 + std::log10(1 + std::max(0.0, population_in_reach))) *
           (1 + std::log10(1 + std::max(0.0, incidents_far_from_hazards)));
}

void rank_zones(std::vector<Zone>& zones) {
    std::sort(zones.begin(), zones.end(), [](const Zone& a, const Zone& b) {
        if (a.priority != b.priority) return a.priority > b.priority;
        if (a.max_risk != b.max_risk) return a.max_risk > b.max_risk;
        return a.id < b.id;
    });
    for (size_t i = 0; i < zones.size(); ++i) zones[i].rank = static_cast<int>(i + 1);
}

namespace {

constexpr size_t kListed = 5;  // names listed in a reason before "and N more"

std::string survey_reason(const Context& ctx, const Zone& z) {
    const std::int64_t n = z.incidents_far_from_hazards;
    const double first = ctx.zone_far_first[static_cast<size_t>(z.id)];
    std::string s = plural(n, "incident", "incidents");
    if (std::isfinite(first)) s += (n == 1 ? " (" + month_of(first) + ")" : " since " + month_of(first));
    s += n == 1 ? " lies" : " lie";
    s += " more than " + metres(ctx.spec.survey_distance) + " from any recorded hazard: contamination nobody has recorded";
    return s;
}

std::string mark_reason(const Context& ctx, const Zone& z) {
    std::vector<const ZoneHazard*> hs;
    for (const auto& h : z.hazards)
        if (h.unmarked_m >= 0.5) hs.push_back(&h);
    std::sort(hs.begin(), hs.end(), [](const ZoneHazard* a, const ZoneHazard* b) {
        return a->unmarked_m != b->unmarked_m ? a->unmarked_m > b->unmarked_m : a->feature < b->feature;
    });
    std::vector<std::string> names;
    for (size_t i = 0; i < hs.size() && i < kListed; ++i)
        names.push_back(hs.size() == 1 ? hs[i]->id : hs[i]->id + " (" + metres(hs[i]->unmarked_m) + ")");
    // "A", "A and B", "A, B and C", "A, B, C, D, E and 3 other hazards"
    std::string list;
    if (hs.size() > kListed) {
        list = join(names, ", ") + " and " + plural(static_cast<std::int64_t>(hs.size() - kListed), "other hazard", "other hazards");
    } else if (!names.empty()) {
        const std::string last = names.back();
        names.pop_back();
        list = names.empty() ? last : join(names, ", ") + " and " + last;
    }
    if (hs.empty()) list = "the hazards it touches";  // slivers under 0.5 m each that add up to a metre or more
    // The hazards are the subject, so the verb agrees with how many there are: "HA-9 has", "HA-1, HA-2 together have".
    return list + (hs.size() == 1 ? " has " : " together have ") + metres(z.unmarked_perimeter_m) +
           " of perimeter with no sign within " + metres(ctx.spec.sign_cover);
}

struct Unvisited {
    const ZoneSettlement* s;
    double population;  // NaN = unknown
    double last;
};

std::vector<Unvisited> unvisited(const Context& ctx, const Zone& z) {
    std::vector<Unvisited> out;
    for (const auto& s : z.settlements) {
        const double pop = ctx.settlement_population(s.feature);
        if (std::isfinite(pop) && pop <= 0) continue;  // nobody lives there (yet)
        const double last = ctx.settlement_last_session[static_cast<size_t>(s.feature)];
        if (!std::isnan(last) && ctx.as_of - last <= ctx.spec.session_stale_days) continue;
        out.push_back({&s, pop, last});
    }
    std::stable_sort(out.begin(), out.end(), [](const Unvisited& a, const Unvisited& b) {
        const double pa = std::isfinite(a.population) ? a.population : -1, pb = std::isfinite(b.population) ? b.population : -1;
        return pa > pb;  // largest first; nearest first among equals (the settlements are nearest first)
    });
    return out;
}

std::string sessions_reason(const Context& ctx, const std::vector<Unvisited>& u) {
    std::vector<std::string> items;
    for (size_t i = 0; i < u.size() && i < kListed; ++i) {
        const Unvisited& v = u[i];
        std::string t = v.s->name + " (";
        t += std::isfinite(v.population) ? thousands(v.population) + " people" : "population unknown";
        if (v.s->returnee) t += ", returnees";
        t += std::isnan(v.last) ? ", never visited" : ", last session " + month_of(v.last);
        t += ")";
        items.push_back(t);
    }
    std::string s = join(items, ", ");
    if (u.size() > kListed) {
        double more = 0;
        for (size_t i = kListed; i < u.size(); ++i)
            if (std::isfinite(u[i].population)) more += u[i].population;
        s += " and " + plural(static_cast<std::int64_t>(u.size() - kListed), "other settlement", "other settlements") + " (" +
             thousands(more) + " people)";
    }
    s += u.size() == 1 ? " has" : " have";
    s += " had no session in the last " + thousands(ctx.spec.session_stale_days) + " days";
    return s;
}

std::string monitor_reason(const Context& ctx, const Zone& z) {
    std::vector<std::string> facts;
    bool people = false;
    for (const auto& st : z.settlements) {
        const double pop = ctx.settlement_population(st.feature);
        people |= !(std::isfinite(pop) && pop <= 0);
    }
    if (z.settlements.empty()) facts.push_back("nobody lives within " + metres(ctx.spec.reach));
    else if (!people) facts.push_back("the settlements within " + metres(ctx.spec.reach) + " have nobody living in them");
    else facts.push_back("every settlement with people within " + metres(ctx.spec.reach) + " had a session in the last " +
                         thousands(ctx.spec.session_stale_days) + " days");
    if (z.hazards.empty()) facts.push_back("it touches no recorded hazard");
    else facts.push_back("the " + plural(static_cast<std::int64_t>(z.hazards.size()), "hazard", "hazards") +
                         " it touches " + (z.hazards.size() == 1 ? "is" : "are") + " marked or released");
    facts.push_back(z.incidents_all == 0 ? "no incident happened in it"
                                         : "no incident in it lies more than " + metres(ctx.spec.survey_distance) +
                                               " from a recorded hazard");
    char risk[64];
    std::snprintf(risk, sizeof risk, "mean risk %.2f", z.mean_risk);
    return std::string(risk) + ", but " + facts[0] + ", " + facts[1] + " and " + facts[2];
}

}  // namespace

void zone_actions(Context& ctx, std::vector<Zone>& zones) {
    for (Zone& z : zones) {
        std::vector<std::string> actions, reasons;
        if (z.incidents_far_from_hazards > 0) {
            actions.push_back("refer for non-technical survey");
            reasons.push_back(survey_reason(ctx, z));
        }
        if (z.unmarked_perimeter_m >= 1.0) {
            actions.push_back("mark");
            reasons.push_back(mark_reason(ctx, z));
        }
        const auto u = unvisited(ctx, z);
        if (!u.empty()) {
            actions.push_back("hold sessions");
            reasons.push_back(sessions_reason(ctx, u));
        }
        if (actions.empty()) {
            actions.push_back("monitor");
            reasons.push_back(monitor_reason(ctx, z));
        }
        z.action = join(actions, "; ");
        z.reason = join(reasons, "; ");
    }
}

}  // namespace minerisk::zones
