// build_plans: the plans a run asks for, in order (rank stability, the sign plan, the outreach plan), each with its
// share of the progress, and their warnings.
#include "minerisk/error.hpp"
#include "plans/plans_internal.hpp"

namespace minerisk::plans {

PlansResult build_plans(const PlanInputs& in, const UncertaintySpec& uncertainty, const SignPlanSpec& signs,
                        const OutreachPlanSpec& outreach, const Progress& progress) {
    PlansResult r;
    if (!in.zones) throw Error("the plans need the zone stage's result");
    const int parts = (uncertainty.draws > 0) + (signs.signs > 0) + (outreach.facilitators > 0);
    int done = 0;
    auto slice = [&] {
        const Progress p = progress.sub(double(done) / std::max(1, parts), double(done + 1) / std::max(1, parts));
        ++done;
        return p;
    };
    if (uncertainty.draws > 0) {
        r.stability = rank_stability(in, uncertainty, slice());
        r.stability_done = true;
        for (const auto& w : r.stability.warnings) r.warnings.push_back(w);
    }
    if (signs.signs > 0) {
        r.signs = sign_plan(in, signs, slice());
        r.signs_done = true;
        for (const auto& w : r.signs.warnings) r.warnings.push_back(w);
    }
    if (outreach.facilitators > 0) {
        r.outreach = outreach_plan(in, outreach, slice());
        r.outreach_done = true;
        for (const auto& w : r.outreach.warnings) r.warnings.push_back(w);
    }
    return r;
}

}  // namespace minerisk::plans
