// quicklook.png: the combined risk in a colour ramp, the zones outlined and numbered by rank, a legend, a scale
// bar and a north arrow, drawn by the engine with GDAL only (MEM dataset -> PNG driver), no QGIS needed.
#include "export/quicklook.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_api.h>
#include <ogr_geometry.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "export/quicklook_layers.hpp"
#include "export/quicklook_risk.hpp"
#include "io/raster_writer.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/output_folder.hpp"
#include "minerisk/exports.hpp"

namespace fs = std::filesystem;

namespace minerisk {
namespace quicklook {

Rgb ramp(double risk) {
    if (std::isnan(risk)) return kNoData;
    if (risk <= 0) return kZero;
    // YlOrRd-like stops: light yellow, yellow-orange, orange, red, dark red.
    static const double pos[] = {0.0, 0.25, 0.5, 0.75, 1.0};
    static const double col[][3] = {{255, 255, 204}, {254, 217, 118}, {253, 141, 60}, {227, 26, 28}, {128, 0, 38}};
    const double t = std::min(risk, 1.0);
    int i = 0;
    while (i < 3 && t > pos[i + 1]) ++i;
    const double f = (t - pos[i]) / (pos[i + 1] - pos[i]);
    Rgb out;
    for (int k = 0; k < 3; ++k)
        out[static_cast<size_t>(k)] = static_cast<unsigned char>(std::lround(col[i][k] + f * (col[i + 1][k] - col[i][k])));
    return out;
}

// The longest 1, 2 or 5 x 10^k metres no longer than `max_m`.
double nice_length(double max_m) {
    if (!(max_m > 0)) return 0;
    const double p = std::pow(10.0, std::floor(std::log10(max_m)));
    for (double m : {5.0, 2.0, 1.0})
        if (m * p <= max_m) return m * p;
    return p;
}

std::string length_label(double m) {
    char buf[32];
    if (m >= 1000) std::snprintf(buf, sizeof buf, "%g km", m / 1000);
    else std::snprintf(buf, sizeof buf, "%g m", m);
    return buf;
}

namespace {
constexpr int kPad = 12;
constexpr int kPanelWidth = 240;
constexpr int kPanelHeight = 400;
}  // namespace

Layout layout_for(std::int64_t grid_width, std::int64_t grid_height) {
    Layout l;
    l.grid_width = std::max<std::int64_t>(1, grid_width);
    l.grid_height = std::max<std::int64_t>(1, grid_height);
    const std::int64_t side = std::max(l.grid_width, l.grid_height);
    const std::int64_t target = std::clamp<std::int64_t>(side, kMinMapSide, kMaxMapSide);
    const double cells_per_pixel = static_cast<double>(side) / static_cast<double>(target);
    l.map_width = static_cast<int>(std::max<long long>(1, std::llround(static_cast<double>(l.grid_width) / cells_per_pixel)));
    l.map_height = static_cast<int>(std::max<long long>(1, std::llround(static_cast<double>(l.grid_height) / cells_per_pixel)));
    l.map_width = std::min(l.map_width, kMaxMapSide);
    l.map_height = std::min(l.map_height, kMaxMapSide);
    l.map_x = kPad;
    l.map_y = kPad;
    l.panel_x = l.map_x + l.map_width + 2 * kPad;
    l.panel_y = kPad;
    l.panel_width = kPanelWidth;
    l.width = l.panel_x + l.panel_width + kPad;
    l.height = std::max(l.map_y + l.map_height + kPad, kPanelHeight + 2 * kPad);
    return l;
}

}  // namespace quicklook

namespace {

using namespace quicklook;
using canvas::Canvas;


// Where a zone's number goes: its centroid, or a point inside it when the centroid falls outside (a ring).
bool label_point(const OGRGeometry& g, double& x, double& y) {
    OGRPoint pt;
    bool ok = g.Centroid(&pt) == OGRERR_NONE && !pt.IsEmpty();
    if (ok && !g.Contains(&pt)) {
        OGRGeometryH inside = OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&g)));
        if (inside) {
            const OGRGeometry* ig = OGRGeometry::FromHandle(inside);
            if (wkbFlatten(ig->getGeometryType()) == wkbPoint && !ig->IsEmpty()) pt = *ig->toPoint();
            OGR_G_DestroyGeometry(inside);
        }
    }
    if (!ok) {
        OGREnvelope env;
        g.getEnvelope(&env);
        if (env.MinX > env.MaxX) return false;
        pt.setX((env.MinX + env.MaxX) / 2);
        pt.setY((env.MinY + env.MaxY) / 2);
    }
    x = pt.getX();
    y = pt.getY();
    return true;
}

struct Box {
    int x0, y0, x1, y1;
    bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

void draw_label(Canvas& cv, const Box& b, const std::string& text, int scale) {
    cv.fill(b.x0, b.y0, b.x1, b.y1, kPaper);
    cv.frame(b.x0, b.y0, b.x1, b.y1, kOutline);
    cv.text(b.x0 + 3, b.y0 + 3, text, scale, kOutline);  // bold: struck twice, one pixel apart
    cv.text(b.x0 + 4, b.y0 + 3, text, scale, kOutline);
}

Box label_box(int cx, int cy, const std::string& text, int scale) {
    const int w = text_width(text, scale) + 7, h = kGlyphHeight * scale + 6;
    return {cx - w / 2, cy - h / 2, cx - w / 2 + w, cy - h / 2 + h};
}

// Up to `max_lines` lines of at most `max_px` pixels, breaking at spaces; the last line ends with "..." when cut.
std::vector<std::string> wrap(const std::string& text, int scale, int max_px, size_t max_lines) {
    std::vector<std::string> words, lines;
    std::string w;
    for (char c : text) {
        if (c == ' ') {
            if (!w.empty()) words.push_back(w);
            w.clear();
        } else w += c;
    }
    if (!w.empty()) words.push_back(w);
    std::string line;
    bool cut = false;
    for (const auto& word : words) {
        const std::string next = line.empty() ? word : line + " " + word;
        if (text_width(next, scale) <= max_px || line.empty()) {
            line = next;
            continue;
        }
        lines.push_back(line);
        line = word;
        if (lines.size() == max_lines) {
            cut = true;
            break;
        }
    }
    if (!cut && !line.empty()) lines.push_back(line);
    if (lines.size() > max_lines) {
        lines.resize(max_lines);
        cut = true;
    }
    for (auto& l : lines)  // a single word wider than the panel
        while (text_width(l, scale) > max_px && l.size() > 1) {
            l.pop_back();
            cut = true;
        }
    if (cut && !lines.empty()) {
        std::string& last = lines.back();
        while (!last.empty() && text_width(last + "...", scale) > max_px) last.pop_back();
        last += "...";
    }
    return lines;
}

void draw_panel(Canvas& cv, const Layout& l, double metres_per_pixel, const ExportContext& ctx, const std::vector<Mark>& drawn) {
    const int x = l.panel_x;
    const int pw = l.panel_width;
    int y = l.panel_y;

    std::string title = "combined risk";
    if (ctx.plan && !ctx.plan->scenario.name.empty()) title = ctx.plan->scenario.name;
    for (const auto& line : wrap(title, 2, pw, 2)) {
        cv.text(x, y, line, 2, kInk);
        y += kGlyphHeight * 2 + 4;
    }
    if (ctx.plan) {
        cv.text(x, y, "as of " + date_to_string(ctx.plan->as_of), 1, kInk);
        y += kGlyphHeight + 5;
    }
    y += 12;

    // Colour bar with ticks at 0, 0.5 and 1.
    cv.text(x, y, "combined risk", 2, kInk);
    y += kGlyphHeight * 2 + 6;
    const int bar_w = 200, bar_h = 18;
    for (int i = 0; i < bar_w; ++i) cv.fill(x + i, y, x + i + 1, y + bar_h, ramp(std::max(1e-6, i / double(bar_w - 1))));
    cv.frame(x - 1, y - 1, x + bar_w + 1, y + bar_h + 1, kInk);
    y += bar_h + 1;
    const std::pair<double, const char*> ticks[] = {{0.0, "0"}, {0.5, "0.5"}, {1.0, "1"}};
    for (const auto& [t, label] : ticks) {
        const int tx = x + static_cast<int>(std::lround(t * (bar_w - 1)));
        cv.fill(tx, y, tx + 1, y + 5, kInk);
        const int w = text_width(label, 2);
        const int lx = std::clamp(tx - w / 2, x - 1, x + pw - w);
        cv.text(lx, y + 8, label, 2, kInk);
    }
    y += 8 + kGlyphHeight * 2 + 14;

    // Swatches for no risk and no data.
    auto swatch = [&](const Rgb& c, const std::string& label) {
        cv.fill(x, y, x + 26, y + 16, c);
        cv.frame(x, y, x + 26, y + 16, {150, 150, 150});
        cv.text(x + 34, y + 1, label, 2, kInk);
        y += 24;
    };
    swatch(kZero, "no risk (0)");
    swatch(kNoData, "no data");
    y += 8;

    // A zone, as drawn on the map.
    {
        const Rgb inside = ramp(0.8);
        cv.fill(x, y, x + 40, y + 28, inside);
        cv.frame(x, y, x + 40, y + 28, kOutline, 2);
        draw_label(cv, label_box(x + 20, y + 14, "1", 2), "1", 2);
        cv.text(x + 50, y + 7, "zone (rank)", 2, kInk);
        y += 28 + 12;
    }
    // What else the map draws, and only that.
    for (Mark m : drawn) {
        draw_legend_entry(cv, x, y, m);
        y += 24;
    }
    y += 6;

    // Scale bar: 1, 2 or 5 x 10^k metres, at most 200 pixels.
    const double length_m = nice_length(200 * metres_per_pixel);
    if (length_m > 0) {
        const int bar_px = std::max(4, static_cast<int>(std::lround(length_m / metres_per_pixel)));
        for (int s = 0; s < 4; ++s) {
            const int sx0 = x + bar_px * s / 4, sx1 = x + bar_px * (s + 1) / 4;
            cv.fill(sx0, y, sx1, y + 8, s % 2 ? kPaper : kInk);
        }
        cv.frame(x, y, x + bar_px, y + 8, kInk);
        cv.text(x, y + 13, "0", 2, kInk);
        const std::string label = length_label(length_m);
        const int w = text_width(label, 2);
        cv.text(std::clamp(x + bar_px - w / 2, x + 20, x + pw - w), y + 13, label, 2, kInk);
        y += 13 + kGlyphHeight * 2 + 18;
    }

    // North arrow (the grid is north-up).
    {
        const int cx = x + 12;
        cv.text(cx - text_width("N", 2) / 2, y, "N", 2, kInk);
        y += kGlyphHeight * 2 + 4;
        const int h = 26;
        for (int r = 0; r < h; ++r) {
            const int half = (r * 10) / h;
            cv.fill(cx - half, y + r, cx, y + r + 1, kInk);          // left half filled
            cv.set(cx + half, y + r, kInk);                          // right half outlined
            cv.fill(cx, y + r, cx + 1, y + r + 1, kInk);
        }
        cv.fill(cx - 10, y + h - 1, cx + 11, y + h, kInk);
        y += h + 16;
    }

    if (ctx.plan && !ctx.plan->inputs.crs_name.empty()) {
        cv.text(x, y, ctx.plan->inputs.crs_name, 1, kInk);
        y += kGlyphHeight + 5;
    }
    cv.text(x, y, "minerisk quick-look", 1, {110, 110, 110});
}

// Numbers of the ten first zones, rank 1 placed first; a label that would cover another moves aside.
std::vector<std::pair<Box, std::string>> place_rank_labels(const Layout& l, const double* map_gt,
                                                           const std::vector<std::unique_ptr<OGRGeometry>>& geoms,
                                                           const ExportContext& ctx) {
    std::vector<std::pair<Box, std::string>> placed;
    const Box map_box{l.map_x, l.map_y, l.map_x + l.map_width, l.map_y + l.map_height};
    std::vector<size_t> order(ctx.zones()->zones.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return ctx.zones()->zones[a].rank < ctx.zones()->zones[b].rank; });
    for (size_t i : order) {
        const Zone& z = ctx.zones()->zones[i];
        if (z.rank < 1 || z.rank > 10 || !geoms[i]) continue;
        double gx = 0, gy = 0;
        if (!label_point(*geoms[i], gx, gy)) continue;
        const int cx = l.map_x + static_cast<int>(std::floor((gx - map_gt[0]) / map_gt[1]));
        const int cy = l.map_y + static_cast<int>(std::floor((gy - map_gt[3]) / map_gt[5]));
        const std::string text = std::to_string(z.rank);
        Box b = label_box(cx, cy, text, 2);
        const int bw = b.x1 - b.x0, bh = b.y1 - b.y0;
        const std::pair<int, int> shifts[] = {{0, 0}, {0, bh + 2}, {0, -bh - 2}, {bw + 2, 0}, {-bw - 2, 0},
                                              {bw + 2, bh + 2}, {-bw - 2, -bh - 2}, {bw + 2, -bh - 2}, {-bw - 2, bh + 2}};
        Box best = b;
        for (const auto& [dx, dy] : shifts) {
            Box c{b.x0 + dx, b.y0 + dy, b.x1 + dx, b.y1 + dy};
            // keep inside the map
            const int sx = std::max(0, map_box.x0 - c.x0) - std::max(0, c.x1 - map_box.x1);
            const int sy = std::max(0, map_box.y0 - c.y0) - std::max(0, c.y1 - map_box.y1);
            c = {c.x0 + sx, c.y0 + sy, c.x1 + sx, c.y1 + sy};
            if (dx == 0 && dy == 0) best = c;
            bool free = true;
            for (const auto& p : placed) free = free && !c.overlaps(p.first);
            if (free) {
                best = c;
                break;
            }
        }
        placed.emplace_back(best, text);
    }
    return placed;
}

void write_png(const Canvas& cv, const std::string& path) {
    const std::string tmp = temporary_path_for(path);
    const bool failed = !canvas::write_png(cv, tmp, "the quick-look", Location(path)) || CPLGetLastErrorType() >= CE_Failure;
    std::error_code ec;
    if (failed) {
        fs::remove(tmp, ec);
        throw Error(std::string("cannot write the quick-look: ") + CPLGetLastErrorMsg(), Location(path),
                    "check the free space in the output folder");
    }
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw Error("cannot move the quick-look into place: " + ec.message(), Location(path));
    }
}

}  // namespace

std::vector<OutputFile> write_quicklook(const ExportContext& ctx) {
    const RiskSource risk(ctx);
    const int gw = risk.width(), gh = risk.height();
    const double* gt = risk.geotransform();
    const Layout l = layout_for(gw, gh);
    const std::vector<float> risk_px = sample_risk(risk, CellWindow{0, 0, gw, gh}, l.map_width, l.map_height);

    Canvas cv(l.width, l.height);
    for (int r = 0; r < l.map_height; ++r)
        for (int c = 0; c < l.map_width; ++c)
            cv.set(l.map_x + c, l.map_y + r, ramp(risk_px[static_cast<size_t>(r) * static_cast<size_t>(l.map_width) + static_cast<size_t>(c)]));
    cv.frame(l.map_x - 1, l.map_y - 1, l.map_x + l.map_width + 1, l.map_y + l.map_height + 1, {150, 150, 150});

    // The map's own geotransform: the grid's extent over the map's pixels.
    const double map_gt[6] = {gt[0], gt[1] * gw / l.map_width, 0, gt[3], 0, gt[5] * gh / l.map_height};
    MapFrame frame;
    frame.x = l.map_x, frame.y = l.map_y, frame.w = l.map_width, frame.h = l.map_height;
    std::copy(map_gt, map_gt + 6, frame.gt);
    std::vector<Mark> drawn = draw_hazards(cv, frame, ctx);  // under the zone outlines
    bool points_drawn = false;
    if (ctx.zones() && !ctx.zones()->zones.empty()) {
        std::vector<std::unique_ptr<OGRGeometry>> geoms;
        std::vector<const OGRGeometry*> outlines;
        for (const auto& z : ctx.zones()->zones) geoms.push_back(zone_geometry(z)), outlines.push_back(geoms.back().get());
        const auto mask = outline_mask(outlines, map_gt, l.map_width, l.map_height);
        for (int r = 0; r < l.map_height; ++r)
            for (int c = 0; c < l.map_width; ++c)
                if (mask[static_cast<size_t>(r) * static_cast<size_t>(l.map_width) + static_cast<size_t>(c)])
                    cv.set(l.map_x + c, l.map_y + r, kOutline);

        // Over the zone outlines, under the rank numbers.
        for (Mark m : draw_points(cv, frame, ctx)) drawn.push_back(m);
        points_drawn = true;
        for (const auto& [b, text] : place_rank_labels(l, map_gt, geoms, ctx)) draw_label(cv, b, text, 2);
    }
    if (!points_drawn)
        for (Mark m : draw_points(cv, frame, ctx)) drawn.push_back(m);

    const double metres_per_pixel = std::abs(map_gt[1]);
    draw_panel(cv, l, metres_per_pixel, ctx, drawn);

    const std::string path = (fs::path(ctx.output_dir) / "quicklook.png").string();
    write_png(cv, path);
    return {{path, "a picture of the combined risk with the hazards, settlements, survey referrals and proposed signs, the zones "
                   "outlined and numbered by rank, a legend and a scale bar"}};
}

}  // namespace minerisk
