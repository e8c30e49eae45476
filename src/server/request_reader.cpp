// SPDX-License-Identifier: MIT OR Apache-2.0
#include "server/request_reader.hpp"

#include <algorithm>
#include <cctype>

namespace peregrine::server {

namespace {

using Clock = RequestReader::Clock;

Clock::duration secs(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

std::string lower(std::string s) {
    for (char& ch : s) ch = (char)std::tolower((unsigned char)ch);
    return s;
}

std::string trim(const std::string& s) {
    std::size_t a = 0, b = s.size();
    while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
    return s.substr(a, b - a);
}

std::string clip(const std::string& s, std::size_t n = 40) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

std::string json_quote(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if ((unsigned char)ch < 0x20) {
            out += ' ';
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

const char* reason_phrase(int status) {
    switch (status) {
        case 400: return "Bad Request";
        case 408: return "Request Timeout";
        case 411: return "Length Required";
        case 413: return "Payload Too Large";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        default: return "Error";
    }
}

}  // namespace

std::string refusal_response(const Refusal& r) {
    const std::string body = "{\"error\":" + json_quote(r.message) + "}";
    std::string s = "HTTP/1.1 " + std::to_string(r.status) + " " + reason_phrase(r.status) +
                    "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\nConnection: close\r\n";
    if (r.retry_after) s += "Retry-After: " + std::to_string(r.retry_after) + "\r\n";
    return s + "\r\n" + body;
}

RequestReader::RequestReader(const FrontOptions& o, Clock::time_point now)
    : o_(o), deadline_(now + secs(o.idle_timeout_s)) {}

std::size_t RequestReader::want(std::size_t chunk) const {
    switch (phase_) {
        case Phase::closing: return chunk;  // read and discarded
        case Phase::body: return std::min(chunk, need_ - std::min(need_, buf_.size()));
        default: return std::min(chunk, o_.max_header_bytes + 1 - std::min(buf_.size(), o_.max_header_bytes));
    }
}

void RequestReader::append(const char* p, std::size_t n) {
    if (phase_ != Phase::closing) buf_.append(p, n);
}

void RequestReader::refuse(Refusal r, Clock::time_point now) {
    refusal_ = std::move(r);
    phase_ = Phase::closing;
    deadline_ = now + std::chrono::seconds(2);  // the client has a moment to read the answer
    buf_.clear();
}

RequestReader::Step RequestReader::refused(int status, const char* reason, std::string message, Clock::time_point now) {
    refuse(Refusal{status, reason, std::move(message), 0}, now);
    return Step::refused;
}

RequestReader::Step RequestReader::advance(Clock::time_point now) {
    if (phase_ == Phase::closing) return Step::more;
    if (phase_ == Phase::idle) {
        std::size_t skip = 0;  // blank lines between requests
        while (skip < buf_.size() && (buf_[skip] == '\r' || buf_[skip] == '\n')) ++skip;
        buf_.erase(0, skip);
        if (buf_.empty()) return Step::more;
        phase_ = Phase::headers;
        scanned_ = 0;
        header_deadline_ = now + secs(o_.header_timeout_s);
        request_deadline_ = now + secs(o_.request_timeout_s);
        deadline_ = std::min(header_deadline_, request_deadline_);
    }
    if (phase_ == Phase::headers) return parse_headers(now);
    return buf_.size() < need_ ? Step::more : Step::complete;
}

RequestReader::Step RequestReader::parse_headers(Clock::time_point now) {
    // Only the new bytes (and the 3 before them) are searched: a client sending its headers a
    // byte at a time costs O(n), not O(n^2).
    const std::size_t pos = buf_.find("\r\n\r\n", scanned_ > 3 ? scanned_ - 3 : 0);
    scanned_ = buf_.size();
    if (pos == std::string::npos || pos + 4 > o_.max_header_bytes) {
        if (buf_.size() > o_.max_header_bytes) {
            return refused(431, "headers_too_large",
                           "request line and headers over " + std::to_string(o_.max_header_bytes) + " bytes", now);
        }
        return Step::more;
    }
    const std::size_t hlen = pos + 4;
    std::string method, path, cl_value, expect;
    bool has_cl = false, has_te = false, bad_cl = false;
    std::size_t line_start = 0;
    for (bool first = true; line_start < pos; first = false) {
        std::size_t e = buf_.find("\r\n", line_start);
        if (e == std::string::npos || e > pos) e = pos;
        const std::string line = buf_.substr(line_start, e - line_start);
        line_start = e + 2;
        if (first) {
            const std::size_t s1 = line.find(' ');
            method = line.substr(0, s1);
            if (s1 != std::string::npos) path = line.substr(s1 + 1, line.find(' ', s1 + 1) - s1 - 1);
            continue;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string name = lower(trim(line.substr(0, colon)));
        const std::string value = trim(line.substr(colon + 1));
        if (name == "content-length") {
            if (has_cl && value != cl_value) bad_cl = true;
            has_cl = true;
            cl_value = value;
        } else if (name == "transfer-encoding") {
            has_te = true;
        } else if (name == "expect") {
            expect = lower(value);
        }
    }
    if (has_te) {
        return refused(411, "length_required",
                       "request bodies must have a Content-Length (Transfer-Encoding is not accepted)", now);
    }
    std::size_t cl = 0;
    if (has_cl) {
        bad_cl = bad_cl || cl_value.empty() || cl_value.size() > 18 ||
                 !std::all_of(cl_value.begin(), cl_value.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        if (bad_cl) return refused(400, "bad_content_length", "invalid Content-Length \"" + clip(cl_value) + "\"", now);
        cl = (std::size_t)std::stoull(cl_value);
    }
    if (cl > o_.max_body) {
        return refused(413, "too_large",
                       "request body too large: Content-Length " + std::to_string(cl) + ", limit " +
                           std::to_string(o_.max_body) + " bytes",
                       now);
    }
    need_ = hlen + cl;
    content_length_ = cl;
    method_ = std::move(method);
    path_ = std::move(path);
    expect_continue_ = expect == "100-continue";
    phase_ = Phase::body;
    deadline_ = request_deadline_;
    return Step::headers;
}

RequestReader::Step RequestReader::expire(Clock::time_point now) {
    if (now < deadline_) return Step::more;
    switch (phase_) {
        case Phase::headers:
            return refused(408, "header_timeout",
                           "request headers not received within " + std::to_string((int)o_.header_timeout_s) + " s", now);
        case Phase::body: {
            std::string msg = "request not received within " + std::to_string((int)o_.request_timeout_s) + " s (" +
                              std::to_string(buf_.size()) + " of " + std::to_string(need_) + " bytes)";
            return refused(408, "body_timeout", std::move(msg), now);
        }
        default: return Step::close;  // idle keep-alive connection, or a refused one that had its moment
    }
}

void RequestReader::finish(Clock::time_point now) {
    buf_.erase(0, std::min(buf_.size(), need_));
    need_ = content_length_ = 0;
    method_.clear();
    path_.clear();
    expect_continue_ = false;
    phase_ = Phase::idle;
    deadline_ = now + secs(o_.idle_timeout_s);
}

}  // namespace peregrine::server
