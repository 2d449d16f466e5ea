// The warnings a layer's counted problems give, worded for the planner who has to correct the source.
#include "io/layer_warnings.hpp"

#include <algorithm>
#include <map>

#include "io/decimal_comma.hpp"

namespace minerisk::reader {

std::vector<std::string> problem_warnings(const RawLayer& raw) {
    const InputSpec& in = *raw.spec;
    const std::string w = who(in, raw.stats.layer_name);
    std::vector<std::string> out;
    for (const auto& [kind, pc] : raw.problems) {
        if (pc.count == 0) continue;
        const std::string n = std::to_string(pc.count);
        std::string msg, hint;
        if (kind == "null") {
            msg = n + " feature(s) with no geometry skipped";
            hint = "give them a geometry in the source, or they stay off the map";
        } else if (kind == "empty") {
            msg = n + " feature(s) with an empty geometry skipped";
            hint = "give them a geometry in the source, or they stay off the map";
        } else if (kind == "bad") {
            msg = n + " feature(s) skipped";
            hint = "correct their geometry or coordinates in the source";
        } else if (kind == "repaired") {
            msg = n + " invalid polygon(s) repaired with GEOS MakeValid";
            hint = "the repaired shapes are used; check them, and correct the source";
        } else if (kind == "point") {
            msg = n + " non-point feature(s) replaced by a point inside them";
        } else if (kind == "crs") {
            msg = "CRS overridden";
        } else if (kind == "range") {
            msg = n + " feature(s) with coordinates outside longitude -180..180 / latitude -90..90 skipped";
            hint = "correct their coordinates in the source (longitude and latitude swapped, or a typing error)";
        } else if (kind == "zero") {
            msg = n + " feature(s) at exactly 0, 0 skipped (a missing position written as zeros)";
            hint = "give them their real position in the source, or leave the position empty";
        } else if (kind == "far") {
            msg = n + " feature(s) lying far from all the other features skipped (a typing error in a coordinate?)";
            hint = "correct their coordinates in the source; the rule is in docs/troubleshooting.md";
        } else if (kind == "duplicate") {
            msg = n + " hazard(s) with the same area as another hazard, both kept";
            hint = "a hazard recorded twice counts twice: remove the duplicate record from the source";
        } else if (kind == "nested") {
            msg = n + " hazard(s) lying inside another hazard, both kept";
            hint = "check whether the inner record is a re-survey of the outer one, and cancel the outdated record";
        } else if (kind == "duplicate id") {
            msg = n + " id(s) used by more than one feature";
            hint = "ids should be unique: check the source for records entered twice";
        } else if (kind == "gdal") {
            msg = "GDAL reported " + n + " problem(s) while reading";
            hint = "check the file with ogrinfo -al";
        } else if (kind.rfind("utf8 ", 0) == 0) {
            const std::string role = kind.substr(5);
            msg = n + " value(s) of field '" + in.fields.at(role) + "' (role '" + role +
                  "') not UTF-8 text, read as Latin-1/CP1252";
            hint = "check the recoded names; save the source as UTF-8 (for a shapefile, a .cpg file holding the "
                   "encoding)";
        } else {
            msg = n + " value(s) of role '" + kind.substr(6) + "' unreadable, treated as missing";
            hint = "correct the values in column " + in.fields.at(kind.substr(6)) + " of the source";
        }
        if (pc.summary().find("(a decimal comma)") != std::string::npos) hint = kDecimalCommaHint;
        out.push_back(w + ": " + msg + " (" + pc.summary() + ")" + (hint.empty() ? "" : ". " + hint));
    }
    return out;
}

void count_duplicates(RawLayer& raw, const FeatureLayer& out, const std::vector<size_t>& kept, GeometryRepairer& repairer) {
    if (out.role == "hazards") {
        std::vector<const OGRGeometry*> geoms;
        for (const auto& g : out.geometry) geoms.push_back(g.get());
        for (const auto& f : repairer.find_duplicates_and_nested(geoms, out.bounds)) {
            const RawFeature& a = raw.features[kept[f.outer]];
            const RawFeature& b = raw.features[kept[f.inner]];
            if (f.equal) raw.problems["duplicate"].add(label(raw, b) + " = " + label(raw, a));
            else raw.problems["nested"].add(label(raw, b) + " inside " + label(raw, a));
        }
    }
    if (std::find(raw.roles.begin(), raw.roles.end(), "id") == raw.roles.end()) return;
    std::map<std::string, std::vector<std::int64_t>> by_id;
    for (size_t k : kept)
        if (!raw.features[k].id.empty()) by_id[raw.features[k].id].push_back(raw.features[k].fid);
    for (const auto& [id, fids] : by_id) {
        if (fids.size() < 2) continue;
        std::string s = "'" + id + "' in features ";
        for (size_t i = 0; i < fids.size() && i < 4; ++i) s += (i ? ", " : "") + std::to_string(fids[i]);
        if (fids.size() > 4) s += ", ...";
        raw.problems["duplicate id"].add(s);
    }
}

void refuse_empty_hazards(const RawLayer& raw, std::int64_t kept) {
    const InputSpec& in = *raw.spec;
    if (in.role != "hazards" || kept > 0) return;
    std::string why;
    if (raw.stats.read == 0)
        why = in.filter.empty() ? "the layer has no feature" : "the filter 'where: " + in.filter + "' selects no feature";
    else {
        why = std::to_string(raw.stats.read) + " feature(s) read, none usable";
        for (const auto& w : problem_warnings(raw)) why += "; " + w.substr(w.find(": ") + 2);
    }
    throw Error("the hazards layer '" + raw.stats.layer_name + "' has no hazard to map: " + why,
                Location{in.source, 0, 0, raw.stats.layer_name},
                "a risk map without hazards would show all land as safe: check the file, the layer and the 'where' filter");
}

}  // namespace minerisk::reader
