// Perimeter cover: the chords that sign discs cut on boundary segments, merged.
//
// On segment A + t D (D = B - A, t in [0, 1]) the disc of radius r around S holds the t where
//     |A - S + t D|^2 <= r^2   <=>   aa t^2 + 2 bb t + cc <= 0,
// with aa = D.D, bb = D.(A - S), cc = |A - S|^2 - r^2: between the roots (-bb -/+ sqrt(bb^2 - aa cc)) / aa,
// clamped to [0, 1]. The operations keep one order everywhere, so every caller gets the same bits.
#include "minerisk/alg/cover.hpp"

#include <algorithm>
#include <cmath>

namespace minerisk::alg {

namespace {

// The chord on the segment from a along (dx, dy), aa = dx^2 + dy^2 > 0, of the disc of squared radius r2 around s.
bool chord(const XY& a, double dx, double dy, double aa, const XY& s, double r2, double& t0, double& t1) {
    const double ex = a.x - s.x, ey = a.y - s.y;
    const double bb = dx * ex + dy * ey;
    const double cc = ex * ex + ey * ey - r2;
    const double disc = bb * bb - aa * cc;
    if (disc < 0) return false;
    const double root = std::sqrt(disc);
    t0 = std::max(0.0, (-bb - root) / aa);
    t1 = std::min(1.0, (-bb + root) / aa);
    return t1 > t0;
}

}  // namespace

bool disc_chord(const XY& a, const XY& b, const XY& s, double r, double& t0, double& t1) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double aa = dx * dx + dy * dy;
    if (!(aa > 0)) return false;
    return chord(a, dx, dy, aa, s, r * r, t0, t1);
}

double union_length(std::vector<Interval>& spans) {
    if (spans.empty()) return 0;
    std::sort(spans.begin(), spans.end());
    double covered = 0, lo = spans[0].first, hi = spans[0].second;
    for (size_t k = 1; k < spans.size(); ++k) {
        if (spans[k].first > hi) {
            covered += hi - lo;
            lo = spans[k].first;
            hi = spans[k].second;
        } else {
            hi = std::max(hi, spans[k].second);
        }
    }
    covered += hi - lo;
    return covered;
}

void add_perimeter_cover(const XY* ring, std::size_t n, const XY* points, std::size_t count, double r,
                         std::vector<Interval>& scratch, PerimeterCover& sum) {
    const double r2 = r * r;
    for (size_t i = 0; i + 1 < n; ++i) {
        const XY a = ring[i], b = ring[i + 1];
        const double dx = b.x - a.x, dy = b.y - a.y;
        const double aa = dx * dx + dy * dy;
        if (!(aa > 0)) continue;
        const double len = std::sqrt(aa);
        scratch.clear();
        if (r > 0) {
            const double xmin = std::min(a.x, b.x) - r, xmax = std::max(a.x, b.x) + r;
            const double ymin = std::min(a.y, b.y) - r, ymax = std::max(a.y, b.y) + r;
            for (size_t k = 0; k < count; ++k) {
                const XY& s = points[k];
                if (s.x < xmin || s.x > xmax || s.y < ymin || s.y > ymax) continue;
                double t0, t1;
                if (chord(a, dx, dy, aa, s, r2, t0, t1)) scratch.emplace_back(t0, t1);
            }
        }
        // A segment no point covers adds nothing to `covered` (not even 0 x len).
        const double share = union_length(scratch);
        sum.length += len;
        if (!scratch.empty()) sum.covered += std::min(1.0, share) * len;
        sum.uncovered += (1.0 - std::min(1.0, share)) * len;
    }
}

}  // namespace minerisk::alg
