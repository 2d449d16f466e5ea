// Finding the quote left open behind a confusing YAML error (see yaml_quotes.hpp).
#include "scenario/yaml_quotes.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>
#include <vector>

#include "minerisk/error.hpp"

namespace minerisk::yaml {
namespace {

bool looks_like_key_line(const std::string& line) {
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i + 1 < line.size() && line[i] == '-' && line[i + 1] == ' ') {
        i += 2;
        while (i < line.size() && line[i] == ' ') ++i;
    }
    const size_t start = i;
    while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_')) ++i;
    if (i == start || !(std::isalpha(static_cast<unsigned char>(line[start])) || line[start] == '_')) return false;
    return i < line.size() && line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\r');
}

// Where each line of a text starts, to turn YAML's line and column into an offset.
struct LineStarts {
    explicit LineStarts(const std::string& text) {
        starts.push_back(0);
        for (size_t i = 0; i < text.size(); ++i)
            if (text[i] == '\n') starts.push_back(i + 1);
        size = text.size();
    }
    // Offset of a 1-based line and column; npos when out of the text.
    size_t offset_of(int line, int column) const {
        if (line < 1 || static_cast<size_t>(line) > starts.size()) return std::string::npos;
        const size_t pos = starts[static_cast<size_t>(line) - 1] + static_cast<size_t>(std::max(0, column - 1));
        return pos < size ? pos : std::string::npos;
    }
    std::vector<size_t> starts;
    size_t size = 0;
};

// Where the quote opened at `open` is closed (npos: never).
size_t closing_quote(const std::string& text, size_t open) {
    const char q = text[open];
    for (size_t i = open + 1; i < text.size(); ++i) {
        if (q == '"' && text[i] == '\\') {
            ++i;
        } else if (text[i] == q) {
            if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') ++i;
            else return i;
        }
    }
    return std::string::npos;
}

// The error for a quote opened at `open` (1-based line/column) and not closed on its line, when the
// lines it runs over look like keys; nothing otherwise (a real multi-line quoted text).
void check_quote_at(const std::string& text, size_t open, int line, int column, const std::string& file) {
    const size_t close = closing_quote(text, open);
    const size_t eol = text.find('\n', open);
    if (eol == std::string::npos || (close != std::string::npos && close < eol)) return;
    const size_t end = close == std::string::npos ? text.size() : close;
    int lines = 0;
    std::string first_key;
    for (size_t b = eol + 1; b < end;) {
        size_t e = text.find('\n', b);
        if (e == std::string::npos) e = text.size();
        const std::string l = text.substr(b, e - b);
        if (looks_like_key_line(l)) {
            ++lines;
            if (first_key.empty()) {
                first_key = l.substr(l.find_first_not_of(" -"));
                first_key = first_key.substr(0, first_key.find(':') + 1);
            }
        }
        b = e + 1;
    }
    if (lines == 0) return;
    const bool dq = text[open] == '"';
    const std::string kind = dq ? "double quote (\")" : "single quote (')";
    std::string problem = "YAML syntax error: the " + kind + " opened here is not closed on its line, so YAML reads the ";
    if (close == std::string::npos)
        problem += "rest of the file into this value (from '" + first_key + "' on; the scenario then looks empty)";
    else {
        int close_line = line;
        for (size_t i = open; i < close; ++i) close_line += text[i] == '\n';
        problem += "lines down to the next quote, on line " + std::to_string(close_line) + ", into this value (from '" +
                   first_key + "' on)";
    }
    throw Error(problem, Location{file, line, column},
                dq ? "close the quote on this line (write a \" inside the text as \\\")"
                   : "close the quote on this line (write a ' inside the text as '')");
}

// A scenario nests a few levels deep; an alias inside the node it names (`a: &x [*x]`) nests without end.
constexpr int kMaxNesting = 64;

// `seen` holds the positions of the mappings and sequences already walked: an alias is the node its anchor marks,
// at the same position, so each is walked once (aliases of aliases would otherwise multiply the walk).
void check_unclosed_quotes(const YAML::Node& node, const std::string& text, const LineStarts& lines, const std::string& file,
                           std::set<std::pair<int, int>>& seen, int depth = 0) {
    if (!node) return;
    if ((node.IsMap() || node.IsSequence()) && !node.Mark().is_null() &&
        !seen.insert({node.Mark().line, node.Mark().column}).second)
        return;
    if (depth > kMaxNesting) {
        const auto m = node.Mark();
        throw Error("the scenario nests more than " + std::to_string(kMaxNesting) + " levels deep here",
                    m.is_null() ? Location{file} : Location{file, m.line + 1, m.column + 1},
                    "a scenario needs a few levels: check the brackets and the indentation here (an alias *name "
                    "used inside the block its anchor &name marks would also repeat it without end)");
    }
    if (node.IsScalar()) {
        const auto m = node.Mark();
        if (m.is_null()) return;
        const size_t pos = lines.offset_of(m.line + 1, m.column + 1);
        if (pos != std::string::npos && (text[pos] == '"' || text[pos] == '\''))
            check_quote_at(text, pos, m.line + 1, m.column + 1, file);
    } else if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            check_unclosed_quotes(it->first, text, lines, file, seen, depth + 1);
            check_unclosed_quotes(it->second, text, lines, file, seen, depth + 1);
        }
    } else if (node.IsSequence()) {
        for (const auto& n : node) check_unclosed_quotes(n, text, lines, file, seen, depth + 1);
    }
}

}  // namespace

void check_unclosed_quotes(const YAML::Node& root, const std::string& text, const std::string& file) {
    std::set<std::pair<int, int>> walked;
    check_unclosed_quotes(root, text, LineStarts(text), file, walked);
}

// After a YAML syntax error: the first value before the error's line that opens a quote and does not close
// it on its line, with lines that look like keys after it. Such a quote is usually the real mistake, and
// YAML gives up only later, at the next quote.
void check_quotes_before(const std::string& text, int error_line, const std::string& file) {
    size_t b = 0;
    for (int line = 1; line < error_line && b < text.size(); ++line) {
        size_t e = text.find('\n', b);
        if (e == std::string::npos) e = text.size();
        const std::string l = text.substr(b, e - b);
        // The value of "key: VALUE" or "- VALUE" starts with a quote.
        size_t v = std::string::npos;
        const size_t first = l.find_first_not_of(' ');
        if (first != std::string::npos && l[first] != '#') {
            if (l.compare(first, 2, "- ") == 0) v = l.find_first_not_of(' ', first + 2);
            if (v == std::string::npos || (l[v] != '"' && l[v] != '\'')) {
                const size_t colon = l.find(": ");
                if (colon != std::string::npos && looks_like_key_line(l)) v = l.find_first_not_of(' ', colon + 2);
            }
        }
        if (v != std::string::npos && v < l.size() && (l[v] == '"' || l[v] == '\''))
            check_quote_at(text, b + v, line, static_cast<int>(v) + 1, file);
        b = e + 1;
    }
}

}  // namespace minerisk::yaml
