// Numbers written with a decimal comma ("12,5", "-0,75"), as spreadsheets in many locales export them. strtod
// reads none of them, so they would be lost as "not a number" without saying why; the warnings name the cause.
#pragma once
#include <cctype>
#include <string>

namespace minerisk::reader {

// True for digits, one comma, digits, with an optional sign: "12,5", "-46,7615". ("1,250" is a thousands
// separator as often; the warning's hint says both.)
inline bool has_decimal_comma(const std::string& text) {
    size_t i = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
    const size_t comma = text.find(',', i);
    if (comma == std::string::npos || comma == i || comma + 1 >= text.size()) return false;
    for (size_t k = i; k < text.size(); ++k)
        if (k != comma && !std::isdigit(static_cast<unsigned char>(text[k]))) return false;
    return true;
}

// The hint of a layer warning whose records hold such numbers.
inline const char* kDecimalCommaHint =
    "the numbers use decimal commas (12,5), which are not read as numbers: export the file with a decimal point "
    "(12.5) and no thousands separators (e.g. save the CSV from a spreadsheet set to an English locale, or "
    "replace the commas with points in the number columns)";

}  // namespace minerisk::reader
