// PlanInputs from a run: the scoring as the run combined it, its scored tiles, and the hazards and signs as the run's
// HazardRules count them. The sign plan's cover distance is the cover_distance of the factor with the "sign_cover"
// role (docs/plugin-guide.md, "Roles"), else zones.sign_cover: the plans ask for a role, never for a plugin.
#include <algorithm>

#include "minerisk/plugin.hpp"
#include "minerisk/run_plan.hpp"
#include "plans/plans_internal.hpp"

namespace minerisk::plans {

PlanInputs plan_inputs(const RunPlan& plan, const ZoneResult& zones, const ScoredTiles* scored) {
    PlanInputs in;
    in.inputs = &plan.inputs;
    in.zones = &zones;
    in.zone_spec = plan.scenario.zones;
    in.grid = plan.grid;
    in.as_of = plan.as_of;
    in.scenario_file = plan.scenario.file;
    in.method = plan.scenario.scoring.method;
    in.scored = scored;
    in.rules = plan.hazard_rules;
    in.cover = plan.scenario.zones.sign_cover;
    in.cover_from = "zones.sign_cover";
    for (const auto& f : plan.factors) {
        in.factor_names.push_back(f.spec.name);
        in.weights.push_back(f.spec.weight);
        in.groups.push_back(f.spec.group == "consequence" ? 1 : 0);
        std::vector<std::string> names;
        if (f.plugin && f.plugin->api)
            for (int i = 0; i < f.plugin->api->param_count; ++i) names.push_back(f.plugin->api->params[i].name);
        in.factor_params.push_back(std::move(names));
    }
    if (const BoundFactor* f = plan.factor_with_role("sign_cover")) {
        const plugin::Params p(f->params.data(), f->params.size());
        in.cover = p.number("cover_distance", in.cover);
        in.cover_from = "the " + f->spec.name + " factor's cover_distance";
    }
    return in;
}

void check_plans(const RunPlan& plan, const UncertaintySpec& uncertainty, const SignPlanSpec& signs,
                 const OutreachPlanSpec& outreach) {
    static const ZoneResult no_zones;
    const PlanInputs in = plan_inputs(plan, no_zones, nullptr);
    if (uncertainty.draws > 0) {
        if (uncertainty.top_k < 1) throw Error("uncertainty.top_k must be 1 or more", uncertainty.where);
        check_parameters(in, uncertainty);
    }
    if (signs.signs > 0) {
        if (signs.spacing && !(*signs.spacing > 0)) throw Error("sign_plan.spacing must be above 0 m", signs.where, "e.g. spacing: 100");
        const double cover = signs.cover ? *signs.cover : in.cover;
        if (!(cover > 0))
            throw Error("the sign plan needs a cover distance above 0 m (" + (signs.cover ? std::string("sign_plan.cover") : in.cover_from) +
                            " is 0)",
                        signs.where, "set sign_plan.cover, e.g. cover: 100");
    }
    if (outreach.facilitators > 0) resolve_bases(in, outreach);
}

}  // namespace minerisk::plans
