// data-label on every body cell of report.html's tables (from the column's header), so that on a narrow screen
// the stylesheet can show each row as a card of "header: value" lines instead of a table wider than the screen.
// Done once over the finished page, so that every table (the plans' and the areas' too) gets it the same way.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "export/report_sections.hpp"

namespace minerisk::report {

namespace {

// A header cell's text without its markup: "Risk<br>mean / max" -> "Risk mean / max". Entities stay as they are
// (they are as valid in an attribute as in text).
std::string header_text(const std::string& cell) {
    std::string out;
    bool in_tag = false;
    for (char c : cell) {
        if (c == '<') in_tag = true, out += ' ';
        else if (c == '>') in_tag = false;
        else if (!in_tag) out += c == '"' ? ' ' : c;
    }
    std::string squeezed;
    for (char c : out)
        if (!(c == ' ' && (squeezed.empty() || squeezed.back() == ' '))) squeezed += c;
    while (!squeezed.empty() && squeezed.back() == ' ') squeezed.pop_back();
    return squeezed;
}

// Where the next cell (<td or <th, not <thead) opens at or after `from`, before `end`; npos when none.
size_t next_cell(const std::string& h, size_t from, size_t end) {
    for (size_t at = h.find("<t", from); at != std::string::npos && at < end; at = h.find("<t", at + 2)) {
        if (at + 4 > h.size()) break;
        const char k = h[at + 2], after = h[at + 3];
        if ((k == 'd' || k == 'h') && (after == ' ' || after == '>')) return at;
    }
    return std::string::npos;
}

int colspan_of(const std::string& h, size_t cell, size_t tag_end) {
    const size_t at = h.find("colspan=\"", cell);
    if (at == std::string::npos || at > tag_end) return 1;
    return std::max(1, std::atoi(h.c_str() + at + 9));
}

}  // namespace

std::string label_cells(const std::string& html) {
    std::string h = html;
    for (size_t table = h.find("<table"); table != std::string::npos; table = h.find("<table", table + 6)) {
        const size_t table_end = h.find("</table>", table);
        const size_t head = h.find("<thead>", table), head_end = h.find("</thead>", table);
        if (table_end == std::string::npos || head == std::string::npos || head > table_end) continue;
        std::vector<std::string> labels;
        for (size_t c = next_cell(h, head + 7, head_end); c != std::string::npos; c = next_cell(h, c + 3, head_end)) {
            const size_t open_end = h.find('>', c), close = h.find("</th>", c);
            labels.push_back(header_text(h.substr(open_end + 1, close - open_end - 1)));
            for (int extra = colspan_of(h, c, open_end); extra > 1; --extra) labels.push_back("");
        }
        size_t body = h.find("<tbody>", head_end);
        size_t body_end = h.find("</tbody>", head_end);
        if (body == std::string::npos || body_end == std::string::npos || body > h.find("</table>", table)) continue;
        for (size_t row = h.find("<tr", body); row != std::string::npos && row < body_end; row = h.find("<tr", row + 3)) {
            size_t row_end = h.find("</tr>", row);
            size_t col = 0;
            for (size_t c = next_cell(h, row + 3, row_end); c != std::string::npos && c < row_end;) {
                const size_t open_end = h.find('>', c);
                const int span = colspan_of(h, c, open_end);
                if (col < labels.size() && !labels[col].empty() && span == 1) {
                    const std::string attr = " data-label=\"" + labels[col] + "\"";
                    h.insert(c + 3, attr);
                    body_end += attr.size();
                    row_end += attr.size();
                }
                col += static_cast<size_t>(span);
                c = next_cell(h, h.find('>', c) + 1, row_end);
            }
        }
    }
    return h;
}

}  // namespace minerisk::report
