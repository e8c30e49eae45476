// SPDX-License-Identifier: MIT OR Apache-2.0
#include "server/redis_tls.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "server/redis_client.hpp"
#include "util/error.hpp"

namespace peregrine::server {

namespace {

// The newest OpenSSL error as text (and the queue emptied), or `fallback`.
std::string ssl_error(const std::string& fallback) {
    unsigned long e = 0, last = 0;
    while ((e = ERR_get_error()) != 0) last = e;
    if (!last) return fallback;
    char buf[256];
    ERR_error_string_n(last, buf, sizeof buf);
    return buf;
}

bool is_ip(const std::string& host) {
    unsigned char b[16];
    return inet_pton(AF_INET, host.c_str(), b) == 1 || inet_pton(AF_INET6, host.c_str(), b) == 1;
}

// A TCP connection within `timeout` to one of the host's addresses, or -1 and `err`.
int tcp_connect(const std::string& host, int port, std::chrono::milliseconds timeout, std::string* err) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const int g = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
    if (g != 0) {
        *err = std::string("cannot resolve the host: ") + gai_strerror(g);
        return -1;
    }
    int fd = -1;
    for (addrinfo* a = res; a; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) {
            *err = std::strerror(errno);
            continue;
        }
        int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            rc = ::poll(&p, 1, int(timeout.count()));
            if (rc == 0) {
                errno = ETIMEDOUT;
                rc = -1;
            } else if (rc > 0) {
                int so = 0;
                socklen_t len = sizeof so;
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len);
                errno = so;
                rc = so ? -1 : 0;
            }
        }
        if (rc == 0) break;
        *err = std::strerror(errno);
        ::close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) return -1;
    // Blocking from here on, each read or write bounded by the timeout.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    const timeval tv{long(timeout.count() / 1000), long((timeout.count() % 1000) * 1000)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

}  // namespace

TlsContext::TlsContext(const RedisUrl& url) {
    const std::string where = "--store " + url.display();
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ctx_) throw Error(where + ": cannot create a TLS context: " + ssl_error("out of memory"));
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_mode(ctx_, SSL_MODE_AUTO_RETRY);
    try {
        if (!url.ca.empty()) {
            if (SSL_CTX_load_verify_locations(ctx_, url.ca.c_str(), nullptr) != 1) {
                throw Error(where + ": ca=" + url.ca + ": cannot load the CA certificate(s): " +
                            ssl_error("not a PEM certificate file"));
            }
        } else if (SSL_CTX_set_default_verify_paths(ctx_) != 1) {
            throw Error(where + ": cannot load the system CA store: " + ssl_error("unknown error"));
        }
        if (!url.cert.empty()) {
            if (SSL_CTX_use_certificate_chain_file(ctx_, url.cert.c_str()) != 1) {
                throw Error(where + ": cert=" + url.cert + ": cannot load the client certificate: " +
                            ssl_error("not a PEM certificate file"));
            }
            if (SSL_CTX_use_PrivateKey_file(ctx_, url.key.c_str(), SSL_FILETYPE_PEM) != 1) {
                throw Error(where + ": key=" + url.key + ": cannot load the client key: " +
                            ssl_error("not a PEM private key file"));
            }
            if (SSL_CTX_check_private_key(ctx_) != 1) {
                throw Error(where + ": key=" + url.key + " does not match cert=" + url.cert);
            }
        }
    } catch (...) {
        SSL_CTX_free(ctx_);
        ctx_ = nullptr;
        throw;
    }
}

TlsContext::~TlsContext() {
    if (ctx_) SSL_CTX_free(ctx_);
}

TlsLink::TlsLink(const RedisUrl& url, const TlsContext& ctx, std::chrono::milliseconds timeout)
    : where_("Redis at " + url.display()) {
    try {
        open(url, ctx, timeout);
    } catch (...) {
        close_all();
        throw;
    }
}

void TlsLink::open(const RedisUrl& url, const TlsContext& ctx, std::chrono::milliseconds timeout) {
    std::string err;
    ERR_clear_error();
    fd_ = tcp_connect(url.host, url.port, std::min<std::chrono::milliseconds>(timeout, std::chrono::seconds(1)), &err);
    if (fd_ < 0) fail(err);
    ssl_ = SSL_new(ctx.get());
    if (!ssl_ || SSL_set_fd(ssl_, fd_) != 1) fail("TLS: " + ssl_error("cannot create a TLS session"));
    if (is_ip(url.host)) {
        // A certificate for an address names it in an IP subjectAltName; no SNI for addresses.
        if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), url.host.c_str()) != 1) fail("TLS: bad IP address");
    } else {
        SSL_set_tlsext_host_name(ssl_, url.host.c_str());
        if (SSL_set1_host(ssl_, url.host.c_str()) != 1) fail("TLS: bad host name");
    }
    if (SSL_connect(ssl_) != 1) {
        const long v = SSL_get_verify_result(ssl_);
        if (v != X509_V_OK) {
            fail(std::string("TLS: the server's certificate was not accepted: ") + X509_verify_cert_error_string(v) +
                 (url.ca.empty() ? " (checked against the system CA store; ca=FILE in the URL names another CA)"
                                 : " (checked against ca=" + url.ca + ")"));
        }
        fail("TLS handshake failed: " + ssl_error(errno ? std::strerror(errno) : "connection closed"));
    }
    reader_ = redisReaderCreate();
    if (!reader_) fail("out of memory");
    healthy_ = true;
}

TlsLink::~TlsLink() { close_all(); }

void TlsLink::close_all() {
    if (ssl_) {
        if (healthy_) SSL_shutdown(ssl_);  // close_notify, without waiting for the server's
        SSL_free(ssl_);
        ssl_ = nullptr;
    }
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (reader_) redisReaderFree(reader_);
    reader_ = nullptr;
    ERR_clear_error();
}

void TlsLink::fail(const std::string& what) {
    healthy_ = false;
    throw StoreError("the job store is unavailable: " + where_ + ": " + what);
}

redisReply* TlsLink::command(const std::vector<std::string>& args) {
    if (!healthy_) fail("connection lost");
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    char* cmd = nullptr;
    const int n = redisFormatCommandArgv(&cmd, int(argv.size()), argv.data(), lens.data());
    if (n < 0 || !cmd) fail("out of memory");
    std::size_t off = 0;
    while (off < std::size_t(n)) {
        const std::size_t chunk = std::min<std::size_t>(std::size_t(n) - off, 1 << 30);
        errno = 0;
        const int w = SSL_write(ssl_, cmd + off, int(chunk));
        if (w <= 0) {
            redisFreeCommand(cmd);
            fail(errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : "TLS write: " + ssl_error("connection lost"));
        }
        off += std::size_t(w);
    }
    redisFreeCommand(cmd);
    char buf[65536];
    for (;;) {
        void* reply = nullptr;
        if (redisReaderGetReply(reader_, &reply) != REDIS_OK) fail(std::string("protocol error: ") + reader_->errstr);
        if (reply) return static_cast<redisReply*>(reply);
        errno = 0;
        const int r = SSL_read(ssl_, buf, int(sizeof buf));
        if (r <= 0) {
            const int e = SSL_get_error(ssl_, r);
            fail(e == SSL_ERROR_ZERO_RETURN                ? "connection closed by the server"
                 : (errno == EAGAIN || errno == EWOULDBLOCK) ? "timed out"
                                                             : "TLS read: " + ssl_error("connection lost"));
        }
        if (redisReaderFeed(reader_, buf, std::size_t(r)) != REDIS_OK) fail(std::string("protocol error: ") + reader_->errstr);
    }
}

}  // namespace peregrine::server
