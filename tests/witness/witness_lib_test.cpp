// SPDX-License-Identifier: MIT OR Apache-2.0
// In-process witness calculation through a built circuit's shared library (WitnessLibrary):
//   witness_lib_test <lib.so | dir> <input.json> <expected.wtns> [threads] [iterations]
// 1. one calculation must equal expected.wtns (snarkjs's) byte for byte; prints its time;
// 2. `threads` threads (default 4) each calculate `iterations` (default 10) witnesses at once,
//    alternating with a bad input that must fail cleanly, and every witness must still be equal.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "witness/loader.hpp"

namespace {

std::string slurp(const char* path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        std::fprintf(stderr, "cannot read %s\n", path);
        std::exit(2);
    }
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s <lib.so|dir> <input.json> <expected.wtns> [threads] [iterations]\n", argv[0]);
        return 2;
    }
    const int threads = argc > 4 ? std::atoi(argv[4]) : 4;
    const int iterations = argc > 5 ? std::atoi(argv[5]) : 10;
    const std::string input = slurp(argv[2]);
    const std::string expected = slurp(argv[3]);
    try {
        peregrine::witness::WitnessLibrary lib(argv[1]);
        std::printf("%s: circuit %s, %u witness values\n", lib.path().c_str(), lib.circuit_name().c_str(),
                    lib.witness_size());

        std::vector<double> times;
        for (int i = 0; i < 5; ++i) {
            const auto t = std::chrono::steady_clock::now();
            const auto w = lib.calculate(input);
            times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
            if (w.view() != expected) {
                std::fprintf(stderr, "FAIL: the witness differs from %s\n", argv[3]);
                return 1;
            }
        }
        std::sort(times.begin(), times.end());
        std::printf("one witness: %.2f ms (median of 5, in process)\n", times[2]);

        std::atomic<int> bad{0}, good{0};
        std::vector<std::thread> pool;
        const auto t0 = std::chrono::steady_clock::now();
        for (int t = 0; t < threads; ++t) {
            pool.emplace_back([&, t] {
                for (int i = 0; i < iterations; ++i) {
                    if ((i + t) % 3 == 2) {
                        try {
                            lib.calculate("{\"no such signal\": 1}");
                            bad++;
                        } catch (const peregrine::witness::WitnessError& e) {
                            if (e.code() != 1) bad++;
                        }
                        continue;
                    }
                    const auto w = lib.calculate(input);
                    if (w.view() == expected) good++;
                    else bad++;
                }
            });
        }
        for (auto& th : pool) th.join();
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        std::printf("%d threads x %d calculations: %d correct witnesses, %d failures, %.1f ms\n", threads, iterations,
                    good.load(), bad.load(), ms);
        return bad.load() == 0 && good.load() > 0 ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "FAIL: %s\n", e.what());
        return 1;
    }
}
