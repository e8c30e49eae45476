// SPDX-License-Identifier: MIT OR Apache-2.0
#include "server/server.hpp"

// httplib.h is the first to include <functional> and <regex> here. With -fsanitize=address (the
// asan preset) GCC 12 reports about 14 false -Wmaybe-uninitialized warnings (~180 lines) inside
// libstdc++'s regex automaton (std::function moved out of a _State); they are silenced for the
// code reached through this include only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <httplib.h>
#pragma GCC diagnostic pop
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <thread>

#include "server/jobs.hpp"
#include "server/log.hpp"
#include "server/metrics.hpp"
#include "witness/loader.hpp"

namespace peregrine::server {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// Circuit names come only from the directory listing, and are looked up in a map: a name in a
// URL is never used as a path. Names are still restricted to a safe alphabet.
bool valid_circuit_name(const std::string& n) {
    static const std::regex re("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    return std::regex_match(n, re);
}

using Circuits = std::map<std::string, std::unique_ptr<Circuit>>;

// DIR/<name>.zkey + DIR/<name>/ for every name. Broken ones are reported and skipped (strict:
// start-up fails). Returns false when start-up must fail.
bool load_circuits(const ServeOptions& o, Circuits& out) {
    std::error_code ec;
    if (!fs::is_directory(o.circuits_dir, ec)) {
        log_event("startup_failed", {{"error", o.circuits_dir + ": not a directory"}});
        return false;
    }
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(o.circuits_dir, ec)) {
        const std::string fn = e.path().filename().string();
        if (e.is_regular_file() && e.path().extension() == ".zkey") {
            names.insert(e.path().stem().string());
        } else if (e.is_directory()) {
            names.insert(fn);
        }
    }
    if (ec) {
        log_event("startup_failed", {{"error", o.circuits_dir + ": " + ec.message()}});
        return false;
    }
    bool ok = true;
    for (const std::string& name : names) {
        const fs::path zkey_path = fs::path(o.circuits_dir) / (name + ".zkey");
        const fs::path lib_dir = fs::path(o.circuits_dir) / name;
        std::string problem;
        try {
            if (!valid_circuit_name(name)) {
                problem = "invalid circuit name (allowed: letters, digits, _ . -)";
            } else if (!fs::is_regular_file(zkey_path)) {
                problem = "no " + zkey_path.string();
            } else if (!fs::is_directory(lib_dir)) {
                problem = "no " + lib_dir.string() + "/ (the output of `peregrine circuit build`)";
            } else {
                auto c = std::make_unique<Circuit>();
                c->name = name;
                c->lib = std::make_unique<witness::WitnessLibrary>(lib_dir.string());
                c->zkey = std::make_unique<Zkey>(zkey_path.string());
                if (c->lib->witness_size() != c->zkey->n_vars()) {
                    problem = zkey_path.string() + " has " + std::to_string(c->zkey->n_vars()) +
                              " variables, but the circuit in " + lib_dir.string() + " has " +
                              std::to_string(c->lib->witness_size()) + ": not the key of this circuit";
                } else {
                    log_event("circuit_loaded", {{"circuit", name},
                                                 {"n_vars", c->zkey->n_vars()},
                                                 {"n_public", c->zkey->n_public()},
                                                 {"domain_size", c->zkey->domain_size()}});
                    out[name] = std::move(c);
                    continue;
                }
            }
        } catch (const std::exception& e) {
            problem = e.what();
        }
        log_event(o.strict ? "startup_failed" : "circuit_skipped", {{"circuit", name}, {"error", problem}});
        if (o.strict) ok = false;
    }
    if (ok && out.empty()) {
        log_event("startup_failed", {{"error", o.circuits_dir + ": no circuits (expected <name>.zkey and <name>/)"}});
        return false;
    }
    return ok;
}

void reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void reply_error(httplib::Response& res, int status, const std::string& msg) { reply(res, status, {{"error", msg}}); }

// Per-request context for the request log line (each request is handled on one thread).
thread_local Clock::time_point tl_start{};
thread_local std::string tl_job;

std::string clip(const std::string& s, std::size_t n = 120) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

class Service {
public:
    Service(const ServeOptions& o, Circuits circuits)
        : o_(o),
          circuits_(std::move(circuits)),
          pool_(o.threads),
          jobs_({o.workers, o.queue, o.keep_results_s, 10000, o.store, o.role, o.lease_s,
                 [this](const std::string& n) -> const Circuit* {
                     auto it = circuits_.find(n);
                     return it == circuits_.end() ? nullptr : it->second.get();
                 },
                 [this] {
                     std::vector<std::string> v;
                     for (const auto& kv : circuits_) v.push_back(kv.first);
                     return v;
                 }()},
                pool_, metrics_) {}

    std::atomic<bool> draining{false};

    void routes(httplib::Server& svr) {
        svr.Post(R"(/v1/circuits/([^/]+)/proofs)", [this](const httplib::Request& req, httplib::Response& res) {
            Submitted s = submit(req.matches[1], req.body);
            if (s.job) res.set_header("Location", "/v1/proofs/" + s.job->id);
            respond(res, s);
        });
        svr.Get(R"(/v1/proofs/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
            std::shared_ptr<Job> job = jobs_.find(req.matches[1]);
            if (!job) return reply_error(res, 404, "unknown job (or its result has expired)");
            tl_job = job->id;
            reply(res, 200, jobs_.to_json(*job));
        });
        svr.Delete(R"(/v1/proofs/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
            const std::string id = req.matches[1];
            json body;
            switch (jobs_.cancel(id, std::chrono::seconds(5), &body)) {
                case JobQueue::CancelResult::not_found:
                    return reply_error(res, 404, "unknown job (or its result has expired)");
                case JobQueue::CancelResult::cancelled: tl_job = id; return reply(res, 200, body);
                case JobQueue::CancelResult::still_running: tl_job = id; return reply(res, 202, body);
                case JobQueue::CancelResult::already_final:
                    tl_job = id;
                    body["error"] = "the job had already finished";
                    return reply(res, 409, body);
            }
        });
        svr.Get("/v1/circuits", [this](const httplib::Request&, httplib::Response& res) {
            json list = json::array();
            for (const auto& [name, c] : circuits_) {
                list.push_back({{"name", name},
                                {"n_vars", c->zkey->n_vars()},
                                {"n_public", c->zkey->n_public()},
                                {"domain_size", c->zkey->domain_size()}});
            }
            reply(res, 200, {{"circuits", list}});
        });
        svr.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
            const Gauges g = jobs_.gauges();
            reply(res, draining ? 503 : 200,
                  {{"status", draining ? "draining" : "ok"},
                   {"circuits", circuits_.size()},
                   {"queued", g.queued},
                   {"running", g.running}});
        });
        svr.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
            Gauges g = jobs_.gauges();
            g.draining = g.draining || draining;
            res.set_content(metrics_.render(g), "text/plain; version=0.0.4; charset=utf-8");
        });

        // rapidsnark's proverServer routes and JSON shapes. /status and /cancel refer to the job
        // most recently submitted through /input; an earlier one keeps running (rapidsnark
        // aborted it) and stays reachable through /v1/proofs/<id>.
        svr.Post(R"(/input/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
            Submitted s = submit(req.matches[1], req.body);
            if (s.job) {
                std::lock_guard<std::mutex> lk(compat_mu_);
                compat_id_ = s.job->id;
                s.status = 200;
                s.body = {{"id", s.job->id}, {"status", "busy"}};
            }
            respond(res, s);
        });
        svr.Get("/status", [this](const httplib::Request&, httplib::Response& res) {
            std::shared_ptr<Job> job = compat_job();
            if (!job) return reply(res, 200, {{"status", "ready"}});
            tl_job = job->id;
            const json j = jobs_.to_json(*job);
            const std::string st = j["status"];
            if (st == "queued" || st == "running") return reply(res, 200, {{"status", "busy"}});
            if (st == "cancelled") return reply(res, 200, {{"status", "aborted"}});
            if (st == "failed") return reply(res, 200, {{"status", "failed"}, {"error", j["error"]}});
            // As rapidsnark: proof and pubData are JSON texts inside the JSON.
            reply(res, 200, {{"status", "success"}, {"proof", j["proof"].dump()}, {"pubData", j["public_signals"].dump()}});
        });
        svr.Post("/cancel", [this](const httplib::Request&, httplib::Response& res) {
            std::shared_ptr<Job> job = compat_job();
            if (!job) return reply(res, 200, {{"status", "ready"}});
            tl_job = job->id;
            json body;
            jobs_.cancel(job->id, std::chrono::seconds(5), &body);
            const std::string st = body["status"];
            reply(res, 200, {{"status", st == "cancelled" ? "aborted" : st == "succeeded" ? "success" : st == "failed" ? "failed" : "busy"}});
        });
    }

    void hooks(httplib::Server& svr) {
        svr.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
            tl_start = Clock::now();
            tl_job.clear();
            return httplib::Server::HandlerResponse::Unhandled;
        });
        svr.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
            if (!res.body.empty()) return;
            if (res.status == 413) {
                metrics_.rejected("too_large");
                reply_error(res, 413, "request body too large (limit " + std::to_string(o_.max_body) + " bytes)");
            } else if (res.status == 404) {
                reply_error(res, 404, "no such route");
            } else {
                reply_error(res, res.status, res.status == 400 ? "bad request" : "HTTP error " + std::to_string(res.status));
            }
        });
        svr.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
            std::string what = "unknown exception";
            try {
                std::rethrow_exception(ep);
            } catch (const StoreError& e) {  // the shared job store (Redis) cannot answer: 503 and why
                res.set_header("Retry-After", "2");
                return reply_error(res, e.http_status(), e.what());
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            log_event("internal_error", {{"path", clip(req.path)}, {"error", what}});
            reply_error(res, 500, "internal error: " + what);
        });
        svr.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
            metrics_.request(res.status);
            json line = {{"method", req.method}, {"path", clip(req.path)}, {"status", res.status},
                         {"remote", req.remote_addr}, {"bytes_in", req.body.size()}};
            if (tl_start != Clock::time_point{}) {
                line["ms"] = std::round(std::chrono::duration<double, std::milli>(Clock::now() - tl_start).count() * 1000) / 1000;
            }
            if (!tl_job.empty()) line["id"] = tl_job;
            tl_start = {};
            tl_job.clear();
            log_event("request", std::move(line));
        });
    }

    JobQueue& jobs() { return jobs_; }

private:
    struct Submitted {
        int status = 500;
        json body;
        std::shared_ptr<Job> job;
        unsigned retry_after = 0;
    };

    void respond(httplib::Response& res, const Submitted& s) {
        if (s.retry_after) res.set_header("Retry-After", std::to_string(s.retry_after));
        if (s.job) tl_job = s.job->id;
        reply(res, s.status, s.body);
    }

    Submitted refuse(int status, const char* reason, const std::string& msg, unsigned retry_after = 0) {
        metrics_.rejected(reason);
        return {status, {{"error", msg}}, nullptr, retry_after};
    }

    Submitted submit(const std::string& name, const std::string& input) {
        if (draining) return refuse(503, "draining", "the server is shutting down", 5);
        auto it = circuits_.find(name);
        if (it == circuits_.end()) return refuse(404, "unknown_circuit", "unknown circuit \"" + clip(name, 64) + "\"");
        const Circuit& c = *it->second;
        if (jobs_.full()) return refuse(429, "queue_full", "the job queue is full", jobs_.retry_after_s());
        const auto t0 = Clock::now();
        witness::WitnessBuffer w;
        try {
            w = c.lib->calculate(input);
        } catch (const witness::WitnessError& e) {
            if (e.code() == 1) return refuse(400, "invalid_input", std::string("invalid input: ") + e.what());
            if (e.code() == 2) return refuse(400, "circuit_error", std::string("the circuit rejects the input: ") + e.what());
            return refuse(500, "witness_error", std::string("witness calculation failed: ") + e.what());
        } catch (const std::exception& e) {
            return refuse(500, "witness_error", std::string("witness calculation failed: ") + e.what());
        }
        const double witness_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        std::shared_ptr<Job> job = jobs_.submit(c, std::move(w), witness_ms);
        if (!job) {
            if (draining) return refuse(503, "draining", "the server is shutting down", 5);
            return refuse(429, "queue_full", "the job queue is full", jobs_.retry_after_s());
        }
        metrics_.duration(c.name, "witness", witness_ms / 1000.0);
        return {202, {{"id", job->id}, {"status", "queued"}}, job, 0};
    }

    std::shared_ptr<Job> compat_job() {
        std::string id;
        {
            std::lock_guard<std::mutex> lk(compat_mu_);
            id = compat_id_;
        }
        return id.empty() ? nullptr : jobs_.find(id);
    }

    ServeOptions o_;
    Circuits circuits_;
    Metrics metrics_;
    ThreadPool pool_;
    JobQueue jobs_;
    std::mutex compat_mu_;
    std::string compat_id_;
};

}  // namespace

int serve(const ServeOptions& o) {
    // A client that disconnects must not kill the process.
    ::signal(SIGPIPE, SIG_IGN);
    // SIGTERM/SIGINT are taken by one thread with sigwait; blocked before any thread starts, so
    // every thread (HTTP, workers, prover) inherits the mask.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

    Circuits circuits;
    if (!load_circuits(o, circuits)) return 1;
    Service service(o, std::move(circuits));

    httplib::Server svr;
    const std::size_t http_threads = std::max(1u, o.http_threads);
    svr.new_task_queue = [http_threads] { return new httplib::ThreadPool(http_threads); };
    svr.set_payload_max_length(o.max_body);
    svr.set_read_timeout(10);
    svr.set_write_timeout(10);
    svr.set_keep_alive_timeout(5);
    svr.set_keep_alive_max_count(100);
    service.hooks(svr);
    service.routes(svr);

    int port = o.port;
    if (port == 0) {
        port = svr.bind_to_any_port(o.bind);
        if (port <= 0) port = -1;
    } else if (!svr.bind_to_port(o.bind, port)) {
        port = -1;
    }
    if (port < 0) {
        log_event("startup_failed", {{"error", "cannot listen on " + o.bind + ":" + std::to_string(o.port) + ": " +
                                                   std::strerror(errno)}});
        service.jobs().stop();
        return 1;
    }

    std::atomic<bool> listening_done{false};
    std::thread sig_thread([&] {
        int signo = 0;
        sigwait(&sigs, &signo);
        if (listening_done) return;  // woken up because listen() ended on its own
        service.draining = true;
        log_event("shutdown", {{"signal", signo == SIGINT ? "SIGINT" : "SIGTERM"}, {"grace_s", o.shutdown_grace_s},
                               {"running", service.jobs().gauges().running}});
        service.jobs().begin_shutdown();
        // Running jobs may finish within the grace period; a second signal cuts it short.
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(o.shutdown_grace_s));
        while (service.jobs().gauges().running > 0 && Clock::now() < deadline) {
            timespec ts{0, 50 * 1000 * 1000};
            if (sigtimedwait(&sigs, nullptr, &ts) > 0) {
                log_event("shutdown_now", {{"running", service.jobs().gauges().running}});
                break;
            }
        }
        service.jobs().stop();  // cancels what still runs (within a fraction of a second)
        svr.stop();
    });

    log_event("listening", {{"bind", o.bind}, {"port", port}, {"workers", std::max(1u, o.workers)},
                            {"queue", o.queue}, {"max_body", o.max_body}});
    const bool ok = svr.listen_after_bind();
    listening_done = !service.draining;
    if (listening_done) pthread_kill(sig_thread.native_handle(), SIGTERM);  // listen() failed: end the waiter
    sig_thread.join();
    service.jobs().stop();
    log_event("stopped", {{"ok", ok || bool(service.draining)}});
    return service.draining ? 0 : 1;
}

}  // namespace peregrine::server
