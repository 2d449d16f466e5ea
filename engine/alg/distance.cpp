// Exact Euclidean distance transform (Felzenszwalb & Huttenlocher 2012), separable in two passes:
//   pass 1, per column: vertical distance (in cells) to the nearest feature cell of the same column;
//   pass 2, per row:    d2(x) = min_q ((x - q)^2 + dv(q)^2), the lower envelope of parabolas rooted at q.
// Pass 1 is the 1-D transform of a 0/+inf function, where the lower envelope of parabolas reduces to the
// nearest feature above or below; it is computed as two row-major sweeps so that memory is read in order.
#include "minerisk/alg/distance.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <thread>
#include <vector>

namespace minerisk::alg {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Pass 1 stores vertical distances in the caller's output buffer when they fit its type exactly; a float
// holds every integer up to 2^24, so taller blocks need a separate double buffer for the float output.
constexpr std::int64_t kFloatExactLimit = std::int64_t{1} << 24;

// Runs fn(begin, end) on `threads` contiguous slices of [0, n), the first on the calling thread.
// Slice boundaries are multiples of `align` so that workers writing neighbouring columns of the same row
// rarely share a cache line (correctness does not depend on it: slices never overlap).
template <class Fn>
void parallel_ranges(std::int64_t n, unsigned threads, std::int64_t align, Fn fn) {
    const std::int64_t max_workers = std::max<std::int64_t>(1, n / std::max<std::int64_t>(align, 1));
    const std::int64_t workers = std::min<std::int64_t>(std::max(threads, 1u), max_workers);
    if (workers <= 1) {
        fn(std::int64_t{0}, n);
        return;
    }
    auto boundary = [&](std::int64_t i) {
        if (i >= workers) return n;
        const std::int64_t b = n * i / workers;
        return std::min(n, b - b % align);
    };
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(workers - 1));
    for (std::int64_t i = 1; i < workers; ++i) pool.emplace_back(fn, boundary(i), boundary(i + 1));
    fn(std::int64_t{0}, boundary(1));
    for (auto& t : pool) t.join();
}

// Pass 1 on columns [c0, c1): dv = |row - row of the nearest feature in the column|, +inf if none.
// A downward sweep finds the nearest feature above, an upward sweep takes the minimum with the one below.
template <class T>
void column_pass(const std::uint8_t* mask, std::int64_t width, std::int64_t height, std::int64_t c0,
                 std::int64_t c1, T* dv) {
    const T inf = std::numeric_limits<T>::infinity();
    for (std::int64_t c = c0; c < c1; ++c) dv[c] = mask[c] ? T(0) : inf;
    // Both operands of each select are computed unconditionally so that the compiler can emit a select
    // rather than a branch, which a random mask would mispredict on every other cell.
    for (std::int64_t r = 1; r < height; ++r) {
        const std::uint8_t* m = mask + r * width;
        T* cur = dv + r * width;
        const T* above = cur - width;
        for (std::int64_t c = c0; c < c1; ++c) {
            const T down = above[c] + T(1);
            cur[c] = m[c] ? T(0) : down;
        }
    }
    for (std::int64_t r = height - 2; r >= 0; --r) {
        T* cur = dv + r * width;
        const T* below = cur + width;
        for (std::int64_t c = c0; c < c1; ++c) {
            const T up = below[c] + T(1);
            cur[c] = up < cur[c] ? up : cur[c];
        }
    }
}

// Per-thread buffers for pass 2, sized once for a whole slice of rows so the row loop never allocates.
struct EnvelopeScratch {
    explicit EnvelopeScratch(std::int64_t n)
        : f(size(n)), v(size(n)), top(size(n)), z(size(n) + 1), d2(size(n)) {}
    static std::size_t size(std::int64_t n) { return static_cast<std::size_t>(n); }
    std::vector<double> f;    // squared vertical distance of each column: the parabolas' heights
    std::vector<double> v;    // columns whose parabolas form the lower envelope, left to right
    std::vector<double> top;  // f[v[k]] + v[k]^2 for each envelope parabola, to intersect the next one with
    std::vector<double> z;    // parabola v[k] is the lowest on (z[k], z[k + 1]]
    std::vector<double> d2;   // one row of output, for callers that convert it
};

// 1-D squared distance transform: d2[x] = min_q ((x - q)^2 + f[q]), f[q] = +inf meaning no parabola at q.
// Column indices are held in double (exact below 2^53) to keep integer conversions out of the loops.
// Intersections are computed in double from exact integers: a correctly rounded quotient keeps equal
// intersections equal and preserves their order relative to every column index, so the envelope - and
// therefore each d2, an exact integer - is exact for any realistic width (|x| well below 2^53 / width).
// Columns with f = +inf are skipped rather than intersected, which would produce inf - inf = NaN.
// The envelope is built over all n columns and evaluated at x in [x0, x1) into d2[x - x0]; evaluating a
// sub-range leaves the envelope, and therefore every value, unchanged.
void lower_envelope_range(const double* f, std::int64_t n, std::int64_t x0, std::int64_t x1, double* v,
                          double* top, double* z, double* d2) {
    std::int64_t k = -1;
    for (std::int64_t q = 0; q < n; ++q) {
        if (f[q] == kInf) continue;
        const double qd = static_cast<double>(q);
        const double hq = f[q] + qd * qd;
        double cut = -kInf;  // the first parabola is the lowest everywhere to its left
        // Pop parabolas that the new one undercuts everywhere they were lowest; z[0] = -inf keeps k >= 0.
        while (k >= 0) {
            cut = (hq - top[k]) / (2.0 * (qd - v[k]));
            if (cut > z[k]) break;
            --k;
        }
        ++k;
        v[k] = qd;
        top[k] = hq;
        z[k] = cut;
    }
    if (k < 0) {
        std::fill(d2, d2 + (x1 - x0), kInf);
        return;
    }
    z[k + 1] = kInf;
    // Segment by segment rather than cell by cell: the inner loop then has no data-dependent branch.
    std::int64_t x = x0;
    const double last = static_cast<double>(x1 - 1);
    for (std::int64_t j = 0; j <= k && x < x1; ++j) {
        const double right = z[j + 1];
        if (right < static_cast<double>(x)) continue;
        const std::int64_t end = right >= last ? x1 - 1 : static_cast<std::int64_t>(std::floor(right));
        const double vj = v[j];
        const double fj = top[j] - vj * vj;
        for (; x <= end; ++x) {
            const double dx = static_cast<double>(x) - vj;
            d2[x - x0] = dx * dx + fj;
        }
    }
}

void lower_envelope(const double* f, std::int64_t n, EnvelopeScratch& s, double* d2) {
    lower_envelope_range(f, n, 0, n, s.v.data(), s.top.data(), s.z.data(), d2);
}

// Pass 2 on rows [r0, r1): copies each row of vertical distances into scratch as squared distances (so the
// row may then be overwritten), computes the row's squared distances into sink.row(r, scratch row) and
// lets sink.finish(r, d2) convert them.
template <class Store, class Sink>
void row_pass(const Store* dv, std::int64_t width, std::int64_t r0, std::int64_t r1, const Sink& sink) {
    EnvelopeScratch s(width);
    for (std::int64_t r = r0; r < r1; ++r) {
        const Store* row = dv + r * width;
        for (std::int64_t c = 0; c < width; ++c) {
            const double d = static_cast<double>(row[c]);
            s.f[static_cast<std::size_t>(c)] = d * d;  // inf stays inf
        }
        double* d2 = sink.row(r, s.d2.data());
        lower_envelope(s.f.data(), width, s, d2);
        sink.finish(r, d2);
    }
}

// Squared distances are the envelope's own output: written straight into the caller's rows.
struct SquaredSink {
    double* out;
    std::int64_t width;
    double* row(std::int64_t r, double*) const { return out + r * width; }
    void finish(std::int64_t, const double*) const {}
};

// Distances go through a scratch row of squared distances, converted to metres in float.
struct DistanceSink {
    float* out;
    std::int64_t width;
    double cell_size;
    double* row(std::int64_t, double* scratch) const { return scratch; }
    void finish(std::int64_t r, const double* d2) const {
        float* dst = out + r * width;
        for (std::int64_t c = 0; c < width; ++c) {
            // inf is kept explicitly so that a cell_size of 0 cannot turn "no feature" into inf * 0 = NaN.
            dst[c] = d2[c] == kInf ? std::numeric_limits<float>::infinity()
                                   : static_cast<float>(std::sqrt(d2[c]) * cell_size);
        }
    }
};

// Both passes: vertical distances go to `store` (which may alias the output), then the sink writes rows.
// Pass 2 starts only when every pass-1 worker has joined, since each row needs every column.
template <class Store, class Sink>
void transform(const std::uint8_t* mask, std::int64_t width, std::int64_t height, Store* store,
               unsigned threads, const Sink& sink) {
    // 16 columns: a 64-byte line of float, so pass-1 slices of a row meet on line boundaries.
    parallel_ranges(width, threads, 16, [&](std::int64_t c0, std::int64_t c1) {
        column_pass(mask, width, height, c0, c1, store);
    });
    parallel_ranges(height, threads, 1, [&](std::int64_t r0, std::int64_t r1) {
        row_pass(store, width, r0, r1, sink);
    });
}

}  // namespace

void squared_distance_transform(const std::uint8_t* mask, std::int64_t width, std::int64_t height,
                                double* out, unsigned threads) {
    if (width <= 0 || height <= 0) return;
    transform(mask, width, height, out, threads, SquaredSink{out, width});
}

void distance_transform(const std::uint8_t* mask, std::int64_t width, std::int64_t height, double cell_size,
                        float* out, unsigned threads) {
    if (width <= 0 || height <= 0) return;
    const DistanceSink sink{out, width, cell_size};
    if (height <= kFloatExactLimit) {
        transform(mask, width, height, out, threads, sink);
    } else {
        std::vector<double> dv(static_cast<std::size_t>(width * height));
        transform(mask, width, height, dv.data(), threads, sink);
    }
}

void squared_distance_rows(const std::uint8_t* mask, std::int64_t mask_width, std::int64_t mask_height,
                           std::int64_t row0, std::int64_t rows, std::int64_t col0, std::int64_t cols,
                           double reach_cells, DistanceScratch& s,
                           const std::function<void(std::int64_t, const double*)>& row_out) {
    if (mask_width <= 0 || mask_height <= 0 || rows <= 0 || cols <= 0) return;
    const std::int64_t W = mask_width;
    const std::size_t Wz = static_cast<std::size_t>(W);
    const double reach2 = reach_cells * reach_cells;
    // Vertical distances above this are as good as none: anything through them lies beyond the reach.
    const std::int64_t cap64 = std::min<std::int64_t>(static_cast<std::int64_t>(std::ceil(reach_cells)) + 1, 1 << 30);
    const std::int32_t cap = static_cast<std::int32_t>(std::max<std::int64_t>(cap64, 1));
    const std::int64_t reach_rows = cap;
    s.vertical.resize(static_cast<std::size_t>(rows) * Wz);
    s.last.resize(Wz);
    // Sweep down: distance to the nearest feature at or above, for the output rows. Only the rows within the
    // reach above the output can matter. "No feature" is held as a row far above (distance >= cap).
    {
        const std::int64_t start = std::max<std::int64_t>(0, row0 - reach_rows);
        const std::int32_t none = -(cap + 1);
        std::int32_t* last = s.last.data();
        for (std::int64_t c = 0; c < W; ++c) last[c] = static_cast<std::int32_t>(start) + none;
        const std::int64_t end = std::min(mask_height, row0 + rows);
        for (std::int64_t r = start; r < end; ++r) {
            const std::uint8_t* m = mask + r * W;
            const std::int32_t rr = static_cast<std::int32_t>(r);
            for (std::int64_t c = 0; c < W; ++c) last[c] = m[c] ? rr : last[c];
            if (r >= row0) {
                std::int32_t* out = s.vertical.data() + static_cast<std::size_t>(r - row0) * Wz;
                for (std::int64_t c = 0; c < W; ++c) out[c] = std::min(rr - last[c], cap);
            }
        }
        for (std::int64_t r = std::max(end, row0); r < row0 + rows; ++r)  // output rows past the mask: none
            std::fill_n(s.vertical.data() + static_cast<std::size_t>(r - row0) * Wz, Wz, cap);
    }
    // Sweep up: the nearest feature at or below.
    {
        const std::int64_t start = std::min(mask_height, row0 + rows + reach_rows) - 1;
        const std::int32_t none = cap + 1;
        std::int32_t* next = s.last.data();
        for (std::int64_t c = 0; c < W; ++c) next[c] = static_cast<std::int32_t>(start) + none;
        for (std::int64_t r = start; r >= row0 && r >= 0; --r) {
            const std::uint8_t* m = mask + r * W;
            const std::int32_t rr = static_cast<std::int32_t>(r);
            for (std::int64_t c = 0; c < W; ++c) next[c] = m[c] ? rr : next[c];
            if (r < row0 + rows) {
                std::int32_t* out = s.vertical.data() + static_cast<std::size_t>(r - row0) * Wz;
                for (std::int64_t c = 0; c < W; ++c) out[c] = std::min(out[c], std::min(next[c] - rr, cap));
            }
        }
    }
    s.f.resize(Wz);
    s.v.resize(Wz);
    s.top.resize(Wz);
    s.z.resize(Wz + 1);
    s.d2.resize(static_cast<std::size_t>(cols));
    for (std::int64_t r = 0; r < rows; ++r) {
        const std::int32_t* g = s.vertical.data() + static_cast<std::size_t>(r) * Wz;
        for (std::int64_t c = 0; c < W; ++c) {
            const double d = static_cast<double>(g[c]);
            s.f[static_cast<std::size_t>(c)] = g[c] >= cap ? kInf : d * d;
        }
        double* d2 = s.d2.data();
        lower_envelope_range(s.f.data(), W, col0, col0 + cols, s.v.data(), s.top.data(), s.z.data(), d2);
        for (std::int64_t c = 0; c < cols; ++c)
            if (d2[c] > reach2) d2[c] = kInf;
        row_out(r, d2);
    }
}

}  // namespace minerisk::alg
