// The largest count one record can plausibly hold. Above it a value is a typing or export error (a stray
// exponent such as 1e308, a sentinel such as 99999999999), and it is treated as missing with a warning
// naming the feature: kept, one such value would outweigh every other record (a settlement of 1e308 people
// ranked first, a density of inf). docs/troubleshooting.md gives the bounds and why.
#pragma once
#include <string>

namespace minerisk::reader {

// People in one settlement (population) or reached by one session (reached): the largest cities hold about
// 40 million, and a settlement record is one place.
inline constexpr double kMaxPeople = 50e6;
// Casualties of one incident (killed, injured, casualties): the deadliest single mine incidents on record
// killed hundreds, far below this.
inline constexpr double kMaxCasualties = 1e4;

// The bound of a counted role, or 0 for a role without one.
inline double plausible_bound(const std::string& role) {
    if (role == "population" || role == "reached") return kMaxPeople;
    if (role == "killed" || role == "injured" || role == "casualties") return kMaxCasualties;
    return 0;
}

}  // namespace minerisk::reader
