// Versions of minerisk and of the libraries it was built with.
#pragma once
#include <string>

namespace minerisk {

extern const char* const MINERISK_VERSION_STRING;

struct VersionInfo {
    std::string minerisk, gdal, geos, proj, build_type, compiler;
};
VersionInfo versions();

}  // namespace minerisk
