// How the exports write a zone's lists and a referral's position, the same in the GeoPackage, the CSV tables and
// the report, so that a planner sees one spelling wherever they look.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "minerisk/zones.hpp"

namespace minerisk::exports {

// A hazard as the lists name it: its id, or "#N" (its index in the hazards layer) when it has none.
std::string hazard_name(const ZoneHazard& h);
// "CHA 39, SHA 21, cancelled 4, cleared 5": the hazards counted by status (case and spaces ignored), CHA and SHA
// first, the others by name in lower case, "no status" for hazards without one. "" for none.
std::string hazard_status_summary(const std::vector<ZoneHazard>& hazards);
// "HA-0001 (CHA)", "HA-0002 (cleared)", "HA-0003 (no status)".
std::string hazard_with_status(const ZoneHazard& h);

// A settlement as the lists name it: its name, or its id when it has none.
std::string settlement_name(const ZoneSettlement& s);
// "Garagoyunabad (408)", "Kengerli (1,200)" with thousands separators when `grouped`; "Name (unknown)" when no
// population is recorded.
std::string settlement_with_population(const ZoneSettlement& s, bool grouped);
// Every settlement in reach, nearest first, joined by "; ": "Garagoyunabad (408); Sarvanli (398)" (no separators,
// for the GeoPackage and zones.csv).
std::string settlements_with_population(const Zone& z);

}  // namespace minerisk::exports
