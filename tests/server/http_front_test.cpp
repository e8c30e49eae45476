// SPDX-License-Identifier: MIT OR Apache-2.0
// HttpFront::handle_connection: one connection's bytes in timed chunks through the connection
// layer's checks and then cpp-httplib's parser and the routes (what fuzz_http drives), with a
// route of its own and no socket.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "server/http_front.hpp"

using namespace peregrine::server;

namespace {

using Chunks = std::vector<std::pair<double, std::string>>;

struct Front {
    Front() : front(options()) {
        front.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
        front.Post("/echo", [](const httplib::Request& req, httplib::Response& res) { res.set_content(req.body, "text/plain"); });
    }
    static FrontOptions options() {
        FrontOptions o;
        o.max_body = 64;
        o.keep_alive_max = 3;
        return o;
    }
    HttpFront front;
};

int count(const std::string& s, const std::string& what) {
    int n = 0;
    for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

const std::string kHealth = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

TEST(HttpFrontConnection, PipelinedRequestsInPieces) {
    Front f;
    const std::string bytes = kHealth + "POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello" + kHealth;
    Chunks chunks;
    for (std::size_t i = 0; i < bytes.size(); i += 7) chunks.emplace_back(0.1 * (double)i, bytes.substr(i, 7));
    const std::string out = f.front.handle_connection(chunks);
    EXPECT_EQ(count(out, "HTTP/1.1 200 OK"), 3) << out;
    EXPECT_NE(out.find("hello"), std::string::npos) << out;
}

TEST(HttpFrontConnection, KeepAliveMax) {
    Front f;
    const std::string out = f.front.handle_connection({{0, kHealth + kHealth + kHealth + kHealth}});
    EXPECT_EQ(count(out, "HTTP/1.1 200 OK"), 3) << out;  // then the connection is closed
}

TEST(HttpFrontConnection, RefusalsAndTimeouts) {
    Front f;
    struct Case {
        Chunks chunks;
        std::string status;
    };
    const std::vector<Case> cases = {
        {{{0, "POST /echo HTTP/1.1\r\nContent-Length: 65\r\n\r\n"}}, "HTTP/1.1 413 "},
        {{{0, "POST /echo HTTP/1.1\r\nContent-Length: -1\r\n\r\n"}}, "HTTP/1.1 400 "},
        {{{0, "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"}}, "HTTP/1.1 411 "},
        {{{0, "GET /healthz HTTP/1.1\r\nX: " + std::string(20000, 'a')}}, "HTTP/1.1 431 "},
        {{{0, "GET /healthz HT"}, {11, "TP/1.1\r\n\r\n"}}, "HTTP/1.1 408 "},            // headers past 10 s
        {{{0, "POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhe"}}, "HTTP/1.1 408 "},  // the body never comes
    };
    for (const auto& c : cases) {
        const std::string out = f.front.handle_connection(c.chunks);
        EXPECT_EQ(out.rfind(c.status, 0), 0u) << c.chunks[0].second.substr(0, 60) << " -> " << out;
        EXPECT_EQ(count(out, "HTTP/1.1 "), 1) << out;
    }
    // Idle past 5 s between requests: closed, the second request never answered.
    const std::string out = f.front.handle_connection({{0, kHealth}, {6, kHealth}});
    EXPECT_EQ(count(out, "HTTP/1.1 200 OK"), 1) << out;
}

}  // namespace
