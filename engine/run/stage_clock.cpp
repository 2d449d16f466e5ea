#include "run/stage_clock.hpp"

#include <sys/resource.h>

#include "minerisk/output_transaction.hpp"

namespace minerisk {

double process_cpu_seconds() {
    rusage u{};
    if (getrusage(RUSAGE_SELF, &u) != 0) return 0;
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

StageClock::StageClock(std::vector<StageTime>& log, const std::string& name,
                       const std::function<void(const std::string&)>& on_stage)
    : log_(log), name_(name) {
    if (on_stage) on_stage(name);
    test_kill_point(name.c_str());
    t0_ = std::chrono::steady_clock::now();
    cpu0_ = process_cpu_seconds();
}

StageClock::~StageClock() {
    log_.push_back({name_, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count(),
                    process_cpu_seconds() - cpu0_});
}

}  // namespace minerisk
