// The zone label raster to polygons: GDALPolygonize on an in-memory raster that wraps the labels (no copy),
// into an in-memory OGR layer, then one (multi)polygon per label. 4-connected, as the labels, so each label
// is one polygon; should a label ever come out in several parts they are gathered into one MultiPolygon.
// The polygons follow cell edges exactly: the area of a zone's polygon is its cells times the cell area.
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <map>

#include "minerisk/error.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::zones {
namespace {

int CPL_STDCALL forward_progress(double f, const char*, void* user) {
    return static_cast<const Progress*>(user)->report(f, "polygonizing") ? 1 : 0;
}

struct DatasetCloser {
    void operator()(GDALDataset* d) const { GDALClose(d); }
};

}  // namespace

std::vector<std::vector<unsigned char>> polygonize_labels(const std::vector<std::int32_t>& labels, std::int32_t zones,
                                                          const GridSpec& grid, const Progress& progress) {
    std::vector<std::vector<unsigned char>> out(static_cast<size_t>(zones));
    if (zones == 0) return out;
    GDALAllRegister();
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDriver* vmem = GetGDALDriverManager()->GetDriverByName("Memory");
    if (!mem || !vmem) throw Error("GDAL has no MEM or Memory driver", Location{}, "check the GDAL installation");
    std::unique_ptr<GDALDataset, DatasetCloser> rds(
        mem->Create("", static_cast<int>(grid.width), static_cast<int>(grid.height), 0, GDT_Int32, nullptr));
    if (!rds) throw Error("cannot create an in-memory raster: " + std::string(CPLGetLastErrorMsg()));
    char ptr[64] = "";
    const int np = CPLPrintPointer(ptr, const_cast<std::int32_t*>(labels.data()), sizeof ptr - 1);
    ptr[np] = '\0';
    CPLStringList bopts;
    bopts.SetNameValue("DATAPOINTER", ptr);
    if (rds->AddBand(GDT_Int32, bopts.List()) != CE_None)
        throw Error("cannot wrap the zone labels in a raster: " + std::string(CPLGetLastErrorMsg()));
    auto gt = grid.geotransform();
    rds->SetGeoTransform(gt.data());
    OGRSpatialReference srs;
    const bool has_srs = !grid.crs_wkt.empty() && srs.importFromWkt(grid.crs_wkt.c_str()) == OGRERR_NONE;
    if (has_srs) srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);

    std::unique_ptr<GDALDataset, DatasetCloser> vds(vmem->Create("zones", 0, 0, 0, GDT_Unknown, nullptr));
    if (!vds) throw Error("cannot create an in-memory layer: " + std::string(CPLGetLastErrorMsg()));
    OGRLayer* layer = vds->CreateLayer("zones", has_srs ? &srs : nullptr, wkbPolygon, nullptr);
    OGRFieldDefn field("label", OFTInteger);
    if (!layer || layer->CreateField(&field) != OGRERR_NONE)
        throw Error("cannot create an in-memory layer: " + std::string(CPLGetLastErrorMsg()));

    GDALRasterBand* band = rds->GetRasterBand(1);
    // The label band is its own mask: label 0 (no zone) is left out.
    const CPLErr e = GDALPolygonize(band, band, layer, 0, nullptr, forward_progress, const_cast<Progress*>(&progress));
    if (e != CE_None) {
        if (!progress.report(1.0, "polygonizing")) throw Error("cancelled");
        throw Error("polygonizing the zones failed: " + std::string(CPLGetLastErrorMsg()));
    }

    std::vector<std::vector<std::unique_ptr<OGRPolygon>>> parts(static_cast<size_t>(zones));
    layer->ResetReading();
    for (auto& f : *layer) {
        const int label = f->GetFieldAsInteger(0);
        OGRGeometry* g = f->StealGeometry();
        if (label < 1 || label > zones || !g) {
            delete g;
            continue;
        }
        if (wkbFlatten(g->getGeometryType()) == wkbPolygon) {
            parts[static_cast<size_t>(label - 1)].emplace_back(g->toPolygon());
        } else {
            delete g;
        }
    }
    for (std::int32_t z = 0; z < zones; ++z) {
        auto& ps = parts[static_cast<size_t>(z)];
        if (ps.empty()) throw Error("polygonizing lost zone " + std::to_string(z + 1));
        std::unique_ptr<OGRGeometry> geom;
        if (ps.size() == 1) {
            geom = std::move(ps[0]);
        } else {
            auto mp = std::make_unique<OGRMultiPolygon>();
            for (auto& p : ps) mp->addGeometryDirectly(p.release());
            geom = std::move(mp);
        }
        auto& wkb = out[static_cast<size_t>(z)];
        wkb.resize(static_cast<size_t>(geom->WkbSize()));
        geom->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    }
    return out;
}

}  // namespace minerisk::zones
