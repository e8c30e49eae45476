// SPDX-License-Identifier: MIT OR Apache-2.0
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "util/thread_pool.hpp"

using namespace peregrine;

TEST(ThreadPool, RunsEveryTaskOnce) {
    for (unsigned threads : {1u, 2u, 4u}) {
        ThreadPool pool(threads);
        EXPECT_EQ(pool.size(), threads);
        std::vector<std::atomic<int>> hits(1000);
        pool.run(hits.size(), [&](std::size_t i) { hits[i]++; });
        for (auto& h : hits) EXPECT_EQ(h.load(), 1);
        std::atomic<std::size_t> sum{0};
        pool.parallel_for(12345, [&](std::size_t b, std::size_t e) { sum += e - b; });
        EXPECT_EQ(sum.load(), 12345u);
    }
}

TEST(ThreadPool, PropagatesExceptionsAndStaysUsable) {
    ThreadPool pool(3);
    EXPECT_THROW(pool.run(100, [](std::size_t i) { if (i == 57) throw std::runtime_error("boom"); }),
                 std::runtime_error);
    std::atomic<int> n{0};
    pool.run(10, [&](std::size_t) { n++; });
    EXPECT_EQ(n.load(), 10);
}

TEST(ThreadPool, ConcurrentCallersShareThePool) {
    ThreadPool pool(2);
    std::atomic<long> total{0};
    std::vector<std::thread> callers;
    for (int c = 0; c < 4; ++c) {
        callers.emplace_back([&] {
            for (int rep = 0; rep < 50; ++rep) pool.run(64, [&](std::size_t i) { total += (long)i; });
        });
    }
    for (auto& t : callers) t.join();
    EXPECT_EQ(total.load(), 4L * 50 * (63 * 64 / 2));
}
