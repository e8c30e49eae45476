// SPDX-License-Identifier: MIT OR Apache-2.0
// A small fixed-size thread pool. Nothing in the library starts threads of its own: callers
// create a pool and pass it down. parallel_for runs on the pool's workers and the calling thread.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace peregrine {

class ThreadPool {
public:
    // threads == 0 means std::thread::hardware_concurrency(). threads == 1 runs everything inline.
    explicit ThreadPool(unsigned threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    unsigned size() const { return (unsigned)workers_.size() + 1; }

    // Calls fn(task_index) for every task_index in [0, tasks), spread over the pool; returns when
    // all are done. The first exception thrown by a task is rethrown here. Safe to call from
    // several threads at once (their tasks share the workers).
    void run(std::size_t tasks, const std::function<void(std::size_t)>& fn);

    // While a CancelScope is alive on a thread, every run() (and parallel_for) called from that
    // thread checks *flag before each task: once it is set, the remaining tasks are skipped and
    // run() throws Cancelled. This stops long computations (MSM windows, NTT stages) at task
    // granularity without passing a flag through every function. Scopes nest; nullptr disables.
    class CancelScope {
    public:
        explicit CancelScope(const std::atomic<bool>* flag);
        ~CancelScope();
        CancelScope(const CancelScope&) = delete;
        CancelScope& operator=(const CancelScope&) = delete;

    private:
        const std::atomic<bool>* prev_;
    };

    // Throws Cancelled if the calling thread's CancelScope flag is set (for serial loops).
    static void check_cancelled();

    // Splits [0, n) into contiguous ranges, about `per_thread` of them per thread, and calls
    // fn(begin, end) for each.
    void parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn,
                      std::size_t per_thread = 4);

private:
    struct Batch;
    void worker_loop();
    static void drain(Batch& b);

    std::vector<std::thread> workers_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<Batch*> queue_;
    bool stop_ = false;
};

}  // namespace peregrine
