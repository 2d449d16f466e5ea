// Dates as planners record them: a full date, a year and month, or a year alone.
#pragma once
#include <optional>
#include <string>

namespace minerisk {

// Days since 1970-01-01 of an ISO date: "YYYY-MM-DD" (optionally followed by a time, which is ignored),
// "YYYY-MM" (taken as the 15th) or "YYYY" (taken as 1 July), also with '/' or '.' between the parts.
// Empty when the text is not such a date or names an impossible day.
std::optional<double> parse_date(const std::string& text);

double days_from_civil(int year, int month, int day);
std::string date_to_string(double days);  // "YYYY-MM-DD"
double today_days();
// The clock, in seconds since 1970-01-01 UTC (with the fraction).
double now_unix();
// "2026-12-03T15:06:10Z": ISO 8601, UTC, whole seconds (the fraction dropped).
std::string utc_timestamp(double unix_seconds);

}  // namespace minerisk
