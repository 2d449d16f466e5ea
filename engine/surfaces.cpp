#include "minerisk/surfaces.hpp"

#include <algorithm>
#include <cstring>

#include "scoring/host.hpp"
#include "scoring/scoring_run.hpp"

namespace minerisk {

Surfaces compute_surfaces(RunPlan& plan, double as_of, const Progress& progress, std::uint64_t max_bytes) {
    const GridSpec& grid = plan.grid;
    const std::uint64_t bytes = static_cast<std::uint64_t>(grid.cells()) * 4 * (plan.factors.size() + 1);
    if (bytes > max_bytes)
        throw Error("the surfaces of this grid (" + grid.describe() + ") need " + MemoryEstimate{bytes}.describe() +
                        " of memory, more than this analysis may use",
                    Location{plan.scenario.file}, "use a coarser resolution for the analysis");
    Surfaces s;
    s.grid = grid;
    s.as_of = as_of;
    s.method = plan.scenario.scoring.method;
    for (const auto& f : plan.factors) {
        s.factor_names.push_back(f.spec.name);
        s.factor_roles.push_back(f.roles);
        s.factor_meanings.push_back(f.plugin->api->description ? f.plugin->api->description : "");
        s.weights.push_back(f.spec.weight);
        s.groups.push_back(f.spec.group == "consequence" ? 1 : 0);
    }
    s.factors.assign(plan.factors.size(), std::vector<float>(static_cast<size_t>(grid.cells())));
    s.risk.assign(static_cast<size_t>(grid.cells()), 0.0f);

    Host host(plan.inputs, grid);
    host.set_run_context(as_of, plan.scenario.dir);
    PreparedFactors prepared;
    prepare_factors(plan, host, prepared);
    // Tiles write disjoint parts of the arrays: no lock needed.
    const auto copy_block = [&](const Window& w, const float* src, std::vector<float>& dst) {
        for (std::int64_t r = 0; r < w.height; ++r)
            std::memcpy(dst.data() + (w.row0 + r) * grid.width + w.col0, src + r * w.width, sizeof(float) * w.width);
    };
    const auto sink = [&](const Window& w, TileBands& tile) {
        for (size_t k = 0; k < tile.factor.size(); ++k) copy_block(w, tile.factor[k][0].data(), s.factors[k]);
        copy_block(w, tile.risk.data(), s.risk);
    };
    const ScoreStats st = score_tiles(plan, host, prepared, combine_spec(plan), [](size_t, int) { return false; }, sink, progress);
    s.warnings = st.warnings;
    for (const auto& w : host.warnings()) s.warnings.push_back(w);
    s.notes = host.infos();
    return s;
}

}  // namespace minerisk
