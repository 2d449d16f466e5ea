// libFuzzer target: vector ingestion, from the bytes of an input file to rasterized features.
//
// The bytes are one of two things:
//   - text starting with '{' (after white space): a JSON vector file (GeoJSON; OGR also tries ESRI JSON and
//     TopoJSON on it), written as is to an in-memory file;
//   - anything else: one WKB geometry, which must parse (OGRGeometryFactory::createFromWkb), written as the
//     single feature of an in-memory FlatGeobuf file, which keeps the geometry exactly (NaN and infinite
//     coordinates, curves, Z and M, empty parts) where GeoJSON cannot.
// The file is then read the way a run reads it: a scenario (parse_scenario) names it three times, as
//   hazards   (polygons repaired with GEOS MakeValid, points and lines buffered by point_radius or the
//             feature's radius),
//   incidents (polygons and lines replaced by a point inside them),
//   extra layer "roads" (kept as they are),
// with every hazards/incidents field role mapped when the file has a field of that name (so the attribute
// parsing is fuzzed too); and this twice: in EPSG:32638, the working CRS (no reprojection), and in EPSG:4326
// with 'crs: auto' (reprojected to the UTM zone of the features' centre). load_inputs reads, reprojects, repairs and indexes them; then every layer's features
// are rasterized through Host::rasterize (the plugins' rasterize service) on two small grids: one fitted to the
// features' extent the way plan_run fits the run's grid (32 cells across), one fixed 16 x 16 grid, which
// features with huge coordinates overrun.
//
// minerisk::Error is an accepted outcome (refusing a file is fine); any other exception, a crash, a leak or
// undefined behaviour is a bug.
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "minerisk/crs.hpp"
#include "minerisk/error.hpp"
#include "minerisk/grid.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/scenario.hpp"
#include "scoring/host.hpp"

namespace {

const char* const kDir = "/vsimem/minerisk-fuzz";
const char* const kJson = "/vsimem/minerisk-fuzz/features.json";
const char* const kFgb = "/vsimem/minerisk-fuzz/feature.fgb";
// MINERISK_FUZZ_VERBOSE=1: one line per layer and grid on stderr, to see how far an input gets
// (e.g. build-asan/bin/fuzz_vector tests/fuzz/corpus/vector/seed_bowtie.json).
const bool kVerbose = std::getenv("MINERISK_FUZZ_VERBOSE") != nullptr;

// Writes the bytes as a JSON file. False when GDAL cannot (never, in memory).
bool write_json(const std::uint8_t* data, std::size_t size) {
    VSILFILE* f = VSIFOpenL(kJson, "wb");
    if (!f) return false;
    const bool ok = size == 0 || VSIFWriteL(data, 1, size, f) == size;
    VSIFCloseL(f);
    return ok;
}

// Writes one WKB geometry as the only feature of a FlatGeobuf file. False when the bytes are not WKB, or when
// the FlatGeobuf driver refuses the geometry (a real file could not hold it either).
bool write_wkb_feature(const std::uint8_t* data, std::size_t size) {
    OGRGeometry* raw = nullptr;
    if (OGRGeometryFactory::createFromWkb(data, nullptr, &raw, size, wkbVariantIso) != OGRERR_NONE || !raw) {
        delete raw;
        return false;
    }
    std::unique_ptr<OGRGeometry> geom(raw);
    // GDAL 3.6's FlatGeobuf writer crashes on a polyhedral surface or TIN with a part that has no ring (a null
    // read in its own code, while writing this harness's file; minerisk only reads FlatGeobuf). Such a file
    // cannot come from GDAL, so the input is dropped rather than the writer fuzzed.
    if (const OGRPolyhedralSurface* surface = dynamic_cast<const OGRPolyhedralSurface*>(geom.get())) {
        for (int i = 0; i < surface->getNumGeometries(); ++i) {
            const OGRPolygon* part = dynamic_cast<const OGRPolygon*>(surface->getGeometryRef(i));
            if (!part || part->getExteriorRing() == nullptr || part->getExteriorRing()->getNumPoints() == 0) return false;
        }
    }
    GDALDriver* fgb = GetGDALDriverManager()->GetDriverByName("FlatGeobuf");
    if (!fgb) return false;
    std::unique_ptr<GDALDataset> ds(fgb->Create(kFgb, 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) return false;
    const char* layer_options[] = {"SPATIAL_INDEX=NO", nullptr};
    OGRLayer* layer = ds->CreateLayer("feature", nullptr, geom->getGeometryType(), const_cast<char**>(layer_options));
    if (!layer) return false;
    OGRFeature feature(layer->GetLayerDefn());
    feature.SetGeometryDirectly(geom.release());
    if (layer->CreateFeature(&feature) != OGRERR_NONE) return false;
    ds.reset();  // closes and writes the file
    return true;
}

// The field names of the file's first layer (empty when OGR cannot open it: load_inputs then refuses it).
std::vector<std::string> field_names(const char* path) {
    std::vector<std::string> names;
    std::unique_ptr<GDALDataset> ds(
        static_cast<GDALDataset*>(GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!ds || ds->GetLayerCount() == 0) return names;
    OGRFeatureDefn* defn = ds->GetLayer(0)->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) names.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    return names;
}

// The scenario reading `path` as hazards, incidents and an extra layer, all three in `layer_crs`, with every field
// role of the first two mapped to the file's field of the same name where there is one. One CRS for the three:
// the reader refuses layers whose coordinates do not fit their CRS or lie far from each other.
std::string scenario_text(const char* path, const std::vector<std::string>& fields, const char* working_crs,
                          const char* layer_crs) {
    auto mapping = [&](const std::string& layer) {
        std::string s;
        for (const auto& role : minerisk::field_roles(layer))
            if (std::find(fields.begin(), fields.end(), role.name) != fields.end())
                s += std::string("      ") + role.name + ": \"" + role.name + "\"\n";
        return s.empty() ? s : "    fields:\n" + s;
    };
    return std::string("crs: ") + working_crs + "\n"
           "resolution: 100\n"
           "extent: auto\n"
           "inputs:\n"
           "  hazards:\n"
           "    path: " + path + "\n"
           "    crs: " + layer_crs + "\n"
           "    point_radius: 50\n" + mapping("hazards") +
           "  incidents:\n"
           "    path: " + path + "\n"
           "    crs: " + layer_crs + "\n" + mapping("incidents") +
           "  extra:\n"
           "    roads:\n"
           "      path: " + path + "\n"
           "      crs: " + layer_crs + "\n"
           "scoring:\n"
           "  factors:\n"
           "    - plugin: hazard_proximity\n";
}

// Scenarios by their text: parse_scenario checks each CRS string with PROJ, which is slow next to the rest.
const minerisk::Scenario& scenario_for(const std::string& text) {
    static std::map<std::string, minerisk::Scenario> cache;
    auto it = cache.find(text);
    if (it == cache.end()) it = cache.emplace(text, minerisk::parse_scenario(text, "fuzz.yaml", kDir)).first;
    return it->second;
}

// Every feature of every layer that the grid's extent holds, rasterized with value = its position + 1.
void rasterize_all(const minerisk::Inputs& inputs, const minerisk::GridSpec& grid) {
    minerisk::Host host(inputs, grid);
    host.set_run_context(0, kDir);
    const mr_window all{0, 0, grid.width, grid.height};
    std::vector<float> out(static_cast<std::size_t>(grid.cells()));
    char err[512];
    for (const auto& layer : inputs.layers) {
        for (const bool through_index : {true, false}) {
            // As the plugins do: features in a box (the R-tree), then rasterize; and every feature, unindexed.
            std::vector<std::int64_t> ids;
            if (through_index) {
                ids = layer.query(grid.extent());
            } else {
                ids.resize(static_cast<std::size_t>(layer.size()));
                std::iota(ids.begin(), ids.end(), 0);
            }
            std::vector<double> values(ids.size());
            std::iota(values.begin(), values.end(), 1.0);
            std::fill(out.begin(), out.end(), 0.0f);
            err[0] = '\0';
            const int rc = host.rasterize(layer.role.c_str(), ids.data(), values.data(),
                                          static_cast<std::int64_t>(ids.size()), all, out.data(), err, sizeof err);
            if (kVerbose) {
                const auto burnt = std::count_if(out.begin(), out.end(), [](float v) { return v > 0; });
                std::fprintf(stderr, "fuzz_vector: %s: %s, %zu feature(s)%s -> rc %d, %ld cell(s) burnt %s\n",
                             layer.role.c_str(), grid.describe().c_str(), ids.size(),
                             through_index ? " in the grid's box" : "", rc, static_cast<long>(burnt), err);
            }
        }
    }
}

void ingest(const char* path, const std::vector<std::string>& fields, const char* working_crs, const char* layer_crs) {
    const minerisk::Scenario& sc = scenario_for(scenario_text(path, fields, working_crs, layer_crs));
    const minerisk::Inputs inputs = minerisk::load_inputs(sc);
    if (kVerbose) {
        for (const auto& l : inputs.layers)
            std::fprintf(stderr, "fuzz_vector: %s: read %lld, loaded %lld, repaired %lld, buffered %lld, skipped %lld\n",
                         l.role.c_str(), static_cast<long long>(l.stats.read), static_cast<long long>(l.stats.loaded),
                         static_cast<long long>(l.stats.repaired), static_cast<long long>(l.stats.buffered),
                         static_cast<long long>(l.stats.skipped_bad + l.stats.skipped_empty + l.stats.skipped_null));
        for (const auto& w : inputs.warnings) std::fprintf(stderr, "fuzz_vector: warning: %s\n", w.c_str());
    }

    // The grid a run would make of the features' extent (plan_run: extent auto, margin, resolution, limits),
    // with a resolution giving 32 cells across instead of the scenario's.
    const minerisk::Extent data = inputs.extent();
    if (!data.empty()) {
        const minerisk::Extent extent = data.grown(100);
        const double resolution = std::max(extent.width(), extent.height()) / 32;
        if (std::isfinite(resolution) && resolution >= 0.01) {
            const double cells = std::ceil(extent.width() / resolution) * std::ceil(extent.height() / resolution);
            if (cells <= 64 * 64 && extent.width() / resolution <= 2e9 && extent.height() / resolution <= 2e9)
                rasterize_all(inputs, minerisk::GridSpec::from_extent(extent, resolution, inputs.crs_wkt));
        }
    }
    minerisk::GridSpec fixed;
    fixed.width = fixed.height = 16;
    fixed.cell_size = 50;
    fixed.origin_x = 500000;
    fixed.origin_y = 4400800;
    fixed.crs_wkt = inputs.crs_wkt;
    rasterize_all(inputs, fixed);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);  // GDAL's warnings about broken files would flood the log
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::size_t i = 0;
    while (i < size && std::isspace(data[i])) ++i;
    const bool json = i < size && data[i] == '{';
    const char* path = json ? kJson : kFgb;
    if (json ? write_json(data, size) : write_wkb_feature(data, size)) {
        const std::vector<std::string> fields = field_names(path);
        // Twice: as metres in the working CRS (no reprojection), and as longitude/latitude reprojected to the
        // UTM zone that 'crs: auto' picks. Coordinates that fit neither are refused by the reader.
        for (const auto& [working_crs, layer_crs] : {std::pair{"EPSG:32638", "EPSG:32638"}, std::pair{"auto", "EPSG:4326"}}) {
            try {
                ingest(path, fields, working_crs, layer_crs);
            } catch (const minerisk::Error& e) {
                if (kVerbose) std::fprintf(stderr, "fuzz_vector: %s: refused: %s\n", layer_crs, e.what());
            }
        }
    } else if (kVerbose) {
        std::fprintf(stderr, "fuzz_vector: not a JSON file nor a WKB geometry that FlatGeobuf takes\n");
    }
    VSIUnlink(path);
    CPLErrorReset();
    return 0;
}
