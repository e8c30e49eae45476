// SPDX-License-Identifier: MIT OR Apache-2.0
// rediss:// for Debian 12's hiredis 0.14, which has no TLS: the TCP connection is opened here and
// wrapped with OpenSSL (the server certificate is verified against the system CA store or the
// URL's ca=FILE, with SNI and a host name/IP check; cert=/key= give a client certificate), and
// RESP is spoken through hiredis's own protocol pieces (redisFormatCommandArgv encodes, a
// redisReader decodes). The plain redis:// path does not use this file.
#pragma once
#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

struct ssl_ctx_st;
struct ssl_st;

namespace peregrine::server {

struct RedisUrl;

// The client side TLS settings of one --store URL (an OpenSSL SSL_CTX), made once at start-up:
// a CA, certificate or key file that cannot be loaded is a peregrine::Error naming it.
class TlsContext {
public:
    explicit TlsContext(const RedisUrl& url);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;
    ssl_ctx_st* get() const { return ctx_; }

private:
    ssl_ctx_st* ctx_ = nullptr;
};

// One TLS connection to Redis. Every failure throws StoreError (the caller drops the link).
class TlsLink {
public:
    TlsLink(const RedisUrl& url, const TlsContext& ctx, std::chrono::milliseconds timeout);
    ~TlsLink();
    TlsLink(const TlsLink&) = delete;
    TlsLink& operator=(const TlsLink&) = delete;
    // Sends one command and returns its reply (nullptr never: a failure throws).
    redisReply* command(const std::vector<std::string>& args);

private:
    void open(const RedisUrl& url, const TlsContext& ctx, std::chrono::milliseconds timeout);
    void close_all();
    [[noreturn]] void fail(const std::string& what);
    std::string where_;
    int fd_ = -1;
    ssl_st* ssl_ = nullptr;
    redisReader* reader_ = nullptr;
    bool healthy_ = false;
};

}  // namespace peregrine::server
