// Finished tiles go to disk on a thread of their own, in tile order.
//
// Scoring threads hand a tile over and go on computing while the writer thread waits for the disk, so that
// computing and writing overlap. Writing in tile order (a tile that finishes early waits for the ones
// before it) makes every GeoTIFF byte-identical whatever the number of threads: GDAL lays the blocks out in
// the order they are written. At most `depth` tiles wait, so memory stays bounded.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "minerisk/grid.hpp"

namespace minerisk {

class OrderedTileWriter {
public:
    // write(tile, buffers): called on the writer thread for each tile, in index order. Each buffer is one
    // output's cells over the tile (which buffer is which is the caller's convention).
    using WriteFn = std::function<void(const Window&, const std::vector<std::vector<float>>&)>;

    OrderedTileWriter(std::size_t depth, WriteFn write);
    ~OrderedTileWriter();  // joins the thread; a pending error is dropped (call finish() to see it)
    OrderedTileWriter(const OrderedTileWriter&) = delete;
    OrderedTileWriter& operator=(const OrderedTileWriter&) = delete;

    // A buffer set to fill, recycled from written tiles when one is free.
    std::vector<std::vector<float>> take_buffers();

    // Hands tile `index` (0, 1, 2, ... each exactly once) over. Blocks while `depth` tiles are already
    // waiting ahead of it. Throws the writer's error, if writing failed.
    void submit(std::int64_t index, const Window& tile, std::vector<std::vector<float>> buffers);

    // Waits until every tile up to `count` is written; rethrows a writing error.
    void finish(std::int64_t count);

    // Stops: tiles not yet written are dropped and submit() returns at once (a scoring thread failed).
    void abort();

private:
    void run();

    std::size_t depth_;
    WriteFn write_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::int64_t, std::pair<Window, std::vector<std::vector<float>>>> pending_;
    std::vector<std::vector<std::vector<float>>> free_;
    std::int64_t next_ = 0;  // the next tile to write
    std::int64_t end_ = -1;  // set by finish()
    bool stop_ = false;
    std::exception_ptr error_;
    std::thread thread_;
};

}  // namespace minerisk
