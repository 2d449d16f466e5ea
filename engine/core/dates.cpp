#include "minerisk/dates.hpp"

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace minerisk {

// Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
double days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<double>(era) * 146097 + static_cast<double>(doe) - 719468;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static int days_in_month(int y, int m) {
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : dm[m - 1];
}

std::optional<double> parse_date(const std::string& raw) {
    size_t b = 0, e = raw.size();
    while (b < e && std::isspace(static_cast<unsigned char>(raw[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(raw[e - 1]))) --e;
    const std::string s = raw.substr(b, e - b);
    int parts[3] = {0, 0, 0};
    int n = 0;
    size_t i = 0;
    while (n < 3) {
        size_t start = i;
        int v = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < 4) v = v * 10 + (s[i++] - '0');
        const size_t len = i - start;
        if (len == 0 || (n == 0 && len != 4) || (n > 0 && len > 2)) return std::nullopt;
        parts[n++] = v;
        if (i == s.size()) break;
        if (n < 3 && (s[i] == '-' || s[i] == '/' || s[i] == '.')) { ++i; continue; }
        if (n == 3 && (s[i] == 'T' || s[i] == ' ')) break;  // a time follows: ignore it
        return std::nullopt;
    }
    if (i < s.size() && n < 3) return std::nullopt;
    const int y = parts[0];
    if (y < 1800 || y > 2200) return std::nullopt;
    if (n == 1) return days_from_civil(y, 7, 1);
    const int m = parts[1];
    if (m < 1 || m > 12) return std::nullopt;
    if (n == 2) return days_from_civil(y, m, 15);
    const int d = parts[2];
    if (d < 1 || d > days_in_month(y, m)) return std::nullopt;
    return days_from_civil(y, m, d);
}

std::string date_to_string(double days) {
    if (!std::isfinite(days)) return "";
    // civil_from_days (Hinnant)
    long long z = static_cast<long long>(std::floor(days)) + 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long y0 = static_cast<long long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const long long y = y0 + (m <= 2);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", y, m, d);
    return buf;
}

double today_days() {
    using namespace std::chrono;
    return std::floor(duration_cast<hours>(system_clock::now().time_since_epoch()).count() / 24.0);
}

double now_unix() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() / 1000.0;
}

std::string utc_timestamp(double unix_seconds) {
    const double whole = std::floor(unix_seconds);
    const double days = std::floor(whole / 86400.0);
    const long long s = static_cast<long long>(whole - days * 86400.0);
    char hms[40];
    std::snprintf(hms, sizeof hms, "T%02lld:%02lld:%02lldZ", s / 3600, s / 60 % 60, s % 60);
    return date_to_string(days) + hms;
}

}  // namespace minerisk
