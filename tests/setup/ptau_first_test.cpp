// SPDX-License-Identifier: MIT OR Apache-2.0
// Fixed-base multiplication (curve/fixed_base) against the generic one, and `ptau contribute
// --prepare` (setup/ptau_first.cpp) against contribute-then-prepare with the same secrets: the
// files must be byte-identical.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "curve/fixed_base.hpp"
#include "setup/ptau_apply.hpp"
#include "setup/ptau_prepare.hpp"
#include "util/error.hpp"

namespace peregrine::setup {
namespace {

std::string tmp(const std::string& name) { return ::testing::TempDir() + "ptau_first_" + name; }

std::vector<std::uint8_t> slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::vector<Fr> test_scalars(std::size_t n_random, unsigned w) {
    const Limbs r = FrParams::MOD;
    std::vector<Fr> ks = {Fr::zero(), Fr::one(), Fr::from_u64(2), -Fr::one(), -Fr::from_u64(2),
                          Fr::from_u64(1ull << (w - 1)), Fr::from_u64((1ull << (w - 1)) + 1),
                          Fr::from_u64((1ull << w) - 1), Fr::from_canonical(Limbs{r[0] - 1, r[1], r[2], r[3]})};
    // All digits at the top of their range: sum_j 2^(w-1) 2^(w j).
    Fr top = Fr::zero(), p = Fr::from_u64(1ull << (w - 1));
    for (unsigned j = 0; j * w < 254; ++j) {
        top += p;
        p *= Fr::from_u64(1ull << w);
        ks.push_back(top);
    }
    std::mt19937_64 g(42);
    for (std::size_t i = 0; i < n_random; ++i) {
        Limbs l{g(), g(), g(), g() >> 3};
        while (cmp(l, r) >= 0) l[3] >>= 1;
        ks.push_back(Fr::from_canonical(l));
    }
    return ks;
}

template <class J>
void check_fixed_base(unsigned w, std::size_t n_random) {
    using Aff = typename J::Aff;
    ThreadPool pool(2);
    const Aff gen = [] {
        if constexpr (std::is_same_v<J, G1>) return g1_generator();
        else return g2_generator();
    }();
    // A base other than the generator too: 5 G.
    const Aff bases[2] = {gen, J::from_affine(gen).mul(Limbs{5, 0, 0, 0}).to_affine()};
    for (const Aff& base : bases) {
        // The default (large) window only for the generator: its table takes a second to build.
        if (w == 0 && &base != &bases[0]) continue;
        const FixedBase<J> t(base, pool, w);
        const std::vector<Fr> ks = test_scalars(n_random, t.window());
        std::vector<std::uint8_t> out(ks.size() * sizeof(Aff));
        t.mul(ks.data(), ks.size(), out.data(), pool);
        for (std::size_t i = 0; i < ks.size(); ++i) {
            const Aff want = J::from_affine(base).mul(ks[i].to_canonical()).to_affine();
            Aff got;
            std::memcpy(static_cast<void*>(&got), out.data() + sizeof(Aff) * i, sizeof(Aff));
            ASSERT_TRUE(got.x == want.x && got.y == want.y) << "scalar " << i << ", window " << t.window();
        }
    }
}

TEST(FixedBase, G1MatchesGenericMultiplication) {
    check_fixed_base<G1>(0, 600);  // default window, several blocks on two threads
    check_fixed_base<G1>(4, 50);
    check_fixed_base<G1>(2, 20);
}

TEST(FixedBase, G2MatchesGenericMultiplication) {
    check_fixed_base<G2>(0, 300);
    check_fixed_base<G2>(5, 30);
}

TEST(FixedBase, RejectsBadParameters) {
    ThreadPool pool(1);
    EXPECT_THROW(FixedBase<G1>(G1Affine{}, pool), Error);
    EXPECT_THROW(FixedBase<G1>(g1_generator(), pool, 1), Error);
    EXPECT_THROW(FixedBase<G1>(g1_generator(), pool, 21), Error);
}

// The first contribution with --prepare equals contribute + prepare byte for byte, for a
// contribution (type 0, a name) and a beacon-type record alike.
TEST(PtauFirst, ByteIdenticalToContributeThenPrepare) {
    ThreadPool pool(2);
    PtauRunOptions o;
    o.pool = &pool;
    for (unsigned power : {8u, 9u, 10u}) {
        const std::string fresh = tmp("fresh" + std::to_string(power) + ".ptau");
        ptau_new(power, fresh, o);
        const PtauFile f(fresh);
        const Hash64 challenge = detail::last_challenge(f);
        std::uint8_t seed[32];
        for (int i = 0; i < 32; ++i) seed[i] = std::uint8_t(power * 31 + i);
        ChaCha rng = ChaCha::from_bytes_be(seed);
        PtauContribution cur;
        cur.type = power == 9 ? 1 : 0;
        cur.name = "first " + std::to_string(power);
        if (cur.type == 1) {
            cur.num_iterations_exp = 10;
            cur.beacon_hash = {0x01, 0x02, 0x03};
        }
        cur.key = create_ptau_key(challenge.data(), rng);

        const std::string plain = tmp("plain" + std::to_string(power) + ".ptau");
        const std::string prepared = tmp("prepared" + std::to_string(power) + ".ptau");
        const std::string direct = tmp("direct" + std::to_string(power) + ".ptau");
        const Hash64 h1 = detail::apply_contribution(f, plain, cur, challenge, o);
        ptau_prepare(plain, prepared, pool);
        const Hash64 h2 = detail::apply_first_contribution_prepared(f, direct, cur, challenge, o);
        EXPECT_EQ(h1, h2);
        const auto a = slurp(prepared), b = slurp(direct);
        ASSERT_GT(a.size(), std::size_t(64) << power);
        EXPECT_TRUE(a == b) << "power " << power << ": " << a.size() << " vs " << b.size() << " bytes";

        // Only a fresh file: one with a contribution is refused, and no output is left.
        const PtauFile g(plain);
        const std::string never = tmp("never.ptau");
        EXPECT_THROW(detail::apply_first_contribution_prepared(g, never, cur, detail::last_challenge(g), o), Error);
        EXPECT_FALSE(std::ifstream(never).good());
        for (const auto& p : {fresh, plain, prepared, direct}) std::remove(p.c_str());
    }
}

}  // namespace
}  // namespace peregrine::setup
