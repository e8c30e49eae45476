// SPDX-License-Identifier: MIT OR Apache-2.0
#include "server/http_front.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace peregrine::server {

namespace {

using Clock = std::chrono::steady_clock;

Clock::duration secs(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

int ms_until(Clock::time_point t, Clock::time_point now) {
    if (t <= now) return 0;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count() + 1;
    return (int)std::min<long long>(ms, 1000);
}

// Best effort: a few bytes on a non-blocking socket.
void send_some(int fd, const std::string& s) {
    std::size_t done = 0;
    while (done < s.size()) {
        const ssize_t k = ::send(fd, s.data() + done, s.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k <= 0) {
            if (k < 0 && errno == EINTR) continue;
            return;
        }
        done += (std::size_t)k;
    }
}

}  // namespace

struct HttpFront::Conn {
    Conn(const FrontOptions& o, Clock::time_point now) : r(o, now) {}
    int fd = -1;
    std::string ip;
    int port = 0;
    RequestReader r;           // received bytes, phase and deadline (request_reader.hpp)
    std::size_t reserved = 0;  // body bytes counted against body_budget
    std::size_t served = 0;
    bool submission = false;
    std::size_t consumed = 0;  // by the handler's stream
};

namespace {

using Conn = HttpFront::Conn;
using Step = RequestReader::Step;

// A fully received request, then the socket for the response (with a deadline).
class ConnStream : public httplib::Stream {
public:
    ConnStream(Conn& c, Clock::time_point write_deadline) : c_(c), wdl_(write_deadline) {}
    bool is_readable() const override { return c_.consumed < c_.r.request_size(); }
    bool is_writable() const override { return true; }
    ssize_t read(char* ptr, size_t size) override {
        // Only this request's bytes (a pipelined next one stays for the event loop).
        const std::size_t k = std::min(size, c_.r.request_size() - c_.consumed);
        std::memcpy(ptr, c_.r.buffer().data() + c_.consumed, k);
        c_.consumed += k;
        return (ssize_t)k;  // 0 past the request: it was received completely
    }
    ssize_t write(const char* ptr, size_t size) override {
        std::size_t done = 0;
        while (done < size) {
            const ssize_t k = ::send(c_.fd, ptr + done, size - done, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (k > 0) {
                done += (std::size_t)k;
                continue;
            }
            if (k < 0 && errno == EINTR) continue;
            if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                const auto now = Clock::now();
                if (now >= wdl_) return -1;  // the client does not read its response
                pollfd p{c_.fd, POLLOUT, 0};
                ::poll(&p, 1, ms_until(wdl_, now));
                continue;
            }
            return -1;
        }
        return (ssize_t)size;
    }
    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = c_.ip;
        port = c_.port;
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage a{};
        socklen_t len = sizeof a;
        ip.clear();
        port = 0;
        if (::getsockname(c_.fd, (sockaddr*)&a, &len) != 0) return;
        char host[NI_MAXHOST], serv[NI_MAXSERV];
        if (::getnameinfo((sockaddr*)&a, len, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
            ip = host;
            port = std::atoi(serv);
        }
    }
    // httplib only compares it with FD_SETSIZE (select() is never used on it here).
    socket_t socket() const override { return std::min(c_.fd, FD_SETSIZE - 1); }

private:
    Conn& c_;
    Clock::time_point wdl_;
};

// handle_raw's stream: reads a request from a string, appends the response to another.
class StringStream : public httplib::Stream {
public:
    StringStream(const std::string& in, std::string& out, const std::string& ip) : in_(in), out_(out), ip_(ip) {}
    bool is_readable() const override { return pos_ < in_.size(); }
    bool is_writable() const override { return true; }
    ssize_t read(char* ptr, size_t size) override {
        const std::size_t k = std::min(size, in_.size() - pos_);
        std::memcpy(ptr, in_.data() + pos_, k);
        pos_ += k;
        return (ssize_t)k;
    }
    ssize_t write(const char* ptr, size_t size) override {
        out_.append(ptr, size);
        return (ssize_t)size;
    }
    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = ip_;
        port = 40000;
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        ip = "127.0.0.1";
        port = 9080;
    }
    socket_t socket() const override { return 0; }

private:
    const std::string& in_;
    std::string& out_;
    std::string ip_;
    std::size_t pos_ = 0;
};

class ConnPool {
public:
    void start(unsigned n, std::size_t cap, std::function<void(Conn*)> fn) {
        cap_ = cap;
        fn_ = std::move(fn);
        for (unsigned i = 0; i < std::max(1u, n); ++i) threads_.emplace_back([this] { work(); });
    }
    bool push(Conn* c) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            if (q_.size() >= cap_) return false;
            q_.push_back(c);
        }
        cv_.notify_one();
        return true;
    }
    // Runs what is queued, then ends the threads.
    void shutdown() {
        {
            std::lock_guard<std::mutex> lk(mu_);
            stop_ = true;
        }
        cv_.notify_all();
        for (auto& t : threads_) t.join();
        threads_.clear();
    }

private:
    void work() {
        for (;;) {
            Conn* c = nullptr;
            {
                std::unique_lock<std::mutex> lk(mu_);
                cv_.wait(lk, [&] { return stop_ || !q_.empty(); });
                if (q_.empty()) return;
                c = q_.front();
                q_.pop_front();
            }
            fn_(c);
        }
    }
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Conn*> q_;
    std::size_t cap_ = 0;
    bool stop_ = false;
    std::function<void(Conn*)> fn_;
    std::vector<std::thread> threads_;
};

}  // namespace

struct HttpFront::Impl {
    int listen_fd = -1;
    int wake[2] = {-1, -1};
    std::mutex mu;  // guards returned, stopping
    std::vector<Conn*> returned;
    bool stopping = false;
    std::atomic<bool> stop_flag{false};
    std::atomic<std::size_t> body_used{0};
    ConnPool http, submit;
    std::vector<Conn*> conns;  // owned by the loop
    std::mutex per_client_mu;
    std::map<std::string, std::size_t> per_client;  // open connections per client address
};

void HttpFront::drop(Conn* c) {
    ::close(c->fd);
    if (o_.max_per_client) {
        std::lock_guard<std::mutex> lk(impl_->per_client_mu);
        auto it = impl_->per_client.find(c->ip);
        if (it != impl_->per_client.end() && --it->second == 0) impl_->per_client.erase(it);
    }
    delete c;
    --open_;
}

HttpFront::HttpFront(const FrontOptions& o) : impl_(std::make_unique<Impl>()), o_(o) {
    if (::pipe2(impl_->wake, O_NONBLOCK | O_CLOEXEC) != 0) impl_->wake[0] = impl_->wake[1] = -1;
}

HttpFront::~HttpFront() {
    if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
    for (int fd : impl_->wake) {
        if (fd >= 0) ::close(fd);
    }
}

int HttpFront::bind_listen(const std::string& host, int port) {
    addrinfo hints{}, *res = nullptr;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    const std::string service = std::to_string(port);
    if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res); rc != 0) {
        errno = EADDRNOTAVAIL;
        return -1;
    }
    int fd = -1, err = 0;
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, o_.backlog) == 0) break;
        err = errno;
        ::close(fd);
        fd = -1;
    }
    ::freeaddrinfo(res);
    if (fd < 0) {
        errno = err;
        return -1;
    }
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    ::getsockname(fd, (sockaddr*)&a, &len);
    impl_->listen_fd = fd;
    return a.ss_family == AF_INET6 ? ntohs(((sockaddr_in6*)&a)->sin6_port) : ntohs(((sockaddr_in*)&a)->sin_port);
}

void HttpFront::stop() {
    {
        std::lock_guard<std::mutex> lk(impl_->mu);
        impl_->stopping = true;
    }
    impl_->stop_flag = true;
    if (impl_->wake[1] >= 0) {
        const char b = 1;
        [[maybe_unused]] ssize_t k = ::write(impl_->wake[1], &b, 1);
    }
}

void HttpFront::run() {
    impl_->http.start(o_.http_threads, o_.max_connections + 1, [this](Conn* c) { serve_conn(c); });
    impl_->submit.start(o_.submit_threads, o_.submit_queue, [this](Conn* c) { serve_conn(c); });
    loop();
    impl_->http.shutdown();
    impl_->submit.shutdown();
    std::lock_guard<std::mutex> lk(impl_->mu);
    for (Conn* c : impl_->returned) {
        drop(c);
    }
    impl_->returned.clear();
}

void HttpFront::give_back(Conn* c) {
    {
        std::lock_guard<std::mutex> lk(impl_->mu);
        if (!impl_->stopping) {
            impl_->returned.push_back(c);
            c = nullptr;
        }
    }
    if (c) {
        drop(c);
        return;
    }
    const char b = 1;
    [[maybe_unused]] ssize_t k = ::write(impl_->wake[1], &b, 1);
}

void HttpFront::serve_conn(Conn* c) {
    c->consumed = 0;
    ConnStream strm(*c, Clock::now() + secs(o_.write_timeout_s));
    const bool close_now = c->served + 1 >= o_.keep_alive_max || impl_->stop_flag;
    bool closed = false;
    bool ok = false;
    try {
        ok = process_request(strm, close_now, closed, {});
    } catch (...) {
        ok = false;
    }
    ++c->served;
    impl_->body_used -= c->reserved;
    c->reserved = 0;
    if (!ok || closed || close_now) {
        drop(c);
        return;
    }
    c->r.finish(Clock::now());
    give_back(c);
}

std::string HttpFront::handle_raw(const std::string& request, const std::string& remote_ip) {
    std::string out;
    StringStream strm(request, out, remote_ip);
    bool closed = false;
    try {
        process_request(strm, true, closed, {});
    } catch (...) {
    }
    return out;
}

std::string HttpFront::handle_connection(const std::vector<std::pair<double, std::string>>& chunks,
                                         const std::string& remote_ip) {
    const Clock::time_point t0 = Clock::now();
    RequestReader r(o_, t0);
    std::string out;
    std::size_t served = 0;
    // What the bytes so far give; false once the connection is closed.
    auto run = [&](Clock::time_point now) -> bool {
        for (;;) {
            switch (r.advance(now)) {
                case Step::more: return true;
                case Step::close: return false;
                case Step::refused: out += refusal_response(r.refusal()); return false;
                case Step::headers:
                    if (r.content_length() > o_.body_budget) {
                        r.refuse({429, "body_budget", "the server is receiving too many request bodies at once", 1}, now);
                        out += refusal_response(r.refusal());
                        return false;
                    }
                    if (r.expect_continue() && r.buffer().size() < r.request_size()) out += "HTTP/1.1 100 Continue\r\n\r\n";
                    continue;
                case Step::complete: {
                    const std::string request = r.buffer().substr(0, r.request_size());
                    StringStream strm(request, out, remote_ip);
                    const bool close_now = served + 1 >= o_.keep_alive_max;
                    bool closed = false, ok = false;
                    try {
                        ok = process_request(strm, close_now, closed, {});
                    } catch (...) {
                    }
                    ++served;
                    if (!ok || closed || close_now) return false;
                    r.finish(now);
                    continue;
                }
            }
        }
    };
    double last = 0;
    for (const auto& [at, bytes] : chunks) {
        last = std::max(last, at);
        const Clock::time_point now = t0 + secs(last);
        // The loop wakes at the deadline before these bytes could arrive.
        if (const Step e = r.expire(now); e != Step::more) {
            if (e == Step::refused) out += refusal_response(r.refusal());
            return out;
        }
        std::size_t pos = 0;
        while (pos < bytes.size()) {
            const std::size_t k = std::min(r.want(65536), bytes.size() - pos);
            if (k == 0) break;
            r.append(bytes.data() + pos, k);
            pos += k;
            if (!run(now)) return out;
        }
    }
    if (r.expire(r.deadline()) == Step::refused) out += refusal_response(r.refusal());
    return out;
}

void HttpFront::loop() {
    Impl& m = *impl_;
    std::vector<pollfd> pfds;
    std::vector<char> chunk(65536);
    Clock::time_point accept_pause{};  // out of file descriptors: accept again after this

    auto close_conn = [&](Conn* c) {
        m.body_used -= c->reserved;
        drop(c);
    };
    // c->r was refused: answers with its JSON error and closes (after the client had a moment to read it).
    auto answer = [&](Conn* c) {
        const Refusal& f = c->r.refusal();
        send_some(c->fd, refusal_response(f));
        if (on_refused) on_refused(f.status, f.reason, f.message, c->ip);
        m.body_used -= c->reserved;
        c->reserved = 0;
        ::shutdown(c->fd, SHUT_WR);
    };
    // Returns false when c left the loop (dispatched or closed).
    auto advance = [&](Conn* c, Clock::time_point now) -> bool {
        for (;;) {
            switch (c->r.advance(now)) {
                case Step::more:
                case Step::close: return true;
                case Step::refused: answer(c); return true;
                case Step::headers: {
                    const std::size_t cl = c->r.content_length();
                    if (cl > 0) {
                        if (m.body_used + cl > o_.body_budget) {
                            c->r.refuse({429, "body_budget",
                                         "the server is receiving too many request bodies at once (" +
                                             std::to_string(o_.body_budget) + " bytes); retry",
                                         1},
                                        now);
                            answer(c);
                            return true;
                        }
                        m.body_used += cl;
                        c->reserved = cl;
                    }
                    c->submission = is_submission && is_submission(c->r.method(), c->r.path());
                    if (c->r.expect_continue() && c->r.buffer().size() < c->r.request_size())
                        send_some(c->fd, "HTTP/1.1 100 Continue\r\n\r\n");
                    continue;
                }
                case Step::complete: {
                    ConnPool& pool = c->submission ? m.submit : m.http;
                    if (pool.push(c)) return false;
                    c->r.refuse({429, "submissions_busy",
                                 "too many submissions in progress (" + std::to_string(o_.submit_queue) + " waiting); retry", 1},
                                now);
                    answer(c);
                    return true;
                }
            }
        }
    };

    for (;;) {
        {
            std::lock_guard<std::mutex> lk(m.mu);
            if (m.stopping) break;
            const auto now = Clock::now();
            for (Conn* c : m.returned) {
                if (advance(c, now)) m.conns.push_back(c);
            }
            m.returned.clear();
        }
        pfds.clear();
        auto now = Clock::now();
        pfds.push_back({m.listen_fd, short(now >= accept_pause ? POLLIN : 0), 0});
        pfds.push_back({m.wake[0], POLLIN, 0});
        int timeout = now >= accept_pause ? 1000 : 100;
        for (Conn* c : m.conns) {
            pfds.push_back({c->fd, POLLIN, 0});
            timeout = std::min(timeout, ms_until(c->r.deadline(), now));
        }
        const int n = ::poll(pfds.data(), pfds.size(), timeout);
        if (n < 0 && errno != EINTR) break;
        now = Clock::now();
        if (pfds[1].revents) {
            char b[64];
            while (::read(m.wake[0], b, sizeof b) > 0) {
            }
        }
        if (pfds[0].revents & POLLIN) {
            for (;;) {
                sockaddr_storage a{};
                socklen_t len = sizeof a;
                const int fd = ::accept4(m.listen_fd, (sockaddr*)&a, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0) {
                    // No descriptor left: the pending connection stays in the backlog; do not spin.
                    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                        accept_pause = now + std::chrono::milliseconds(100);
                    }
                    break;
                }
                char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "0";
                ::getnameinfo((sockaddr*)&a, len, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
                bool client_full = false;
                if (o_.max_per_client && open_ < o_.max_connections) {
                    std::lock_guard<std::mutex> lk(m.per_client_mu);
                    std::size_t& k = m.per_client[host];
                    client_full = k >= o_.max_per_client;
                    if (!client_full) ++k;
                }
                if (open_ >= o_.max_connections || client_full) {
                    const std::string msg = client_full ? "too many connections from " + std::string(host) + " (limit " +
                                                              std::to_string(o_.max_per_client) + "); retry"
                                                        : "too many connections (limit " + std::to_string(o_.max_connections) + "); retry";
                    send_some(fd, refusal_response({429, "connections", msg, 1}));
                    if (on_refused) on_refused(429, "connections", msg, host);
                    ::close(fd);
                    continue;
                }
                const int one = 1;
                ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                auto* c = new Conn(o_, now);
                c->fd = fd;
                c->ip = host;
                c->port = std::atoi(serv);
                ++open_;
                m.conns.push_back(c);
            }
        }
        // pfds[2 + i] belongs to m.conns[i] for the conns present before this poll.
        const std::size_t polled = pfds.size() - 2;
        std::vector<Conn*> keep;
        keep.reserve(m.conns.size());
        for (std::size_t i = 0; i < m.conns.size(); ++i) {
            Conn* c = m.conns[i];
            const short ev = i < polled ? pfds[2 + i].revents : 0;
            bool alive = true, in_loop = true;
            if (ev & (POLLIN | POLLHUP | POLLERR)) {
                for (;;) {
                    const std::size_t want = c->r.want(chunk.size());
                    if (want == 0) break;
                    const ssize_t k = ::recv(c->fd, chunk.data(), want, 0);
                    if (k > 0) {
                        c->r.append(chunk.data(), (std::size_t)k);
                        if ((std::size_t)k < want) break;
                        continue;
                    }
                    if (k < 0 && errno == EINTR) continue;
                    if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                    alive = false;  // closed by the client, or an error
                    break;
                }
                if (alive) in_loop = advance(c, now);
            }
            if (alive && in_loop) {
                const Step e = c->r.expire(now);
                if (e == Step::refused) answer(c);
                if (e == Step::close) alive = false;
            }
            if (!alive) {
                close_conn(c);
            } else if (in_loop) {
                keep.push_back(c);
            }
        }
        m.conns.swap(keep);
    }
    if (m.listen_fd >= 0) {
        ::close(m.listen_fd);
        m.listen_fd = -1;
    }
    for (Conn* c : m.conns) close_conn(c);
    m.conns.clear();
}

}  // namespace peregrine::server
