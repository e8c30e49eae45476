// SPDX-License-Identifier: MIT OR Apache-2.0
#include "server/server.hpp"

// First: it includes httplib.h, and with it <functional> and <regex>, inside the pragma that
// silences GCC 12's false ASan-build warnings (see http_front.hpp).
#include "server/http_front.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
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

// Compares without an early exit (the time does not tell how much of the token was right; its
// length is not secret).
bool same_secret(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    unsigned char d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

// A token bucket per client address: `rate` requests per second, bursts of 2 x rate.
class RateLimiter {
public:
    explicit RateLimiter(double rate) : rate_(rate), burst_(std::max(1.0, 2 * rate)) {}
    // False when over the limit; *retry_s: seconds until a request would pass.
    bool allow(const std::string& client, double* retry_s) {
        const auto now = Clock::now();
        std::lock_guard<std::mutex> lk(mu_);
        if (buckets_.size() > 10000) {  // forget the clients that are back to a full bucket
            for (auto it = buckets_.begin(); it != buckets_.end();) {
                it = refill(it->second, now) >= burst_ ? buckets_.erase(it) : std::next(it);
            }
        }
        auto [it, fresh] = buckets_.try_emplace(client, Bucket{burst_, now});
        const double tokens = refill(it->second, now);
        if (tokens < 1.0) {
            *retry_s = (1.0 - tokens) / rate_;
            return false;
        }
        it->second.tokens = tokens - 1.0;
        return true;
    }

private:
    struct Bucket {
        double tokens;
        Clock::time_point t;
    };
    double refill(Bucket& b, Clock::time_point now) const {
        b.tokens = std::min(burst_, b.tokens + rate_ * std::chrono::duration<double>(now - b.t).count());
        b.t = now;
        return b.tokens;
    }
    double rate_, burst_;
    std::mutex mu_;
    std::map<std::string, Bucket> buckets_;
};

std::string lower(std::string s) {
    for (char& ch : s) ch = (char)std::tolower((unsigned char)ch);
    return s;
}

class Service {
public:
    Service(const ServeOptions& o, Circuits circuits, std::string token)
        : o_(o),
          circuits_(std::move(circuits)),
          token_(std::move(token)),
          limiter_(o.rate_limit),
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
    std::function<std::size_t()> open_connections;

    // Draining is complete: nothing is being submitted, queued or run, and (memory store) every result was fetched.
    bool drained() {
        try {
            return drained_now();
        } catch (const std::exception&) {
            return false;  // the job store cannot answer (a shared store that is down): wait on
        }
    }
    bool drained_now() {
        const Gauges g = jobs_.gauges();
        if (submitting_ > 0 || g.queued > 0 || g.running > 0) return false;
        if (g.shared_store) return true;  // results stay in the shared store for any instance to serve
        std::lock_guard<std::mutex> lk(fetch_mu_);
        for (auto it = unfetched_.begin(); it != unfetched_.end();) {
            it = jobs_.find(*it) ? std::next(it) : unfetched_.erase(it);  // expired ones are gone anyway
        }
        return unfetched_.empty();
    }
    std::size_t circuit_count() const { return circuits_.size(); }
    std::size_t unfetched() {
        std::lock_guard<std::mutex> lk(fetch_mu_);
        return unfetched_.size();
    }

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
            const json j = jobs_.to_json(*job);
            fetched(j);
            reply(res, 200, j);
        });
        svr.Delete(R"(/v1/proofs/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
            const std::string id = req.matches[1];
            json body;
            // A running job stops within a task of the prover (tens of ms); the thread waits for it
            // briefly, then answers 202 (the job ends as cancelled soon after).
            const auto r = jobs_.cancel(id, std::chrono::milliseconds(200), &body);
            fetched(body);
            switch (r) {
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
            g.connections = open_connections ? open_connections() : 0;
            res.set_content(metrics_.render(g), "text/plain; version=0.0.4; charset=utf-8");
        });

        if (o_.rapidsnark_routes) compat_routes(svr);
    }

    // rapidsnark's proverServer routes and JSON shapes (only with --rapidsnark-routes). rapidsnark
    // has one slot; here /status and /cancel refer to the job most recently submitted through
    // /input *by the same client address*, so clients on different addresses do not see each
    // other's jobs (clients behind one proxy share a slot). An earlier job keeps running
    // (rapidsnark aborted it) and stays reachable through /v1/proofs/<id>.
    void compat_routes(httplib::Server& svr) {
        svr.Post(R"(/input/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
            Submitted s = submit(req.matches[1], req.body);
            if (s.job) {
                std::lock_guard<std::mutex> lk(compat_mu_);
                if (compat_.size() >= 10000 && !compat_.count(req.remote_addr)) compat_.erase(compat_.begin());
                compat_[req.remote_addr] = s.job->id;
                s.status = 200;
                s.body = {{"id", s.job->id}, {"status", "busy"}};
            }
            respond(res, s);
        });
        svr.Get("/status", [this](const httplib::Request& req, httplib::Response& res) {
            std::shared_ptr<Job> job = compat_job(req.remote_addr);
            if (!job) return reply(res, 200, {{"status", "ready"}});
            tl_job = job->id;
            const json j = jobs_.to_json(*job);
            fetched(j);
            const std::string st = j["status"];
            if (st == "queued" || st == "running") return reply(res, 200, {{"status", "busy"}});
            if (st == "cancelled") return reply(res, 200, {{"status", "aborted"}});
            if (st == "failed") return reply(res, 200, {{"status", "failed"}, {"error", j["error"]}});
            // As rapidsnark: proof and pubData are JSON texts inside the JSON.
            reply(res, 200, {{"status", "success"}, {"proof", j["proof"].dump()}, {"pubData", j["public_signals"].dump()}});
        });
        svr.Post("/cancel", [this](const httplib::Request& req, httplib::Response& res) {
            std::shared_ptr<Job> job = compat_job(req.remote_addr);
            if (!job) return reply(res, 200, {{"status", "ready"}});
            tl_job = job->id;
            json body;
            jobs_.cancel(job->id, std::chrono::milliseconds(200), &body);
            fetched(body);
            const std::string st = body["status"];
            reply(res, 200, {{"status", st == "cancelled" ? "aborted" : st == "succeeded" ? "success" : st == "failed" ? "failed" : "busy"}});
        });
    }

    void hooks(httplib::Server& svr) {
        // Runs once the request is complete, before routing: access control and the body's type.
        svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            tl_start = Clock::now();
            tl_job.clear();
            using HR = httplib::Server::HandlerResponse;
            if (!token_.empty() && req.path != "/healthz" &&
                !same_secret(req.get_header_value("Authorization"), "Bearer " + token_)) {
                metrics_.rejected("unauthorized");
                res.set_header("WWW-Authenticate", "Bearer");
                reply_error(res, 401, "missing or wrong bearer token (send Authorization: Bearer <token>)");
                return HR::Handled;
            }
            double retry_s = 0;
            if (o_.rate_limit > 0 && req.path != "/healthz" && !limiter_.allow(req.remote_addr, &retry_s)) {
                metrics_.rejected("rate_limited");
                res.set_header("Retry-After", std::to_string((unsigned)std::ceil(std::max(1.0, retry_s))));
                reply_error(res, 429, "rate limit: more than " + json(o_.rate_limit).dump() + " requests/s from " + req.remote_addr);
                return HR::Handled;
            }
            // cpp-httplib would parse a form body (and refuse one over 8 KB with a misleading 413).
            const std::string ct = lower(req.get_header_value("Content-Type"));
            if (req.method == "POST" && (ct.rfind("application/x-www-form-urlencoded", 0) == 0 || ct.rfind("multipart/", 0) == 0)) {
                metrics_.rejected("content_type");
                reply_error(res, 415, "the input must be sent as JSON (Content-Type: application/json), not " + clip(ct, 60));
                return HR::Handled;
            }
            return HR::Unhandled;
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
    Metrics& metrics() { return metrics_; }

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

    // An accepted job's result is "unfetched" until a client saw its final state; draining waits
    // for those.
    void fetched(const json& j) {
        if (!j.is_object() || !j.contains("status") || !j["status"].is_string()) return;
        const std::string st = j["status"];
        if (st == "queued" || st == "running") return;
        std::lock_guard<std::mutex> lk(fetch_mu_);
        unfetched_.erase(j.value("id", std::string()));
    }

    struct Submitting {
        std::atomic<int>& n;
        explicit Submitting(std::atomic<int>& c) : n(c) { ++n; }
        ~Submitting() { --n; }
    };

    Submitted submit(const std::string& name, const std::string& input) {
        const Submitting in_progress(submitting_);
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
        {
            std::lock_guard<std::mutex> lk(fetch_mu_);
            if (unfetched_.size() >= 20000) unfetched_.erase(unfetched_.begin());  // clients that never fetch
            unfetched_.insert(job->id);
        }
        return {202, {{"id", job->id}, {"status", "queued"}}, job, 0};
    }

    std::shared_ptr<Job> compat_job(const std::string& client) {
        std::string id;
        {
            std::lock_guard<std::mutex> lk(compat_mu_);
            auto it = compat_.find(client);
            if (it != compat_.end()) id = it->second;
        }
        return id.empty() ? nullptr : jobs_.find(id);
    }

    ServeOptions o_;
    Circuits circuits_;
    std::string token_;
    RateLimiter limiter_;
    Metrics metrics_;
    ThreadPool pool_;
    JobQueue jobs_;
    std::mutex compat_mu_;
    std::map<std::string, std::string> compat_;  // client address -> its last /input job
    std::mutex fetch_mu_;
    std::set<std::string> unfetched_;
    std::atomic<int> submitting_{0};
};

}  // namespace

namespace {

bool loopback(const std::string& bind) {
    return bind == "localhost" || bind == "::1" || bind.rfind("127.", 0) == 0;
}

// The token of --auth-token-file (surrounding whitespace removed). Empty when it cannot be used.
std::string read_token(const std::string& path, std::string& problem) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        problem = path + ": cannot read the token file";
        return {};
    }
    std::string t((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const auto a = t.find_first_not_of(" \t\r\n");
    const auto b = t.find_last_not_of(" \t\r\n");
    t = a == std::string::npos ? std::string() : t.substr(a, b - a + 1);
    if (t.size() < 16 || t.find_first_of(" \t\r\n") != std::string::npos) {
        problem = path + ": the token must be one line of at least 16 characters without spaces";
        return {};
    }
    return t;
}

// The connection layer's limits from serve's options (serve() then fits max_connections to the
// open-file limit).
FrontOptions front_options(const ServeOptions& o) {
    FrontOptions fo;
    fo.http_threads = std::max(1u, o.http_threads);
    fo.submit_threads = o.witness_threads ? o.witness_threads : std::max(1u, o.workers);
    fo.submit_queue = std::max<std::size_t>(o.queue, 1);
    fo.max_connections = std::max<std::size_t>(o.max_connections, 1);
    fo.max_per_client = o.max_connections_per_client;
    fo.header_timeout_s = o.header_timeout_s;
    fo.request_timeout_s = o.request_timeout_s;
    fo.max_body = o.max_body;
    fo.body_budget = std::max<std::size_t>(o.max_body * 4, 64u << 20);
    return fo;
}

}  // namespace

struct InProcessServer::Impl {
    static Circuits one(const std::string& name, const std::string& zkey_path, const std::string& lib) {
        auto c = std::make_unique<Circuit>();
        c->name = name;
        c->lib = std::make_unique<witness::WitnessLibrary>(lib);
        c->zkey = std::make_unique<Zkey>(zkey_path);
        Circuits out;
        out[name] = std::move(c);
        return out;
    }
    Impl(const ServeOptions& o, const std::string& name, const std::string& zkey_path, const std::string& lib)
        : service(o, one(name, zkey_path, lib), std::string()), front(front_options(o)) {
        front.set_payload_max_length(o.max_body);
        service.hooks(front);
        service.routes(front);
    }
    ~Impl() { service.jobs().stop(); }
    Service service;
    HttpFront front;
};

InProcessServer::InProcessServer(const ServeOptions& o, const std::string& circuit, const std::string& zkey_path,
                                 const std::string& witness_library)
    : impl_(std::make_unique<Impl>(o, circuit, zkey_path, witness_library)) {}

InProcessServer::~InProcessServer() = default;

std::string InProcessServer::handle(const std::string& raw_request) { return impl_->front.handle_raw(raw_request); }

std::string InProcessServer::handle_connection(const std::vector<std::pair<double, std::string>>& chunks) {
    return impl_->front.handle_connection(chunks);
}

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

    std::string token;
    if (!o.auth_token_file.empty()) {
        std::string problem;
        token = read_token(o.auth_token_file, problem);
        if (token.empty()) {
            log_event("startup_failed", {{"error", problem}});
            return 1;
        }
    }
    Circuits circuits;
    if (!load_circuits(o, circuits)) return 1;
    Service service(o, std::move(circuits), token);

    FrontOptions fo = front_options(o);
    // Each connection is a descriptor: raise the soft limit to the hard one, and keep
    // --max-connections (plus room for the circuits, logs and workers) under it.
    if (rlimit rl{}; ::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        if (rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max;
            ::setrlimit(RLIMIT_NOFILE, &rl);
            ::getrlimit(RLIMIT_NOFILE, &rl);
        }
        const std::size_t room = 64 + 4 * service.circuit_count();
        if (rl.rlim_cur != RLIM_INFINITY && fo.max_connections + room > rl.rlim_cur) {
            const std::size_t cap = rl.rlim_cur > room + 16 ? std::size_t(rl.rlim_cur) - room : 16;
            log_event("warning", {{"message", "--max-connections lowered to " + std::to_string(cap) +
                                                  ": the open-file limit is " + std::to_string(rl.rlim_cur)}});
            fo.max_connections = cap;
        }
    }
    HttpFront svr(fo);
    svr.set_payload_max_length(o.max_body);
    svr.set_keep_alive_max_count(fo.keep_alive_max);
    svr.set_keep_alive_timeout((time_t)fo.idle_timeout_s);
    const bool compat = o.rapidsnark_routes;
    svr.is_submission = [compat](const std::string& method, const std::string& path) {
        if (method != "POST") return false;
        if (path.rfind("/v1/circuits/", 0) == 0) return true;
        return compat && path.rfind("/input/", 0) == 0;
    };
    svr.on_refused = [&service](int status, const char* reason, const std::string& msg, const std::string& remote) {
        service.metrics().rejected(reason);
        service.metrics().request(status);
        log_event("request", {{"status", status}, {"remote", remote}, {"error", msg}});
    };
    service.open_connections = [&svr] { return svr.open_connections(); };
    service.hooks(svr);
    service.routes(svr);

    const int port = svr.bind_listen(o.bind, o.port);
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
        if (listening_done) return;  // woken up because run() ended on its own
        service.draining = true;
        const Gauges g0 = service.jobs().gauges();
        log_event("shutdown", {{"signal", signo == SIGINT ? "SIGINT" : "SIGTERM"}, {"drain_s", o.drain_s},
                               {"queued", g0.queued}, {"running", g0.running}, {"unfetched", service.unfetched()}});
        // Accepted jobs (queued and running) are finished and their results can be fetched until
        // every one was, or --drain-seconds passed; a second signal cuts it short.
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(o.drain_s));
        bool cut = false;
        while (!service.drained() && Clock::now() < deadline) {
            timespec ts{0, 50 * 1000 * 1000};
            if (sigtimedwait(&sigs, nullptr, &ts) > 0) {
                cut = true;
                break;
            }
        }
        const Gauges g = service.jobs().gauges();
        log_event("drained", {{"complete", !cut && service.drained()}, {"cut_short", cut}, {"queued", g.queued},
                              {"running", g.running}, {"unfetched", service.unfetched()}});
        svr.stop();
    });

    log_event("listening", {{"bind", o.bind}, {"port", port}, {"workers", std::max(1u, o.workers)},
                            {"queue", o.queue}, {"max_body", o.max_body}, {"http_threads", fo.http_threads},
                            {"witness_threads", fo.submit_threads}, {"max_connections", fo.max_connections},
                            {"auth", !token.empty()}, {"rate_limit", o.rate_limit},
                            {"rapidsnark_routes", o.rapidsnark_routes}});
    if (!loopback(o.bind) && token.empty()) {
        log_event("warning", {{"message", "listening on " + o.bind + " without --auth-token-file: anyone who reaches "
                                          "the port can submit jobs (see docs/serve.md, Exposure)"}});
    }
    svr.run();
    listening_done = !service.draining;
    if (listening_done) pthread_kill(sig_thread.native_handle(), SIGTERM);  // run() failed: end the waiter
    sig_thread.join();
    service.jobs().stop();  // cancels what still runs (drain time over)
    log_event("stopped", {{"ok", bool(service.draining)}});
    return service.draining ? 0 : 1;
}

}  // namespace peregrine::server
