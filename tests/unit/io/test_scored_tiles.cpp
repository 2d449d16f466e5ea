// ScoredTiles: what the scoring threads store per tile and band is what the zones and plans read back, for any
// window (across tiles, with a stride), from memory or from the scratch file, which goes when the store does.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "io/scored_tiles.hpp"

namespace fs = std::filesystem;
using namespace minerisk;

namespace {

GridSpec small_grid() {
    GridSpec g;
    g.width = 37;  // tiles of 16: the last column and row of tiles are partial
    g.height = 29;
    g.cell_size = 10;
    return g;
}

// A value that says where it came from: band, row and column.
float value_at(int band, std::int64_t row, std::int64_t col) { return static_cast<float>(band * 10000 + row * 100 + col) * 0.25f; }

// Stores every tile of both bands, two threads at once, as the scoring does.
void fill(ScoredTiles& st) {
    const GridSpec& g = st.grid();
    std::vector<Window> tiles;
    for (std::int64_t r = 0; r < g.height; r += st.tile_size())
        for (std::int64_t c = 0; c < g.width; c += st.tile_size())
            tiles.push_back({c, r, std::min<std::int64_t>(st.tile_size(), g.width - c), std::min<std::int64_t>(st.tile_size(), g.height - r)});
    auto worker = [&](size_t first) {
        for (size_t i = first; i < tiles.size(); i += 2)
            for (int b = 0; b < st.bands(); ++b) {
                const Window& t = tiles[i];
                std::vector<float> v(static_cast<size_t>(t.cells()));
                for (std::int64_t y = 0; y < t.height; ++y)
                    for (std::int64_t x = 0; x < t.width; ++x) v[static_cast<size_t>(y * t.width + x)] = value_at(b, t.row0 + y, t.col0 + x);
                st.put(t, b, v.data());
            }
    };
    std::thread a(worker, 0), b(worker, 1);
    a.join();
    b.join();
}

void expect_window(const ScoredTiles& st, int band, const Window& w) {
    const std::int64_t stride = w.width + 3;  // rows further apart than the window is wide
    std::vector<float> out(static_cast<size_t>(stride * w.height), -1.0f);
    st.read(band, w, out.data(), stride);
    for (std::int64_t y = 0; y < w.height; ++y) {
        for (std::int64_t x = 0; x < w.width; ++x)
            ASSERT_EQ(out[static_cast<size_t>(y * stride + x)], value_at(band, w.row0 + y, w.col0 + x))
                << "band " << band << " row " << w.row0 + y << " col " << w.col0 + x;
        for (std::int64_t x = w.width; x < stride; ++x) ASSERT_EQ(out[static_cast<size_t>(y * stride + x)], -1.0f) << "wrote past the row";
    }
}

}  // namespace

TEST(ScoredTiles, InMemoryReadsBackEveryWindowAcrossTiles) {
    ScoredTiles st(small_grid(), 16, 2);
    fill(st);
    EXPECT_GT(st.stored_bytes(), 0u);
    for (int band = 0; band < 2; ++band) {
        expect_window(st, band, {0, 0, 37, 29});   // the whole grid
        expect_window(st, band, {10, 5, 20, 20});  // across four tiles
        expect_window(st, band, {36, 28, 1, 1});   // the last cell, in a partial tile
        expect_window(st, band, {15, 15, 2, 2});   // the corner where four tiles meet
    }
}

TEST(ScoredTiles, ScratchFileReadsTheSameAndGoesWithTheStore) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-scored-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path scratch = dir / ".scored-tiles.part";
    {
        ScoredTiles st(small_grid(), 16, 2, scratch.string());
        EXPECT_TRUE(fs::exists(scratch)) << "created at once";
        fill(st);
        EXPECT_GT(fs::file_size(scratch), 0u);
        for (int band = 0; band < 2; ++band) {
            expect_window(st, band, {0, 0, 37, 29});
            expect_window(st, band, {3, 17, 30, 12});
        }
    }
    EXPECT_FALSE(fs::exists(scratch)) << "removed with the store";
    fs::remove_all(dir);
}

TEST(ScoredTiles, ATileNeverStoredReadsAsNoData) {
    ScoredTiles st(small_grid(), 16, 1);
    std::vector<float> v(16 * 16, 0.5f);
    st.put({0, 0, 16, 16}, 0, v.data());
    std::vector<float> out(4);
    st.read(0, {15, 0, 2, 2}, out.data());
    EXPECT_EQ(out[0], 0.5f);          // stored tile
    EXPECT_TRUE(std::isnan(out[1]));  // its neighbour, never stored
}

// With threads, the tiles a window needs are decompressed at once, in parallel: the same cells, the same number of
// decompressions, and a strip across the whole grid decompresses each of its tiles once.
TEST(ScoredTiles, ThreadsDecompressTheSameCellsAsOne) {
    const fs::path dir = fs::temp_directory_path() / ("minerisk-scored-threads-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    ScoredTiles one(small_grid(), 8, 2), two(small_grid(), 8, 2, (dir / ".scored-tiles.part").string());
    fill(one);
    fill(two);
    two.use_threads(2);
    for (ScoredTiles* st : {&one, &two})
        for (int band = 0; band < 2; ++band) {
            expect_window(*st, band, {0, 0, 37, 29});  // 5 x 4 tiles: more than the cache holds at once, one by one
            expect_window(*st, band, {0, 8, 37, 8});   // a row of tiles, decompressed together
            expect_window(*st, band, {5, 3, 20, 11});
        }
    EXPECT_EQ(one.tiles_decoded(), two.tiles_decoded());
    const std::uint64_t before = two.tiles_decoded();
    expect_window(two, 1, {0, 24, 37, 5});  // the last row of tiles: not cached
    EXPECT_EQ(two.tiles_decoded() - before, 5u);
    fs::remove_all(dir);
}
