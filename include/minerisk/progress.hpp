// Progress reporting with GDAL's callback convention, so GDALTermProgress can be passed in as it is.
#pragma once
#include <string>

#include "minerisk/cancel.hpp"

namespace minerisk {

// Returns non-zero to go on, 0 to cancel (as GDALProgressFunc).
using ProgressFn = int (*)(double fraction, const char* message, void* user);

// A progress sink for one stage: reports fractions of [start, end] of the parent's range.
class Progress {
public:
    Progress() = default;
    Progress(ProgressFn fn, void* user, double start = 0.0, double end = 1.0)
        : fn_(fn), user_(user), start_(start), end_(end) {}
    // Returns false when the user cancelled: through the callback (a GUI's Cancel), or by a signal (Ctrl-C,
    // SIGTERM: request_cancel), so that every loop that reports progress also stops on a signal.
    bool report(double fraction, const char* message = "") const {
        if (cancel_requested()) return false;
        if (!fn_) return true;
        return fn_(start_ + (end_ - start_) * fraction, message, user_) != 0;
    }
    Progress sub(double from, double to) const {
        return Progress(fn_, user_, start_ + (end_ - start_) * from, start_ + (end_ - start_) * to);
    }
    bool active() const { return fn_ != nullptr; }

private:
    ProgressFn fn_ = nullptr;
    void* user_ = nullptr;
    double start_ = 0.0;
    double end_ = 1.0;
};

}  // namespace minerisk
