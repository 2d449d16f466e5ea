// Writes a float raster block by block under a temporary name beside its final name and renames it into
// place only when commit() is called: a failed or killed run never leaves a half-written file under the
// final name, nor touches an earlier good one.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "minerisk/grid.hpp"
#include "minerisk/progress.hpp"

class GDALDataset;

namespace minerisk {

class CogWriter;

// What to do about a failed write, from the reason the system or GDAL gave: memory, a file size limit, the disk.
std::string raster_write_hint(const std::string& why);

struct RasterInfo {
    std::string description;  // band description, e.g. "combined risk (weighted_sum)"
    std::string unit;         // e.g. "m", "" for scores
    std::string compress = "DEFLATE";
    bool cog = true;  // false: the tiled GeoTIFF as written, compressed, without overviews (faster)
    std::map<std::string, std::string> metadata;  // dataset metadata items
};

// Georeferencing, nodata (NaN), band description, unit and metadata, as every raster of a run carries them.
void describe_raster(GDALDataset* ds, const GridSpec& grid, const RasterInfo& info);

// A COG in DEFLATE, ZSTD or no compression is written once by CogWriter (cog_writer.hpp): its blocks encoded as
// they come, its overviews averaged in memory. Any other (LZW) and the plain GeoTIFF go through GDAL: a tiled
// GeoTIFF as written, turned into a COG by GDAL's COG driver where one is asked for.
class RasterWriter {
public:
    RasterWriter(const std::string& final_path, const GridSpec& grid, const RasterInfo& info);
    ~RasterWriter();  // without commit(): removes the temporary file
    RasterWriter(const RasterWriter&) = delete;
    RasterWriter& operator=(const RasterWriter&) = delete;

    // Thread-safe. `data` is window.width*window.height floats, row-major; NaN is nodata.
    void write(const Window& window, const float* data);
    void commit(const Progress& progress = {});  // progress: of the conversion to COG
    const std::string& path() const { return final_path_; }

private:
    std::string final_path_;
    std::string temp_path_;      // blocks as they are computed: tiled (ZSTD level 1 before a COG)
    std::string cog_temp_path_;  // the Cloud-Optimized GeoTIFF, before its rename
    std::string compress_;
    bool cog_ = true;
    GDALDataset* ds_ = nullptr;
    std::unique_ptr<CogWriter> direct_;  // the COG written once, when its codec allows
    std::mutex mutex_;
};

}  // namespace minerisk
