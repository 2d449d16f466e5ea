# raster_factor reads the user's raster with GDAL (included by plugins/CMakeLists.txt), after the engine's
# check that the path is a plain file (minerisk_files).
target_link_libraries(${name} PRIVATE GDAL::GDAL minerisk_files)
