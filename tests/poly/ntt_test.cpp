// SPDX-License-Identifier: MIT OR Apache-2.0
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "poly/ntt.hpp"
#include "test_util.hpp"

using namespace peregrine;
using namespace peregrine::test;

namespace {

std::vector<Fr> random_vec(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<Fr> v(n);
    for (auto& x : v) x = Fr::from_canonical(random_below(rng, FrParams::MOD));
    return v;
}

Fr eval(const std::vector<Fr>& coeffs, const Fr& x) {
    Fr acc = Fr::zero();
    for (std::size_t i = coeffs.size(); i-- > 0;) acc = acc * x + coeffs[i];
    return acc;
}

TEST(Ntt, FftIsEvaluationAtPowersOfTheRoot) {
    ThreadPool pool(2);
    for (unsigned logn : {0u, 1u, 2u, 5u}) {
        Domain d(logn);
        auto c = random_vec(d.size(), logn);
        auto e = c;
        d.fft(e.data(), pool);
        Fr x = Fr::one();
        for (std::size_t i = 0; i < d.size(); ++i) {
            EXPECT_EQ(e[i], eval(c, x)) << "logn=" << logn << " i=" << i;
            x *= d.root();
        }
    }
}

// Past one cache block (2^10 elements: the stages run block by block, then over the whole array),
// in one thread and in several: spot evaluations against Horner's rule.
TEST(Ntt, FftIsEvaluationBeyondOneBlock) {
    ThreadPool one(1), pool(3);
    for (unsigned logn : {11u, 13u, 17u}) {  // 17: the global stages in two rounds (4 + 3)
        Domain d(logn);
        const auto c = random_vec(d.size(), 20 + logn);
        for (ThreadPool* p : {&one, &pool}) {
            auto e = c;
            d.fft(e.data(), *p);
            for (std::size_t i : {std::size_t(0), std::size_t(1), std::size_t(2), std::size_t(1023), std::size_t(1024),
                                  std::size_t(777), d.size() / 2 + 5, d.size() - 1}) {
                EXPECT_EQ(e[i], eval(c, d.root().pow((u64)i))) << "logn=" << logn << " i=" << i << " threads=" << p->size();
            }
        }
    }
}

TEST(Ntt, InverseRoundTripsLargeParallel) {
    ThreadPool pool(3);
    Domain d(14);
    auto v = random_vec(d.size(), 9);
    auto w = v;
    d.fft(w.data(), pool);
    EXPECT_NE(w, v);
    d.ifft(w.data(), pool);
    EXPECT_EQ(w, v);
}

TEST(Ntt, CosetShift) {
    ThreadPool pool(2);
    Domain d(4);
    auto c = random_vec(d.size(), 4);
    const Fr g = fr_root_of_unity(5);  // the odd 32nd roots are g * w16^i
    auto e = c;
    Domain::scale_by_powers(e.data(), e.size(), g, pool);
    d.fft(e.data(), pool);
    Fr x = g;
    for (std::size_t i = 0; i < d.size(); ++i) {
        EXPECT_EQ(e[i], eval(c, x));
        x *= d.root();
    }
}

// ifft_scaled(v, g) = scale_by_powers(ifft(v), g): checked against the two steps, in one and in
// several threads (parallel_for chunks start their powers at g^b), and as a coset evaluation.
TEST(Ntt, IfftScaledMatchesIfftThenScale) {
    ThreadPool one(1), pool(2);
    for (unsigned logn : {0u, 1u, 3u, 13u}) {
        Domain d(logn);
        const Fr g = fr_root_of_unity(logn + 1);
        const auto v = random_vec(d.size(), 100 + logn);
        auto want = v;
        d.ifft(want.data(), one);
        Domain::scale_by_powers(want.data(), want.size(), g, one);
        for (ThreadPool* p : {&one, &pool}) {
            auto got = v;
            d.ifft_scaled(got.data(), g, *p);
            EXPECT_EQ(got, want) << "logn=" << logn;
        }
        if (logn == 3) {  // fft of the result evaluates the interpolant of v on the coset g*H
            auto e = want;
            d.fft(e.data(), one);
            auto coeffs = v;
            d.ifft(coeffs.data(), one);
            Fr x = g;
            for (std::size_t i = 0; i < d.size(); ++i, x *= d.root()) EXPECT_EQ(e[i], eval(coeffs, x));
        }
    }
}

}  // namespace

// The stepped round trip (the prover's) equals ifft_scaled then fft, whether one thread runs it or
// several join it at different times, with more or fewer pieces than elements.
TEST(Ntt, CosetRoundTripMatchesIfftScaledThenFft) {
    ThreadPool serial(1);
    const Fr g = fr_root_of_unity(15);
    for (unsigned logn : {0u, 1u, 2u, 3u, 10u, 12u, 14u, 17u}) {
        Domain d(logn);
        const auto v = random_vec(d.size(), 300 + logn);
        auto want = v;
        d.ifft_scaled(want.data(), g, serial);
        d.fft(want.data(), serial);
        for (std::size_t pieces : {std::size_t(1), std::size_t(5), std::size_t(16)}) {
            auto got = v;
            CosetRoundTrip rt(d, got.data(), g, pieces);
            std::vector<std::thread> helpers;
            for (int t = 0; t < 3; ++t) {
                helpers.emplace_back([&rt, t] {
                    std::this_thread::sleep_for(std::chrono::microseconds(200 * t));
                    rt.work();
                    EXPECT_TRUE(rt.done());
                });
            }
            rt.work();
            for (auto& h : helpers) h.join();
            EXPECT_TRUE(got == want) << "log n " << logn << ", " << pieces << " pieces";
        }
    }
}

// The butterflies keep values unreduced (below 4p) between stages and read the inverse twiddles
// from the forward table: fft and ifft against a naive DFT at every size up to 2^9, and spot
// evaluations above (the first global stages from 2^11, the odd-stage reductions at both ends).
TEST(Ntt, FftAndIfftMatchNaiveDft) {
    ThreadPool one(1), pool(2);
    for (unsigned logn = 1; logn <= 12; ++logn) {
        Domain d(logn);
        const std::size_t n = d.size();
        const auto c = random_vec(n, 500 + logn);
        const Fr root_inv = d.root().inverse(), n_inv = Fr::from_u64(n).inverse();
        std::vector<std::size_t> idx;
        if (logn <= 9) {
            for (std::size_t i = 0; i < n; ++i) idx.push_back(i);
        } else {
            idx = {0, 1, 2, 3, n / 4, n / 2 - 1, n / 2, n / 2 + 1, n - 2, n - 1, 1023 % n, 777 % n};
        }
        for (ThreadPool* p : {&one, &pool}) {
            auto e = c, v = c;
            d.fft(e.data(), *p);
            d.ifft(v.data(), *p);
            for (std::size_t i : idx) {
                EXPECT_EQ(e[i], eval(c, d.root().pow((u64)i))) << "fft logn=" << logn << " i=" << i;
                EXPECT_EQ(v[i], eval(c, root_inv.pow((u64)i)) * n_inv) << "ifft logn=" << logn << " i=" << i;
            }
        }
    }
}

// All-maximal inputs (p - 1 everywhere) drive the unreduced sums to their largest values.
TEST(Ntt, ExtremeInputsRoundTrip) {
    ThreadPool one(1);
    for (unsigned logn : {1u, 4u, 11u, 17u}) {
        Domain d(logn);
        std::vector<Fr> v(d.size(), -Fr::one());
        for (std::size_t i = 1; i < v.size(); i += 3) v[i] = Fr::zero();
        auto w = v;
        d.fft(w.data(), one);
        for (std::size_t i : {std::size_t(0), std::size_t(1), d.size() - 1}) EXPECT_EQ(w[i], eval(v, d.root().pow((u64)i)));
        for (const Fr& x : w) EXPECT_TRUE(Fr::is_canonical(x.v));
        d.ifft(w.data(), one);
        EXPECT_TRUE(w == v) << "logn=" << logn;
    }
}

TEST(Ntt, IfftIsInverseEvaluationAt2To17) {
    ThreadPool one(1), pool(3);
    Domain d(17);
    const auto c = random_vec(d.size(), 917);
    const Fr root_inv = d.root().inverse(), n_inv = Fr::from_u64(d.size()).inverse();
    for (ThreadPool* p : {&one, &pool}) {
        auto v = c;
        d.ifft(v.data(), *p);
        for (std::size_t i : {std::size_t(0), std::size_t(5), std::size_t(1024), d.size() / 2 + 3, d.size() - 1}) {
            EXPECT_EQ(v[i], eval(c, root_inv.pow((u64)i)) * n_inv) << "i=" << i;
        }
    }
}
