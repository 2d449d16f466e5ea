// ZoneCellCollector: the zone cells taken from the risk tiles as the scoring stage writes them.
//
// Tiles come in row-major tile order. Each tile's rows are cut into runs in grid columns and appended to
// the rows of the current row of tiles, a run that continues across a tile edge joined to the one before;
// when the row of tiles is complete its rows go into the RowRuns, in order. Memory: the runs.
#include <cmath>

#include "minerisk/error.hpp"
#include "zones/collector.hpp"

namespace minerisk {

using zones::RowRuns;

ZoneCellCollector::ZoneCellCollector(const GridSpec& grid, const ZonesSpec& spec) : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.grid = grid;
    s.candidates = RowRuns(grid.width, grid.height);
    s.nodata = RowRuns(grid.width, grid.height);
    if (spec.top_percent) {
        s.select = std::make_unique<zones::TopPercentSelect>(*spec.top_percent);
    } else {
        s.fixed = true;
        s.threshold = static_cast<float>(spec.threshold.value_or(0.5));
    }
}

ZoneCellCollector::~ZoneCellCollector() = default;

namespace {

using Row = std::vector<std::pair<std::int32_t, std::int32_t>>;

// Appends [c0, c1) to a row whose runs are sorted, joining it to the last one when they touch.
void append(Row& row, std::int32_t c0, std::int32_t c1) {
    if (!row.empty() && row.back().second == c0) row.back().second = c1;
    else row.emplace_back(c0, c1);
}

}  // namespace

void ZoneCellCollector::add_tile(const Window& t, const float* risk) {
    State& s = *state_;
    if (t.row0 != s.band_row0 || t.col0 != s.next_col)
        throw Error("internal: zone cells collected out of tile order (tile at column " + std::to_string(t.col0) + ", row " +
                    std::to_string(t.row0) + ")");
    const std::int64_t cells = t.cells();
    if (s.select) {
        s.select->pass1(risk, cells);
        s.next_col = t.col0 + t.width;
    } else {
        if (s.cand_rows.empty()) s.cand_rows.resize(static_cast<size_t>(t.height)), s.nd_rows.resize(static_cast<size_t>(t.height));
        for (std::int64_t r = 0; r < t.height; ++r) {
            const float* row = risk + r * t.width;
            Row& cand = s.cand_rows[static_cast<size_t>(r)];
            Row& nd = s.nd_rows[static_cast<size_t>(r)];
            std::int64_t c = 0;
            while (c < t.width) {
                const float x = row[c];
                const std::int64_t c0 = c;
                if (x >= s.threshold) {
                    while (c < t.width && row[c] >= s.threshold) ++c;
                    append(cand, static_cast<std::int32_t>(t.col0 + c0), static_cast<std::int32_t>(t.col0 + c));
                    s.candidate_cells += c - c0;
                    s.valid += c - c0;
                } else if (std::isnan(x)) {
                    while (c < t.width && std::isnan(row[c])) ++c;
                    append(nd, static_cast<std::int32_t>(t.col0 + c0), static_cast<std::int32_t>(t.col0 + c));
                } else {
                    while (c < t.width && row[c] < s.threshold) ++c;
                    s.valid += c - c0;
                }
            }
        }
        s.next_col = t.col0 + t.width;
    }
    if (s.next_col < s.grid.width) return;
    // The row of tiles is complete.
    if (!s.select) {
        for (size_t r = 0; r < s.cand_rows.size(); ++r) {
            for (const auto& [c0, c1] : s.cand_rows[r]) s.candidates.add(c0, c1);
            for (const auto& [c0, c1] : s.nd_rows[r]) s.nodata.add(c0, c1);
            s.candidates.end_row();
            s.nodata.end_row();
        }
        s.cand_rows.clear();
        s.nd_rows.clear();
    }
    s.band_row0 += t.height;
    s.next_col = 0;
    s.complete = s.band_row0 >= s.grid.height;
}

}  // namespace minerisk
