// Layers that lie far apart are refused; single features far from everything are skipped. Both are
// usually a wrong CRS, swapped longitude/latitude or a typing error in a coordinate.
#include "io/far_features.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <utility>

namespace minerisk::reader {
namespace {

constexpr double kLayersApartKm = 300;  // layers whose middles are farther apart than this (at least) ...
constexpr double kSpreadFactor = 3;     // ... and than 3 x their spreads are refused
constexpr double kFarFenceKm = 100;     // features beyond 3 x IQR (at least this) of every layer are skipped
constexpr size_t kMinFeaturesForFences = 5;

std::string km(double d) { return std::to_string(static_cast<long long>(std::llround(d))); }

// ---- step 4: layers far apart -----------------------------------------------------------------------------

struct LayerMiddle {
    size_t layer = 0;
    LonLat middle;        // per-axis medians
    double spread_km = 0; // diagonal of the interquartile box
    size_t n = 0;
};

std::vector<LayerMiddle> layer_middles(const std::deque<RawLayer>& raws, const std::vector<std::vector<LonLat>>& where) {
    std::vector<LayerMiddle> mids;
    for (size_t i = 0; i < raws.size(); ++i) {
        std::vector<double> lon, lat;
        for (const auto& p : where[i])
            if (p.ok()) lon.push_back(p.lon), lat.push_back(p.lat);
        if (lon.empty()) continue;
        LayerMiddle m;
        m.layer = i;
        m.n = lon.size();
        // Longitudes as offsets from the middle of the layer's narrowest arc, so that a layer across the
        // antimeridian has its middle there and a spread of its real width.
        const double centre = narrowest_arc(lon).middle();
        for (double& l : lon) l = lon_offset(l, centre);
        m.middle = {lon_offset(centre + quantile(lon, 0.5), 0), quantile(lat, 0.5)};
        const double kx = 111.32 * std::cos(m.middle.lat * kPi / 180), ky = 110.57;
        m.spread_km = std::hypot((quantile(lon, 0.75) - quantile(lon, 0.25)) * kx, (quantile(lat, 0.75) - quantile(lat, 0.25)) * ky);
        mids.push_back(m);
    }
    return mids;
}

bool apart(const LayerMiddle& a, const LayerMiddle& b) {
    const double limit = std::max(kLayersApartKm, kSpreadFactor * (a.spread_km + b.spread_km));
    return haversine_km(a.middle, b.middle) > limit;
}

// The error for layers found far apart; `suspects` are those far from the most others. If swapping a
// suspect's longitude/latitude brings it among the others, say so.
[[noreturn]] void refuse_far_layers(const std::deque<RawLayer>& raws, const std::vector<LayerMiddle>& mids,
                                    const std::vector<size_t>& suspects) {
    auto others_near = [&](size_t a, const LonLat& p) {
        LayerMiddle moved = mids[a];
        moved.middle = p;
        for (size_t b = 0; b < mids.size(); ++b)
            if (b != a && apart(moved, mids[b])) return false;
        return true;
    };
    auto name = [&](size_t a) {
        const RawLayer& r = raws[mids[a].layer];
        return "the " + r.spec->role + " layer ('" + r.stats.layer_name + "' of " + source_name(r.spec->source) + ", " +
               r.stats.source_crs + (r.spec->crs.empty() ? " from the file" : " from the scenario") + ")";
    };
    auto nearest_other = [&](size_t a) {
        size_t best = a == 0 ? 1 : 0;
        for (size_t b = 0; b < mids.size(); ++b)
            if (b != a && haversine_km(mids[a].middle, mids[b].middle) < haversine_km(mids[a].middle, mids[best].middle)) best = b;
        return best;
    };
    for (size_t a : suspects) {
        const RawLayer& r = raws[mids[a].layer];
        if (!is_degrees(r.srs)) continue;
        const LonLat swapped{mids[a].middle.lat, mids[a].middle.lon};
        if (!others_near(a, swapped)) continue;
        const size_t b = nearest_other(a);
        const std::string fix = !r.spec->x_field.empty()
                                    ? "the x column holds the latitude: swap 'x: " + r.spec->x_field + "' and 'y: " +
                                          r.spec->y_field + "' in inputs." + r.spec->role
                                    : "write the longitude first (x = longitude, y = latitude) in the source";
        throw Error("longitude and latitude look swapped in " + name(a) + ": its features lie around " +
                        lonlat_text(mids[a].middle) + ", about " + km(haversine_km(mids[a].middle, mids[b].middle)) +
                        " km from " + name(b) + " around " + lonlat_text(mids[b].middle) + "; swapped, they would lie among them",
                    Location{r.spec->source, 0, 0, r.stats.layer_name}, fix);
    }
    if (suspects.size() == 1 && mids.size() >= 3) {
        const size_t a = suspects[0], b = nearest_other(a);
        const RawLayer& r = raws[mids[a].layer];
        throw Error(name(a) + " lies about " + km(haversine_km(mids[a].middle, mids[b].middle)) + " km from the other inputs: its features lie around " +
                        lonlat_text(mids[a].middle) + ", the nearest other layer's around " + lonlat_text(mids[b].middle),
                    Location{r.spec->source, 0, 0, r.stats.layer_name},
                    "its CRS is probably wrong: check the coordinates (ogrinfo -al), and set the right CRS with 'crs:' in inputs." +
                        r.spec->role);
    }
    size_t a = suspects[0], b = suspects.size() > 1 ? suspects[1] : nearest_other(suspects[0]);
    const RawLayer& r = raws[mids[a].layer];
    throw Error(name(a) + " and " + name(b) + " lie about " + km(haversine_km(mids[a].middle, mids[b].middle)) +
                    " km apart: around " + lonlat_text(mids[a].middle) + " and around " + lonlat_text(mids[b].middle),
                Location{r.spec->source, 0, 0, r.stats.layer_name},
                "one of them has a wrong CRS or swapped coordinates: check each layer's coordinates (ogrinfo -al) and "
                "set the right CRS with 'crs:' in its input");
}

// ---- step 5: single features far from everything --------------------------------------------------------------

// Positions as km east and north of the data's middle: a flat approximation, good enough for fences of
// hundreds of kilometres.
struct LocalKm {
    LonLat mid;
    double kx, ky;
    explicit LocalKm(const LonLat& m) : mid(m), kx(111.32 * std::cos(m.lat * kPi / 180)), ky(110.57) {}
    double east(const LonLat& p) const { return lon_offset(p.lon, mid.lon) * kx; }  // across 180 too
    double north(const LonLat& p) const { return (p.lat - mid.lat) * ky; }
};

struct Box {
    double x0, x1, y0, y1;
    bool contains(double x, double y) const { return x >= x0 && x <= x1 && y >= y0 && y <= y1; }
};

Box fenced(const LocalKm& km_of, const std::vector<const LonLat*>& pts) {
    std::vector<double> xs, ys;
    for (const auto* p : pts) xs.push_back(km_of.east(*p)), ys.push_back(km_of.north(*p));
    const double qx0 = quantile(xs, 0.25), qx1 = quantile(xs, 0.75), qy0 = quantile(ys, 0.25), qy1 = quantile(ys, 0.75);
    const double fx = std::max(kFarFenceKm, 3 * (qx1 - qx0)), fy = std::max(kFarFenceKm, 3 * (qy1 - qy0));
    return Box{qx0 - fx, qx1 + fx, qy0 - fy, qy1 + fy};
}

// The fences of each layer with enough features, and of all features together (last).
std::vector<Box> fences(const LocalKm& km_of, const std::vector<std::vector<LonLat>>& where) {
    std::vector<Box> boxes;
    std::vector<const LonLat*> everything;
    for (const auto& layer : where) {
        std::vector<const LonLat*> pts;
        for (const auto& p : layer)
            if (p.ok()) pts.push_back(&p), everything.push_back(&p);
        if (pts.size() >= kMinFeaturesForFences) boxes.push_back(fenced(km_of, pts));
    }
    boxes.push_back(fenced(km_of, everything));
    return boxes;
}

// Every feature in buckets of kFarFenceKm, by layer: a feature outside the fences is still kept when a
// feature of another layer lies within kFarFenceKm of it. A real remote place shows in several kinds of
// record (victims near a minefield); a mistyped coordinate does not recur in another layer. The buckets
// keep copies of the positions: skip_far_features replaces a layer's positions while later layers are
// still checked against them.
class OtherLayersNearby {
public:
    OtherLayersNearby(const LocalKm& km_of, const std::vector<std::vector<LonLat>>& where) : km_(km_of) {
        for (size_t i = 0; i < where.size(); ++i)
            for (const auto& p : where[i])
                if (p.ok()) buckets_[bucket_of(p)].emplace_back(i, p);
    }
    bool near(size_t layer, const LonLat& p) const {
        const auto [bx, by] = bucket_of(p);
        for (long long dx = -1; dx <= 1; ++dx)
            for (long long dy = -1; dy <= 1; ++dy) {
                auto it = buckets_.find({bx + dx, by + dy});
                if (it == buckets_.end()) continue;
                for (const auto& [other, q] : it->second)
                    if (other != layer && std::hypot(km_.east(q) - km_.east(p), km_.north(q) - km_.north(p)) <= kFarFenceKm)
                        return true;
            }
        return false;
    }

private:
    std::pair<long long, long long> bucket_of(const LonLat& p) const {
        return std::make_pair(static_cast<long long>(std::floor(km_.east(p) / kFarFenceKm)),
                              static_cast<long long>(std::floor(km_.north(p) / kFarFenceKm)));
    }
    const LocalKm& km_;
    std::map<std::pair<long long, long long>, std::vector<std::pair<size_t, LonLat>>> buckets_;
};

}  // namespace

void refuse_layers_far_apart(const std::deque<RawLayer>& raws, const std::vector<std::vector<LonLat>>& where) {
    const std::vector<LayerMiddle> mids = layer_middles(raws, where);
    if (mids.size() < 2) return;
    std::vector<size_t> count(mids.size(), 0);
    bool any = false;
    for (size_t a = 0; a < mids.size(); ++a)
        for (size_t b = 0; b < mids.size(); ++b)
            if (a != b && apart(mids[a], mids[b])) ++count[a], any = true;
    if (!any) return;

    // The layers far from the most others are the suspects.
    const size_t most = *std::max_element(count.begin(), count.end());
    std::vector<size_t> suspects;
    for (size_t a = 0; a < mids.size(); ++a)
        if (count[a] == most) suspects.push_back(a);
    refuse_far_layers(raws, mids, suspects);
}

void skip_far_features(std::deque<RawLayer>& raws, std::vector<std::vector<LonLat>>& where) {
    std::vector<double> all_lon, all_lat;
    for (const auto& layer : where)
        for (const auto& p : layer)
            if (p.ok()) all_lon.push_back(p.lon), all_lat.push_back(p.lat);
    if (all_lon.size() < kMinFeaturesForFences) return;
    // The median longitude measured from the middle of the data's narrowest arc: for data across the
    // antimeridian, the median of the plain numbers would lie near 0, the other side of the world.
    const double centre = narrowest_arc(all_lon).middle();
    for (double& l : all_lon) l = lon_offset(l, centre);
    const LonLat mid{lon_offset(centre + quantile(all_lon, 0.5), 0), quantile(all_lat, 0.5)};
    const LocalKm km_of(mid);
    const std::vector<Box> boxes = fences(km_of, where);
    const OtherLayersNearby nearby(km_of, where);
    for (size_t i = 0; i < raws.size(); ++i) {
        RawLayer& raw = raws[i];
        std::vector<char> drop(raw.features.size(), 0);
        for (size_t k = 0; k < raw.features.size(); ++k) {
            const LonLat& p = where[i][k];
            if (!p.ok()) continue;
            const double x = km_of.east(p), y = km_of.north(p);
            bool inside = false;
            for (const auto& b : boxes) inside |= b.contains(x, y);
            if (inside || nearby.near(i, p)) continue;
            OGREnvelope env;
            raw.features[k].geom->getEnvelope(&env);
            raw.problems["far"].add(label(raw, raw.features[k]) + " at " + coords_text(raw, env) + ", about " +
                                    km(haversine_km(p, mid)) + " km from the middle of the data (" + lonlat_text(mid) + ")");
            drop[k] = 1;
        }
        const auto n = std::count(drop.begin(), drop.end(), 1);
        if (n == 0) continue;
        raw.stats.skipped_bad += n;
        std::vector<LonLat> keep;
        for (size_t k = 0; k < drop.size(); ++k)
            if (!drop[k]) keep.push_back(where[i][k]);
        where[i] = std::move(keep);
        drop_features(raw, drop);
    }
}

namespace {

// The extent of every feature but one, for each feature in one pass: per side, the two most extreme values.
class ExtentWithout {
public:
    explicit ExtentWithout(const std::vector<Extent>& boxes) {
        for (size_t k = 0; k < boxes.size(); ++k) {
            const Extent& b = boxes[k];
            if (b.empty()) continue;
            const double v[4] = {b.xmin, b.ymin, -b.xmax, -b.ymax};  // each side as a value to minimise
            for (int s = 0; s < 4; ++s) {
                if (v[s] < best_[s]) second_[s] = best_[s], best_[s] = v[s], holder_[s] = k;
                else if (v[s] < second_[s]) second_[s] = v[s];
            }
        }
    }
    Extent without(size_t k) const {
        double v[4];
        for (int s = 0; s < 4; ++s) v[s] = holder_[s] == k ? second_[s] : best_[s];
        return Extent{v[0], v[1], -v[2], -v[3]};
    }
    Extent all() const { return Extent{best_[0], best_[1], -best_[2], -best_[3]}; }

private:
    double best_[4] = {INFINITY, INFINITY, INFINITY, INFINITY}, second_[4] = {INFINITY, INFINITY, INFINITY, INFINITY};
    size_t holder_[4] = {SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX};
};

std::string length_text(double metres) {
    char buf[32];
    if (metres >= 1000) std::snprintf(buf, sizeof buf, "%.1f km", metres / 1000);
    else std::snprintf(buf, sizeof buf, "%.0f m", metres);
    return buf;
}

}  // namespace

void warn_extent_setters(const std::deque<RawLayer>& raws, const Inputs& inputs, double margin, std::vector<std::string>& warnings) {
    std::vector<Extent> boxes;
    std::vector<std::pair<size_t, size_t>> owner;  // (layer, feature) of each box
    for (size_t i = 0; i < inputs.layers.size() && i < raws.size(); ++i)
        for (size_t k = 0; k < inputs.layers[i].bounds.size(); ++k)
            boxes.push_back(inputs.layers[i].bounds[k]), owner.emplace_back(i, k);
    if (boxes.size() < 2) return;  // one feature is the whole extent by right
    const ExtentWithout ext(boxes);
    auto cells_area = [&](const Extent& e) { return (e.xmax - e.xmin + 2 * margin) * (e.ymax - e.ymin + 2 * margin); };
    const Extent all = ext.all();
    const double area_all = cells_area(all);
    if (!(area_all > 0) || !std::isfinite(area_all)) return;
    std::map<size_t, ProblemCounter> by_layer;
    for (size_t b = 0; b < boxes.size(); ++b) {
        const Extent rest = ext.without(b);
        if (rest.empty()) continue;  // every other feature has no box
        const double share = 1 - cells_area(rest) / area_all;
        // By its size, not its place (step 5 judged places): two small hazards far apart each set most of
        // their extent too.
        if (share < kExtentShareWarned || cells_area(boxes[b]) < kExtentShareWarned * area_all) continue;
        const auto [i, k] = owner[b];
        const FeatureLayer& l = inputs.layers[i];
        const Column* id = l.column("id");
        char pct[16];
        std::snprintf(pct, sizeof pct, "%.0f %%", std::floor(100 * share));
        by_layer[i].add(feature_label(l.fid[k], id && k < id->text.size() ? id->text[k] : "", raws[i].csv) + " sets " + pct +
                        " of it (its box " + length_text(boxes[b].xmax - boxes[b].xmin) + " x " +
                        length_text(boxes[b].ymax - boxes[b].ymin) + "; the other features span " +
                        length_text(rest.xmax - rest.xmin) + " x " + length_text(rest.ymax - rest.ymin) + ")");
    }
    for (const auto& [i, pc] : by_layer)
        warnings.push_back(who(*raws[i].spec, raws[i].stats.layer_name) + ": " + std::to_string(pc.count) +
                           " feature(s) alone set most of the automatic extent (" + pc.summary() +
                           "). a radius or point_radius in the wrong unit, or a coordinate typed wrong? check the "
                           "feature in the source, or give 'extent' explicitly");
}

}  // namespace minerisk::reader
