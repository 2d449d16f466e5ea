#include "scoring/host.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

namespace minerisk {
namespace {

Host* self(void* ctx) { return static_cast<Host*>(ctx); }

void write_err(char* err, size_t size, const std::string& msg) {
    if (!err || size == 0) return;
    std::strncpy(err, msg.c_str(), size - 1);
    err[size - 1] = '\0';
}

int64_t layer_size(void* ctx, const char* layer) {
    const FeatureLayer* l = self(ctx)->layer(layer);
    return l ? l->size() : -1;
}

int has_attribute(void* ctx, const char* layer, const char* attribute) {
    const FeatureLayer* l = self(ctx)->layer(layer);
    return l && attribute && l->column(attribute) ? 1 : 0;
}

bool in_range(const FeatureLayer* l, int64_t f) { return l && f >= 0 && f < l->size(); }

size_t feature_wkb(void* ctx, const char* layer, int64_t f, const unsigned char** wkb) {
    const FeatureLayer* l = self(ctx)->layer(layer);
    if (!in_range(l, f)) return 0;
    *wkb = l->wkb[f].data();
    return l->wkb[f].size();
}

int feature_bounds(void* ctx, const char* layer, int64_t f, double box[4]) {
    const FeatureLayer* l = self(ctx)->layer(layer);
    if (!in_range(l, f)) return MR_ERROR;
    const Extent& e = l->bounds[f];
    box[0] = e.xmin, box[1] = e.ymin, box[2] = e.xmax, box[3] = e.ymax;
    return MR_OK;
}

int64_t features_in_box(void* ctx, const char* layer, const double box[4], int64_t* ids, int64_t capacity) {
    const FeatureLayer* l = self(ctx)->layer(layer);
    if (!l) return 0;
    const auto found = l->query({box[0], box[1], box[2], box[3]});
    const int64_t n = static_cast<int64_t>(found.size());
    if (ids) std::copy_n(found.begin(), std::min(n, std::max<int64_t>(0, capacity)), ids);
    return n;
}

const Column* column(void* ctx, const char* layer, int64_t f, const char* attribute) {
    const FeatureLayer* l = self(ctx)->layer(layer);
    if (!in_range(l, f) || !attribute) return nullptr;
    return l->column(attribute);
}

double attr_number(void* ctx, const char* layer, int64_t f, const char* attribute) {
    const Column* c = column(ctx, layer, f, attribute);
    return c ? c->number[f] : std::nan("");
}

const char* attr_text(void* ctx, const char* layer, int64_t f, const char* attribute) {
    const Column* c = column(ctx, layer, f, attribute);
    return c && c->present[f] ? c->text[f].c_str() : nullptr;
}

double attr_date(void* ctx, const char* layer, int64_t f, const char* attribute) {
    const Column* c = column(ctx, layer, f, attribute);
    return c && c->type == "date" ? c->number[f] : std::nan("");
}

int rasterize(void* ctx, const char* layer, const int64_t* features, const double* values, int64_t count,
              mr_window window, float* out, char* err, size_t err_size) {
    return self(ctx)->rasterize(layer, features, values, count, window, out, err, err_size);
}

void log(void* ctx, const char* plugin, int level, const char* message) { self(ctx)->log(plugin, level, message); }
int cancelled(void* ctx) { return self(ctx)->cancelled() ? 1 : 0; }

}  // namespace

Host::Host(const Inputs& inputs, const GridSpec& grid) : inputs_(inputs), grid_(grid) {
    GDALAllRegister();  // the rasterize service needs the MEM driver
    grid_c_.width = grid.width;
    grid_c_.height = grid.height;
    const auto gt = grid.geotransform();
    std::copy(gt.begin(), gt.end(), grid_c_.geotransform);
    grid_c_.cell_size = grid.cell_size;
    grid_c_.crs_wkt = grid.crs_wkt.c_str();
    table_.abi_version = MINERISK_PLUGIN_ABI_VERSION;
    table_.ctx = this;
    table_.base_dir = base_dir_.c_str();
    table_.layer_size = layer_size;
    table_.has_attribute = has_attribute;
    table_.feature_wkb = feature_wkb;
    table_.feature_bounds = feature_bounds;
    table_.features_in_box = features_in_box;
    table_.attr_number = attr_number;
    table_.attr_text = attr_text;
    table_.attr_date = attr_date;
    table_.rasterize = minerisk::rasterize;
    table_.log = minerisk::log;
    table_.cancelled = minerisk::cancelled;
}

const FeatureLayer* Host::layer(const char* name) const { return name ? inputs_.find(name) : nullptr; }

int Host::rasterize(const char* layer_name, const std::int64_t* features, const double* values, std::int64_t count,
                    mr_window w, float* out, char* err, size_t err_size) const {
    const FeatureLayer* l = layer(layer_name);
    if (!l) {
        write_err(err, err_size, std::string("no layer '") + (layer_name ? layer_name : "") + "'");
        return MR_ERROR;
    }
    if (count <= 0 || w.width <= 0 || w.height <= 0) return MR_OK;
    // Burn in ascending order of value so that where features overlap the largest value wins.
    std::vector<int64_t> order(static_cast<size_t>(count));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return values[a] < values[b]; });
    std::vector<OGRGeometryH> geoms;
    std::vector<double> burn;
    for (int64_t k : order) {
        const int64_t f = features[k];
        if (f < 0 || f >= l->size()) {
            write_err(err, err_size, "feature " + std::to_string(f) + " is not in layer " + layer_name);
            return MR_ERROR;
        }
        geoms.push_back(OGRGeometry::ToHandle(l->geometry[f].get()));
        burn.push_back(values[k]);
    }
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    if (!mem) {
        write_err(err, err_size, "GDAL's MEM driver is not available");
        return MR_ERROR;
    }
    std::unique_ptr<GDALDataset> ds(mem->Create("", static_cast<int>(w.width), static_cast<int>(w.height), 1, GDT_Float32, nullptr));
    if (!ds) {
        write_err(err, err_size, "cannot allocate a raster block of " + std::to_string(w.width) + " x " + std::to_string(w.height));
        return MR_ERROR;
    }
    double gt[6] = {grid_.origin_x + w.col0 * grid_.cell_size, grid_.cell_size, 0,
                    grid_.origin_y - w.row0 * grid_.cell_size, 0, -grid_.cell_size};
    ds->SetGeoTransform(gt);
    GDALRasterBand* band = ds->GetRasterBand(1);
    band->Fill(-std::numeric_limits<float>::infinity());
    int bands[1] = {1};
    CPLErr e = GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, bands, static_cast<int>(geoms.size()), geoms.data(),
                                       nullptr, nullptr, burn.data(), nullptr, nullptr, nullptr);
    if (e != CE_None) {
        write_err(err, err_size, std::string("rasterizing failed: ") + CPLGetLastErrorMsg());
        return MR_ERROR;
    }
    std::vector<float> buf(static_cast<size_t>(w.width * w.height));
    if (band->RasterIO(GF_Read, 0, 0, static_cast<int>(w.width), static_cast<int>(w.height), buf.data(),
                       static_cast<int>(w.width), static_cast<int>(w.height), GDT_Float32, 0, 0) != CE_None) {
        write_err(err, err_size, std::string("reading the rasterized block failed: ") + CPLGetLastErrorMsg());
        return MR_ERROR;
    }
    for (size_t i = 0; i < buf.size(); ++i)
        if (buf[i] > out[i]) out[i] = buf[i];
    return MR_OK;
}

void Host::log(const char* plugin, int level, const char* message) {
    std::lock_guard<std::mutex> lock(log_mutex_);
    std::string line = std::string(plugin ? plugin : "plugin") + ": " + (message ? message : "");
    if (level >= 1) {
        if (std::find(warnings_.begin(), warnings_.end(), line) == warnings_.end()) warnings_.push_back(line);
    } else {
        infos_.push_back(line);
    }
}

std::vector<std::string> Host::warnings() const {
    std::lock_guard<std::mutex> lock(log_mutex_);
    return warnings_;
}
std::vector<std::string> Host::infos() const {
    std::lock_guard<std::mutex> lock(log_mutex_);
    return infos_;
}

}  // namespace minerisk
