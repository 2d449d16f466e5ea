// The print layouts of minerisk.qgs: a "Priority map" (the map at full extent, legend, scale bar, north arrow,
// title, as-of and prepared dates, data sources) and a "Zone atlas" (one page per zone, in rank order: the zone
// and what lies around it, its figures, action and reasons), both exportable to PDF by QGIS.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "export/qgis_xml.hpp"
#include "minerisk/grid.hpp"

namespace minerisk::qgis {

struct LayoutLayer {
    std::string id, name, source, provider;
    // The legend's text for the layer's first legend entry instead of QGIS's own ("Band 1: <the band's long
    // description>", which runs off the page); empty: QGIS's.
    std::string first_entry_label = {};
};

struct LayoutInfo {
    std::string title;      // "minerisk: <scenario>"
    std::string as_of;      // "YYYY-MM-DD": the date the map describes
    std::string prepared;   // "YYYY-MM-DD": the run's start (UTC)
    std::string sources;    // "hazards: hazards.gpkg; incidents: incidents.csv; ..."
    Extent extent;          // the priority map's extent
    LayoutLayer zones;      // the atlas coverage (id empty: no atlas)
    std::vector<LayoutLayer> legend;  // the layers the priority map's legend lists, top to bottom
    // Each factor's name (the zones' top_factor) and what it measures in a planner's words, as the report says it.
    std::vector<std::pair<std::string, std::string>> factor_words;
};

// <Layouts> with the two layouts (the atlas only when info.zones has an id). Deterministic.
Xml layouts_xml(const LayoutInfo& info);

}  // namespace minerisk::qgis
