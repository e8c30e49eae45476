// SPDX-License-Identifier: MIT OR Apache-2.0
#include "server/redis_store.hpp"
#include "server/redis_scripts.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "formats/wtns.hpp"
#include "groth16/prove_files.hpp"
#include "server/log.hpp"
#include "util/error.hpp"

namespace peregrine::server {

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using namespace redis_detail;

JobStatus parse_status(const std::string& s) {
    if (s == "queued") return JobStatus::queued;
    if (s == "running") return JobStatus::running;
    if (s == "succeeded") return JobStatus::succeeded;
    if (s == "failed") return JobStatus::failed;
    return JobStatus::cancelled;
}

std::string hostname() {
    char h[256] = {0};
    if (gethostname(h, sizeof h - 1) != 0) return "host";
    return h;
}

}  // namespace

RedisJobStore::RedisJobStore(const JobQueueOptions& o, ThreadPool& pool, Metrics& metrics)
    : opt_(o), url_(parse_store_url(o.store)), pool_(pool), metrics_(metrics), api_(url_) {
    consumer_ = hostname() + "-" + std::to_string(::getpid()) + "-" + new_job_id().substr(0, 6);
    for (const auto& name : o.circuit_names) {
        circuits_.push_back(name);
        streams_.push_back(stream_key(name));
    }
    if (opt_.workers == 0) opt_.workers = 1;
    const bool proves = o.role != "api";
    log_event("store", {{"store", url_.display()}, {"role", o.role}, {"consumer", consumer_},
                        {"lease_s", o.lease_s}, {"result_ttl_s", o.keep_results_s}});
    if (proves) {
        for (unsigned i = 0; i < opt_.workers; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
        heartbeat_ = std::thread([this] { heartbeat_loop(); });
    }
}

RedisJobStore::~RedisJobStore() { stop(); }

void RedisJobStore::store_down(const std::string& why) const {
    if (!down_.exchange(true)) log_event("store_unavailable", {{"error", why}});
}

void RedisJobStore::store_up() const {
    if (down_.exchange(false)) log_event("store_reconnected", {{"store", url_.display()}});
}

bool RedisJobStore::sleep_unless_stopping(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lk(mu_);
    return !cv_.wait_for(lk, d, [&] { return stop_.load(); });
}

std::shared_ptr<Job> RedisJobStore::submit(const Circuit& c, witness::WitnessBuffer w, double witness_ms) {
    if (opt_.role == "worker") {
        throw StoreError("this instance only proves (--role worker): submit jobs to an API instance", 503);
    }
    if (!accepting_) return nullptr;
    const long long ttl = (long long)std::ceil(opt_.keep_results_s) + 86400;  // queued jobs wait up to a day
    for (int attempt = 0; attempt < 4; ++attempt) {
        const std::string id = new_job_id();
        const long long t = now_ms();
        std::vector<std::string> a = eval(kSubmit, {kQueued, job_key(id), wtns_key(id), stream_key(c.name), kStored});
        a.insert(a.end(), {id, c.name, std::to_string(t), num(witness_ms), std::to_string(opt_.queue),
                           std::to_string(ttl), std::string(w.view())});
        Reply r;
        try {
            r = api_.command_ok(a);
        } catch (const StoreError& e) {
            store_down(e.what());
            throw;
        }
        store_up();
        const long long v = reply_int(r.get());
        if (v == 0) return nullptr;
        if (v < 0) continue;
        auto job = std::make_shared<Job>();
        job->id = id;
        job->circuit = &c;
        job->circuit_name = c.name;
        job->witness_ms = witness_ms;
        return job;
    }
    throw StoreError("could not allocate a job id", 500);
}

bool RedisJobStore::full() const {
    try {
        Reply r = api_.command_ok({"ZCARD", kQueued});
        store_up();
        return std::size_t(reply_int(r.get())) >= opt_.queue;
    } catch (const StoreError& e) {
        store_down(e.what());
        throw;
    }
}

std::shared_ptr<Job> RedisJobStore::find(const std::string& id) {
    if (id.size() > 64) return nullptr;
    Reply r;
    try {
        r = api_.command_ok({"HGETALL", job_key(id)});
    } catch (const StoreError& e) {
        store_down(e.what());
        throw;
    }
    store_up();
    if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) return nullptr;
    std::map<std::string, std::string> f;
    for (std::size_t i = 0; i + 1 < r->elements; i += 2) f[reply_str(r->element[i])] = reply_str(r->element[i + 1]);
    auto job = std::make_shared<Job>();
    job->id = id;
    job->circuit_name = f["circuit"];
    job->circuit = opt_.circuit ? opt_.circuit(job->circuit_name) : nullptr;
    job->status = parse_status(f["status"]);
    auto d = [&](const char* k) { return f.count(k) ? std::atof(f[k].c_str()) : 0.0; };
    job->witness_ms = d("witness_ms");
    if (f.count("started")) {
        job->started = Clock::now();  // only "has started" matters here
        job->queue_ms = f.count("queue_ms") ? d("queue_ms") : d("started") - d("submitted");
    } else if (f.count("queue_ms")) {
        job->queue_ms = d("queue_ms");
    }
    if (job->status == JobStatus::running) job->queue_ms = d("started") - d("submitted");
    job->prove_ms = d("prove_ms");
    job->total_ms = d("total_ms");
    job->qap_ms = d("qap_ms");
    job->ntt_ms = d("ntt_ms");
    job->msm_ms = d("msm_ms");
    job->verify_ms = d("verify_ms");
    job->error = f["error"];
    if (job->status == JobStatus::succeeded) {
        job->proof = json::parse(f["proof"], nullptr, false);
        job->public_signals = json::parse(f["public"], nullptr, false);
    }
    return job;
}

JobStore::CancelResult RedisJobStore::cancel(const std::string& id, std::chrono::milliseconds wait, json* out) {
    if (id.size() > 64) return CancelResult::not_found;
    std::string r;
    try {
        std::vector<std::string> a = eval(kCancel, {job_key(id), wtns_key(id), kQueued, kStored});
        a.insert(a.end(), {id, std::to_string(now_ms()), std::to_string((long long)std::ceil(opt_.keep_results_s))});
        r = reply_str(api_.command_ok(a).get());
    } catch (const StoreError& e) {
        store_down(e.what());
        throw;
    }
    if (r == "not_found") return CancelResult::not_found;
    CancelResult res = r == "cancelled" ? CancelResult::cancelled : CancelResult::already_final;
    std::shared_ptr<Job> job = find(id);
    if (r == "running") {
        // The worker that runs it (on any instance) polls the flag and stops within a fraction
        // of a second.
        const auto deadline = Clock::now() + wait;
        while (job && job->status == JobStatus::running && Clock::now() < deadline) {
            std::this_thread::sleep_for(50ms);
            job = find(id);
        }
        if (!job) return CancelResult::not_found;
        res = job->status == JobStatus::running     ? CancelResult::still_running
              : job->status == JobStatus::cancelled ? CancelResult::cancelled
                                                    : CancelResult::already_final;
    }
    if (!job) return CancelResult::not_found;
    if (out) *out = job_json(*job);
    return res;
}

Gauges RedisJobStore::gauges() const {
    Gauges g;
    {
        std::lock_guard<std::mutex> lk(mu_);
        g.running = running_;
    }
    g.queue_capacity = opt_.queue;
    g.workers = opt_.role == "api" ? 0 : opt_.workers;
    g.draining = !accepting_;
    g.shared_store = true;
    try {
        g.store_queued = std::size_t(reply_int(api_.command_ok({"ZCARD", kQueued}).get()));
        g.store_running = std::size_t(reply_int(api_.command_ok({"ZCARD", kRunning}).get()));
        g.stored = std::size_t(reply_int(api_.command_ok(eval(kStoredCount, {kStored})).get()));
        Reply r = api_.command_ok({"ZRANGE", kQueued, "0", "0", "WITHSCORES"});
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 2) {
            g.oldest_job_age_s = std::max(0.0, double(now_ms() - reply_int(r->element[1])) / 1000.0);
        }
        store_up();
    } catch (const StoreError& e) {
        store_down(e.what());
        g.store_up = false;
    }
    return g;
}

unsigned RedisJobStore::retry_after_s() const {
    std::lock_guard<std::mutex> lk(mu_);
    const double s = std::max(mean_prove_s_, 0.1) * double(opt_.queue) / double(std::max(1u, opt_.workers));
    return (unsigned)std::clamp(std::ceil(s), 1.0, 60.0);
}

void RedisJobStore::begin_shutdown() { accepting_ = false; }

void RedisJobStore::stop() {
    accepting_ = false;
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (stop_) return;
        stop_ = true;
        for (auto& [entry, l] : leases_) {
            l->handback = true;
            l->cancel = true;
        }
    }
    cv_.notify_all();
    for (auto& t : workers_) {
        if (t.joinable()) t.join();
    }
    workers_.clear();
    if (heartbeat_.joinable()) {
        heartbeat_.join();
        try {  // this instance's consumers, unless one still has an entry (a job given back)
            RedisConn c(url_, std::chrono::seconds(2));
            reap_consumers(c, true);
        } catch (const StoreError&) {
            // Redis is down: another instance removes them later.
        }
    }
}

}  // namespace peregrine::server
