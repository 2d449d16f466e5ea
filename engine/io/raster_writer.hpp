// Writes a float raster block by block into a temporary GeoTIFF beside its final name, turns it into a
// Cloud-Optimized GeoTIFF, and renames that into
// place only when commit() is called: a failed or killed run never leaves a half-written file under the
// final name, nor touches an earlier good one.
#pragma once
#include <map>
#include <mutex>
#include <string>

#include "minerisk/grid.hpp"
#include "minerisk/progress.hpp"

class GDALDataset;

namespace minerisk {

struct RasterInfo {
    std::string description;  // band description, e.g. "combined risk (weighted_sum)"
    std::string unit;         // e.g. "m", "" for scores
    std::string compress = "DEFLATE";
    bool cog = true;  // false: the tiled GeoTIFF as written, compressed, without overviews (faster)
    std::map<std::string, std::string> metadata;  // dataset metadata items
};

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
    std::mutex mutex_;
};

}  // namespace minerisk
