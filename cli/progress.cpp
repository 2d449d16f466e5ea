// Progress on stderr. On a terminal: the stage's name, a bar, percent and an estimate of the time left,
// redrawn in place. Otherwise (a log file, CI), GDAL's own style, one line per stage:
//   reading inputs: 0...10...20...30...40...50...60...70...80...90...100 - done.
// (GDALTermProgress prints a tick every 2.5 %, the tens as numbers.)
#include "progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

namespace minerisk::cli {
namespace {

using Clock = std::chrono::steady_clock;

enum class Style { none, bar, gdal };

struct State {
    Style style = isatty(STDERR_FILENO) == 1 ? Style::bar : Style::gdal;
    std::string stage;
    Clock::time_point start = Clock::now();
    // bar
    int last_width = 0;
    double last_draw = -1;
    // gdal
    bool line_open = false;
    int last_tick = -1;  // 0..40, one per 2.5 %
} g;

std::string duration_text(double s) {
    char buf[32];
    if (s < 60) std::snprintf(buf, sizeof buf, "%.0f s", std::max(1.0, s));
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%.0f min %02.0f s", std::floor(s / 60), std::fmod(s, 60));
    else std::snprintf(buf, sizeof buf, "%.0f h %02.0f min", std::floor(s / 3600), std::fmod(s / 60, 60));
    return buf;
}

// GDAL's ticks up to `tick` (0..40), then " - done." at 40.
void gdal_ticks(int tick) {
    if (!g.line_open) return;
    while (g.last_tick < tick) {
        ++g.last_tick;
        if (g.last_tick % 4 == 0) std::fprintf(stderr, "%d", g.last_tick / 4 * 10);
        else std::fputc('.', stderr);
    }
    if (g.last_tick >= 40) {
        std::fprintf(stderr, " - done.\n");
        g.line_open = false;
    }
    std::fflush(stderr);
}

void draw_bar(double fraction, double elapsed) {
    // The estimate: time so far scaled by what is left, once there is something to scale.
    std::string eta;
    if (fraction >= 1.0) eta = "done in " + duration_text(elapsed);
    else if (fraction > 0.02 && elapsed > 1.0) eta = "about " + duration_text(elapsed * (1 - fraction) / fraction) + " left";
    const int filled = static_cast<int>(fraction * 30);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(30, '.');
    char line[256];
    const int n = std::snprintf(line, sizeof line, "\r%-20.20s [%s] %3.0f%%  %s", g.stage.c_str(), bar.c_str(), fraction * 100,
                                eta.c_str());
    std::fprintf(stderr, "%s%*s", line, std::max(0, g.last_width - n), "");
    g.last_width = n;
    if (fraction >= 1.0) {
        std::fprintf(stderr, "\n");
        g.last_width = 0;
    }
    std::fflush(stderr);
}

}  // namespace

void progress_configure(const std::string& style) {
    if (style == "none") g.style = Style::none;
    else if (style == "bar") g.style = Style::bar;
    else if (style == "gdal") g.style = Style::gdal;
    else g.style = isatty(STDERR_FILENO) == 1 ? Style::bar : Style::gdal;
}

bool progress_enabled() { return g.style != Style::none; }

void progress_end() {
    if (g.style == Style::bar && g.last_width > 0) {
        std::fprintf(stderr, "\n");
        g.last_width = 0;
    }
    if (g.style == Style::gdal && g.line_open) gdal_ticks(40);  // the stage is over: it ran to its end
    std::fflush(stderr);
}

void progress_stage(const std::string& stage) {
    if (g.style == Style::none) return;
    progress_end();
    g.stage = stage;
    g.start = Clock::now();
    g.last_width = 0;
    g.last_draw = -1;
    if (g.style == Style::gdal) {
        std::fprintf(stderr, "%s: ", stage.c_str());
        g.line_open = true;
        g.last_tick = -1;
        std::fflush(stderr);
    }
}

int progress_callback(double fraction, const char*, void*) {
    if (g.style == Style::none) return 1;
    fraction = std::min(1.0, std::max(0.0, std::isnan(fraction) ? 0.0 : fraction));
    if (g.style == Style::gdal) {
        gdal_ticks(std::min(40, std::max(0, static_cast<int>(fraction * 40.0))));
        return 1;
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - g.start).count();
    if (fraction < 1.0 && elapsed - g.last_draw < 0.2) return 1;  // redraw at most 5 times a second
    g.last_draw = elapsed;
    draw_bar(fraction, elapsed);
    return 1;
}

}  // namespace minerisk::cli
