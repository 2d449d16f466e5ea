// The ranges and defaults of the scenario keys the command line can also set: the run section, and the
// plans' sections (uncertainty, sign_plan, outreach_plan). Written once, here: the parser checks the scenario
// against them, and `minerisk run` / `demo` check and document their options (--tile-size, --uncertainty,
// --signs, --facilitators, ...) with the same numbers. docs/scenario.md lists them for people.
#pragma once
#include <limits>

namespace minerisk::limits {

struct Limit {
    const char* key;       // the key within its section, as messages name it ("tile_size")
    double min, max;       // accepted, inclusive
    double default_value;  // when the key is left out; NaN: none (the key is optional, see its section)
    const char* unit;      // for hints ("cells"); "" when the number has none
};

inline constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

// `run:`
namespace run {
inline constexpr Limit threads{"threads", 0, 1024, 0, ""};  // 0: all cores
inline constexpr Limit tile_size{"tile_size", 64, 16384, 1024, "cells"};
inline constexpr Limit max_memory_mb{"max_memory_mb", 16, 1e7, 4096, "MB"};
inline constexpr Limit max_cells{"max_cells", 1, 1e13, 4e9, "cells"};
}  // namespace run

// `uncertainty:` (docs/uncertainty.md); off while draws is 0.
namespace uncertainty {
inline constexpr Limit draws{"draws", 0, 1e6, 0, ""};
inline constexpr Limit spread{"spread", 0.0, 10.0, 0.25, ""};
inline constexpr Limit concentration{"concentration", 0.01, 1e9, kNone, ""};
inline constexpr Limit top_k{"top_k", 1, 1e6, 10, ""};
inline constexpr Limit seed{"seed", 0, 9e15, 1, ""};
}  // namespace uncertainty

// `sign_plan:` (docs/sign-plan.md); off while signs is 0.
namespace sign_plan {
inline constexpr Limit signs{"signs", 0, 1e7, 0, ""};
inline constexpr Limit spacing{"spacing", 1.0, 1e5, kNone, "metres"};  // none: 2 x the cover
inline constexpr Limit cover{"cover", 1.0, 1e5, kNone, "metres"};      // none: the sign_cover factor's cover_distance, else zones.sign_cover
}  // namespace sign_plan

// `outreach_plan:` (docs/outreach-plan.md); off while facilitators is 0.
namespace outreach_plan {
inline constexpr Limit facilitators{"facilitators", 0, 1e5, 0, ""};
inline constexpr Limit sessions_per_week{"sessions_per_week", 1, 1000, 3, ""};
inline constexpr Limit weeks{"weeks", 1, 520, 12, ""};
inline constexpr Limit travel_km{"travel_km", 0.01, 1e5, 20, "km"};
inline constexpr Limit max_travel_km{"max_travel_km", 0.01, 1e5, kNone, "km"};  // none: no settlement left out
inline constexpr Limit top{"top", 1, 1e7, 20, ""};
}  // namespace outreach_plan

}  // namespace minerisk::limits
