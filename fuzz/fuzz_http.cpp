// SPDX-License-Identifier: MIT OR Apache-2.0
// The HTTP request path of `peregrine serve`, in process: the bytes of one connection go through
// the connection layer's checks (RequestReader, as in the event loop: header and body limits,
// Content-Length, Transfer-Encoding, header/request/idle timeouts on a simulated clock,
// keep-alive and pipelining), then every complete request through cpp-httplib's parser and
// serve's hooks, routes and handlers (server::InProcessServer, HttpFront::handle_connection) for
// the multiplier circuit of the fixtures (its zkey, and libfuzz-multiplier-witness.so built
// beside this target). Accepted jobs are proved by one worker; the queue holds 2 jobs and the
// service is made anew every 256 inputs, so the state (jobs, results) stays small. The contract:
// any connection gets well-formed responses, never a crash or a hang.
//
// Input: one byte of schedule, then the bytes the client sends. The schedule byte's low 3 bits
// choose the chunk size (kChunk), the next 3 bits the time between chunks (kStep: up to past every
// timeout). Run with -close_fd_mask=2: the service logs a JSON line per request on stderr.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "server/server.hpp"

#ifndef PEREGRINE_FUZZ_ZKEY
#error "PEREGRINE_FUZZ_ZKEY: the multiplier fixture's zkey (set by fuzz/CMakeLists.txt)"
#endif

namespace {

constexpr std::size_t kChunk[8] = {1, 2, 7, 64, 512, 4096, 65536, 1u << 30};
constexpr double kStep[8] = {0, 0, 0.25, 1, 3, 6, 11, 31};  // s; serve's timeouts: idle 5, headers 10, request 30

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
    if (size == 0) return 0;
    const std::size_t chunk = kChunk[data[0] & 7];
    const double step = kStep[(data[0] >> 3) & 7];
    std::vector<std::pair<double, std::string>> chunks;
    for (std::size_t pos = 1, i = 0; pos < size; pos += chunk, ++i) {
        const std::size_t k = std::min(chunk, size - pos);
        chunks.emplace_back(step * (double)i, std::string(reinterpret_cast<const char*>(data) + pos, k));
    }
    const std::string response = svc->handle_connection(chunks);
    // Every response starts with a status line; a request that does not parse may get nothing
    // (connection closed).
    if (!response.empty() && response.rfind("HTTP/1.1 ", 0) != 0) std::abort();
    return 0;
}
