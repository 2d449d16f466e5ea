// How much of a perimeter lies within a cover distance of sign points: each point covers the chord its disc cuts
// on each boundary segment, and the chords of one segment are merged. marking_gap, the zones' unmarked perimeter
// and the sign plan all measure a hazard's marking this way.
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

namespace minerisk::alg {

// A point in the working CRS (metres).
struct XY {
    double x, y;
};

// A part [t0, t1] of a segment, in its parameter t (0 at its start, 1 at its end).
using Interval = std::pair<double, double>;

// Where segment AB runs within r of S: the chord [t0, t1] of [0, 1] on which |A - S + t (B - A)| <= r.
// False when the disc misses the segment, only touches it, or AB has no length (t0 and t1 then mean nothing).
bool disc_chord(const XY& a, const XY& b, const XY& s, double r, double& t0, double& t1);

// The length (in t) of the union of the intervals; sorts them in place. Overlapping or touching intervals
// count once. 0 when there are none.
double union_length(std::vector<Interval>& spans);

// Sums over boundary segments of positive length: their length, and the parts of it that the points cover
// and do not cover (each segment's covered share clamped to 1 before it is weighted by the length).
struct PerimeterCover {
    double length = 0;
    double covered = 0;
    double uncovered = 0;
};

// Adds to `sum` the segments of the polyline ring[0..n) (a closed ring repeats its first vertex at the end),
// covered by discs of radius r around points[0..count). Points outside a segment's box grown by r are
// skipped; no point covers anything when r is not positive. `scratch` is the caller's, reused between calls:
// nothing else is allocated.
void add_perimeter_cover(const XY* ring, std::size_t n, const XY* points, std::size_t count, double r,
                         std::vector<Interval>& scratch, PerimeterCover& sum);

}  // namespace minerisk::alg
