// TaskPool: every part of a job runs exactly once, on several threads, the job returns only when all are done,
// and a part's error reaches the caller after the others have finished.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/task_pool.hpp"

using namespace minerisk;

TEST(TaskPool, RunsEveryPartOnceAndWaitsForAll) {
    TaskPool pool(3);
    for (int job = 0; job < 50; ++job) {
        std::vector<std::atomic<int>> runs(13);
        std::mutex m;
        std::set<std::thread::id> threads;
        pool.run(runs.size(), [&](size_t i) {
            runs[i]++;
            std::lock_guard<std::mutex> lock(m);
            threads.insert(std::this_thread::get_id());
        });
        for (const auto& r : runs) EXPECT_EQ(r.load(), 1) << "job " << job;
    }
}

TEST(TaskPool, UsesItsThreads) {
    TaskPool pool(2);
    EXPECT_EQ(pool.threads(), 2);
    std::atomic<int> arrived{0}, saw_both{0};
    pool.run(2, [&](size_t) {
        ++arrived;
        // Both parts must be running at once for either to see the other: a pool that ran them one after the
        // other would wait here for ever, so the wait is bounded and what each saw is counted instead.
        for (int spin = 0; spin < 20000 && arrived.load() < 2; ++spin) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (arrived.load() == 2) ++saw_both;
    });
    EXPECT_EQ(saw_both.load(), 2);
}

TEST(TaskPool, ErrorReachesTheCallerAfterTheOtherParts) {
    TaskPool pool(2);
    std::atomic<int> done{0};
    EXPECT_THROW(pool.run(8,
                          [&](size_t i) {
                              if (i == 3) throw std::runtime_error("part 3 failed");
                              ++done;
                          }),
                 std::runtime_error);
    EXPECT_EQ(done.load(), 7);
    pool.run(4, [&](size_t) { ++done; });  // the pool is usable again
    EXPECT_EQ(done.load(), 11);
}

TEST(TaskPool, OneThreadRunsOnTheCaller) {
    TaskPool pool(1);
    EXPECT_EQ(pool.threads(), 1);
    std::set<std::thread::id> ids;
    pool.run(5, [&](size_t) { ids.insert(std::this_thread::get_id()); });
    EXPECT_EQ(ids, std::set<std::thread::id>{std::this_thread::get_id()});
}
