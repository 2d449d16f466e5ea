// Reading a feature's geometry and refusing those that cannot stand for a place (step 2 of the reader's
// checks, vector_reader.cpp).
#include "io/feature_geometry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "io/decimal_comma.hpp"

namespace minerisk::reader {
namespace {

class FiniteCheck : public OGRDefaultConstGeometryVisitor {
public:
    using OGRDefaultConstGeometryVisitor::visit;
    bool finite = true;
    void visit(const OGRPoint* p) override {  // (OGR calls a point with NaN coordinates "empty": test the numbers)
        if (!std::isfinite(p->getX()) || !std::isfinite(p->getY())) finite = false;
    }
};

// A point from the x and y columns; left null when either is empty. False for text that is no number.
bool point_from_columns(RawLayer& raw, OGRFeature& feat, const FieldMap& map, const std::string& who_f,
                        std::unique_ptr<OGRGeometry>& geom) {
    if (!feat.IsFieldSetAndNotNull(map.x) || !feat.IsFieldSetAndNotNull(map.y)) return true;
    const std::string xs = feat.GetFieldAsString(map.x), ys = feat.GetFieldAsString(map.y);
    char *ex = nullptr, *ey = nullptr;
    const double x = std::strtod(xs.c_str(), &ex), y = std::strtod(ys.c_str(), &ey);
    if (xs.empty() || ys.empty()) return true;
    if (*ex || *ey || !std::isfinite(x) || !std::isfinite(y)) {
        raw.problems["bad"].add(who_f + ": coordinates '" + xs + "', '" + ys + "'" +
                                (has_decimal_comma(xs) || has_decimal_comma(ys) ? " (a decimal comma)" : ""));
        ++raw.stats.skipped_bad;
        return false;
    }
    geom = std::make_unique<OGRPoint>(x, y);
    return true;
}

}  // namespace

bool all_coordinates_finite(const OGRGeometry& g) {
    FiniteCheck check;
    g.accept(&check);
    return check.finite;
}

bool read_geometry(RawLayer& raw, OGRFeature& feat, const FieldMap& map, const std::string& who_f,
                   std::unique_ptr<OGRGeometry>& geom) {
    if (!map.coords_from_fields()) {
        if (const OGRGeometry* g = feat.GetGeometryRef()) geom.reset(g->clone());
        return true;
    }
    if (map.wkt >= 0) {
        const char* text = feat.IsFieldSetAndNotNull(map.wkt) ? feat.GetFieldAsString(map.wkt) : "";
        if (!*text) return true;
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkt(text, nullptr, &g) != OGRERR_NONE) {
            raw.problems["bad"].add(who_f + ": unreadable WKT");
            ++raw.stats.skipped_bad;
            return false;
        }
        geom.reset(g);
        return true;
    }
    if (map.x >= 0 && map.y >= 0) return point_from_columns(raw, feat, map, who_f, geom);
    return true;
}

bool usable_geometry(RawLayer& raw, const OGRGeometry* geom, const std::string& who_f) {
    if (!geom) {
        ++raw.stats.skipped_null;
        raw.problems["null"].add(who_f);
        return false;
    }
    if (geom->IsEmpty()) {
        ++raw.stats.skipped_empty;
        raw.problems["empty"].add(who_f);
        return false;
    }
    OGREnvelope env;
    geom->getEnvelope(&env);
    if (!std::isfinite(env.MinX) || !std::isfinite(env.MaxX) || !std::isfinite(env.MinY) || !std::isfinite(env.MaxY) ||
        !all_coordinates_finite(*geom)) {
        ++raw.stats.skipped_bad;
        raw.problems["bad"].add(who_f + ": NaN or infinite coordinates");
        return false;
    }
    // No CRS puts a place on Earth beyond 1e10 of its units (Web Mercator ends at 2e7 m, feet at 7e7), and
    // GEOS's repair can run for minutes on such numbers (found by fuzz_vector: a ring at 1.7e308).
    constexpr double kFarBeyondEarth = 1e10;
    if (std::max({std::fabs(env.MinX), std::fabs(env.MaxX), std::fabs(env.MinY), std::fabs(env.MaxY)}) > kFarBeyondEarth) {
        ++raw.stats.skipped_bad;
        raw.problems["bad"].add(who_f + ": coordinates beyond 1e10, no place on Earth in any CRS");
        return false;
    }
    return true;
}

}  // namespace minerisk::reader
