// A few threads that run the parts of one job in parallel and wait for all of them: run(n, fn) calls fn(0) ...
// fn(n - 1), each once, on the pool's threads and the caller's, and returns when all are done (rethrowing the
// first error). Used where independent pieces of work (each output raster's blocks for a tile) would otherwise
// queue on one thread. A pool that cannot start its threads (an address-space limit) runs everything on the
// caller: slower, never stuck.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace minerisk {

class TaskPool {
public:
    explicit TaskPool(int threads);  // threads in all, the caller's included; 1: no thread of its own
    ~TaskPool();
    TaskPool(const TaskPool&) = delete;
    TaskPool& operator=(const TaskPool&) = delete;

    void run(std::size_t n, const std::function<void(std::size_t)>& fn);
    int threads() const { return static_cast<int>(workers_.size()) + 1; }

private:
    void work();
    bool take_and_do();  // one part of the current job; false when none is left

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    const std::function<void(std::size_t)>* fn_ = nullptr;
    std::size_t next_ = 0, count_ = 0, finished_ = 0;
    std::size_t generation_ = 0;
    std::exception_ptr error_;
    bool stop_ = false;
};

}  // namespace minerisk
