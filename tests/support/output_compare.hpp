// Two output folders compared as the determinism test does (test_determinism.cpp says what is compared and why):
// the same files; rasters byte for byte (else which pixels, overviews or metadata differ); GeoPackages layer by
// layer; every other file byte for byte but for the fields comparable() leaves out (run_outputs.hpp). Used by the
// determinism test (threads, tile sizes) and the MPI test (numbers of ranks).
#pragma once
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "run_outputs.hpp"

namespace minerisk::test {

namespace fs = std::filesystem;

inline std::set<std::string> files_under(const fs::path& dir) {
    std::set<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) files.insert(fs::relative(e.path(), dir).string());
    return files;
}

using DatasetPtr = std::unique_ptr<GDALDataset>;

inline DatasetPtr open(const fs::path& p, unsigned kind) {
    return DatasetPtr(static_cast<GDALDataset*>(
        GDALOpenEx(p.string().c_str(), kind | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
}

// Every metadata item of every domain, as text.
inline std::string metadata_text(GDALMajorObject* o) {
    std::string s;
    char** domains = o->GetMetadataDomainList();
    for (char** d = domains; d && *d; ++d) {
        s += std::string("[") + *d + "]\n";
        for (char** m = o->GetMetadata(*d); m && *m; ++m) s += std::string(*m) + "\n";
    }
    CSLDestroy(domains);
    return s;
}

inline std::string raster_metadata(GDALDataset* ds) {
    std::ostringstream s;
    s.precision(17);
    double gt[6] = {0};
    ds->GetGeoTransform(gt);
    s << ds->GetRasterXSize() << "x" << ds->GetRasterYSize() << " bands " << ds->GetRasterCount() << " gt";
    for (double v : gt) s << " " << v;
    s << "\n" << (ds->GetProjectionRef() ? ds->GetProjectionRef() : "") << "\n" << metadata_text(ds);
    for (int b = 1; b <= ds->GetRasterCount(); ++b) {
        GDALRasterBand* band = ds->GetRasterBand(b);
        int has = 0;
        const double nodata = band->GetNoDataValue(&has);
        s << "band " << b << " type " << GDALGetDataTypeName(band->GetRasterDataType()) << " nodata " << has << " "
          << nodata << " '" << band->GetDescription() << "' unit '" << band->GetUnitType() << "' overviews "
          << band->GetOverviewCount() << "\n"
          << metadata_text(band);
    }
    return s.str();
}

// The raw pixels of a band (native type), NaN bits included.
inline std::string band_pixels(GDALRasterBand* band) {
    const int w = band->GetXSize(), h = band->GetYSize();
    const GDALDataType t = band->GetRasterDataType();
    std::string buf(static_cast<size_t>(w) * h * GDALGetDataTypeSizeBytes(t), '\0');
    if (band->RasterIO(GF_Read, 0, 0, w, h, buf.data(), w, h, t, 0, 0) != CE_None) return "<unreadable>";
    return buf;
}

// Why two rasters with different bytes differ: "pixels", "overview N pixels", "metadata", or a mix.
inline std::string raster_difference(const fs::path& a, const fs::path& b) {
    DatasetPtr da = open(a, GDAL_OF_RASTER), db = open(b, GDAL_OF_RASTER);
    if (!da || !db) return "one of them does not open";
    std::string why;
    if (raster_metadata(da.get()) != raster_metadata(db.get()))
        why += "metadata differs:\n" + raster_metadata(da.get()) + "---\n" + raster_metadata(db.get());
    for (int i = 1; i <= std::min(da->GetRasterCount(), db->GetRasterCount()); ++i) {
        GDALRasterBand *ba = da->GetRasterBand(i), *bb = db->GetRasterBand(i);
        if (band_pixels(ba) != band_pixels(bb)) why += "pixels of band " + std::to_string(i) + " differ; ";
        for (int o = 0; o < std::min(ba->GetOverviewCount(), bb->GetOverviewCount()); ++o)
            if (band_pixels(ba->GetOverview(o)) != band_pixels(bb->GetOverview(o)))
                why += "overview " + std::to_string(o) + " of band " + std::to_string(i) + " differs; ";
    }
    return why.empty() ? "same pixels and metadata: only the file layout differs" : why;
}

// Every layer of a vector file as text: fields, attributes and geometry (WKB, hex) of every feature, in order.
inline std::map<std::string, std::string> vector_content(const fs::path& p) {
    std::map<std::string, std::string> layers;
    DatasetPtr ds = open(p, GDAL_OF_VECTOR);
    if (!ds) return {{"", "<does not open>"}};
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
        OGRLayer* layer = ds->GetLayer(i);
        std::ostringstream s;
        OGRFeatureDefn* defn = layer->GetLayerDefn();
        for (int f = 0; f < defn->GetFieldCount(); ++f)
            s << defn->GetFieldDefn(f)->GetNameRef() << ":" << OGRFieldDefn::GetFieldTypeName(defn->GetFieldDefn(f)->GetType())
              << " ";
        s << "\n";
        layer->ResetReading();
        for (std::unique_ptr<OGRFeature> feat(layer->GetNextFeature()); feat; feat.reset(layer->GetNextFeature())) {
            s << feat->GetFID() << ":";
            for (int f = 0; f < defn->GetFieldCount(); ++f) {
                // layer_styles.update_time is when the run wrote the GeoPackage (its start): a time, not a finding.
                const bool when = std::strcmp(layer->GetName(), "layer_styles") == 0 &&
                                  std::strcmp(defn->GetFieldDefn(f)->GetNameRef(), "update_time") == 0;
                s << " " << (when ? "<the run's time>" : feat->IsFieldSetAndNotNull(f) ? feat->GetFieldAsString(f) : "<null>");
            }
            if (const OGRGeometry* g = feat->GetGeometryRef()) {
                std::string wkb(static_cast<size_t>(g->WkbSize()), '\0');
                g->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()), wkbVariantIso);
                static const char* hex = "0123456789ABCDEF";
                s << " ";
                for (unsigned char c : wkb) s << hex[c >> 4] << hex[c & 15];
            }
            s << "\n";
        }
        layers[layer->GetName()] = s.str();
    }
    return layers;
}

// Compares two output folders; `what` names the comparison in failures.
inline void expect_same_outputs(const fs::path& a, const fs::path& b, const std::string& what, size_t min_rasters = 12) {
    SCOPED_TRACE(what);
    const auto files = files_under(a);
    ASSERT_EQ(files, files_under(b)) << "different files written";
    size_t rasters = 0, tables = 0, geopackage_layers = 0;
    for (const auto& f : files) {
        const fs::path pa = a / f, pb = b / f;
        const std::string ext = fs::path(f).extension().string();
        const bool same = comparable(pa, true) == comparable(pb, true);
        if (ext == ".tif") {
            ++rasters;
            EXPECT_TRUE(same) << f << ": " << raster_difference(pa, pb);
        } else if (ext == ".gpkg") {
            const auto la = vector_content(pa), lb = vector_content(pb);
            EXPECT_EQ(la.size(), lb.size()) << f;
            for (const auto& [name, text] : la) {
                ++geopackage_layers;
                ASSERT_TRUE(lb.count(name)) << f << ": layer " << name << " is missing";
                EXPECT_TRUE(text == lb.at(name)) << f << ": layer " << name << " differs";
            }
            EXPECT_TRUE(same) << f << " differs in bytes though not in content";
        } else {
            if (ext == ".csv") ++tables;
            EXPECT_TRUE(same) << f << " differs";
        }
    }
    EXPECT_GE(rasters, min_rasters) << "risk, every factor and their extra bands";
    EXPECT_GE(tables, 2u) << "zones.csv and settlements.csv";
    EXPECT_GE(geopackage_layers, 2u) << "zones and settlements in the GeoPackage";
    EXPECT_TRUE(files.count("zones.csv") && files.count("settlements.csv"));
}

}  // namespace minerisk::test
