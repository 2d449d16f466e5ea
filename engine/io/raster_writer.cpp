#include "io/raster_writer.hpp"

#include <gdal_priv.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "minerisk/error.hpp"

namespace fs = std::filesystem;

namespace minerisk {

std::string temporary_path_for(const std::string& final_path) {
    const fs::path p(final_path);
    return (p.parent_path() / ("." + p.filename().string() + "." + std::to_string(getpid()) + ".part")).string();
}

RasterWriter::RasterWriter(const std::string& final_path, const GridSpec& grid, const RasterInfo& info)
    : final_path_(final_path), temp_path_(temporary_path_for(final_path)) {
    GDALAllRegister();
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    CPLStringList opts;
    opts.SetNameValue("TILED", "YES");
    opts.SetNameValue("BLOCKXSIZE", "256");
    opts.SetNameValue("BLOCKYSIZE", "256");
    opts.SetNameValue("BIGTIFF", "IF_SAFER");
    if (info.compress != "NONE") {
        opts.SetNameValue("COMPRESS", info.compress.c_str());
        opts.SetNameValue("PREDICTOR", "3");  // floating-point predictor: smaller files for smooth surfaces
    }
    ds_ = gtiff->Create(temp_path_.c_str(), static_cast<int>(grid.width), static_cast<int>(grid.height), 1, GDT_Float32,
                        opts.List());
    if (!ds_)
        throw Error(std::string("cannot create a raster: ") + CPLGetLastErrorMsg(), Location{final_path},
                    "check that the output folder is writable and has free space");
    auto gt = grid.geotransform();
    ds_->SetGeoTransform(gt.data());
    ds_->SetProjection(grid.crs_wkt.c_str());
    GDALRasterBand* band = ds_->GetRasterBand(1);
    band->SetNoDataValue(std::nan(""));
    band->SetDescription(info.description.c_str());
    if (!info.unit.empty()) band->SetUnitType(info.unit.c_str());
    for (const auto& [k, v] : info.metadata) ds_->SetMetadataItem(k.c_str(), v.c_str());
}

RasterWriter::~RasterWriter() {
    if (ds_) {
        GDALClose(ds_);
        std::remove(temp_path_.c_str());
    }
}

void RasterWriter::write(const Window& w, const float* data) {
    std::lock_guard<std::mutex> lock(mutex_);
    const CPLErr e = ds_->GetRasterBand(1)->RasterIO(GF_Write, static_cast<int>(w.col0), static_cast<int>(w.row0),
                                                    static_cast<int>(w.width), static_cast<int>(w.height),
                                                    const_cast<float*>(data), static_cast<int>(w.width),
                                                    static_cast<int>(w.height), GDT_Float32, 0, 0);
    if (e != CE_None)
        throw Error(std::string("writing failed: ") + CPLGetLastErrorMsg(), Location{final_path_},
                    "check the free space in the output folder");
}

void RasterWriter::commit() {
    std::lock_guard<std::mutex> lock(mutex_);
    GDALDataset* ds = ds_;
    ds_ = nullptr;
    CPLErrorReset();
    GDALClose(ds);
    if (CPLGetLastErrorType() >= CE_Failure) {
        std::remove(temp_path_.c_str());
        throw Error(std::string("finishing the raster failed: ") + CPLGetLastErrorMsg(), Location{final_path_},
                    "check the free space in the output folder");
    }
    std::error_code ec;
    fs::rename(temp_path_, final_path_, ec);
    if (ec) {
        std::remove(temp_path_.c_str());
        throw Error("cannot move the finished raster into place: " + ec.message(), Location{final_path_});
    }
}

}  // namespace minerisk
