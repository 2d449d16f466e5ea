// Text from the inputs reaching the outputs (issue 15, "every string survives"): a CSV cell a spreadsheet
// would run as a formula is escaped the OWASP way, numbers stay numbers; bytes that are not UTF-8 are
// recoded at the door (CP1252) or replaced at the writers (U+FFFD), never copied raw.
#include <gtest/gtest.h>

#include <string>

#include "core/text.hpp"
#include "export/qgis_xml.hpp"
#include "export/report_format.hpp"

using namespace minerisk;
using report::csv_field;
using report::csv_formula_like;

TEST(CsvCells, FormulaCellsGetAQuoteAndAreQuoted) {
    EXPECT_EQ(csv_field("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    EXPECT_EQ(csv_field("=1+2"), "\"'=1+2\"");
    EXPECT_EQ(csv_field("+cmd|' /C calc'!A0"), "\"'+cmd|' /C calc'!A0\"");
    EXPECT_EQ(csv_field("-2+3"), "\"'-2+3\"");
    EXPECT_EQ(csv_field("@SUM(A1)"), "\"'@SUM(A1)\"");
    EXPECT_EQ(csv_field("\t=1"), "\"'\t=1\"");
    EXPECT_EQ(csv_field("\r=1"), "\"'\r=1\"");
    EXPECT_EQ(csv_field("-"), "\"'-\"");
}

TEST(CsvCells, NumbersAndPlainTextAreLeftAlone) {
    for (const char* n : {"-3.5", "-3", "+2", "-0.25", "-.5", "-1e-05", "1.5E+10", "0", "42"}) {
        EXPECT_FALSE(csv_formula_like(n)) << n;
        EXPECT_EQ(csv_field(n), n);
    }
    EXPECT_EQ(csv_field("Kala-e Now"), "Kala-e Now") << "a '-' inside a name is not a formula";
    EXPECT_EQ(csv_field(""), "");
    EXPECT_TRUE(csv_formula_like("-3.5x"));
    EXPECT_TRUE(csv_formula_like("-e5"));
    EXPECT_TRUE(csv_formula_like("--1"));
}

TEST(CsvCells, EveryRecordEscapesItsFormulaCells) {
    EXPECT_EQ(report::csv_record({"1", "=HYPERLINK(\"x\")", "-3.5"}), "1,\"'=HYPERLINK(\"\"x\"\")\",-3.5\r\n");
}

TEST(Utf8, WellFormedTextIsRecognised) {
    EXPECT_TRUE(text::is_utf8(""));
    EXPECT_TRUE(text::is_utf8("plain"));
    EXPECT_TRUE(text::is_utf8("Caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x92\xA3"));
    EXPECT_FALSE(text::is_utf8("Caf\xE9"));
    EXPECT_FALSE(text::is_utf8("\xC0\xAF")) << "overlong '/'";
    EXPECT_FALSE(text::is_utf8("\xED\xA0\x80")) << "a UTF-16 surrogate";
    EXPECT_FALSE(text::is_utf8("\xF4\x90\x80\x80")) << "beyond U+10FFFF";
    EXPECT_FALSE(text::is_utf8("\xE2\x82")) << "cut short";
}

TEST(Utf8, RecodingReadsStrayBytesAsCp1252AndKeepsUtf8) {
    EXPECT_EQ(text::recode_cp1252("Caf\xE9"), "Caf\xC3\xA9");
    EXPECT_EQ(text::recode_cp1252("\x80 \x93q\x94"), "\xE2\x82\xAC \xE2\x80\x9Cq\xE2\x80\x9D");
    EXPECT_EQ(text::recode_cp1252("\x81"), "\xEF\xBF\xBD") << "a byte CP1252 leaves undefined";
    EXPECT_EQ(text::recode_cp1252("\xC3\xA9 \xE9"), "\xC3\xA9 \xC3\xA9") << "valid sequences stay as they are";
    EXPECT_EQ(text::recode_cp1252("already UTF-8 \xC3\xA9"), "already UTF-8 \xC3\xA9");
    EXPECT_TRUE(text::is_utf8(text::recode_cp1252(std::string("\xFF\xFE\xC0\x80\xED\xA0\x80", 7))));
}

TEST(Utf8, TheWritersReplaceBadBytes) {
    EXPECT_EQ(text::valid_utf8("Caf\xE9!"), "Caf\xEF\xBF\xBD!");
    EXPECT_EQ(csv_field("Caf\xE9"), "Caf\xEF\xBF\xBD");
    EXPECT_EQ(report::html_escape("<Caf\xE9>"), "&lt;Caf\xEF\xBF\xBD&gt;");
    EXPECT_EQ(qgis::xml_escape("Caf\xE9"), "Caf\xEF\xBF\xBD");
}
