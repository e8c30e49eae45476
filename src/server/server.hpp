// SPDX-License-Identifier: MIT OR Apache-2.0
// `peregrine serve`: an HTTP proving service (see docs/serve.md).
#pragma once
#include <cstddef>
#include <string>

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
    unsigned http_threads = 8;       // connections served at once
    double keep_results_s = 600;     // finished results kept this long (--result-ttl)
    // Scale-out (docs/serve.md): memory | redis://[user:password@]HOST:PORT[/DB]; api | worker | all.
    std::string store = "memory";
    std::string role = "all";
    double lease_s = 30;             // a shared-store job whose worker went silent this long is proved again
    double shutdown_grace_s = 30;    // SIGTERM/SIGINT: running jobs may finish within this
};

// Loads the circuits, serves until SIGTERM or SIGINT, then shuts down gracefully. Returns the
// process exit status (0 after a signal; 1 when start-up fails, with a log line saying why).
int serve(const ServeOptions& o);

}  // namespace peregrine::server
