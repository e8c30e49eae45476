// SPDX-License-Identifier: MIT OR Apache-2.0
#include "util/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace peregrine {

Progress::Progress(std::string label, std::uint64_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled),
      tty_(enabled && ::isatty(2)),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
    try {
        done();
    } catch (...) {
    }
}

double Progress::elapsed_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::advance(std::uint64_t n) {
    const std::uint64_t cur = cur_.fetch_add(n) + n;
    if (!enabled_) return;
    const int pct = total_ ? int(cur * 100 / total_) : 100;
    const auto now = std::chrono::steady_clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    // Cheap test without the lock first: redraw on a new percent (terminal) or every 2 s (log).
    if (tty_ ? (pct == last_pct_ && since < 0.2) : since < 2.0) return;
    std::lock_guard<std::mutex> lk(mu_);
    if (finished_) return;
    last_ = now;
    last_pct_ = pct;
    draw(cur, false);
}

void Progress::draw(std::uint64_t cur, bool final) {
    if (cur > total_) cur = total_;
    const int pct = total_ ? int(cur * 100 / total_) : 100;
    const double t = elapsed_s();
    if (tty_) {
        char bar[31];
        const int filled = pct * 30 / 100;
        for (int i = 0; i < 30; ++i) bar[i] = i < filled ? '#' : '.';
        bar[30] = '\0';
        std::fprintf(stderr, "\r%-28s [%s] %3d%%  %6.1f s%s", label_.c_str(), bar, pct, t, final ? "\n" : "");
    } else {
        std::fprintf(stderr, "%s: %d%% (%llu/%llu), %.1f s\n", label_.c_str(), pct, (unsigned long long)cur,
                     (unsigned long long)total_, t);
    }
    std::fflush(stderr);
}

void Progress::done() {
    if (!enabled_) return;
    std::lock_guard<std::mutex> lk(mu_);
    if (finished_) return;
    finished_ = true;
    draw(total_, true);
}

void StepTimer::step(const char* what) {
    const auto now = std::chrono::steady_clock::now();
    if (enabled_) std::fprintf(stderr, "%s: %-16s %8.3f s\n", prefix_, what, std::chrono::duration<double>(now - last_).count());
    last_ = now;
}

}  // namespace peregrine
