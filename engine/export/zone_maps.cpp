// The report's small zone maps (zone_maps.hpp).
#include "export/zone_maps.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "export/quicklook.hpp"
#include "export/quicklook_layers.hpp"
#include "export/quicklook_risk.hpp"

namespace minerisk::quicklook {
namespace {

// A scale bar of at most a third of the map, bottom left, on a white box so that it reads over any colour.
void draw_scale_bar(canvas::Canvas& cv, double metres_per_pixel) {
    const double m = nice_length(cv.width() / 3.0 * metres_per_pixel);
    if (!(m > 0)) return;
    const int px = std::max(4, static_cast<int>(std::lround(m / metres_per_pixel)));
    const std::string words = length_label(m);
    const int box_w = std::max(px, text_width(words, 1)) + 10, box_h = kGlyphHeight + 16;
    const int x = 6, y = cv.height() - box_h - 6;
    cv.fill(x, y, x + box_w, y + box_h, kPaper);
    cv.frame(x, y, x + box_w, y + box_h, {150, 150, 150});
    cv.fill(x + 5, y + 5, x + 5 + px, y + 9, kInk);
    cv.text(x + 5, y + 12, words, 1, kInk);
}

// The map's window: the zone's envelope with the margin on each side, square, centred on the zone; in cells of
// the grid (it may reach beyond the grid, drawn as no data there).
CellWindow window_around(const OGREnvelope& env, const double* gt) {
    const double cell = std::abs(gt[1]);
    const double span = std::max({env.MaxX - env.MinX, env.MaxY - env.MinY}) * (1 + 2 * kZoneMapMargin);
    const std::int64_t cells = std::max<std::int64_t>(kZoneMapMinCells, static_cast<std::int64_t>(std::ceil(span / cell)));
    const double cx = (env.MinX + env.MaxX) / 2, cy = (env.MinY + env.MaxY) / 2;
    CellWindow w;
    w.width = w.height = cells;
    w.col0 = static_cast<std::int64_t>(std::llround((cx - gt[0]) / gt[1] - cells / 2.0));
    w.row0 = static_cast<std::int64_t>(std::llround((cy - gt[3]) / gt[5] - cells / 2.0));
    return w;
}

}  // namespace

std::vector<ZoneMap> zone_maps(const ExportContext& ctx, size_t count, int side) {
    std::vector<ZoneMap> maps;
    if (!ctx.zones() || ctx.zones()->zones.empty() || count == 0) return maps;
    const RiskSource risk(ctx);
    const double* gt = risk.geotransform();

    std::vector<std::unique_ptr<OGRGeometry>> geoms;
    for (const auto& z : ctx.zones()->zones) geoms.push_back(zone_geometry(z));
    for (size_t i = 0; i < ctx.zones()->zones.size(); ++i) {
        const Zone& z = ctx.zones()->zones[i];
        if (z.rank < 1 || static_cast<size_t>(z.rank) > count || !geoms[i] || geoms[i]->IsEmpty()) continue;
        OGREnvelope env;
        geoms[i]->getEnvelope(&env);
        const CellWindow win = window_around(env, gt);
        const std::vector<float> px = sample_risk(risk, win, side, side);

        canvas::Canvas cv(side, side);
        for (int r = 0; r < side; ++r)
            for (int c = 0; c < side; ++c) cv.set(c, r, ramp(px[static_cast<size_t>(r) * static_cast<size_t>(side) + static_cast<size_t>(c)]));
        MapFrame frame;
        frame.w = frame.h = side;
        frame.gt[0] = gt[0] + static_cast<double>(win.col0) * gt[1];
        frame.gt[1] = gt[1] * static_cast<double>(win.width) / side;
        frame.gt[3] = gt[3] + static_cast<double>(win.row0) * gt[5];
        frame.gt[5] = gt[5] * static_cast<double>(win.height) / side;

        draw_hazards(cv, frame, ctx);
        // The other zones thin, this one thick: which zone the map is of, and what is next to it.
        std::vector<const OGRGeometry*> others;
        for (size_t j = 0; j < geoms.size(); ++j)
            if (j != i && geoms[j]) others.push_back(geoms[j].get());
        const auto thin = outline_mask(others, frame.gt, side, side, 1);
        const auto thick = outline_mask({geoms[i].get()}, frame.gt, side, side, 3);
        for (int r = 0; r < side; ++r)
            for (int c = 0; c < side; ++c) {
                const size_t k = static_cast<size_t>(r) * static_cast<size_t>(side) + static_cast<size_t>(c);
                if (thick[k]) cv.set(c, r, kOutline);
                else if (thin[k]) cv.set(c, r, {90, 110, 190});
            }
        draw_points(cv, frame, ctx);
        draw_scale_bar(cv, std::abs(frame.gt[1]));
        cv.frame(0, 0, side, side, {150, 150, 150});

        ZoneMap m;
        m.rank = z.rank;
        m.side = side;
        m.metres_across = std::abs(frame.gt[1]) * side;
        m.png = canvas::png_bytes(cv, "the map of zone " + std::to_string(z.rank));
        maps.push_back(std::move(m));
    }
    std::sort(maps.begin(), maps.end(), [](const ZoneMap& a, const ZoneMap& b) { return a.rank < b.rank; });
    return maps;
}

}  // namespace minerisk::quicklook
