// Features placed on the globe (longitude/latitude through PROJ) and the coordinate range check of layers
// in a geographic CRS.
#include "io/feature_positions.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace minerisk::reader {

double haversine_km(const LonLat& a, const LonLat& b) {
    const double r = 6371.0088, d2r = kPi / 180;
    const double dlat = (b.lat - a.lat) * d2r, dlon = (b.lon - a.lon) * d2r;
    const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(a.lat * d2r) * std::cos(b.lat * d2r) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * r * std::asin(std::min(1.0, std::sqrt(h)));
}

std::string lonlat_text(const LonLat& p) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f %s, %.3f %s", std::fabs(p.lon), p.lon < 0 ? "W" : "E", std::fabs(p.lat),
                  p.lat < 0 ? "S" : "N");
    return buf;
}

double quantile(std::vector<double> v, double q) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const double pos = q * (v.size() - 1);
    const size_t i = static_cast<size_t>(pos);
    return i + 1 < v.size() ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[i];
}

bool is_degrees(const OGRSpatialReference& srs) {
    return srs.IsGeographic() && std::fabs(srs.GetAngularUnits() - kPi / 180) < 1e-9;
}

std::vector<LonLat> feature_lonlat(const RawLayer& raw) {
    std::vector<LonLat> out(raw.features.size());
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&raw.srs, &wgs84));
    if (!ct) return out;
    for (size_t k = 0; k < raw.features.size(); ++k) {
        OGREnvelope env;
        raw.features[k].geom->getEnvelope(&env);
        double x = (env.MinX + env.MaxX) / 2, y = (env.MinY + env.MaxY) / 2;
        if (ct->Transform(1, &x, &y) && std::isfinite(x) && std::isfinite(y) && std::fabs(y) <= 90 && std::fabs(x) <= 180)
            out[k] = {x, y};
    }
    return out;
}

void check_coordinate_ranges(RawLayer& raw) {
    const InputSpec& in = *raw.spec;
    std::vector<char> drop(raw.features.size(), 0);
    const bool degrees = is_degrees(raw.srs);
    std::int64_t out_of_range = 0, swappable = 0;
    const RawFeature* first_bad = nullptr;
    OGREnvelope first_env;
    for (size_t k = 0; k < raw.features.size(); ++k) {
        const RawFeature& f = raw.features[k];
        OGREnvelope env;
        f.geom->getEnvelope(&env);
        if (env.MinX == 0 && env.MaxX == 0 && env.MinY == 0 && env.MaxY == 0) {
            raw.problems["zero"].add(label(raw, f));
            drop[k] = 1;
            continue;
        }
        if (!degrees) continue;
        const double eps = 1e-9;
        const bool lon_bad = env.MinX < -180 - eps || env.MaxX > 180 + eps;
        const bool lat_bad = env.MinY < -90 - eps || env.MaxY > 90 + eps;
        if (!lon_bad && !lat_bad) continue;
        ++out_of_range;
        const bool swapped_fits = env.MinX >= -90 - eps && env.MaxX <= 90 + eps && env.MinY >= -180 - eps && env.MaxY <= 180 + eps;
        swappable += swapped_fits;
        if (!first_bad) first_bad = &f, first_env = env;
        raw.problems["range"].add(label(raw, f) + " at " + coords_text(raw, env) +
                                  (lat_bad ? (swapped_fits ? ": latitude beyond 90 (swapped with the longitude?)" : ": latitude beyond 90")
                                           : ": longitude beyond 180"));
        drop[k] = 1;
    }
    const std::int64_t n = static_cast<std::int64_t>(raw.features.size());
    if (out_of_range > 0 && out_of_range * 2 > n) {
        const Location where{in.source, 0, 0, raw.stats.layer_name};
        const std::string what = std::to_string(out_of_range) + " of the " + std::to_string(n) + " features of the " +
                                 in.role + " layer '" + raw.stats.layer_name + "' have coordinates that are not longitude/latitude (e.g. " +
                                 label(raw, *first_bad) + " at " + coords_text(raw, first_env) + "), but its CRS " +
                                 raw.stats.source_crs + " is geographic";
        if (swappable == out_of_range) {
            const std::string fix = !in.x_field.empty()
                                        ? "the x column holds the latitude: swap 'x: " + in.x_field + "' and 'y: " + in.y_field +
                                              "' in inputs." + in.role
                                        : "write the longitude first (x = longitude, y = latitude) in the source";
            throw Error(what + ": longitude and latitude are swapped", where, fix);
        }
        throw Error(what + ": the CRS is wrong", where,
                    "if the coordinates are metres of a projected CRS (a UTM zone, a national grid), name it with 'crs:' "
                    "in inputs." + in.role + ", e.g. 'crs: EPSG:32638'");
    }
    raw.stats.skipped_bad += static_cast<std::int64_t>(std::count(drop.begin(), drop.end(), 1));
    drop_features(raw, drop);
}

double lon_offset(double lon, double from) {
    double d = std::fmod(lon - from, 360.0);
    if (d < -180) d += 360;
    if (d >= 180) d -= 360;
    return d;
}

double LonArc::middle() const { return lon_offset(west + width / 2, 0); }
double LonArc::east() const { return lon_offset(west + width, 0); }

LonArc narrowest_arc(std::vector<double> lons) {
    if (lons.empty()) return {};
    for (double& l : lons) l = lon_offset(l, 0);
    std::sort(lons.begin(), lons.end());
    // The arc is the circle less its widest gap between neighbouring longitudes (the gap across 180 included).
    double gap = lons.front() + 360 - lons.back();
    size_t after = 0;  // the longitude east of the widest gap: the arc's west end
    for (size_t i = 1; i < lons.size(); ++i)
        if (lons[i] - lons[i - 1] > gap) gap = lons[i] - lons[i - 1], after = i;
    return LonArc{lons[after], 360 - gap};
}

bool centre_lonlat(const std::vector<std::vector<LonLat>>& where, double& lon, double& lat, LonArc* arc) {
    std::vector<double> lons;
    double south = 90, north = -90;
    for (const auto& layer : where)
        for (const auto& p : layer)
            if (p.ok()) lons.push_back(p.lon), south = std::min(south, p.lat), north = std::max(north, p.lat);
    if (lons.empty()) return false;
    const LonArc a = narrowest_arc(std::move(lons));
    lon = a.middle();
    lat = (south + north) / 2;
    if (arc) *arc = a;
    return true;
}

}  // namespace minerisk::reader
