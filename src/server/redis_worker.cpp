// SPDX-License-Identifier: MIT OR Apache-2.0
// RedisJobStore's workers: take a job from the circuits' streams (a reclaimed one first), prove
// it, record the result; and the heartbeat that keeps their leases and sees cancellations.
#include <algorithm>
#include <cmath>

#include "formats/wtns.hpp"
#include "groth16/prove_files.hpp"
#include "server/log.hpp"
#include "server/redis_scripts.hpp"
#include "server/redis_store.hpp"
#include "util/error.hpp"

namespace peregrine::server {

using namespace redis_detail;
using namespace std::chrono_literals;
using json = nlohmann::json;

void RedisJobStore::ensure_groups(RedisConn& c) {
    for (const auto& s : streams_) {
        Reply r = c.command({"XGROUP", "CREATE", s, kGroup, "0", "MKSTREAM"});
        if (r->type == REDIS_REPLY_ERROR && reply_str(r.get()).rfind("BUSYGROUP", 0) != 0) {
            throw StoreError("the job store failed: XGROUP CREATE " + s + ": " + reply_str(r.get()), 500);
        }
    }
}

// A job of a worker that has not renewed its lease for --lease-seconds first, else a new one
// (waiting up to a second). False when there is none; a missing group (Redis restarted without
// its data) throws, so that the caller creates the groups again.
bool RedisJobStore::next_entry(RedisConn& c, const std::string& me, Entry* e, bool* reclaimed) {
    const std::string lease_ms = std::to_string((long long)std::ceil(opt_.lease_s * 1000.0));
    for (std::size_t i = 0; i < streams_.size(); ++i) {
        Reply r = c.command({"XAUTOCLAIM", streams_[i], kGroup, me, lease_ms, "0-0", "COUNT", "1"});
        if (r->type == REDIS_REPLY_ERROR) throw StoreError("XAUTOCLAIM " + streams_[i] + ": " + reply_str(r.get()), 500);
        if (r->type != REDIS_REPLY_ARRAY || r->elements < 2) continue;
        const redisReply* entries = r->element[1];
        if (!entries || entries->type != REDIS_REPLY_ARRAY) continue;
        for (std::size_t k = 0; k < entries->elements; ++k) {
            const redisReply* en = entries->element[k];
            if (!en || en->type != REDIS_REPLY_ARRAY || en->elements < 1) continue;
            *e = {streams_[i], circuits_[i], reply_str(en->element[0]), entry_job_id(en)};
            *reclaimed = true;
            return true;
        }
    }
    std::vector<std::string> a = {"XREADGROUP", "GROUP", kGroup, me, "COUNT", "1", "BLOCK", "1000", "STREAMS"};
    a.insert(a.end(), streams_.begin(), streams_.end());
    for (std::size_t i = 0; i < streams_.size(); ++i) a.push_back(">");
    Reply r = c.command(a);
    if (r->type == REDIS_REPLY_ERROR) throw StoreError("XREADGROUP: " + reply_str(r.get()), 500);
    if (r->type != REDIS_REPLY_ARRAY) return false;
    for (std::size_t s = 0; s < r->elements; ++s) {
        const redisReply* sr = r->element[s];
        if (!sr || sr->type != REDIS_REPLY_ARRAY || sr->elements < 2) continue;
        const std::string stream = reply_str(sr->element[0]);
        const auto it = std::find(streams_.begin(), streams_.end(), stream);
        if (it == streams_.end()) continue;
        const redisReply* entries = sr->element[1];
        if (!entries || entries->type != REDIS_REPLY_ARRAY || entries->elements == 0) continue;
        const redisReply* en = entries->element[0];
        *e = {stream, circuits_[std::size_t(it - streams_.begin())], reply_str(en->element[0]), entry_job_id(en)};
        *reclaimed = false;
        return true;
    }
    return false;
}

void RedisJobStore::drop_entry(RedisConn& c, const Entry& e) {
    c.command({"XACK", e.stream, kGroup, e.entry});
    c.command({"XDEL", e.stream, e.entry});
}

void RedisJobStore::worker_loop(unsigned index) {
    const std::string me = consumer_ + "-" + std::to_string(index);
    RedisConn c(url_);
    bool groups = false;
    auto backoff = 100ms;
    while (!stop_) {
        if (!accepting_) {  // shutting down: no new jobs
            sleep_unless_stopping(100ms);
            continue;
        }
        try {
            if (!groups) {
                ensure_groups(c);
                groups = true;
            }
            Entry e;
            bool reclaimed = false;
            const bool got = next_entry(c, me, &e, &reclaimed);
            store_up();
            backoff = 100ms;
            if (got) process(c, me, e, reclaimed);
        } catch (const StoreError& ex) {
            // Down (retry with backoff, reconnecting) or a lost group (created again).
            if (ex.http_status() == 503) store_down(ex.what());
            else log_event("store_error", {{"worker", me}, {"error", ex.what()}});
            groups = false;
            sleep_unless_stopping(backoff);
            backoff = std::min<std::chrono::milliseconds>(backoff * 2, 2000ms);
        } catch (const std::exception& ex) {
            log_event("internal_error", {{"worker", me}, {"error", ex.what()}});
            sleep_unless_stopping(1000ms);
        }
    }
}

void RedisJobStore::process(RedisConn& c, const std::string& me, const Entry& e, bool reclaimed) {
    if (e.id.empty()) {  // an entry without a job (deleted meanwhile)
        drop_entry(c, e);
        return;
    }
    std::vector<std::string> a = eval(kStart, {job_key(e.id), kQueued, kRunning, kStored});
    a.insert(a.end(), {e.id, me, std::to_string(now_ms())});
    Reply r = c.command_ok(a);
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 1) throw StoreError("unexpected reply to the start script", 500);
    const std::string state = reply_str(r->element[0]);
    const auto t_start = Clock::now();
    const long long start_ms = now_ms();
    double submitted = double(start_ms), started = double(start_ms), witness_ms = 0;
    long long attempts = 1;
    JobStatus result = JobStatus::succeeded;
    std::string error, proof, pub;
    ProveTimings tm;
    bool lost = false, handback = false;
    if (state == "ok") {
        submitted = std::atof(reply_str(r->element[2]).c_str());
        started = std::atof(reply_str(r->element[3]).c_str());
        witness_ms = std::atof(reply_str(r->element[4]).c_str());
        attempts = reply_int(r->element[5]);
        if (reclaimed) {
            log_event("job_reclaimed", {{"id", e.id}, {"circuit", e.circuit}, {"from", reply_str(r->element[1])},
                                        {"worker", me}, {"attempt", attempts}});
        }
        Reply w = c.command_ok({"GET", wtns_key(e.id)});
        const Circuit* circuit = opt_.circuit ? opt_.circuit(e.circuit) : nullptr;
        if (reply_nil(w.get())) {
            result = JobStatus::failed;
            error = "the job's witness is no longer in the store (expired)";
        } else if (!circuit) {
            result = JobStatus::failed;
            error = "circuit \"" + e.circuit + "\" is not loaded on worker " + me;
        } else {
            auto lease = std::make_shared<Lease>();
            lease->stream = e.stream;
            lease->entry = e.entry;
            lease->id = e.id;
            lease->consumer = me;
            {
                std::lock_guard<std::mutex> lk(mu_);
                if (stop_) lease->cancel = lease->handback = true;
                leases_[e.entry] = lease;
                ++running_;
            }
            ProveOptions opts;
            opts.timings = &tm;
            opts.cancel = &lease->cancel;
            opts.verify = true;  // never hand out a proof that does not verify
            try {
                const std::string bytes(w->str, w->len);
                w.reset();
                const Wtns wtns(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), "witness of job " + e.id);
                ProofFiles out = prove_from_wtns(*circuit->zkey, wtns, pool_, opts);
                proof = out.proof_json;
                pub = out.public_json;
            } catch (const Cancelled&) {
                result = JobStatus::cancelled;
            } catch (const std::exception& ex) {
                result = JobStatus::failed;
                error = ex.what();
            }
            std::lock_guard<std::mutex> lk(mu_);
            leases_.erase(e.entry);
            --running_;
            lost = lease->lost;
            handback = lease->handback;
            if (result == JobStatus::succeeded) {
                const double s = std::chrono::duration<double>(Clock::now() - t_start).count();
                mean_prove_s_ = mean_prove_s_ == 0 ? s : 0.8 * mean_prove_s_ + 0.2 * s;
            }
        }
    } else if (state == "cancel") {
        result = JobStatus::cancelled;  // cancelled while its former worker had it
    } else {
        drop_entry(c, e);  // final already, or expired
        return;
    }
    if (result == JobStatus::cancelled && (handback || lost)) {
        if (handback) {
            std::vector<std::string> ra = eval(kRelease, {job_key(e.id), kQueued, kRunning, e.stream});
            ra.insert(ra.end(), {e.id, me, kGroup, e.entry, "86400000"});
            try {
                c.command_ok(ra);
                log_event("job_handed_back", {{"id", e.id}, {"worker", me}});
            } catch (const StoreError&) {
                // Redis is down: the lease runs out and another worker takes the job then.
            }
        }
        return;
    }
    const double prove_ms = std::chrono::duration<double, std::milli>(Clock::now() - t_start).count();
    const long long fin = now_ms();
    const double queue_ms = started - submitted, total_ms = witness_ms + double(fin) - submitted;
    if (result == JobStatus::cancelled && error.empty()) error = "cancelled";
    std::vector<std::string> fa = eval(kFinish, {job_key(e.id), wtns_key(e.id), kQueued, kRunning, e.stream, kStored});
    fa.insert(fa.end(), {e.id, status_name(result), std::to_string((long long)std::ceil(opt_.keep_results_s)), kGroup,
                         e.entry, "finished", std::to_string(fin), "queue_ms", num(queue_ms), "prove_ms",
                         num(prove_ms), "total_ms", num(total_ms), "worker", me});
    if (result == JobStatus::succeeded) {
        fa.insert(fa.end(), {"proof", proof, "public", pub, "qap_ms", num(tm.qap_ms), "ntt_ms", num(tm.ntt_ms),
                             "msm_ms", num(tm.msm_ms), "verify_ms", num(tm.verify_ms)});
    }
    if (!error.empty()) fa.insert(fa.end(), {"error", error});
    // The result is kept until Redis takes it (retrying with backoff while it is down); if this
    // instance is stopped meanwhile, the lease runs out and another worker proves the job again.
    long long recorded = -1;
    auto backoff = 100ms;
    for (int tries = 0; recorded < 0; ++tries) {
        try {
            recorded = reply_int(c.command_ok(fa).get());
            store_up();
        } catch (const StoreError& ex) {
            store_down(ex.what());
            if (stop_ && tries >= 3) return;
            sleep_unless_stopping(backoff);
            backoff = std::min<std::chrono::milliseconds>(backoff * 2, 2000ms);
        }
    }
    json line = {{"id", e.id},       {"circuit", e.circuit},       {"status", status_name(result)},
                 {"worker", me},     {"attempt", attempts},        {"recorded", recorded == 1},
                 {"queue_ms", std::round(queue_ms * 1000) / 1000}, {"prove_ms", std::round(prove_ms * 1000) / 1000},
                 {"total_ms", std::round(total_ms * 1000) / 1000}};
    if (result == JobStatus::failed) line["error"] = error;
    log_event("job", std::move(line));
    if (recorded == 1) {
        metrics_.job_finished(e.circuit, status_name(result));
        metrics_.duration(e.circuit, "queue", queue_ms / 1000.0);
        metrics_.duration(e.circuit, "prove", prove_ms / 1000.0);
        metrics_.duration(e.circuit, "total", total_ms / 1000.0);
    }
}

void RedisJobStore::reap_consumers(RedisConn& c, bool mine) {
    std::vector<std::string> a = {"EVAL", kReapConsumers, std::to_string(streams_.size())};
    a.insert(a.end(), streams_.begin(), streams_.end());
    const long long lease_ms = (long long)std::ceil(opt_.lease_s * 1000.0);
    a.insert(a.end(), {kGroup, std::to_string(std::max<long long>(3 * lease_ms, 3000))});
    if (mine) a.push_back(consumer_ + "-");
    Reply r = c.command_ok(a);
    if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) return;
    json names = json::array();
    for (std::size_t i = 0; i < r->elements; ++i) names.push_back(reply_str(r->element[i]));
    log_event("consumers_removed", {{"consumers", names}, {"own", mine}});
}

void RedisJobStore::heartbeat_loop() {
    RedisConn c(url_);
    // Dead workers' consumers are looked for every lease (1 to 30 s), the first time one lease
    // after the start.
    const auto reap_every = std::chrono::milliseconds((long long)std::clamp(opt_.lease_s * 1000.0, 1000.0, 30000.0));
    auto next_reap = Clock::now() + reap_every;
    while (!stop_) {
        if (Clock::now() >= next_reap) {
            next_reap = Clock::now() + reap_every;
            try {
                reap_consumers(c, false);
            } catch (const StoreError& ex) {
                if (ex.http_status() == 503) store_down(ex.what());
                else log_event("store_error", {{"error", ex.what()}});
            }
        }
        std::vector<std::shared_ptr<Lease>> ls;
        {
            std::lock_guard<std::mutex> lk(mu_);
            for (auto& [k, l] : leases_) ls.push_back(l);
        }
        for (auto& l : ls) {
            std::vector<std::string> a = eval(kHeartbeat, {l->stream, job_key(l->id)});
            a.insert(a.end(), {kGroup, l->consumer, l->entry});
            try {
                const long long v = reply_int(c.command_ok(a).get());
                std::lock_guard<std::mutex> lk(mu_);
                if (v < 0 && !l->lost) {
                    l->lost = true;  // another worker took it over: stop ours
                    l->cancel = true;
                    log_event("job_lease_lost", {{"id", l->id}, {"worker", l->consumer}});
                } else if (v == 1) {
                    l->cancel = true;
                }
            } catch (const StoreError& ex) {
                store_down(ex.what());
                break;
            }
        }
        sleep_unless_stopping(std::chrono::milliseconds(std::clamp<long long>((long long)(opt_.lease_s * 1000 / 4), 20, 100)));
    }
}

}  // namespace peregrine::server
