#include "minerisk/scenario.hpp"

namespace minerisk {

const std::vector<std::string>& standard_layers() {
    static const std::vector<std::string> layers = {"hazards", "incidents", "settlements", "signs", "sessions"};
    return layers;
}

const std::vector<std::string>& polygon_layers() {
    static const std::vector<std::string> layers = {"areas"};
    return layers;
}

bool is_polygon_layer(const std::string& role) {
    if (role == "area") return true;  // the area of interest (Scenario::area): a polygon input, but not in inputs:
    for (const auto& l : polygon_layers())
        if (l == role) return true;
    return false;
}

const std::vector<FieldRole>& field_roles(const std::string& layer) {
    static const std::vector<FieldRole> none;
    static const std::vector<FieldRole> hazards = {
        {"id", "text", "the hazard's identifier in the national database (e.g. IMSMA)"},
        {"status", "text", "CHA, SHA, cleared or cancelled"},
        {"ordnance", "text", "AP, AT, CM, UXO or mixed"},
        {"date", "date", "date recorded"},
        {"radius", "number", "metres; for hazards recorded as points (overrides point_radius)"},
        {"name", "text", "a name for the report"},
    };
    static const std::vector<FieldRole> incidents = {
        {"id", "text", "the incident's identifier"},
        {"date", "date", "date of the incident"},
        {"killed", "number", "people killed"},
        {"injured", "number", "people injured"},
        {"casualties", "number", "people killed or injured, when not given separately"},
        {"ordnance", "text", "type of ordnance"},
        {"activity", "text", "what the victims were doing (farming, herding, ...)"},
    };
    static const std::vector<FieldRole> settlements = {
        {"id", "text", "the settlement's identifier"},
        {"name", "text", "the settlement's name"},
        {"population", "number", "people living there"},
        {"returnee", "boolean", "true where displaced people are returning"},
    };
    static const std::vector<FieldRole> signs = {
        {"id", "text", "the sign's identifier"},
        {"date", "date", "date placed"},
        {"type", "text", "permanent, temporary, ..."},
        {"condition", "text", "good, damaged, missing"},
    };
    static const std::vector<FieldRole> sessions = {
        {"id", "text", "the session's identifier"},
        {"date", "date", "date held"},
        {"reached", "number", "people reached"},
        {"settlement", "text", "the id of the settlement where it was held"},
    };
    static const std::vector<FieldRole> areas = {
        {"id", "text", "the area's code (e.g. ISO 3166-2, a P-code)"},
        {"name", "text", "the area's name, as planners know it"},
    };
    if (layer == "hazards") return hazards;
    if (layer == "areas" || layer == "area") return areas;
    if (layer == "incidents") return incidents;
    if (layer == "settlements") return settlements;
    if (layer == "signs") return signs;
    if (layer == "sessions") return sessions;
    return none;
}

}  // namespace minerisk
