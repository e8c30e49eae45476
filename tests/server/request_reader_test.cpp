// SPDX-License-Identifier: MIT OR Apache-2.0
// The connection layer's checks before any handler (server/request_reader.hpp), on bytes and a
// simulated clock: what the event loop and the fuzz target fuzz_http both run.
#include <gtest/gtest.h>

#include <string>

#include "server/request_reader.hpp"

using namespace peregrine::server;
using Step = RequestReader::Step;
using Clock = RequestReader::Clock;

namespace {

const Clock::time_point t0{std::chrono::hours(1)};

Clock::time_point at(double s) {
    return t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// Feeds text at time s and returns the first step that is not `headers`.
Step feed(RequestReader& r, const std::string& text, double s = 0) {
    r.append(text.data(), text.size());
    Step st;
    while ((st = r.advance(at(s))) == Step::headers) {
    }
    return st;
}

FrontOptions small() {
    FrontOptions o;
    o.max_header_bytes = 256;
    o.max_body = 100;
    return o;
}

TEST(RequestReader, CompleteRequestAndPipelinedNext) {
    const FrontOptions o = small();
    RequestReader r(o, t0);
    const std::string a = "POST /v1/circuits/m/proofs HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    const std::string b = "GET /healthz HTTP/1.1\r\n\r\n";
    r.append((a + "\r\n" + b).data(), a.size() + 2 + b.size());
    ASSERT_EQ(r.advance(t0), Step::headers);
    EXPECT_EQ(r.method(), "POST");
    EXPECT_EQ(r.path(), "/v1/circuits/m/proofs");
    EXPECT_EQ(r.content_length(), 5u);
    ASSERT_EQ(r.advance(t0), Step::complete);
    EXPECT_EQ(r.buffer().substr(0, r.request_size()), a);
    r.finish(t0);
    EXPECT_EQ(feed(r, ""), Step::complete);  // the blank line between them is skipped
    EXPECT_EQ(r.buffer().substr(0, r.request_size()), b);
}

TEST(RequestReader, HeadersAByteAtATime) {
    const FrontOptions o = small();
    RequestReader r(o, t0);
    const std::string a = "POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\nok";
    Step st = Step::more;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(st, Step::more) << i;
        st = feed(r, a.substr(i, 1));
    }
    EXPECT_EQ(st, Step::complete);
    EXPECT_EQ(r.request_size(), a.size());
}

TEST(RequestReader, RefusesBadLengthsAndEncodings) {
    const FrontOptions o = small();
    const struct {
        const char* head;
        int status;
        const char* reason;
    } cases[] = {
        {"Content-Length: -1", 400, "bad_content_length"},
        {"Content-Length: 12abc", 400, "bad_content_length"},
        {"Content-Length: 99999999999999999999", 400, "bad_content_length"},
        {"Content-Length: 3\r\nContent-Length: 4", 400, "bad_content_length"},
        {"Content-Length: 101", 413, "too_large"},
        {"Transfer-Encoding: chunked", 411, "length_required"},
    };
    for (const auto& c : cases) {
        RequestReader r(o, t0);
        EXPECT_EQ(feed(r, std::string("POST /x HTTP/1.1\r\n") + c.head + "\r\n\r\n"), Step::refused) << c.head;
        EXPECT_EQ(r.refusal().status, c.status) << c.head;
        EXPECT_STREQ(r.refusal().reason, c.reason) << c.head;
        const std::string resp = refusal_response(r.refusal());
        EXPECT_EQ(resp.rfind("HTTP/1.1 " + std::to_string(c.status) + " ", 0), 0u) << resp;
        EXPECT_NE(resp.find("Connection: close"), std::string::npos);
        EXPECT_EQ(r.phase(), RequestReader::Phase::closing);
    }
}

TEST(RequestReader, HeadersTooLarge) {
    const FrontOptions o = small();
    RequestReader r(o, t0);
    EXPECT_EQ(r.want(65536), o.max_header_bytes + 1);  // never more than one byte past the limit
    EXPECT_EQ(feed(r, "GET / HTTP/1.1\r\nX: " + std::string(300, 'a')), Step::refused);
    EXPECT_EQ(r.refusal().status, 431);
}

TEST(RequestReader, Timeouts) {
    FrontOptions o = small();
    o.header_timeout_s = 10;
    o.request_timeout_s = 30;
    o.idle_timeout_s = 5;
    {  // headers trickled past the header timeout
        RequestReader r(o, t0);
        EXPECT_EQ(feed(r, "GET / HT", 1), Step::more);
        EXPECT_EQ(r.expire(at(10.9)), Step::more);
        EXPECT_EQ(feed(r, "TP/1.1\r\n", 10.9), Step::more);
        EXPECT_EQ(r.expire(at(11)), Step::refused);
        EXPECT_EQ(r.refusal().status, 408);
        EXPECT_STREQ(r.refusal().reason, "header_timeout");
        EXPECT_EQ(r.expire(at(12.9)), Step::more);  // the refused connection lingers 2 s
        EXPECT_EQ(r.expire(at(13)), Step::close);
    }
    {  // body past the request timeout
        RequestReader r(o, t0);
        EXPECT_EQ(feed(r, "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 0), Step::more);
        EXPECT_EQ(r.want(65536), 7u);
        EXPECT_EQ(r.expire(at(30)), Step::refused);
        EXPECT_STREQ(r.refusal().reason, "body_timeout");
        EXPECT_NE(r.refusal().message.find("(42 of 49 bytes)"), std::string::npos) << r.refusal().message;  // headers + body
    }
    {  // idle keep-alive connection
        RequestReader r(o, t0);
        EXPECT_EQ(r.expire(at(4.9)), Step::more);
        EXPECT_EQ(r.expire(at(5)), Step::close);
    }
}

TEST(RequestReader, ExpectContinue) {
    const FrontOptions o = small();
    RequestReader r(o, t0);
    const std::string h = "POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n";
    r.append(h.data(), h.size());
    ASSERT_EQ(r.advance(t0), Step::headers);
    EXPECT_TRUE(r.expect_continue());
    EXPECT_EQ(r.advance(t0), Step::more);
    EXPECT_EQ(feed(r, "ok"), Step::complete);
}

}  // namespace
