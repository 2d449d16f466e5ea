// Small text helpers shared by the engine's stages (engine-private).
#pragma once
#include <string>
#include <vector>

namespace minerisk::text {

// The parts with `sep` between them: join({"a", "b"}) == "a, b"; "" for none.
std::string join(const std::vector<std::string>& parts, const char* sep = ", ");

}  // namespace minerisk::text
