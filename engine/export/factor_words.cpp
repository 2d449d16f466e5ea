// The one place where the report turns the engine's words (plugin ids, configuration keys, paths) into a
// planner's words. The technical words stay in the report's appendix, where the GIS officer looks for them.
#include <string>
#include <utility>

#include "export/report_sections.hpp"

namespace minerisk::report {

namespace {

// plugin id -> what the factor measures, said as a planner would.
const std::pair<const char*, const char*> kFactorWords[] = {
    {"hazard_proximity", "nearness to recorded hazards"},
    {"incident_density", "past incidents nearby"},
    {"incident_proximity", "nearness to earlier incidents"},
    {"marking_gap", "unmarked hazard edges"},
    {"population_exposure", "people living nearby"},
    {"outreach_gap", "time since the last risk-education session"},
};

const char* words_of_plugin(const std::string& plugin) {
    for (const auto& [id, words] : kFactorWords)
        if (plugin == id) return words;
    return nullptr;
}

// "land_use" -> "land use": a scenario's own factor name, read as words.
std::string spaced(std::string s) {
    for (auto& c : s)
        if (c == '_') c = ' ';
    return s;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

}  // namespace

std::string factor_words(const ExportContext& ctx, const std::string& factor_name) {
    if (factor_name.empty()) return "";
    std::string plugin = factor_name;  // a factor not found in the plan is taken to be named after its plugin
    if (ctx.plan)
        for (const auto& f : ctx.plan->factors)
            if (f.spec.name == factor_name) plugin = f.plugin ? f.plugin->name : f.spec.plugin;
    if (const char* w = words_of_plugin(plugin)) return w;
    // A raster factor (land use, slope, ...) measures what the scenario named it after.
    if (plugin == "raster_factor" && factor_name == "raster_factor") return "land use";
    return spaced(factor_name);
}

std::string plain_words(const std::string& text) {
    std::string s = text;
    replace_all(s, "lower zones.threshold (or use zones.top_percent)",
                "ask the GIS officer to lower the zone threshold");
    replace_all(s, "zones.threshold", "the zone threshold");
    replace_all(s, "zones.min_area", "the minimum zone size");
    replace_all(s, "min_area", "the minimum zone size");
    replace_all(s, "(within zones.reach)", "(within reach)");
    replace_all(s, "zones.reach", "the reach");
    replace_all(s, "the marking_gap factor's cover_distance", "the distance a sign is taken to cover");
    replace_all(s, "factor's cover_distance", "factor's sign cover distance");
    replace_all(s, "zones.top_percent", "the share of the area in zones");
    // An absolute path (a word starting with '/') is cut to its file name: the folders mean nothing to a planner.
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const bool word_start = i == 0 || s[i - 1] == ' ' || s[i - 1] == '(' || s[i - 1] == '\'' || s[i - 1] == '"';
        if (s[i] == '/' && word_start) {
            size_t end = s.find_first_of(" \t\n'\")", i);
            if (end == std::string::npos) end = s.size();
            const std::string path = s.substr(i, end - i);
            const size_t slash = path.find_last_of('/');
            if (slash != 0 || path.size() > 1) {
                out += path.substr(slash + 1);
                i = end;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

std::string file_name(const std::string& source) {
    if (source.find('/') == std::string::npos && source.find('\\') == std::string::npos)
        return source.find(':') != std::string::npos && source.find('.') == std::string::npos ? "database" : source;
    if (source.rfind("PG:", 0) == 0 || source.find("dbname=") != std::string::npos) return "database";
    const size_t slash = source.find_last_of("/\\");
    return source.substr(slash + 1);
}

}  // namespace minerisk::report
