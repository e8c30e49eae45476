// SPDX-License-Identifier: MIT OR Apache-2.0
// The point IFFT of `ptau prepare` against a naive evaluation, its GLV scalar multiplication
// against double-and-add, and the circuit power rule of `setup`.
#include <gtest/gtest.h>

#include <vector>

#include "curve/bn254.hpp"
#include "setup/ptau_prepare.hpp"
#include "setup/zkey_new.hpp"

using namespace peregrine;

namespace {

Fr pseudo_random(std::uint64_t i) { return Fr::from_u64(i * 7919 + 17).pow(Limbs{0x9e3779b97f4a7c15ull, 3, 0, 0}); }

std::vector<Limbs> test_scalars() {
    const Limbs& r = FrParams::MOD;
    std::vector<Limbs> ks = {Limbs{0, 0, 0, 0}, Limbs{1, 0, 0, 0}, Limbs{2, 0, 0, 0}, Limbs{31, 0, 0, 0},
                             Limbs{r[0] - 1, r[1], r[2], r[3]}, Limbs{r[0] - 2, r[1], r[2], r[3]},
                             Limbs{~0ull, ~0ull, 0, 0}, Limbs{0, 0, 1, 0}};
    for (std::uint64_t i = 0; i < 24; ++i) ks.push_back(pseudo_random(i).to_canonical());
    ks.push_back(fr_root_of_unity(10).inverse().to_canonical());
    return ks;
}

// out_i = (1/n) sum_j w^-ij k_j, so the IFFT of (k_j G) is (out_i G).
std::vector<Fr> naive_ifft(const std::vector<Fr>& k, unsigned log_n) {
    const std::size_t n = k.size();
    const Fr winv = fr_root_of_unity(log_n).inverse(), ninv = Fr::from_u64(n).inverse();
    std::vector<Fr> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        Fr acc = Fr::zero();
        const Fr wi = winv.pow(Limbs{i, 0, 0, 0});
        Fr x = Fr::one();
        for (std::size_t j = 0; j < n; ++j) {
            acc = acc + x * k[j];
            x = x * wi;
        }
        out[i] = acc * ninv;
    }
    return out;
}

template <class J>
void check_ifft(unsigned log_n, const typename J::Aff& gen, void (*ifft)(J*, unsigned, ThreadPool&), ThreadPool& pool) {
    const std::size_t n = std::size_t(1) << log_n;
    std::vector<Fr> k(n);
    std::vector<J> pts(n);
    const J g = J::from_affine(gen);
    for (std::size_t j = 0; j < n; ++j) {
        k[j] = pseudo_random(100 + j);
        pts[j] = g.mul(k[j].to_canonical());
    }
    if (n > 2) pts[n - 1] = J::infinity(), k[n - 1] = Fr::zero();  // as the last tauG1 block has
    ifft(pts.data(), log_n, pool);
    const std::vector<Fr> want = naive_ifft(k, log_n);
    for (std::size_t i = 0; i < n; ++i) EXPECT_TRUE(pts[i] == g.mul(want[i].to_canonical())) << "n=" << n << " i=" << i;
}

}  // namespace

TEST(SetupGlvMul, G1MatchesDoubleAndAdd) {
    const G1 g = G1::from_affine(g1_generator());
    const G1 p = g.mul(pseudo_random(99).to_canonical());
    for (const Limbs& k : test_scalars()) {
        EXPECT_TRUE(setup::g1_mul_glv(p, k) == p.mul(k));
        EXPECT_TRUE(setup::g1_mul_glv(g, k) == g.mul(k));
    }
    EXPECT_TRUE(setup::g1_mul_glv(G1::infinity(), Limbs{5, 0, 0, 0}).is_infinity());
}

TEST(SetupGlvMul, G2MatchesDoubleAndAdd) {
    const G2 g = G2::from_affine(g2_generator());
    const G2 p = g.mul(pseudo_random(98).to_canonical());
    for (const Limbs& k : test_scalars()) EXPECT_TRUE(setup::g2_mul_glv(p, k) == p.mul(k));
}

TEST(SetupPointIfft, G1MatchesNaive) {
    ThreadPool pool(2);
    for (unsigned log_n = 0; log_n <= 5; ++log_n) check_ifft<G1>(log_n, g1_generator(), setup::g1_ifft, pool);
    ThreadPool one(1);
    check_ifft<G1>(4, g1_generator(), setup::g1_ifft, one);
}

TEST(SetupPointIfft, G2MatchesNaive) {
    ThreadPool pool(2);
    for (unsigned log_n = 0; log_n <= 3; ++log_n) check_ifft<G2>(log_n, g2_generator(), setup::g2_ifft, pool);
}

TEST(SetupZkeyNew, CircuitPowerAsSnarkjs) {
    // snarkjs: log2(nConstraints + nPublic) + 1 with log2 = floor(log2).
    EXPECT_EQ(setup::zkey_circuit_power(0, 0), 1u);
    EXPECT_EQ(setup::zkey_circuit_power(1, 1), 2u);
    EXPECT_EQ(setup::zkey_circuit_power(1, 2), 2u);
    EXPECT_EQ(setup::zkey_circuit_power(34, 0), 6u);
    EXPECT_EQ(setup::zkey_circuit_power(78, 8), 7u);
    EXPECT_EQ(setup::zkey_circuit_power(4092, 3), 12u);
    EXPECT_EQ(setup::zkey_circuit_power(4093, 3), 13u);
}
