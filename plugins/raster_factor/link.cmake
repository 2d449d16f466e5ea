target_link_libraries(${name} PRIVATE GDAL::GDAL)
