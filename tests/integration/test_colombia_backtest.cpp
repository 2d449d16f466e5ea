// `minerisk backtest` end to end on the Colombia example scenario (examples/colombia/scenario.yaml).
//
// The real records are never in the repository: they are read from ../shared/realdata/colombia beside the
// checkout (as CI lays it out), or, when it is set, from $MINERISK_COLOMBIA_DATA alone. Without them the test that
// needs them reports itself SKIPPED (ctest too: gtest_discover_tests marks "[  SKIPPED ]" as a skip). With them, a cut of the records (the north-west, Antioquia and around, plus the one record
// with a positive longitude) is written to a temporary folder and backtested with splits at 2006, 2008 and 2010.
// The command-line tests (help, refusals, one-line errors) need no data.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Result {
    int code = -1;
    std::string out, err;
    double seconds = 0;
};

const fs::path kScenario = fs::path(MINERISK_SOURCE_DIR) / "examples" / "colombia" / "scenario.yaml";

fs::path temp_dir(const std::string& what) {
    const fs::path d = fs::temp_directory_path() / ("minerisk-colombia-" + std::to_string(::getpid()) + "-" + what);
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

Result cli(const std::string& args) {
    const fs::path dir = temp_dir("cli-io");
    const std::string out = (dir / "out.txt").string(), err = (dir / "err.txt").string();
    const std::string cmd = std::string(MINERISK_CLI) + " " + args + " >" + out + " 2>" + err;
    const auto t0 = std::chrono::steady_clock::now();
    const int status = std::system(cmd.c_str());
    Result r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::stringstream so, se;
    so << std::ifstream(out).rdbuf();
    se << std::ifstream(err).rdbuf();
    r.out = so.str();
    r.err = se.str();
    fs::remove_all(dir);
    return r;
}

std::string slurp(const fs::path& p) {
    std::stringstream ss;
    ss << std::ifstream(p, std::ios::binary).rdbuf();
    return ss.str();
}

size_t count_lines(const std::string& s) {
    size_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

// Where the records are, or empty.
fs::path colombia_data() {
    // $MINERISK_COLOMBIA_DATA, when set, is the only place looked at (set it to an empty folder to see the skip).
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("MINERISK_COLOMBIA_DATA")) candidates.emplace_back(env);
    else candidates.push_back(fs::path(MINERISK_SOURCE_DIR) / ".." / "shared" / "realdata" / "colombia");
    for (const auto& c : candidates) {
        std::error_code ec;
        if (fs::is_regular_file(c / "events_1990_2012.csv", ec) && fs::is_regular_file(c / "victims_1990_2012.csv", ec))
            return fs::weakly_canonical(c, ec);
    }
    return {};
}

// The fields of one CSV line (quotes with commas inside, doubled quotes).
std::vector<std::string> csv_fields(const std::string& line) {
    std::vector<std::string> f(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') f.back() += '"', ++i;
            else if (c == '"') quoted = false;
            else f.back() += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            f.emplace_back();
        } else if (c != '\r') {
            f.back() += c;
        }
    }
    return f;
}

// Copies the header and the rows whose point lies in the box (or whose longitude is positive: the known fault,
// kept so that the test sees it reported), as they are written. Returns the rows kept.
int cut(const fs::path& from, const fs::path& to, const std::string& lon_col, const std::string& lat_col) {
    std::ifstream in(from);
    std::ofstream out(to);
    std::string line;
    std::getline(in, line);
    out << line << "\n";
    const auto head = csv_fields(line);
    size_t ilon = head.size(), ilat = head.size();
    for (size_t i = 0; i < head.size(); ++i) {
        if (head[i] == lon_col) ilon = i;
        if (head[i] == lat_col) ilat = i;
    }
    if (ilon == head.size() || ilat == head.size()) return -1;
    int kept = 0;
    while (std::getline(in, line)) {
        const auto f = csv_fields(line);
        if (f.size() <= std::max(ilon, ilat)) continue;
        char* end = nullptr;
        const double lon = std::strtod(f[ilon].c_str(), &end), lat = std::strtod(f[ilat].c_str(), nullptr);
        const bool in_box = lon >= -77.0 && lon <= -74.5 && lat >= 5.5 && lat <= 8.5;
        if (in_box || lon > 0) {
            out << line << "\n";
            ++kept;
        }
    }
    return kept;
}

}  // namespace

TEST(ColombiaBacktestCli, HelpNamesEveryOption) {
    const Result r = cli("backtest --help");
    ASSERT_EQ(r.code, 0) << r.err;
    for (const char* opt : {"--split", "--horizon-years", "--blocks", "--folds", "--bootstrap ", "--bootstrap-unit", "--seed",
                            "--overwrite", "--output", "--threads", "-q", "--progress", "--var", "backtest.csv", "capture.png",
                            "backtest.html"})
        EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
}

TEST(ColombiaBacktestCli, RefusesANonEmptyOutputFolderBeforeAnyWork) {
    const fs::path out = temp_dir("nonempty");
    std::ofstream(out / "keep.txt") << "earlier work\n";
    const Result r = cli("backtest " + kScenario.string() + " --var COLOMBIA=/nonexistent --split 2006 -o " + out.string());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("not empty"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--overwrite"), std::string::npos) << r.err;
    EXPECT_EQ(slurp(out / "keep.txt"), "earlier work\n");
    fs::remove_all(out);
}

TEST(ColombiaBacktestCli, ErrorsAreOneLineWithFileAndLine) {
    const fs::path out = temp_dir("errors") / "out";
    // No data folder given: the scenario's line that needs it.
    Result r = cli("backtest " + kScenario.string() + " --split 2006 -o " + out.string());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("scenario.yaml:29:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--var COLOMBIA="), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << "a failed backtest left its output folder behind";
    // A data folder without the records.
    r = cli("backtest " + kScenario.string() + " --var COLOMBIA=/nonexistent --split 2006 -o " + out.string());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("/nonexistent/events_1990_2012.csv"), std::string::npos) << r.err;
    // A split that is not a date, and no way to hold incidents out.
    r = cli("backtest " + kScenario.string() + " --split 20x6 -o " + out.string());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("'20x6' is not a date"), std::string::npos) << r.err;
    r = cli("backtest " + kScenario.string() + " -o " + out.string());
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("--split"), std::string::npos) << r.err;
    // --split and --blocks together: a command-line error.
    r = cli("backtest " + kScenario.string() + " --split 2006 --blocks 4 -o " + out.string());
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    fs::remove_all(out.parent_path());
}

TEST(ColombiaBacktest, RollingOriginOnACutOfTheRecords) {
    const fs::path data = colombia_data();
    if (data.empty())
        GTEST_SKIP() << "the Colombia records are not here (../shared/realdata/colombia or $MINERISK_COLOMBIA_DATA)";
    const fs::path dir = temp_dir("cut");
    const fs::path records = dir / "records", out = dir / "out";
    fs::create_directories(records);
    const int events = cut(data / "events_1990_2012.csv", records / "events_1990_2012.csv", "lon", "lat");
    const int victims = cut(data / "victims_1990_2012.csv", records / "victims_1990_2012.csv", "longitudcabecera", "latitudcabecera");
    ASSERT_GT(events, 1000);
    ASSERT_GT(victims, 500);

    const Result r = cli("backtest -q " + kScenario.string() + " --var COLOMBIA=" + records.string() +
                         " --split 2006,2008,2010 --bootstrap 200 -o " + out.string());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "") << "-q prints nothing but errors";
    std::cout << "[ info     ] cut of " << events << " events and " << victims << " victims backtested in " << r.seconds
              << " s\n";
    EXPECT_LT(r.seconds, 60.0);

    // Every split scores the scenario's risk and the five baselines (the last two factors are baselines only).
    for (const char* split : {"2006-01-01", "2008-01-01", "2010-01-01"})
        for (const char* surface : {"risk", "uniform", "hazard_proximity alone", "incident_density alone",
                                    "incident_density_recent alone", "incident_proximity alone"})
            EXPECT_NE(r.out.find(std::string(split) + "   " + surface), std::string::npos) << split << " " << surface << "\n" << r.out;

    // The fault in the records (a 2004 BOGOTA event at a positive longitude) is reported, naming the record, and
    // not mapped: the grid stays over Colombia.
    EXPECT_NE(r.out.find("lying far from all the other features skipped"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("74.2342, 4.19778"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("EPSG:9377"), std::string::npos);

    const std::string csv = slurp(out / "backtest.csv");
    // 3 splits and their pool, each 6 surfaces and risk minus the 5 baselines, each the AUC, 4 captures, 4 PAIs.
    EXPECT_EQ(count_lines(csv), 1u + 4 * (6 + 5) * 9) << csv;
    EXPECT_NE(csv.find("2006-01-01,uniform,capture_5,0.050000"), std::string::npos);
    EXPECT_NE(csv.find("2010-01-01,uniform,auc,0.500000"), std::string::npos);
    // The risk map beats chance clearly on every split and pooled (about 0.9 on the whole country).
    size_t pos = 0;
    int risk_aucs = 0;
    while ((pos = csv.find(",risk,auc,", pos)) != std::string::npos) {
        pos += 10;
        EXPECT_GT(std::stod(csv.substr(pos, 8)), 0.7) << csv;
        ++risk_aucs;
    }
    EXPECT_EQ(risk_aucs, 4);
    // And the paired difference says so in words, on the same rows as the figures.
    pos = csv.find("pooled,risk - uniform,auc,");
    ASSERT_NE(pos, std::string::npos) << csv;
    EXPECT_EQ(csv.substr(csv.find('\r', pos) - 14, 14), "clearly better") << csv.substr(pos, 200);
    const std::string html = slurp(out / "backtest.html");
    EXPECT_NE(html.find("data:image/png;base64,"), std::string::npos);
    EXPECT_NE(html.find("Split 2008-01-01"), std::string::npos);
    EXPECT_GT(fs::file_size(out / "capture.png"), 1000u);
    // Nothing but the three outputs: no temporary file left.
    int files = 0;
    for (const auto& e : fs::directory_iterator(out)) {
        ++files;
        EXPECT_NE(e.path().filename().string().front(), '.') << e.path();
    }
    EXPECT_EQ(files, 3);

    // --overwrite writes into the folder again, with the same figures (seeded bootstrap).
    const Result again = cli("backtest -q " + kScenario.string() + " --var COLOMBIA=" + records.string() +
                             " --split 2006,2008,2010 --bootstrap 200 --overwrite -o " + out.string());
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_EQ(slurp(out / "backtest.csv"), csv);
    fs::remove_all(dir);
}
