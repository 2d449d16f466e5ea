// Internal to the report exporters (and their tests): text for people and for machines, the same on every
// machine (no locale: '.' decimals everywhere), and writing a file through a temporary name.
#pragma once
#include <cmath>  // zones.hpp uses NAN
#include <string>
#include <vector>

#include "export/zone_maps.hpp"
#include "minerisk/exports.hpp"
#include "minerisk/output_folder.hpp"

namespace minerisk::report {

// Machine text: fixed decimals, '.' as decimal point, no grouping; "" for NaN and infinities.
std::string fixed(double v, int decimals);
// People's text: thousands separated by ',' and '.' decimals ("12,345.7"); "-" for NaN.
std::string human(double v, int decimals = 0);
std::string human_int(long long v);
// As human(), without trailing zeros: "0.5", "1", "2.25".
std::string human_trim(double v, int max_decimals);
// A distance: "850 m", "9,400 m" (metres below 10 km), "12.4 km" beyond; "-" for NaN.
std::string human_metres(double m);
// A date from days since 1970-01-01; `never` for NaN.
std::string date_or(double days, const std::string& never);

// HTML text and attribute values: & < > " ' as entities.
std::string html_escape(const std::string& s);

// One CSV field as RFC 4180 wants it: quoted (with doubled quotes) when it holds a comma, a quote, a line break
// or leading/trailing spaces. Every CSV the product writes goes through here, so this is also where a cell that
// a spreadsheet would run as a formula (csv_formula_like) is made text: "'=1+2" quoted; and where bytes that
// are not UTF-8 are replaced by U+FFFD.
std::string csv_field(const std::string& s);
// Starts with = + - @, a tab or a CR and is not a plain number ("-3.5" stays a number).
bool csv_formula_like(const std::string& s);
// A record: fields joined by ',' and ended by CRLF.
std::string csv_record(const std::vector<std::string>& fields);

// Standard base64 (RFC 4648) with padding.
std::string base64(const std::string& bytes);

// The one atomic write of every output (output_folder.hpp), under the name the report code has always used.
using ::minerisk::write_file_atomically;
// The whole content of a file; false when it cannot be read.
bool read_file(const std::string& path, std::string& out);

// The rank of the zone with this id (Zone::id), 0 for none: settlements name their zone by id.
int zone_rank_of(const ZoneResult& zones, int zone_id);

// Every warning of the run once, in order: the run's, then the zone stage's.
std::vector<std::string> all_warnings(const ExportContext& ctx);

// zones.csv, settlements.csv and survey_referrals.csv as text.
std::string zones_csv(const ExportContext& ctx);
std::string settlements_csv(const ExportContext& ctx);
std::string survey_referrals_csv(const ExportContext& ctx);
// report.html as text; `quicklook_png` is the PNG's bytes (empty: no picture), `zone_maps` the small map of each
// zone of the body (quicklook::zone_maps; empty: none).
std::string report_html(const ExportContext& ctx, const std::string& quicklook_png,
                        const std::vector<quicklook::ZoneMap>& zone_maps = {});

}  // namespace minerisk::report
