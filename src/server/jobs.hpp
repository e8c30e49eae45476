// SPDX-License-Identifier: MIT OR Apache-2.0
// The proving service's jobs: a bounded queue, a fixed number of workers proving on a shared
// ThreadPool, cancellation (queued or running), and finished results kept for a while.
// JobStore is the interface; MemoryJobStore keeps everything in this process (the default),
// RedisJobStore (redis_store.hpp) shares the queue and the records between instances.
// JobQueue is what the HTTP layer holds: it picks the store from the options.
#pragma once
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
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
    const Circuit* circuit = nullptr;  // may be null in a shared store (circuit_name is always set)
    std::string circuit_name;
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

// The job store cannot answer (e.g. Redis is down): the HTTP layer replies with this status (503)
// and the message as the reason.
class StoreError : public std::runtime_error {
public:
    explicit StoreError(const std::string& msg, int http_status = 503)
        : std::runtime_error(msg), status_(http_status) {}
    int http_status() const { return status_; }

private:
    int status_;
};

struct JobQueueOptions {
    unsigned workers = 1;
    std::size_t queue = 32;          // most queued (not yet running) jobs
    double keep_results_s = 600;     // finished jobs are forgotten after this long
    std::size_t max_results = 10000; // and the oldest finished ones beyond this many
    std::string store = "memory";    // memory | redis://[user:password@]HOST:PORT[/DB]
    std::string role = "all";        // api (accept, answer) | worker (prove) | all
    double lease_s = 30;             // a shared store's job is reclaimed after this long without its worker
    // The circuits this instance has, by name (nullptr: unknown here).
    std::function<const Circuit*(const std::string&)> circuit;
    std::vector<std::string> circuit_names;  // the same circuits, listed (a worker reads their queues)
};

class JobStore {
public:
    virtual ~JobStore() = default;
    enum class CancelResult { not_found, cancelled, already_final, still_running };

    // Queues a job with its computed witness; nullptr when the queue is full (or stopping).
    // Throws StoreError when the store cannot be reached.
    virtual std::shared_ptr<Job> submit(const Circuit& c, witness::WitnessBuffer w, double witness_ms) = 0;
    virtual bool full() const = 0;
    // nullptr when unknown or expired. A shared store returns a snapshot of the job.
    virtual std::shared_ptr<Job> find(const std::string& id) = 0;
    // A queued job is cancelled at once; a running one is asked to stop and waited for up to
    // `wait` (it stops within well under a second). The job's state is returned in *out.
    virtual CancelResult cancel(const std::string& id, std::chrono::milliseconds wait, nlohmann::json* out) = 0;
    // The job as the API shows it (status, proof, public_signals, error, timings).
    virtual nlohmann::json to_json(const Job& j) = 0;
    virtual JobStatus status_of(const Job& j) = 0;
    // Never throws (a shared store that cannot be reached says so in the gauges).
    virtual Gauges gauges() const = 0;
    // Rough seconds until a queue slot frees up (for Retry-After).
    virtual unsigned retry_after_s() const = 0;
    // Shutdown, first step: refuse new jobs; the memory store cancels its queued ones (a shared
    // store keeps them for the other workers). Running ones go on.
    virtual void begin_shutdown() = 0;
    // Refuse new jobs, stop the running ones (a shared store hands them back to the queue), wait
    // for the workers to end.
    virtual void stop() = 0;
};

// 128 random bits in hex: ids cannot be guessed, so a client sees only its own jobs.
std::string new_job_id();
// The job as the API shows it (shared by the stores).
nlohmann::json job_json(const Job& j);

// Today's single-process store: jobs in memory, lost on exit.
class MemoryJobStore final : public JobStore {
public:
    MemoryJobStore(const JobQueueOptions& o, ThreadPool& pool, Metrics& metrics);
    ~MemoryJobStore() override;  // stop() if still running
    MemoryJobStore(const MemoryJobStore&) = delete;
    MemoryJobStore& operator=(const MemoryJobStore&) = delete;

    std::shared_ptr<Job> submit(const Circuit& c, witness::WitnessBuffer w, double witness_ms) override;
    bool full() const override;
    std::shared_ptr<Job> find(const std::string& id) override;
    CancelResult cancel(const std::string& id, std::chrono::milliseconds wait, nlohmann::json* out) override;
    nlohmann::json to_json(const Job& j) override;
    JobStatus status_of(const Job& j) override;
    Gauges gauges() const override;
    unsigned retry_after_s() const override;
    void begin_shutdown() override;
    void stop() override;

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

// Builds the store the options name; throws peregrine::Error for a bad --store/--role (e.g. a
// Redis URL when the build has no Redis support).
std::unique_ptr<JobStore> make_job_store(const JobQueueOptions& o, ThreadPool& pool, Metrics& metrics);
// "" when `store` is a valid --store value for this build, else the reason.
std::string check_store_option(const std::string& store, const std::string& role);

// What the HTTP layer holds: the chosen store behind the interface.
class JobQueue {
public:
    using CancelResult = JobStore::CancelResult;
    JobQueue(const JobQueueOptions& o, ThreadPool& pool, Metrics& metrics) : s_(make_job_store(o, pool, metrics)) {}
    std::shared_ptr<Job> submit(const Circuit& c, witness::WitnessBuffer w, double witness_ms) {
        return s_->submit(c, std::move(w), witness_ms);
    }
    bool full() const { return s_->full(); }
    std::shared_ptr<Job> find(const std::string& id) { return s_->find(id); }
    CancelResult cancel(const std::string& id, std::chrono::milliseconds wait, nlohmann::json* out) {
        return s_->cancel(id, wait, out);
    }
    nlohmann::json to_json(const Job& j) { return s_->to_json(j); }
    JobStatus status_of(const Job& j) { return s_->status_of(j); }
    Gauges gauges() const { return s_->gauges(); }
    unsigned retry_after_s() const { return s_->retry_after_s(); }
    void begin_shutdown() { s_->begin_shutdown(); }
    void stop() { s_->stop(); }
    JobStore& store() { return *s_; }

private:
    std::unique_ptr<JobStore> s_;
};

}  // namespace peregrine::server
