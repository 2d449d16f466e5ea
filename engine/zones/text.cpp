// Numbers and dates the way a planner reads them in a reason.
#include <cctype>
#include <cstdio>

#include "minerisk/dates.hpp"
#include "zones/zones_internal.hpp"

namespace minerisk::zones {

std::string thousands(double v) {
    if (!std::isfinite(v)) return "?";
    const long long n = std::llround(v);
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return (n < 0 ? "-" : "") + out;
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
