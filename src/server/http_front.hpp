// SPDX-License-Identifier: MIT OR Apache-2.0
// The connection layer of `peregrine serve` (docs/serve.md, "Limits and timeouts").
//
// cpp-httplib 0.11 (Debian's compiled library) reads a request on the thread that will handle
// it, and its read timeout restarts on every byte: a client trickling header bytes holds a thread
// for as long as it likes, and the fixed listen backlog is 5. Its API offers no whole-request
// deadline (set_read_timeout is per read; set_socket_options only sees the listening socket), so
// the sockets are not left to it: HttpFront keeps httplib's parser, routing and handlers
// (Server::process_request, a protected member meant for subclasses) and owns everything below:
//
// - one event-loop thread accepts (backlog 1024, at most max_connections open; beyond: 429),
//   receives each request completely (headers within header_timeout of its first byte, headers
//   and body within request_timeout), checks Content-Length before reading a body (missing on a
//   body, negative, garbage, over max_body: 4xx at once; chunked bodies: 411), bounds the bytes
//   of all bodies being received (body_budget) and closes idle keep-alive connections;
// - only complete requests reach a thread: submissions (is_submission) go to a bounded pool of
//   their own (they compute the witness), everything else to the HTTP threads, which never wait
//   on a client's bytes and never compute a witness;
// - responses are written with a deadline (write_timeout) per response.
#pragma once

// httplib.h is the first to include <functional> and <regex> here. With -fsanitize=address (the
// asan preset) GCC 12 reports about 14 false -Wmaybe-uninitialized warnings (~180 lines) inside
// libstdc++'s regex automaton (std::function moved out of a _State); they are silenced for the
// code reached through this include only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <httplib.h>
#pragma GCC diagnostic pop

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/request_reader.hpp"  // FrontOptions, and the checks below

namespace peregrine::server {

class HttpFront : public httplib::Server {
public:
    explicit HttpFront(const FrontOptions& o);
    ~HttpFront() override;

    // True for requests run on the submission pool (decided from the request line).
    std::function<bool(const std::string& method, const std::string& path)> is_submission;
    // A request refused by this layer (never reached a handler): status, reason (a metric
    // label), remote address. Called on the event-loop thread.
    std::function<void(int status, const char* reason, const std::string& message, const std::string& remote)> on_refused;

    // Binds and listens; port 0 picks one. Returns the port, or -1 (errno set).
    int bind_listen(const std::string& host, int port);
    // Serves until stop(). Requests already received are completed before it returns.
    void run();
    // Thread-safe: stop accepting and end run().
    void stop();

    std::size_t open_connections() const { return open_.load(); }

    // One raw request (request line, headers, body, as a client sent them) through cpp-httplib's
    // parser, the hooks, routing and handlers, on the calling thread and without a socket (the
    // event loop's checks are not applied: see handle_connection). Returns the raw response.
    std::string handle_raw(const std::string& request, const std::string& remote_ip = "127.0.0.1");

    // For the fuzz target (fuzz/fuzz_http.cpp) and tests: one connection without a socket. Its
    // bytes arrive in chunks, each at a time in seconds after the connection opened (simulated:
    // nothing waits), and go through the event loop's own checks (RequestReader: header and body
    // limits, Content-Length, Transfer-Encoding, header/request/idle timeouts, keep_alive_max;
    // body_budget as if no other connection were receiving) and each complete request through
    // handle_raw's path. After the last chunk the client goes silent: the deadline in force
    // answers. Returns every response the client would have received, in order.
    std::string handle_connection(const std::vector<std::pair<double, std::string>>& chunks,
                                  const std::string& remote_ip = "127.0.0.1");

    struct Conn;

private:
    void loop();
    void serve_conn(Conn* c);
    void give_back(Conn* c);
    void drop(Conn* c);  // closes and forgets a connection

    struct Impl;
    std::unique_ptr<Impl> impl_;
    FrontOptions o_;
    std::atomic<std::size_t> open_{0};
};

}  // namespace peregrine::server
