// SPDX-License-Identifier: MIT OR Apache-2.0
// The HTTP request path of `peregrine serve`, in process: the raw bytes of one request (request
// line, headers, body) go through cpp-httplib's parser and serve's hooks, routes and handlers
// (server::InProcessServer, HttpFront::handle_raw) for the multiplier circuit of the fixtures
// (its zkey, and libfuzz-multiplier-witness.so built beside this target). Accepted jobs are
// proved by one worker; the queue holds 2 jobs and the service is made anew every 256 inputs, so
// the state (jobs, results) stays small. The contract: any request gets a response, never a crash.
// Run with -close_fd_mask=2: the service logs a JSON line per request on stderr.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include <unistd.h>

#include "server/server.hpp"

#ifndef PEREGRINE_FUZZ_ZKEY
#error "PEREGRINE_FUZZ_ZKEY: the multiplier fixture's zkey (set by fuzz/CMakeLists.txt)"
#endif

namespace {

std::string witness_library() {
    char buf[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) std::abort();
    std::string exe(buf, (std::size_t)n);
    return exe.substr(0, exe.rfind('/') + 1) + "libfuzz-multiplier-witness.so";
}

std::unique_ptr<peregrine::server::InProcessServer> make() {
    peregrine::server::ServeOptions o;
    o.workers = 1;
    o.queue = 2;
    o.threads = 1;
    o.max_body = 1u << 20;
    o.keep_results_s = 5;
    o.rapidsnark_routes = true;
    return std::make_unique<peregrine::server::InProcessServer>(o, "multiplier", PEREGRINE_FUZZ_ZKEY,
                                                                witness_library());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static std::unique_ptr<peregrine::server::InProcessServer> svc;
    static unsigned runs = 0;
    if (!svc || ++runs % 256 == 0) {
        svc.reset();
        svc = make();
    }
    const std::string response = svc->handle(std::string(reinterpret_cast<const char*>(data), size));
    // A request that parses gets a status line; one that does not may get nothing (connection closed).
    if (!response.empty() && response.rfind("HTTP/1.1 ", 0) != 0) std::abort();
    return 0;
}
