// SPDX-License-Identifier: MIT OR Apache-2.0
// The checks `peregrine serve` applies to a request before any handler sees it (docs/serve.md,
// "Limits and timeouts"): the size of the request line and headers, Content-Length (missing,
// negative, garbage, conflicting, over max_body; Transfer-Encoding refused), the time to receive
// the headers and the whole request, and the idle time between requests of a connection.
//
// RequestReader holds one connection's received bytes and its phase, with no socket and no clock
// of its own (the caller passes the time): HttpFront's event loop runs it on real sockets, and
// HttpFront::handle_connection runs the same code on bytes and simulated arrival times (the fuzz
// target fuzz/fuzz_http.cpp and the tests).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace peregrine::server {

struct FrontOptions {
    unsigned http_threads = 8;          // threads running handlers of non-submission requests
    unsigned submit_threads = 1;        // threads running submissions (witness computation)
    std::size_t submit_queue = 32;      // complete submissions waiting for those; beyond: 429
    std::size_t max_connections = 512;  // open connections; beyond: 429 and close
    std::size_t max_per_client = 0;     // open connections per client address (0: no limit); beyond: 429
    int backlog = 1024;                 // listen(2) backlog
    double header_timeout_s = 10;       // first byte of a request -> end of its headers; beyond: 408
    double request_timeout_s = 30;      // first byte -> end of its body; beyond: 408
    double idle_timeout_s = 5;          // a connection without a request in progress is closed after
    double write_timeout_s = 10;        // to write one response
    std::size_t max_header_bytes = 16384;  // request line + headers; beyond: 431
    std::size_t max_body = 16u << 20;      // Content-Length; beyond: 413
    std::size_t body_budget = 64u << 20;   // bytes of all bodies being received at once; beyond: 429
    std::size_t keep_alive_max = 100;      // requests per connection
};

// A request answered by the connection layer itself: status, reason (a metric label), message
// (the JSON error), Retry-After seconds (0: none).
struct Refusal {
    int status = 0;
    const char* reason = "";
    std::string message;
    unsigned retry_after = 0;
};

// The raw response to a refusal: a JSON error body and Connection: close.
std::string refusal_response(const Refusal& r);

class RequestReader {
public:
    using Clock = std::chrono::steady_clock;
    enum class Phase { idle, headers, body, closing };
    enum class Step {
        more,      // waiting for bytes (or for deadline())
        headers,   // a request's headers arrived and passed the checks: content_length(), method(),
                   // path() are set; the caller may refuse() it (body budget), then calls advance() again
        complete,  // a whole request is at the front of buffer(): request_size() bytes
        refused,   // refusal() says why: send refusal_response(), then the connection closes
        close,     // idle (or refused) past its deadline: close without a word
    };

    RequestReader(const FrontOptions& o, Clock::time_point now);

    // The most bytes to take from the client now, at most `chunk` (0 while a complete request waits).
    std::size_t want(std::size_t chunk) const;
    // Bytes from the client (discarded once refused).
    void append(const char* p, std::size_t n);
    // After append(), or after the previous request was finish()ed: what the bytes so far allow.
    Step advance(Clock::time_point now);
    // With or without new bytes: refused (408) when a request's deadline passed; close when an
    // idle or refused connection's did; else more.
    Step expire(Clock::time_point now);
    // The caller refuses the request (body budget, busy pool): phase closing, deadline 2 s on.
    void refuse(Refusal r, Clock::time_point now);
    // The complete request was handled: drops its bytes (pipelined ones stay); back to idle.
    void finish(Clock::time_point now);

    Phase phase() const { return phase_; }
    Clock::time_point deadline() const { return deadline_; }
    const std::string& buffer() const { return buf_; }
    std::size_t request_size() const { return need_; }
    std::size_t content_length() const { return content_length_; }
    const std::string& method() const { return method_; }
    const std::string& path() const { return path_; }
    bool expect_continue() const { return expect_continue_; }
    const Refusal& refusal() const { return refusal_; }

private:
    Step parse_headers(Clock::time_point now);
    Step refused(int status, const char* reason, std::string message, Clock::time_point now);

    const FrontOptions& o_;
    std::string buf_;
    Phase phase_ = Phase::idle;
    Clock::time_point deadline_, header_deadline_, request_deadline_;
    std::size_t need_ = 0;
    std::size_t scanned_ = 0;  // bytes of buf_ already searched for the end of the headers
    std::size_t content_length_ = 0;
    std::string method_, path_;
    bool expect_continue_ = false;
    Refusal refusal_;
};

}  // namespace peregrine::server
