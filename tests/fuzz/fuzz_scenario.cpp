// libFuzzer target: the scenario parser (parse_scenario), on any bytes.
//
// parse_scenario may refuse its input, and must do so with minerisk::Error (file, line, column, hint). Any
// other exception, a crash, a leak or undefined behaviour (ASan + UBSan are on) is a bug.
//
// Relative input paths are resolved against testdata/demo, so that scenarios naming the demo's files (the seed
// corpus does) get past the "file does not exist" checks and deeper into the parser. The parser only checks
// that the files exist; it opens none of them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "minerisk/error.hpp"
#include "minerisk/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const minerisk::Scenario sc = minerisk::parse_scenario(text, "fuzz.yaml", MINERISK_FUZZ_SCENARIO_DIR);
        // A scenario that parses must be usable as it is: touch what later stages read first.
        for (const auto& in : sc.inputs) (void)sc.input(in.role);
    } catch (const minerisk::Error& e) {
        (void)e.what();  // the message must be buildable too
    }
    return 0;
}
