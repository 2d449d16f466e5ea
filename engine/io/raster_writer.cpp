#include "io/raster_writer.hpp"

#include "io/cog_writer.hpp"

#include <gdal_priv.h>
#include <gdal_utils.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "minerisk/cancel.hpp"
#include "minerisk/error.hpp"
#include "minerisk/output_folder.hpp"

namespace fs = std::filesystem;

namespace minerisk {

std::string raster_write_hint(const std::string& why) {
    if (why.find("allocat") != std::string::npos || why.find("memory") != std::string::npos)
        return "the process ran out of memory: raise its memory limit, or lower run.threads (-j) or run.tile_size";
    if (why.find("File too large") != std::string::npos)
        return "a file size limit (ulimit -f) stopped the write: raise it";
    return "check the free space in the output folder";
}

// GDAL's compression threads, unless the process has an address-space limit (`ulimit -v`): there a worker
// thread may fail to start (each reserves its stack), and GDAL 3.6's pool then waits forever for it at 100 % CPU
// ("CPLCreateJoinableThread() failed"), deaf to SIGTERM. On the writing thread alone it is slower but ends,
// with a clean error if memory runs out.
static const char* compression_threads() {
    rlimit limit{};
    if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) return "1";
    return "ALL_CPUS";
}


RasterWriter::RasterWriter(const std::string& final_path, const GridSpec& grid, const RasterInfo& info)
    : final_path_(final_path),
      temp_path_(temporary_path_for(final_path) + ".tif"),
      cog_temp_path_(temporary_path_for(final_path)) {
    CogCodec codec;
    if (info.cog && cog_codec_from_name(info.compress, codec)) {
        direct_ = std::make_unique<CogWriter>(final_path, grid, info, codec);
        return;
    }
    GDALAllRegister();
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    CPLStringList opts;
    opts.SetNameValue("TILED", "YES");
    opts.SetNameValue("BLOCKXSIZE", "256");
    opts.SetNameValue("BLOCKYSIZE", "256");
    opts.SetNameValue("BIGTIFF", "IF_SAFER");
    compress_ = info.compress;
    cog_ = info.cog;
    if (!cog_ && compress_ != "NONE") {
        // The plain GeoTIFF is the fast format: no floating-point predictor (libtiff's costs more CPU than the
        // compression itself, on writing and on every read), and ZSTD at level 1 (its default, 9, costs
        // several times more for a few per cent of size).
        opts.SetNameValue("COMPRESS", compress_.c_str());
        opts.SetNameValue("NUM_THREADS", compression_threads());
        if (compress_ == "ZSTD") opts.SetNameValue("ZSTD_LEVEL", "1");
    } else if (cog_) {
        // The blocks before the conversion to COG: read once, then deleted. ZSTD at level 1 costs little CPU
        // and halves what goes through the disk.
        opts.SetNameValue("COMPRESS", "ZSTD");
        opts.SetNameValue("ZSTD_LEVEL", "1");
        opts.SetNameValue("NUM_THREADS", compression_threads());
    }
    ds_ = gtiff->Create(temp_path_.c_str(), static_cast<int>(grid.width), static_cast<int>(grid.height), 1, GDT_Float32,
                        opts.List());
    if (!ds_)
        throw Error(std::string("cannot create a raster: ") + CPLGetLastErrorMsg(), Location{final_path},
                    "check that the output folder is writable and has free space");
    describe_raster(ds_, grid, info);
}

void describe_raster(GDALDataset* ds, const GridSpec& grid, const RasterInfo& info) {
    auto gt = grid.geotransform();
    ds->SetGeoTransform(gt.data());
    ds->SetProjection(grid.crs_wkt.c_str());
    GDALRasterBand* band = ds->GetRasterBand(1);
    band->SetNoDataValue(std::nan(""));
    band->SetDescription(info.description.c_str());
    if (!info.unit.empty()) band->SetUnitType(info.unit.c_str());
    for (const auto& [k, v] : info.metadata) ds->SetMetadataItem(k.c_str(), v.c_str());
}

RasterWriter::~RasterWriter() {
    if (ds_) {
        GDALClose(ds_);
        std::remove(temp_path_.c_str());
    }
    std::remove(cog_temp_path_.c_str());
}

// The finished blocks become a Cloud-Optimized GeoTIFF: internal tiles, overviews (averaged, so that a
// zoomed-out view shows mean risk), compression (at its fastest level) with the floating-point predictor. Band description, unit,
// nodata and metadata are copied by GDAL.
static int translate_progress(double fraction, const char* message, void* user) {
    return static_cast<const Progress*>(user)->report(fraction, message) ? 1 : 0;
}

static void translate_to_cog(const std::string& src, const std::string& dst, const std::string& compress,
                             const std::string& final_path, const Progress& progress) {
    CPLStringList argv;
    for (const char* a : {"-of", "COG", "-co", "BLOCKSIZE=512", "-co", "OVERVIEWS=IGNORE_EXISTING", "-co",
                          "OVERVIEW_RESAMPLING=AVERAGE", "-co", "RESAMPLING=AVERAGE", "-co", "BIGTIFF=IF_SAFER"})
        argv.AddString(a);
    argv.AddString("-co");
    argv.AddString((std::string("NUM_THREADS=") + compression_threads()).c_str());
    argv.AddString("-co");
    argv.AddString(("COMPRESS=" + compress).c_str());
    if (compress != "NONE") {
        argv.AddString("-co");
        argv.AddString("PREDICTOR=YES");
    }
    // The fastest level: on float32 risk and distance rasters DEFLATE at level 1 writes about three times as fast
    // as GDAL's default level 6, for files about 6 % larger; COG writing is most of a large full run.
    if (compress == "DEFLATE" || compress == "ZSTD") {
        argv.AddString("-co");
        argv.AddString("LEVEL=1");
    }
    GDALTranslateOptions* opts = GDALTranslateOptionsNew(argv.List(), nullptr);
    // Always: the callback is also where a signal's cancel reaches GDAL (Progress::report), progress shown or not.
    GDALTranslateOptionsSetProgress(opts, translate_progress, const_cast<Progress*>(&progress));
    GDALDatasetH in = GDALOpen(src.c_str(), GA_ReadOnly);
    int usage_error = 0;
    CPLErrorReset();
    GDALDatasetH out = in ? GDALTranslate(dst.c_str(), in, opts, &usage_error) : nullptr;
    GDALTranslateOptionsFree(opts);
    // An encoder that failed (out of memory, a full disk) may still hand back a dataset: any failure GDAL
    // reported while translating or closing fails the raster, so that a run never publishes a damaged one.
    bool failed = CPLGetLastErrorType() >= CE_Failure;
    std::string why = CPLGetLastErrorMsg();
    if (out) GDALClose(out);
    if (!failed && CPLGetLastErrorType() >= CE_Failure) {
        failed = true;
        why = CPLGetLastErrorMsg();
    }
    if (in) GDALClose(in);
    if (cancel_requested()) throw Error("cancelled");
    if (!out || usage_error || failed)
        throw Error("writing the Cloud-Optimized GeoTIFF failed: " + why, Location{final_path}, raster_write_hint(why));
}

void RasterWriter::write(const Window& w, const float* data) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (direct_) return direct_->write(w, data);
    const CPLErr e = ds_->GetRasterBand(1)->RasterIO(GF_Write, static_cast<int>(w.col0), static_cast<int>(w.row0),
                                                    static_cast<int>(w.width), static_cast<int>(w.height),
                                                    const_cast<float*>(data), static_cast<int>(w.width),
                                                    static_cast<int>(w.height), GDT_Float32, 0, 0);
    if (e != CE_None)
        throw Error(std::string("writing failed: ") + CPLGetLastErrorMsg(), Location{final_path_},
                    raster_write_hint(CPLGetLastErrorMsg()));
}

void RasterWriter::commit(const Progress& progress) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (direct_) return direct_->commit(progress);
    GDALDataset* ds = ds_;
    ds_ = nullptr;
    CPLErrorReset();
    GDALClose(ds);
    if (CPLGetLastErrorType() >= CE_Failure) {
        std::remove(temp_path_.c_str());
        throw Error(std::string("finishing the raster failed: ") + CPLGetLastErrorMsg(), Location{final_path_},
                    raster_write_hint(CPLGetLastErrorMsg()));
    }
    if (!cog_) {
        std::error_code ec;
        fs::rename(temp_path_, final_path_, ec);
        if (ec) {
            std::remove(temp_path_.c_str());
            throw Error("cannot move the finished raster into place: " + ec.message(), Location{final_path_});
        }
        return;
    }
    try {
        translate_to_cog(temp_path_, cog_temp_path_, compress_, final_path_, progress);
    } catch (...) {
        std::remove(temp_path_.c_str());
        std::remove(cog_temp_path_.c_str());
        throw;
    }
    std::remove(temp_path_.c_str());
    std::error_code ec;
    fs::rename(cog_temp_path_, final_path_, ec);
    if (ec) {
        std::remove(cog_temp_path_.c_str());
        throw Error("cannot move the finished raster into place: " + ec.message(), Location{final_path_});
    }
}

}  // namespace minerisk
