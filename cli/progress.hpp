// Terminal progress for long stages (GDAL's callback convention).
#pragma once
#include <string>

namespace minerisk::cli {

void progress_stage(const std::string& stage);  // a new stage starts: its name, and the clock for the estimate
int progress_callback(double fraction, const char* message, void* user);

}  // namespace minerisk::cli
