// Progress on stderr for long stages (GDAL's callback convention).
#pragma once
#include <string>

namespace minerisk::cli {

// How progress is shown: "bar" (a bar redrawn in place, with the time left: for a terminal), "gdal" (GDAL's
// "0...10...20...30...40...50...60...70...80...90...100 - done." on one line per stage: for logs and CI),
// "auto" (bar on a terminal, gdal otherwise) or "none".
void progress_configure(const std::string& style);
bool progress_enabled();

void progress_stage(const std::string& stage);  // a new stage starts: its name, and the clock for the estimate
int progress_callback(double fraction, const char* message, void* user);
// Ends the line of the stage in progress, if any (before the summary or an error message is printed).
void progress_end();

}  // namespace minerisk::cli
