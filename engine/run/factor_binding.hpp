// Binding the scenario's factors to their plugins, and the run's HazardRules built once from them.
#pragma once
#include "minerisk/run_plan.hpp"

namespace minerisk {

// Finds each factor's plugin on the search path, checks its parameters and layers, takes its roles (descriptor,
// or the scenario's), and builds plan.hazard_rules: from the first factor with the "hazard_rules" role (class and
// ordnance weights, excluded statuses) and the first with "sign_cover" (ignored sign conditions), else the
// defaults. Every other factor that declares a rule's parameter without the scenario setting it then takes the
// rule's value, so that one excluded_statuses reaches every factor. Throws Error at the factor's line.
void bind_factors(RunPlan& plan);

}  // namespace minerisk
