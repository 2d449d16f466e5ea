// Perimeter cover: the chords sign discs cut on boundary segments, merged (marking_gap, the zones' unmarked
// perimeter, the sign plan). Closed-form cases, then the sum against a fine sampling of the boundary.
#include "minerisk/alg/cover.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

using minerisk::alg::add_perimeter_cover;
using minerisk::alg::disc_chord;
using minerisk::alg::Interval;
using minerisk::alg::PerimeterCover;
using minerisk::alg::union_length;
using minerisk::alg::XY;

PerimeterCover cover_of(const std::vector<XY>& ring, const std::vector<XY>& points, double r) {
    PerimeterCover sum;
    std::vector<Interval> scratch;
    add_perimeter_cover(ring.data(), ring.size(), points.data(), points.size(), r, scratch, sum);
    return sum;
}

const std::vector<XY> kSquare = {{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}};

TEST(DiscChord, PointOnTheSegmentCoversTwoRadii) {
    double t0 = -1, t1 = -1;
    ASSERT_TRUE(disc_chord({0, 0}, {100, 0}, {50, 0}, 10, t0, t1));
    EXPECT_DOUBLE_EQ(t0, 0.4);
    EXPECT_DOUBLE_EQ(t1, 0.6);
}

TEST(DiscChord, OffsetPointCutsTheChordOfItsDisc) {
    double t0 = 0, t1 = 0;
    ASSERT_TRUE(disc_chord({0, 0}, {100, 0}, {50, 6}, 10, t0, t1));  // half chord sqrt(100 - 36) = 8
    EXPECT_NEAR(t0, 0.42, 1e-12);
    EXPECT_NEAR(t1, 0.58, 1e-12);
}

TEST(DiscChord, ClampedToTheSegment) {
    double t0 = 0, t1 = 0;
    ASSERT_TRUE(disc_chord({0, 0}, {100, 0}, {-5, 0}, 10, t0, t1));
    EXPECT_EQ(t0, 0.0);
    EXPECT_DOUBLE_EQ(t1, 0.05);
}

TEST(DiscChord, MissesAndDegenerateSegments) {
    double t0 = 0, t1 = 0;
    EXPECT_FALSE(disc_chord({0, 0}, {100, 0}, {50, 11}, 10, t0, t1));  // the disc stays off the line
    EXPECT_FALSE(disc_chord({0, 0}, {100, 0}, {120, 0}, 10, t0, t1));  // beyond the end
    EXPECT_FALSE(disc_chord({5, 5}, {5, 5}, {5, 5}, 10, t0, t1));      // no length
    EXPECT_FALSE(disc_chord({0, 0}, {100, 0}, {50, 10}, 10, t0, t1));  // tangent: an empty chord
}

TEST(UnionLength, MergesOverlappingAndTouchingIntervals) {
    std::vector<Interval> none;
    EXPECT_EQ(union_length(none), 0.0);
    std::vector<Interval> spans = {{0.5, 0.75}, {0.0, 0.25}, {0.125, 0.375}, {0.75, 0.875}};
    EXPECT_DOUBLE_EQ(union_length(spans), 0.375 + 0.375);
    EXPECT_EQ(spans.front(), Interval(0.0, 0.25));  // sorted in place
    std::vector<Interval> nested = {{0.0, 1.0}, {0.25, 0.5}};
    EXPECT_EQ(union_length(nested), 1.0);
}

TEST(PerimeterCover, NoPointsOrNoRadiusLeavesEverythingUncovered) {
    for (const PerimeterCover& m : {cover_of(kSquare, {}, 10), cover_of(kSquare, {{50, 0}}, 0)}) {
        EXPECT_EQ(m.length, 400.0);
        EXPECT_EQ(m.covered, 0.0);
        EXPECT_EQ(m.uncovered, 400.0);
    }
}

TEST(PerimeterCover, CornerSignCoversTwoSidesAndSignsOverlapOnce) {
    // A sign at a corner covers r of each side it joins; two signs 10 m apart on one side with r = 10 cover 30 m.
    PerimeterCover m = cover_of(kSquare, {{0, 0}}, 10);
    EXPECT_NEAR(m.covered, 20.0, 1e-9);
    EXPECT_NEAR(m.uncovered, 380.0, 1e-9);
    m = cover_of(kSquare, {{40, 0}, {50, 0}}, 10);
    EXPECT_NEAR(m.covered, 30.0, 1e-9);
    EXPECT_NEAR(m.uncovered, 370.0, 1e-9);
    EXPECT_EQ(m.length, 400.0);
}

TEST(PerimeterCover, SharesAreClampedToTheSegment) {
    // A disc larger than the whole square covers each side once, not more.
    const PerimeterCover m = cover_of(kSquare, {{50, 50}, {50, 50}}, 1000);
    EXPECT_EQ(m.covered, 400.0);
    EXPECT_EQ(m.uncovered, 0.0);
}

TEST(PerimeterCover, AddsRingAfterRingIntoOneSum) {
    const std::vector<XY> hole = {{40, 40}, {60, 40}, {60, 60}, {40, 60}, {40, 40}};
    PerimeterCover sum;
    std::vector<Interval> scratch;
    const std::vector<XY> signs = {{50, 45}};
    add_perimeter_cover(kSquare.data(), kSquare.size(), signs.data(), signs.size(), 10, scratch, sum);
    add_perimeter_cover(hole.data(), hole.size(), signs.data(), signs.size(), 10, scratch, sum);
    EXPECT_EQ(sum.length, 480.0);
    // The hole's bottom side at 5 m: a chord of 2 sqrt(75); its sides at 10 m: tangent, nothing.
    EXPECT_NEAR(sum.covered, 2 * std::sqrt(75.0), 1e-9);
    EXPECT_NEAR(sum.uncovered, 480.0 - 2 * std::sqrt(75.0), 1e-9);
}

TEST(PerimeterCover, AgreesWithSamplingTheBoundary) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(-50, 150);
    const std::vector<XY> ring = {{0, 0}, {120, 10}, {90, 80}, {30, 110}, {-10, 60}, {0, 0}};
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<XY> signs(5);
        for (auto& s : signs) s = {u(rng), u(rng)};
        const double r = 5 + trial * 2.0;
        const PerimeterCover m = cover_of(ring, signs, r);
        double sampled = 0;
        const int steps = 20000;
        for (size_t i = 0; i + 1 < ring.size(); ++i) {
            const double len = std::hypot(ring[i + 1].x - ring[i].x, ring[i + 1].y - ring[i].y);
            for (int k = 0; k < steps; ++k) {
                const double t = (k + 0.5) / steps;
                const XY p{ring[i].x + t * (ring[i + 1].x - ring[i].x), ring[i].y + t * (ring[i + 1].y - ring[i].y)};
                bool hit = false;
                for (const XY& s : signs) hit = hit || std::hypot(p.x - s.x, p.y - s.y) <= r;
                if (hit) sampled += len / steps;
            }
        }
        EXPECT_NEAR(m.covered, sampled, 0.05) << "trial " << trial;
        EXPECT_NEAR(m.covered + m.uncovered, m.length, 1e-9);
    }
}

}  // namespace
