#include "crs/lon_lat.hpp"

#include <ogr_spatialref.h>

#include <cmath>
#include <memory>

namespace minerisk {

struct LonLat::Impl {
    OGRSpatialReference source, wgs84;
    std::unique_ptr<OGRCoordinateTransformation> transform;
};

LonLat::LonLat(const std::string& wkt) : impl_(std::make_unique<Impl>()) {
    if (wkt.empty() || impl_->source.importFromWkt(wkt.c_str()) != OGRERR_NONE) return;
    impl_->source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    impl_->wgs84.SetWellKnownGeogCS("WGS84");
    impl_->wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);  // x = longitude, y = latitude
    CPLPushErrorHandler(CPLQuietErrorHandler);
    impl_->transform.reset(OGRCreateCoordinateTransformation(&impl_->source, &impl_->wgs84));
    CPLPopErrorHandler();
}

LonLat::~LonLat() = default;

bool LonLat::operator()(double x, double y, double& lon, double& lat) const {
    if (!impl_->transform || !std::isfinite(x) || !std::isfinite(y)) return false;
    double px = x, py = y;
    if (!impl_->transform->Transform(1, &px, &py)) return false;
    if (!std::isfinite(px) || !std::isfinite(py)) return false;
    lon = px, lat = py;
    return true;
}

}  // namespace minerisk
