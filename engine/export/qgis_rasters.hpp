// What the raster styles need to know of a band beyond its range: the sentinel value its description names
// ("36500 = never") and the largest real value below it.
#pragma once
#include <string>

namespace minerisk::qgis {

// The number of the first "<number> = <word>" in a band's description (36500 for "... (36500 = never; ...)"),
// with the word; NaN when there is none.
double described_sentinel(const std::string& description, std::string& word);

// The largest value of band 1 below `sentinel` (nodata excluded); false when the raster cannot be read or has
// no such value.
bool max_below(const std::string& path, double sentinel, double& max);

}  // namespace minerisk::qgis
