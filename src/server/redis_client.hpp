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

class TlsContext;
class TlsLink;

// redis://[[user]:password@]HOST[:PORT][/DB], or rediss://...[/DB][?ca=FILE&cert=FILE&key=FILE]
// for TLS (redis_tls.hpp): ca= the CA certificate(s) that sign the server's certificate (default:
// the system CA store), cert=/key= a client certificate and its key (both or neither).
struct RedisUrl {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string user, password;
    int db = 0;
    bool tls = false;
    std::string ca, cert, key;
    std::shared_ptr<const TlsContext> tls_ctx;  // set by parse_store_url for rediss://
    static std::optional<RedisUrl> parse(const std::string& url, std::string* why);
    std::string display() const;  // without the password
};
// RedisUrl::parse (with its TLS context loaded) or a peregrine::Error naming --store and the problem.
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
    bool connected() const { return c_ != nullptr || tls_ != nullptr; }

private:
    void connect();
    void setup_session();  // AUTH and SELECT on a new connection
    redisReply* plain_command(const std::vector<std::string>& args);
    void drop();
    RedisUrl url_;
    std::chrono::milliseconds timeout_;
    redisContext* c_ = nullptr;
    std::unique_ptr<TlsLink> tls_;  // instead of c_ for rediss://
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
