#include "io/ordered_writer.hpp"

namespace minerisk {

OrderedTileWriter::OrderedTileWriter(std::size_t depth, WriteFn write)
    : depth_(depth < 1 ? 1 : depth), write_(std::move(write)), thread_([this] { run(); }) {}

OrderedTileWriter::~OrderedTileWriter() {
    abort();
    thread_.join();
}

void OrderedTileWriter::abort() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    changed_.notify_all();
}

std::vector<std::vector<float>> OrderedTileWriter::take_buffers() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) return {};
    auto b = std::move(free_.back());
    free_.pop_back();
    return b;
}

void OrderedTileWriter::submit(std::int64_t index, const Window& tile, std::vector<std::vector<float>> buffers) {
    std::unique_lock<std::mutex> lock(mutex_);
    // Tile `next_` itself is never held back, so the tiles ahead of it can always drain.
    changed_.wait(lock, [&] { return error_ || stop_ || index - next_ < static_cast<std::int64_t>(depth_); });
    if (error_) std::rethrow_exception(error_);
    if (stop_) return;
    pending_.emplace(index, std::make_pair(tile, std::move(buffers)));
    changed_.notify_all();
}

void OrderedTileWriter::finish(std::int64_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    end_ = count;
    changed_.notify_all();
    changed_.wait(lock, [&] { return error_ || stop_ || next_ >= count; });
    if (error_) std::rethrow_exception(error_);
}

void OrderedTileWriter::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        changed_.wait(lock, [&] { return stop_ || (!error_ && pending_.count(next_)) || (end_ >= 0 && next_ >= end_); });
        if (stop_ || (end_ >= 0 && next_ >= end_ && !pending_.count(next_))) return;
        auto node = pending_.extract(next_);
        lock.unlock();
        try {
            write_(node.mapped().first, node.mapped().second);
        } catch (...) {
            lock.lock();
            error_ = std::current_exception();
            changed_.notify_all();
            return;
        }
        lock.lock();
        free_.push_back(std::move(node.mapped().second));
        ++next_;
        changed_.notify_all();
    }
}

}  // namespace minerisk
