// capture.png: the capture curves of a backtest, drawn on the engine's canvas (its 5x7 font, PNG through GDAL),
// no plotting library. One row per round (the pooled rounds first when there are several); in each, the whole
// area on the left and its riskiest 20 % enlarged on the right, because the 1-5 % a planner with few teams works
// in is a few pixels wide on the whole-area scale. The enlarged panel carries the 95 % intervals of the capture
// rates as bars.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "analysis/plot_internal.hpp"
#include "core/canvas.hpp"
#include "export/quicklook.hpp"
#include "minerisk/backtest.hpp"
#include "minerisk/dates.hpp"

namespace minerisk::backtest {

namespace {

using canvas::Canvas;
using canvas::Rgb;
using canvas::text_width;
using quicklook::kInk;

constexpr Rgb kAxis{90, 90, 90};
constexpr Rgb kGridLine{228, 230, 236};
constexpr Rgb kGuide{200, 204, 214};
constexpr Rgb kMuted{110, 110, 110};
constexpr Rgb kZoomShade{244, 246, 250};

// Colours of the lines: the scenario's risk first (the quick-look's outline blue), then the baselines.
constexpr Rgb kModelColour{16, 32, 112};
constexpr Rgb kUniformColour{150, 150, 150};
const Rgb kPalette[] = {{230, 120, 0}, {0, 140, 70}, {150, 50, 160}, {0, 140, 170}, {160, 90, 40}, {200, 30, 60}};

constexpr double kZoom = 0.2;  // the enlarged panel's share of the area
constexpr int kPad = 16, kFullW = 400, kZoomW = 536, kPanelH = 330, kRowTitle = 28;
constexpr int kLeft = 60, kRight = 16, kTop = 22, kBottom = 48;
constexpr int kWidth = kPad + kFullW + kZoomW + kPad;
constexpr int kLine = 22;  // a line of scale-2 text

std::string fmt(const char* f, double v) {
    char b[64];
    std::snprintf(b, sizeof b, f, v);
    return b;
}

std::string grouped(long long n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
    return s;
}

// Text cut into lines no wider than `width` at `scale`, at spaces; a word wider than a line is broken.
std::vector<std::string> wrap(const std::string& text, int scale, int width) {
    std::vector<std::string> lines(1);
    size_t i = 0;
    while (i < text.size()) {
        size_t j = text.find(' ', i);
        if (j == std::string::npos) j = text.size();
        std::string word = text.substr(i, j - i);
        i = j + 1;
        while (!word.empty()) {
            const std::string joined = lines.back().empty() ? word : lines.back() + " " + word;
            if (text_width(joined, scale) <= width) {
                lines.back() = joined;
                word.clear();
            } else if (!lines.back().empty()) {
                lines.emplace_back();
            } else {  // one word wider than the line: as much of it as fits
                size_t n = 1;
                while (n < word.size() && text_width(word.substr(0, n + 1), scale) <= width) ++n;
                lines.back() = word.substr(0, n);
                word.erase(0, n);
                if (!word.empty()) lines.emplace_back();
            }
        }
    }
    return lines;
}

std::string title_of(const Result& r) {
    return "Capture curves" + (r.scenario_name.empty() ? std::string() : ": " + r.scenario_name);
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

struct Legend {
    int columns = 1, rows = 0, height = 0;
};
Legend legend_of(const std::vector<std::pair<std::string, Rgb>>& series) {
    int widest = 0;
    for (const auto& s : series) widest = std::max(widest, 44 + text_width(s.first, 2) + 20);
    Legend l;
    l.columns = 2 * widest <= kWidth - 2 * kPad ? 2 : 1;
    l.rows = static_cast<int>(series.size() + static_cast<size_t>(l.columns) - 1) / l.columns;
    l.height = 8 + kLine + l.rows * kLine + 8 + 2 * 14 + kPad;
    return l;
}

// One row of the picture: a title and the surfaces of one round, or of the rounds pooled.
struct Row {
    std::string title;
    const std::vector<ModelScore>* models = nullptr;
};

// The frame of one panel, from the area share [0, xmax] to pixels.
struct Panel {
    int x0, x1, y0, y1;
    double xmax;
    double X(double a) const { return x0 + a / xmax * (x1 - x0); }
    double Y(double c) const { return y1 - c * (y1 - y0); }
};

void draw_axes(Canvas& cv, const Panel& p, const std::vector<double>& percents, const std::string& ylabel, int px) {
    const int ticks = 4;  // 0, 25, 50, ... of the panel's x range; 0, 20, ... 100 % up the y axis
    for (int i = 1; i < 5; ++i) cv.line(p.x0, p.Y(i / 5.0), p.x1, p.Y(i / 5.0), kGridLine);
    for (int i = 1; i < ticks; ++i) cv.line(p.X(p.xmax * i / ticks), p.y0, p.X(p.xmax * i / ticks), p.y1, kGridLine);
    for (double pc : percents)
        if (pc / 100 < p.xmax) cv.line(p.X(pc / 100), p.y0, p.X(pc / 100), p.y1, kGuide, 1, 3);
    cv.line(p.x0, p.y0, p.x0, p.y1, kAxis);
    cv.line(p.x0, p.y1, p.x1, p.y1, kAxis);
    for (int i = 0; i <= ticks; ++i) {
        const double v = p.xmax * i / ticks;
        cv.line(p.X(v), p.y1, p.X(v), p.y1 + 4, kAxis);
        const std::string t = fmt("%.0f%%", v * 100);
        cv.text(static_cast<int>(p.X(v)) - text_width(t, 1) / 2, p.y1 + 8, t, 1, kInk);
    }
    for (int i = 0; i <= 5; ++i) {
        cv.line(p.x0 - 4, p.Y(i / 5.0), p.x0, p.Y(i / 5.0), kAxis);
        const std::string t = fmt("%.0f%%", i * 20.0);
        cv.text(p.x0 - 8 - text_width(t, 1), static_cast<int>(p.Y(i / 5.0)) - 3, t, 1, kInk);
    }
    const std::string xl = "share of the area, riskiest first";
    cv.text((p.x0 + p.x1) / 2 - text_width(xl, 1) / 2, p.y1 + 24, xl, 1, kInk);
    cv.text_up(px + 14, (p.y0 + p.y1) / 2 + text_width(ylabel, 1) / 2, ylabel, 1, kInk);
}

// A curve cut at the panel's right edge (interpolated there).
void draw_curve(Canvas& cv, const Panel& p, const std::vector<CurvePoint>& pts, const Rgb& c, int t) {
    for (size_t i = 1; i < pts.size(); ++i) {
        CurvePoint a = pts[i - 1], b = pts[i];
        if (a.area >= p.xmax) break;
        if (b.area > p.xmax) {
            const double f = (p.xmax - a.area) / (b.area - a.area);
            b = {p.xmax, a.captured + f * (b.captured - a.captured)};
        }
        cv.line(p.X(a.area), p.Y(a.captured), p.X(b.area), p.Y(b.captured), c, t);
    }
}

// The 95 % intervals of the capture rates at the levels inside the panel: a bar with caps and a dot at the value,
// the surfaces side by side around the level. Surfaces without an interval of any width (uniform) draw none.
void draw_intervals(Canvas& cv, const Panel& p, const std::vector<const ModelScore*>& order,
                    const std::map<std::string, Rgb>& colours) {
    const int n = static_cast<int>(order.size());
    for (int s = 0; s < n; ++s) {
        const SurfaceScore& sc = order[static_cast<size_t>(s)]->score;
        const auto it = colours.find(order[static_cast<size_t>(s)]->name);
        const Rgb c = it == colours.end() ? kInk : it->second;
        for (size_t k = 0; k < sc.percents.size() && k < sc.capture.size(); ++k) {
            const Estimate& e = sc.capture[k];
            if (sc.percents[k] / 100 > p.xmax || !std::isfinite(e.ci_low) || e.ci_high - e.ci_low < 1e-6) continue;
            const double x = p.X(sc.percents[k] / 100) + (s - (n - 1) / 2.0) * 5;
            cv.line(x, p.Y(e.ci_low), x, p.Y(e.ci_high), c, 2);
            cv.line(x - 3, p.Y(e.ci_low), x + 3, p.Y(e.ci_low), c);
            cv.line(x - 3, p.Y(e.ci_high), x + 3, p.Y(e.ci_high), c);
            cv.fill(static_cast<int>(x) - 2, static_cast<int>(p.Y(e.value)) - 2, static_cast<int>(x) + 3,
                    static_cast<int>(p.Y(e.value)) + 3, c);
        }
    }
}

void draw_row(Canvas& cv, int y, const Row& row, const std::map<std::string, Rgb>& colours, bool blocks) {
    cv.text(kPad, y + 4, row.title, 2, kInk);
    const int py = y + kRowTitle;
    const Panel full{kPad + kLeft, kPad + kFullW - kRight, py + kTop, py + kPanelH - kBottom, 1.0};
    const Panel zoom{kPad + kFullW + kLeft, kPad + kFullW + kZoomW - kRight, py + kTop, py + kPanelH - kBottom, kZoom};
    const std::vector<ModelScore>& models = *row.models;
    const std::vector<double> percents = models.empty() ? std::vector<double>{} : models.front().score.percents;
    const std::string yl = blocks ? "share of held-out incidents captured" : "share of later incidents captured";
    cv.fill(static_cast<int>(full.x0) + 1, full.y0, static_cast<int>(full.X(kZoom)), full.y1, kZoomShade);
    cv.text(full.x0, py + 6, "the whole area", 1, kMuted);
    cv.text(zoom.x0, py + 6, "its riskiest 20%, enlarged; bars: 95% intervals", 1, kMuted);
    draw_axes(cv, full, percents, yl, kPad);
    draw_axes(cv, zoom, percents, yl, kPad + kFullW);
    if (models.empty() || models.front().score.incidents == 0) {
        cv.text(full.x0 + 20, full.y0 + 20, "no incidents to score", 2, kAxis);
        return;
    }
    // Baselines first, the scenario's risk last (on top).
    std::vector<const ModelScore*> order;
    for (const auto& m : models)
        if (m.kind != "model") order.push_back(&m);
    for (const auto& m : models)
        if (m.kind == "model") order.push_back(&m);
    for (const Panel* p : {&full, &zoom})
        for (const auto* m : order) {
            const auto it = colours.find(m->name);
            draw_curve(cv, *p, m->score.curve, it == colours.end() ? kInk : it->second, m->kind == "model" ? 3 : 2);
        }
    draw_intervals(cv, zoom, order, colours);
    for (const auto& m : models)
        if (m.kind == "model" && std::isfinite(m.score.auc.value)) {
            const std::string a = "AUC " + fmt("%.3f", m.score.auc.value) + " (" + m.name + ")";
            cv.fill(full.x1 - text_width(a, 1) - 10, full.y1 - 22, full.x1 - 2, full.y1 - 6, quicklook::kPaper);
            cv.text(full.x1 - text_width(a, 1) - 6, full.y1 - 18, a, 1, kInk);
        }
}

std::string count_text(std::int64_t n) { return grouped(n) + (n == 1 ? " incident" : " incidents"); }

std::string round_title(const Result& r, const Round& round) {
    const std::int64_t n = round.models.empty() ? 0 : round.models.front().score.incidents;
    if (r.mode == "spatial blocks") return round.label + ": " + count_text(n) + " in its blocks";
    return "Split " + round.label + ": " + count_text(n) + ", " + date_to_string(round.from) + " to " +
           (std::isfinite(round.to) ? date_to_string(round.to - 1) : "the end");
}

int header_height(const Result& r) {
    return 10 + static_cast<int>(wrap(title_of(r), 2, kWidth - 2 * kPad).size()) * kLine + 18;
}

int row_count(const Result& r, const Pooled& p) {
    return std::max<int>(1, static_cast<int>(r.rounds.size()) + (p.rounds > 1 ? 1 : 0));
}

std::pair<int, int> size_of(const Result& r, const Pooled& p) {
    return {kWidth, header_height(r) + row_count(r, p) * (kRowTitle + kPanelH) + legend_of(series_of(r)).height};
}

}  // namespace

std::pair<int, int> capture_png_size(const Result& r) { return size_of(r, pool(r)); }

std::string capture_png(const Result& r) {
    const auto series = series_of(r);
    const std::map<std::string, Rgb> colours(series.begin(), series.end());
    const Pooled pooled = pool(r);
    const auto [W, H] = size_of(r, pooled);
    Canvas cv(W, H);
    int y = 10;
    for (const auto& line : wrap(title_of(r), 2, W - 2 * kPad)) {
        cv.text(kPad, y, line, 2, kInk);
        y += kLine;
    }
    cv.text(kPad, y, r.mode + "; dotted lines: the capture levels; shaded: the part enlarged at the right", 1, kMuted);
    y = header_height(r);
    std::vector<Row> rows;
    if (pooled.rounds > 1)
        rows.push_back({"All " + std::to_string(pooled.rounds) + (r.mode == "spatial blocks" ? " folds" : " splits") +
                            " pooled: " + count_text(pooled.incidents),
                        &pooled.models});
    for (const auto& round : r.rounds) rows.push_back({round_title(r, round), &round.models});
    for (const auto& row : rows) {
        draw_row(cv, y, row, colours, r.mode == "spatial blocks");
        y += kRowTitle + kPanelH;
    }
    if (r.rounds.empty()) cv.text(kPad + 40, y - kPanelH / 2, "no split or fold", 2, kAxis);
    // Legend: the surfaces' swatches, then what the marks mean.
    const Legend lg = legend_of(series);
    int ly = y + 8;
    cv.text(kPad, ly, "Lines:", 2, kInk);
    ly += kLine;
    for (size_t i = 0; i < series.size(); ++i) {
        const int lx = kPad + static_cast<int>(i % static_cast<size_t>(lg.columns)) * (W / 2);
        const int yy = ly + static_cast<int>(i / static_cast<size_t>(lg.columns)) * kLine;
        cv.line(lx, yy + 7, lx + 34, yy + 7, series[i].second, i == 0 ? 3 : 2);
        cv.text(lx + 44, yy, series[i].first, 2, kInk);
    }
    ly += lg.rows * kLine + 8;
    cv.text(kPad, ly, "Bars at the capture levels: 95% bootstrap interval of the share captured (dot: the value).", 1, kMuted);
    cv.text(kPad, ly + 14, "The diagonal (uniform) is chance: p% of the incidents in p% of the area.", 1, kMuted);
    return canvas::png_bytes(cv, "the capture plot");
}

}  // namespace minerisk::backtest
