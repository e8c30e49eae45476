// SPDX-License-Identifier: MIT OR Apache-2.0
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "curve/bn254.hpp"
#include "curve/pairing.hpp"

using namespace peregrine;

namespace {

// (p^12 - 1)/r * 2x(6x^2 + 3x + 1), little-endian 64-bit limbs: the full exponent that
// final_exponentiation is meant to apply (computed independently with Python big integers).
const u64 kFinalExp[] = {
    0x05213f41abb31280ull, 0x73245a17663153caull, 0xada04fd6195b1c84ull, 0x0cf22f374fe50166ull,
    0xe4ec10ae4fd7bd41ull, 0x82caf72c53ce75a1ull, 0xfb015e91736fc12dull, 0x5cd89edadc7f6a24ull,
    0x79cb73667e677008ull, 0x9f1b01890f1d7939ull, 0xed26ef2edfa24c27ull, 0xfe01315e736b15a5ull,
    0xcc60d3b2451ca64cull, 0x526944ab5c6420efull, 0x79a938e4250828f8ull, 0xbb3ba45c2a11d529ull,
    0xadca37ccfc4370e2ull, 0x1a3c5ccff0633ccfull, 0x45b0b16ce2fa52a6ull, 0x89e86168f2dc3b62ull,
    0x0fe344123f46a377ull, 0xf10c145c5643815eull, 0xd5eae5572ad394deull, 0xdcb8cd82b389badcull,
    0xd4a8c292bf4cfb4full, 0x7a43d444e031e1aaull, 0xdab4ae0cde0ad0bdull, 0xd484877cd01d3197ull,
    0x565d8cd0db6fb15full, 0x519574a861926412ull, 0x94534abcb4cb59bbull, 0x32fe62aef859bdb0ull,
    0x2073bb80bbab9c22ull, 0x00a5b65c435164e2ull, 0xfa58f710fda4be61ull, 0x4b66ec5d2d7e4493ull,
    0x7cfc246d4988280bull, 0x9a04cf66b6070c71ull, 0x9491aafcb243b9cfull, 0xa263cc1785a63aebull,
    0xb59337ff61628bb6ull, 0x94465792b4c3f8c1ull, 0xb5866c6aec784a26ull, 0x60bfc996f315f361ull,
    0xa0eb11404cc45385ull, 0xbd9ad132bcd28278ull, 0x0000000b12091dc4ull
};

// A random scalar below r (top limb masked below r's top limb).
Limbs random_scalar(std::mt19937_64& rng) {
    Limbs a{rng(), rng(), rng(), rng() & 0x0fffffffffffffffull};
    if (is_zero(a)) a[0] = 1;
    return a;
}

Limbs mul_mod_r(const Limbs& a, const Limbs& b) {
    return (Fr::from_canonical(a) * Fr::from_canonical(b)).to_canonical();
}

G1Affine g1_mul(const Limbs& k) { return G1::from_affine(g1_generator()).mul(k).to_affine(); }
G2Affine g2_mul(const Limbs& k) { return G2::from_affine(g2_generator()).mul(k).to_affine(); }

Fq12 random_fq12(std::mt19937_64& rng) {
    std::array<Fq, 12> c;
    for (auto& x : c) x = Fq::from_canonical(random_scalar(rng));
    return Fq12::from_coefficients(c);
}

// The first n quoted decimal strings after "key" in a snarkjs JSON file.
std::vector<std::string> json_numbers_after(const std::string& text, const std::string& key, std::size_t n) {
    std::vector<std::string> out;
    std::size_t pos = text.find("\"" + key + "\"");
    if (pos == std::string::npos) return out;
    pos += key.size() + 2;
    while (out.size() < n) {
        const std::size_t open = text.find('"', pos);
        if (open == std::string::npos) break;
        const std::size_t close = text.find('"', open + 1);
        if (close == std::string::npos) break;
        out.push_back(text.substr(open + 1, close - open - 1));
        pos = close + 1;
    }
    return out;
}

Fq fq(const std::string& s) {
    auto v = Fq::from_decimal(s);
    EXPECT_TRUE(v.has_value()) << s;
    return v.value_or(Fq::zero());
}

}  // namespace

TEST(Fq12, FieldAxioms) {
    std::mt19937_64 rng(1);
    for (int i = 0; i < 5; ++i) {
        const Fq12 a = random_fq12(rng), b = random_fq12(rng), c = random_fq12(rng);
        EXPECT_EQ(a * b, b * a);
        EXPECT_EQ((a * b) * c, a * (b * c));
        EXPECT_EQ(a * (b + c), a * b + a * c);
        EXPECT_EQ(a.square(), a * a);
        EXPECT_EQ(a * a.inverse(), Fq12::one());
        EXPECT_EQ(a.c0 * a.c0.inverse(), Fq6::one());
        EXPECT_EQ(a.c0.square(), a.c0 * a.c0);
        EXPECT_EQ(a * Fq12::one(), a);
    }
    EXPECT_TRUE(Fq12::zero().inverse().is_zero());
    // w^2 = v and w^6 = xi = 9 + u.
    Fq12 w = Fq12::zero();
    w.c1.c0 = Fq2::one();
    Fq12 v = Fq12::zero();
    v.c0.c1 = Fq2::one();
    EXPECT_EQ(w.square(), v);
    Fq12 xi = Fq12::zero();
    xi.c0.c0 = {Fq::from_u64(9), Fq::one()};
    EXPECT_EQ(w.square() * w.square() * w.square(), xi);
}

TEST(Fq12, Frobenius) {
    std::mt19937_64 rng(2);
    const Fq12 a = random_fq12(rng);
    EXPECT_EQ(a.frobenius_map(1), a.pow(Fq::MOD));
    Fq12 x = a;
    for (unsigned k = 1; k < 12; ++k) {
        x = x.frobenius_map(1);
        EXPECT_EQ(a.frobenius_map(k), x) << k;
    }
    EXPECT_EQ(x.frobenius_map(1), a);  // p^12
    EXPECT_EQ(a.frobenius_map(6), a.conjugate());
    EXPECT_EQ(a.frobenius_map(12), a);
}

TEST(Fq12, CyclotomicSquare) {
    std::mt19937_64 rng(3);
    const Fq12 a = random_fq12(rng);
    Fq12 t = a.conjugate() * a.inverse();
    t = t.frobenius_map(2) * t;  // in the cyclotomic subgroup
    EXPECT_EQ(t.cyclotomic_square(), t.square());
    EXPECT_EQ(t.conjugate() * t, Fq12::one());
}

TEST(Fq12, SnarkjsCoefficientOrder) {
    std::array<Fq, 12> c;
    for (u64 i = 0; i < 12; ++i) c[i] = Fq::from_u64(i + 1);
    const Fq12 a = Fq12::from_coefficients(c);
    EXPECT_EQ(a.c0.c0.c0, Fq::from_u64(1));
    EXPECT_EQ(a.c0.c0.c1, Fq::from_u64(2));
    EXPECT_EQ(a.c0.c1.c0, Fq::from_u64(3));
    EXPECT_EQ(a.c0.c2.c1, Fq::from_u64(6));
    EXPECT_EQ(a.c1.c0.c0, Fq::from_u64(7));
    EXPECT_EQ(a.c1.c2.c1, Fq::from_u64(12));
    EXPECT_EQ(a.coefficients(), c);
}

TEST(Pairing, FinalExponentiationMatchesNaiveExponent) {
    std::mt19937_64 rng(4);
    const Fq12 f = random_fq12(rng);
    EXPECT_EQ(final_exponentiation(f), f.pow(kFinalExp, sizeof(kFinalExp) / sizeof(kFinalExp[0])));
    const Fq12 m = miller_loop(g1_generator(), g2_generator());
    EXPECT_EQ(final_exponentiation(m), m.pow(kFinalExp, sizeof(kFinalExp) / sizeof(kFinalExp[0])));
}

TEST(Pairing, NonDegenerateAndOfOrderR) {
    const Fq12 e = pairing(g1_generator(), g2_generator());
    EXPECT_NE(e, Fq12::one());
    EXPECT_EQ(e.pow(group_order()), Fq12::one());
}

TEST(Pairing, Bilinear) {
    std::mt19937_64 rng(5);
    const G1Affine p = g1_generator();
    const G2Affine q = g2_generator();
    const Fq12 e = pairing(p, q);
    for (int i = 0; i < 3; ++i) {
        const Limbs a = random_scalar(rng), b = random_scalar(rng);
        const Fq12 lhs = pairing(g1_mul(a), g2_mul(b));
        EXPECT_EQ(lhs, e.pow(mul_mod_r(a, b)));
        EXPECT_EQ(lhs, pairing(g1_mul(mul_mod_r(a, b)), q));
        EXPECT_EQ(lhs, pairing(p, g2_mul(mul_mod_r(a, b))));
    }
    // Linearity in each argument separately.
    const Limbs a = random_scalar(rng), b = random_scalar(rng);
    const G1Affine pa = g1_mul(a), pb = g1_mul(b);
    const G1Affine pab = G1::from_affine(pa).add(pb).to_affine();
    EXPECT_EQ(pairing(pab, q), pairing(pa, q) * pairing(pb, q));
    const G2Affine qa = g2_mul(a), qb = g2_mul(b);
    const G2Affine qab = G2::from_affine(qa).add(qb).to_affine();
    EXPECT_EQ(pairing(p, qab), pairing(p, qa) * pairing(p, qb));
}

TEST(Pairing, ProductWithNegation) {
    const G1Affine p = g1_generator();
    const G2Affine q = g2_generator();
    EXPECT_TRUE(pairing_product_is_one({{p, q.neg()}, {p, q}}));
    EXPECT_TRUE(pairing_product_is_one({{p.neg(), q}, {p, q}}));
    EXPECT_FALSE(pairing_product_is_one({{p, q}, {p, q}}));
    EXPECT_FALSE(pairing_product_is_one({{p, q}}));
}

TEST(Pairing, MultiMillerLoopIsProductOfMillerLoops) {
    std::mt19937_64 rng(6);
    std::vector<std::pair<G1Affine, G2Affine>> pairs;
    Fq12 prod = Fq12::one();
    for (int i = 0; i < 3; ++i) {
        pairs.push_back({g1_mul(random_scalar(rng)), g2_mul(random_scalar(rng))});
        prod *= miller_loop(pairs.back().first, pairs.back().second);
    }
    EXPECT_EQ(multi_miller_loop(pairs), prod);
}

TEST(Pairing, Groth16ShapedCheck) {
    // e(-A, B) e(alpha, beta) e(X, gamma) e(C, delta) == 1 with A B = alpha beta + X gamma + C delta
    // (as discrete logarithms).
    std::mt19937_64 rng(7);
    const Limbs alpha = random_scalar(rng), beta = random_scalar(rng), gamma = random_scalar(rng),
                delta = random_scalar(rng), x = random_scalar(rng), c = random_scalar(rng),
                a = random_scalar(rng);
    // b = (alpha beta + x gamma + c delta) / a mod r
    const Fr rhs = Fr::from_canonical(alpha) * Fr::from_canonical(beta) +
                   Fr::from_canonical(x) * Fr::from_canonical(gamma) +
                   Fr::from_canonical(c) * Fr::from_canonical(delta);
    const Limbs b = (rhs * Fr::from_canonical(a).inverse()).to_canonical();
    std::vector<std::pair<G1Affine, G2Affine>> pairs = {
        {g1_mul(a).neg(), g2_mul(b)},
        {g1_mul(alpha), g2_mul(beta)},
        {g1_mul(x), g2_mul(gamma)},
        {g1_mul(c), g2_mul(delta)},
    };
    EXPECT_TRUE(pairing_product_is_one(pairs));
    pairs[2].first = g1_mul(mul_mod_r(x, Limbs{2, 0, 0, 0}));
    EXPECT_FALSE(pairing_product_is_one(pairs));
}

TEST(Pairing, ReproducesSnarkjsAlphaBeta) {
    std::ifstream in(std::string(PEREGRINE_PAIRING_DATA) + "/alphabeta_vk.json");
    ASSERT_TRUE(in) << "missing alphabeta_vk.json";
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const auto a = json_numbers_after(text, "vk_alpha_1", 3);
    const auto b = json_numbers_after(text, "vk_beta_2", 6);
    const auto ab = json_numbers_after(text, "vk_alphabeta_12", 12);
    ASSERT_EQ(a.size(), 3u);
    ASSERT_EQ(b.size(), 6u);
    ASSERT_EQ(ab.size(), 12u);
    ASSERT_EQ(a[2], "1");
    ASSERT_EQ(b[4], "1");
    ASSERT_EQ(b[5], "0");
    const G1Affine alpha{fq(a[0]), fq(a[1])};
    const G2Affine beta{{fq(b[0]), fq(b[1])}, {fq(b[2]), fq(b[3])}};
    ASSERT_TRUE(G1::on_curve(alpha));
    ASSERT_TRUE(G2::on_curve(beta));
    const auto coeffs = pairing(alpha, beta).coefficients();
    for (int i = 0; i < 12; ++i) EXPECT_EQ(coeffs[i].to_decimal(), ab[i]) << "coefficient " << i;
}

TEST(Pairing, Infinity) {
    const G1Affine p = g1_generator();
    const G2Affine q = g2_generator();
    const G1Affine p0{};
    const G2Affine q0{};
    EXPECT_EQ(pairing(p0, q), Fq12::one());
    EXPECT_EQ(pairing(p, q0), Fq12::one());
    EXPECT_EQ(pairing(p0, q0), Fq12::one());
    EXPECT_EQ(miller_loop(p0, q), Fq12::one());
    EXPECT_TRUE(pairing_product_is_one({}));
    EXPECT_TRUE(pairing_product_is_one({{p0, q}, {p, q0}}));
    EXPECT_TRUE(pairing_product_is_one({{p, q.neg()}, {p0, q}, {p, q}}));
    EXPECT_FALSE(pairing_product_is_one({{p, q}, {p, q0}}));
    EXPECT_EQ(final_exponentiation(Fq12::zero()), Fq12::zero());
}
