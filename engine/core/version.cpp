#include "minerisk/version.hpp"

#include <gdal.h>
#include <geos_c.h>
#include <proj.h>

namespace minerisk {

const char* const MINERISK_VERSION_STRING = MINERISK_VERSION;

VersionInfo versions() {
    VersionInfo v;
    v.minerisk = MINERISK_VERSION;
    v.gdal = GDALVersionInfo("RELEASE_NAME");
    v.geos = GEOSversion();
    v.proj = proj_info().release;
#ifdef NDEBUG
    v.build_type = "Release";
#else
    v.build_type = "Debug";
#endif
#if defined(__clang__)
    v.compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
    v.compiler = "gcc " __VERSION__;
#else
    v.compiler = "unknown";
#endif
    return v;
}

}  // namespace minerisk
