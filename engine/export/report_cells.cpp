// data-label on every body cell of report.html's tables (from the column's header), so that on a narrow screen
// the stylesheet can show each row as a card of "header: value" lines instead of a table wider than the screen.
// Done once over the finished page, so that every table (the plans' and the areas' too) gets it the same way.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
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

// The colspan of the cell whose tag is h[cell, tag_end), 1 when it has none. Looks inside the tag only: a search
// to the end of the page for every cell was most of the M full run's export time (the page holds the maps).
int colspan_of(const std::string& h, size_t cell, size_t tag_end) {
    if (tag_end == std::string::npos || tag_end <= cell) return 1;
    const std::string_view tag(h.data() + cell, tag_end - cell);
    const size_t at = tag.find("colspan=\"");
    if (at == std::string_view::npos) return 1;
    return std::max(1, std::atoi(h.c_str() + cell + at + 9));
}

}  // namespace

std::string label_cells(const std::string& html) {
    const std::string& h = html;
    // Where each data-label goes (after "<td" or "<th"), in page order; the page is put together once at the end
    // (inserting into the page cell by cell moved the whole page for every cell).
    std::vector<std::pair<size_t, std::string>> inserts;
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
                if (col < labels.size() && !labels[col].empty() && span == 1)
                    inserts.emplace_back(c + 3, " data-label=\"" + labels[col] + "\"");
                col += static_cast<size_t>(span);
                c = next_cell(h, h.find('>', c) + 1, row_end);
            }
        }
    }
    std::string out;
    size_t extra = 0;
    for (const auto& [at, attr] : inserts) extra += attr.size();
    out.reserve(h.size() + extra);
    size_t from = 0;
    for (const auto& [at, attr] : inserts) {
        out.append(h, from, at - from);
        out += attr;
        from = at;
    }
    out.append(h, from, std::string::npos);
    return out;
}

}  // namespace minerisk::report
