// Zones as runs (engine/zones/runs.hpp) against the cell-by-cell reference of clean.cpp and against GDAL's
// polygonizer on the same labels: the same zones, the same numbers, the same shapes.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_geometry.h>

#include <random>

#include "zones/runs.hpp"
#include "zones_reference.hpp"

using namespace minerisk;
using namespace minerisk::zones;

namespace {

// Blobs with holes, specks, diagonal contacts and nodata patches.
std::vector<std::uint8_t> random_mask(std::int64_t w, std::int64_t h, unsigned seed, double p) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<std::uint8_t> m(static_cast<size_t>(w * h), kBackground);
    for (int b = 0; b < 12; ++b) {
        const double cx = u(rng) * w, cy = u(rng) * h, rad = 1 + u(rng) * 6;
        for (std::int64_t r = 0; r < h; ++r)
            for (std::int64_t c = 0; c < w; ++c)
                if ((c - cx) * (c - cx) + (r - cy) * (r - cy) < rad * rad && u(rng) > 0.15) m[static_cast<size_t>(r * w + c)] = kCandidate;
    }
    for (auto& v : m)
        if (u(rng) < p) v = kCandidate;
        else if (u(rng) < 0.01) v = kNoData;
    return m;
}

}  // namespace

TEST(ZoneRuns, LabelsMatchTheCellByCellReference) {
    for (unsigned seed = 1; seed <= 20; ++seed) {
        const std::int64_t w = 17 + seed * 3, h = 11 + seed * 2;
        const auto mask = random_mask(w, h, seed, 0.08);
        for (bool eight : {false, true}) {
            std::vector<std::int32_t> want;
            std::vector<std::int64_t> want_sizes, sizes;
            const auto n = label_components(mask, w, h, kCandidate, true, eight, want, want_sizes);
            RowRuns rr = runs_of(mask, w, h, kCandidate);
            ASSERT_EQ(label_runs(rr, eight, sizes), n) << "seed " << seed;
            EXPECT_EQ(sizes, want_sizes) << "seed " << seed;
            EXPECT_EQ(labels_of(rr, w, h), want) << "seed " << seed << (eight ? " 8" : " 4") << "-connected";
        }
    }
}

TEST(ZoneRuns, CleaningMatchesTheCellByCellReference) {
    for (unsigned seed = 1; seed <= 30; ++seed) {
        const std::int64_t w = 23 + seed, h = 19 + seed % 7;
        auto mask = random_mask(w, h, seed, 0.05);
        for (auto [min_cells, holes] : {std::pair<std::int64_t, std::int64_t>{0, 0}, {3, 0}, {0, 5}, {4, 9}, {2, 1000}}) {
            auto m = mask;
            const CleanResult want = clean_zones(m, w, h, min_cells, holes);
            const RunClean got = clean_runs(runs_of(mask, w, h, kCandidate), runs_of(mask, w, h, kNoData), min_cells, holes);
            ASSERT_EQ(got.count, want.zones) << "seed " << seed << " min " << min_cells << " holes " << holes;
            EXPECT_EQ(labels_of(got.zones, w, h), want.labels) << "seed " << seed << " min " << min_cells << " holes " << holes;
            EXPECT_EQ(got.candidate_components, want.candidate_components);
            EXPECT_EQ(got.dropped_components, want.dropped_components);
            EXPECT_EQ(got.dropped_cells, want.dropped_cells);
            EXPECT_EQ(got.filled_holes, want.filled_holes);
            EXPECT_EQ(got.filled_cells, want.filled_cells);
        }
    }
}

TEST(ZoneRuns, LabelAtFindsTheRunHoldingACell) {
    RowRuns rr(10, 2);
    rr.add(1, 3, 7);
    rr.add(5, 6, 8);
    rr.end_row();
    rr.end_row();
    EXPECT_EQ(rr.label_at(0, 0), 0);
    EXPECT_EQ(rr.label_at(0, 1), 7);
    EXPECT_EQ(rr.label_at(0, 2), 7);
    EXPECT_EQ(rr.label_at(0, 3), 0);
    EXPECT_EQ(rr.label_at(0, 5), 8);
    EXPECT_EQ(rr.label_at(0, 9), 0);
    EXPECT_EQ(rr.label_at(1, 1), 0);
    EXPECT_EQ(rr.label_at(5, 1), 0);
}

TEST(ZoneRuns, PolygonsEqualGdalPolygonizeOfTheSameLabels) {
    GDALAllRegister();
    GridSpec g;
    g.cell_size = 20;
    g.origin_x = 500000;
    g.origin_y = 4400000;
    for (unsigned seed = 1; seed <= 12; ++seed) {
        g.width = 40 + seed * 3;
        g.height = 30 + seed * 2;
        const auto mask = random_mask(g.width, g.height, seed, 0.06);
        RunClean rc = clean_runs(runs_of(mask, g.width, g.height, kCandidate), RowRuns(g.width, g.height), 0, 3);
        const auto labels = labels_of(rc.zones, g.width, g.height);
        const auto want = polygonize_labels(labels, rc.count, g, Progress());
        const auto got = polygonize_runs(rc.zones, rc.count, g.origin_x, g.origin_y, g.cell_size);
        ASSERT_EQ(got.size(), want.size());
        for (size_t z = 0; z < got.size(); ++z) {
            OGRGeometry *a = nullptr, *b = nullptr;
            ASSERT_EQ(OGRGeometryFactory::createFromWkb(got[z].data(), nullptr, &a, got[z].size()), OGRERR_NONE) << "zone " << z + 1;
            ASSERT_EQ(OGRGeometryFactory::createFromWkb(want[z].data(), nullptr, &b, want[z].size()), OGRERR_NONE);
            std::unique_ptr<OGRGeometry> ga(a), gb(b);
            EXPECT_TRUE(ga->IsValid()) << "seed " << seed << " zone " << z + 1;
            EXPECT_EQ(wkbFlatten(ga->getGeometryType()), wkbPolygon) << "seed " << seed << " zone " << z + 1;
            std::unique_ptr<OGRGeometry> diff(ga->SymDifference(gb.get()));
            ASSERT_TRUE(diff);
            double area = 0;
            if (!diff->IsEmpty()) {
                const auto t = wkbFlatten(diff->getGeometryType());
                if (t == wkbPolygon) area = diff->toPolygon()->get_Area();
                else if (t == wkbMultiPolygon) area = diff->toMultiPolygon()->get_Area();
            }
            EXPECT_EQ(area, 0.0) << "seed " << seed << " zone " << z + 1 << ": shapes differ";
        }
    }
}

TEST(ZoneRuns, CellsTouchingAtACornerMakeAHoleTouchingTheShell) {
    // A ring of cells whose two ends meet only at a corner: one zone (4-connected around), and the cell
    // it nearly encloses is open to the outside through that corner. The polygon must still be valid.
    //   . X X X
    //   X . . X
    //   X . . X
    //   . X X X
    const std::int64_t w = 4, h = 4;
    const std::vector<std::uint8_t> m = {0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1};
    RowRuns rr = runs_of(m, w, h, kCandidate);
    std::vector<std::int64_t> sizes;
    // (0,1) touches (1,0) only at a corner: two zones, the left column apart from the rest.
    ASSERT_EQ(label_runs(rr, false, sizes), 2);
    const auto polys = polygonize_runs(rr, 2, 0, 4, 1);
    double total = 0;
    for (const auto& wkb : polys) {
        OGRGeometry* g = nullptr;
        ASSERT_EQ(OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()), OGRERR_NONE);
        std::unique_ptr<OGRGeometry> p(g);
        EXPECT_TRUE(p->IsValid());
        total += p->toPolygon()->get_Area();
    }
    EXPECT_EQ(total, 10.0);
    // One zone wrapping round to touch itself at a corner: shell and a hole that touch at one point.
    //   X X X .
    //   X . X .
    //   X X . .      (cell (1,1) is enclosed but touches (2,2) at a corner, which is background)
    //   . . . .
    const std::vector<std::uint8_t> c = {1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0};
    RowRuns cr = runs_of(c, 4, 4, kCandidate);
    ASSERT_EQ(label_runs(cr, false, sizes), 1);
    const auto one = polygonize_runs(cr, 1, 0, 4, 1);
    OGRGeometry* g = nullptr;
    ASSERT_EQ(OGRGeometryFactory::createFromWkb(one[0].data(), nullptr, &g, one[0].size()), OGRERR_NONE);
    std::unique_ptr<OGRGeometry> p(g);
    EXPECT_TRUE(p->IsValid());
    EXPECT_EQ(p->toPolygon()->get_Area(), 7.0);
    EXPECT_EQ(p->toPolygon()->getNumInteriorRings(), 1);
}
