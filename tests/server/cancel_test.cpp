// SPDX-License-Identifier: MIT OR Apache-2.0
// Cancellation of a proof (ProveOptions::cancel, ThreadPool::CancelScope), which `peregrine serve`
// uses for DELETE /v1/proofs/<id> and shutdown.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "fixtures.hpp"
#include "formats/wtns.hpp"
#include "groth16/prover.hpp"
#include "util/error.hpp"

using namespace peregrine;
using namespace peregrine::test;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

TEST(Cancel, ThreadPoolSkipsRemainingTasksAndThrows) {
    ThreadPool pool(2);
    std::atomic<bool> cancel{false};
    std::atomic<int> ran{0};
    std::thread setter([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        cancel = true;
    });
    const auto t0 = Clock::now();
    {
        ThreadPool::CancelScope scope(&cancel);
        EXPECT_THROW(pool.run(2000, [&](std::size_t) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            ++ran;
        }),
                     Cancelled);
    }
    setter.join();
    EXPECT_LT(ran.load(), 2000);
    EXPECT_LT(ms_since(t0), 500.0);
    // Outside the scope the flag is not looked at.
    ran = 0;
    pool.run(100, [&](std::size_t) { ++ran; });
    EXPECT_EQ(ran.load(), 100);
    EXPECT_NO_THROW(ThreadPool::check_cancelled());
}

TEST(Cancel, ScopesNestAndAreThreadLocal) {
    std::atomic<bool> set{true}, clear{false};
    ThreadPool::CancelScope outer(&set);
    EXPECT_THROW(ThreadPool::check_cancelled(), Cancelled);
    {
        ThreadPool::CancelScope inner(&clear);
        EXPECT_NO_THROW(ThreadPool::check_cancelled());
        std::thread other([] { EXPECT_NO_THROW(ThreadPool::check_cancelled()); });
        other.join();
    }
    EXPECT_THROW(ThreadPool::check_cancelled(), Cancelled);
}

TEST(Cancel, ProverStopsInEveryPhaseAndIsUnaffectedOtherwise) {
    const Limbs r{12345, 0, 0, 0}, s{0, 0, 0, 77};
    Zkey z(fixture("big", "circuit.zkey"));
    auto w = Wtns(fixture("big", "witness.wtns")).values();
    ThreadPool pool(2);
    ProveOptions plain;
    plain.r = &r;
    plain.s = &s;
    const std::string expected = proof_to_json(groth16_prove(z, w, pool, plain));

    // A flag that stays false changes nothing.
    std::atomic<bool> never{false};
    ProveOptions with_flag = plain;
    with_flag.cancel = &never;
    EXPECT_EQ(proof_to_json(groth16_prove(z, w, pool, with_flag)), expected);

    // Cancelled before it starts, and as it enters each phase (a request during the final
    // self-verification, a few ms, comes too late: the proof is returned).
    for (const char* at : {"start", "qap", "ntt", "msm", "finish"}) {
        std::atomic<bool> cancel{std::string(at) == "start"};
        ProveOptions o = plain;
        o.cancel = &cancel;
        o.on_phase = [&](const char* p) {
            if (std::string(p) == at) cancel = true;
        };
        EXPECT_THROW(groth16_prove(z, w, pool, o), Cancelled) << at;
    }
    // The pool is still usable, and proves as before.
    EXPECT_EQ(proof_to_json(groth16_prove(z, w, pool, plain)), expected);
}

// Inside the MSM: cancelled from another thread mid-way, the prover stops within a task (an MSM
// window), far below the ~1 s bound of DELETE /v1/proofs/<id> at 2^16. Uses the 2^16 benchmark
// fixture when it exists (bench/make-fixture.sh), else the 2^12 one.
TEST(Cancel, ProverStopsPromptlyFromAnotherThread) {
    const char* cache = std::getenv("PEREGRINE_CACHE");
    const char* home = std::getenv("HOME");
    const std::string dir16 = (cache ? std::string(cache) : std::string(home ? home : "/nonexistent") + "/.cache/peregrine") +
                              "/bench/poseidon16";
#ifdef PEREGRINE_CANCEL_TEST_SMALL
    const bool have16 = false;
#else
    const bool have16 = std::filesystem::exists(dir16 + "/circuit.zkey") && std::filesystem::exists(dir16 + "/witness.wtns");
#endif
    Zkey z(have16 ? dir16 + "/circuit.zkey" : fixture("big", "circuit.zkey"));
    auto w = Wtns(have16 ? dir16 + "/witness.wtns" : fixture("big", "witness.wtns")).values();
    ThreadPool pool(2);
    std::atomic<bool> cancel{false};
    std::atomic<bool> in_msm{false};
    ProveOptions o;
    o.cancel = &cancel;
    o.on_phase = [&](const char* p) {
        if (std::string(p) == "msm") in_msm = true;
    };
    Clock::time_point cancelled_at;
    std::thread canceller([&] {
        while (!in_msm) std::this_thread::yield();
        std::this_thread::sleep_for(std::chrono::milliseconds(have16 ? 100 : 2));
        cancelled_at = Clock::now();
        cancel = true;
    });
    EXPECT_THROW(groth16_prove(z, w, pool, o), Cancelled);
    canceller.join();
    const double latency = ms_since(cancelled_at);
    std::printf("cancel latency at 2^%u: %.1f ms\n", z.log_domain_size(), latency);
    EXPECT_LT(latency, 1000.0);
}

}  // namespace
