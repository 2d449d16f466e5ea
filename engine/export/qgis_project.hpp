// minerisk.qgs: a QGIS project that opens every output layer styled, in drawing order, in the working CRS,
// zoomed to the grid. Paths are relative to the project, so the output folder can be moved or shared whole.
#pragma once
#include <string>
#include <vector>

#include "export/qgis_styles.hpp"
#include "minerisk/grid.hpp"

namespace minerisk::qgis {

struct ProjectLayer {
    std::string id;          // unique in the project
    std::string name;        // shown in the layers panel: short ("Zones", "Signs")
    std::string abstract;    // what the layer is, in a sentence (the <abstract> QGIS shows as its description)
    std::string datasource;  // "./minerisk.gpkg|layername=zones", "./risk.tif"
    std::string provider;    // "ogr" | "gdal"
    Style style;             // style.raster tells the layer type
    bool visible = true;
    bool in_group = false;   // in the group of factor rasters (after the other layers)
};

struct ProjectInfo {
    std::string title;
    std::string crs_wkt;
    std::string crs_name;    // "EPSG:32638" (used as authid when the WKT carries no authority)
    Extent extent;           // initial view
    std::string group_name;  // the group holding the layers with in_group
    bool group_visible = false;
    std::vector<ProjectLayer> layers;  // top to bottom
    Xml layouts{"Layouts"};            // the print layouts (qgis_layouts.hpp); none when it has no child
};

// The project XML. Deterministic: the same info gives the same text.
std::string project_xml(const ProjectInfo& info);

// <spatialrefsys> of a CRS as QGIS writes it (wkt, proj4, authid, description, ...).
Xml spatialrefsys(const std::string& wkt, const std::string& fallback_authid);

}  // namespace minerisk::qgis
