// Small text helpers shared by the engine's stages (engine-private).
#pragma once
#include <string>
#include <vector>

namespace minerisk::text {

// The parts with `sep` between them: join({"a", "b"}) == "a, b"; "" for none.
std::string join(const std::vector<std::string>& parts, const char* sep = ", ");

// |v| rounded to a whole number with thousands separators: 1240.4 -> "1,240". Beyond what a long long holds
// (|v| >= 9.2e18, e.g. a population of 1e308) it is written as "1e+308" instead of overflowing to
// -9223372036854775808; not finite: "?".
std::string grouped_magnitude(double v);

}  // namespace minerisk::text
