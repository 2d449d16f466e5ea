// What yaml-cpp would let through silently and the scenario parser refuses at its line
// (engine/scenario/yaml_checks.cpp): keys given twice at any depth, also as the same number written twice
// differently; a second document; a NUL byte; CR-only line ends. And scenario text that is not UTF-8,
// read as CP1252 with a warning (engine/scenario/scenario_parser.cpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parse_fixture.hpp"

using namespace minerisk;
using namespace scenario_test;

namespace {

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

class ScenarioText : public ParseFixture {
protected:
    // The error names the scenario file, the line (and the column when `column` > 0) and holds every piece.
    void expect_error(const std::string& yaml, int line, int column, const std::vector<std::string>& pieces) const {
        const Error e = error_of(yaml);
        SCOPED_TRACE(e.what());
        EXPECT_EQ(e.where().file, kFile);
        EXPECT_EQ(e.where().line, line);
        if (column > 0) {
            EXPECT_EQ(e.where().column, column);
        }
        for (const auto& p : pieces) EXPECT_CONTAINS(e.what(), p);
    }
};

// kMinimal with a table parameter on its factor: the parser keeps tables as written, so a key given twice
// there reached the plugin as one of the two, chosen by yaml-cpp.
std::string with_classes(const std::string& classes) { return kMinimal + "      params:\n        classes: " + classes + "\n"; }

}  // namespace

TEST_F(ScenarioText, AKeyGivenTwiceDeepInsideAParameterTableIsAnErrorAtTheSecond) {
    const std::string yaml = kMinimal +
                             "      params:\n"
                             "        classes:\n"
                             "          forest: 0.4\n"
                             "          field: 0.5\n"
                             "          forest: 0.8\n";
    expect_error(yaml, 11, 11,
                 {"the key 'forest' appears twice in 'scoring.factors[1].params.classes' (first at line 9)",
                  "keep one of them"});
}

TEST_F(ScenarioText, ClassKeysThatAreTheSameNumberAreTheSameKey) {
    // Line 8 holds the table; the second key's column differs with its spelling.
    expect_error(with_classes("{1: 0.4, 2: 0.5, 1.0: 0.8}"), 8, 35, {"the key '1.0' appears twice", "'1' at line 8 is the same number"});
    expect_error(with_classes("{1: 0.4, 01: 0.8}"), 8, 27, {"the key '01' appears twice", "'1' at line 8 is the same number"});
    expect_error(with_classes("{1.0: 0.4, 1e0: 0.8}"), 8, 29, {"the key '1e0' appears twice"});
}

TEST_F(ScenarioText, DifferentNumbersAndWordsAsKeysAreAccepted) {
    const Scenario sc = parse(with_classes("{1: 0.4, 10: 0.5, 1.5: 0.6, one: 0.7, 0x1: 0.8}"));
    ASSERT_EQ(sc.scoring.factors.size(), 1u);
    ASSERT_EQ(sc.scoring.factors[0].params.size(), 1u);
    EXPECT_EQ(sc.scoring.factors[0].params[0].table.size(), 5u);
}

TEST_F(ScenarioText, AKeyGivenTwiceInAListItemIsAnError) {
    const std::string yaml = "resolution: 20\ninputs:\n  hazards: data/h.gpkg\nscoring:\n  factors:\n"
                             "    - plugin: hazard_proximity\n      weight: 1\n      weight: 2\n";
    expect_error(yaml, 8, 7, {"the key 'weight' appears twice in 'scoring.factors[1]'"});
}

TEST_F(ScenarioText, ASecondDocumentIsAnErrorAtItsMarker) {
    expect_error(kMinimal + "---\nresolution: 50\n", 7, 1, {"a second YAML document starts here", "one document"});
    expect_error(kMinimal + "--- # the rest\n", 7, 1, {"a second YAML document starts here"});
    expect_error(kMinimal + "...\nresolution: 50\n", 8, 1, {"a second YAML document starts here (after the '...'"});
}

TEST_F(ScenarioText, AMarkerBeforeTheContentOpensTheOnlyDocument) {
    EXPECT_EQ(parse("# a comment\n---\n" + kMinimal).resolution, 20);
    EXPECT_EQ(parse("%YAML 1.2\n---\n" + kMinimal).resolution, 20);
    // '---' indented inside a block of text is text, not a marker.
    EXPECT_EQ(parse(kMinimal + "description: |\n  before\n  ---\n  after\n").description, "before\n---\nafter\n");
}

TEST_F(ScenarioText, ANulByteIsAnErrorAtItsLineAndColumn) {
    std::string yaml = kMinimal + "name: ab";
    yaml += '\0';
    yaml += "cd\n";
    expect_error(yaml, 7, 9, {"the scenario holds a NUL byte", "save it as UTF-8"});
}

TEST_F(ScenarioText, CrOnlyLineEndsAreAnErrorNamingTheFile) {
    std::string mac = kMinimal;
    for (auto& c : mac)
        if (c == '\n') c = '\r';
    const Error e = error_of(mac);
    EXPECT_EQ(e.where().file, kFile);
    EXPECT_EQ(e.where().line, 1);
    EXPECT_CONTAINS(e.what(), "scenario.yaml:1: the scenario's lines end with a CR alone (old Mac line ends)");
    EXPECT_CONTAINS(e.what(), "convert the line ends to LF or CRLF");
    // One CR alone among LF line ends is refused too, at its line.
    expect_error("resolution: 20\ninputs:\r  hazards: data/h.gpkg\nscoring:\n", 2, 0, {"CR alone"});
}

TEST_F(ScenarioText, CrlfLineEndsAreAccepted) {
    std::string dos;
    for (char c : kMinimal) dos += c == '\n' ? std::string("\r\n") : std::string(1, c);
    EXPECT_EQ(parse(dos).resolution, 20);
}

TEST_F(ScenarioText, ANameThatIsNotUtf8IsReadAsCp1252WithOneWarning) {
    const Scenario sc = parse("name: Caf\xE9 \x93north\x94\n" + kMinimal);
    EXPECT_EQ(sc.name, "Caf\xC3\xA9 \xE2\x80\x9Cnorth\xE2\x80\x9D");
    ASSERT_EQ(sc.warnings.size(), 1u);
    EXPECT_CONTAINS(sc.warnings[0], "scenario.yaml:1:7: 'name' is not UTF-8 text, read as Latin-1/CP1252");
    EXPECT_CONTAINS(sc.warnings[0], "save the scenario as UTF-8");
    EXPECT_TRUE(parse("name: Caf\xC3\xA9\n" + kMinimal).warnings.empty()) << "UTF-8 text is kept without a word";
}

// Found by fuzz_scenario (a 25 s timeout): aliases of aliases, each level naming the one before ten times, make
// a few hundred bytes stand for 10^12 nodes. The duplicate-key check walked every one; it now checks each block
// once, so this document is refused at once for what it is, and a key twice inside the aliased block is still
// found at its line.
TEST_F(ScenarioText, AliasesOfAliasesAreCheckedOnceNotExpanded) {
    std::string bomb = "bomb0: &b0 {k: 1}\n";
    for (int level = 1; level <= 12; ++level) {
        bomb += "bomb" + std::to_string(level) + ": &b" + std::to_string(level) + " [";
        for (int i = 0; i < 10; ++i) bomb += (i ? ", *b" : "*b") + std::to_string(level - 1);
        bomb += "]\n";
    }
    expect_error(kMinimal + bomb, 7, 1, {"unknown key 'bomb0'"});
    std::string twice = bomb;
    twice.replace(0, twice.find('\n'), "bomb0: &b0 {k: 1, k: 2}");
    expect_error(kMinimal + twice, 7, 19, {"the key 'k' appears twice in 'bomb0'"});
}
