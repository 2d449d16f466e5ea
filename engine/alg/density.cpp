// Quartic kernel density by polynomial difference arrays.
//
// Along the row of cell centres y = r + 0.5, a point (px, py) with weight w contributes
//     K(c) = w * (1 - ((c + 0.5 - px)^2 + dy^2) / h^2)^2,   dy = r + 0.5 - py,
// a degree-4 polynomial in the column c, over the run of columns whose centres lie strictly within h.
// Each run adds its 5 coefficients at its first column and subtracts them after its last; one prefix pass
// per row then carries the sum of the active polynomials and evaluates it at each cell. Work is
// O(points x rows they touch + cells) and memory O(width), independent of the radius.
//
// Precision. In a global column variable the coefficients grow like (c / h)^4 and cancel catastrophically
// for wide rows and small radii. So the row is cut into chunks of B columns (B ~ h, 8..256) and every
// polynomial is written in t = c - c0, local to its chunk; a run crossing chunks is split into one segment
// per chunk, and the prefix sum restarts from zero at each chunk. Within a chunk |t|, |c0 - px| <= h + 2B,
// so no term exceeds ((h + 2B) / h)^4 times the weight: ~2e4 at worst (h = 1.5, B = 8), below 100 for
// h >= 8: measured errors are ~1e-12 of the peak for h = 1.5 and ~1e-15 for h >= 17.
// The alternative of carrying one running sum along the whole row and Taylor-shifting it at chunk
// boundaries does not work: the rounding residue of every run that ended is shifted along too, and grows
// like (distance / h)^4 until nothing is active - several percent of the peak on a densely covered
// 10,000-column row at h = 4.
// A count of active runs is carried alongside: where it is zero the cell is written as exactly 0 and the
// running sum is cleared, so residue never leaks into cells that no kernel reaches.
#include "minerisk/alg/density.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace minerisk::alg {
namespace {

using Poly = std::array<double, 5>;  // a0 + a1 t + a2 t^2 + a3 t^3 + a4 t^4

// The single membership test shared by both implementations, so that they agree on which cells a point
// reaches even where rounding decides (a cell at distance ~h has a kernel value of ~0 either way, but a
// cell outside every kernel must stay exactly 0).
inline bool within(double dx, double dy, double h2) { return dx * dx + dy * dy < h2; }

inline bool usable(const KernelPoint& p) {
    return std::isfinite(p.col) && std::isfinite(p.row) && std::isfinite(p.weight);
}

// Index range [lo, hi] of cells along one axis whose centres (i + 0.5) lie within `reach` of `centre`,
// clipped to [0, n - 1]; a superset by one cell on each side (callers test exact membership).
// Returns false when the range misses the block; never converts an out-of-range double to an integer.
// `centre` is in global coordinates; local index i is global index i + shift.
bool axis_range(double centre, double reach, std::int64_t n, std::int64_t& lo, std::int64_t& hi, std::int64_t shift = 0) {
    const double s = static_cast<double>(shift);
    const double first = std::floor(centre - reach - 0.5) - s;  // last centre at or before the left edge
    const double last = std::ceil(centre + reach - 0.5) - s;    // first centre at or after the right edge
    if (last < 0.0 || first > static_cast<double>(n - 1)) return false;
    lo = static_cast<std::int64_t>(std::max(first, 0.0));
    hi = static_cast<std::int64_t>(std::min(last, static_cast<double>(n - 1)));
    return lo <= hi;
}

// The cells [r0, r1] x [c0, c1] of a rows x cols block (its first cell at global (origin_row, origin_col)) that a
// point's kernel may reach; false when the point is unusable or reaches none.
struct CellBox {
    std::int64_t r0 = 0, r1 = 0, c0 = 0, c1 = 0;
};
bool kernel_box(const KernelPoint& p, double reach, std::int64_t rows, std::int64_t cols, std::int64_t origin_row,
                std::int64_t origin_col, CellBox& b) {
    return usable(p) && axis_range(p.row, reach, rows, b.r0, b.r1, origin_row) &&
           axis_range(p.col, reach, cols, b.c0, b.c1, origin_col);
}

// Exact run of columns of row offset dy that point column px reaches, clipped to the block: the sqrt
// estimate is corrected with within(), the same test the direct evaluation uses. False if empty.
bool column_run(double px, double dy, double h2, std::int64_t width, std::int64_t& lo, std::int64_t& hi,
                std::int64_t shift) {
    const double half2 = h2 - dy * dy;
    if (!(half2 > 0.0)) return false;  // dx^2 + dy^2 >= dy^2 >= h2 for every column
    if (!axis_range(px, std::sqrt(half2), width, lo, hi, shift)) return false;
    auto inside = [&](std::int64_t c) { return within(static_cast<double>(c + shift) + 0.5 - px, dy, h2); };
    while (lo <= hi && !inside(lo)) ++lo;
    while (hi >= lo && !inside(hi)) --hi;
    return lo <= hi;
}

// Coefficients in t = c - c0 of w * (1 - ((t + u)^2 + dy^2) / h^2)^2 with u = c0 + 0.5 - px:
// with e = 1 - (u^2 + dy^2) / h^2 it is w * (e - (2 u t + t^2) / h^2)^2, expanded.
Poly kernel_poly(double u, double dy, double inv_h2, double w) {
    const double e = 1.0 - (u * u + dy * dy) * inv_h2;
    const double wi2 = w * inv_h2 * inv_h2;
    return {w * e * e, -4.0 * w * e * u * inv_h2, 4.0 * wi2 * u * u - 2.0 * w * e * inv_h2, 4.0 * wi2 * u, wi2};
}

// Chunk length: about the radius keeps the terms near the kernel's own scale (see the file comment) and a
// run spans at most 2h / B + 2 chunks; the bounds keep per-chunk overhead low for small radii and the
// growth of t^4 within a chunk tame for large ones.
std::int64_t chunk_length(double h) { return static_cast<std::int64_t>(std::clamp(std::ceil(h), 8.0, 256.0)); }

// One row's difference arrays. Entries are consumed (zeroed) by the prefix pass, so one instance serves
// every row without clearing.
class RowAccumulator {
public:
    // Local column c is global column c + shift; shift is a multiple of chunk, so chunks sit on the same
    // global columns in every block.
    RowAccumulator(std::int64_t width, std::int64_t chunk, std::int64_t shift)
        : width_(width), chunk_(chunk), shift_(shift), delta_(static_cast<std::size_t>(width)),
          count_(static_cast<std::size_t>(width)) {}

    // Adds w * kernel over columns [lo, hi] at row offset dy from a point at column px: one segment per
    // chunk the run crosses, each in its chunk's local variable and ending at the chunk's end at the latest.
    void add_run(std::int64_t lo, std::int64_t hi, double px, double dy, double inv_h2, double w) {
        for (std::int64_t c0 = lo - lo % chunk_; c0 <= hi; c0 += chunk_) {
            const std::int64_t end = std::min(c0 + chunk_, width_);  // the accumulator is reset here anyway
            const Poly p = kernel_poly(static_cast<double>(c0 + shift_) + 0.5 - px, dy, inv_h2, w);
            add(std::max(lo, c0), p, +1.0, +1);
            if (hi + 1 < end) add(hi + 1, p, -1.0, -1);
        }
    }

    // Prefix pass: evaluates the running polynomial at every cell of the row, starting every chunk from
    // zero, so rounding residue from runs that ended never travels beyond the chunk.
    void emit(float* out) {
        for (std::int64_t c0 = 0; c0 < width_; c0 += chunk_) {
            const std::int64_t c1 = std::min(width_, c0 + chunk_);
            Poly acc{};
            std::int32_t active = 0;
            for (std::int64_t c = c0; c < c1; ++c) {
                Poly& d = delta_[static_cast<std::size_t>(c)];
                std::int32_t& n = count_[static_cast<std::size_t>(c)];
                active += n;
                n = 0;
                for (int k = 0; k < 5; ++k) acc[k] += d[k];
                d = Poly{};
                if (active == 0) {  // exact zero outside every kernel, and no residue carried past it
                    acc = Poly{};
                    out[c] = 0.0f;
                    continue;
                }
                const double t = static_cast<double>(c - c0);
                out[c] = static_cast<float>(acc[0] + t * (acc[1] + t * (acc[2] + t * (acc[3] + t * acc[4]))));
            }
        }
    }

private:
    void add(std::int64_t c, const Poly& p, double sign, std::int32_t n) {
        Poly& d = delta_[static_cast<std::size_t>(c)];
        for (int k = 0; k < 5; ++k) d[k] += sign * p[k];
        count_[static_cast<std::size_t>(c)] += n;
    }

    std::int64_t width_;
    std::int64_t chunk_;
    std::int64_t shift_;
    std::vector<Poly> delta_;
    std::vector<std::int32_t> count_;
};

// A point that reaches the block, with the last row it reaches.
struct Active {
    double col, row, weight;
    std::int64_t last_row;
    std::size_t index;  // in the caller's list: sums run in this order, whatever the block
};

}  // namespace

void quartic_density(const KernelPoint* points, std::size_t count, std::int64_t width, std::int64_t height,
                     double radius_cells, float* out, std::int64_t origin_col, std::int64_t origin_row) {
    if (width <= 0 || height <= 0) return;
    if (!(radius_cells > 0.0) || !std::isfinite(radius_cells)) {
        std::fill(out, out + width * height, 0.0f);
        return;
    }
    const double h2 = radius_cells * radius_cells;
    const double inv_h2 = 1.0 / h2;

    // The block is widened to the left to the chunk boundary at or before it (chunks lie on global
    // multiples of their length), so every cell is computed from the same pieces, summed in the same order,
    // whichever block holds it.
    const std::int64_t chunk = chunk_length(radius_cells);
    const std::int64_t aligned = (origin_col >= 0 ? origin_col / chunk : -((-origin_col + chunk - 1) / chunk)) * chunk;
    const std::int64_t pad = origin_col - aligned;
    const std::int64_t wide = width + pad;

    // Bucket points by the first row they reach (counting sort, O(points + rows)): the sweep over rows
    // then visits each point only on the rows it touches.
    std::vector<Active> reaching;
    std::vector<std::int64_t> first_row;
    std::vector<std::size_t> bucket(static_cast<std::size_t>(height) + 1, 0);
    for (std::size_t i = 0; i < count; ++i) {
        const KernelPoint& p = points[i];
        CellBox b;
        if (!kernel_box(p, radius_cells, height, wide, origin_row, aligned, b)) continue;
        reaching.push_back(Active{p.col, p.row, p.weight, b.r1, i});
        first_row.push_back(b.r0);
        ++bucket[static_cast<std::size_t>(b.r0) + 1];
    }
    for (std::size_t r = 1; r < bucket.size(); ++r) bucket[r] += bucket[r - 1];
    std::vector<Active> sorted(reaching.size());
    {
        std::vector<std::size_t> next(bucket.begin(), bucket.end() - 1);
        for (std::size_t i = 0; i < reaching.size(); ++i)
            sorted[next[static_cast<std::size_t>(first_row[i])]++] = reaching[i];
    }

    RowAccumulator row_acc(wide, chunk, aligned);
    std::vector<float> row_out(pad > 0 ? static_cast<std::size_t>(wide) : 0);
    std::vector<Active> active;
    active.reserve(sorted.size());
    const auto by_index = [](const Active& a, const Active& b) { return a.index < b.index; };
    for (std::int64_t r = 0; r < height; ++r) {
        const auto b = static_cast<std::size_t>(r);
        // Points that are done leave, new ones join; the list stays in the caller's order.
        active.erase(std::remove_if(active.begin(), active.end(), [r](const Active& p) { return p.last_row < r; }),
                     active.end());
        const std::size_t old = active.size();
        active.insert(active.end(), sorted.begin() + static_cast<std::ptrdiff_t>(bucket[b]),
                      sorted.begin() + static_cast<std::ptrdiff_t>(bucket[b + 1]));
        if (old > 0 && active.size() > old)
            std::inplace_merge(active.begin(), active.begin() + static_cast<std::ptrdiff_t>(old), active.end(), by_index);
        const double yc = static_cast<double>(r + origin_row) + 0.5;
        for (const Active& p : active) {
            const double dy = yc - p.row;
            std::int64_t lo = 0, hi = 0;
            if (column_run(p.col, dy, h2, wide, lo, hi, aligned)) row_acc.add_run(lo, hi, p.col, dy, inv_h2, p.weight);
        }
        if (pad == 0) {
            row_acc.emit(out + r * width);  // writes every cell of the row, zeros included
        } else {
            row_acc.emit(row_out.data());
            std::copy(row_out.begin() + pad, row_out.end(), out + r * width);
        }
    }
}

std::int64_t quartic_density_context(double radius_cells) {
    return radius_cells > 0.0 && std::isfinite(radius_cells) ? chunk_length(radius_cells) : 0;
}

void quartic_density_direct(const KernelPoint* points, std::size_t count, std::int64_t width,
                            std::int64_t height, double radius_cells, float* out, std::int64_t origin_col,
                            std::int64_t origin_row) {
    if (width <= 0 || height <= 0) return;
    std::fill(out, out + width * height, 0.0f);
    if (!(radius_cells > 0.0) || !std::isfinite(radius_cells)) return;
    const double h2 = radius_cells * radius_cells;
    std::vector<double> sum(static_cast<std::size_t>(width * height), 0.0);
    for (std::size_t i = 0; i < count; ++i) {
        const KernelPoint& p = points[i];
        CellBox b;
        if (!kernel_box(p, radius_cells, height, width, origin_row, origin_col, b)) continue;
        for (std::int64_t r = b.r0; r <= b.r1; ++r) {
            const double dy = static_cast<double>(r + origin_row) + 0.5 - p.row;
            for (std::int64_t c = b.c0; c <= b.c1; ++c) {
                const double dx = static_cast<double>(c + origin_col) + 0.5 - p.col;
                if (!within(dx, dy, h2)) continue;
                const double k = 1.0 - (dx * dx + dy * dy) / h2;
                sum[static_cast<std::size_t>(r * width + c)] += p.weight * k * k;
            }
        }
    }
    std::transform(sum.begin(), sum.end(), out, [](double v) { return static_cast<float>(v); });
}

double coarse_density_percentile(const double* x, const double* y, const double* weight, std::size_t count, double west,
                                 double north, double cell_size, std::int64_t width, std::int64_t height, double radius,
                                 double percentile) {
    const double factor = std::max(1.0, std::ceil(std::max(width, height) / 1024.0));
    const double cell = cell_size * factor;
    const auto cols = static_cast<std::int64_t>(std::ceil(width / factor));
    const auto rows = static_cast<std::int64_t>(std::ceil(height / factor));
    std::vector<KernelPoint> pts;
    for (std::size_t i = 0; i < count; ++i)
        if (weight[i] > 0) pts.push_back({(x[i] - west) / cell, (north - y[i]) / cell, weight[i]});
    std::vector<float> d(static_cast<std::size_t>(cols * rows));
    quartic_density(pts.data(), pts.size(), cols, rows, radius / cell, d.data());
    std::vector<float> positive;
    for (float v : d)
        if (v > 0) positive.push_back(v);
    if (positive.empty()) return 0;
    const std::size_t k = std::min(positive.size() - 1,
                                   static_cast<std::size_t>(std::floor(percentile / 100.0 * static_cast<double>(positive.size() - 1))));
    std::nth_element(positive.begin(), positive.begin() + static_cast<std::ptrdiff_t>(k), positive.end());
    return positive[k];
}

}  // namespace minerisk::alg
