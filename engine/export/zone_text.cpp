#include "export/zone_text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "core/text.hpp"

namespace minerisk::exports {

namespace {

std::string trimmed_lower(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    std::string out = s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The status as the lists write it: CHA and SHA in capitals (as programmes write them), other words in lower case.
std::string status_word(const std::string& status) {
    const std::string s = trimmed_lower(status);
    if (s.empty()) return "no status";
    if (s == "cha" || s == "sha") {
        std::string u = s;
        for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return u;
    }
    return s;
}

// A population as a plain whole number ("1240"); one beyond a long long as "1e+308", not an overflow.
std::string plain_whole(double v) {
    if (std::fabs(v) >= 9.2e18) return text::grouped_magnitude(v);
    return std::to_string(std::llround(v));
}

}  // namespace

std::string hazard_name(const ZoneHazard& h) { return !h.id.empty() ? h.id : "#" + std::to_string(h.feature); }

std::string hazard_status_summary(const std::vector<ZoneHazard>& hazards) {
    std::map<std::string, int> count;
    for (const auto& h : hazards) ++count[status_word(h.status)];
    auto order = [](const std::string& s) { return s == "CHA" ? 0 : s == "SHA" ? 1 : s == "no status" ? 3 : 2; };
    std::vector<std::pair<std::string, int>> items(count.begin(), count.end());
    std::stable_sort(items.begin(), items.end(), [&](const auto& a, const auto& b) { return order(a.first) < order(b.first); });
    std::string out;
    for (const auto& [s, n] : items) out += (out.empty() ? "" : ", ") + s + " " + std::to_string(n);
    return out;
}

std::string hazard_with_status(const ZoneHazard& h) { return hazard_name(h) + " (" + status_word(h.status) + ")"; }

std::string settlement_name(const ZoneSettlement& s) { return !s.name.empty() ? s.name : s.id; }

std::string settlement_with_population(const ZoneSettlement& s, bool grouped) {
    if (!s.population_known) return settlement_name(s) + " (unknown)";
    return settlement_name(s) + " (" + (grouped ? text::grouped_magnitude(s.population) : plain_whole(s.population)) + ")";
}

std::string settlements_with_population(const Zone& z) {
    std::string out;
    for (const auto& s : z.settlements) out += (out.empty() ? "" : "; ") + settlement_with_population(s, false);
    return out;
}

}  // namespace minerisk::exports
