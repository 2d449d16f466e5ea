// Determinism: the same scenario gives the same outputs whatever the number of threads and the tile size, and
// run to run (docs/testing.md).
//
// The demo scenario is run three times: 1 thread with 1024-cell tiles, 2 threads with 384-cell tiles (tiles
// that do not divide the grid, so that edge tiles differ too), and that again. The first two compare threads
// and tiles, the last two run to run. Compared between runs:
//   - the set of files written;
//   - every raster (risk, every factor, every extra band): byte for byte. The bytes are the strongest check
//     and hold today: GDAL writes no timestamp into a GeoTIFF or COG unless asked, and minerisk asks only for
//     TIFFTAG_DATETIME = the as-of date at 00:00:00 (the day the map describes, not the clock). When the bytes differ, the pixels (full resolution and every overview)
//     and the metadata (grid, CRS, no-data, descriptions, metadata items) are compared one by one, so that the
//     failure says which of them differs;
//   - the zone tables: zones.csv and settlements.csv byte for byte, and every layer of every GeoPackage
//     (the zones layer, the settlements, layer_styles) attribute by attribute and geometry by geometry through
//     OGR: a SQLite file may differ in bytes for reasons of its own, the content must not - but for
//     layer_styles.update_time, when the run wrote the file;
//   - every other file (the GeoPackage itself, the QGIS project and styles, the report, the quick-look,
//     run.json) byte for byte, but for run.json's "stages" (the seconds and CPU seconds of each stage) and "run"
//     (start and end time, command line), the GeoPackage's timestamps (the run's start), and two
//     parts of report.html that say how the run went, not what it found:
//     the "Time per stage" section (how long each stage took, which differs from run to run by nature) and the
//     "Threads, tile size" row (which differs between these runs on purpose). comparable() leaves them out; the
//     rest of the report is compared byte for byte.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "run_outputs.hpp"

namespace fs = std::filesystem;
using minerisk::test::comparable;  // tests/support/run_outputs.hpp
using minerisk::test::file_bytes;

namespace {

struct Result {
    int code = -1;
    std::string out, err;
};

// Runs the CLI with arguments, capturing stdout and stderr.
Result cli(const std::string& args, const fs::path& scratch) {
    const std::string out = (scratch / "out.txt").string(), err = (scratch / "err.txt").string();
    const std::string cmd = std::string(MINERISK_CLI) + " " + args + " >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = file_bytes(out);
    r.err = file_bytes(err);
    return r;
}

std::set<std::string> files_under(const fs::path& dir) {
    std::set<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) files.insert(fs::relative(e.path(), dir).string());
    return files;
}

using DatasetPtr = std::unique_ptr<GDALDataset>;

DatasetPtr open(const fs::path& p, unsigned kind) {
    return DatasetPtr(static_cast<GDALDataset*>(
        GDALOpenEx(p.string().c_str(), kind | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
}

// Every metadata item of every domain, as text.
std::string metadata_text(GDALMajorObject* o) {
    std::string s;
    char** domains = o->GetMetadataDomainList();
    for (char** d = domains; d && *d; ++d) {
        s += std::string("[") + *d + "]\n";
        for (char** m = o->GetMetadata(*d); m && *m; ++m) s += std::string(*m) + "\n";
    }
    CSLDestroy(domains);
    return s;
}

std::string raster_metadata(GDALDataset* ds) {
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
std::string band_pixels(GDALRasterBand* band) {
    const int w = band->GetXSize(), h = band->GetYSize();
    const GDALDataType t = band->GetRasterDataType();
    std::string buf(static_cast<size_t>(w) * h * GDALGetDataTypeSizeBytes(t), '\0');
    if (band->RasterIO(GF_Read, 0, 0, w, h, buf.data(), w, h, t, 0, 0) != CE_None) return "<unreadable>";
    return buf;
}

// Why two rasters with different bytes differ: "pixels", "overview N pixels", "metadata", or a mix.
std::string raster_difference(const fs::path& a, const fs::path& b) {
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
std::map<std::string, std::string> vector_content(const fs::path& p) {
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
void expect_same_outputs(const fs::path& a, const fs::path& b, const std::string& what) {
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
    EXPECT_GE(rasters, 12u) << "risk, 6 factors and their extra bands";
    EXPECT_GE(tables, 2u) << "zones.csv and settlements.csv";
    EXPECT_GE(geopackage_layers, 2u) << "zones and settlements in the GeoPackage";
    EXPECT_TRUE(files.count("zones.csv") && files.count("settlements.csv"));
}

TEST(Determinism, OutputsAreIdenticalWhateverThreadsAndTiles) {
    GDALAllRegister();
    const fs::path base = fs::temp_directory_path() / ("minerisk-det-" + std::to_string(::getpid()));
    fs::remove_all(base);
    fs::create_directories(base);
    const std::string scenario = std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml";
    struct Run {
        std::string name, options;
    };
    const std::vector<Run> runs = {{"j1-t1024", "-j 1 --tile-size 1024"},
                                   {"j2-t384", "-j 2 --tile-size 384"},
                                   {"j2-t384-again", "-j 2 --tile-size 384"}};
    for (const auto& r : runs) {
        const Result res = cli("run -q " + r.options + " -o " + (base / r.name).string() + " " + scenario, base);
        ASSERT_EQ(res.code, 0) << r.name << ": " << res.err;
    }
    expect_same_outputs(base / "j1-t1024", base / "j2-t384", "1 thread, 1024-cell tiles against 2 threads, 384-cell tiles");
    expect_same_outputs(base / "j2-t384", base / "j2-t384-again", "run to run (2 threads, 384-cell tiles)");
    if (!HasFailure()) fs::remove_all(base);  // kept on failure, to look at
}

}  // namespace
