// A FIFO, a device, a folder or an oversized scenario is refused from stat(), before anything opens it.
// Opening a FIFO for reading blocks until a writer comes, so each call on a FIFO runs in a child process (a
// gtest death test) under an alarm: if the code opened the FIFO, the child would hang, the alarm would kill
// it, and the test would fail instead of hanging the test run.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "minerisk/file_check.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/scenario.hpp"
#include "plugin_harness.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace minerisk;

namespace {

struct TempDir : test::TempDir {
    TempDir() : test::TempDir("minerisk-special") {}
    std::string fifo(const std::string& name) const {
        const std::string p = file(name);
        EXPECT_EQ(::mkfifo(p.c_str(), 0600), 0) << p;
        return p;
    }
};

// In the child: the call must throw an Error; its message goes to stderr for the parent's regex. Exit code
// 0 means refused, 1 not refused, SIGALRM (after 60 s) hung on an open.
void refused_in_child(const std::function<void()>& call) {
    ::alarm(60);
    try {
        call();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "refused: %s\n", e.what());
        std::exit(0);
    }
    std::fprintf(stderr, "not refused\n");
    std::exit(1);
}

const char* kScoring = "scoring:\n  factors:\n    - plugin: hazard_proximity\n";

void write_hazards(const std::string& path) {
    std::ofstream(path) << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},)"
                           R"("geometry":{"type":"Polygon","coordinates":[[[46.76,39.74],[46.77,39.74],[46.77,39.75],[46.76,39.74]]]}}]})";
}

}  // namespace

TEST(ScenarioSpecialFiles, AFifoAsTheScenarioIsRefusedWithoutOpeningIt) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    TempDir d;
    const std::string fifo = d.fifo("scenario.yaml");
    EXPECT_EXIT(refused_in_child([&] { load_scenario(fifo); }), ::testing::ExitedWithCode(0),
                "refused: .*scenario.yaml: cannot read the scenario file: it is a named pipe \\(FIFO\\), not a file");
}

TEST(ScenarioSpecialFiles, DevZeroAsTheScenarioIsRefusedAsACharacterDevice) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(refused_in_child([] { load_scenario("/dev/zero"); }), ::testing::ExitedWithCode(0),
                "refused: /dev/zero: cannot read the scenario file: it is a character device");
}

TEST(ScenarioSpecialFiles, AFolderAsTheScenarioIsRefused) {
    TempDir d;
    try {
        load_scenario(d.path.string());
        FAIL() << "a folder was read as a scenario";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("it is a folder, not a file"), std::string::npos) << e.what();
    }
}

TEST(ScenarioSpecialFiles, AScenarioOverTheSizeLimitIsRefusedWithItsSize) {
    TempDir d;
    const std::string big = d.file("big.yaml");
    { std::ofstream(big) << "name: big\n"; }
    fs::resize_file(big, kMaxScenarioBytes + 1);  // sparse: no 4 MiB written
    try {
        load_scenario(big);
        FAIL() << "an oversized scenario was read";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("4.0 MiB, over the limit of 4.0 MiB"), std::string::npos) << e.what();
    }
    fs::resize_file(big, kMaxScenarioBytes);  // at the limit: read (and refused for its content, not its size)
    try {
        load_scenario(big);
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).find("over the limit"), std::string::npos) << e.what();
    }
}

TEST(ScenarioSpecialFiles, AFifoAsAnInputPathIsRefusedAtItsLine) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    TempDir d;
    d.fifo("hazards.geojson");
    const std::string text = std::string("name: t\ncrs: EPSG:32638\nresolution: 10\ninputs:\n  hazards: hazards.geojson\n") + kScoring;
    EXPECT_EXIT(refused_in_child([&] { parse_scenario(text, d.file("s.yaml"), d.path.string()); }),
                ::testing::ExitedWithCode(0),
                "refused: .*s.yaml:5:12: input file '.*hazards.geojson' for hazards is a named pipe \\(FIFO\\), not a file");
}

TEST(ScenarioSpecialFiles, AFolderAsAnInputIsRefusedButAFileGeodatabaseIsNot) {
    TempDir d;
    fs::create_directories(d.path / "data");
    fs::create_directories(d.path / "survey.gdb");
    const std::string head = "name: t\ncrs: EPSG:32638\nresolution: 10\ninputs:\n  hazards: ";
    try {
        parse_scenario(head + "data\n" + kScoring, d.file("s.yaml"), d.path.string());
        FAIL() << "a folder was taken as an input";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("for hazards is a folder, not a file"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(parse_scenario(head + "survey.gdb\n" + kScoring, d.file("s.yaml"), d.path.string()));
}

TEST(InputsSpecialFiles, TheReaderRefusesAFifoWithoutOpeningIt) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    TempDir d;
    write_hazards(d.file("hazards.geojson"));
    const std::string text = std::string("name: t\ncrs: EPSG:32638\nresolution: 10\ninputs:\n  hazards: hazards.geojson\n") + kScoring;
    Scenario sc = parse_scenario(text, d.file("s.yaml"), d.path.string());
    sc.inputs[0].source = d.fifo("pipe.geojson");  // as a program could set it, past load_scenario's check
    EXPECT_EXIT(refused_in_child([&] { load_inputs(sc); }), ::testing::ExitedWithCode(0),
                "refused: .*pipe.geojson.*cannot open the hazards input: it is a named pipe \\(FIFO\\), not a file");
}

TEST(InputsSpecialFiles, RasterFactorRefusesAFifoWithoutOpeningIt) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    TempDir d;
    const std::string fifo = d.fifo("landuse.tif");
    EXPECT_EXIT(refused_in_child([&] {
                    Inputs inputs;
                    const auto plugin = test::load_builtin("raster_factor");
                    const auto r = test::run_plugin(plugin, inputs, test::make_grid(10, 8, 10, 1000, 2000),
                                                    {test::param("path", fifo)}, 0, 0);
                    if (!r.error.empty()) throw std::runtime_error(r.error);
                }),
                ::testing::ExitedWithCode(0), "refused: .*cannot open raster '.*landuse.tif': it is a named pipe \\(FIFO\\)");
}

TEST(InputsSpecialFiles, ConnectionStringsAndVirtualPathsAreNotStatted) {
    EXPECT_TRUE(files::is_not_a_local_path("PG:dbname=x host=/dev/zero"));
    EXPECT_TRUE(files::is_not_a_local_path("/vsizip//dev/zero"));
    EXPECT_TRUE(files::is_not_a_local_path("postgresql://u@h/db"));
    EXPECT_FALSE(files::is_not_a_local_path("/dev/zero"));
    EXPECT_EQ(files::not_a_file("/vsizip//dev/zero"), "");
    EXPECT_NE(files::not_a_file("/dev/zero"), "");
    EXPECT_EQ(files::not_a_file("/no/such/file"), "");  // missing: each caller's own message
}
