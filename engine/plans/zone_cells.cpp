// The factor values rank stability recombines, gathered once from the factor rasters the run wrote:
//   - per zone, over its cells: the zone polygons follow the grid's cell edges, so their cells come back exactly
//     as runs (even-odd on the vertical edges at each row); the rasters are then read by blocks of rows, only
//     where zones are;
//   - per ranked settlement, over the cells whose centre lies within zones.reach of it (its point, or its outline:
//     0 inside), exactly as the zone stage measures a settlement's risk.
// Only cells where every factor has a value count (the combined risk is NaN elsewhere).
#include <ogr_geometry.h>

#include <algorithm>
#include <memory>

#include "minerisk/error.hpp"
#include "plans/plans_internal.hpp"
#include "zones/risk_reader.hpp"

namespace minerisk::plans {

namespace {

constexpr std::int64_t kRows = 256;

struct Edge {
    std::int64_t row;
    std::int32_t label, col;
    bool operator<(const Edge& o) const {
        if (row != o.row) return row < o.row;
        if (label != o.label) return label < o.label;
        return col < o.col;
    }
};

// What each item gathers, cell by cell.
class Accumulator {
public:
    Accumulator(size_t factors, const std::vector<int>& groups, bool sums, bool cross, bool sample)
        : nf_(factors), sums_(sums), cross_(cross), sample_(sample) {
        for (size_t k = 0; k < nf_; ++k) (k < groups.size() && groups[k] == 1 ? c_ : l_).push_back(k);
    }
    // Clears an aggregate; returns the sampling stride for about `expected_cells` cells (every stride-th valid cell
    // in scan order is kept, at most kSampleCells).
    std::int64_t start(FactorAggregate& a, std::int64_t expected_cells) const {
        a = FactorAggregate{};
        if (sums_) a.sum.assign(nf_, 0.0);
        if (cross_) a.cross.assign(l_.size() * c_.size(), 0.0);
        return std::max<std::int64_t>(1, (expected_cells + kSampleCells - 1) / kSampleCells);
    }
    void add(FactorAggregate& a, std::int64_t stride, const float* v) const {
        for (size_t k = 0; k < nf_; ++k)
            if (!std::isfinite(v[k])) return;
        if (sample_ && a.cells % stride == 0 && a.sample.size() < static_cast<size_t>(kSampleCells) * nf_)
            a.sample.insert(a.sample.end(), v, v + nf_);
        ++a.cells;
        if (sums_)
            for (size_t k = 0; k < nf_; ++k) a.sum[k] += v[k];
        if (cross_)
            for (size_t i = 0; i < l_.size(); ++i)
                for (size_t j = 0; j < c_.size(); ++j) a.cross[i * c_.size() + j] += double(v[l_[i]]) * double(v[c_[j]]);
    }

private:
    size_t nf_;
    bool sums_, cross_, sample_;
    std::vector<size_t> l_, c_;
};

std::vector<std::unique_ptr<zones::RiskReader>> open_factors(const PlanInputs& in) {
    std::vector<std::unique_ptr<zones::RiskReader>> out;
    for (size_t k = 0; k < in.factor_names.size(); ++k) {
        if (in.scored) {
            out.push_back(std::make_unique<zones::RiskReader>(*in.scored, static_cast<int>(k) + 1,
                                                              "the factor '" + in.factor_names[k] + "'"));
            continue;
        }
        const std::string path = k < in.factor_paths.size() ? in.factor_paths[k] : std::string();
        if (path.empty())
            throw Error("rank stability recombines the factors' scores, and the factor '" + in.factor_names[k] +
                            "' has no raster to read them from",
                        Location{in.scenario_file}, "give PlanInputs the run's scored tiles, or one raster per factor");
        try {
            out.push_back(std::make_unique<zones::RiskReader>(path, in.grid));
        } catch (const Error& e) {
            throw Error("rank stability cannot read the raster of the factor '" + in.factor_names[k] + "': " + e.problem(),
                        Location{path}, "it must be the factor raster the same run wrote");
        }
    }
    return out;
}

}  // namespace

zones::RowRuns zone_runs(const std::vector<Zone>& zs, const GridSpec& grid) {
    std::vector<Edge> edges;
    const double cs = grid.cell_size;
    for (size_t z = 0; z < zs.size(); ++z) {
        OGRGeometry* g = nullptr;
        if (zs[z].wkb.empty() ||
            OGRGeometryFactory::createFromWkb(zs[z].wkb.data(), nullptr, &g, zs[z].wkb.size(), wkbVariantIso) != OGRERR_NONE || !g)
            continue;
        std::unique_ptr<OGRGeometry> owned(g);
        std::vector<std::vector<Pt>> rings;
        rings_of(g, rings);
        for (const auto& ring : rings)
            for (size_t i = 0; i + 1 < ring.size(); ++i) {
                const Pt a = ring[i], b = ring[i + 1];
                const double ca = (a.x - grid.origin_x) / cs, cb = (b.x - grid.origin_x) / cs;
                if (std::fabs(ca - cb) > 1e-6) continue;  // not vertical: crosses no row's centre line
                const std::int64_t r0 = std::llround((grid.origin_y - std::max(a.y, b.y)) / cs);
                const std::int64_t r1 = std::llround((grid.origin_y - std::min(a.y, b.y)) / cs);
                const std::int32_t col = static_cast<std::int32_t>(std::llround(ca));
                for (std::int64_t r = std::max<std::int64_t>(0, r0); r < std::min(r1, grid.height); ++r)
                    edges.push_back({r, static_cast<std::int32_t>(z + 1), col});
            }
    }
    std::sort(edges.begin(), edges.end());
    zones::RowRuns runs(grid.width, grid.height);
    std::vector<zones::Run> row_runs;
    size_t e = 0;
    for (std::int64_t r = 0; r < grid.height; ++r) {
        row_runs.clear();
        while (e < edges.size() && edges[e].row == r) {
            // Pairs of crossings of one zone: [c0, c1) inside.
            const std::int32_t label = edges[e].label;
            size_t f = e;
            while (f < edges.size() && edges[f].row == r && edges[f].label == label) ++f;
            for (size_t i = e; i + 1 < f; i += 2) {
                const std::int32_t c0 = std::max<std::int32_t>(0, edges[i].col);
                const std::int32_t c1 = std::min<std::int32_t>(static_cast<std::int32_t>(grid.width), edges[i + 1].col);
                if (c1 > c0) row_runs.push_back({c0, c1, label});
            }
            e = f;
        }
        std::sort(row_runs.begin(), row_runs.end(), [](const zones::Run& a, const zones::Run& b) { return a.c0 < b.c0; });
        for (const auto& run : row_runs) runs.add(run.c0, run.c1, run.label);
        runs.end_row();
    }
    return runs;
}

double recombined_mean(const std::string& method, const FactorAggregate& a, const std::vector<double>& w,
                       const std::vector<int>& groups) {
    if (a.cells <= 0) return 0;
    const size_t n = w.size();
    if (method == "likelihood_consequence") {
        double sum[2] = {0, 0};
        std::vector<size_t> l, c;
        for (size_t k = 0; k < n; ++k) {
            const int g = k < groups.size() ? groups[k] : 0;
            sum[g] += w[k];
            (g == 1 ? c : l).push_back(k);
        }
        if (!(sum[0] > 0) || !(sum[1] > 0) || a.cross.size() != l.size() * c.size()) return 0;
        double total = 0;
        for (size_t i = 0; i < l.size(); ++i)
            for (size_t j = 0; j < c.size(); ++j)
                total += (w[l[i]] / sum[0]) * (w[c[j]] / sum[1]) * a.cross[i * c.size() + j];
        return total / double(a.cells);
    }
    double total = 0, top = 0;
    for (double x : w) total += x, top = std::max(top, x);
    if (!(total > 0)) return 0;
    if (method == "weighted_product" || method == "maximum") {
        const size_t m = n ? a.sample.size() / n : 0;
        if (m == 0) return 0;
        double s = 0;
        for (size_t i = 0; i < m; ++i) {
            const float* v = a.sample.data() + i * n;
            double r = method == "maximum" ? 0.0 : 1.0;
            for (size_t k = 0; k < n; ++k) {
                if (method == "maximum") r = std::max(r, (w[k] / top) * v[k]);
                else if (w[k] > 0) r *= std::pow(static_cast<double>(v[k]), w[k] / total);
            }
            s += r;
        }
        return s / double(m);
    }
    if (a.sum.size() != n) return 0;
    double s = 0;
    for (size_t k = 0; k < n; ++k) s += w[k] * a.sum[k];
    return s / (total * double(a.cells));
}

Gathered gather_factors(const PlanInputs& in, bool sums, bool cross, bool sample, const Progress& progress) {
    Gathered out;
    const ZoneResult& zr = *in.zones;
    const GridSpec& grid = in.grid;
    const size_t nf = in.factor_names.size();
    auto readers = open_factors(in);
    const Accumulator acc(nf, in.groups, sums, cross, sample);
    std::vector<float> v(nf);

    // Zones: their runs, and the blocks of rows that hold them.
    out.zones.resize(zr.zones.size());
    std::vector<std::int64_t> stride(zr.zones.size(), 1);
    for (size_t z = 0; z < zr.zones.size(); ++z) stride[z] = acc.start(out.zones[z], zr.zones[z].cells);
    const zones::RowRuns runs = zone_runs(zr.zones, grid);
    std::vector<std::int64_t> cells_found(zr.zones.size() + 1, 0);
    std::vector<std::vector<float>> block(nf);
    for (std::int64_t r0 = 0; r0 < grid.height; r0 += kRows) {
        const std::int64_t rows = std::min(kRows, grid.height - r0);
        bool any = false;
        for (std::int64_t r = r0; r < r0 + rows && !any; ++r) any = runs.row_begin(r) != runs.row_end(r);
        if (!any) continue;
        const Window w{0, r0, grid.width, rows};
        for (size_t k = 0; k < nf; ++k) block[k] = readers[k]->window(w);
        for (std::int64_t r = r0; r < r0 + rows; ++r)
            for (const zones::Run* it = runs.row_begin(r); it != runs.row_end(r); ++it) {
                const size_t z = static_cast<size_t>(it->label - 1);
                FactorAggregate& a = out.zones[z];
                cells_found[static_cast<size_t>(it->label)] += it->c1 - it->c0;
                for (std::int32_t c = it->c0; c < it->c1; ++c) {
                    const size_t at = static_cast<size_t>((r - r0) * grid.width + c);
                    for (size_t k = 0; k < nf; ++k) v[k] = block[k][at];
                    acc.add(a, stride[z], v.data());
                }
            }
        if (!progress.report(0.5 * double(r0 + rows) / double(grid.height), "gathering factor values"))
            throw Error("cancelled");
    }
    std::int64_t mismatched = 0;
    for (size_t z = 0; z < zr.zones.size(); ++z)
        if (cells_found[z + 1] != zr.zones[z].cells) ++mismatched;
    if (mismatched)
        out.warnings.push_back("rank stability: the cells of " + zones::plural(mismatched, "zone", "zones") +
                               " read back from the polygons differ from the zone stage's count (a polygon not on the grid?)");

    // Ranked settlements: the cells whose centre lies within reach, as the zone stage measures them.
    out.settlements.resize(zr.settlements.size());
    const FeatureLayer* L = in.inputs ? in.inputs->find("settlements") : nullptr;
    zones::Geos geos;
    zones::GeomCache cache(geos, L);
    const double reach = in.zone_spec.reach, r2 = reach * reach;
    for (size_t i = 0; i < zr.settlements.size(); ++i) {
        FactorAggregate& a = out.settlements[i];
        const std::int64_t every = acc.start(a, static_cast<std::int64_t>(3.15 * r2 / (grid.cell_size * grid.cell_size)) + 1);
        const std::int64_t s = zr.settlements[i].feature;
        if (!L || s < 0 || s >= L->size()) continue;
        const Extent& b = L->bounds[static_cast<size_t>(s)];
        const GEOSPreparedGeometry* pg = cache.prepared(s);
        if (!pg || b.empty()) continue;
        const bool is_point = b.xmin == b.xmax && b.ymin == b.ymax;
        const Window w = grid.window_of(b.grown(reach));
        if (w.cells() <= 0) continue;
        std::vector<std::vector<float>> win(nf);
        for (size_t k = 0; k < nf; ++k) win[k] = readers[k]->window(w);
        for (std::int64_t row = w.row0; row < w.row0 + w.height; ++row) {
            const double y = grid.origin_y - (double(row) + 0.5) * grid.cell_size;
            for (std::int64_t col = w.col0; col < w.col0 + w.width; ++col) {
                const double x = grid.origin_x + (double(col) + 0.5) * grid.cell_size;
                const double dx = std::max({b.xmin - x, 0.0, x - b.xmax}), dy = std::max({b.ymin - y, 0.0, y - b.ymax});
                if (dx * dx + dy * dy > r2) continue;
                if (!is_point) {
                    GEOSGeometry* p = geos.point(x, y);
                    const bool within = GEOSPreparedDistanceWithin_r(geos.h, pg, p, reach) == 1;
                    GEOSGeom_destroy_r(geos.h, p);
                    if (!within) continue;
                }
                const size_t at = static_cast<size_t>((row - w.row0) * w.width + (col - w.col0));
                for (size_t k = 0; k < nf; ++k) v[k] = win[k][at];
                acc.add(a, every, v.data());
            }
        }
        if (!progress.report(0.5 + 0.5 * double(i + 1) / double(zr.settlements.size()), "gathering factor values"))
            throw Error("cancelled");
    }
    return out;
}

}  // namespace minerisk::plans
