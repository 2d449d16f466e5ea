// The run's reference date (as_of), when the scenario gives none.
#pragma once
#include "minerisk/run_plan.hpp"

namespace minerisk {

// The scenario's as_of, else the latest date in the inputs that is not after `today` (days since 1970-01-01),
// else today. Not today by default: a run must give the same result tomorrow. Dates after today are typing
// errors (2200-12-31) that would age every incident out; they are left out of the choice with one warning per
// layer naming the first records. Sets plan.as_of and plan.as_of_reason; adds to plan.warnings.
void choose_as_of(RunPlan& plan, double today);

}  // namespace minerisk
