// SPDX-License-Identifier: MIT OR Apache-2.0
// g1/g2_batch_sums (curve/batch_sums) against sums of generic multiplications: random sums of 0..32
// terms, zero scalars, points at infinity, repeated and opposite points (exceptional additions),
// and scalars 1, r - 1 and small ones; with a point per term (width-5 tables) and with a few points
// shared by many terms (the widest tables), and a mix of both.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "curve/batch_sums.hpp"
#include "curve/bn254.hpp"

namespace peregrine {
namespace {

// How the terms name their points: each its own copy, all from the small pool, or half and half.
enum class Sharing { kNone, kAll, kMixed };

template <class J>
void check(std::uint64_t seed, Sharing sharing) {
    using Aff = typename J::Aff;
    std::mt19937_64 g(seed);
    const Aff gen = [] {
        if constexpr (std::is_same_v<J, G1>) return g1_generator();
        else return g2_generator();
    }();
    const Limbs r = FrParams::MOD;
    auto scalar = [&]() -> Limbs {
        switch (g() % 8) {
            case 0: return Limbs{0, 0, 0, 0};
            case 1: return Limbs{1, 0, 0, 0};
            case 2: return Limbs{r[0] - 1, r[1], r[2], r[3]};
            case 3: return Limbs{g() % 100, 0, 0, 0};
            default: {
                Limbs l{g(), g(), g(), g() >> 3};
                while (cmp(l, r) >= 0) l[3] >>= 1;
                return l;
            }
        }
    };
    // A small pool of points, so that sums meet repeated and opposite points.
    std::vector<Aff> pool_pts;
    for (int i = 0; i < 12; ++i) pool_pts.push_back(J::from_affine(gen).mul(Limbs{g() | 1, g(), 0, 0}).to_affine());
    pool_pts.push_back(Aff{});  // infinity
    const std::size_t ns = 120;
    std::vector<std::uint64_t> start{0};
    std::vector<Aff> pts;
    std::vector<Limbs> ks;
    // The point list: the pool and its negations first, then one copy per term that does not share.
    std::vector<Aff> bases = pool_pts;
    for (const Aff& p : pool_pts) bases.push_back(p.neg());
    std::vector<std::uint32_t> base;
    auto add_term = [&](std::size_t pi, bool negate, const Limbs& k) {
        const Aff p = negate ? pool_pts[pi].neg() : pool_pts[pi];
        pts.push_back(p);
        ks.push_back(k);
        const bool share = sharing == Sharing::kAll || (sharing == Sharing::kMixed && g() % 2 == 0);
        if (share) {
            base.push_back(std::uint32_t(pi + (negate ? pool_pts.size() : 0)));
        } else {
            base.push_back(std::uint32_t(bases.size()));
            bases.push_back(p);
        }
    };
    for (std::size_t j = 0; j < ns; ++j) {
        const std::size_t t = j == 7 ? 0 : g() % 33;
        for (std::size_t k = 0; k < t; ++k) {
            const std::size_t pi = g() % pool_pts.size();
            add_term(pi, g() % 5 == 0, scalar());
        }
        // Sums that cancel or double exactly: P with k, then P with k again / -P with k.
        if (j % 50 == 3) {
            const Limbs k = scalar();
            add_term(0, false, k);
            add_term(0, j % 100 != 3, k);
        }
        start.push_back(pts.size());
    }
    std::vector<J> out(ns);
    if constexpr (std::is_same_v<J, G1>)
        g1_batch_sums(bases.data(), bases.size(), base.data(), ks.data(), start.data(), ns, out.data());
    else g2_batch_sums(bases.data(), bases.size(), base.data(), ks.data(), start.data(), ns, out.data());
    for (std::size_t j = 0; j < ns; ++j) {
        J want = J::infinity();
        for (std::uint64_t k = start[j]; k < start[j + 1]; ++k) want = want.add(J::from_affine(pts[k]).mul(ks[k]));
        ASSERT_TRUE(out[j] == want) << "sum " << j << " of " << start[j + 1] - start[j] << " terms";
    }
    // A sub-range (start not at 0).
    std::vector<J> part(10);
    if constexpr (std::is_same_v<J, G1>)
        g1_batch_sums(bases.data(), bases.size(), base.data(), ks.data(), start.data() + 100, 10, part.data());
    else g2_batch_sums(bases.data(), bases.size(), base.data(), ks.data(), start.data() + 100, 10, part.data());
    for (std::size_t j = 0; j < 10; ++j) EXPECT_TRUE(part[j] == out[100 + j]);
}

TEST(BatchSums, G1) { check<G1>(1, Sharing::kNone); }
TEST(BatchSums, G2) { check<G2>(2, Sharing::kNone); }
TEST(BatchSums, G1SharedPoints) { check<G1>(3, Sharing::kAll); }
TEST(BatchSums, G2SharedPoints) { check<G2>(4, Sharing::kAll); }
TEST(BatchSums, G1MixedSharing) { check<G1>(5, Sharing::kMixed); }

TEST(BatchSums, Empty) {
    const std::uint64_t st[3] = {0, 0, 0};
    G1 out[2];
    g1_batch_sums(nullptr, 0, nullptr, nullptr, st, 2, out);
    EXPECT_TRUE(out[0].is_infinity() && out[1].is_infinity());
    g1_batch_sums(nullptr, 0, nullptr, nullptr, st, 0, out);
}

}  // namespace
}  // namespace peregrine
