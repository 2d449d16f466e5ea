// What a run found and wrote: the results the stages hand on, and the files the exports leave.
#pragma once
#include <string>
#include <vector>

#include "minerisk/areas.hpp"
#include "minerisk/plans.hpp"
#include "minerisk/run_plan.hpp"
#include "minerisk/zones.hpp"

namespace minerisk {

struct OutputFile {
    std::string path;
    std::string what;
};

struct RunSummary {
    std::vector<OutputFile> outputs;
    std::vector<std::string> warnings;
    std::vector<std::string> notes;  // what plugins reported for information (counts, totals)
    std::vector<StageTime> stages;
    double risk_min = 0, risk_mean = 0, risk_max = 0;
    ZoneResult zones;
    plans::PlansResult plans;  // rank stability, sign plan, outreach plan: those the scenario or the command line asked for
    AreaRanking areas;         // the areas of inputs.areas ranked, when the scenario sets summary_by (done = true)
};

}  // namespace minerisk
