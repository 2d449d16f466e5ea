// The CRS an input layer's coordinates are in, and how it is named in messages and the report.
#include "io/layer_crs.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "minerisk/crs.hpp"

namespace minerisk::reader {
namespace {

// What to write as 'crs:' for a layer that has none, judged from its coordinates.
std::string no_crs_hint(const InputSpec& in, const Extent& e, const std::string& working_crs) {
    const std::string block = "inputs." + in.role;
    if (e.empty())
        return "add 'crs:' with the CRS the data were written in (e.g. 'crs: EPSG:4326' for longitude/latitude) to " + block +
               " in the scenario";
    char range[160];
    std::snprintf(range, sizeof range, "x %.6g .. %.6g, y %.6g .. %.6g", e.xmin, e.xmax, e.ymin, e.ymax);
    if (std::fabs(e.xmin) <= 180 && std::fabs(e.xmax) <= 180 && std::fabs(e.ymin) <= 90 && std::fabs(e.ymax) <= 90)
        return std::string("its coordinates (") + range + ") look like longitude/latitude: add 'crs: EPSG:4326' (or the "
               "geographic CRS they were recorded in) to " + block + " in the scenario";
    std::string hint = std::string("its coordinates (") + range + ") are metres of a projected CRS, not longitude/latitude: add "
                       "'crs:' with the CRS the data were exported in to " + block + " in the scenario";
    if (working_crs != "auto" && !working_crs.empty()) {
        OGRSpatialReference w;
        if (w.SetFromUserInput(working_crs.c_str()) == OGRERR_NONE && w.IsProjected())
            return hint + ", e.g. 'crs: " + working_crs + "' if they are in the working CRS";
    }
    if (e.xmin >= 100000 && e.xmax <= 900000 && e.ymin >= 0 && e.ymax <= 10000000)
        return hint + ", e.g. a UTM zone: 'crs: EPSG:326ZZ' north of the equator, 'EPSG:327ZZ' south, ZZ the zone";
    return hint + " (a national grid, a UTM zone, or EPSG:3857 for web-map coordinates)";
}

std::string wkt_of(const OGRSpatialReference& srs) {
    char* w = nullptr;
    srs.exportToWkt(&w);
    std::string s = w ? w : "";
    CPLFree(w);
    return s;
}

}  // namespace

std::string crs_display_name(const OGRSpatialReference& srs, const std::string& written) {
    std::string name = crs_short_name(wkt_of(srs));
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!name.empty() && lower.rfind("unknown", 0) != 0 && lower.rfind("unnamed", 0) != 0) return name;
    std::string match;
    int n = 0;
    int* confidence = nullptr;
    OGRSpatialReferenceH* matches = srs.FindMatches(nullptr, &n, &confidence);
    if (matches && n > 0 && confidence && confidence[0] >= 70) {
        const auto* m = OGRSpatialReference::FromHandle(matches[0]);
        const char* auth = m->GetAuthorityName(nullptr);
        const char* code = m->GetAuthorityCode(nullptr);
        if (auth && code) match = std::string(auth) + ":" + code;
    }
    if (matches) OSRFreeSRSArray(matches);
    CPLFree(confidence);
    std::string text = written;
    if (text.empty() || text.size() > 120) {
        char* p4 = nullptr;
        if (srs.exportToProj4(&p4) == OGRERR_NONE && p4) text = p4;
        CPLFree(p4);
    }
    if (text.empty()) text = name.empty() ? "unnamed CRS" : name;
    return match.empty() ? text : text + " (" + match + ")";
}

std::string crs_display_name_of_wkt(const std::string& wkt, const std::string& written) {
    OGRSpatialReference srs;
    if (srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) return written.empty() ? "unknown CRS" : written;
    return crs_display_name(srs, written);
}

void assign_layer_crs(RawLayer& raw, const OGRSpatialReference* file_srs) {
    const InputSpec& in = *raw.spec;
    if (!in.crs.empty()) {
        raw.srs.SetFromUserInput(in.crs.c_str());
        raw.has_srs = true;
        if (file_srs && !file_srs->IsSame(&raw.srs))
            raw.problems["crs"].add("the file says " + crs_short_name(wkt_of(*file_srs)) + ", the scenario's crs " + in.crs +
                                    " is used");
    } else if (file_srs) {
        raw.srs = *file_srs;
        raw.has_srs = true;
    }
    if (raw.has_srs) {
        raw.srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        raw.stats.source_crs = crs_display_name(raw.srs, in.crs);
    }
}

void refuse_missing_crs(const RawLayer& raw, const Location& where, const std::string& working_crs) {
    const InputSpec& in = *raw.spec;
    Extent e;
    for (const auto& f : raw.features) {
        OGREnvelope env;
        f.geom->getEnvelope(&env);
        e.expand({env.MinX, env.MinY, env.MaxX, env.MaxY});
    }
    throw Error("the " + in.role + " layer '" + raw.stats.layer_name + "' has no CRS (inputs." + in.role + ", " +
                    in.where.to_string() + ")",
                where, no_crs_hint(in, e, working_crs));
}

}  // namespace minerisk::reader
