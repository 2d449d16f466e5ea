// Determinism: the same scenario gives the same outputs whatever the number of threads and the tile size, and
// run to run (docs/testing.md).
//
// The demo scenario is run three times: 1 thread with 1024-cell tiles, 2 threads with 384-cell tiles (tiles
// that do not divide the grid, so that edge tiles differ too), and that again. The first two compare threads
// and tiles, the last two run to run. Compared between runs:
//   - the set of files written;
//   - every raster (risk, every factor, every extra band): byte for byte. The bytes are the strongest check
//     and hold today: GDAL writes no timestamp into a GeoTIFF or COG unless asked, and minerisk asks only for
//     TIFFTAG_DATETIME = the as-of date at 00:00:00 (the day the map describes, not the clock). When the bytes differ, the pixels (full resolution and every overview)
//     and the metadata (grid, CRS, no-data, descriptions, metadata items) are compared one by one, so that the
//     failure says which of them differs;
//   - the zone tables: zones.csv and settlements.csv byte for byte, and every layer of every GeoPackage
//     (the zones layer, the settlements, layer_styles) attribute by attribute and geometry by geometry through
//     OGR: a SQLite file may differ in bytes for reasons of its own, the content must not - but for
//     layer_styles.update_time, when the run wrote the file;
//   - every other file (the GeoPackage itself, the QGIS project and styles, the report, the quick-look,
//     run.json) byte for byte, but for run.json's "stages" (the seconds and CPU seconds of each stage) and "run"
//     (start and end time, command line), the GeoPackage's timestamps (the run's start), and two
//     parts of report.html that say how the run went, not what it found:
//     the "Time per stage" section (how long each stage took, which differs from run to run by nature) and the
//     "Threads, tile size" row (which differs between these runs on purpose). comparable() leaves them out; the
//     rest of the report is compared byte for byte.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "output_compare.hpp"
#include "run_outputs.hpp"
#include "shell_run.hpp"

namespace fs = std::filesystem;
using minerisk::test::comparable;  // tests/support/run_outputs.hpp
using minerisk::test::expect_same_outputs;
using minerisk::test::file_bytes;

namespace {

using Result = minerisk::test::ShellResult;

// Runs the CLI with arguments, capturing stdout and stderr.
Result cli(const std::string& args, const fs::path& scratch) {
    return minerisk::test::run_shell(std::string(MINERISK_CLI) + " " + args, scratch);
}

TEST(Determinism, OutputsAreIdenticalWhateverThreadsAndTiles) {
    GDALAllRegister();
    const fs::path base = fs::temp_directory_path() / ("minerisk-det-" + std::to_string(::getpid()));
    fs::remove_all(base);
    fs::create_directories(base);
    const std::string scenario = std::string(MINERISK_TESTDATA) + "/demo/scenario.yaml";
    struct Run {
        std::string name, options;
    };
    const std::vector<Run> runs = {{"j1-t1024", "-j 1 --tile-size 1024"},
                                   {"j2-t384", "-j 2 --tile-size 384"},
                                   {"j2-t384-again", "-j 2 --tile-size 384"}};
    for (const auto& r : runs) {
        const Result res = cli("run -q " + r.options + " -o " + (base / r.name).string() + " " + scenario, base);
        ASSERT_EQ(res.code, 0) << r.name << ": " << res.err;
    }
    expect_same_outputs(base / "j1-t1024", base / "j2-t384", "1 thread, 1024-cell tiles against 2 threads, 384-cell tiles");
    expect_same_outputs(base / "j2-t384", base / "j2-t384-again", "run to run (2 threads, 384-cell tiles)");
    if (!HasFailure()) fs::remove_all(base);  // kept on failure, to look at
}

}  // namespace
