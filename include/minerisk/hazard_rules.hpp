// Which hazards and signs count, and how much: one set of rules, built once per run, that the factors' defaults,
// the zones, the plans and the report's words all follow (docs/scenario.md, "Hazard rules").
#pragma once
#include <map>
#include <string>
#include <vector>

namespace minerisk {

struct HazardRules {
    // Hazards whose status (trimmed, case-insensitive) is one of these are released land: listed where they touch a
    // zone, but not counted as recorded contamination. "cancelled" brings its American spelling "canceled" along.
    std::vector<std::string> excluded_statuses{"cleared", "cancelled", "canceled"};
    // A counted hazard's weight: class (by status: CHA, SHA) times ordnance; keys trimmed, case-insensitive.
    std::map<std::string, double> class_weights{{"CHA", 1.0}, {"SHA", 0.7}};
    double default_class_weight = 0.7;
    std::map<std::string, double> ordnance_weights{{"AP", 1.0}, {"AT", 0.8}, {"CM", 1.0}, {"UXO", 0.7}, {"MIXED", 1.0}};
    double default_ordnance_weight = 1.0;
    // Signs whose condition is one of these (e.g. "missing") mark nothing.
    std::vector<std::string> ignored_sign_conditions{"missing"};
    // Hazards recorded as points are discs of this radius, in metres (the hazards input's point_radius).
    double point_radius = 100.0;
    // Where the rules come from, for people: "the defaults", "the factor 'hazard_proximity'".
    std::string weights_from = "the defaults";
    std::string statuses_from = "the defaults";
    std::string signs_from = "the defaults";

    // Whether a hazard of this status counts (is not released).
    bool counts(const std::string& status) const;
    // Whether a sign in this condition marks.
    bool sign_marks(const std::string& condition) const;
    double class_weight(const std::string& status) const;
    double ordnance_weight(const std::string& ordnance) const;
    // "cleared or cancelled": the excluded statuses in words (the American spelling left out when both are there).
    std::string excluded_words() const;

    // A list as rules keep it: lower case, trimmed, and "canceled" beside "cancelled".
    static std::vector<std::string> normalised_statuses(std::vector<std::string> statuses);
};

}  // namespace minerisk
