// Inputs are never written (issue 15.4): a GeoPackage with saved edits still in its write-ahead log (the state
// QGIS leaves while it edits a layer) comes out of `minerisk validate` and `minerisk run` byte for byte as it
// went in, -wal and -shm included, and the run still reads the edits the log holds.
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kShared = fs::path(MINERISK_TESTDATA) / "bad" / "shared";

std::string bytes_of(const fs::path& p) {
    std::stringstream ss;
    ss << std::ifstream(p, std::ios::binary).rdbuf();
    return ss.str();
}

// Every file of a folder with its bytes: what must be the same before and after.
std::map<std::string, std::string> folder_bytes(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out[e.path().filename().string()] = bytes_of(e.path());
    return out;
}

struct Result {
    int code = -1;
    std::string out, err;
};

Result cli(const std::string& args, const fs::path& scratch) {
    const fs::path out = scratch / "stdout.txt", err = scratch / "stderr.txt";
    const std::string cmd = std::string(MINERISK_CLI) + " " + args + " >'" + out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(cmd.c_str());
    return Result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, bytes_of(out), bytes_of(err)};
}

// hazards.gpkg in `dir` with one saved edit still in hazards.gpkg-wal: feature 6 given the id of feature 3. The
// GeoPackage is written in WAL mode and copied, with its -wal and -shm, while GDAL still holds it open (closing
// it would merge the log).
void write_gpkg_with_pending_wal(const fs::path& work, const fs::path& dir) {
    GDALAllRegister();
    const std::string made = (work / "hazards.gpkg").string();
    GDALDatasetH src = GDALOpenEx((kShared / "hazards.geojson").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
    ASSERT_NE(src, nullptr);
    const char* args[] = {"-f", "GPKG", "-nln", "hazards", nullptr};
    GDALVectorTranslateOptions* opt = GDALVectorTranslateOptionsNew(const_cast<char**>(args), nullptr);
    GDALDatasetH out = GDALVectorTranslate(made.c_str(), nullptr, 1, &src, opt, nullptr);
    GDALVectorTranslateOptionsFree(opt);
    GDALClose(src);
    ASSERT_NE(out, nullptr);
    GDALClose(out);

    CPLSetConfigOption("OGR_SQLITE_JOURNAL", "WAL");
    auto* ds = static_cast<GDALDataset*>(GDALOpenEx(made.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
    CPLSetConfigOption("OGR_SQLITE_JOURNAL", nullptr);
    ASSERT_NE(ds, nullptr);
    OGRLayer* layer = ds->GetLayerByName("hazards");
    ASSERT_NE(layer, nullptr);
    ASSERT_EQ(ds->StartTransaction(), OGRERR_NONE);
    OGRFeature* f = layer->GetFeature(6);
    ASSERT_NE(f, nullptr);
    f->SetField("hazard_id", "HA-003");
    ASSERT_EQ(layer->SetFeature(f), OGRERR_NONE);
    OGRFeature::DestroyFeature(f);
    ASSERT_EQ(ds->CommitTransaction(), OGRERR_NONE);  // committed: in the log, not yet in the file
    for (const char* suffix : {"", "-wal", "-shm"}) fs::copy_file(made + suffix, dir / (std::string("hazards.gpkg") + suffix));
    GDALClose(ds);
    ASSERT_GT(fs::file_size(dir / "hazards.gpkg-wal"), 0u) << "the edit is not in the log: the test proves nothing";
}

void write_scenario(const fs::path& dir) {
    std::ofstream(dir / "scenario.yaml") << "name: pending WAL\ncrs: EPSG:32638\nresolution: 50\nmargin: 500\n"
                                            "as_of: 2026-07-01\ninputs:\n  hazards:\n    path: hazards.gpkg\n"
                                            "    fields: {id: hazard_id, status: status}\n"
                                            "scoring:\n  factors:\n    - plugin: hazard_proximity\n      weight: 1\n"
                                            "run:\n  threads: 1\n";
}

TEST(InputsUntouched, GeoPackageWithPendingWalIsReadButNeverWritten) {
    minerisk::test::TempDir tmp("minerisk-wal");
    const fs::path in = tmp.path / "inputs", work = tmp.path / "work";
    fs::create_directories(in);
    fs::create_directories(work);
    write_gpkg_with_pending_wal(work, in);
    if (HasFatalFailure()) return;
    write_scenario(in);
    const auto before = folder_bytes(in);
    ASSERT_EQ(before.count("hazards.gpkg-wal"), 1u);

    const Result v = cli("validate -q '" + (in / "scenario.yaml").string() + "'", work);
    EXPECT_EQ(v.code, 0) << v.err;
    EXPECT_EQ(folder_bytes(in), before) << "validate wrote to the input folder";

    const Result r = cli("run -q -o '" + (work / "out").string() + "' '" + (in / "scenario.yaml").string() + "'", work);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(folder_bytes(in), before) << "run wrote to the input folder";

    // The edit in the log was read (feature 6 now shares feature 3's id), and the user is told about the log.
    EXPECT_NE(r.out.find("'HA-003' in features 3, 6"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("saved changes not yet merged into it (in hazards.gpkg-wal"), std::string::npos) << r.out;
    EXPECT_NE(v.out.find("saved changes not yet merged into it (in hazards.gpkg-wal"), std::string::npos) << v.out;
}

}  // namespace
