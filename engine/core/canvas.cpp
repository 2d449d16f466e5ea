// The engine's own RGB canvas: drawing, and PNG through GDAL (MEM dataset -> PNG driver).
#include "core/canvas.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

namespace minerisk::canvas {

void Canvas::fill(int x0, int y0, int x1, int y1, const Rgb& c) {
    for (int y = std::max(0, y0); y < std::min(h_, y1); ++y)
        for (int x = std::max(0, x0); x < std::min(w_, x1); ++x) set(x, y, c);
}

void Canvas::frame(int x0, int y0, int x1, int y1, const Rgb& c, int t) {
    fill(x0, y0, x1, y0 + t, c);
    fill(x0, y1 - t, x1, y1, c);
    fill(x0, y0, x0 + t, y1, c);
    fill(x1 - t, y0, x1, y1, c);
}

namespace {

// Cuts the segment to the box [lo_x, hi_x] x [lo_y, hi_y] (Liang-Barsky); false when none of it is inside. A map
// zoomed in on one zone would otherwise step along kilometres of a far hazard's edge, pixel by pixel.
bool clip(double& x0, double& y0, double& x1, double& y1, double lo_x, double lo_y, double hi_x, double hi_y) {
    double t0 = 0, t1 = 1;
    const double dx = x1 - x0, dy = y1 - y0;
    const double p[4] = {-dx, dx, -dy, dy}, q[4] = {x0 - lo_x, hi_x - x0, y0 - lo_y, hi_y - y0};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0) return false;
            continue;
        }
        const double r = q[i] / p[i];
        if (p[i] < 0) t0 = std::max(t0, r);
        else t1 = std::min(t1, r);
        if (t0 > t1) return false;
    }
    const double ax = x0 + t0 * dx, ay = y0 + t0 * dy, bx = x0 + t1 * dx, by = y0 + t1 * dy;
    x0 = ax, y0 = ay, x1 = bx, y1 = by;
    return true;
}

}  // namespace

void Canvas::line(double x0, double y0, double x1, double y1, const Rgb& c, int t, int dash) {
    if (!(std::isfinite(x0) && std::isfinite(y0) && std::isfinite(x1) && std::isfinite(y1))) return;
    const double m = t + 2.0;
    if (!clip(x0, y0, x1, y1, -m, -m, w_ + m, h_ + m)) return;
    const double len = std::max(std::abs(x1 - x0), std::abs(y1 - y0));
    const int steps = std::max(1, static_cast<int>(std::ceil(len)));
    for (int i = 0; i <= steps; ++i) {
        if (dash > 0 && (i / dash) % 2 == 1) continue;
        const double f = static_cast<double>(i) / steps;
        const int x = static_cast<int>(std::lround(x0 + f * (x1 - x0))) - (t - 1) / 2;
        const int y = static_cast<int>(std::lround(y0 + f * (y1 - y0))) - (t - 1) / 2;
        fill(x, y, x + t, y + t, c);
    }
}

int Canvas::text(int x, int y, const std::string& s, int scale, const Rgb& c) {
    for (unsigned char ch : s) {
        if (ch >= 0x80 && ch < 0xC0) continue;  // rest of a UTF-8 sequence: drawn as one '?'
        const unsigned char* g = glyph(ch);
        for (int r = 0; r < kGlyphHeight; ++r)
            for (int col = 0; col < kGlyphWidth; ++col)
                if (g[r] & (0x10 >> col)) fill(x + col * scale, y + r * scale, x + (col + 1) * scale, y + (r + 1) * scale, c);
        x += kGlyphAdvance * scale;
    }
    return x;
}

void Canvas::text_up(int x, int y, const std::string& s, int scale, const Rgb& c) {
    for (unsigned char ch : s) {
        if (ch >= 0x80 && ch < 0xC0) continue;
        const unsigned char* g = glyph(ch);
        for (int r = 0; r < kGlyphHeight; ++r)
            for (int col = 0; col < kGlyphWidth; ++col)
                if (g[r] & (0x10 >> col)) fill(x + r * scale, y - (col + 1) * scale, x + (r + 1) * scale, y - col * scale, c);
        y -= kGlyphAdvance * scale;
    }
}

bool write_png(const Canvas& cv, const std::string& gdal_path, const std::string& what, const Location& where) {
    GDALAllRegister();
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDriver* png = GetGDALDriverManager()->GetDriverByName("PNG");
    if (!mem || !png) throw Error("GDAL has no PNG driver", where, "install a GDAL built with PNG support");
    std::unique_ptr<GDALDataset> ds(mem->Create("", cv.width(), cv.height(), 3, GDT_Byte, nullptr));
    if (!ds) throw Error("cannot compose " + what + ": " + CPLGetLastErrorMsg(), where);
    if (ds->RasterIO(GF_Write, 0, 0, cv.width(), cv.height(), const_cast<unsigned char*>(cv.data()), cv.width(),
                     cv.height(), GDT_Byte, 3, nullptr, 3, static_cast<GSpacing>(cv.width()) * 3, 1, nullptr) != CE_None)
        throw Error("cannot compose " + what + ": " + CPLGetLastErrorMsg(), where);
    const GDALColorInterp ci[] = {GCI_RedBand, GCI_GreenBand, GCI_BlueBand};
    for (int b = 0; b < 3; ++b) ds->GetRasterBand(b + 1)->SetColorInterpretation(ci[b]);
    CPLStringList opts;
    opts.SetNameValue("ZLEVEL", "6");
    CPLErrorReset();
    GDALDataset* out = png->CreateCopy(gdal_path.c_str(), ds.get(), FALSE, opts.List(), nullptr, nullptr);
    if (out) GDALClose(out);
    VSIUnlink((gdal_path + ".aux.xml").c_str());
    return out != nullptr;
}

std::string png_bytes(const Canvas& cv, const std::string& what, const Location& where) {
    char name[96];
    std::snprintf(name, sizeof name, "/vsimem/minerisk_canvas_%p.png", static_cast<const void*>(&cv));
    if (!write_png(cv, name, what, where)) throw Error("cannot encode " + what + ": " + CPLGetLastErrorMsg(), where);
    vsi_l_offset size = 0;
    GByte* buf = VSIGetMemFileBuffer(name, &size, FALSE);
    std::string bytes(reinterpret_cast<const char*>(buf), static_cast<size_t>(size));
    VSIUnlink(name);
    return bytes;
}

}  // namespace minerisk::canvas
