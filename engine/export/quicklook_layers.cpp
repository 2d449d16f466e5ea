#include "export/quicklook_layers.hpp"

#include <ogr_geometry.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "minerisk/layer.hpp"
#include "minerisk/plans.hpp"
#include "minerisk/run_plan.hpp"
#include "minerisk/zones.hpp"

namespace minerisk::quicklook {

using canvas::Canvas;
using canvas::Rgb;

namespace {

// The colours of the QGIS styles (qgis_styles.cpp), so that the picture and the project read alike.
constexpr Rgb kCha{227, 26, 28}, kSha{255, 127, 0}, kOther{120, 120, 120};
constexpr Rgb kSettlement{40, 40, 40}, kWhite{255, 255, 255};
constexpr Rgb kReferral{200, 0, 160}, kSignFill{255, 230, 0}, kSignLine{200, 0, 0};

struct Px {
    double x, y;
};

Px to_px(const MapFrame& f, double gx, double gy) {
    return {f.x + (gx - f.gt[0]) / f.gt[1], f.y + (gy - f.gt[3]) / f.gt[5]};
}

bool inside(const MapFrame& f, const Px& p) { return p.x >= f.x && p.y >= f.y && p.x < f.x + f.w && p.y < f.y + f.h; }

std::string upper_trim(std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

void draw_ring(Canvas& cv, const MapFrame& f, const OGRLineString& ring, const Rgb& c, int dash) {
    // 2 px for CHA and SHA: a 1 px red line vanishes in the red of the risk beneath.
    for (int i = 1; i < ring.getNumPoints(); ++i) {
        const Px a = to_px(f, ring.getX(i - 1), ring.getY(i - 1)), b = to_px(f, ring.getX(i), ring.getY(i));
        cv.line(a.x, a.y, b.x, b.y, c, dash ? 1 : 2, dash);
    }
}

void draw_outline(Canvas& cv, const MapFrame& f, const OGRGeometry* g, const Rgb& c, int dash) {
    if (!g) return;
    switch (wkbFlatten(g->getGeometryType())) {
        case wkbPolygon:
            for (const auto* ring : *g->toPolygon()) draw_ring(cv, f, *ring, c, dash);
            break;
        case wkbMultiPolygon:
        case wkbGeometryCollection:
            for (const auto* part : *g->toGeometryCollection()) draw_outline(cv, f, part, c, dash);
            break;
        default:
            break;
    }
}

void triangle(Canvas& cv, int cx, int cy, int h, const Rgb& fill, const Rgb& line) {
    for (int r = 0; r < h; ++r) {
        const int half = (r * h) / (2 * h - 2 > 0 ? 2 * h - 2 : 1);
        cv.fill(cx - half, cy - h / 2 + r, cx + half + 1, cy - h / 2 + r + 1, r == h - 1 ? line : fill);
        cv.set(cx - half, cy - h / 2 + r, line);
        cv.set(cx + half, cy - h / 2 + r, line);
    }
}

void diamond(Canvas& cv, int cx, int cy, int r, const Rgb& fill, const Rgb& rim) {
    for (int dy = -r - 1; dy <= r + 1; ++dy) {
        const int w = r + 1 - std::abs(dy);
        cv.fill(cx - w, cy + dy, cx + w + 1, cy + dy + 1, rim);
    }
    for (int dy = -r; dy <= r; ++dy) {
        const int w = r - std::abs(dy);
        cv.fill(cx - w, cy + dy, cx + w + 1, cy + dy + 1, fill);
    }
}

void settlement_dot(Canvas& cv, int cx, int cy) {
    cv.fill(cx - 3, cy - 3, cx + 3, cy + 3, kWhite);
    cv.fill(cx - 2, cy - 2, cx + 2, cy + 2, kSettlement);
}

void add(std::vector<Mark>& drawn, Mark m) {
    if (std::find(drawn.begin(), drawn.end(), m) == drawn.end()) drawn.push_back(m);
}

}  // namespace

std::vector<Mark> draw_hazards(Canvas& cv, const MapFrame& f, const ExportContext& ctx) {
    std::vector<Mark> drawn;
    const FeatureLayer* hazards = ctx.plan ? ctx.plan->inputs.find("hazards") : nullptr;
    if (!hazards) return drawn;
    const Column* status = hazards->column("status");
    // The frame's extent in world coordinates: a hazard outside it is not drawn (a zone map shows a few of them).
    const double wx0 = f.gt[0], wx1 = f.gt[0] + f.gt[1] * f.w;
    const double wy0 = std::min(f.gt[3], f.gt[3] + f.gt[5] * f.h), wy1 = std::max(f.gt[3], f.gt[3] + f.gt[5] * f.h);
    // Others first, SHA, then CHA on top: the confirmed areas stay visible where outlines meet.
    for (int pass = 0; pass < 3; ++pass)
        for (std::int64_t i = 0; i < hazards->size(); ++i) {
            const std::string s = status ? upper_trim(status->text[static_cast<size_t>(i)]) : "CHA";
            const int kind = s == "CHA" ? 2 : s == "SHA" ? 1 : 0;
            if (kind != pass) continue;
            const OGRGeometry* g = hazards->geometry[static_cast<size_t>(i)].get();
            if (!g) continue;
            OGREnvelope env;
            g->getEnvelope(&env);
            if (env.MaxX < wx0 || env.MinX > wx1 || env.MaxY < wy0 || env.MinY > wy1) continue;
            const Mark m = kind == 2 ? Mark::cha : kind == 1 ? Mark::sha : Mark::other_hazard;
            draw_outline(cv, f, g, kind == 2 ? kCha : kind == 1 ? kSha : kOther,
                         kind == 0 ? 2 : 0);
            add(drawn, m);
        }
    std::sort(drawn.begin(), drawn.end());  // the legend's order: CHA, SHA, other
    return drawn;
}

std::vector<Mark> draw_points(Canvas& cv, const MapFrame& f, const ExportContext& ctx) {
    std::vector<Mark> drawn;
    if (const FeatureLayer* s = ctx.plan ? ctx.plan->inputs.find("settlements") : nullptr)
        for (const auto& g : s->geometry) {
            if (!g || g->IsEmpty()) continue;
            OGRPoint c;
            if (g->Centroid(&c) != OGRERR_NONE || c.IsEmpty()) continue;
            const Px p = to_px(f, c.getX(), c.getY());
            if (!inside(f, p)) continue;
            settlement_dot(cv, static_cast<int>(p.x), static_cast<int>(p.y));
            add(drawn, Mark::settlement);
        }
    if (ctx.plans() && ctx.plans()->signs_done)
        for (const auto& sign : ctx.plans()->signs.signs) {
            const Px p = to_px(f, sign.x, sign.y);
            if (!std::isfinite(p.x) || !inside(f, p)) continue;
            triangle(cv, static_cast<int>(p.x), static_cast<int>(p.y), 8, kSignFill, kSignLine);
            add(drawn, Mark::proposed_sign);
        }
    if (ctx.zones())
        for (const auto& r : ctx.zones()->survey_referrals) {
            const Px p = to_px(f, r.x, r.y);
            if (!std::isfinite(p.x) || !inside(f, p)) continue;
            diamond(cv, static_cast<int>(p.x), static_cast<int>(p.y), 5, kReferral, kWhite);
            add(drawn, Mark::referral);
        }
    return drawn;
}

void draw_legend_entry(Canvas& cv, int x, int y, Mark m) {
    const char* label = "";
    switch (m) {
        case Mark::cha: cv.frame(x + 2, y + 2, x + 24, y + 14, kCha, 2), label = "CHA hazard"; break;
        case Mark::sha: cv.frame(x + 2, y + 2, x + 24, y + 14, kSha, 2), label = "SHA hazard"; break;
        case Mark::other_hazard:
            cv.line(x + 2, y + 2, x + 24, y + 2, kOther, 1, 2), cv.line(x + 24, y + 2, x + 24, y + 14, kOther, 1, 2);
            cv.line(x + 24, y + 14, x + 2, y + 14, kOther, 1, 2), cv.line(x + 2, y + 14, x + 2, y + 2, kOther, 1, 2);
            label = "other hazard";
            break;
        case Mark::settlement: settlement_dot(cv, x + 13, y + 8), label = "settlement"; break;
        case Mark::proposed_sign: triangle(cv, x + 13, y + 8, 8, kSignFill, kSignLine), label = "proposed sign"; break;
        case Mark::referral: diamond(cv, x + 13, y + 8, 5, kReferral, kWhite), label = "survey referral"; break;
    }
    cv.text(x + 34, y + 1, label, 2, {20, 20, 20});
}

}  // namespace minerisk::quicklook
