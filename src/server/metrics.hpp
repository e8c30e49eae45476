// SPDX-License-Identifier: MIT OR Apache-2.0
// Counters and histograms of the proving service, rendered in the Prometheus text format.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace peregrine::server {

struct Histogram {
    std::vector<double> bounds;           // upper bounds (seconds), ascending; +Inf is implicit
    std::vector<std::uint64_t> counts;    // per bucket, not cumulative
    double sum = 0;
    std::uint64_t count = 0;
    void observe(double v);
};

// Values the metrics page reads from the job queue when it is rendered.
struct Gauges {
    std::size_t queued = 0, running = 0, queue_capacity = 0, workers = 0, stored = 0;
    bool draining = false;
    std::size_t connections = 0;  // open HTTP connections (set by the server, not the job queue)
    // A shared store (--store redis://): queued and running are this instance's (nothing waits
    // here: queued is 0), the rest is read from the store.
    bool shared_store = false, store_up = true;
    std::size_t store_queued = 0;   // depth of the shared queue
    std::size_t store_running = 0;  // jobs running on all instances
    double oldest_job_age_s = 0;    // age of the oldest queued job
};

class Metrics {
public:
    // A job reached a final state (succeeded, failed, cancelled).
    void job_finished(const std::string& circuit, const char* status);
    // A submission refused before it became a job (reason: invalid_input, queue_full, ...).
    void rejected(const std::string& reason);
    // phase: witness, queue, prove, total.
    void duration(const std::string& circuit, const char* phase, double seconds);
    void request(int status);

    std::string render(const Gauges& g) const;

private:
    mutable std::mutex mu_;
    std::map<std::pair<std::string, std::string>, std::uint64_t> jobs_;
    std::map<std::string, std::uint64_t> rejected_;
    std::map<int, std::uint64_t> requests_;
    std::map<std::pair<std::string, std::string>, Histogram> durations_;
};

// A Prometheus label value with \, " and newlines escaped.
std::string prom_escape(const std::string& s);

}  // namespace peregrine::server
