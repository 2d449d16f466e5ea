#include "minerisk/crs.hpp"

#include <ogr_spatialref.h>
#include <proj.h>

#include <cmath>
#include <cstdio>

#include "scenario/crs_check.hpp"

namespace minerisk {

void check_crs_string(const std::string& text, const Location& where) {
    // PROJ itself decides, so whatever PROJ understands is accepted.
    PJ_CONTEXT* ctx = proj_context_create();
    proj_log_level(ctx, PJ_LOG_NONE);
    PJ* pj = proj_create(ctx, text.c_str());
    // A PROJ string without +type=crs describes an operation, not a CRS: read it as the CRS it names.
    if (pj && !proj_is_crs(pj) && text.rfind("+", 0) == 0 && text.find("+type=crs") == std::string::npos) {
        proj_destroy(pj);
        pj = proj_create(ctx, (text + " +type=crs").c_str());
    }
    const bool ok = pj != nullptr && proj_get_type(pj) != PJ_TYPE_UNKNOWN;
    const bool is_crs = pj != nullptr && proj_is_crs(pj);
    if (pj) proj_destroy(pj);
    proj_context_destroy(ctx);
    if (!ok || !is_crs)
        throw Error("PROJ does not recognise the CRS '" + text + "'", where,
                    "use an authority code such as EPSG:32638, a PROJ string or WKT (projinfo '" + text + "' tells why)");
}

std::string crs_to_wkt(const std::string& text) {
    OGRSpatialReference srs;
    if (srs.SetFromUserInput(text.c_str()) != OGRERR_NONE)
        throw Error("PROJ does not recognise the CRS '" + text + "'", {}, "use an authority code such as EPSG:32638");
    char* wkt = nullptr;
    const char* opts[] = {"FORMAT=WKT2_2019", nullptr};
    srs.exportToWkt(&wkt, opts);
    std::string s = wkt ? wkt : "";
    CPLFree(wkt);
    return s;
}

std::string utm_zone_for(double lon, double lat) {
    int zone = static_cast<int>(std::floor((lon + 180.0) / 6.0)) + 1;
    zone = std::max(1, std::min(60, zone));
    char buf[32];
    std::snprintf(buf, sizeof buf, "EPSG:%d", (lat >= 0 ? 32600 : 32700) + zone);
    return buf;
}

std::string crs_short_name(const std::string& wkt) {
    OGRSpatialReference srs;
    if (srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) return "unknown CRS";
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (auth && code) return std::string(auth) + ":" + code;
    const char* name = srs.GetName();
    return name ? name : "unnamed CRS";
}

bool crs_is_metric(const std::string& wkt) {
    OGRSpatialReference srs;
    if (srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) return false;
    return srs.IsProjected() && std::fabs(srs.GetLinearUnits() - 1.0) < 1e-9;
}

}  // namespace minerisk
