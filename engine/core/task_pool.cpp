#include "core/task_pool.hpp"

#include <system_error>

namespace minerisk {

TaskPool::TaskPool(int threads) {
    for (int i = 1; i < threads; ++i) {
        try {
            workers_.emplace_back([this] { work(); });
        } catch (const std::system_error&) {
            break;  // fewer threads, the same results
        }
    }
}

TaskPool::~TaskPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
}

bool TaskPool::take_and_do() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!fn_ || next_ >= count_) return false;
    const std::size_t i = next_++;
    const auto* fn = fn_;
    lock.unlock();
    std::exception_ptr error;
    try {
        (*fn)(i);
    } catch (...) {
        error = std::current_exception();
    }
    lock.lock();
    if (error && !error_) error_ = error;
    if (++finished_ == count_) done_.notify_all();
    return true;
}

void TaskPool::work() {
    std::size_t seen = 0;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return stop_ || (generation_ != seen && fn_ && next_ < count_); });
            if (stop_) return;
            seen = generation_;
        }
        while (take_and_do()) {
        }
    }
}

void TaskPool::run(std::size_t n, const std::function<void(std::size_t)>& fn) {
    if (n == 0) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        fn_ = &fn;
        next_ = 0, count_ = n, finished_ = 0, error_ = nullptr;
        ++generation_;
    }
    wake_.notify_all();
    while (take_and_do()) {
    }
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return finished_ == count_; });
    fn_ = nullptr;
    if (error_) std::rethrow_exception(error_);
}

}  // namespace minerisk
