#pragma once
#include <string>

#include "minerisk/error.hpp"

namespace minerisk {
// Throws Error at `where` when PROJ cannot make a CRS of the text.
void check_crs_string(const std::string& text, const Location& where);
}
