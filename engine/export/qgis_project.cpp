#include "export/qgis_project.hpp"

#include <cpl_conv.h>
#include <ogr_spatialref.h>

#include "minerisk/error.hpp"

namespace minerisk::qgis {

namespace {

std::string projection_acronym(const std::string& proj4) {
    const auto at = proj4.find("+proj=");
    if (at == std::string::npos) return "";
    const auto start = at + 6;
    return proj4.substr(start, proj4.find(' ', start) - start);
}

Xml extent_xml(const std::string& name, const Extent& e) {
    Xml x(name);
    x.child("xmin", number_text(e.xmin));
    x.child("ymin", number_text(e.ymin));
    x.child("xmax", number_text(e.xmax));
    x.child("ymax", number_text(e.ymax));
    return x;
}

// The authid a <spatialrefsys> element carries ("" when none).
std::string srs_authid(const Xml& srs) {
    for (const auto& c : srs.children())
        if (c.name() == "authid") return c.text_value();
    return "";
}

const char* checked(bool on) { return on ? "Qt::Checked" : "Qt::Unchecked"; }

Xml tree_layer(const ProjectLayer& l, bool visible) {
    Xml t("layer-tree-layer");
    // Every layer is a file of the output folder today; should one ever point at an input's connection, it
    // is written without its password (QGIS then asks for it, or takes it from its authentication database or
    // PGPASSFILE), never with it.
    t.attr("id", l.id).attr("name", l.name).attr("source", mask_secrets(l.datasource)).attr("providerKey", l.provider);
    t.attr("checked", checked(visible)).attr("expanded", l.style.raster ? "0" : "1").attr("legend_exp", "");
    t.child("customproperties");
    return t;
}

Xml layer_tree(const ProjectInfo& info) {
    Xml root("layer-tree-group");
    root.child("customproperties");
    Xml group("layer-tree-group");
    group.attr("name", info.group_name).attr("checked", checked(info.group_visible)).attr("expanded", "0");
    group.child("customproperties");
    bool group_placed = false;
    size_t group_at = 0;
    for (const auto& l : info.layers) {
        if (l.in_group) {
            group.add(tree_layer(l, info.group_visible && l.visible));
            if (!group_placed) group_placed = true, group_at = root.children().size();
        } else {
            root.add(tree_layer(l, l.visible));
        }
    }
    if (group_placed) {
        // Rebuild the children with the group at the position of its first layer.
        Xml ordered("layer-tree-group");
        for (size_t i = 0; i < root.children().size(); ++i) {
            if (i == group_at) ordered.add(group);
            ordered.add(root.children()[i]);
        }
        if (group_at == root.children().size()) ordered.add(group);
        root = ordered;
    }
    Xml& order = root.child("custom-order");
    order.attr("enabled", "0");
    for (const auto& l : info.layers) order.child("item", l.id);
    return root;
}

Xml map_layer(const ProjectLayer& l, const Xml& srs) {
    Xml m("maplayer");
    if (l.style.raster) {
        m.attr("type", "raster");
    } else {
        m.attr("type", "vector").attr("geometry", kind_name(l.style.kind)).attr("labelsEnabled", l.style.labels ? "1" : "0");
        m.attr("readOnly", "0").attr("simplifyDrawingHints", "1").attr("simplifyDrawingTol", "1").attr("simplifyLocal", "1");
    }
    scale_visibility(m, l.style);
    m.attr("autoRefreshEnabled", "0").attr("refreshOnNotifyEnabled", "0").attr("styleCategories", "AllStyleCategories");
    m.child("id", l.id);
    m.child("datasource", mask_secrets(l.datasource));
    m.child("layername", l.name);
    // The short name fits the layers panel and a legend; what the layer is goes in its abstract (Layer
    // Properties > Metadata, and the tooltip of the layers panel).
    if (!l.abstract.empty()) m.child("abstract", l.abstract);
    m.child("srs").add(srs);
    if (l.style.raster) {
        m.child("provider", l.provider);
        m.child("noData").child("noDataList").attr("bandNo", "1").attr("useSrcNoData", "1");
    } else {
        m.child("provider", l.provider).attr("encoding", "UTF-8");
    }
    for (const auto& e : l.style.elements) m.add(e);
    return m;
}

}  // namespace

Xml spatialrefsys(const std::string& wkt, const std::string& fallback_authid) {
    Xml s("spatialrefsys");
    s.attr("nativeFormat", "Wkt");
    OGRSpatialReference srs;
    if (wkt.empty() || srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) {
        s.child("wkt", wkt);
        s.child("authid", fallback_authid);
        return s;
    }
    std::string wkt2 = wkt, proj4;
    {
        char* out = nullptr;
        const char* opts[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", nullptr};
        if (srs.exportToWkt(&out, opts) == OGRERR_NONE && out) wkt2 = out;
        CPLFree(out);
        out = nullptr;
        if (srs.exportToProj4(&out) == OGRERR_NONE && out) proj4 = out;
        CPLFree(out);
    }
    while (!proj4.empty() && proj4.back() == ' ') proj4.pop_back();
    std::string authid, srid;
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (auth && code) {
        authid = std::string(auth) + ":" + code;
        if (std::string(auth) == "EPSG") srid = code;
    } else if (fallback_authid.find(':') != std::string::npos) {
        authid = fallback_authid;
    }
    s.child("wkt", wkt2);
    s.child("proj4", proj4);
    if (!srid.empty()) s.child("srid", srid);
    s.child("authid", authid);
    s.child("description", srs.GetName() ? srs.GetName() : "");
    s.child("projectionacronym", projection_acronym(proj4));
    s.child("geographicflag", srs.IsGeographic() ? "true" : "false");
    return s;
}

std::string project_xml(const ProjectInfo& info) {
    const Xml srs = spatialrefsys(info.crs_wkt, info.crs_name);
    Xml q("qgis");
    q.attr("version", kQgisVersion).attr("projectname", info.title);
    q.child("homePath").attr("path", "");
    q.child("title", info.title);
    q.child("autotransaction").attr("active", "0");
    q.child("evaluateDefaultValues").attr("active", "0");
    q.child("trust").attr("active", "0");
    q.child("projectCrs").add(srs);
    q.add(layer_tree(info));

    Xml& canvas = q.child("mapcanvas");
    canvas.attr("name", "theMapCanvas").attr("annotationsVisible", "1");
    canvas.child("units", "meters");
    canvas.add(extent_xml("extent", info.extent));
    canvas.child("rotation", "0");
    canvas.child("destinationsrs").add(srs);
    canvas.child("rendermaptile", "0");

    Xml& projectlayers = q.child("projectlayers");
    for (const auto& l : info.layers) projectlayers.add(map_layer(l, srs));

    Xml& order = q.child("layerorder");
    for (const auto& l : info.layers) order.child("layer").attr("id", l.id);

    Xml& props = q.child("properties");
    props.child("Paths").child("Absolute", "false").attr("type", "bool");
    // QGIS reads <projectCrs> only when ProjectionsEnabled is set; ProjectCrs is its fallback.
    Xml& crs = props.child("SpatialRefSys");
    crs.child("ProjectionsEnabled", "1").attr("type", "int");
    const std::string authid = srs_authid(srs);
    if (!authid.empty()) crs.child("ProjectCrs", authid).attr("type", "QString");
    Xml& measure = props.child("Measure");
    measure.child("Ellipsoid", "NONE").attr("type", "QString");
    Xml& units = props.child("Measurement");
    units.child("DistanceUnits", "meters").attr("type", "QString");
    units.child("AreaUnits", "ha").attr("type", "QString");

    if (!info.layouts.children().empty()) q.add(info.layouts);

    Xml& view = q.child("ProjectViewSettings");
    view.attr("UseProjectScales", "0").attr("rotation", "0");
    view.child("Scales");
    Xml& def = view.child("DefaultViewExtent");
    def.attr("xmin", info.extent.xmin).attr("ymin", info.extent.ymin).attr("xmax", info.extent.xmax).attr("ymax", info.extent.ymax);
    def.add(srs);

    return std::string(kQgisDoctype) + "\n" + q.str();
}

}  // namespace minerisk::qgis
