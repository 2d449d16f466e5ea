// An RGB picture the engine draws itself (the quick-look, the backtest's capture plot): pixels, rectangles,
// lines, text in a tiny bitmap font (canvas_font.cpp, no font library), written as PNG through GDAL.
// Engine-private.
#pragma once
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "minerisk/error.hpp"

namespace minerisk::canvas {

using Rgb = std::array<unsigned char, 3>;

// 5x7 glyphs for printable ASCII (32..126), one byte per row, bit 4 = leftmost column. Other bytes draw '?'
// (a UTF-8 sequence draws one '?').
const unsigned char* glyph(unsigned char c);
inline constexpr int kGlyphWidth = 5, kGlyphHeight = 7, kGlyphAdvance = 6;
// Width in pixels of text drawn at `scale` (each glyph pixel a scale x scale block).
int text_width(const std::string& text, int scale);

// Starts white. Pixel (0, 0) is the top-left corner; whatever falls outside the picture is dropped.
class Canvas {
public:
    Canvas(int w, int h) : w_(w), h_(h), px_(static_cast<size_t>(w) * static_cast<size_t>(h) * 3, 255) {}
    int width() const { return w_; }
    int height() const { return h_; }
    const unsigned char* data() const { return px_.data(); }

    void set(int x, int y, const Rgb& c) {
        if (x < 0 || y < 0 || x >= w_ || y >= h_) return;
        unsigned char* p = &px_[(static_cast<size_t>(y) * static_cast<size_t>(w_) + static_cast<size_t>(x)) * 3];
        p[0] = c[0];
        p[1] = c[1];
        p[2] = c[2];
    }
    // [x0, x1) x [y0, y1)
    void fill(int x0, int y0, int x1, int y1, const Rgb& c);
    // The border of [x0, x1) x [y0, y1), `t` pixels wide, inside it.
    void frame(int x0, int y0, int x1, int y1, const Rgb& c, int t = 1);
    // A line of `t` pixels' thickness between two points (pixel coordinates, may be fractional); `dash` > 0 leaves
    // out every other run of `dash` steps.
    void line(double x0, double y0, double x1, double y1, const Rgb& c, int t = 1, int dash = 0);
    // Text with its top-left corner at (x, y); returns the x after the last glyph.
    int text(int x, int y, const std::string& s, int scale, const Rgb& c);
    // Text turned a quarter left (read from bottom to top), starting at its bottom-left corner (x, y).
    void text_up(int x, int y, const std::string& s, int scale, const Rgb& c);

private:
    int w_, h_;
    std::vector<unsigned char> px_;
};

// Writes the canvas as a PNG (zlib level 6; GDAL's MEM driver, copied by its PNG driver) to `gdal_path`, a file or
// a /vsimem/ name. Throws "GDAL has no PNG driver" and "cannot compose <what>: ..." at `where`. Returns false
// when the PNG driver wrote nothing (CPLGetLastErrorMsg() says why). GDAL's error state is reset before the copy:
// CPLGetLastErrorType() >= CE_Failure afterwards tells of a failure on the way. Leaves no .aux.xml.
bool write_png(const Canvas& cv, const std::string& gdal_path, const std::string& what, const Location& where);

// The PNG's bytes (written through /vsimem/); "cannot encode <what>: ..." when the PNG driver writes nothing.
std::string png_bytes(const Canvas& cv, const std::string& what, const Location& where = {});

}  // namespace minerisk::canvas
