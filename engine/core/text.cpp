#include "core/text.hpp"

#include <cmath>
#include <cstdio>

namespace minerisk::text {

std::string join(const std::vector<std::string>& parts, const char* sep) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
    return out;
}

std::string grouped_magnitude(double v) {
    if (!std::isfinite(v)) return "?";
    const double a = std::fabs(v);
    if (a >= 9.2e18) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3g", a);
        return buf;
    }
    const std::string digits = std::to_string(std::llround(a));
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

}  // namespace minerisk::text
