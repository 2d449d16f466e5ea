// How the reader's messages name layers, features and positions.
#include "io/raw_layer.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace minerisk::reader {

std::string ProblemCounter::summary() const {
    std::string s;
    for (const auto& e : examples) s += (s.empty() ? "" : "; ") + e;
    if (count > static_cast<std::int64_t>(examples.size())) s += "; ...";
    return s;
}

std::string feature_label(std::int64_t fid, const std::string& id, bool csv) {
    std::string s = "feature " + std::to_string(fid);
    std::string extra;
    if (csv && fid >= 1) extra = "line " + std::to_string(fid + 1);
    if (!id.empty()) extra += (extra.empty() ? "'" : ", '") + id + "'";
    return extra.empty() ? s : s + " (" + extra + ")";
}
std::string label(const RawLayer& raw, const RawFeature& f) { return feature_label(f.fid, f.id, raw.csv); }

std::string source_name(const std::string& source) {
    // A connection string or URL is shown whole (its host and table say which source is meant), but never
    // with its password: every warning names its layer through here.
    if (source.rfind("PG:", 0) == 0 || source.find("://") != std::string::npos) return mask_secrets(source);
    const std::string name = std::filesystem::path(source).filename().string();
    return name.empty() ? source : name;
}

std::string who(const InputSpec& in, const std::string& layer_name) {
    return in.role + " (" + source_name(in.source) + ", layer '" + layer_name + "')";
}

std::string coords_text(const RawLayer&, const OGREnvelope& env) {
    auto num = [](double v) {
        char buf[48];
        std::snprintf(buf, sizeof buf, std::fabs(v) < 1e4 ? "%.6g" : "%.1f", v);
        return std::string(buf);
    };
    return num((env.MinX + env.MaxX) / 2) + ", " + num((env.MinY + env.MaxY) / 2);
}

void drop_features(RawLayer& raw, const std::vector<char>& drop) {
    std::vector<RawFeature> keep;
    keep.reserve(raw.features.size());
    for (size_t k = 0; k < raw.features.size(); ++k)
        if (!drop[k]) keep.push_back(std::move(raw.features[k]));
    raw.features = std::move(keep);
}

}  // namespace minerisk::reader
