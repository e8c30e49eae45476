// SPDX-License-Identifier: MIT OR Apache-2.0
// A thin layer over hiredis (Debian's libhiredis): the --store URL, one connection that
// reconnects by itself, and a small pool of them for the HTTP threads. Connection problems
// become StoreError (the HTTP layer answers 503 with the reason).
#pragma once
#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/jobs.hpp"

namespace peregrine::server {

// redis://[[user]:password@]HOST[:PORT][/DB]. rediss:// (TLS) is recognised and refused with the
// reason: Debian 12's hiredis (0.14) has no TLS support.
struct RedisUrl {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string user, password;
    int db = 0;
    static std::optional<RedisUrl> parse(const std::string& url, std::string* why);
    std::string display() const;  // without the password
};
// RedisUrl::parse or a peregrine::Error naming --store and the problem.
RedisUrl parse_store_url(const std::string& url);

struct ReplyFree {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;

class RedisConn {
public:
    explicit RedisConn(RedisUrl url, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~RedisConn();
    RedisConn(const RedisConn&) = delete;
    RedisConn& operator=(const RedisConn&) = delete;

    // Sends one command (binary-safe arguments). Connects first if needed. A connection problem
    // or a server that cannot serve yet (LOADING, ...) throws StoreError and drops the
    // connection; other error replies are returned as they are.
    Reply command(const std::vector<std::string>& args);
    // Same, but any error reply throws StoreError too.
    Reply command_ok(const std::vector<std::string>& args);
    bool connected() const { return c_ != nullptr; }

private:
    void connect();
    void drop();
    RedisUrl url_;
    std::chrono::milliseconds timeout_;
    redisContext* c_ = nullptr;
};

// Connections for the HTTP threads: one is taken per command and given back unless it broke.
class RedisPool {
public:
    explicit RedisPool(RedisUrl url) : url_(std::move(url)) {}
    Reply command(const std::vector<std::string>& args);
    Reply command_ok(const std::vector<std::string>& args);

private:
    std::unique_ptr<RedisConn> take();
    void give(std::unique_ptr<RedisConn> c);
    RedisUrl url_;
    std::mutex mu_;
    std::vector<std::unique_ptr<RedisConn>> free_;
};

// Reply helpers.
std::string reply_str(const redisReply* r);  // string/status/integer as text; "" for nil
long long reply_int(const redisReply* r);    // integer, or a number in a string
bool reply_nil(const redisReply* r);

}  // namespace peregrine::server
