// PlanInputs from a run: the scoring as the run combined it, and the hazards and signs as its factors counted
// them (hazard_proximity's class and ordnance weights, marking_gap's cover distance, ignored sign conditions and
// excluded statuses). Where the scenario has no such factor, the plugins' defaults and the zone settings apply.
#include <algorithm>

#include "minerisk/pipeline.hpp"
#include "minerisk/plugin.hpp"
#include "plans/plans_internal.hpp"

namespace minerisk::plans {

namespace {

std::vector<std::string> with_canceled(std::vector<std::string> statuses) {
    // The zone stage treats the American spelling as released too; so does every plan.
    if (std::find(statuses.begin(), statuses.end(), "cancelled") != statuses.end() &&
        std::find(statuses.begin(), statuses.end(), "canceled") == statuses.end())
        statuses.push_back("canceled");
    return statuses;
}

}  // namespace

PlanInputs plan_inputs(const RunPlan& plan, const ZoneResult& zones, const std::vector<std::string>& factor_paths) {
    PlanInputs in;
    in.inputs = &plan.inputs;
    in.zones = &zones;
    in.zone_spec = plan.scenario.zones;
    in.grid = plan.grid;
    in.as_of = plan.as_of;
    in.scenario_file = plan.scenario.file;
    in.method = plan.scenario.scoring.method;
    in.factor_paths = factor_paths;
    in.cover = plan.scenario.zones.sign_cover;
    in.cover_from = "zones.sign_cover";
    bool proximity_seen = false, marking_seen = false;
    for (const auto& f : plan.factors) {
        in.factor_names.push_back(f.spec.name);
        in.weights.push_back(f.spec.weight);
        in.groups.push_back(f.spec.group == "consequence" ? 1 : 0);
        in.factor_plugins.push_back(f.plugin ? f.plugin->name : f.spec.plugin);
        std::vector<std::string> names;
        if (f.plugin && f.plugin->api)
            for (int i = 0; i < f.plugin->api->param_count; ++i) names.push_back(f.plugin->api->params[i].name);
        in.factor_params.push_back(std::move(names));
        const plugin::Params p(f.params.data(), f.params.size());
        const std::string name = f.plugin ? f.plugin->name : f.spec.plugin;
        if (name == "hazard_proximity" && !proximity_seen) {
            proximity_seen = true;
            in.class_weights = p.table("class_weights");
            in.ordnance_weights = p.table("ordnance_weights");
            in.default_class_weight = p.number("default_class_weight", 0.7);
            in.default_ordnance_weight = p.number("default_ordnance_weight", 1.0);
            in.excluded_statuses = with_canceled(p.list("excluded_statuses"));
        } else if (name == "marking_gap" && !marking_seen) {
            marking_seen = true;
            in.cover = p.number("cover_distance", in.cover);
            in.cover_from = "the " + f.spec.name + " factor's cover_distance";
            in.ignored_conditions = p.list("ignored_conditions");
            if (!proximity_seen) in.excluded_statuses = with_canceled(p.list("excluded_statuses"));
        }
    }
    while (in.factor_paths.size() < in.factor_names.size()) in.factor_paths.emplace_back();
    return in;
}

void check_plans(const RunPlan& plan, const UncertaintySpec& uncertainty, const SignPlanSpec& signs,
                 const OutreachPlanSpec& outreach) {
    static const ZoneResult no_zones;
    const PlanInputs in = plan_inputs(plan, no_zones, {});
    if (uncertainty.draws > 0) {
        if (uncertainty.top_k < 1) throw Error("uncertainty.top_k must be 1 or more", uncertainty.where);
        check_parameters(in, uncertainty);
        if (!plan.scenario.outputs.factors)
            throw Error("rank stability recombines the factor rasters, and outputs.factors is off", uncertainty.where,
                        "set 'outputs: {factors: true}', or leave out the uncertainty analysis");
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
