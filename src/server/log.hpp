// SPDX-License-Identifier: MIT OR Apache-2.0
// Structured log lines of the proving service: one JSON object per line on stderr.
#pragma once
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace peregrine::server {

inline std::mutex& log_mutex() {
    static std::mutex mu;
    return mu;
}

// UTC time with milliseconds, e.g. 2025-01-31T12:00:00.123Z.
inline std::string log_timestamp() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const long ms = (long)(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    return buf;
}

// Writes {"ts": ..., "event": event, ...fields} as one line.
inline void log_event(const char* event, nlohmann::json fields = nlohmann::json::object()) {
    nlohmann::json line = {{"ts", log_timestamp()}, {"event", event}};
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard<std::mutex> lk(log_mutex());
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

}  // namespace peregrine::server
