// Numbers and dates the way a planner reads them in a reason.
#include <cctype>
#include <cstdio>

#include "minerisk/dates.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::zones {

std::string thousands(double v) {
    if (!std::isfinite(v)) return "?";
    return (v <= -0.5 ? "-" : "") + text::grouped_magnitude(v);  // "-" when it rounds below 0
}

std::string metres(double v) { return thousands(v) + " m"; }

std::string plural(std::int64_t n, const char* one, const char* many) {
    return thousands(double(n)) + " " + (n == 1 ? one : many);
}

const char* verb(std::int64_t n, const char* one, const char* many) { return n == 1 ? one : many; }

std::string month_of(double days) {
    if (!std::isfinite(days)) return "?";
    return date_to_string(days).substr(0, 7);
}

std::string plain_number(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
}

std::string lower_trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    std::string out = s.substr(b, e - b + 1);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace minerisk::zones
