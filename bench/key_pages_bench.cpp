// SPDX-License-Identifier: MIT OR Apache-2.0
// Repeated proofs with one loaded key, as `peregrine serve` proves with its cached keys:
// ProveOptions::release_key_pages on (the key's pages are dropped after use, and faulted back in
// from the page cache by the next proof) against off, interleaved (on, off, on, off, ...) after one
// untimed proof of each. Prints the median wall time, CPU time and minor page faults per proof of
// each setting, and their ratios (CPU time is steadier than wall time on a busy machine).
//
// usage: key_pages_bench <circuit.zkey> <witness.wtns> [proofs per setting (default 10)] [threads (0: all)]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "formats/wtns.hpp"
#include "formats/zkey.hpp"
#include "groth16/prove_files.hpp"
#include "groth16/prover.hpp"
#include "util/error.hpp"
#include "util/thread_pool.hpp"

using namespace peregrine;

namespace {

long minor_faults() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return u.ru_minflt;
}

// User + system CPU time of the process (every thread), ms: steadier than wall time on a busy machine.
double cpu_ms() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s <circuit.zkey> <witness.wtns> [proofs per setting] [threads]\n", argv[0]);
        return 2;
    }
    try {
        const int reps = argc > 3 ? std::atoi(argv[3]) : 10;
        ThreadPool pool(argc > 4 ? (unsigned)std::atoi(argv[4]) : 0u);
        const Zkey zkey(argv[1]);
        const Wtns wtns(argv[2]);
        std::vector<double> ms[2], cpu[2], sys_faults[2];
        for (int i = -1; i < reps; ++i) {
            for (int release = 1; release >= 0; --release) {
                ProveOptions opts;
                opts.release_key_pages = release != 0;
                const long f0 = minor_faults();
                const double c0 = cpu_ms();
                const auto t0 = std::chrono::steady_clock::now();
                const ProofFiles out = prove_from_wtns(zkey, wtns, pool, opts);
                const double t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
                if (out.proof_json.empty()) return 1;
                if (i < 0) continue;  // warm-up
                ms[release].push_back(t);
                cpu[release].push_back(cpu_ms() - c0);
                sys_faults[release].push_back(double(minor_faults() - f0));
            }
        }
        std::printf("key %s (domain 2^%u), %d proofs per setting, %u threads\n", argv[1], zkey.log_domain_size(), reps,
                    pool.size());
        for (int release = 1; release >= 0; --release) {
            std::printf("release_key_pages %-3s: median %.1f ms wall, %.1f ms CPU, %.0f minor faults per proof\n",
                        release ? "on" : "off", median(ms[release]), median(cpu[release]), median(sys_faults[release]));
        }
        std::printf("on/off ratios: wall %.3f, CPU %.3f\n", median(ms[1]) / median(ms[0]), median(cpu[1]) / median(cpu[0]));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
