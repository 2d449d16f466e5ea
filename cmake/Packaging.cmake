# The Debian package (docs/dependencies.md, "The Debian package"): `cpack -G DEB` in the build folder (or
# `make package`) writes minerisk_VERSION_ARCH.deb with everything `cmake --install` puts under /usr: the program,
# the built-in plugins, the demo scenario and its data, the man page, the bash completion, the licence (as
# share/doc/minerisk/copyright) and the plugin SDK (headers and the CMake package, for plugin authors).
# The dependencies are Debian's own packages, found by dpkg-shlibdeps (dpkg-dev, which build-essential brings)
# from the libraries the program and the plugins are linked with, so that they cannot go stale.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME minerisk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "minerisk")
set(CPACK_PACKAGE_CONTACT "minerisk maintainers <minerisk@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "risk maps and outreach plans from weapon-contamination data")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "risk maps and outreach plans from weapon-contamination data
minerisk turns hazard areas, incidents, settlements and signs into risk rasters
(Cloud-Optimized GeoTIFFs), ranked zones (CSV, GeoPackage, a QGIS project), a report,
and sign and outreach plans. `minerisk demo -o DIR` runs the bundled synthetic demo.")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # minerisk_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The package's own libraries (the plugins) are loaded with dlopen, not linked: nothing for shlibdeps to resolve
# among them.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_FILE_NAME minerisk_${PROJECT_VERSION})  # only for generators other than DEB
set(CPACK_SOURCE_IGNORE_FILES "/build.*/;/\\\\.git/")
include(CPack)
