// Counts beyond any plausible record (a population of 1e308, 1e308 killed) are treated as missing with a
// warning naming the feature, and no number formatter overflows a long long on them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/text.hpp"
#include "io/plausible_counts.hpp"
#include "minerisk/layer.hpp"
#include "minerisk/scenario.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace minerisk;

namespace {

struct TempDir : test::TempDir {
    TempDir() : test::TempDir("minerisk-plausible") {}
};

Inputs load_csv(const TempDir& d, const std::string& csv, const std::string& inputs_yaml) {
    std::ofstream(d.file("t.csv")) << csv;
    const std::string text = "name: t\ncrs: EPSG:32638\nresolution: 10\ninputs:\n" + inputs_yaml +
                             "scoring:\n  factors:\n    - plugin: hazard_proximity\n";
    return load_inputs(parse_scenario(text, d.file("s.yaml"), d.path.string()));
}

bool warned(const Inputs& in, const std::string& text) {
    for (const auto& w : in.warnings)
        if (w.find(text) != std::string::npos) return true;
    return false;
}

const char* kPoints = "  hazards:\n    path: t.csv\n    x: lon\n    y: lat\n    crs: EPSG:4326\n";

}  // namespace

TEST(InputsPlausibleCounts, APopulationAbove50MillionIsMissingWithAWarningNamingTheFeature) {
    TempDir d;
    const Inputs in = load_csv(d, "id,lon,lat,pop\nS-1,47,40,1e308\nS-2,47,40.01,50000000\nS-3,47,40.02,50000001\n",
                               std::string(kPoints) + "  settlements:\n    path: t.csv\n    x: lon\n    y: lat\n"
                               "    crs: EPSG:4326\n    fields: {id: id, population: pop}\n");
    const Column* pop = in.find("settlements")->column("population");
    EXPECT_TRUE(std::isnan(pop->number[0]));
    EXPECT_EQ(pop->number[1], 50e6);  // at the bound: kept
    EXPECT_TRUE(std::isnan(pop->number[2]));
    EXPECT_TRUE(warned(in, "2 value(s) of role 'population' unreadable, treated as missing")) << in.warnings.size();
    EXPECT_TRUE(warned(in, "(line 2, 'S-1') has 1e308 in pop, above the plausible 50,000,000 for one settlement"));
}

TEST(InputsPlausibleCounts, CasualtiesAbove10000PerIncidentAreMissingSoNoDensityIsInfinite) {
    TempDir d;
    const Inputs in = load_csv(d, "id,lon,lat,k,i\nI-1,47,40,1e308,2\nI-2,47,40.01,3,10001\n",
                               std::string(kPoints) + "  incidents:\n    path: t.csv\n    x: lon\n    y: lat\n"
                               "    crs: EPSG:4326\n    fields: {id: id, killed: k, injured: i}\n");
    const Column* killed = in.find("incidents")->column("killed");
    const Column* injured = in.find("incidents")->column("injured");
    EXPECT_TRUE(std::isnan(killed->number[0]));
    EXPECT_EQ(killed->number[1], 3);
    EXPECT_EQ(injured->number[0], 2);
    EXPECT_TRUE(std::isnan(injured->number[1]));
    EXPECT_TRUE(warned(in, "'I-1') has 1e308 in k, above the plausible 10,000 for one incident"));
    EXPECT_TRUE(warned(in, "'I-2') has 10001 in i, above the plausible 10,000 for one incident"));
}

TEST(InputsPlausibleCounts, TheBoundsAreTheDocumentedOnes) {
    EXPECT_EQ(reader::plausible_bound("population"), 50e6);
    EXPECT_EQ(reader::plausible_bound("reached"), 50e6);
    EXPECT_EQ(reader::plausible_bound("killed"), 1e4);
    EXPECT_EQ(reader::plausible_bound("injured"), 1e4);
    EXPECT_EQ(reader::plausible_bound("casualties"), 1e4);
    EXPECT_EQ(reader::plausible_bound("radius"), 0);
}

TEST(InputsPlausibleCounts, GroupedNumbersDoNotOverflowALongLong) {
    EXPECT_EQ(text::grouped_magnitude(1240.4), "1,240");
    EXPECT_EQ(text::grouped_magnitude(1e308), "1e+308");  // once -9223372036854775808
    EXPECT_EQ(text::grouped_magnitude(-9.3e18), "9.3e+18");
    EXPECT_EQ(text::grouped_magnitude(std::nan("")), "?");
}
