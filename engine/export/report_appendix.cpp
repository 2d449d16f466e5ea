// report.html's appendix: the zones after the first ten, in a compact table (zones.csv has every figure), and the
// technical details a GIS officer needs to repeat or check the run: the inputs with their paths, the factors with
// their plugin ids and parameters, the zone settings by their configuration keys, the grid, the scenario file and
// the libraries' versions, and the time per stage. The body of the report says all this in planners' words.
#include <gdal.h>
#include <geos_c.h>
#include <proj.h>

#include <sstream>
#include <string>
#include <vector>

#include "export/report_sections.hpp"
#include "export/zone_text.hpp"
#include "minerisk/dates.hpp"
#include "minerisk/version.hpp"

namespace minerisk::report {

namespace {

std::string esc(const std::string& s) { return html_escape(s); }

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

std::string method_meaning(const std::string& m) {
    if (m == "weighted_sum") return "the weighted mean of the factor scores";
    if (m == "weighted_product") return "the weighted geometric mean of the factor scores (a factor at 0 gives 0)";
    if (m == "maximum") return "the highest weighted factor score";
    if (m == "likelihood_consequence")
        return "likelihood x consequence: the weighted mean of the likelihood factors times that of the consequence factors";
    return "";
}


void write_inputs(std::ostringstream& o, const ExportContext& ctx) {
    o << "<section id=\"inputs\">\n<h2>Inputs</h2>\n";
    if (!ctx.plan) {
        o << "<p class=\"muted\">Not recorded.</p>\n</section>\n";
        return;
    }
    const Inputs& in = ctx.plan->inputs;
    o << "<p>Working CRS: <strong>" << esc(in.crs_name) << "</strong>";
    if (!in.crs_reason.empty()) o << " (" << esc(in.crs_reason) << ")";
    o << ". Every layer was reprojected to it; invalid polygons were repaired; hazards recorded as points or lines were "
         "turned into areas (buffered).</p>\n";
    o << "<table class=\"inputs\">\n<thead><tr><th>Layer</th><th>Source</th><th>CRS of the source</th><th class=\"n\">Read</th>"
         "<th class=\"n\">Used</th><th class=\"n\">Repaired</th><th class=\"n\">Buffered</th><th class=\"n\">Skipped</th>"
         "<th>Why skipped</th></tr></thead>\n<tbody>\n";
    for (const auto& l : in.layers) {
        const LayerStats& s = l.stats;
        const long long skipped = s.skipped_null + s.skipped_empty + s.skipped_bad;
        std::vector<std::string> why;
        if (s.skipped_null) why.push_back(human_int(s.skipped_null) + " without geometry");
        if (s.skipped_empty) why.push_back(human_int(s.skipped_empty) + " empty");
        if (s.skipped_bad) why.push_back(human_int(s.skipped_bad) + " unreadable or collapsed");
        o << "<tr class=\"input-row\"><td>" << esc(l.role) << "</td><td class=\"path\">" << esc(s.source);
        if (!s.layer_name.empty()) o << " <span class=\"list\">(layer " << esc(s.layer_name) << ")</span>";
        o << "</td><td>" << esc(s.source_crs) << "</td><td class=\"n\">" << human_int(s.read) << "</td><td class=\"n\">"
          << human_int(s.loaded) << "</td><td class=\"n\">" << human_int(s.repaired) << "</td><td class=\"n\">"
          << human_int(s.buffered) << "</td><td class=\"n\">" << human_int(skipped) << "</td><td>" << esc(joined(why))
          << "</td></tr>\n";
    }
    if (in.layers.empty()) o << "<tr><td colspan=\"9\" class=\"muted\">No input layer recorded.</td></tr>\n";
    o << "</tbody>\n</table>\n</section>\n";
}


void write_parameters(std::ostringstream& o, const ExportContext& ctx) {
    o << "<section id=\"parameters\">\n<h2>Parameters</h2>\n";
    if (!ctx.plan) {
        o << "<p class=\"muted\">Not recorded.</p>\n</section>\n";
        return;
    }
    const RunPlan& p = *ctx.plan;
    const Scenario& sc = p.scenario;
    const std::string& method = sc.scoring.method;
    o << "<p>Scoring method: <strong>" << esc(method) << "</strong>";
    const std::string meaning = method_meaning(method);
    if (!meaning.empty()) o << ", " << esc(meaning);
    o << ".</p>\n";
    const bool groups = method == "likelihood_consequence";
    o << "<table class=\"factors\">\n<thead><tr><th>Factor</th><th>Plugin</th><th>Version</th><th class=\"n\">Weight</th>";
    if (groups) o << "<th>Group</th>";
    o << "<th>Parameters</th></tr></thead>\n<tbody>\n";
    for (const auto& f : p.factors) {
        o << "<tr><td>" << esc(f.spec.name) << "</td><td>" << esc(f.plugin ? f.plugin->name : f.spec.plugin) << "</td><td>"
          << esc(f.plugin ? f.plugin->version : std::string()) << "</td><td class=\"n\">" << human_trim(f.spec.weight, 3) << "</td>";
        if (groups) o << "<td>" << esc(f.spec.group) << "</td>";
        const std::string params = f.params.describe();
        o << "<td>" << (params.empty() ? "<span class=\"muted\">defaults</span>" : esc(params)) << "</td></tr>\n";
    }
    if (p.factors.empty()) o << "<tr><td colspan=\"" << (groups ? 6 : 5) << "\" class=\"muted\">No factor recorded.</td></tr>\n";
    o << "</tbody>\n</table>\n";

    const ZonesSpec& z = sc.zones;
    o << "<h3>Zones</h3>\n<table class=\"kv zone-settings\">\n<tbody>\n";
    auto row = [&](const std::string& k, const std::string& v, const std::string& meaning_text) {
        o << "<tr><th>" << esc(k) << "</th><td class=\"n\">" << esc(v) << "</td><td class=\"muted\">" << esc(meaning_text) << "</td></tr>\n";
    };
    if (z.top_percent)
        row("top_percent", human_trim(*z.top_percent, 2) + " %", "zones cover the riskiest share of the area");
    else
        row("threshold", human_trim(z.threshold.value_or(0.5), 3), "combined risk at or above which a cell can be in a zone");
    if (ctx.zones()) row("threshold used", human_trim(ctx.zones()->threshold, 3), "the risk threshold actually applied");
    row("min_area", human_trim(z.min_area / 10000.0, 2) + " ha", "smaller zones are dropped");
    row("fill_holes", human_trim(z.fill_holes / 10000.0, 2) + " ha", "smaller holes inside a zone are filled");
    row("reach", human_metres(z.reach), "settlements this close to a zone are in reach of it");
    row("recent_days", human(z.recent_days, 0) + " days", "incidents this recent (before the as-of date) count as recent");
    row("survey_distance", human_metres(z.survey_distance), "incidents farther than this from any hazard suggest unrecorded contamination");
    row("sign_cover", human_metres(z.sign_cover), "a sign covers the hazard perimeter this close to it");
    row("session_stale_days", human(z.session_stale_days, 0) + " days", "a settlement whose last session is older needs one");
    o << "</tbody>\n</table>\n";

    o << "<h3>Grid and time</h3>\n<table class=\"kv run-settings\">\n<tbody>\n";
    auto kv = [&](const std::string& k, const std::string& v) {
        o << "<tr><th>" << esc(k) << "</th><td>" << esc(v) << "</td></tr>\n";
    };
    kv("Grid", p.grid.width > 0 ? p.grid.describe() : std::string("-"));
    kv("CRS", p.inputs.crs_name + (p.inputs.crs_reason.empty() ? "" : " (" + p.inputs.crs_reason + ")"));
    kv("As of", date_to_string(p.as_of) + (p.as_of_reason.empty() ? "" : " (" + p.as_of_reason + ")"));
    kv("Threads, tile size", std::to_string(p.threads) + ", " + std::to_string(p.tile_size) + " cells");
    if (!sc.file.empty()) kv("Scenario file", sc.file);
    o << "</tbody>\n</table>\n</section>\n";
}

void write_timing(std::ostringstream& o, const ExportContext& ctx) {
    o << "<section id=\"timing\">\n<h2>Time per stage</h2>\n";
    std::vector<StageTime> stages;
    if (ctx.summary) stages = ctx.summary->stages;
    if (stages.empty() && ctx.plan) stages = ctx.plan->stages;
    if (stages.empty()) {
        o << "<p class=\"muted\">Not recorded.</p>\n</section>\n";
        return;
    }
    double total = 0;
    o << "<table class=\"kv timing\">\n<thead><tr><th>Stage</th><th class=\"n\">Seconds</th></tr></thead>\n<tbody>\n";
    for (const auto& s : stages) {
        total += s.seconds;
        o << "<tr><td>" << esc(s.name) << "</td><td class=\"n\">" << human(s.seconds, s.seconds < 10 ? 2 : 1) << "</td></tr>\n";
    }
    o << "<tr><th>total</th><th class=\"n\">" << human(total, total < 10 ? 2 : 1) << "</th></tr>\n</tbody>\n</table>\n</section>\n";
}


// The zones after the body's first kBodyZones: rank (with the zone id, as in the body), area, mean risk, main
// factor and action. Each row keeps its id="zone-RANK", so that every link to a zone lands on its row.
void write_rest_of_zones(std::ostringstream& o, const ExportContext& ctx) {
    const std::vector<Zone> none;
    const auto& zones = ctx.zones() ? ctx.zones()->zones : none;
    if (zones.size() <= kBodyZones) return;
    o << "<section id=\"all-zones\">\n<h2>Appendix: the other zones (" << human_int(static_cast<long long>(zones.size() - kBodyZones))
      << ")</h2>\n<p class=\"small muted\">Zones " << kBodyZones + 1 << " to " << zones.size()
      << " by rank, after the first " << kBodyZones << " shown in full above. Every figure of every zone (people, hazards, "
         "incidents, marking, sessions, the reason) is in zones.csv.</p>\n"
      << "<table class=\"zones-rest\">\n<thead><tr><th>Rank</th><th class=\"n\">Area (ha)</th><th class=\"n\">Mean risk</th>"
         "<th>Main factor</th><th>Action</th></tr></thead>\n<tbody>\n";
    for (size_t i = kBodyZones; i < zones.size(); ++i) {
        const Zone& z = zones[i];
        o << "<tr id=\"zone-" << z.rank << "\" class=\"zone-row\"><th class=\"rank\" scope=\"row\">" << z.rank
          << "<span class=\"zid\">zone id " << z.id << "</span></th><td class=\"n\">" << human(z.area_m2 / 10000.0, 1)
          << "</td><td class=\"n\">" << human(z.mean_risk, 2) << "</td><td>" << esc(factor_words(ctx, z.top_factor))
          << "</td><td class=\"action\">" << esc(z.action) << "</td></tr>\n";
    }
    o << "</tbody>\n</table>\n</section>\n";
}

// The warnings the body says in plain words, as the run wrote them: with the configuration keys and paths a GIS
// officer searches run.json and the docs for. Those the body shows unchanged are not repeated.
void write_warnings_as_written(std::ostringstream& o, const ExportContext& ctx) {
    std::vector<std::string> changed;
    for (const auto& w : all_warnings(ctx))
        if (plain_words(w) != w) changed.push_back(w);
    if (changed.empty()) return;
    o << "<h3>Warnings as the run wrote them</h3>\n<ol class=\"warnings small\">\n";
    for (const auto& w : changed) o << "<li>" << esc(w) << "</li>\n";
    o << "</ol>\n";
}

void write_versions(std::ostringstream& o) {
    o << "<h3>Software</h3>\n<table class=\"kv versions\">\n<tbody>\n"
      << "<tr><th>minerisk</th><td>" << esc(MINERISK_VERSION_STRING) << "</td></tr>\n"
      << "<tr><th>GDAL</th><td>" << esc(GDALVersionInfo("RELEASE_NAME")) << "</td></tr>\n"
      << "<tr><th>GEOS</th><td>" << esc(GEOSversion()) << "</td></tr>\n"
      << "<tr><th>PROJ</th><td>" << esc(proj_info().release) << "</td></tr>\n"
      << "</tbody>\n</table>\n";
}

}  // namespace

void write_appendix(std::ostringstream& o, const ExportContext& ctx) {
    write_rest_of_zones(o, ctx);
    o << "<section id=\"technical\">\n<h2>Appendix: technical details</h2>\n<p class=\"small muted\">For the GIS officer: "
         "the files, plugin ids and configuration keys behind the figures above, to repeat or check the run.</p>\n</section>\n";
    write_inputs(o, ctx);
    write_parameters(o, ctx);
    write_warnings_as_written(o, ctx);
    write_versions(o);
    write_timing(o, ctx);
}

}  // namespace minerisk::report
