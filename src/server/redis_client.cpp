// SPDX-License-Identifier: MIT OR Apache-2.0
#include "server/redis_client.hpp"

#include <sys/time.h>

#include <charconv>

#include "server/redis_tls.hpp"
#include "util/error.hpp"

namespace peregrine::server {

namespace {

bool parse_int(const std::string& s, int lo, int hi, int* out) {
    int v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) return false;
    *out = v;
    return true;
}

// %XX escapes in the user and password parts.
std::string pct_decode(const std::string& s) {
    std::string o;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            int v = 0;
            const auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
            if (ec == std::errc() && p == s.data() + i + 3) {
                o += char(v);
                i += 2;
                continue;
            }
        }
        o += s[i];
    }
    return o;
}

// Errors of a server that is there but cannot serve yet (or any more): treated as "down".
bool unavailable_error(const std::string& e) {
    for (const char* p : {"LOADING", "BUSY ", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "NOAUTH", "WRONGPASS"}) {
        if (e.rfind(p, 0) == 0) return true;
    }
    return false;
}

}  // namespace

std::optional<RedisUrl> RedisUrl::parse(const std::string& url, std::string* why) {
    RedisUrl u;
    std::string rest;
    if (url.rfind("rediss://", 0) == 0) {
        u.tls = true;
        rest = url.substr(9);
    } else if (url.rfind("redis://", 0) == 0) {
        rest = url.substr(8);
    } else {
        *why = "expected redis://[user:password@]HOST:PORT[/DB] or rediss://...[?ca=FILE&cert=FILE&key=FILE]";
        return std::nullopt;
    }
    const std::size_t q = rest.find('?');
    if (q != std::string::npos) {
        std::string query = rest.substr(q + 1);
        rest = rest.substr(0, q);
        if (!u.tls) {
            *why = "query parameters (ca=, cert=, key=) are TLS options: use rediss://";
            return std::nullopt;
        }
        std::size_t pos = 0;
        while (pos <= query.size()) {
            std::size_t amp = query.find('&', pos);
            if (amp == std::string::npos) amp = query.size();
            const std::string kv = query.substr(pos, amp - pos);
            pos = amp + 1;
            if (kv.empty()) continue;
            const std::size_t eq = kv.find('=');
            const std::string k = kv.substr(0, eq), v = eq == std::string::npos ? "" : pct_decode(kv.substr(eq + 1));
            std::string* dst = k == "ca" ? &u.ca : k == "cert" ? &u.cert : k == "key" ? &u.key : nullptr;
            if (!dst) {
                *why = "unknown option \"" + k + "\" (rediss:// takes ca=FILE, cert=FILE and key=FILE)";
                return std::nullopt;
            }
            if (v.empty()) {
                *why = k + "= needs a file name";
                return std::nullopt;
            }
            *dst = v;
        }
        if (u.cert.empty() != u.key.empty()) {
            *why = "a client certificate needs both cert=FILE and key=FILE";
            return std::nullopt;
        }
    }
    const std::size_t at = rest.rfind('@');
    if (at != std::string::npos) {
        const std::string cred = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const std::size_t colon = cred.find(':');
        if (colon == std::string::npos) {
            u.password = pct_decode(cred);  // redis://password@host (as some clients accept)
        } else {
            u.user = pct_decode(cred.substr(0, colon));
            u.password = pct_decode(cred.substr(colon + 1));
        }
    }
    std::string hostport = rest;
    const std::size_t slash = rest.find('/');
    if (slash != std::string::npos) {
        hostport = rest.substr(0, slash);
        const std::string db = rest.substr(slash + 1);
        if (!db.empty() && !parse_int(db, 0, 1 << 20, &u.db)) {
            *why = "database \"" + db + "\" is not a number";
            return std::nullopt;
        }
    }
    std::string host = hostport;
    if (!hostport.empty() && hostport[0] == '[') {  // [v6 address]:port
        const std::size_t close = hostport.find(']');
        if (close == std::string::npos) {
            *why = "unclosed [ in the host";
            return std::nullopt;
        }
        host = hostport.substr(1, close - 1);
        const std::string after = hostport.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':' || !parse_int(after.substr(1), 1, 65535, &u.port)) {
                *why = "bad port after the host";
                return std::nullopt;
            }
        }
    } else {
        const std::size_t colon = hostport.rfind(':');
        if (colon != std::string::npos) {
            host = hostport.substr(0, colon);
            if (!parse_int(hostport.substr(colon + 1), 1, 65535, &u.port)) {
                *why = "port \"" + hostport.substr(colon + 1) + "\" is not a number in 1..65535";
                return std::nullopt;
            }
        }
    }
    if (host.empty()) {
        *why = "no host";
        return std::nullopt;
    }
    u.host = host;
    return u;
}

RedisUrl parse_store_url(const std::string& url) {
    std::string why;
    auto u = RedisUrl::parse(url, &why);
    if (!u) throw Error("--store " + url + ": " + why);
    if (u->tls) u->tls_ctx = std::make_shared<const TlsContext>(*u);
    return *u;
}

std::string RedisUrl::display() const {
    // Built with append(): GCC 12 reports a false -Wrestrict on a chain of + here.
    std::string s = tls ? "rediss://" : "redis://";
    if (!user.empty() || !password.empty()) {
        s.append(user);
        if (!password.empty()) s.append(":***");
        s.append("@");
    }
    const bool v6 = host.find(':') != std::string::npos;
    if (v6) s.append("[");
    s.append(host);
    if (v6) s.append("]");
    s.append(":");
    s.append(std::to_string(port));
    if (db) {
        s.append("/");
        s.append(std::to_string(db));
    }
    return s;
}

RedisConn::RedisConn(RedisUrl url, std::chrono::milliseconds timeout) : url_(std::move(url)), timeout_(timeout) {}

RedisConn::~RedisConn() { drop(); }

void RedisConn::drop() {
    if (c_) redisFree(c_);
    c_ = nullptr;
    tls_.reset();
}

void RedisConn::connect() {
    if (url_.tls) {
        // A URL that did not come through parse_store_url (tests) gets its TLS context here.
        if (!url_.tls_ctx) url_.tls_ctx = std::make_shared<const TlsContext>(url_);
        tls_ = std::make_unique<TlsLink>(url_, *url_.tls_ctx, timeout_);
        setup_session();
        return;
    }
    const timeval ct{1, 0};
    redisContext* c = redisConnectWithTimeout(url_.host.c_str(), url_.port, ct);
    const std::string where = "Redis at " + url_.display();
    if (!c) throw StoreError("the job store is unavailable: " + where + ": out of memory");
    if (c->err) {
        const std::string e = c->errstr;
        redisFree(c);
        throw StoreError("the job store is unavailable: " + where + ": " + e);
    }
    const timeval tv{long(timeout_.count() / 1000), long((timeout_.count() % 1000) * 1000)};
    redisSetTimeout(c, tv);
    c_ = c;
    setup_session();
}

void RedisConn::setup_session() {
    const std::string where = "Redis at " + url_.display();
    auto setup = [&](const std::vector<std::string>& args, const char* what) {
        Reply r = command(args);
        if (r->type == REDIS_REPLY_ERROR) {
            const std::string e = r->str;
            drop();
            throw StoreError(std::string("the job store is unavailable: ") + where + ": " + what + ": " + e);
        }
    };
    if (!url_.password.empty()) {
        if (url_.user.empty()) {
            setup({"AUTH", url_.password}, "AUTH");
        } else {
            setup({"AUTH", url_.user, url_.password}, "AUTH");
        }
    }
    if (url_.db) setup({"SELECT", std::to_string(url_.db)}, "SELECT");
}

Reply RedisConn::command(const std::vector<std::string>& args) {
    if (!connected()) connect();
    redisReply* r = nullptr;
    if (tls_) {
        try {
            r = tls_->command(args);
        } catch (const StoreError&) {
            drop();
            throw;
        }
    } else {
        r = plain_command(args);
    }
    Reply reply(r);
    if (r->type == REDIS_REPLY_ERROR && unavailable_error(r->str)) {
        const std::string e = r->str;
        drop();
        throw StoreError("the job store is unavailable: Redis at " + url_.display() + ": " + e);
    }
    return reply;
}

redisReply* RedisConn::plain_command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    auto* r = static_cast<redisReply*>(redisCommandArgv(c_, int(argv.size()), argv.data(), lens.data()));
    if (!r) {
        const std::string e = c_->errstr[0] ? c_->errstr : "connection lost";
        drop();
        throw StoreError("the job store is unavailable: Redis at " + url_.display() + ": " + e);
    }
    return r;
}

Reply RedisConn::command_ok(const std::vector<std::string>& args) {
    Reply r = command(args);
    if (r->type == REDIS_REPLY_ERROR) {
        throw StoreError("the job store failed: Redis " + args[0] + ": " + std::string(r->str, r->len), 500);
    }
    return r;
}

std::unique_ptr<RedisConn> RedisPool::take() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!free_.empty()) {
            auto c = std::move(free_.back());
            free_.pop_back();
            return c;
        }
    }
    return std::make_unique<RedisConn>(url_);
}

void RedisPool::give(std::unique_ptr<RedisConn> c) {
    if (!c->connected()) return;
    std::lock_guard<std::mutex> lk(mu_);
    if (free_.size() < 16) free_.push_back(std::move(c));
}

Reply RedisPool::command(const std::vector<std::string>& args) {
    for (int attempt = 0;; ++attempt) {
        auto c = take();
        const bool pooled = c->connected();
        try {
            Reply r = c->command(args);
            give(std::move(c));
            return r;
        } catch (const StoreError&) {
            // A pooled connection may have been closed by a Redis restart: one more try on a
            // new one (the connection that failed is dropped, not given back).
            if (!pooled || attempt > 0) throw;
        }
    }
}

Reply RedisPool::command_ok(const std::vector<std::string>& args) {
    Reply r = command(args);
    if (r->type == REDIS_REPLY_ERROR) {
        throw StoreError("the job store failed: Redis " + args[0] + ": " + std::string(r->str, r->len), 500);
    }
    return r;
}

std::string reply_str(const redisReply* r) {
    if (!r) return "";
    switch (r->type) {
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS:
        case REDIS_REPLY_ERROR: return std::string(r->str, r->len);
        case REDIS_REPLY_INTEGER: return std::to_string(r->integer);
        default: return "";
    }
}

long long reply_int(const redisReply* r) {
    if (!r) return 0;
    if (r->type == REDIS_REPLY_INTEGER) return r->integer;
    if (r->type == REDIS_REPLY_STRING) {
        long long v = 0;
        std::from_chars(r->str, r->str + r->len, v);
        return v;
    }
    return 0;
}

bool reply_nil(const redisReply* r) { return !r || r->type == REDIS_REPLY_NIL; }

}  // namespace peregrine::server
