// Progress on stderr: the stage's name, a bar, percent, and an estimate of the time left. On a terminal the
// line is redrawn in place; otherwise (a log file, CI) one line every 10 percent, as GDAL's tools print.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include "progress.hpp"

namespace minerisk::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct State {
    std::string stage;
    Clock::time_point start = Clock::now();
    int last_tenth = -1;
    int last_width = 0;
    double last_draw = -1;
    bool tty = isatty(STDERR_FILENO) == 1;
} g;

std::string duration_text(double s) {
    char buf[32];
    if (s < 60) std::snprintf(buf, sizeof buf, "%.0f s", std::max(1.0, s));
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%.0f min %02.0f s", std::floor(s / 60), std::fmod(s, 60));
    else std::snprintf(buf, sizeof buf, "%.0f h %02.0f min", std::floor(s / 3600), std::fmod(s / 60, 60));
    return buf;
}

}  // namespace

void progress_stage(const std::string& stage) {
    if (g.tty && g.last_width > 0) std::fprintf(stderr, "\n");
    g.stage = stage;
    g.start = Clock::now();
    g.last_tenth = -1;
    g.last_width = 0;
    g.last_draw = -1;
    if (!g.tty) std::fprintf(stderr, "%s...\n", stage.c_str());
}

int progress_callback(double fraction, const char*, void*) {
    fraction = std::min(1.0, std::max(0.0, fraction));
    const double elapsed = std::chrono::duration<double>(Clock::now() - g.start).count();
    // The estimate: time so far scaled by what is left, once there is something to scale.
    std::string eta;
    if (fraction >= 1.0) eta = "done in " + duration_text(elapsed);
    else if (fraction > 0.02 && elapsed > 1.0) eta = "about " + duration_text(elapsed * (1 - fraction) / fraction) + " left";
    if (g.tty) {
        if (fraction < 1.0 && elapsed - g.last_draw < 0.2) return 1;  // redraw at most 5 times a second
        g.last_draw = elapsed;
        const int filled = static_cast<int>(fraction * 30);
        std::string bar(static_cast<size_t>(filled), '#');
        bar.resize(30, '.');
        char line[256];
        const int n = std::snprintf(line, sizeof line, "\r%-20.20s [%s] %3.0f%%  %s", g.stage.c_str(), bar.c_str(),
                                    fraction * 100, eta.c_str());
        std::fprintf(stderr, "%s%*s", line, std::max(0, g.last_width - n), "");
        g.last_width = n;
        if (fraction >= 1.0) {
            std::fprintf(stderr, "\n");
            g.last_width = 0;
        }
    } else {
        const int tenth = static_cast<int>(fraction * 10);
        if (tenth > g.last_tenth) {
            g.last_tenth = tenth;
            std::fprintf(stderr, "  %s %d%%%s%s\n", g.stage.c_str(), tenth * 10, eta.empty() ? "" : ", ", eta.c_str());
        }
    }
    std::fflush(stderr);
    return 1;
}

}  // namespace minerisk::cli
