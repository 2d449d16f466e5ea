// Positions for field teams: longitude and latitude (WGS 84) of points in the working CRS. Used by the plans
// (sign and session positions) and the exports (tables, report), so it lives with the CRS code, not with either.
#pragma once
#include <memory>
#include <string>

namespace minerisk {

// Longitude and latitude (WGS 84, degrees) of points in the working CRS, for field teams with a GPS.
class LonLat {
public:
    explicit LonLat(const std::string& working_crs_wkt);  // no transformation possible: every point gives false
    ~LonLat();
    LonLat(const LonLat&) = delete;
    LonLat& operator=(const LonLat&) = delete;
    bool operator()(double x, double y, double& lon, double& lat) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace minerisk
