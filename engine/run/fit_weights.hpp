// `scoring.method: fitted`: the weights of the factors estimated from the incidents before the run's date.
#pragma once
#include "minerisk/progress.hpp"
#include "minerisk/run_plan.hpp"

namespace minerisk {

// Fits the weights of the plan's factors with a positive scenario weight (the others keep 0: baselines only)
// from the incidents dated on or before `as_of`, and puts them in plan.factors[k].spec.weight and plan.fit:
//   - the factors are scored as known on  from = as_of - fit_years  (compute_surfaces, every core);
//   - the incidents of (from, as_of] are counted per cell (cells where every factor has a value);
//   - a non-negative Poisson regression (minerisk/poisson_fit.hpp) of those counts on the factors;
//   - its regularisation chosen on the period before: the same fit of (cv_from, from] on the factors as of
//     cv_from, judged by its deviance on (from, as_of] scored with the factors as of from (time-ordered).
// Never reads an incident after as_of. Throws Error: no incidents layer or dates, too few incidents (naming the
// number needed), a factor constant over the area, a fit that does not converge, no factor with a weight.
void fit_weights(RunPlan& plan, double as_of, const Progress& progress = {});

}  // namespace minerisk
