// The plans' options of `minerisk run` (and `minerisk demo`): rank stability, the sign plan and the outreach plan.
// Each overrides the scenario's section of the same name (docs/uncertainty.md, sign-plan.md, outreach-plan.md).
#include <cstdio>

#include "commands.hpp"
#include "minerisk/scenario.hpp"
#include "minerisk/scenario_limits.hpp"

namespace minerisk::cli {

namespace {

namespace lim = limits;

// The options' ranges are the scenario keys' (minerisk/scenario_limits.hpp), in the option's own type so that
// CLI11 words them as before ("INT in [1 - 520]", "FLOAT in [0.01 - 100000]"). A plan's switch (--uncertainty,
// --signs, --facilitators) starts at 1: its 0, the scenario's "off", is leaving the option out.
CLI::Range int_range(const lim::Limit& l) { return CLI::Range(static_cast<int>(l.min), static_cast<int>(l.max)); }
CLI::Range switch_range(const lim::Limit& l) { return CLI::Range(1, static_cast<int>(l.max)); }
CLI::Range real_range(const lim::Limit& l) { return CLI::Range(l.min, l.max); }

// "default 12", from the same table.
std::string default_of(const lim::Limit& l) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "default %g", l.default_value);
    return buf;
}

}  // namespace

struct PlanFlags {
    int draws = 0, top_k = 0, signs = 0, facilitators = 0, per_week = 0, weeks = 0;
    std::uint64_t seed = 0;
    double spacing = 0, cover = 0, travel_km = 0, max_travel_km = 0;
    std::vector<std::string> bases;
    CLI::Option *o_draws = nullptr, *o_top_k = nullptr, *o_seed = nullptr, *o_signs = nullptr, *o_spacing = nullptr,
                *o_cover = nullptr, *o_fac = nullptr, *o_bases = nullptr, *o_per_week = nullptr, *o_weeks = nullptr,
                *o_travel = nullptr, *o_max_travel = nullptr;
};

std::shared_ptr<PlanFlags> add_plan_flags(CLI::App* cmd) {
    auto f = std::make_shared<PlanFlags>();
    auto* g = cmd->add_option_group("Plans", "what the run proposes beyond the map (off unless asked for; each overrides the scenario's section)");
    f->o_draws = g->add_option("--uncertainty", f->draws,
                               "rank stability: redraw the weights (and the scenario's uncertain parameters) N times and give "
                               "each zone and settlement its chance of being in the top k and its 5th-95th percentile rank "
                               "(docs/uncertainty.md)")
                     ->check(switch_range(lim::uncertainty::draws));
    f->o_top_k = g->add_option("--top-k", f->top_k,
                               "with --uncertainty: the k of \"in the top k\" (" + default_of(lim::uncertainty::top_k) + ")")
                     ->check(int_range(lim::uncertainty::top_k));
    f->o_seed = g->add_option("--seed", f->seed,
                              "with --uncertainty: the seed of the draws (same seed, same figures; " +
                                  default_of(lim::uncertainty::seed) + ")")
                    ->check(real_range(lim::uncertainty::seed));  // checked as a number: -1 would wrap to 2^64 - 1
    f->o_signs = g->add_option("--signs", f->signs,
                               "sign plan: a stock of N signs to place on the unmarked hazard perimeters, in order of the "
                               "exposure-weighted perimeter each marks; writes sign_plan.csv and sign_plan.gpx (docs/sign-plan.md)")
                     ->check(switch_range(lim::sign_plan::signs));
    f->o_spacing = g->add_option("--sign-spacing", f->spacing,
                                 "with --signs: metres of perimeter between neighbouring new signs, in sight of the next "
                                 "(default: 2 x the cover distance)")
                       ->check(real_range(lim::sign_plan::spacing));
    f->o_cover = g->add_option("--sign-cover", f->cover,
                               "with --signs: metres of perimeter a sign covers either side (default: the marking_gap "
                               "factor's cover_distance, else zones.sign_cover)")
                     ->check(real_range(lim::sign_plan::cover));
    f->o_fac = g->add_option("--facilitators", f->facilitators,
                             "outreach plan: N risk-education facilitators; writes outreach_plan.csv (docs/outreach-plan.md)")
                   ->check(switch_range(lim::outreach_plan::facilitators));
    f->o_bases = g->add_option("--base", f->bases,
                               "with --facilitators: a home base, one for all or one per facilitator (repeat): a settlement's "
                               "id or name, or \"lon,lat\" in WGS 84 degrees")
                     ->expected(1)
                     ->allow_extra_args(false)
                     ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    f->o_per_week = g->add_option("--sessions-per-week", f->per_week,
                                  "with --facilitators: sessions per facilitator per week (" +
                                      default_of(lim::outreach_plan::sessions_per_week) + ")")
                        ->check(int_range(lim::outreach_plan::sessions_per_week));
    f->o_weeks = g->add_option("--weeks", f->weeks,
                               "with --facilitators: the horizon in weeks (" + default_of(lim::outreach_plan::weeks) + ")")
                     ->check(int_range(lim::outreach_plan::weeks));
    f->o_travel = g->add_option("--travel-km", f->travel_km,
                                "with --facilitators: a settlement this far from the base counts half (" +
                                    default_of(lim::outreach_plan::travel_km) + ")")
                      ->check(real_range(lim::outreach_plan::travel_km));
    f->o_max_travel = g->add_option("--max-travel-km", f->max_travel_km,
                                    "with --facilitators: leave out settlements farther than this from every base (default: none)")
                          ->check(real_range(lim::outreach_plan::max_travel_km));
    return f;
}

void apply_plan_flags(const PlanFlags& f, Scenario& sc) {
    auto given = [](const CLI::Option* o) { return o && o->count() > 0; };
    if (given(f.o_draws)) sc.uncertainty.draws = f.draws;
    if (given(f.o_top_k)) sc.uncertainty.top_k = f.top_k;
    if (given(f.o_seed)) sc.uncertainty.seed = f.seed;
    if (given(f.o_signs)) sc.sign_plan.signs = f.signs;
    if (given(f.o_spacing)) sc.sign_plan.spacing = f.spacing;
    if (given(f.o_cover)) sc.sign_plan.cover = f.cover;
    if (given(f.o_fac)) sc.outreach_plan.facilitators = f.facilitators;
    if (given(f.o_bases)) {
        sc.outreach_plan.bases = f.bases;
        sc.outreach_plan.base_where.assign(f.bases.size(), Location{"--base"});
    }
    if (given(f.o_per_week)) sc.outreach_plan.sessions_per_week = f.per_week;
    if (given(f.o_weeks)) sc.outreach_plan.weeks = f.weeks;
    if (given(f.o_travel)) sc.outreach_plan.travel_km = f.travel_km;
    if (given(f.o_max_travel)) sc.outreach_plan.max_travel_km = f.max_travel_km;
    // Options that only make sense with their plan: say so rather than ignore them.
    const bool off_u = sc.uncertainty.draws == 0, off_s = sc.sign_plan.signs == 0, off_o = sc.outreach_plan.facilitators == 0;
    for (auto [o, off, needs] : {std::tuple{f.o_top_k, off_u, "--uncertainty N"}, std::tuple{f.o_seed, off_u, "--uncertainty N"},
                                 std::tuple{f.o_spacing, off_s, "--signs N"}, std::tuple{f.o_cover, off_s, "--signs N"},
                                 std::tuple{f.o_bases, off_o, "--facilitators N"}, std::tuple{f.o_per_week, off_o, "--facilitators N"},
                                 std::tuple{f.o_weeks, off_o, "--facilitators N"}, std::tuple{f.o_travel, off_o, "--facilitators N"},
                                 std::tuple{f.o_max_travel, off_o, "--facilitators N"}})
        if (given(o) && off)
            throw CLI::ValidationError(o->get_name(), "only applies with " + std::string(needs) +
                                                          " (or the scenario's section); add it or leave this option out");
}

void print_plans(const RunSummary& s) {
    const plans::PlansResult& p = s.plans;
    if (p.stability_done) {
        const auto& st = p.stability;
        std::printf("rank stability: %d draws (seed %llu); not settled in the top %d: %lld of %zu zones, %lld of %zu settlements "
                    "(%.2f s)\n",
                    st.draws, static_cast<unsigned long long>(st.seed), st.top_k, static_cast<long long>(st.unsettled_zones),
                    st.zones.size(), static_cast<long long>(st.unsettled_settlements), st.settlements.size(),
                    st.seconds_gather + st.seconds_draws);
    }
    if (p.signs_done) {
        const auto& sp = p.signs;
        std::printf("sign plan: %zu of %d signs placed; unmarked perimeter %.1f km -> %.1f km; %lld signs would mark it all at %g m\n",
                    sp.signs.size(), sp.stock, sp.unmarked_before_m / 1000, sp.unmarked_after_m / 1000,
                    static_cast<long long>(sp.signs_to_finish), sp.spacing);
    }
    if (p.outreach_done) {
        const auto& op = p.outreach;
        std::printf("outreach plan: %zu sessions over %d weeks reach %lld settlements (%.0f people); %.0f %% of the people of the "
                    "%d highest-ranked settlements\n",
                    op.sessions.size(), op.weeks, static_cast<long long>(op.settlements_covered), op.people_covered,
                    op.top_people > 0 ? 100 * op.top_people_reached / op.top_people : 0.0, op.top);
    }
}

}  // namespace minerisk::cli
