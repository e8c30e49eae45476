// SPDX-License-Identifier: MIT OR Apache-2.0
#include "util/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <exception>

#include "util/error.hpp"

namespace peregrine {

namespace {
thread_local const std::atomic<bool>* tl_cancel = nullptr;
}  // namespace

ThreadPool::CancelScope::CancelScope(const std::atomic<bool>* flag) : prev_(tl_cancel) { tl_cancel = flag; }
ThreadPool::CancelScope::~CancelScope() { tl_cancel = prev_; }

void ThreadPool::check_cancelled() {
    if (tl_cancel && tl_cancel->load(std::memory_order_relaxed)) throw Cancelled("cancelled");
}

struct ThreadPool::Batch {
    std::size_t tasks;
    const std::atomic<bool>* cancel = nullptr;  // the submitting thread's CancelScope flag
    const std::function<void(std::size_t)>* fn;
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::size_t active = 0;  // workers inside drain(); guarded by mu
    std::mutex mu;
    std::condition_variable cv;
    std::exception_ptr error;
};

ThreadPool::ThreadPool(unsigned threads) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
}

void ThreadPool::drain(Batch& b) {
    for (;;) {
        std::size_t i = b.next.fetch_add(1);
        if (i >= b.tasks) return;
        try {
            if (b.cancel && b.cancel->load(std::memory_order_relaxed)) throw Cancelled("cancelled");
            (*b.fn)(i);
        } catch (...) {
            std::lock_guard<std::mutex> lk(b.mu);
            if (!b.error) b.error = std::current_exception();
        }
        if (b.done.fetch_add(1) + 1 == b.tasks) {
            std::lock_guard<std::mutex> lk(b.mu);
            b.cv.notify_all();
        }
    }
}

void ThreadPool::worker_loop() {
    for (;;) {
        Batch* b = nullptr;
        {
            std::unique_lock<std::mutex> lk(mu_);
            cv_.wait(lk, [this] { return stop_ || !queue_.empty(); });
            if (stop_ && queue_.empty()) return;
            b = queue_.front();
            if (b->next.load() >= b->tasks) {
                queue_.erase(queue_.begin());
                continue;
            }
            std::lock_guard<std::mutex> blk(b->mu);
            ++b->active;
        }
        drain(*b);
        std::lock_guard<std::mutex> blk(b->mu);
        if (--b->active == 0) b->cv.notify_all();
    }
}

void ThreadPool::run(std::size_t tasks, const std::function<void(std::size_t)>& fn) {
    if (tasks == 0) return;
    Batch b;
    b.tasks = tasks;
    b.fn = &fn;
    b.cancel = tl_cancel;
    if (!workers_.empty() && tasks > 1) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            queue_.push_back(&b);
        }
        cv_.notify_all();
    }
    drain(b);
    {
        // No worker may pick the batch up after this; then wait for those that did.
        std::lock_guard<std::mutex> lk(mu_);
        queue_.erase(std::remove(queue_.begin(), queue_.end(), &b), queue_.end());
    }
    {
        std::unique_lock<std::mutex> lk(b.mu);
        b.cv.wait(lk, [&] { return b.done.load() == b.tasks && b.active == 0; });
    }
    if (b.error) std::rethrow_exception(b.error);
}

void ThreadPool::parallel_for(std::size_t n, const std::function<void(std::size_t, std::size_t)>& fn,
                              std::size_t per_thread) {
    if (n == 0) return;
    std::size_t chunks = std::min<std::size_t>(n, std::max<std::size_t>(1, size() * per_thread));
    std::size_t step = (n + chunks - 1) / chunks;
    chunks = (n + step - 1) / step;
    run(chunks, [&](std::size_t c) {
        std::size_t b = c * step, e = std::min(n, b + step);
        fn(b, e);
    });
}

}  // namespace peregrine
