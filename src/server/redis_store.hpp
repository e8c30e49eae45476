// SPDX-License-Identifier: MIT OR Apache-2.0
// A job store shared by many `peregrine serve` instances through Redis (docs/serve.md,
// "Scale out"). Per circuit, jobs are entries of a Redis stream read by the consumer group
// "workers"; a job's record (hash) and witness live in their own keys with a TTL. Every state
// change is one Lua script, so it is atomic across instances:
//  - submit: the global --queue limit (a sorted set of queued jobs) + record + witness + XADD;
//  - start: queued/running -> running (a final job's entry is just acknowledged);
//  - finish: only a job that is not final yet takes a result, so a job never has two results;
//  - cancel: a queued job at once; a running one gets a flag its worker polls.
// A worker keeps its jobs' stream entries fresh (XCLAIM by itself) while proving; the entry of a
// worker that died goes idle and is taken over after --lease-seconds (XAUTOCLAIM). The consumers
// of workers that died (no pending entry, idle for 3 leases) are removed by any instance that
// proves, every lease; an instance that stops removes its own.
#pragma once
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/jobs.hpp"
#include "server/redis_client.hpp"

namespace peregrine::server {

class RedisJobStore final : public JobStore {
public:
    RedisJobStore(const JobQueueOptions& o, ThreadPool& pool, Metrics& metrics);
    ~RedisJobStore() override;
    RedisJobStore(const RedisJobStore&) = delete;
    RedisJobStore& operator=(const RedisJobStore&) = delete;

    std::shared_ptr<Job> submit(const Circuit& c, witness::WitnessBuffer w, double witness_ms) override;
    bool full() const override;
    std::shared_ptr<Job> find(const std::string& id) override;
    CancelResult cancel(const std::string& id, std::chrono::milliseconds wait, nlohmann::json* out) override;
    nlohmann::json to_json(const Job& j) override { return job_json(j); }
    JobStatus status_of(const Job& j) override { return j.status; }
    Gauges gauges() const override;
    unsigned retry_after_s() const override;
    void begin_shutdown() override;
    void stop() override;

private:
    // A job this instance is proving, watched by the heartbeat thread.
    struct Lease {
        std::string stream, entry, id, consumer;
        // Set by the heartbeat (cancelled, lease lost) or by stop(); the prover polls it. It lives
        // here, not on the worker's stack: the heartbeat may still hold the lease (and write the
        // flag) after the worker has finished the job.
        std::atomic<bool> cancel{false};
        bool lost = false;         // another worker owns the entry now
        bool handback = false;     // stopped by our shutdown: give the job back
    };
    struct Entry {
        std::string stream, circuit, entry, id;
    };

    void worker_loop(unsigned index);
    void heartbeat_loop();
    void ensure_groups(RedisConn& c);
    bool next_entry(RedisConn& c, const std::string& me, Entry* e, bool* reclaimed);
    void process(RedisConn& c, const std::string& me, const Entry& e, bool reclaimed);
    void drop_entry(RedisConn& c, const Entry& e);
    void store_down(const std::string& why) const;
    void store_up() const;
    bool sleep_unless_stopping(std::chrono::milliseconds d);
    // Removes dead workers' consumers from the groups (all idle ones, or with `mine` this
    // instance's own, when it stops).
    void reap_consumers(RedisConn& c, bool mine);

    JobQueueOptions opt_;
    RedisUrl url_;
    ThreadPool& pool_;
    Metrics& metrics_;
    mutable RedisPool api_;
    std::string consumer_;  // this instance's name in the consumer group
    std::vector<std::string> streams_;     // of the circuits this instance can prove
    std::vector<std::string> circuits_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, std::shared_ptr<Lease>> leases_;  // by entry id
    std::size_t running_ = 0;
    double mean_prove_s_ = 0;
    std::atomic<bool> accepting_{true}, stop_{false};
    mutable std::atomic<bool> down_{false};
    std::vector<std::thread> workers_;
    std::thread heartbeat_;
};

}  // namespace peregrine::server
