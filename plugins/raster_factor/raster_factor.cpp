// raster_factor: any raster a user brings (land use, roads, slope), resampled to the scenario grid and
// rescaled to [0,1].
//
//   v(cell)     = the source band resampled to the cell (GDAL warper, chosen resampling), or nodata
//   linear:       score = clamp((v - low) / (high - low), 0, 1)        (low > high inverts the map)
//   classes:      score = classes[v] if v is a listed class, else default_score
//   nodata:       score = nodata_score where v is nodata, NaN, or the cell lies outside the raster
//
// prepare() opens the raster, checks it, and builds a warped VRT onto exactly the scenario grid (its CRS,
// geotransform and size) with an exact transformer (no approximation). GDAL datasets must not be used by two
// threads at once, so score() borrows a private copy (source + warped VRT) from a small pool guarded by a
// mutex, opening another copy when every one is busy (at most one per concurrent thread). score() reads the
// VRT block by block (whole VRT blocks, which are fixed on the grid), so the warper always computes the same
// chunks and a cell's value does not depend on the tiling.
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <gdalwarper.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "minerisk/file_check.hpp"
#include "minerisk/plugin.hpp"
#include "minerisk/sqlite_snapshot.hpp"

namespace {

using namespace minerisk::plugin;

const char* const kName = "raster_factor";

const mr_param_spec kParams[] = {
    {"path", MR_PARAM_STRING, nullptr, 0, -1, nullptr, "",
     "the raster file (any format GDAL reads); a relative path is read from the scenario's folder"},
    {"band", MR_PARAM_INTEGER, "1", 1, 65535, nullptr, "", "the band of the raster to read, counted from 1"},
    {"mode", MR_PARAM_STRING, "linear", 0, -1, "linear|classes", "",
     "linear: map the values between low and high onto 0..1; classes: look each value up in the classes table"},
    {"resampling", MR_PARAM_STRING, "", 0, -1, "nearest|bilinear|cubic|average|mode", "",
     "how source pixels become grid cells; default: bilinear for linear, nearest for classes"},
    {"low", MR_PARAM_NUMBER, "0", 0, -1, nullptr, "", "linear: the value that maps to 0 (values beyond it are clamped)"},
    {"high", MR_PARAM_NUMBER, "1", 0, -1, nullptr, "",
     "linear: the value that maps to 1 (values beyond it are clamped); below low inverts the map"},
    {"classes", MR_PARAM_TABLE, "", 0, 1, nullptr, "", "classes: score of each class value, e.g. {1: 0.2, 5: 1}"},
    {"default_score", MR_PARAM_NUMBER, "0", 0, 1, nullptr, "", "classes: score of a value not listed in classes"},
    {"nodata_score", MR_PARAM_NUMBER, "0", 0, 1, nullptr, "", "score where the raster has no data or does not reach"},
};

const mr_band_spec kBands[] = {
    {"value", "", "the source value resampled to the grid (nodata where the raster has none)"},
};

std::string last_gdal_error() {
    const char* m = CPLGetLastErrorMsg();
    return m && *m ? std::string(": ") + m : std::string();
}

// Silences GDAL's default error printer while a scope runs; the message stays available to CPLGetLastErrorMsg.
struct QuietGdal {
    QuietGdal() {
        CPLPushErrorHandler(CPLQuietErrorHandler);
        CPLErrorReset();
    }
    ~QuietGdal() { CPLPopErrorHandler(); }
    QuietGdal(const QuietGdal&) = delete;
    QuietGdal& operator=(const QuietGdal&) = delete;
};

// One private copy of the source and its warped view onto the grid; used by one thread at a time.
struct Slot {
    GDALDatasetH vrt = nullptr;  // owns a reference to the source dataset
    std::vector<double> block_values;
    std::vector<float> block_alpha;
    ~Slot() {
        if (vrt) GDALClose(vrt);
    }
};

struct Config {
    std::string given_path;  // as written in the scenario
    std::string path;        // as named in messages: resolved against the scenario's folder
    std::string open_path;   // what GDAL opens: path, or its private copy (an SQLite raster with a log)
    int band = 1;
    GDALResampleAlg resampling = GRA_Bilinear;
    mr_grid grid{};
    std::string grid_wkt;
};

std::unique_ptr<Slot> open_slot(const Config& c) {
    QuietGdal quiet;
    const std::string file = "raster '" + c.path + "'";
    GDALDatasetH src = GDALOpenEx(c.open_path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!src) {
        std::string why = last_gdal_error();
        std::error_code ec;
        if (!std::filesystem::exists(c.path, ec)) why = ": no such file";
        else if (why.empty()) why = ": no raster format GDAL knows recognises it (a damaged or truncated file?)";
        throw std::runtime_error("cannot open " + file + (c.path != c.given_path ? " (path: " + c.given_path + ")" : "") + why);
    }
    auto fail = [&](const std::string& m) -> std::runtime_error {
        GDALClose(src);
        return std::runtime_error(m);
    };
    const int nbands = GDALGetRasterCount(src);
    if (c.band < 1 || c.band > nbands)
        throw fail(file + " has " + std::to_string(nbands) + " band(s): band " + std::to_string(c.band) + " is out of range");
    const char* wkt = GDALGetProjectionRef(src);
    const bool has_crs = (wkt && *wkt) || (GDALGetGCPCount(src) > 0 && GDALGetGCPProjection(src) && *GDALGetGCPProjection(src));
    if (!has_crs) throw fail(file + " has no coordinate reference system: assign one (e.g. gdal_edit.py -a_srs EPSG:...)");

    char** topt = CSLSetNameValue(nullptr, "DST_SRS", c.grid_wkt.c_str());
    void* transformer = GDALCreateGenImgProjTransformer2(src, nullptr, topt);
    CSLDestroy(topt);
    if (!transformer) throw fail("cannot transform " + file + " to the scenario's CRS" + last_gdal_error());
    double gt[6];
    std::copy(c.grid.geotransform, c.grid.geotransform + 6, gt);
    GDALSetGenImgProjTransformerDstGeoTransform(transformer, gt);

    GDALWarpOptions* wo = GDALCreateWarpOptions();
    wo->hSrcDS = src;
    wo->eResampleAlg = c.resampling;
    wo->eWorkingDataType = GDT_Float64;
    wo->nBandCount = 1;
    wo->panSrcBands = static_cast<int*>(CPLMalloc(sizeof(int)));
    wo->panDstBands = static_cast<int*>(CPLMalloc(sizeof(int)));
    wo->panSrcBands[0] = c.band;
    wo->panDstBands[0] = 1;
    wo->nDstAlphaBand = 2;  // 0 where no valid source pixel contributes: nodata or outside the raster
    int has_nodata = 0;
    const double nodata = GDALGetRasterNoDataValue(GDALGetRasterBand(src, c.band), &has_nodata);
    if (has_nodata) {
        wo->padfSrcNoDataReal = static_cast<double*>(CPLMalloc(sizeof(double)));
        wo->padfSrcNoDataImag = static_cast<double*>(CPLMalloc(sizeof(double)));
        wo->padfSrcNoDataReal[0] = nodata;
        wo->padfSrcNoDataImag[0] = 0;
    }
    // A separate alpha band of the source, if any, marks its transparent pixels.
    for (int b = 1; b <= nbands; ++b)
        if (b != c.band && GDALGetRasterColorInterpretation(GDALGetRasterBand(src, b)) == GCI_AlphaBand) wo->nSrcAlphaBand = b;
    wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "INIT_DEST", "0");
    wo->pfnTransformer = GDALGenImgProjTransform;  // exact: no approximating transformer, identical in every chunk
    wo->pTransformerArg = transformer;

    GDALDatasetH vrt = GDALCreateWarpedVRT(src, static_cast<int>(c.grid.width), static_cast<int>(c.grid.height), gt, wo);
    GDALDestroyWarpOptions(wo);  // the VRT keeps its own copy and owns the transformer
    if (!vrt) throw fail("cannot build a warped view of " + file + " on the scenario grid" + last_gdal_error());
    GDALReleaseDataset(src);  // the VRT holds its own reference to the source
    if (GDALGetRasterCount(vrt) < 2) {
        GDALClose(vrt);
        throw std::runtime_error("the warped view of " + file + " has no alpha band");
    }
    auto slot = std::make_unique<Slot>();
    slot->vrt = vrt;
    return slot;
}

struct State {
    // First, so that it goes last: the private copy outlives every dataset opened on it.
    std::unique_ptr<minerisk::files::SqliteSnapshot> snapshot;
    Config config;
    bool classes_mode = false;
    double low = 0, high = 1;
    std::vector<std::pair<double, double>> classes;  // sorted by class value
    double default_score = 0, nodata_score = 0;

    mutable std::mutex pool_mutex;
    mutable std::vector<std::unique_ptr<Slot>> pool;  // free slots

    std::unique_ptr<Slot> borrow() const {
        {
            std::lock_guard<std::mutex> lock(pool_mutex);
            if (!pool.empty()) {
                auto s = std::move(pool.back());
                pool.pop_back();
                return s;
            }
        }
        return open_slot(config);  // every copy busy: open one more (outside the lock)
    }
    void give_back(std::unique_ptr<Slot> s) const {
        std::lock_guard<std::mutex> lock(pool_mutex);
        pool.push_back(std::move(s));
    }

    double class_score(double v) const {
        auto it = std::lower_bound(classes.begin(), classes.end(), v,
                                   [](const std::pair<double, double>& a, double x) { return a.first < x; });
        auto near = [&](double k) { return std::fabs(v - k) <= 1e-6 * std::max(1.0, std::fabs(k)); };
        if (it != classes.end() && near(it->first)) return it->second;
        if (it != classes.begin() && near(std::prev(it)->first)) return std::prev(it)->second;
        return default_score;
    }
    double rescale(double v) const {
        if (classes_mode) return class_score(v);
        return std::clamp((v - low) / (high - low), 0.0, 1.0);
    }
};

GDALResampleAlg resampling_of(const std::string& name) {
    if (name == "nearest") return GRA_NearestNeighbour;
    if (name == "bilinear") return GRA_Bilinear;
    if (name == "cubic") return GRA_Cubic;
    if (name == "average") return GRA_Average;
    if (name == "mode") return GRA_Mode;
    throw std::runtime_error("unknown resampling '" + name + "'");
}

// A relative path is read from the scenario's folder (mr_host.base_dir), else from the current folder if the file
// is there. Names with a colon (driver prefixes such as NETCDF:file.nc:var, URLs) and /vsi paths go to GDAL as given.
std::string resolve(const mr_host* host, const std::string& given) {
    namespace fs = std::filesystem;
    if (given.empty() || given.rfind("/vsi", 0) == 0 || given.find(':') != std::string::npos || fs::path(given).is_absolute())
        return given;
    const char* base = host->base_dir;
    if (!base || !*base) return given;  // no scenario folder: the current folder
    const fs::path joined = fs::path(base) / given;
    std::error_code ec;
    if (!fs::exists(joined, ec) && fs::exists(given, ec)) return given;
    return joined.lexically_normal().string();  // also when missing: the error then names the scenario-relative path
}

// Share of the grid's box that the raster's footprint (transformed to the grid's CRS) covers, or -1 if unknown.
double coverage(const Config& c) {
    QuietGdal quiet;
    GDALDatasetH src = GDALOpenEx(c.open_path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!src) return -1;
    double gt[6];
    double share = -1;
    if (GDALGetGeoTransform(src, gt) == CE_None && gt[2] == 0 && gt[4] == 0) {
        const double w = GDALGetRasterXSize(src), h = GDALGetRasterYSize(src);
        const double x0 = std::min(gt[0], gt[0] + w * gt[1]), x1 = std::max(gt[0], gt[0] + w * gt[1]);
        const double y0 = std::min(gt[3], gt[3] + h * gt[5]), y1 = std::max(gt[3], gt[3] + h * gt[5]);
        OGRSpatialReferenceH s = OSRNewSpatialReference(GDALGetProjectionRef(src));
        OGRSpatialReferenceH d = OSRNewSpatialReference(c.grid_wkt.c_str());
        if (s && d) {
            OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
            OSRSetAxisMappingStrategy(d, OAMS_TRADITIONAL_GIS_ORDER);
            OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(s, d);
            double b[4];
            if (ct && OCTTransformBounds(ct, x0, y0, x1, y1, &b[0], &b[1], &b[2], &b[3], 21)) {
                const double* g = c.grid.geotransform;
                const double gx0 = g[0], gx1 = g[0] + c.grid.width * g[1];
                const double gy1 = g[3], gy0 = g[3] + c.grid.height * g[5];
                const double ix = std::max(0.0, std::min(gx1, b[2]) - std::max(gx0, b[0]));
                const double iy = std::max(0.0, std::min(gy1, b[3]) - std::max(gy0, b[1]));
                share = ix * iy / ((gx1 - gx0) * (gy1 - gy0));
            }
            if (ct) OCTDestroyCoordinateTransformation(ct);
        }
        if (s) OSRDestroySpatialReference(s);
        if (d) OSRDestroySpatialReference(d);
    }
    GDALClose(src);
    return share;
}

// Whether any of the raster lands on the grid, judged by points rather than boxes: a box transformed between
// CRSs far apart can come out huge or not at all (PROJ fails for points far beyond a UTM zone), so that
// coverage() above says nothing, or overlap, for a raster on the other side of the world. Samples of the
// grid (cell corners, kSamples x kSamples) taken into the raster, and samples of the raster taken onto the
// grid, with the warper's own transformer; a raster sample counts only if it comes back where it started
// (a wild forward transform is no overlap). A raster smaller than a grid cell between samples is missed by
// the first and found by the second, and the other way round.
bool reaches_grid(const Config& c) {
    constexpr int kSamples = 33;
    QuietGdal quiet;
    GDALDatasetH src = GDALOpenEx(c.open_path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!src) return true;  // prepare() already opened it: nothing to judge by
    char** topt = CSLSetNameValue(nullptr, "DST_SRS", c.grid_wkt.c_str());
    void* t = GDALCreateGenImgProjTransformer2(src, nullptr, topt);
    CSLDestroy(topt);
    const double sw = GDALGetRasterXSize(src), sh = GDALGetRasterYSize(src);
    if (!t) {
        GDALClose(src);
        return true;
    }
    double gt[6];
    std::copy(c.grid.geotransform, c.grid.geotransform + 6, gt);
    GDALSetGenImgProjTransformerDstGeoTransform(t, gt);
    const double gw = static_cast<double>(c.grid.width), gh = static_cast<double>(c.grid.height);
    // Points spread over [0, w] x [0, h] (pixel/line), transformed one way; those landing inside [0, W] x [0, H].
    auto landed = [&](double w, double h, double W, double H, int to_src, bool round_trip) {
        std::vector<double> x, y, z(kSamples * kSamples, 0);
        for (int i = 0; i < kSamples; ++i)
            for (int j = 0; j < kSamples; ++j) x.push_back(w * i / (kSamples - 1)), y.push_back(h * j / (kSamples - 1));
        std::vector<double> x0 = x, y0 = y;
        std::vector<int> ok(x.size(), 0);
        GDALGenImgProjTransform(t, to_src, static_cast<int>(x.size()), x.data(), y.data(), z.data(), ok.data());
        for (size_t k = 0; k < x.size(); ++k) {
            if (!ok[k] || !(x[k] >= 0 && x[k] <= W && y[k] >= 0 && y[k] <= H)) continue;
            if (!round_trip) return true;
            double bx = x[k], by = y[k], bz = 0;
            int back = 0;
            GDALGenImgProjTransform(t, !to_src, 1, &bx, &by, &bz, &back);
            if (back && std::fabs(bx - x0[k]) <= 1 + w * 1e-3 && std::fabs(by - y0[k]) <= 1 + h * 1e-3) return true;
        }
        return false;
    };
    const bool hit = landed(gw, gh, sw, sh, TRUE, false) || landed(sw, sh, gw, gh, FALSE, true);
    GDALDestroyGenImgProjTransformer(t);
    GDALClose(src);
    return hit;
}

// Where the raster lies, for the warning that it misses the grid: "around 150.05 E, 30.04 S (EPSG:4326)".
std::string whereabouts(const Config& c) {
    QuietGdal quiet;
    GDALDatasetH src = GDALOpenEx(c.open_path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!src) return "";
    std::string out;
    double gt[6];
    OGRSpatialReferenceH s = OSRNewSpatialReference(GDALGetProjectionRef(src));
    if (s && GDALGetGeoTransform(src, gt) == CE_None) {
        double x = gt[0] + gt[1] * GDALGetRasterXSize(src) / 2 + gt[2] * GDALGetRasterYSize(src) / 2;
        double y = gt[3] + gt[4] * GDALGetRasterXSize(src) / 2 + gt[5] * GDALGetRasterYSize(src) / 2;
        const char* auth = OSRGetAuthorityName(s, nullptr);
        const char* code = OSRGetAuthorityCode(s, nullptr);
        const std::string crs = auth && code ? std::string(auth) + ":" + code : "its CRS";
        OGRSpatialReferenceH ll = OSRNewSpatialReference(nullptr);
        OSRSetWellKnownGeogCS(ll, "WGS84");
        OSRSetAxisMappingStrategy(ll, OAMS_TRADITIONAL_GIS_ORDER);
        OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
        OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(s, ll);
        char buf[160];
        if (ct && OCTTransform(ct, 1, &x, &y, nullptr) && std::isfinite(x) && std::isfinite(y))
            std::snprintf(buf, sizeof buf, "around %.3f %s, %.3f %s (%s)", std::fabs(x), x < 0 ? "W" : "E", std::fabs(y),
                          y < 0 ? "S" : "N", crs.c_str());
        else
            std::snprintf(buf, sizeof buf, "around %.6g, %.6g in %s", x, y, crs.c_str());
        out = buf;
        if (ct) OCTDestroyCoordinateTransformation(ct);
        OSRDestroySpatialReference(ll);
    }
    if (s) OSRDestroySpatialReference(s);
    GDALClose(src);
    return out;
}

int prepare(const mr_host* host, const mr_grid* grid, const mr_param_value* pv, int pc, void** out, char* err, size_t es) {
    return guarded(err, es, [&]() -> int {
        GDALAllRegister();
        Params p(pv, pc);
        auto s = std::make_unique<State>();
        auto log = [&](int level, const std::string& m) { host->log(host->ctx, kName, level, m.c_str()); };
        Config& c = s->config;
        c.grid = *grid;
        c.grid_wkt = grid->crs_wkt ? grid->crs_wkt : "";
        c.grid.crs_wkt = nullptr;  // not kept: the engine's string; the copy above is ours
        c.given_path = p.text("path");
        if (c.given_path.empty()) throw std::runtime_error("the parameter 'path' is empty: name the raster file");
        c.path = resolve(host, c.given_path);
        // Before GDAL opens it: GDALOpenEx on a FIFO blocks until a writer comes.
        const std::string special = minerisk::files::not_a_file(c.path, minerisk::files::FileRules{0, true});
        if (!special.empty()) throw std::runtime_error("cannot open raster '" + c.path + "': it is " + special + "; name the raster file itself");
        // A GeoPackage raster with a log beside it would be written if opened in place (sqlite_snapshot.hpp).
        s->snapshot = minerisk::files::SqliteSnapshot::take_if_needed(c.path);
        c.open_path = s->snapshot ? s->snapshot->path() : c.path;
        if (s->snapshot && !s->snapshot->pending_log().empty())
            log(1, "raster '" + c.path + "': the file has saved changes not yet merged into it (in " + s->snapshot->pending_log() +
                       ", its log): read them from a private copy, the input left untouched. if a program (QGIS) is "
                       "still editing the file, finish the edits and run again");
        c.band = static_cast<int>(p.number("band", 1));
        const std::string mode = p.text("mode", "linear");
        s->classes_mode = mode == "classes";
        const std::string rname = p.text("resampling", s->classes_mode ? "nearest" : "bilinear");
        c.resampling = resampling_of(rname);
        s->default_score = p.number("default_score", 0);
        s->nodata_score = p.number("nodata_score", 0);
        if (s->classes_mode) {
            const mr_param_value* t = p.find("classes");
            for (int i = 0; t && i < t->table_size; ++i) {
                const std::string key = t->table_keys[i];
                char* end = nullptr;
                const double v = std::strtod(key.c_str(), &end);
                if (key.empty() || *end != '\0' || !std::isfinite(v))
                    throw std::runtime_error("classes: the key '" + key + "' is not a number (keys are the raster's class values)");
                s->classes.emplace_back(v, t->table_values[i]);
            }
            if (s->classes.empty()) throw std::runtime_error("mode 'classes' needs a classes table, e.g. classes: {1: 0.2, 5: 1}");
            std::sort(s->classes.begin(), s->classes.end());
            if (rname == "bilinear" || rname == "cubic" || rname == "average")
                log(1, "resampling '" + rname + "' blends class values, so many cells match no class; use nearest or mode");
        } else {
            s->low = p.number("low", 0);
            s->high = p.number("high", 1);
            if (!(s->low != s->high)) throw std::runtime_error("low and high are both " + std::to_string(s->low) + ": they must differ");
        }
        // Opening once here checks the file, the band and the CRS, and gives the first pooled copy.
        s->pool.push_back(open_slot(c));
        const bool reaches = reaches_grid(c);
        const double cov = reaches ? coverage(c) : 0;  // a box transformed from far away says nothing
        std::ostringstream info;
        info << "raster '" << c.path << "' band " << c.band << ", " << mode << ", " << rname << " resampling";
        if (cov >= 0) info << "; covers " << std::lround(100 * std::min(1.0, cov)) << " % of the grid's box";
        log(0, info.str());
        if (cov == 0) {
            const std::string at = whereabouts(c);
            log(1, "raster '" + c.path + "' does not overlap the grid: every cell gets nodata_score" +
                       (at.empty() ? std::string() : " (the raster lies " + at + ")") +
                       ". check the raster's CRS and extent (gdalinfo '" + c.path + "') against the scenario's area");
        }
        *out = s.release();
        return MR_OK;
    });
}

double reach(const void*) { return 0; }

int score(const void* state, const mr_host*, mr_window w, float* const* bands, char* err, size_t es) {
    return guarded(err, es, [&]() -> int {
        const State& s = *static_cast<const State*>(state);
        const size_t cells = static_cast<size_t>(w.width * w.height);
        float* out = bands[0];
        float* value_out = bands[1];
        std::fill(out, out + cells, static_cast<float>(s.nodata_score));
        if (value_out) std::fill(value_out, value_out + cells, std::nanf(""));
        const std::int64_t gw = s.config.grid.width, gh = s.config.grid.height;
        // The part of the window inside the grid (cells outside it are nodata).
        const std::int64_t c0 = std::max<std::int64_t>(0, w.col0), c1 = std::min(gw, w.col0 + w.width);
        const std::int64_t r0 = std::max<std::int64_t>(0, w.row0), r1 = std::min(gh, w.row0 + w.height);
        if (c0 >= c1 || r0 >= r1) return MR_OK;

        std::unique_ptr<Slot> slot = s.borrow();
        struct Return {  // hands the copy back however this scope ends
            const State& s;
            std::unique_ptr<Slot>& slot;
            ~Return() {
                if (slot) s.give_back(std::move(slot));
            }
        } give_back{s, slot};

        GDALRasterBandH vb = GDALGetRasterBand(slot->vrt, 1), ab = GDALGetRasterBand(slot->vrt, 2);
        int bw = 0, bh = 0;
        GDALGetBlockSize(vb, &bw, &bh);
        if (bw <= 0 || bh <= 0) bw = 512, bh = 128;
        slot->block_values.resize(static_cast<size_t>(bw) * static_cast<size_t>(bh));
        slot->block_alpha.resize(static_cast<size_t>(bw) * static_cast<size_t>(bh));
        QuietGdal quiet;
        // Whole VRT blocks: the warper then always computes the same chunks, whatever the window.
        for (std::int64_t by = r0 / bh; by * bh < r1; ++by)
            for (std::int64_t bx = c0 / bw; bx * bw < c1; ++bx) {
                const std::int64_t x0 = bx * bw, y0 = by * bh;
                const int xs = static_cast<int>(std::min<std::int64_t>(bw, gw - x0));
                const int ys = static_cast<int>(std::min<std::int64_t>(bh, gh - y0));
                if (GDALRasterIO(vb, GF_Read, static_cast<int>(x0), static_cast<int>(y0), xs, ys, slot->block_values.data(), xs,
                                 ys, GDT_Float64, 0, 0) != CE_None ||
                    GDALRasterIO(ab, GF_Read, static_cast<int>(x0), static_cast<int>(y0), xs, ys, slot->block_alpha.data(), xs,
                                 ys, GDT_Float32, 0, 0) != CE_None)
                    throw std::runtime_error("reading raster '" + s.config.path + "' failed" + last_gdal_error());
                const std::int64_t yy0 = std::max(y0, r0), yy1 = std::min(y0 + ys, r1);
                const std::int64_t xx0 = std::max(x0, c0), xx1 = std::min(x0 + xs, c1);
                for (std::int64_t y = yy0; y < yy1; ++y)
                    for (std::int64_t x = xx0; x < xx1; ++x) {
                        const size_t src = static_cast<size_t>((y - y0) * xs + (x - x0));
                        const size_t dst = static_cast<size_t>((y - w.row0) * w.width + (x - w.col0));
                        const double v = slot->block_values[src];
                        if (!(slot->block_alpha[src] > 0) || !std::isfinite(v)) continue;  // nodata: already filled
                        out[dst] = static_cast<float>(s.rescale(v));
                        if (value_out) value_out[dst] = static_cast<float>(v);
                    }
            }
        return MR_OK;
    });
}

}  // namespace

MINERISK_PLUGIN(State, kName, "1.0.0",
                "a raster the user brings (land use, roads, slope), resampled to the grid and rescaled by a linear map or a class table",
                kParams, nullptr, nullptr, kBands, prepare, reach, score)
