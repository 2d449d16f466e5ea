#include "zones/runs.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "minerisk/error.hpp"

namespace minerisk::zones {

std::int64_t RowRuns::cells() const {
    std::int64_t n = 0;
    for (const Run& r : runs_) n += r.c1 - r.c0;
    return n;
}

void RowRuns::add(std::int32_t c0, std::int32_t c1, std::int32_t label) {
    if (c1 <= c0) return;
    runs_.push_back({c0, c1, label});
}

std::int32_t RowRuns::label_at(std::int64_t row, std::int64_t col) const {
    if (row < 0 || row >= rows_done() || col < 0 || col >= width_) return 0;
    const Run* b = row_begin(row);
    const Run* e = row_end(row);
    // The first run ending after col.
    const Run* it = std::upper_bound(b, e, col, [](std::int64_t c, const Run& r) { return c < r.c1; });
    return it != e && it->c0 <= col ? it->label : 0;
}

namespace {

struct UnionFind {
    std::vector<std::int64_t> parent;
    explicit UnionFind(std::int64_t n) : parent(static_cast<size_t>(n)) {
        for (std::int64_t i = 0; i < n; ++i) parent[static_cast<size_t>(i)] = i;
    }
    std::int64_t find(std::int64_t x) {
        while (parent[static_cast<size_t>(x)] != x) {
            parent[static_cast<size_t>(x)] = parent[static_cast<size_t>(parent[static_cast<size_t>(x)])];
            x = parent[static_cast<size_t>(x)];
        }
        return x;
    }
    void unite(std::int64_t a, std::int64_t b) {
        a = find(a);
        b = find(b);
        if (a == b) return;
        if (a < b) parent[static_cast<size_t>(b)] = a;
        else parent[static_cast<size_t>(a)] = b;
    }
};

}  // namespace

std::int32_t label_runs(RowRuns& rr, bool eight, std::vector<std::int64_t>& sizes) {
    const std::int64_t n = rr.size();
    UnionFind uf(n);
    const std::int32_t e = eight ? 1 : 0;
    for (std::int64_t r = 1; r < rr.rows_done(); ++r) {
        const std::int64_t p0 = rr.first_of_row(r - 1), p1 = rr.first_of_row(r);
        const std::int64_t c1 = rr.first_of_row(r + 1);
        const auto& runs = rr.runs();
        std::int64_t j = p0;
        for (std::int64_t i = p1; i < c1; ++i) {
            const Run& cur = runs[static_cast<size_t>(i)];
            while (j < p1 && runs[static_cast<size_t>(j)].c1 + e <= cur.c0) ++j;
            for (std::int64_t k = j; k < p1 && runs[static_cast<size_t>(k)].c0 < cur.c1 + e; ++k) uf.unite(i, k);
        }
    }
    std::vector<std::int32_t> id(static_cast<size_t>(n), 0);
    std::int32_t next = 0;
    sizes.assign(1, 0);
    auto& runs = rr.runs();
    for (std::int64_t i = 0; i < n; ++i) {
        std::int32_t& f = id[static_cast<size_t>(uf.find(i))];
        if (f == 0) {
            if (next == std::numeric_limits<std::int32_t>::max())
                throw Error("too many separate areas above the threshold to label", Location{},
                            "raise the threshold or use a coarser resolution");
            f = ++next;
            sizes.push_back(0);
        }
        Run& run = runs[static_cast<size_t>(i)];
        run.label = f;
        sizes[static_cast<size_t>(f)] += run.c1 - run.c0;
    }
    return next;
}

namespace {

// The runs of one row of `a` and of `b`, merged into sorted, disjoint intervals (touching ones joined).
void union_row(const RowRuns& a, const RowRuns& b, std::int64_t r, std::vector<std::pair<std::int32_t, std::int32_t>>& out) {
    out.clear();
    const Run *ia = a.row_begin(r), *ea = a.row_end(r);
    const Run *ib = b.size() ? b.row_begin(r) : nullptr, *eb = b.size() ? b.row_end(r) : nullptr;
    while (ia != ea || ib != eb) {
        const Run* next;
        if (ib == eb || (ia != ea && ia->c0 <= ib->c0)) next = ia++;
        else next = ib++;
        if (!out.empty() && next->c0 <= out.back().second) out.back().second = std::max(out.back().second, next->c1);
        else out.emplace_back(next->c0, next->c1);
    }
}

bool same_grid(const RowRuns& a, const RowRuns& b) {
    return b.size() == 0 || (a.width() == b.width() && a.rows_done() == b.rows_done());
}

}  // namespace

RowRuns complement(const RowRuns& a, const RowRuns& b) {
    if (!same_grid(a, b)) throw Error("internal: runs of two different grids");
    RowRuns out(a.width(), a.height());
    std::vector<std::pair<std::int32_t, std::int32_t>> u;
    const auto w = static_cast<std::int32_t>(a.width());
    for (std::int64_t r = 0; r < a.rows_done(); ++r) {
        union_row(a, b, r, u);
        std::int32_t at = 0;
        for (const auto& [c0, c1] : u) {
            out.add(at, c0);
            at = c1;
        }
        out.add(at, w);
        out.end_row();
    }
    return out;
}

RowRuns merge(const RowRuns& a, const RowRuns& b) {
    if (!same_grid(a, b)) throw Error("internal: runs of two different grids");
    RowRuns out(a.width(), a.height());
    std::vector<std::pair<std::int32_t, std::int32_t>> u;
    for (std::int64_t r = 0; r < a.rows_done(); ++r) {
        union_row(a, b, r, u);
        for (const auto& [c0, c1] : u) out.add(c0, c1);
        out.end_row();
    }
    return out;
}

RunClean clean_runs(RowRuns cand, const RowRuns& nodata, std::int64_t min_cells, std::int64_t max_hole_cells) {
    RunClean out;
    std::vector<std::int64_t> sizes;
    const std::int64_t W = cand.width(), H = cand.rows_done();

    // 1. Candidate areas smaller than the minimum go.
    out.candidate_components = label_runs(cand, false, sizes);
    if (min_cells > 1) {
        RowRuns kept(W, cand.height());
        for (std::int64_t r = 0; r < H; ++r) {
            for (const Run* it = cand.row_begin(r); it != cand.row_end(r); ++it) {
                if (sizes[static_cast<size_t>(it->label)] < min_cells) continue;
                kept.add(it->c0, it->c1);
            }
            kept.end_row();
        }
        for (size_t c = 1; c < sizes.size(); ++c)
            if (sizes[c] < min_cells) ++out.dropped_components, out.dropped_cells += sizes[c];
        cand = std::move(kept);
    }

    // 2. Holes: patches of everything else (background and nodata), 8-connected, closed on every side and
    //    smaller than the limit, are filled. A patch touching the grid's edge or holding a nodata cell is
    //    open: what lies beyond is unknown.
    if (max_hole_cells > 1 && cand.size() > 0) {
        RowRuns bg = complement(cand, RowRuns(W, cand.height()));
        const std::int32_t nb = label_runs(bg, true, sizes);
        std::vector<char> open(static_cast<size_t>(nb) + 1, 0);
        for (std::int64_t r = 0; r < H; ++r) {
            const Run* nd = nodata.size() ? nodata.row_begin(r) : nullptr;
            const Run* nde = nodata.size() ? nodata.row_end(r) : nullptr;
            for (const Run* it = bg.row_begin(r); it != bg.row_end(r); ++it) {
                char& o = open[static_cast<size_t>(it->label)];
                if (r == 0 || r == H - 1 || it->c0 == 0 || it->c1 == W) o = 1;
                while (nd != nde && nd->c1 <= it->c0) ++nd;
                if (nd != nde && nd->c0 < it->c1) o = 1;  // holds a nodata cell
            }
        }
        RowRuns filled(W, cand.height());
        for (std::int64_t r = 0; r < H; ++r) {
            for (const Run* it = bg.row_begin(r); it != bg.row_end(r); ++it) {
                const auto l = static_cast<size_t>(it->label);
                if (!open[l] && sizes[l] < max_hole_cells) filled.add(it->c0, it->c1);
            }
            filled.end_row();
        }
        for (size_t c = 1; c < open.size(); ++c)
            if (!open[c] && sizes[c] < max_hole_cells) ++out.filled_holes, out.filled_cells += sizes[c];
        if (out.filled_holes) cand = merge(cand, filled);
    }

    // 3. The zones.
    out.count = label_runs(cand, false, sizes);
    out.zones = std::move(cand);
    return out;
}

// ---- polygons ------------------------------------------------------------------------------------------

namespace {

// A directed cell edge, with the zone on its right (x east, y south: row 0 is the north edge, so right is
// right on the map too). Traced rings thus run clockwise round shells and anticlockwise round holes; they
// are written reversed, so that shells come out anticlockwise and holes clockwise, as RFC 7946 asks.
struct Edge {
    std::int32_t label;
    std::int64_t from, to;  // vertex keys y * (width + 1) + x
    std::int8_t dx, dy;     // unit direction
};

void write_u32(std::vector<unsigned char>& b, std::uint32_t v) {
    unsigned char x[4];
    std::memcpy(x, &v, 4);
    b.insert(b.end(), x, x + 4);
}
void write_f64(std::vector<unsigned char>& b, double v) {
    unsigned char x[8];
    std::memcpy(x, &v, 8);
    b.insert(b.end(), x, x + 8);
}

using Ring = std::vector<std::pair<std::int64_t, std::int64_t>>;  // (x, y) grid corners, not closed

double signed_map_area(const Ring& ring) {
    // Shoelace on (x, -y): positive for anticlockwise on the map.
    double a = 0;
    for (size_t i = 0, n = ring.size(); i < n; ++i) {
        const auto& p = ring[i];
        const auto& q = ring[(i + 1) % n];
        a += double(p.first) * double(-q.second) - double(q.first) * double(-p.second);
    }
    return 0.5 * a;
}

// Even-odd test of a ring vertex against another ring (only for the rare fallback below).
bool inside(const Ring& ring, double x, double y) {
    bool in = false;
    for (size_t i = 0, n = ring.size(), j = n - 1; i < n; j = i++) {
        const double xi = double(ring[i].first), yi = double(ring[i].second);
        const double xj = double(ring[j].first), yj = double(ring[j].second);
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
    }
    return in;
}

bool by_label_then_start(const Edge& p, const Edge& q) { return p.label != q.label ? p.label < q.label : p.from < q.from; }

// Every cell side on a zone's boundary, as directed edges between grid corners (key y * (width + 1) + x),
// sorted by label, then start corner.
std::vector<Edge> boundary_edges(const RowRuns& z) {
    const std::int64_t W1 = z.width() + 1;
    const std::int64_t H = z.rows_done();
    auto key = [&](std::int64_t x, std::int64_t y) { return y * W1 + x; };
    std::vector<Edge> edges;
    edges.reserve(static_cast<size_t>(z.size()) * 4);
    // Parts of [a, b) that no run of row `other` covers.
    auto uncovered = [&](std::int32_t a, std::int32_t b, std::int64_t other, auto&& emit) {
        if (other < 0 || other >= H) {
            emit(a, b);
            return;
        }
        std::int32_t at = a;
        const Run* it = z.row_begin(other);
        const Run* e = z.row_end(other);
        it = std::upper_bound(it, e, a, [](std::int32_t c, const Run& r) { return c < r.c1; });
        for (; it != e && it->c0 < b && at < b; ++it) {
            if (it->c0 > at) emit(at, it->c0);
            at = std::max(at, it->c1);
        }
        if (at < b) emit(at, b);
    };
    for (std::int64_t r = 0; r < H; ++r)
        for (const Run* it = z.row_begin(r); it != z.row_end(r); ++it) {
            const std::int32_t L = it->label, a = it->c0, b = it->c1;
            edges.push_back({L, key(a, r + 1), key(a, r), 0, -1});  // west side, northward
            edges.push_back({L, key(b, r), key(b, r + 1), 0, 1});   // east side, southward
            uncovered(a, b, r - 1, [&](std::int32_t s, std::int32_t t) { edges.push_back({L, key(s, r), key(t, r), 1, 0}); });
            uncovered(a, b, r + 1, [&](std::int32_t s, std::int32_t t) { edges.push_back({L, key(t, r + 1), key(s, r + 1), -1, 0}); });
        }
    std::sort(edges.begin(), edges.end(), by_label_then_start);
    return edges;
}

// The ring without the vertices in the middle of straight lines.
Ring corners_only(const Ring& ring) {
    Ring clean;
    const size_t n = ring.size();
    for (size_t i = 0; i < n; ++i) {
        const auto& p = ring[(i + n - 1) % n];
        const auto& v = ring[i];
        const auto& q = ring[(i + 1) % n];
        const std::int64_t ax = v.first - p.first, ay = v.second - p.second;
        const std::int64_t bx = q.first - v.first, by = q.second - v.second;
        if (ax * by - ay * bx != 0) clean.push_back(v);
    }
    return clean;
}

// The closed rings of each label (index = label), followed edge by edge from the sorted boundary edges.
std::vector<std::vector<Ring>> trace_rings(const std::vector<Edge>& edges, std::int64_t W1, std::int32_t count) {
    std::vector<char> used(edges.size(), 0);
    auto outgoing = [&](std::int32_t label, std::int64_t from) {
        const Edge probe{label, from, 0, 0, 0};
        return std::lower_bound(edges.begin(), edges.end(), probe, by_label_then_start) - edges.begin();
    };
    std::vector<std::vector<Ring>> rings(static_cast<size_t>(count) + 1);
    for (size_t s = 0; s < edges.size(); ++s) {
        if (used[s]) continue;
        Ring ring;
        size_t cur = s;
        for (;;) {
            used[cur] = 1;
            const Edge& e = edges[cur];
            ring.emplace_back(e.from % W1, e.from / W1);
            // The next edge: the one leaving e.to with the same label; where two do (two cells of the zone
            // meet at a corner), the left turn, which keeps the cells apart and the rings simple.
            size_t k = static_cast<size_t>(outgoing(e.label, e.to));
            size_t next = k;
            if (k + 1 < edges.size() && edges[k + 1].label == e.label && edges[k + 1].from == e.to) {
                const std::int8_t lx = e.dy, ly = static_cast<std::int8_t>(-e.dx);  // left of (dx, dy), y south
                next = (edges[k].dx == lx && edges[k].dy == ly) ? k : k + 1;
            }
            if (next >= edges.size() || edges[next].label != e.label || edges[next].from != e.to)
                throw Error("internal: a zone's outline does not close (label " + std::to_string(e.label) + ")");
            if (next == s) break;
            if (used[next]) throw Error("internal: a zone's outline crosses itself (label " + std::to_string(e.label) + ")");
            cur = next;
        }
        rings[static_cast<size_t>(edges[s].label)].push_back(corners_only(ring));
    }
    return rings;
}

// One zone's rings as WKB: a Polygon, or a MultiPolygon should its cells ever come out in parts.
std::vector<unsigned char> zone_wkb(const std::vector<Ring>& rs, std::int32_t label, double west, double north, double cell) {
    std::vector<unsigned char> b;
    auto put_ring = [&](const Ring& ring) {
        write_u32(b, static_cast<std::uint32_t>(ring.size() + 1));
        for (size_t i = ring.size() + 1; i-- > 0;) {  // reversed: see Edge
            const auto& p = ring[i % ring.size()];
            write_f64(b, west + double(p.first) * cell);
            write_f64(b, north - double(p.second) * cell);
        }
    };
    std::vector<size_t> shells, holes;
    for (size_t i = 0; i < rs.size(); ++i) (signed_map_area(rs[i]) < 0 ? shells : holes).push_back(i);
    if (shells.empty()) throw Error("internal: zone " + std::to_string(label) + " has no outer ring");
    auto polygon = [&](size_t shell, const std::vector<size_t>& hs) {
        b.push_back(1);  // little-endian
        write_u32(b, 3);  // Polygon
        write_u32(b, static_cast<std::uint32_t>(1 + hs.size()));
        put_ring(rs[shell]);
        for (size_t h : hs) put_ring(rs[h]);
    };
    if (shells.size() == 1) {
        polygon(shells[0], holes);
        return b;
    }
    // A 4-connected zone has one outer ring; should one ever come out in parts, keep every part, each
    // hole with the shell that holds it.
    b.push_back(1);
    write_u32(b, 6);  // MultiPolygon
    write_u32(b, static_cast<std::uint32_t>(shells.size()));
    for (size_t s : shells) {
        std::vector<size_t> mine;
        for (size_t h : holes) {
            const auto& p = rs[h][0];
            const auto& q = rs[h][1 % rs[h].size()];
            if (inside(rs[s], 0.5 * double(p.first + q.first) + 0.25, 0.5 * double(p.second + q.second) + 0.25))
                mine.push_back(h);
        }
        polygon(s, mine);
    }
    return b;
}

}  // namespace

std::vector<std::vector<unsigned char>> polygonize_runs(const RowRuns& z, std::int32_t count, double west, double north,
                                                        double cell) {
    std::vector<std::vector<unsigned char>> out(static_cast<size_t>(count));
    if (count == 0) return out;
    const std::vector<std::vector<Ring>> rings = trace_rings(boundary_edges(z), z.width() + 1, count);
    for (std::int32_t l = 1; l <= count; ++l)
        out[static_cast<size_t>(l - 1)] = zone_wkb(rings[static_cast<size_t>(l)], l, west, north, cell);
    return out;
}

}  // namespace minerisk::zones
