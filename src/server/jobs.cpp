// SPDX-License-Identifier: MIT OR Apache-2.0
#include "server/jobs.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "formats/wtns.hpp"
#include "groth16/prove_files.hpp"
#include "server/log.hpp"
#ifdef PEREGRINE_HAVE_REDIS
#include "server/redis_store.hpp"
#endif
#include "util/error.hpp"

namespace peregrine::server {

namespace {

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

}  // namespace

// 128 random bits in hex: ids cannot be guessed, so a client sees only its own jobs.
std::string new_job_id() {
    static std::mutex mu;
    static std::random_device rd;
    std::lock_guard<std::mutex> lk(mu);
    static const char* hex = "0123456789abcdef";
    std::string id;
    for (int i = 0; i < 4; ++i) {
        std::uint32_t v = rd();
        for (int k = 0; k < 8; ++k, v >>= 4) id += hex[v & 15];
    }
    return id;
}


const char* status_name(JobStatus s) {
    switch (s) {
        case JobStatus::queued: return "queued";
        case JobStatus::running: return "running";
        case JobStatus::succeeded: return "succeeded";
        case JobStatus::failed: return "failed";
        case JobStatus::cancelled: return "cancelled";
    }
    return "?";
}

MemoryJobStore::MemoryJobStore(const JobQueueOptions& o, ThreadPool& pool, Metrics& metrics)
    : opt_(o), pool_(pool), metrics_(metrics) {
    if (opt_.workers == 0) opt_.workers = 1;
    for (unsigned i = 0; i < opt_.workers; ++i) workers_.emplace_back([this] { worker_loop(); });
}

MemoryJobStore::~MemoryJobStore() { stop(); }

std::shared_ptr<Job> MemoryJobStore::submit(const Circuit& c, witness::WitnessBuffer w, double witness_ms) {
    auto job = std::make_shared<Job>();
    job->circuit = &c;
    job->circuit_name = c.name;
    job->witness = std::move(w);
    job->witness_ms = witness_ms;
    job->submitted = Clock::now();
    std::lock_guard<std::mutex> lk(mu_);
    prune_locked();
    if (!accepting_ || queue_.size() >= opt_.queue) return nullptr;
    do {
        job->id = new_job_id();
    } while (jobs_.count(job->id));
    jobs_[job->id] = job;
    queue_.push_back(job);
    cv_.notify_one();
    return job;
}

bool MemoryJobStore::full() const {
    std::lock_guard<std::mutex> lk(mu_);
    return queue_.size() >= opt_.queue;
}

std::shared_ptr<Job> MemoryJobStore::find(const std::string& id) {
    std::lock_guard<std::mutex> lk(mu_);
    prune_locked();
    auto it = jobs_.find(id);
    return it == jobs_.end() ? nullptr : it->second;
}

MemoryJobStore::CancelResult MemoryJobStore::cancel(const std::string& id, std::chrono::milliseconds wait, nlohmann::json* out) {
    std::unique_lock<std::mutex> lk(mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return CancelResult::not_found;
    std::shared_ptr<Job> job = it->second;
    CancelResult r = CancelResult::cancelled;
    if (job->status == JobStatus::queued) {
        queue_.erase(std::remove(queue_.begin(), queue_.end(), job), queue_.end());
        finish_locked(*job, JobStatus::cancelled);
    } else if (job->status == JobStatus::running) {
        job->cancel = true;
        done_cv_.wait_for(lk, wait, [&] { return is_final(job->status); });
        if (!is_final(job->status)) {
            r = CancelResult::still_running;
        } else if (job->status != JobStatus::cancelled) {
            r = CancelResult::already_final;  // it finished before it saw the request
        }
    } else {
        r = CancelResult::already_final;
    }
    if (out) *out = job_json(*job);
    return r;
}

nlohmann::json MemoryJobStore::to_json(const Job& j) {
    std::lock_guard<std::mutex> lk(mu_);
    return job_json(j);
}

JobStatus MemoryJobStore::status_of(const Job& j) {
    std::lock_guard<std::mutex> lk(mu_);
    return j.status;
}

nlohmann::json job_json(const Job& j) {
    nlohmann::json t = {{"witness_ms", round3(j.witness_ms)}};
    if (j.status != JobStatus::queued) t["queue_ms"] = round3(j.queue_ms);
    if (is_final(j.status) && j.started != Clock::time_point{}) {
        t["prove_ms"] = round3(j.prove_ms);
        if (j.status == JobStatus::succeeded) {
            t["qap_ms"] = round3(j.qap_ms);
            t["ntt_ms"] = round3(j.ntt_ms);
            t["msm_ms"] = round3(j.msm_ms);
            t["verify_ms"] = round3(j.verify_ms);
        }
    }
    if (is_final(j.status)) t["total_ms"] = round3(j.total_ms);
    return {{"id", j.id},
            {"circuit", j.circuit_name},
            {"status", status_name(j.status)},
            {"proof", j.status == JobStatus::succeeded ? j.proof : nlohmann::json(nullptr)},
            {"public_signals", j.status == JobStatus::succeeded ? j.public_signals : nlohmann::json(nullptr)},
            {"error", j.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(j.error)},
            {"timings", t}};
}

Gauges MemoryJobStore::gauges() const {
    std::lock_guard<std::mutex> lk(mu_);
    Gauges g;
    g.queued = queue_.size();
    g.running = running_;
    g.queue_capacity = opt_.queue;
    g.workers = opt_.workers;
    g.stored = jobs_.size();
    g.draining = !accepting_;
    return g;
}

unsigned MemoryJobStore::retry_after_s() const {
    std::lock_guard<std::mutex> lk(mu_);
    const double s = mean_prove_s_ * double(queue_.size() + running_) / double(opt_.workers);
    return (unsigned)std::clamp(std::ceil(s), 1.0, 600.0);
}

void MemoryJobStore::worker_loop() {
    for (;;) {
        std::shared_ptr<Job> job;
        {
            std::unique_lock<std::mutex> lk(mu_);
            cv_.wait(lk, [&] { return stop_ || !queue_.empty(); });
            if (queue_.empty()) return;
            job = queue_.front();
            queue_.pop_front();
            job->status = JobStatus::running;
            job->started = Clock::now();
            job->queue_ms = ms_between(job->submitted, job->started);
            ++running_;
        }
        run(*job);
    }
}

void MemoryJobStore::run(Job& job) {
    ProveTimings tm;
    ProveOptions opts;
    opts.timings = &tm;
    opts.cancel = &job.cancel;
    opts.verify = true;  // never hand out a proof that does not verify
    JobStatus result = JobStatus::succeeded;
    std::string error;
    nlohmann::json proof, pub;
    try {
        const Wtns wtns(job.witness.data(), job.witness.size(), "witness of job " + job.id);
        ProofFiles out = prove_from_wtns(*job.circuit->zkey, wtns, pool_, opts);
        proof = nlohmann::json::parse(out.proof_json);
        pub = nlohmann::json::parse(out.public_json);
    } catch (const Cancelled&) {
        result = JobStatus::cancelled;
    } catch (const std::exception& e) {
        result = JobStatus::failed;
        error = e.what();
    }
    job.witness = {};
    std::lock_guard<std::mutex> lk(mu_);
    --running_;
    job.prove_ms = ms_between(job.started, Clock::now());
    if (result == JobStatus::succeeded) {
        job.proof = std::move(proof);
        job.public_signals = std::move(pub);
        job.qap_ms = tm.qap_ms;
        job.ntt_ms = tm.ntt_ms;
        job.msm_ms = tm.msm_ms;
        job.verify_ms = tm.verify_ms;
        const double s = job.prove_ms / 1000.0;
        mean_prove_s_ = mean_prove_s_ == 0 ? s : 0.8 * mean_prove_s_ + 0.2 * s;
    }
    job.error = error;
    metrics_.duration(job.circuit->name, "queue", job.queue_ms / 1000.0);
    metrics_.duration(job.circuit->name, "prove", job.prove_ms / 1000.0);
    finish_locked(job, result);
}

void MemoryJobStore::finish_locked(Job& job, JobStatus s) {
    job.status = s;
    job.finished = Clock::now();
    if (job.started == Clock::time_point{}) job.queue_ms = ms_between(job.submitted, job.finished);
    job.total_ms = job.witness_ms + ms_between(job.submitted, job.finished);
    if (s == JobStatus::cancelled && job.error.empty()) job.error = "cancelled";
    job.witness = {};
    finished_.emplace_back(job.finished, job.id);
    metrics_.job_finished(job.circuit->name, status_name(s));
    metrics_.duration(job.circuit->name, "total", job.total_ms / 1000.0);
    nlohmann::json line = {{"id", job.id},
                           {"circuit", job.circuit->name},
                           {"status", status_name(s)},
                           {"witness_ms", round3(job.witness_ms)},
                           {"queue_ms", round3(job.queue_ms)},
                           {"prove_ms", round3(job.prove_ms)},
                           {"total_ms", round3(job.total_ms)}};
    if (s == JobStatus::failed) line["error"] = job.error;
    log_event("job", std::move(line));
    done_cv_.notify_all();
}

void MemoryJobStore::prune_locked() {
    const auto now = Clock::now();
    const auto keep = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt_.keep_results_s));
    while (!finished_.empty() && (finished_.front().first + keep <= now || finished_.size() > opt_.max_results)) {
        jobs_.erase(finished_.front().second);
        finished_.pop_front();
    }
}

void MemoryJobStore::begin_shutdown() {
    std::lock_guard<std::mutex> lk(mu_);
    accepting_ = false;
    while (!queue_.empty()) {
        std::shared_ptr<Job> job = queue_.front();
        queue_.pop_front();
        job->error = "cancelled: the server is shutting down";
        finish_locked(*job, JobStatus::cancelled);
    }
}

void MemoryJobStore::stop() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        accepting_ = false;
        stop_ = true;
        for (auto& job : queue_) job->cancel = true;
        for (auto& [id, job] : jobs_) {
            if (job->status == JobStatus::running) job->cancel = true;
        }
    }
    cv_.notify_all();
    for (auto& t : workers_) {
        if (t.joinable()) t.join();
    }
    workers_.clear();
}

std::string check_store_option(const std::string& store, const std::string& role) {
    if (role != "all" && role != "api" && role != "worker") return "--role must be api, worker or all (not \"" + role + "\")";
    if (store == "memory") {
        if (role != "all") return "--role " + role + " needs a shared store (--store redis://HOST:PORT): with --store memory one instance is both";
        return "";
    }
    if (store.rfind("redis://", 0) == 0 || store.rfind("rediss://", 0) == 0) {
#ifdef PEREGRINE_HAVE_REDIS
        std::string why;
        if (!RedisUrl::parse(store, &why)) return "--store " + store + ": " + why;
        return "";
#else
        return "--store " + store + ": this build of peregrine has no Redis support (it is built when hiredis, "
               "Debian's libhiredis-dev, and OpenSSL, libssl-dev, are found by pkg-config)";
#endif
    }
    return "--store must be memory, redis://[user:password@]HOST:PORT[/DB] or rediss://... (not \"" + store + "\")";
}

std::unique_ptr<JobStore> make_job_store(const JobQueueOptions& o, ThreadPool& pool, Metrics& metrics) {
    const std::string why = check_store_option(o.store, o.role);
    if (!why.empty()) throw Error(why);
#ifdef PEREGRINE_HAVE_REDIS
    if (o.store != "memory") return std::make_unique<RedisJobStore>(o, pool, metrics);
#endif
    return std::make_unique<MemoryJobStore>(o, pool, metrics);
}

}  // namespace peregrine::server
