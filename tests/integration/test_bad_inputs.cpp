// The corpus of bad inputs (testdata/bad/): every case is run through the minerisk command line and must
// give the error or the warning its line of testdata/bad/cases.tsv names, and never crash.
//
//   exit 1 cases: exactly one line on stderr, "minerisk: error: <where>: <problem>. <hint>", holding every
//                 expected text; a failed `run` leaves no risk.tif behind;
//   exit 0 cases: the run goes on (`run` writes its outputs); every expected text is in what it prints and
//                 in a warning of run.json, and report.html lists every warning of run.json (HTML-escaped).
// Whatever the case, the exit code is 0 or 1: a signal, 2 (a command line minerisk did not understand) or 3
// (internal error) is a bug.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = fs::path(MINERISK_TESTDATA) / "bad";

struct BadCase {
    std::string name;
    std::string command;  // validate | run
    int exit = 0;
    std::vector<std::string> expect;     // texts that must appear
    std::vector<std::string> forbidden;  // texts that must not appear ('!' in the manifest)
};

// GoogleTest prints a parameter in test names and failures: the case's folder, not its bytes.
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, '\t')) out.push_back(cell);
    return out;
}

std::vector<BadCase> load_manifest() {
    std::vector<BadCase> cases;
    std::ifstream in(kCorpus / "cases.tsv");
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        const auto cells = split_tabs(line);
        BadCase c;
        if (cells.size() >= 1) c.name = cells[0];
        if (cells.size() >= 2) c.command = cells[1];
        if (cells.size() >= 3) c.exit = std::atoi(cells[2].c_str());
        for (size_t i = 3; i < cells.size(); ++i) {
            if (cells[i].empty()) continue;
            if (cells[i][0] == '!') c.forbidden.push_back(cells[i].substr(1));
            else c.expect.push_back(cells[i]);
        }
        cases.push_back(c);
    }
    return cases;
}

struct Result {
    bool exited = false;
    int code = -1;
    int signal = 0;
    std::string out, err;
};

std::string read_file(const fs::path& p) {
    std::stringstream ss;
    ss << std::ifstream(p, std::ios::binary).rdbuf();
    return ss.str();
}

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// Runs the CLI from the corpus folder (so that messages hold paths relative to it, as a user would see).
Result cli(const std::string& args, const fs::path& scratch) {
    const fs::path out = scratch / "stdout.txt", err = scratch / "stderr.txt";
    const std::string cmd = "cd " + quoted(kCorpus) + " && " + std::string(MINERISK_CLI) + " " + args + " >" +
                            quoted(out) + " 2>" + quoted(err);
    const int status = std::system(cmd.c_str());
    Result r;
    // The shell reports a child killed by a signal as exit status 128 + the signal.
    if (WIFEXITED(status)) {
        r.exited = true;
        r.code = WEXITSTATUS(status);
        if (r.code > 128) r.exited = false, r.signal = r.code - 128;
    } else if (WIFSIGNALED(status)) {
        r.signal = WTERMSIG(status);
    }
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
}

std::string html_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

class BadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInput, Case) {
    const BadCase& c = GetParam();
    ASSERT_TRUE(c.command == "validate" || c.command == "run") << "cases.tsv: unknown command '" << c.command << "' for " << c.name;
    ASSERT_TRUE(c.exit == 0 || c.exit == 1) << "cases.tsv: exit must be 0 or 1 for " << c.name;
    ASSERT_TRUE(fs::exists(kCorpus / c.name / "scenario.yaml")) << c.name;

    const fs::path scratch = fs::temp_directory_path() / ("minerisk-bad-" + std::to_string(::getpid()) + "-" + c.name);
    fs::remove_all(scratch);
    fs::create_directories(scratch);
    const fs::path out_dir = scratch / "out";
    const std::string scenario = c.name + "/scenario.yaml";
    const Result r = c.command == "run" ? cli("run -q -o " + quoted(out_dir) + " " + scenario, scratch)
                                        : cli("validate -q " + scenario, scratch);
    const std::string both = r.out + r.err;

    ASSERT_TRUE(r.exited) << c.name << ": minerisk was killed by signal " << r.signal << "\nstderr:\n" << r.err;
    ASSERT_NE(r.code, 3) << c.name << ": internal error\n" << r.err;
    ASSERT_NE(r.code, 2) << c.name << ": the command line was refused\n" << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
    ASSERT_EQ(r.code, c.exit) << c.name << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err;

    for (const auto& f : c.forbidden) EXPECT_EQ(both.find(f), std::string::npos) << c.name << ": '" << f << "' printed\n" << both;

    if (c.exit == 1) {
        // One line: "minerisk: error: <where>: <problem>. <what to do>", holding every expected text.
        EXPECT_EQ(r.err.rfind("minerisk: error: ", 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "not one line:\n" << r.err;
        for (const auto& e : c.expect) EXPECT_NE(r.err.find(e), std::string::npos) << c.name << ": '" << e << "' not in\n" << r.err;
        if (c.command == "run") {
            EXPECT_FALSE(fs::exists(out_dir / "risk.tif")) << "a refused run left a risk map";
        }
    } else {
        EXPECT_EQ(r.err, "") << c.name;
        for (const auto& e : c.expect) EXPECT_NE(r.out.find(e), std::string::npos) << c.name << ": '" << e << "' not in\n" << r.out;
        if (c.command == "run") {
            ASSERT_TRUE(fs::exists(out_dir / "run.json")) << c.name;
            const auto j = nlohmann::json::parse(read_file(out_dir / "run.json"));
            std::vector<std::string> warnings;
            for (const auto& w : j["warnings"]) warnings.push_back(w.get<std::string>());
            for (const auto& e : c.expect) {
                const bool listed = std::any_of(warnings.begin(), warnings.end(), [&](const std::string& w) { return w.find(e) != std::string::npos; });
                EXPECT_TRUE(listed) << c.name << ": no warning of run.json holds '" << e << "'";
            }
            // The report lists every warning of the run, and so does the summary printed at the end.
            const std::string html = read_file(out_dir / "report.html");
            ASSERT_FALSE(html.empty()) << c.name << ": no report.html";
            for (const auto& w : warnings) {
                EXPECT_NE(html.find(html_escape(w)), std::string::npos) << c.name << ": report.html does not list\n" << w;
                EXPECT_NE(r.out.find(w), std::string::npos) << c.name << ": the summary does not print\n" << w;
            }
        }
    }
    fs::remove_all(scratch);
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInput, ::testing::ValuesIn(load_manifest()),
                         [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

// The manifest and the folders agree, and the corpus stays small.
TEST(BadInputCorpus, EveryFolderHasOneLineInTheManifestAndBack) {
    std::vector<std::string> listed, folders;
    for (const auto& c : load_manifest()) listed.push_back(c.name);
    for (const auto& e : fs::directory_iterator(kCorpus))
        if (e.is_directory() && e.path().filename() != "shared") folders.push_back(e.path().filename().string());
    std::sort(listed.begin(), listed.end());
    std::sort(folders.begin(), folders.end());
    EXPECT_EQ(std::adjacent_find(listed.begin(), listed.end()), listed.end()) << "a case is listed twice";
    EXPECT_EQ(listed, folders);
    EXPECT_GE(listed.size(), 40u);
}

// docs/troubleshooting.md lists every message minerisk prints. Each text a case of the corpus expects must be
// found there as a pattern: in the text, numbers may stand as placeholders in capitals (N, X) or as other
// numbers, quoted values ('HA-007') as any quoted value, paths (dir/file.gpkg, scenario.yaml:12:3) as any
// word, and the layers' roles (hazards, incidents...) as ROLE or LAYER. Texts are matched against the whole
// page, line breaks and backquotes left out, so a message may be wrapped.
std::string as_pattern(const std::string& text) {
    static const std::regex path(R"(^(?:[A-Za-z0-9_.\-]*/[A-Za-z0-9_./\-]*|[A-Za-z0-9_\-]+\.(?:geojson|gpkg|csv|shp|fgb|tif|yaml|json))(?::[0-9]+)*:?)");
    static const std::regex number(R"(^-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)");
    static const std::regex role(R"(^(?:hazards|incidents|settlements|signs|sessions)\b)");
    static const std::regex caps(R"(^[A-Z][A-Z0-9_]+\b)");
    const std::string any_number = R"((?:-?[0-9][0-9.,]*(?:e[+-]?[0-9]+)?|[A-Z][A-Z_]*))";
    const std::string any_role = R"((?:hazards|incidents|settlements|signs|sessions|ROLE|LAYER))";
    std::string re;
    size_t i = 0;
    while (i < text.size()) {
        const bool word_start = i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_');
        const std::string rest = text.substr(i);
        std::smatch m;
        if (text[i] == '\'') {
            const size_t close = text.find('\'', i + 1);
            if (close != std::string::npos) {
                re += "'[^']*'";
                i = close + 1;
                continue;
            }
        }
        if (word_start && std::regex_search(rest, m, path) && m.length(0) > 0) {
            re += R"(\S*)";
        } else if (word_start && std::regex_search(rest, m, number)) {
            re += any_number;
        } else if (word_start && std::regex_search(rest, m, role)) {
            re += any_role;
        } else if (word_start && std::regex_search(rest, m, caps)) {
            re += "[A-Z][A-Za-z0-9_]*";
        } else {
            const char c = text[i];
            if (std::strchr(R"(\^$.|?*+()[]{}/)", c)) re += '\\';
            re += c;
            i += 1;
            continue;
        }
        i += static_cast<size_t>(m.length(0));
    }
    return re;
}

TEST(BadInputCorpus, EveryMessageIsInTroubleshooting) {
    const std::string raw = read_file(fs::path(MINERISK_TESTDATA) / ".." / "docs" / "troubleshooting.md");
    ASSERT_FALSE(raw.empty()) << "docs/troubleshooting.md not found";
    std::string doc;
    for (size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '`') continue;
        if (c == '\n' || c == ' ') {
            while (i + 1 < raw.size() && (raw[i + 1] == ' ' || raw[i + 1] == '\n')) ++i;
            doc += ' ';
            continue;
        }
        doc += c;
    }
    size_t checked = 0;
    for (const auto& c : load_manifest())
        for (const auto& e : c.expect) {
            const std::string pattern = as_pattern(e);
            EXPECT_TRUE(std::regex_search(doc, std::regex(pattern)))
                << c.name << ": docs/troubleshooting.md has no message matching\n  " << e << "\n(as the pattern " << pattern << ")";
            ++checked;
        }
    EXPECT_GT(checked, 100u);
    // The pattern is strict enough to fail: a message that is not in the page is not found.
    EXPECT_FALSE(std::regex_search(doc, std::regex(as_pattern("the hazards layer 'hazards' has no colour"))));
    EXPECT_FALSE(std::regex_search(doc, std::regex(as_pattern("3 feature(s) painted blue"))));
}

TEST(BadInputCorpus, IsUnderOneMegabyte) {
    std::uintmax_t bytes = 0;
    for (const auto& e : fs::recursive_directory_iterator(kCorpus))
        if (e.is_regular_file()) bytes += e.file_size();
    EXPECT_LT(bytes, 1u << 20);
}

}  // namespace
