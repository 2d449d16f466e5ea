# raster_factor reads the user's raster with GDAL (included by plugins/CMakeLists.txt).
target_link_libraries(${name} PRIVATE GDAL::GDAL)
