// SPDX-License-Identifier: MIT OR Apache-2.0
// The proving service's jobs: a bounded queue, a fixed number of workers proving on a shared
// ThreadPool, cancellation (queued or running), and finished results kept for a while.
#pragma once
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "formats/zkey.hpp"
#include "server/metrics.hpp"
#include "util/thread_pool.hpp"
#include "witness/loader.hpp"

namespace peregrine::server {

// A loaded circuit: its proving key (mmap'd) and its witness library.
struct Circuit {
    std::string name;
    std::unique_ptr<Zkey> zkey;
    std::unique_ptr<witness::WitnessLibrary> lib;
};

enum class JobStatus { queued, running, succeeded, failed, cancelled };
const char* status_name(JobStatus s);
inline bool is_final(JobStatus s) { return s != JobStatus::queued && s != JobStatus::running; }

using Clock = std::chrono::steady_clock;

struct Job {
    std::string id;
    const Circuit* circuit = nullptr;
    witness::WitnessBuffer witness;  // released when the job ends
    std::atomic<bool> cancel{false};
    // Guarded by JobQueue's mutex:
    JobStatus status = JobStatus::queued;
    nlohmann::json proof, public_signals;  // on success
    std::string error;
    Clock::time_point submitted, started, finished;
    double witness_ms = 0, queue_ms = 0, prove_ms = 0, total_ms = 0;
    double qap_ms = 0, ntt_ms = 0, msm_ms = 0, verify_ms = 0;
};

struct JobQueueOptions {
    unsigned workers = 1;
    std::size_t queue = 32;          // most queued (not yet running) jobs
    double keep_results_s = 600;     // finished jobs are forgotten after this long
    std::size_t max_results = 10000; // and the oldest finished ones beyond this many
};

class JobQueue {
public:
    JobQueue(const JobQueueOptions& o, ThreadPool& pool, Metrics& metrics);
    ~JobQueue();  // stop() if still running
    JobQueue(const JobQueue&) = delete;
    JobQueue& operator=(const JobQueue&) = delete;

    // Queues a job with its computed witness; nullptr when the queue is full (or stopping).
    std::shared_ptr<Job> submit(const Circuit& c, witness::WitnessBuffer w, double witness_ms);
    bool full() const;
    // nullptr when unknown or expired.
    std::shared_ptr<Job> find(const std::string& id);

    enum class CancelResult { not_found, cancelled, already_final, still_running };
    // A queued job is cancelled at once; a running one is asked to stop and waited for up to
    // `wait` (it stops within well under a second). The job's state is returned in *out.
    CancelResult cancel(const std::string& id, std::chrono::milliseconds wait, nlohmann::json* out);

    // The job as the API shows it (status, proof, public_signals, error, timings).
    nlohmann::json to_json(const Job& j);
    // Same for a job under the queue's lock already held (internal).
    nlohmann::json to_json_locked(const Job& j) const;
    JobStatus status_of(const Job& j);

    Gauges gauges() const;
    // Rough seconds until a queue slot frees up (for Retry-After).
    unsigned retry_after_s() const;

    // Shutdown, first step: refuse new jobs and cancel the queued ones (running ones go on).
    void begin_shutdown();
    // Refuse new jobs, cancel queued and running ones, wait for the workers to end.
    void stop();

private:
    void worker_loop();
    void run(Job& job);
    void finish_locked(Job& job, JobStatus s);
    void prune_locked();

    JobQueueOptions opt_;
    ThreadPool& pool_;
    Metrics& metrics_;
    mutable std::mutex mu_;
    std::condition_variable cv_;       // work for the workers
    std::condition_variable done_cv_;  // a job reached a final state
    std::map<std::string, std::shared_ptr<Job>> jobs_;
    std::deque<std::shared_ptr<Job>> queue_;
    std::deque<std::pair<Clock::time_point, std::string>> finished_;  // in finishing order
    std::size_t running_ = 0;
    double mean_prove_s_ = 0;  // moving average, for Retry-After
    bool accepting_ = true, stop_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace peregrine::server
