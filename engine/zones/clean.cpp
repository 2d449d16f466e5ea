// Connected components, minimum area and hole filling on the candidate mask. Linear in cells.
//
// Connectivity: a zone is a set of candidate cells connected through shared sides (4-connectivity), the
// default of GDALPolygonize, so that every zone polygonizes to exactly one valid polygon. Cells touching
// only at a corner are separate zones. The background is taken with the dual 8-connectivity: a patch of
// background is a hole only if it cannot escape diagonally either (exactly the patches the zone's polygon
// has as interior rings).
#include <limits>

#include "minerisk/error.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::zones {
namespace {

std::int32_t find(std::vector<std::int32_t>& parent, std::int32_t x) {
    while (parent[static_cast<size_t>(x)] != x) {
        parent[static_cast<size_t>(x)] = parent[static_cast<size_t>(parent[static_cast<size_t>(x)])];
        x = parent[static_cast<size_t>(x)];
    }
    return x;
}

void unite(std::vector<std::int32_t>& parent, std::int32_t a, std::int32_t b) {
    a = find(parent, a);
    b = find(parent, b);
    if (a == b) return;
    if (a < b) parent[static_cast<size_t>(b)] = a;
    else parent[static_cast<size_t>(a)] = b;
}

}  // namespace

std::int32_t label_components(const std::vector<std::uint8_t>& mask, std::int64_t w, std::int64_t h, std::uint8_t value,
                              bool match, bool eight, std::vector<std::int32_t>& labels, std::vector<std::int64_t>& sizes) {
    const size_t n = static_cast<size_t>(w * h);
    labels.assign(n, 0);
    std::vector<std::int32_t> parent{0};
    auto in = [&](size_t i) { return (mask[i] == value) == match; };
    for (std::int64_t r = 0; r < h; ++r) {
        for (std::int64_t c = 0; c < w; ++c) {
            const size_t i = static_cast<size_t>(r * w + c);
            if (!in(i)) continue;
            std::int32_t l = 0;
            auto take = [&](std::int64_t rr, std::int64_t cc) {
                if (rr < 0 || cc < 0 || cc >= w) return;
                const std::int32_t o = labels[static_cast<size_t>(rr * w + cc)];
                if (o == 0) return;
                if (l == 0) l = o;
                else if (o != l) unite(parent, l, o);
            };
            take(r, c - 1);
            take(r - 1, c);
            if (eight) {
                take(r - 1, c - 1);
                take(r - 1, c + 1);
            }
            if (l == 0) {
                if (parent.size() >= static_cast<size_t>(std::numeric_limits<std::int32_t>::max()))
                    throw Error("too many separate areas above the threshold to label", Location{},
                                "raise the threshold or use a coarser resolution");
                l = static_cast<std::int32_t>(parent.size());
                parent.push_back(l);
            }
            labels[i] = l;
        }
    }
    // Final numbers in the row-major order of each component's first cell.
    std::vector<std::int32_t> final_id(parent.size(), 0);
    std::int32_t next = 0;
    sizes.assign(1, 0);
    for (size_t i = 0; i < n; ++i) {
        if (!labels[i]) continue;
        const std::int32_t root = find(parent, labels[i]);
        std::int32_t& f = final_id[static_cast<size_t>(root)];
        if (f == 0) {
            f = ++next;
            sizes.push_back(0);
        }
        labels[i] = f;
        ++sizes[static_cast<size_t>(f)];
    }
    return next;
}

CleanResult clean_zones(std::vector<std::uint8_t>& mask, std::int64_t w, std::int64_t h, std::int64_t min_cells,
                        std::int64_t max_hole_cells) {
    CleanResult out;
    std::vector<std::int64_t> sizes;
    const size_t n = static_cast<size_t>(w * h);

    // 1. Candidate areas smaller than the minimum go.
    out.candidate_components = label_components(mask, w, h, kCandidate, true, false, out.labels, sizes);
    if (min_cells > 1) {
        std::vector<char> drop(sizes.size(), 0);
        for (size_t c = 1; c < sizes.size(); ++c)
            if (sizes[c] < min_cells) drop[c] = 1, ++out.dropped_components, out.dropped_cells += sizes[c];
        if (out.dropped_components)
            for (size_t i = 0; i < n; ++i)
                if (out.labels[i] && drop[static_cast<size_t>(out.labels[i])]) mask[i] = kBackground;
    }

    // 2. Holes: background (and nodata) patches closed on every side, smaller than the limit, are filled.
    //    A patch touching the grid's edge or holding a nodata cell is open (what lies beyond is unknown).
    if (max_hole_cells > 1) {
        const std::int32_t nb = label_components(mask, w, h, kCandidate, false, true, out.labels, sizes);
        std::vector<char> open(static_cast<size_t>(nb) + 1, 0);
        for (std::int64_t r = 0; r < h; ++r)
            for (std::int64_t c = 0; c < w; ++c) {
                const size_t i = static_cast<size_t>(r * w + c);
                const std::int32_t l = out.labels[i];
                if (l && (r == 0 || c == 0 || r == h - 1 || c == w - 1 || mask[i] == kNoData)) open[static_cast<size_t>(l)] = 1;
            }
        std::vector<char> fill(open.size(), 0);
        for (size_t c = 1; c < open.size(); ++c)
            if (!open[c] && sizes[c] < max_hole_cells) fill[c] = 1, ++out.filled_holes, out.filled_cells += sizes[c];
        if (out.filled_holes)
            for (size_t i = 0; i < n; ++i)
                if (out.labels[i] && fill[static_cast<size_t>(out.labels[i])]) mask[i] = kCandidate;
    }

    // 3. The zones.
    out.zones = label_components(mask, w, h, kCandidate, true, false, out.labels, sizes);
    return out;
}

}  // namespace minerisk::zones
