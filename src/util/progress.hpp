// SPDX-License-Identifier: MIT OR Apache-2.0
// Progress of a long step on stderr: a bar redrawn in place on a terminal, otherwise plain lines
// (at most one every couple of seconds, plus the final one). advance() may be called from any
// thread. A disabled Progress prints nothing.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace peregrine {

class Progress {
public:
    Progress(std::string label, std::uint64_t total, bool enabled = true);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void advance(std::uint64_t n = 1);
    // Prints the final line with the elapsed time (called by the destructor if not before).
    void done();
    double elapsed_s() const;

private:
    void draw(std::uint64_t cur, bool final);
    std::string label_;
    std::uint64_t total_;
    bool enabled_, tty_, finished_ = false;
    std::atomic<std::uint64_t> cur_{0};
    std::chrono::steady_clock::time_point start_, last_;
    std::mutex mu_;
    int last_pct_ = -1;
};

// The timing of each step of a command on stderr (--verbose): step(what) prints "<prefix>: <what>
// <seconds since the previous step>". A disabled StepTimer prints nothing.
class StepTimer {
public:
    StepTimer(const char* prefix, bool enabled)
        : prefix_(prefix), enabled_(enabled), last_(std::chrono::steady_clock::now()) {}
    void step(const char* what);

private:
    const char* prefix_;
    bool enabled_;
    std::chrono::steady_clock::time_point last_;
};

}  // namespace peregrine
