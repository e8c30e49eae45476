// SPDX-License-Identifier: MIT OR Apache-2.0
// `peregrine serve`: an HTTP proving service (see docs/serve.md).
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace peregrine::server {

struct ServeOptions {
    std::string bind = "127.0.0.1";
    int port = 9080;                 // 0: any free port (the "listening" log line names it)
    std::string circuits_dir;        // <name>.zkey + <name>/ (output of `peregrine circuit build`)
    bool strict = false;             // a circuit that fails to load aborts start-up
    unsigned workers = 1;            // jobs proved at once
    std::size_t queue = 32;          // jobs waiting for a worker; beyond: 429
    std::size_t max_body = 16u << 20;  // request body limit in bytes; beyond: 413
    unsigned threads = 0;            // prover threads shared by the workers (0: all cores)
    unsigned http_threads = 8;       // threads answering requests other than submissions
    unsigned witness_threads = 0;    // threads computing witnesses of submissions (0: = workers)
    double keep_results_s = 600;     // finished results kept this long (--result-ttl)
    // Scale-out (docs/serve.md): memory | redis://[user:password@]HOST:PORT[/DB]; api | worker | all.
    std::string store = "memory";
    std::string role = "all";
    double lease_s = 30;             // a shared-store job whose worker went silent this long is proved again
    double drain_s = 60;             // SIGTERM/SIGINT: accepted jobs finish and results are fetched within this
    // Limits of the connection layer (http_front.hpp).
    std::size_t max_connections = 512;
    std::size_t max_connections_per_client = 0;  // per client address (0: no limit)
    double header_timeout_s = 10;    // first byte of a request -> end of its headers
    double request_timeout_s = 30;   // first byte -> end of its body
    // Access control (off by default; see docs/serve.md before using --bind 0.0.0.0).
    std::string auth_token_file;     // non-empty: every route but /healthz needs `Authorization: Bearer <token>`
    double rate_limit = 0;           // > 0: requests per second per client address (burst: twice that); beyond: 429
    bool rapidsnark_routes = false;  // POST /input/<c>, GET /status, POST /cancel
};

// serve's hooks, routes and handlers for one circuit, in process and without sockets: the entry
// point of the fuzz target fuzz/fuzz_http.cpp. handle() takes the raw bytes of one request and
// returns the raw response (HttpFront::handle_raw); accepted jobs are proved by o.workers workers.
class InProcessServer {
public:
    InProcessServer(const ServeOptions& o, const std::string& circuit, const std::string& zkey_path,
                    const std::string& witness_library);
    ~InProcessServer();  // cancels and joins the jobs still queued or running
    std::string handle(const std::string& raw_request);
    // One connection's bytes in timed chunks through the connection layer's checks too
    // (HttpFront::handle_connection).
    std::string handle_connection(const std::vector<std::pair<double, std::string>>& chunks);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Loads the circuits, serves until SIGTERM or SIGINT, then shuts down gracefully. Returns the
// process exit status (0 after a signal; 1 when start-up fails, with a log line saying why).
int serve(const ServeOptions& o);

}  // namespace peregrine::server
