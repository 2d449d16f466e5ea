// report.html, zones.csv, settlements.csv and survey_referrals.csv: what a planner reads and shares after a run. The text helpers
// here are shared with report_csv.cpp and report_html.cpp.
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/text.hpp"
#include "export/report_format.hpp"
#include "export/report_sections.hpp"
#include "io/raster_writer.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/error.hpp"
#include "minerisk/output_folder.hpp"

namespace fs = std::filesystem;

namespace minerisk {
namespace report {

std::string fixed(double v, int decimals) {
    if (!std::isfinite(v)) return "";
    char buf[128];
    auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    if (res.ec != std::errc()) return "";
    std::string s(buf, res.ptr);
    if (!s.empty() && s[0] == '-' && s.find_first_of("123456789") == std::string::npos) s.erase(0, 1);  // "-0.00"
    return s;
}

std::string human(double v, int decimals) {
    if (!std::isfinite(v)) return "-";
    std::string s = fixed(v, decimals);
    bool negative = !s.empty() && s[0] == '-';
    if (negative) s.erase(0, 1);
    const size_t dot = s.find('.');
    std::string int_part = s.substr(0, dot), frac = dot == std::string::npos ? "" : s.substr(dot);
    std::string grouped;
    for (size_t i = 0; i < int_part.size(); ++i) {
        if (i > 0 && (int_part.size() - i) % 3 == 0) grouped += ',';
        grouped += int_part[i];
    }
    return (negative ? "-" : "") + grouped + frac;
}

std::string human_int(long long v) { return human(static_cast<double>(v), 0); }

std::string human_trim(double v, int max_decimals) {
    std::string s = human(v, max_decimals);
    if (s.find('.') == std::string::npos) return s;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s == "-0" ? "0" : s;
}

std::string human_metres(double m) {
    if (!std::isfinite(m)) return "-";
    if (std::abs(m) < 10000) return human(m, 0) + " m";
    return human(m / 1000, 1) + " km";
}

std::string date_or(double days, const std::string& never) {
    if (!std::isfinite(days)) return never;
    return date_to_string(days);
}

std::string html_escape(const std::string& raw) {
    // The page declares UTF-8; a byte that is not (a path in Latin-1) is replaced rather than copied raw.
    const std::string s = text::valid_utf8(raw);
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

namespace {

// A number as the writers put it in a cell ("-3.5", "+2", "1e-05"): a spreadsheet reads it as a number
// and runs nothing, so it is not escaped even though it starts with '-' or '+'.
bool plain_number(const std::string& s) {
    size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
    if (i < s.size() && s[i] == '.') ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
    if (digits == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
        size_t exp_digits = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
        if (exp_digits == 0) return false;
    }
    return i == s.size();
}

}  // namespace

bool csv_formula_like(const std::string& s) {
    if (s.empty()) return false;
    const char c = s.front();
    const bool trigger = c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
    return trigger && !plain_number(s);
}

std::string csv_field(const std::string& raw) {
    // Names come from the inputs: bytes that are not UTF-8 are replaced, so the file stays readable text.
    const std::string text = text::valid_utf8(raw);
    // A cell a spreadsheet would run as a formula (a settlement named '=HYPERLINK(...)') is escaped the
    // OWASP way: a leading single quote makes it text, and the cell is quoted.
    const bool formula = csv_formula_like(text);
    const std::string s = formula ? "'" + text : text;
    const bool quote = formula || s.find_first_of(",\"\r\n") != std::string::npos ||
                       (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.back() == ' ' || s.back() == '\t'));
    if (!quote) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string csv_record(const std::vector<std::string>& fields) {
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        out += csv_field(fields[i]);
    }
    out += "\r\n";
    return out;
}

std::string base64(const std::string& bytes) {
    static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
        out += abc[(v >> 18) & 63];
        out += abc[(v >> 12) & 63];
        out += abc[(v >> 6) & 63];
        out += abc[v & 63];
    }
    if (i + 1 == bytes.size()) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        out += abc[(v >> 18) & 63];
        out += abc[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == bytes.size()) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += abc[(v >> 18) & 63];
        out += abc[(v >> 12) & 63];
        out += abc[(v >> 6) & 63];
        out += '=';
    }
    return out;
}


bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return static_cast<bool>(in) || in.eof();
}

int zone_rank_of(const ZoneResult& zones, int zone_id) {
    if (zone_id == 0) return 0;
    for (const auto& z : zones.zones)
        if (z.id == zone_id) return z.rank;
    return 0;
}

std::vector<std::string> all_warnings(const ExportContext& ctx) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    // Every warning of the report passes here: masked, whichever stage made it (a plugin may quote a path).
    auto add = [&](const std::vector<std::string>& ws) {
        for (const auto& w : ws)
            if (seen.insert(mask_secrets(w)).second) out.push_back(mask_secrets(w));
    };
    if (ctx.summary) add(ctx.summary->warnings);
    if (ctx.zones()) add(ctx.zones()->warnings);
    return out;
}

}  // namespace report

std::vector<OutputFile> write_reports(const ExportContext& ctx) {
    using namespace report;
    std::vector<OutputFile> files;
    const fs::path dir(ctx.output_dir);

    const std::string zones_path = (dir / "zones.csv").string();
    write_file_atomically(zones_path, zones_csv(ctx));
    files.push_back({zones_path, "the zones by rank, with their figures, recommended actions and reasons (CSV)"});

    const std::string settlements_path = (dir / "settlements.csv").string();
    write_file_atomically(settlements_path, settlements_csv(ctx));
    files.push_back({settlements_path, "the settlements ranked for risk-awareness sessions (CSV)"});

    const std::string referrals_path = (dir / "survey_referrals.csv").string();
    write_file_atomically(referrals_path, survey_referrals_csv(ctx));
    files.push_back({referrals_path, "groups of incidents far from any recorded hazard outside every zone, for survey (CSV)"});

    std::string png;
    const fs::path quicklook = dir / "quicklook.png";
    std::error_code ec;
    if (fs::is_regular_file(quicklook, ec) && !read_file(quicklook.string(), png)) png.clear();
    const std::string html_path = (dir / "report.html").string();
    // The small zone maps need the risk: the run's scored tiles, or the risk raster of a re-export.
    std::vector<quicklook::ZoneMap> maps;
    if (ctx.scored || !ctx.rasters.empty()) maps = quicklook::zone_maps(ctx, kBodyZones);
    write_file_atomically(html_path, report_html(ctx, png, maps));
    files.push_back({html_path, "the report for planners: one self-contained page to open, print or share"});
    return files;
}

}  // namespace minerisk
