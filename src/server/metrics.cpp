// SPDX-License-Identifier: MIT OR Apache-2.0
#include "server/metrics.hpp"

#include <cstdio>

namespace peregrine::server {

namespace {

// 5 ms .. 2 min: witness and proving times of circuits from a few constraints to 2^20 and more.
const std::vector<double> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

}  // namespace

void Histogram::observe(double v) {
    if (bounds.empty()) {
        bounds = kBuckets;
        counts.assign(bounds.size() + 1, 0);
    }
    std::size_t i = 0;
    while (i < bounds.size() && v > bounds[i]) ++i;
    ++counts[i];
    sum += v;
    ++count;
}

std::string prom_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

void Metrics::job_finished(const std::string& circuit, const char* status) {
    std::lock_guard<std::mutex> lk(mu_);
    ++jobs_[{circuit, status}];
}

void Metrics::rejected(const std::string& reason) {
    std::lock_guard<std::mutex> lk(mu_);
    ++rejected_[reason];
}

void Metrics::duration(const std::string& circuit, const char* phase, double seconds) {
    std::lock_guard<std::mutex> lk(mu_);
    durations_[{circuit, phase}].observe(seconds);
}

void Metrics::request(int status) {
    std::lock_guard<std::mutex> lk(mu_);
    ++requests_[status];
}

std::string Metrics::render(const Gauges& g) const {
    std::lock_guard<std::mutex> lk(mu_);
    std::string o;
    o += "# HELP peregrine_jobs_total Proof jobs that reached a final state, by circuit and status.\n";
    o += "# TYPE peregrine_jobs_total counter\n";
    for (const auto& [k, v] : jobs_) {
        o += "peregrine_jobs_total{circuit=\"" + prom_escape(k.first) + "\",status=\"" + k.second + "\"} " +
             std::to_string(v) + "\n";
    }
    o += "# HELP peregrine_jobs_rejected_total Submissions refused before they became jobs, by reason.\n";
    o += "# TYPE peregrine_jobs_rejected_total counter\n";
    for (const auto& [k, v] : rejected_) {
        o += "peregrine_jobs_rejected_total{reason=\"" + prom_escape(k) + "\"} " + std::to_string(v) + "\n";
    }
    o += "# HELP peregrine_jobs Jobs currently queued or running.\n";
    o += "# TYPE peregrine_jobs gauge\n";
    o += "peregrine_jobs{status=\"queued\"} " + std::to_string(g.queued) + "\n";
    o += "peregrine_jobs{status=\"running\"} " + std::to_string(g.running) + "\n";
    o += "# HELP peregrine_queue_depth Jobs waiting for a worker.\n# TYPE peregrine_queue_depth gauge\n";
    o += "peregrine_queue_depth " + std::to_string(g.shared_store ? g.store_queued : g.queued) + "\n";
    o += "# HELP peregrine_queue_capacity Most jobs that may wait for a worker (--queue).\n"
         "# TYPE peregrine_queue_capacity gauge\n";
    o += "peregrine_queue_capacity " + std::to_string(g.queue_capacity) + "\n";
    o += "# HELP peregrine_workers Jobs proved at once (--workers).\n# TYPE peregrine_workers gauge\n";
    o += "peregrine_workers " + std::to_string(g.workers) + "\n";
    o += "# HELP peregrine_results_stored Jobs whose state is kept (queued, running and finished).\n"
         "# TYPE peregrine_results_stored gauge\n";
    o += "peregrine_results_stored " + std::to_string(g.stored) + "\n";
    o += "# HELP peregrine_draining 1 while shutting down.\n# TYPE peregrine_draining gauge\n";
    o += std::string("peregrine_draining ") + (g.draining ? "1" : "0") + "\n";
    o += "# HELP peregrine_http_connections Open HTTP connections.\n# TYPE peregrine_http_connections gauge\n";
    o += "peregrine_http_connections " + std::to_string(g.connections) + "\n";
    if (g.shared_store) {
        o += "# HELP peregrine_store_up 1 when the shared job store (Redis) answered the last request.\n"
             "# TYPE peregrine_store_up gauge\n";
        o += std::string("peregrine_store_up ") + (g.store_up ? "1" : "0") + "\n";
        o += "# HELP peregrine_store_jobs_running Jobs running on all instances.\n"
             "# TYPE peregrine_store_jobs_running gauge\n";
        o += "peregrine_store_jobs_running " + std::to_string(g.store_running) + "\n";
        o += "# HELP peregrine_oldest_job_age_seconds Age of the oldest job waiting in the shared queue.\n"
             "# TYPE peregrine_oldest_job_age_seconds gauge\n";
        o += "peregrine_oldest_job_age_seconds " + num(g.oldest_job_age_s) + "\n";
    }
    o += "# HELP peregrine_http_requests_total HTTP requests answered, by status code.\n";
    o += "# TYPE peregrine_http_requests_total counter\n";
    for (const auto& [k, v] : requests_) {
        o += "peregrine_http_requests_total{code=\"" + std::to_string(k) + "\"} " + std::to_string(v) + "\n";
    }
    o += "# HELP peregrine_job_duration_seconds Job phases: witness (at submission), queue (waiting for a "
         "worker), prove (incl. self-verification), total.\n";
    o += "# TYPE peregrine_job_duration_seconds histogram\n";
    for (const auto& [k, h] : durations_) {
        const std::string labels = "circuit=\"" + prom_escape(k.first) + "\",phase=\"" + k.second + "\"";
        std::uint64_t cum = 0;
        for (std::size_t i = 0; i < h.bounds.size(); ++i) {
            cum += h.counts[i];
            o += "peregrine_job_duration_seconds_bucket{" + labels + ",le=\"" + num(h.bounds[i]) + "\"} " +
                 std::to_string(cum) + "\n";
        }
        o += "peregrine_job_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
        o += "peregrine_job_duration_seconds_sum{" + labels + "} " + num(h.sum) + "\n";
        o += "peregrine_job_duration_seconds_count{" + labels + "} " + std::to_string(h.count) + "\n";
    }
    return o;
}

}  // namespace peregrine::server
