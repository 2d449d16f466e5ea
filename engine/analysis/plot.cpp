// capture.png: the capture curves of a backtest, one panel per split or fold, one line per surface, drawn on the
// engine's canvas (its 5x7 font, PNG through GDAL), no plotting library.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/canvas.hpp"
#include "export/quicklook.hpp"
#include "minerisk/backtest.hpp"

namespace minerisk::backtest {

namespace {

using canvas::Canvas;
using canvas::Rgb;
using canvas::text_width;
using quicklook::kInk;

constexpr Rgb kAxis{90, 90, 90};
constexpr Rgb kGridLine{228, 230, 236};
constexpr Rgb kGuide{200, 204, 214};

// Colours of the lines: the scenario's risk first (the quick-look's outline blue), then the baselines.
constexpr Rgb kModelColour{16, 32, 112};
constexpr Rgb kUniformColour{150, 150, 150};
const Rgb kPalette[] = {{230, 120, 0}, {0, 140, 70}, {150, 50, 160}, {0, 140, 170}, {160, 90, 40}, {200, 30, 60}};

std::string pct(double share) {
    char b[32];
    std::snprintf(b, sizeof b, "%.0f%%", share * 100);
    return b;
}

std::string fmt(const char* f, double v) {
    char b[64];
    std::snprintf(b, sizeof b, f, v);
    return b;
}

// Every surface named in the rounds, in the order first met, with its colour.
std::vector<std::pair<std::string, Rgb>> series_of(const Result& r) {
    std::vector<std::pair<std::string, Rgb>> out;
    size_t next = 0;
    for (const auto& round : r.rounds)
        for (const auto& m : round.models) {
            if (std::any_of(out.begin(), out.end(), [&](const auto& p) { return p.first == m.name; })) continue;
            Rgb c = m.kind == "model" ? kModelColour : m.name == "uniform" ? kUniformColour : kPalette[next++ % 6];
            out.emplace_back(m.name, c);
        }
    return out;
}

constexpr int kPanelW = 420, kPanelH = 380, kPad = 16;
constexpr int kLeft = 60, kRight = 16, kTop = 34, kBottom = 50;

void draw_panel(Canvas& cv, int px, int py, const Round& round, const std::map<std::string, Rgb>& colours, bool blocks) {
    const int x0 = px + kLeft, x1 = px + kPanelW - kRight, y0 = py + kTop, y1 = py + kPanelH - kBottom;
    const double w = x1 - x0, h = y1 - y0;
    auto X = [&](double a) { return x0 + a * w; };
    auto Y = [&](double c) { return y1 - c * h; };
    // Title: the round and how many incidents it was scored on.
    std::string title = round.label;
    if (!round.models.empty()) title += ": " + std::to_string(round.models.front().score.incidents) + " incidents";
    cv.text(x0, py + 8, title, 2, kInk);
    // Grid, guides at the capture levels, axes.
    for (int i = 1; i < 5; ++i) {
        cv.line(X(i / 5.0), y0, X(i / 5.0), y1, kGridLine);
        cv.line(x0, Y(i / 5.0), x1, Y(i / 5.0), kGridLine);
    }
    if (!round.models.empty())
        for (double p : round.models.front().score.percents)
            if (p < 100) cv.line(X(p / 100), y0, X(p / 100), y1, kGuide, 1, 3);
    cv.line(x0, y0, x0, y1, kAxis);
    cv.line(x0, y1, x1, y1, kAxis);
    for (int i = 0; i <= 5; ++i) {
        const double v = i / 5.0;
        cv.line(X(v), y1, X(v), y1 + 4, kAxis);
        cv.line(x0 - 4, Y(v), x0, Y(v), kAxis);
        const std::string t = pct(v);
        cv.text(static_cast<int>(X(v)) - text_width(t, 1) / 2, y1 + 8, t, 1, kInk);
        cv.text(x0 - 8 - text_width(t, 1), static_cast<int>(Y(v)) - 3, t, 1, kInk);
    }
    const std::string xl = "share of the area, riskiest first";
    cv.text(x0 + static_cast<int>(w) / 2 - text_width(xl, 1) / 2, y1 + 24, xl, 1, kInk);
    const std::string yl = blocks ? "share of held-out incidents captured" : "share of later incidents captured";
    cv.text_up(px + 14, y0 + static_cast<int>(h) / 2 + text_width(yl, 1) / 2, yl, 1, kInk);
    if (round.models.empty() || round.models.front().score.incidents == 0) {
        cv.text(x0 + 20, y0 + 20, "no incidents to score", 2, kAxis);
        return;
    }
    // Baselines first, the scenario's risk last (on top).
    std::vector<const ModelScore*> order;
    for (const auto& m : round.models)
        if (m.kind != "model") order.push_back(&m);
    for (const auto& m : round.models)
        if (m.kind == "model") order.push_back(&m);
    for (const auto* m : order) {
        const auto it = colours.find(m->name);
        const Rgb c = it == colours.end() ? kInk : it->second;
        const int t = m->kind == "model" ? 3 : 2;
        const auto& pts = m->score.curve;
        for (size_t i = 1; i < pts.size(); ++i)
            cv.line(X(pts[i - 1].area), Y(pts[i - 1].captured), X(pts[i].area), Y(pts[i].captured), c, t);
    }
    // The scenario's AUC in the corner.
    for (const auto& m : round.models)
        if (m.kind == "model" && std::isfinite(m.score.auc.value)) {
            const std::string a = "AUC " + fmt("%.3f", m.score.auc.value) + " (" + m.name + ")";
            cv.fill(x1 - text_width(a, 1) - 10, y1 - 22, x1 - 2, y1 - 6, quicklook::kPaper);
            cv.text(x1 - text_width(a, 1) - 6, y1 - 18, a, 1, kInk);
        }
}

}  // namespace

std::string capture_png(const Result& r) {
    const auto series = series_of(r);
    std::map<std::string, Rgb> colours(series.begin(), series.end());
    const int n = std::max<int>(1, static_cast<int>(r.rounds.size()));
    const int cols = std::min(n, 3), rows = (n + cols - 1) / cols;
    const int header = 44;
    const int panels_w = kPad + cols * kPanelW + kPad;
    int widest = 0;
    for (const auto& sr : series) widest = std::max(widest, 44 + text_width(sr.first, 2) + 20);
    const int legend_cols = 2 * widest <= panels_w - 2 * kPad ? 2 : 1;
    const int legend_rows = static_cast<int>(series.size() + legend_cols - 1) / legend_cols + 1;
    const int legend_h = 14 + legend_rows * 22;
    const int W = std::max(panels_w, kPad + widest + kPad), H = header + rows * kPanelH + legend_h + kPad;
    Canvas cv(W, H);
    std::string title = "Capture curves";
    if (!r.scenario_name.empty()) title += ": " + r.scenario_name;
    while (title.size() > 8 && text_width(title, 2) > W - 2 * kPad) title = title.substr(0, title.size() - 4) + "...";
    cv.text(kPad, 12, title, 2, kInk);
    cv.text(kPad, 32, r.mode + "; dotted lines: the capture levels", 1, {110, 110, 110});
    for (size_t i = 0; i < r.rounds.size(); ++i) {
        const int c = static_cast<int>(i) % cols, row = static_cast<int>(i) / cols;
        draw_panel(cv, kPad + c * kPanelW, header + row * kPanelH, r.rounds[i], colours, r.mode == "spatial blocks");
    }
    if (r.rounds.empty()) cv.text(kPad + 40, header + 60, "no split or fold", 2, kAxis);
    // Legend: two columns of swatches.
    int ly = header + rows * kPanelH + 8;
    cv.text(kPad, ly, "Lines:", 2, kInk);
    ly += 22;
    for (size_t i = 0; i < series.size(); ++i) {
        const int lx = kPad + static_cast<int>(i % legend_cols) * (W / 2);
        const int y = ly + static_cast<int>(i / legend_cols) * 22;
        const int t = i == 0 ? 3 : 2;
        cv.line(lx, y + 7, lx + 34, y + 7, series[i].second, t);
        cv.text(lx + 44, y, series[i].first, 2, kInk);
    }
    return canvas::png_bytes(cv, "the capture plot");
}

}  // namespace minerisk::backtest
