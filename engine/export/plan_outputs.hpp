// What the plans leave for people: CSV tables, a GPX file of the proposed signs for a GPS, GeoPackage layers with
// their QGIS styles (written into minerisk.gpkg by the QGIS export), and the report's sections.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "export/qgis_styles.hpp"
#include "minerisk/run_results.hpp"
#include "minerisk/plans.hpp"

class GDALDataset;
class OGRSpatialReference;

namespace minerisk::exports {

using plans::OutreachPlan;
using plans::ProposedSign;
using plans::RankSpread;
using plans::ScheduledSession;
using plans::PlansResult;
using plans::SignPlan;
using plans::Stability;

// rank_stability.csv: one row per zone, then one per settlement, by base rank.
std::string stability_csv(const Stability& st);
// sign_plan.csv: the proposed signs in order, with the working-CRS and WGS 84 positions and the reason.
std::string sign_plan_csv(const SignPlan& plan);
// sign_plan.gpx: GPX 1.1 waypoints in WGS 84, named S001, S002, ... in order (the hazard in <cmt>, the reason in
// <desc>). Throws Error when a sign has no WGS 84 position.
std::string sign_plan_gpx(const SignPlan& plan, const std::string& title);
// outreach_plan.csv: one row per session, by week, then facilitator.
std::string outreach_plan_csv(const OutreachPlan& plan);

// Writes the CSV and GPX files of the plans done into `dir` (each through a temporary name). Returns them.
std::vector<OutputFile> write_plan_files(const PlansResult& plans, const std::string& dir, const std::string& title);

// GeoPackage layers, written into an open dataset (the QGIS export's minerisk.gpkg or zones.gpkg): points in the
// working CRS (`srs`, may be null), geometry column "geom", feature id "fid". `path` names the file in errors.
inline constexpr const char* kSignLayer = "sign_plan";
inline constexpr const char* kOutreachLayer = "outreach_plan";
void write_sign_layer(GDALDataset& ds, const SignPlan& plan, OGRSpatialReference* srs, const std::string& path);
void write_outreach_layer(GDALDataset& ds, const OutreachPlan& plan, OGRSpatialReference* srs, const std::string& path);
// Their QGIS styles: proposed signs as yellow triangles outlined in red, labelled with their order; sessions as
// circles graduated by week (week 1 darkest), labelled "W3 F2" (week 3, facilitator 2).
qgis::Style sign_plan_style(double labels_below = 0);
qgis::Style outreach_plan_style(int weeks, double labels_below = 0);

// What run.json records of the plans: the settings and the headline figures of each plan done.
nlohmann::ordered_json plans_record(const PlansResult& plans);

// The report's sections (<section id="stability">, id="sign-plan", id="outreach-plan") for the plans done, and
// the contents links to them; "" when none was done.
std::string plans_html(const PlansResult& plans, const ZoneResult& zones);
std::string plans_nav(const PlansResult& plans);

}  // namespace minerisk::exports
