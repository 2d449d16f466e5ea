#include "scoring/host.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>

#include <ogr_geometry.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
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


bool is_polygonal(const OGRGeometry& g) {
    const OGRwkbGeometryType t = wkbFlatten(g.getGeometryType());
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbCurvePolygon || t == wkbMultiSurface;
}

// GDAL draws a line cell by cell along its whole length, outside the raster too: a line thousands of kilometres
// long (a coordinate typo) takes minutes per block. Such a geometry is clipped first to the grid's surroundings
// (the grid grown by its own size, at least 1024 cells, on every side). The box depends on the grid only, never
// on the block, so tiles still agree; what lies inside it (all real data) burns exactly as before. Polygons
// are filled row by row within the raster and need no clipping. Null when nothing needs doing (or GEOS fails:
// the geometry then burns as it is).
std::unique_ptr<OGRGeometry> clipped_to_surroundings(const OGRGeometry* g, const GridSpec& grid) {
    if (!g || g->IsEmpty() || is_polygonal(*g) || wkbFlatten(g->getGeometryType()) == wkbPoint) return nullptr;
    const double margin = grid.cell_size * static_cast<double>(std::max<std::int64_t>({grid.width, grid.height, 1024}));
    OGREnvelope box;
    box.MinX = grid.origin_x - margin;
    box.MaxX = grid.origin_x + grid.width * grid.cell_size + margin;
    box.MaxY = grid.origin_y + margin;
    box.MinY = grid.origin_y - grid.height * grid.cell_size - margin;
    OGREnvelope env;
    g->getEnvelope(&env);
    if (box.Contains(env)) return nullptr;
    OGRLinearRing ring;
    ring.addPoint(box.MinX, box.MinY);
    ring.addPoint(box.MaxX, box.MinY);
    ring.addPoint(box.MaxX, box.MaxY);
    ring.addPoint(box.MinX, box.MaxY);
    ring.addPoint(box.MinX, box.MinY);
    OGRPolygon rect;
    rect.addRing(&ring);
    return std::unique_ptr<OGRGeometry>(g->Intersection(&rect));
}

// Burns one geometry with GDAL (no options: the cell-centre rule) into the grid's cells
// [c0, c0 + w) x [r0, r0 + h); true when any cell was burned.
bool gdal_burns_any(OGRGeometry* g, const GridSpec& grid, std::int64_t c0, std::int64_t r0, std::int64_t w, std::int64_t h) {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    if (!mem) return true;  // cannot tell: take the feature as covering (it then burns as GDAL says)
    std::unique_ptr<GDALDataset> ds(mem->Create("", static_cast<int>(w), static_cast<int>(h), 1, GDT_Byte, nullptr));
    if (!ds) return true;
    double gt[6] = {grid.origin_x + c0 * grid.cell_size, grid.cell_size, 0, grid.origin_y - r0 * grid.cell_size, 0, -grid.cell_size};
    ds->SetGeoTransform(gt);
    int bands[1] = {1};
    double one = 1;
    OGRGeometryH h_g = OGRGeometry::ToHandle(g);
    if (GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, bands, 1, &h_g, nullptr, nullptr, &one, nullptr, nullptr,
                                nullptr) != CE_None)
        return true;
    std::vector<GByte> buf(static_cast<size_t>(w * h));
    if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, static_cast<int>(w), static_cast<int>(h), buf.data(), static_cast<int>(w),
                                       static_cast<int>(h), GDT_Byte, 0, 0) != CE_None)
        return true;
    return std::any_of(buf.begin(), buf.end(), [](GByte b) { return b != 0; });
}

// A point inside the geometry (GEOS point-on-surface), else its centroid, else the middle of its box.
OGRPoint representative_point(const OGRGeometry& g, const Extent& box) {
    OGRPoint p((box.xmin + box.xmax) / 2, (box.ymin + box.ymax) / 2);
    OGRGeometryH inner = OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&g)));
    if (inner) {
        const OGRGeometry* ig = OGRGeometry::FromHandle(inner);
        if (!ig->IsEmpty() && wkbFlatten(ig->getGeometryType()) == wkbPoint) p = *ig->toPoint();
        OGR_G_DestroyGeometry(inner);
        return p;
    }
    OGRPoint c;
    if (g.Centroid(&c) == OGRERR_NONE && !c.IsEmpty()) p = c;
    return p;
}

// "hazards (h.gpkg, layer 'hazards')", as the warnings of the inputs name a layer.
std::string layer_label(const FeatureLayer& l) {
    std::string src = l.stats.source;
    if (src.rfind("PG:", 0) != 0 && src.find("://") == std::string::npos) {
        const std::string name = std::filesystem::path(src).filename().string();
        if (!name.empty()) src = name;
    }
    if (src.empty()) return l.role;
    return l.role + " (" + src + ", layer '" + l.stats.layer_name + "')";
}

}  // namespace

void Host::decide_coverage(const FeatureLayer& l, Coverage& c, std::int64_t f) const {
    if (c.state[f].load(std::memory_order_acquire) != Coverage::unknown) return;
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.state[f].load(std::memory_order_acquire) != Coverage::unknown) return;
    OGRGeometry* g = l.geometry[f].get();
    std::uint8_t decided = Coverage::covers;
    if (g && !g->IsEmpty() && is_polygonal(*g) && grid_.cell_size > 0) {
        // The cells of the grid whose centre lies inside the feature's box: the only ones it can burn.
        const Extent& b = l.bounds[f];
        const double cs = grid_.cell_size;
        const std::int64_t c0 = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::ceil((b.xmin - grid_.origin_x) / cs - 0.5)));
        const std::int64_t c1 = std::min<std::int64_t>(grid_.width - 1, static_cast<std::int64_t>(std::floor((b.xmax - grid_.origin_x) / cs - 0.5)));
        const std::int64_t r0 = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::ceil((grid_.origin_y - b.ymax) / cs - 0.5)));
        const std::int64_t r1 = std::min<std::int64_t>(grid_.height - 1, static_cast<std::int64_t>(std::floor((grid_.origin_y - b.ymin) / cs - 0.5)));
        const OGRPoint p = representative_point(*g, b);
        const double pc = std::floor((p.getX() - grid_.origin_x) / cs), pr = std::floor((grid_.origin_y - p.getY()) / cs);
        bool covers = false;
        if (c0 <= c1 && r0 <= r1) {
            // Usually the centre of the cell holding the inner point is inside: then it certainly burns.
            const OGRPoint centre(grid_.origin_x + (pc + 0.5) * cs, grid_.origin_y - (pr + 0.5) * cs);
            covers = pc >= c0 && pc <= c1 && pr >= r0 && pr <= r1 && g->Contains(&centre);
            // Otherwise ask GDAL itself, over the cells of the box, a band of rows at a time.
            const std::int64_t w = c1 - c0 + 1;
            const std::int64_t rows = std::max<std::int64_t>(1, (std::int64_t{1} << 22) / w);
            for (std::int64_t r = r0; !covers && r <= r1; r += rows)
                covers = gdal_burns_any(g, grid_, c0, r, w, std::min(rows, r1 - r + 1));
        }
        if (!covers) {
            const bool inside = pc >= 0 && pr >= 0 && pc < grid_.width && pr < grid_.height;
            decided = inside ? Coverage::fallback : Coverage::outside;
            if (inside) c.col[f] = static_cast<std::int64_t>(pc), c.row[f] = static_cast<std::int64_t>(pr);
        }
    }
    c.state[f].store(decided, std::memory_order_release);
}

std::vector<std::string> Host::coverage_warnings() const {
    std::vector<std::string> out;
    for (const auto& l : inputs_.layers) {
        auto it = coverage_.find(&l);
        if (it == coverage_.end()) continue;
        const Coverage& c = *it->second;
        std::int64_t n = 0;
        std::string examples;
        const Column* id = l.column("id");
        for (std::int64_t f = 0; f < l.size(); ++f) {
            if (c.state[f].load(std::memory_order_acquire) != Coverage::fallback) continue;
            if (n++ < 3) {
                std::string e = "feature " + std::to_string(l.fid[f]);
                if (id && id->present[f] && !id->text[f].empty()) e += " ('" + id->text[f] + "')";
                examples += (examples.empty() ? "" : "; ") + e;
            }
        }
        if (n == 0) continue;
        if (n > 3) examples += "; ...";
        char res[32];
        std::snprintf(res, sizeof res, "%g", grid_.cell_size);
        out.push_back(layer_label(l) + ": " + std::to_string(n) + " feature(s) smaller than a cell (covering no cell centre at " +
                      res + " m) burned into the one cell holding a point inside them (" + examples +
                      "). a finer resolution maps them at their true size");
    }
    return out;
}

namespace {
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
    for (const auto& l : inputs.layers) {
        auto c = std::make_unique<Coverage>();
        c->state.reset(new std::atomic<std::uint8_t>[static_cast<size_t>(l.size())]);
        for (std::int64_t f = 0; f < l.size(); ++f) c->state[f].store(Coverage::unknown, std::memory_order_relaxed);
        c->col.assign(static_cast<size_t>(l.size()), -1);
        c->row.assign(static_cast<size_t>(l.size()), -1);
        coverage_[&l] = std::move(c);
    }
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
    std::vector<std::unique_ptr<OGRGeometry>> clipped;  // lines far larger than the grid, clipped
    for (int64_t k : order) {
        const int64_t f = features[k];
        if (f < 0 || f >= l->size()) {
            write_err(err, err_size, "feature " + std::to_string(f) + " is not in layer " + layer_name);
            return MR_ERROR;
        }
        OGRGeometry* g = l->geometry[f].get();
        if (auto c = clipped_to_surroundings(g, grid_)) {
            clipped.push_back(std::move(c));
            g = clipped.back().get();
        }
        geoms.push_back(OGRGeometry::ToHandle(g));
        burn.push_back(values[k]);
    }
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    if (!mem) {
        write_err(err, err_size, "GDAL's MEM driver is not available");
        return MR_ERROR;
    }
    // GDAL burns into a per-thread buffer of ours (DATAPOINTER): no raster allocated, filled and copied out
    // for every block, which cost more than the burning itself.
    thread_local std::vector<float> buf;
    buf.assign(static_cast<size_t>(w.width * w.height), -std::numeric_limits<float>::infinity());
    std::unique_ptr<GDALDataset> ds(mem->Create("", static_cast<int>(w.width), static_cast<int>(w.height), 0, GDT_Float32, nullptr));
    char pointer[64] = "";
    const int np = CPLPrintPointer(pointer, buf.data(), sizeof pointer - 1);
    pointer[np] = '\0';
    CPLStringList band_options;
    band_options.SetNameValue("DATAPOINTER", pointer);
    if (!ds || ds->AddBand(GDT_Float32, band_options.List()) != CE_None) {
        write_err(err, err_size, "cannot wrap a raster block of " + std::to_string(w.width) + " x " + std::to_string(w.height));
        return MR_ERROR;
    }
    double gt[6] = {grid_.origin_x + w.col0 * grid_.cell_size, grid_.cell_size, 0,
                    grid_.origin_y - w.row0 * grid_.cell_size, 0, -grid_.cell_size};
    ds->SetGeoTransform(gt);
    int bands[1] = {1};
    CPLErr e = GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, bands, static_cast<int>(geoms.size()), geoms.data(),
                                       nullptr, nullptr, burn.data(), nullptr, nullptr, nullptr);
    ds.reset();  // flushes nothing: the band is our buffer
    if (e != CE_None) {
        write_err(err, err_size, std::string("rasterizing failed: ") + CPLGetLastErrorMsg());
        return MR_ERROR;
    }
    // Polygons that cover no cell centre of the grid burn the cell holding their inner point, when it is
    // in this block: the same cell whatever the block, so results do not depend on tiling.
    auto cov = coverage_.find(l);
    if (cov != coverage_.end()) {
        Coverage& c = *cov->second;
        for (int64_t k : order) {
            const int64_t f = features[k];
            decide_coverage(*l, c, f);
            if (c.state[f].load(std::memory_order_acquire) != Coverage::fallback) continue;
            const std::int64_t col = c.col[f] - w.col0, row = c.row[f] - w.row0;
            if (col < 0 || row < 0 || col >= w.width || row >= w.height) continue;
            float& cell = buf[static_cast<size_t>(row * w.width + col)];
            const float v = static_cast<float>(values[k]);
            if (v > cell) cell = v;
        }
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
    std::vector<std::string> w;
    {
        std::lock_guard<std::mutex> lock(log_mutex_);
        w = warnings_;
    }
    for (auto& s : coverage_warnings()) w.push_back(std::move(s));
    return w;
}
std::vector<std::string> Host::infos() const {
    std::lock_guard<std::mutex> lock(log_mutex_);
    return infos_;
}

}  // namespace minerisk
