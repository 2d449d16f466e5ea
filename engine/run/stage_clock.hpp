// Times a stage, wall clock and CPU: CPU time is what a stage costs whatever else the machine is doing.
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "minerisk/run_plan.hpp"

namespace minerisk {

// CPU seconds of the whole process so far (user + system, every thread).
double process_cpu_seconds();

class StageClock {
public:
    // Tells `on_stage` (when set) that the stage starts; appends its times to `log` when it ends.
    StageClock(std::vector<StageTime>& log, const std::string& name,
               const std::function<void(const std::string&)>& on_stage = {});
    ~StageClock();
    StageClock(const StageClock&) = delete;
    StageClock& operator=(const StageClock&) = delete;

private:
    std::vector<StageTime>& log_;
    std::string name_;
    std::chrono::steady_clock::time_point t0_;
    double cpu0_ = 0;
};

}  // namespace minerisk
