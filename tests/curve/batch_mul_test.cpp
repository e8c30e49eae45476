// SPDX-License-Identifier: MIT OR Apache-2.0
// Batched scalar multiplication (curve/batch_mul.hpp) against plain double-and-add
// (Jacobian::mul), point by point: fixed scalars, geometric sequences and per-point scalars, with
// edge scalars (0, 1, r-1, lambda), infinity among the points, sizes 0, 1, odd, several blocks,
// one and two threads, in place and not.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "curve/batch_mul.hpp"
#include "curve/bn254.hpp"
#include "msm/msm.hpp"
#include "test_util.hpp"

using namespace peregrine;
using peregrine::test::random_below;

namespace {

// Slow builds (sanitizers; aarch64, which CI runs under qemu): small sizes only.
constexpr bool kSlow = test::kSlowBuild;

const Limbs kRMinus1 = {FrParams::MOD[0] - 1, FrParams::MOD[1], FrParams::MOD[2], FrParams::MOD[3]};

template <class J>
typename J::Aff generator();
template <>
G1Affine generator<G1>() { return g1_generator(); }
template <>
G2Affine generator<G2>() { return g2_generator(); }

// n points of the subgroup in file layout: a random multiple of the generator plus i times
// another, with infinity at i = 3 mod 41 and the generator itself at i = 7 mod 43.
template <class J>
std::vector<std::uint8_t> make_points(std::size_t n, std::mt19937_64& rng) {
    using Aff = typename J::Aff;
    const J g = J::from_affine(generator<J>());
    const Aff step = g.mul(random_below(rng, group_order())).to_affine();
    J acc = g.mul(random_below(rng, group_order()));
    std::vector<J> js(n);
    for (std::size_t i = 0; i < n; ++i) {
        js[i] = acc;
        acc = acc.add(step);
    }
    std::vector<Aff> aff = batch_to_affine(js);
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 41 == 3) aff[i] = Aff{};
        if (i % 43 == 7) aff[i] = generator<J>();
    }
    std::vector<std::uint8_t> out(sizeof(Aff) * n);
    if (n > 0) std::memcpy(out.data(), static_cast<const void*>(aff.data()), out.size());
    return out;
}

template <class J>
typename J::Aff point_at(const std::vector<std::uint8_t>& v, std::size_t i) {
    typename J::Aff a;
    std::memcpy(static_cast<void*>(&a), v.data() + sizeof a * i, sizeof a);
    return a;
}

// Checks out_i == ks[i] * in_i for every `stride`-th i (and the last).
template <class J>
void expect_products(const std::vector<std::uint8_t>& in, const std::vector<std::uint8_t>& out,
                     const std::vector<Fr>& ks, std::size_t stride = 1) {
    const std::size_t n = ks.size();
    ASSERT_EQ(out.size(), in.size());
    for (std::size_t i = 0; i < n; i = (i + stride < n || i + 1 == n) ? i + stride : n - 1) {
        const auto want = J::from_affine(point_at<J>(in, i)).mul(ks[i].to_canonical()).to_affine();
        ASSERT_TRUE(point_at<J>(out, i) == want) << "point " << i << " of " << n;
    }
}

void g_mul_fixed(G1*, const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& k, ThreadPool& p) {
    g1_mul_fixed(in, out, n, k, p);
}
void g_mul_fixed(G2*, const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& k, ThreadPool& p) {
    g2_mul_fixed(in, out, n, k, p);
}
void g_mul_powers(G1*, const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& a, const Fr& b,
                  ThreadPool& p) {
    g1_mul_powers(in, out, n, a, b, p);
}
void g_mul_powers(G2*, const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& a, const Fr& b,
                  ThreadPool& p) {
    g2_mul_powers(in, out, n, a, b, p);
}
void g_mul_each(G1*, const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr* ks, ThreadPool& p) {
    g1_mul_each(in, out, n, ks, p);
}
void g_mul_each(G2*, const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr* ks, ThreadPool& p) {
    g2_mul_each(in, out, n, ks, p);
}

template <class J>
void check_fixed(unsigned threads) {
    ThreadPool pool(threads);
    std::mt19937_64 rng(11 + threads);
    const std::vector<Limbs> scalars = {random_below(rng, group_order()), Limbs{0, 0, 0, 0}, Limbs{1, 0, 0, 0},
                                        Limbs{2, 0, 0, 0}, Limbs{17, 0, 0, 0}, kRMinus1, glv_lambda()};
    for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(2), std::size_t(kSlow ? 45 : 301)}) {
        const auto in = make_points<J>(n, rng);
        for (const Limbs& kc : scalars) {
            const Fr k = Fr::from_canonical(kc);
            std::vector<std::uint8_t> out(in.size()), inplace = in;
            g_mul_fixed(static_cast<J*>(nullptr), in.data(), out.data(), n, k, pool);
            expect_products<J>(in, out, std::vector<Fr>(n, k));
            g_mul_fixed(static_cast<J*>(nullptr), inplace.data(), inplace.data(), n, k, pool);
            EXPECT_EQ(inplace, out);
        }
    }
}

template <class J>
void check_powers(unsigned threads) {
    ThreadPool pool(threads);
    std::mt19937_64 rng(23 + threads);
    const Fr r = Fr::from_canonical(random_below(rng, group_order()));
    const Fr s = Fr::from_canonical(random_below(rng, group_order()));
    const std::vector<std::pair<Fr, Fr>> cases = {{r, s},
                                                  {Fr::one(), s},
                                                  {r, Fr::one()},
                                                  {Fr::zero(), s},
                                                  {s, Fr::zero()},
                                                  {Fr::from_canonical(kRMinus1), Fr::from_canonical(kRMinus1)}};
    for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(kSlow ? 37 : 517)}) {
        const auto in = make_points<J>(n, rng);
        for (const auto& [first, inc] : cases) {
            std::vector<Fr> ks(n);
            Fr k = first;
            for (std::size_t i = 0; i < n; ++i, k *= inc) ks[i] = k;
            std::vector<std::uint8_t> out(in.size()), inplace = in;
            g_mul_powers(static_cast<J*>(nullptr), in.data(), out.data(), n, first, inc, pool);
            expect_products<J>(in, out, ks);
            g_mul_powers(static_cast<J*>(nullptr), inplace.data(), inplace.data(), n, first, inc, pool);
            EXPECT_EQ(inplace, out);
        }
    }
}

template <class J>
void check_each(unsigned threads) {
    ThreadPool pool(threads);
    std::mt19937_64 rng(37 + threads);
    for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(3), std::size_t(kSlow ? 41 : 403)}) {
        const auto in = make_points<J>(n, rng);
        std::vector<Fr> ks(n);
        for (std::size_t i = 0; i < n; ++i) {
            // Edge scalars mixed with random ones of every length (short halves start late).
            switch (i % 7) {
                case 0: ks[i] = Fr::from_canonical(random_below(rng, group_order())); break;
                case 1: ks[i] = Fr::zero(); break;
                case 2: ks[i] = Fr::one(); break;
                case 3: ks[i] = Fr::from_canonical(kRMinus1); break;
                case 4: ks[i] = Fr::from_canonical(glv_lambda()); break;
                case 5: ks[i] = Fr::from_u64(rng() >> (rng() % 64)); break;
                default: ks[i] = Fr::from_canonical(random_below(rng, group_order())) * Fr::from_u64(i); break;
            }
        }
        std::vector<std::uint8_t> out(in.size()), inplace = in;
        g_mul_each(static_cast<J*>(nullptr), in.data(), out.data(), n, ks.data(), pool);
        expect_products<J>(in, out, ks);
        g_mul_each(static_cast<J*>(nullptr), inplace.data(), inplace.data(), n, ks.data(), pool);
        EXPECT_EQ(inplace, out);
    }
}

// Enough points for several blocks per thread (4096 G1 / 2048 G2 points at most per block).
template <class J>
void check_many(std::size_t n, std::size_t stride) {
    ThreadPool pool(2);
    std::mt19937_64 rng(5);
    const auto in = make_points<J>(n, rng);
    const Fr first = Fr::from_canonical(random_below(rng, group_order()));
    const Fr inc = Fr::from_canonical(random_below(rng, group_order()));
    std::vector<std::uint8_t> out(in.size());
    g_mul_fixed(static_cast<J*>(nullptr), in.data(), out.data(), n, inc, pool);
    expect_products<J>(in, out, std::vector<Fr>(n, inc), stride);
    std::vector<Fr> ks(n);
    Fr k = first;
    for (std::size_t i = 0; i < n; ++i, k *= inc) ks[i] = k;
    g_mul_powers(static_cast<J*>(nullptr), in.data(), out.data(), n, first, inc, pool);
    expect_products<J>(in, out, ks, stride);
}

}  // namespace

TEST(BatchMul, FixedG1) {
    check_fixed<G1>(1);
    check_fixed<G1>(2);
}
TEST(BatchMul, FixedG2) {
    check_fixed<G2>(1);
    check_fixed<G2>(2);
}
TEST(BatchMul, PowersG1) {
    check_powers<G1>(1);
    check_powers<G1>(2);
}
TEST(BatchMul, PowersG2) {
    check_powers<G2>(1);
    check_powers<G2>(2);
}
TEST(BatchMul, EachG1) {
    check_each<G1>(1);
    check_each<G1>(2);
}
TEST(BatchMul, EachG2) {
    check_each<G2>(1);
    check_each<G2>(2);
}
TEST(BatchMul, SeveralBlocks) {
    if (kSlow) GTEST_SKIP() << "large sizes skipped in sanitizer and emulated builds";
    check_many<G1>(9001, 37);
    check_many<G2>(4301, 41);
}
