// Small text helpers shared by the engine's stages (engine-private).
#pragma once
#include <string>
#include <vector>

namespace minerisk::text {

// The parts with `sep` between them: join({"a", "b"}) == "a, b"; "" for none.
std::string join(const std::vector<std::string>& parts, const char* sep = ", ");

// |v| rounded to a whole number with thousands separators: 1240.4 -> "1,240". Beyond what a long long holds
// (|v| >= 9.2e18, e.g. a population of 1e308) it is written as "1e+308" instead of overflowing to
// -9223372036854775808; not finite: "?".
std::string grouped_magnitude(double v);

}  // namespace minerisk::text

// ---- UTF-8 (engine/core/utf8.cpp) ----------------------------------------------------------------------------
// Every output (run.json, report.html, the CSVs, the GeoPackage, the QGIS project) is UTF-8, and nlohmann-json
// stops at the first byte that is not; but input attributes, paths and scenario text may come in Latin-1 or
// CP1252 (a shapefile's .dbf, a CSV saved by a spreadsheet).
namespace minerisk::text {

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code points beyond U+10FFFF).
bool is_utf8(const std::string& s);

// `s` with every byte that is not part of a well-formed UTF-8 sequence read as CP1252 (Latin-1 for the bytes
// both share): "Caf\xE9" -> "Café". The recoding of input text at the door, with a warning.
std::string recode_cp1252(const std::string& s);

// `s` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD: the last guard of
// the writers, where the text should already be UTF-8.
std::string valid_utf8(const std::string& s);

}  // namespace minerisk::text
