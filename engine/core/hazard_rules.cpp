// HazardRules: the lookups every stage makes the same way (trimmed, case-insensitive).
#include "minerisk/hazard_rules.hpp"

#include <algorithm>
#include <cctype>

namespace minerisk {

namespace {

std::string lower_trim(const std::string& s) {
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    std::string out = s.substr(a, b - a);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool listed(const std::vector<std::string>& list, const std::string& value) {
    const std::string v = lower_trim(value);
    if (v.empty()) return false;
    return std::find(list.begin(), list.end(), v) != list.end();
}

double lookup(const std::map<std::string, double>& table, const std::string& key, double fallback) {
    const std::string k = lower_trim(key);
    if (k.empty()) return fallback;
    for (const auto& [name, v] : table)
        if (lower_trim(name) == k) return v;
    return fallback;
}

}  // namespace

bool HazardRules::counts(const std::string& status) const { return !listed(excluded_statuses, status); }

bool HazardRules::sign_marks(const std::string& condition) const { return !listed(ignored_sign_conditions, condition); }

double HazardRules::class_weight(const std::string& status) const { return lookup(class_weights, status, default_class_weight); }

double HazardRules::ordnance_weight(const std::string& ordnance) const {
    return lookup(ordnance_weights, ordnance, default_ordnance_weight);
}

std::string HazardRules::excluded_words() const {
    std::vector<std::string> words;
    const bool both = listed(excluded_statuses, "cancelled") && listed(excluded_statuses, "canceled");
    for (const auto& s : excluded_statuses)
        if (!(both && s == "canceled")) words.push_back(s);
    std::string out;
    for (size_t i = 0; i < words.size(); ++i)
        out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
    return out.empty() ? "none" : out;
}

std::vector<std::string> HazardRules::normalised_statuses(std::vector<std::string> statuses) {
    std::vector<std::string> out;
    for (auto& s : statuses) {
        s = lower_trim(s);
        if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
    // The American spelling is released land too.
    if (std::find(out.begin(), out.end(), "cancelled") != out.end() && std::find(out.begin(), out.end(), "canceled") == out.end())
        out.push_back("canceled");
    return out;
}

}  // namespace minerisk
