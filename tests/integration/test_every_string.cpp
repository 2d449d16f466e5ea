// Issue 15, "every string survives": the corpus case testdata/bad/latin1_names (a scenario name and a
// settlement name holding the Latin-1 byte 0xE9 alone, and a settlement named =HYPERLINK(...)) runs to the end,
// and every output is UTF-8 throughout: the text files byte for byte, the GeoPackage field by field. The
// names reach the outputs recoded (Café), and the formula reaches the CSVs as text a spreadsheet does not run.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "run_outputs.hpp"

namespace fs = std::filesystem;
using minerisk::test::file_bytes;

namespace {

// nlohmann-json's own check, independent of the engine's: dumping a string that is not UTF-8 throws.
bool is_utf8(const std::string& s) {
    try {
        (void)nlohmann::json(s).dump();
        return true;
    } catch (const nlohmann::json::exception&) {
        return false;
    }
}

class EveryString : public ::testing::Test {
protected:
    void SetUp() override {
        out_ = fs::temp_directory_path() / ("minerisk-strings-" + std::to_string(::getpid()));
        fs::remove_all(out_);
        const std::string scenario = std::string(MINERISK_TESTDATA) + "/bad/latin1_names/scenario.yaml";
        const std::string cmd = std::string(MINERISK_CLI) + " run -q -o '" + out_.string() + "' '" + scenario + "' > '" +
                                out_.string() + ".stdout' 2>&1";
        const int status = std::system(cmd.c_str());
        code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        printed_ = file_bytes(out_.string() + ".stdout");
    }
    void TearDown() override {
        if (!HasFailure()) fs::remove_all(out_);
        fs::remove(out_.string() + ".stdout");
    }
    fs::path out_;
    int code_ = -1;
    std::string printed_;
};

}  // namespace

TEST_F(EveryString, TheRunEndsWellAndEveryTextOutputIsUtf8) {
    ASSERT_EQ(code_, 0) << printed_;
    EXPECT_TRUE(is_utf8(printed_)) << "the summary and warnings printed";
    int text_files = 0;
    for (const auto& e : fs::recursive_directory_iterator(out_)) {
        const std::string ext = e.path().extension().string();
        if (ext != ".csv" && ext != ".json" && ext != ".html" && ext != ".qgs" && ext != ".qml" && ext != ".txt") continue;
        ++text_files;
        EXPECT_TRUE(is_utf8(file_bytes(e.path()))) << e.path() << " holds bytes that are not UTF-8";
    }
    EXPECT_GE(text_files, 5) << "run.json, report.html and the CSVs at least";
    const std::string run_json = file_bytes(out_ / "run.json");
    EXPECT_NE(run_json.find("Caf\xC3\xA9 bad input"), std::string::npos) << "the scenario's name, recoded";
    EXPECT_NE(file_bytes(out_ / "report.html").find("Caf\xC3\xA9 Demo"), std::string::npos) << "the settlement's name";
}

TEST_F(EveryString, ASettlementNamedLikeAFormulaIsTextInTheCsv) {
    ASSERT_EQ(code_, 0) << printed_;
    const std::string csv = file_bytes(out_ / "settlements.csv");
    // OWASP: a leading single quote, and the cell quoted (its own quotes doubled).
    EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\","), std::string::npos) << csv;
    EXPECT_EQ(csv.find(",=HYPERLINK"), std::string::npos) << "no cell starts with '='";
    EXPECT_NE(csv.find("Caf\xC3\xA9 Demo"), std::string::npos);
}

TEST_F(EveryString, EveryStringOfTheGeoPackageIsUtf8) {
    ASSERT_EQ(code_, 0) << printed_;
    GDALAllRegister();
    int strings = 0;
    bool recoded_name = false;
    for (const auto& e : fs::directory_iterator(out_)) {
        if (e.path().extension() != ".gpkg") continue;
        GDALDatasetUniquePtr ds(GDALDataset::Open(e.path().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
        ASSERT_TRUE(ds) << e.path();
        for (OGRLayer* layer : ds->GetLayers()) {
            if (const char* d = layer->GetMetadataItem("DESCRIPTION")) {
                EXPECT_TRUE(is_utf8(d)) << layer->GetName();
            }
            for (auto& f : *layer) {
                for (int i = 0; i < f->GetFieldCount(); ++i) {
                    if (f->GetFieldDefnRef(i)->GetType() != OFTString || !f->IsFieldSetAndNotNull(i)) continue;
                    const std::string v = f->GetFieldAsString(i);
                    ++strings;
                    EXPECT_TRUE(is_utf8(v)) << layer->GetName() << "." << f->GetFieldDefnRef(i)->GetNameRef();
                    recoded_name |= v == "Caf\xC3\xA9 Demo";
                }
            }
        }
    }
    EXPECT_GT(strings, 0);
    EXPECT_TRUE(recoded_name) << "the settlement's name reaches the GeoPackage recoded";
}
