// SPDX-License-Identifier: MIT OR Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>

#include "field/bn254.hpp"
#include "field/ifma_lanes.hpp"
#include "field/inverse.hpp"
#include "test_util.hpp"

using namespace peregrine;
using namespace peregrine::test;

namespace {

template <class F>
class FieldTest : public ::testing::Test {};
using Fields = ::testing::Types<Fq, Fr>;
TYPED_TEST_SUITE(FieldTest, Fields);

TYPED_TEST(FieldTest, ArithmeticMatchesGmp) {
    using F = TypeParam;
    std::mt19937_64 rng(42);
    const mpz_class m = to_mpz(F::MOD);
    // Edge values first, then random ones.
    std::vector<Limbs> vals = {Limbs{0, 0, 0, 0}, Limbs{1, 0, 0, 0}, from_mpz(m - 1), from_mpz(m - 2),
                               from_mpz(m / 2), from_mpz((mpz_class(1) << 253) % m)};
    for (int i = 0; i < 200; ++i) vals.push_back(random_below(rng, F::MOD));
    for (size_t i = 0; i < vals.size(); ++i) {
        const Limbs& x = vals[i];
        const Limbs& y = vals[(i * 7 + 3) % vals.size()];
        const F a = F::from_canonical(x), b = F::from_canonical(y);
        const mpz_class X = to_mpz(x), Y = to_mpz(y);
        EXPECT_EQ(a.to_canonical(), x);
        EXPECT_EQ((a + b).to_canonical(), from_mpz((X + Y) % m));
        EXPECT_EQ((a - b).to_canonical(), from_mpz(((X - Y) % m + m) % m));
        EXPECT_EQ((a * b).to_canonical(), from_mpz((X * Y) % m));
        EXPECT_EQ(a.square().to_canonical(), from_mpz((X * X) % m));
        EXPECT_EQ((-a).to_canonical(), from_mpz((m - X) % m));
        if (X != 0) {
            mpz_class inv;
            mpz_invert(inv.get_mpz_t(), X.get_mpz_t(), m.get_mpz_t());
            EXPECT_EQ(a.inverse().to_canonical(), from_mpz(inv));
            EXPECT_EQ(a * a.inverse(), F::one());
        }
    }
}

TYPED_TEST(FieldTest, MontgomeryConstants) {
    using F = TypeParam;
    const mpz_class m = to_mpz(F::MOD);
    const mpz_class R = (mpz_class(1) << 256) % m;
    EXPECT_EQ(to_mpz(F::R1), R);
    EXPECT_EQ(to_mpz(F::R2), (R * R) % m);
    // INV * m[0] == -1 mod 2^64
    EXPECT_EQ((u64)(F::INV * F::MOD[0]), ~u64(0));
}

TYPED_TEST(FieldTest, DecimalRoundTrip) {
    using F = TypeParam;
    std::mt19937_64 rng(7);
    for (int i = 0; i < 50; ++i) {
        Limbs x = random_below(rng, F::MOD);
        const std::string s = to_decimal(x);
        EXPECT_EQ(s, to_mpz(x).get_str());
        auto back = F::from_decimal(s);
        ASSERT_TRUE(back.has_value());
        EXPECT_EQ(back->to_canonical(), x);
    }
    EXPECT_EQ(to_decimal(Limbs{0, 0, 0, 0}), "0");
    EXPECT_FALSE(F::from_decimal(to_mpz(F::MOD).get_str()).has_value());  // not below the modulus
    EXPECT_FALSE(F::from_decimal("").has_value());
    EXPECT_FALSE(F::from_decimal("12a").has_value());
    EXPECT_FALSE(F::from_decimal("-1").has_value());
    EXPECT_FALSE(F::from_decimal(std::string(100, '9')).has_value());
}

TEST(Fr, RootsOfUnityMatchSnarkjs) {
    // ffjavascript's Fr.w[28] and Fr.w[12] for bn128, printed by node.
    EXPECT_EQ(fr_root_of_unity(28).to_decimal(),
              "19103219067921713944291392827692070036145651957329286315305642004821462161904");
    EXPECT_EQ(fr_root_of_unity(12).to_decimal(),
              "4158865282786404163413953114870269622875596290766033564087307867933865333818");
    Fr w = fr_root_of_unity(10);
    EXPECT_NE(w.pow(512), Fr::one());
    EXPECT_EQ(w.pow(1024), Fr::one());
    EXPECT_THROW(fr_root_of_unity(29), std::invalid_argument);
}

TEST(Fq2, MatchesSchoolbookAndInverts) {
    std::mt19937_64 rng(3);
    const mpz_class p = to_mpz(Fq::MOD);
    for (int i = 0; i < 100; ++i) {
        Limbs a0 = random_below(rng, Fq::MOD), a1 = random_below(rng, Fq::MOD);
        Limbs b0 = random_below(rng, Fq::MOD), b1 = random_below(rng, Fq::MOD);
        Fq2 a{Fq::from_canonical(a0), Fq::from_canonical(a1)}, b{Fq::from_canonical(b0), Fq::from_canonical(b1)};
        Fq2 c = a * b;
        mpz_class A0 = to_mpz(a0), A1 = to_mpz(a1), B0 = to_mpz(b0), B1 = to_mpz(b1);
        mpz_class c0 = ((A0 * B0 - A1 * B1) % p + p) % p, c1 = (A0 * B1 + A1 * B0) % p;
        EXPECT_EQ(c.c0.to_canonical(), from_mpz(c0));
        EXPECT_EQ(c.c1.to_canonical(), from_mpz(c1));
        EXPECT_EQ(a.square(), a * a);
        EXPECT_EQ(a * a.inverse(), Fq2::one());
    }
}

// Lazy-reduction Karatsuba product and squaring against the GMP formulas, on edge values (0, 1, p-1, p-2, 2^254-ish
// limbs) in every combination and on random values.
TEST(Fq2, MulEdgeCasesMatchGmp) {
    std::mt19937_64 rng(11);
    const mpz_class p = to_mpz(Fq::MOD);
    std::vector<Limbs> vals = {Limbs{0, 0, 0, 0}, Limbs{1, 0, 0, 0}, from_mpz(p - 1), from_mpz(p - 2), from_mpz(p / 2),
                               from_mpz(p / 2 + 1), Limbs{~0ull, ~0ull, ~0ull, 0x30644e72e131a028ull}};
    for (int i = 0; i < 5; ++i) vals.push_back(random_below(rng, Fq::MOD));
    auto check = [&](const Limbs& a0, const Limbs& a1, const Limbs& b0, const Limbs& b1) {
        Fq2 a{Fq::from_canonical(a0), Fq::from_canonical(a1)}, b{Fq::from_canonical(b0), Fq::from_canonical(b1)};
        const Fq2 c = a * b;
        mpz_class A0 = to_mpz(a0), A1 = to_mpz(a1), B0 = to_mpz(b0), B1 = to_mpz(b1);
        mpz_class c0 = ((A0 * B0 - A1 * B1) % p + p) % p, c1 = (A0 * B1 + A1 * B0) % p;
        ASSERT_EQ(c.c0.to_canonical(), from_mpz(c0));
        ASSERT_EQ(c.c1.to_canonical(), from_mpz(c1));
        ASSERT_TRUE(Fq::is_canonical(c.c0.v) && Fq::is_canonical(c.c1.v));
        const Fq2 sq = a.square();
        mpz_class s0 = ((A0 * A0 - A1 * A1) % p + p) % p, s1 = (2 * A0 * A1) % p;
        ASSERT_EQ(sq.c0.to_canonical(), from_mpz(s0));
        ASSERT_EQ(sq.c1.to_canonical(), from_mpz(s1));
        // Against the plain Karatsuba on Montgomery products.
        const Fq t0 = a.c0 * b.c0, t1 = a.c1 * b.c1, t2 = (a.c0 + a.c1) * (b.c0 + b.c1);
        ASSERT_EQ(c, (Fq2{t0 - t1, t2 - t0 - t1}));
    };
    for (const Limbs& a0 : vals)
        for (const Limbs& a1 : vals)
            for (const Limbs& b0 : vals)
                for (const Limbs& b1 : vals) check(a0, a1, b0, b1);
    for (int i = 0; i < 20000; ++i) {
        check(random_below(rng, Fq::MOD), random_below(rng, Fq::MOD), random_below(rng, Fq::MOD),
              random_below(rng, Fq::MOD));
    }
}

// 512-bit products and Montgomery reduction of any t < p 2^256, portable (and ADX when present)
// against GMP.
TEST(Kernels, WideMulAndRedcMatchGmp) {
    std::mt19937_64 rng(12);
    for (const Limbs& m : {FqParams::MOD, FrParams::MOD}) {
        const mpz_class M = to_mpz(m), R = mpz_class(1) << 256;
        mpz_class Rinv;
        mpz_invert(Rinv.get_mpz_t(), R.get_mpz_t(), M.get_mpz_t());
        const u64 inv = detail::mont_inv(m[0]);
        std::vector<Limbs> vals = {Limbs{0, 0, 0, 0}, Limbs{1, 0, 0, 0}, from_mpz(M - 1), from_mpz(2 * M - 1),
                                   from_mpz(2 * M - 2), Limbs{~0ull, ~0ull, ~0ull, ~0ull}};
        for (int i = 0; i < 5000; ++i) vals.push_back(random_below(rng, m));
        for (int i = 0; i < 2000; ++i) vals.push_back(Limbs{rng(), rng(), rng(), rng()});
        for (std::size_t i = 0; i < vals.size(); ++i) {
            const Limbs& a = vals[i];
            const Limbs& b = vals[(i * 37 + 3) % vals.size()];
            u64 t[8];
            kernels::mul_wide4_portable(t, a.data(), b.data());
            mpz_class T;
            mpz_import(T.get_mpz_t(), 8, -1, sizeof(u64), 0, 0, t);
            ASSERT_EQ(T, to_mpz(a) * to_mpz(b)) << i;
#if defined(__x86_64__)
            if (kernels::kHaveAdx) {
                u64 t2[8];
                kernels::mul_wide4_adx(t2, a.data(), b.data());
                ASSERT_TRUE(std::equal(t, t + 8, t2)) << i;
            }
#endif
            // Reduction of values below m 2^256: the product mod (m 2^256), and the extremes.
            for (const mpz_class& x : {mpz_class(T % (M * R)), mpz_class(M * R - 1), mpz_class(0), mpz_class(M * R - M)}) {
                u64 in[8] = {};
                mpz_export(in, nullptr, -1, sizeof(u64), 0, 0, x.get_mpz_t());
                Limbs r1;
                kernels::redc8_portable(r1.data(), in, m.data(), inv);
                ASSERT_EQ(to_mpz(r1), mpz_class(x * Rinv % M)) << i;
#if defined(__x86_64__)
                if (kernels::kHaveAdx) {
                    Limbs r2;
                    kernels::redc8_adx(r2.data(), in, m.data(), inv);
                    ASSERT_EQ(r1, r2) << i;
                }
#endif
            }
        }
    }
}

TEST(Fp, BatchInverse) {
    std::mt19937_64 rng(5);
    std::vector<Fr> xs;
    for (int i = 0; i < 33; ++i) xs.push_back(i % 5 == 0 ? Fr::zero() : Fr::from_canonical(random_below(rng, Fr::MOD)));
    std::vector<Fr> inv = xs;
    batch_inverse(inv.data(), inv.size());
    for (size_t i = 0; i < xs.size(); ++i) {
        if (xs[i].is_zero()) {
            EXPECT_TRUE(inv[i].is_zero());
        } else {
            EXPECT_EQ(xs[i] * inv[i], Fr::one());
        }
    }
}

// Inputs that stress the divstep inversion: small values, m - small, powers of two, runs of ones
// and zeros at every length, alternating bits, and the same values' negations.
std::vector<mpz_class> inversion_edge_values(const mpz_class& m) {
    std::vector<mpz_class> v;
    for (int i = 1; i <= 64; ++i) v.push_back(i);
    for (int i = 1; i <= 16; ++i) v.push_back(m - i);
    v.push_back(m / 2);
    v.push_back(m / 2 + 1);
    v.push_back(m / 3);
    for (int k = 1; k < 254; ++k) {
        const mpz_class p = mpz_class(1) << k;
        v.push_back(p);
        v.push_back(p - 1);                           // k ones
        v.push_back(p + 1);
        v.push_back(((mpz_class(1) << 253) - 1) - (p - 1));  // ones above k zeros
        v.push_back(m - p);
        v.push_back((p - 1) << (253 - k));  // k ones at the top
    }
    mpz_class alt = 0;
    for (int i = 0; i < 126; ++i) alt = (alt << 2) | 1;
    v.push_back(alt);
    v.push_back(alt << 1);
    for (int run = 2; run < 64; run += 3) {  // blocks of `run` ones and zeros
        mpz_class x = 0;
        for (int i = 0; i < 253; ++i) x = (x << 1) | ((i / run) % 2);
        v.push_back(x);
    }
    const std::size_t n = v.size();
    for (std::size_t i = 0; i < n; ++i) v.push_back(m - v[i] % m);
    std::vector<mpz_class> r;
    for (const mpz_class& x : v) {
        const mpz_class y = x % m;
        if (y != 0) r.push_back(y);
    }
    return r;
}

TYPED_TEST(FieldTest, VartimeInverseMatchesGmp) {
    using F = TypeParam;
    const mpz_class m = to_mpz(F::MOD);
    std::mt19937_64 rng(11);
    std::vector<mpz_class> vals = inversion_edge_values(m);
    const int n_random = kSlowBuild ? 500 : 5000;
    for (int i = 0; i < n_random; ++i) vals.push_back(to_mpz(random_below(rng, F::MOD)));
    vals.erase(std::remove(vals.begin(), vals.end(), mpz_class(0)), vals.end());
    const mpz_class R = (mpz_class(1) << 256) % m;
    std::size_t i = 0;
    for (const mpz_class& x : vals) {
        mpz_class inv;
        ASSERT_NE(mpz_invert(inv.get_mpz_t(), x.get_mpz_t(), m.get_mpz_t()), 0);
        // As the canonical value (the inversion sees x R mod m) ...
        const F a = F::from_canonical(from_mpz(x));
        const F ai = a.inverse_vartime();
        ASSERT_EQ(to_mpz(ai.to_canonical()), inv) << x.get_str(16);
        ASSERT_EQ(a * ai, F::one()) << x.get_str(16);
        if (i++ % 16 == 0) ASSERT_EQ(ai, a.inverse()) << x.get_str(16);  // the Fermat power
        // ... and as the Montgomery representation itself, so that the edge values reach the
        // divsteps unchanged: the element is x / R, its inverse R / x, stored as R^2 / x.
        const F b = F::from_mont(from_mpz(x));
        ASSERT_EQ(to_mpz(b.inverse_vartime().v), (inv * R % m) * R % m) << x.get_str(16);
        // The raw routine, unscaled and with a random scale.
        ASSERT_EQ(to_mpz(detail::inverse_vartime(from_mpz(x), Limbs{1, 0, 0, 0}, detail::make_inv_modulus(F::MOD))),
                  inv)
            << x.get_str(16);
        const Limbs s = random_below(rng, F::MOD);
        ASSERT_EQ(to_mpz(detail::inverse_vartime(from_mpz(x), s, detail::make_inv_modulus(F::MOD))),
                  inv * to_mpz(s) % m)
            << x.get_str(16);
    }
    // Zero maps to zero, as batch_inverse and the Fermat inverse expect.
    EXPECT_TRUE(F::zero().inverse_vartime().is_zero());
    EXPECT_TRUE(is_zero(detail::inverse_vartime(Limbs{0, 0, 0, 0}, F::R2, detail::make_inv_modulus(F::MOD))));
    // The compile-time constant: m m^-1 = 1 mod 2^62.
    static constexpr detail::InvModulus kMod = detail::make_inv_modulus(F::MOD);
    static_assert(((kMod.m_inv62 * F::MOD[0]) & detail::kM62) == 1);
}

TEST(Fp, VartimeInverseOtherModuli) {
    // Any odd modulus below 2^256: primes of other sizes and an odd composite (inverting its units).
    std::mt19937_64 rng(13);
    const std::vector<mpz_class> mods = {
        mpz_class("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", 16),  // secp256k1 p
        mpz_class("1000000000000000000000000000000000000000000000000000000000000001", 16) * 5 + 2,
        (mpz_class(1) << 127) - 1, mpz_class(1000003), mpz_class(3)};
    for (const mpz_class& m : mods) {
        ASSERT_TRUE(mpz_odd_p(m.get_mpz_t()));
        const Limbs ml = from_mpz(m);
        const detail::InvModulus mod = detail::make_inv_modulus(ml);
        for (int i = 0; i < 500; ++i) {
            const mpz_class x = i < 20 ? mpz_class(m - 1 - i) : to_mpz(random_below(rng, ml));
            mpz_class inv;
            if (x <= 0 || mpz_invert(inv.get_mpz_t(), x.get_mpz_t(), m.get_mpz_t()) == 0) continue;
            ASSERT_EQ(to_mpz(detail::inverse_vartime(from_mpz(x), Limbs{1, 0, 0, 0}, mod)), inv)
                << m.get_str(16) << " " << x.get_str(16);
        }
    }
}

}  // namespace

#if defined(__x86_64__)
TEST(Kernels, AdxMatchesPortable) {
    if (!__builtin_cpu_supports("adx") || !__builtin_cpu_supports("bmi2")) GTEST_SKIP() << "CPU lacks ADX/BMI2";
    std::mt19937_64 rng(8);
    for (const Limbs& m : {FqParams::MOD, FrParams::MOD}) {
        const u64 inv = detail::mont_inv(m[0]);
        std::vector<Limbs> vals = {Limbs{0, 0, 0, 0}, Limbs{1, 0, 0, 0}, from_mpz(to_mpz(m) - 1)};
        for (int i = 0; i < 20000; ++i) vals.push_back(random_below(rng, m));
        for (std::size_t i = 0; i < vals.size(); ++i) {
            const Limbs& a = vals[i];
            const Limbs& b = vals[(i * 31 + 7) % vals.size()];
            Limbs r1, r2;
            kernels::mont_mul4_portable(r1.data(), a.data(), b.data(), m.data(), inv);
            kernels::mont_mul4_adx(r2.data(), a.data(), b.data(), m.data(), inv);
            ASSERT_EQ(r1, r2) << i;
        }
    }
}
#endif

#if defined(__x86_64__)
// The ADX Montgomery square against GMP (a^2 2^-256 mod m) for both moduli, over its whole input
// range a < 2m: edge values (0, 1, m - 1, m, 2m - 1) and random values below m and in [m, 2m).
TEST(Kernels, AdxSquareMatchesGmp) {
    if (!__builtin_cpu_supports("adx") || !__builtin_cpu_supports("bmi2")) GTEST_SKIP() << "CPU lacks ADX/BMI2";
    std::mt19937_64 rng(10);
    for (const Limbs& m : {FqParams::MOD, FrParams::MOD}) {
        const u64 inv = detail::mont_inv(m[0]);
        const mpz_class M = to_mpz(m);
        mpz_class rinv;
        const mpz_class R = mpz_class(1) << 256;
        mpz_invert(rinv.get_mpz_t(), R.get_mpz_t(), M.get_mpz_t());
        std::vector<Limbs> vals = {Limbs{0, 0, 0, 0}, Limbs{1, 0, 0, 0}, from_mpz(M - 1), m, from_mpz(2 * M - 1)};
        for (int i = 0; i < 20000; ++i) {
            const Limbs x = random_below(rng, m);
            vals.push_back(i % 2 ? x : from_mpz(to_mpz(x) + M));
        }
        for (std::size_t i = 0; i < vals.size(); ++i) {
            const Limbs& a = vals[i];
            Limbs r;
            kernels::mont_sqr4_adx(r.data(), a.data(), m.data(), inv);
            const mpz_class want = to_mpz(a) * to_mpz(a) * rinv % M;
            ASSERT_EQ(r, from_mpz(want)) << i << " " << to_mpz(a).get_str(16);
        }
    }
}
#endif

#if defined(__x86_64__)
// The eight-lane IFMA kernels against the portable Montgomery product, for both moduli: edge values
// (0, 1, m-1, values near 2^253), every tail length, products written in place.
TEST(Kernels, IfmaMatchesPortable) {
    if (!kernels::kHaveIfma) GTEST_SKIP() << "CPU lacks AVX-512 IFMA (or PEREGRINE_NO_IFMA is set)";
    std::mt19937_64 rng(9);
    for (const Limbs& m : {FqParams::MOD, FrParams::MOD}) {
        const u64 inv = detail::mont_inv(m[0]);
        std::vector<Limbs> vals = {Limbs{0, 0, 0, 0}, Limbs{1, 0, 0, 0}, from_mpz(to_mpz(m) - 1),
                                   from_mpz(to_mpz(m) - 2), Limbs{~0ull, ~0ull, ~0ull, 0},
                                   from_mpz((mpz_class(1) << 253) + 12345)};
        for (int i = 0; i < 5000; ++i) vals.push_back(random_below(rng, m));
        for (std::size_t n : {std::size_t(1), std::size_t(7), std::size_t(8), std::size_t(9), std::size_t(23),
                              vals.size()}) {
            std::vector<Limbs> a(vals.begin(), vals.begin() + (std::ptrdiff_t)n), b(n), r(n);
            for (std::size_t i = 0; i < n; ++i) b[i] = vals[(i * 31 + 7) % vals.size()];
            kernels::mont_mul4_n_ifma(reinterpret_cast<u64(*)[4]>(r.data()), reinterpret_cast<const u64(*)[4]>(a.data()),
                                      reinterpret_cast<const u64(*)[4]>(b.data()), n, m.data(), inv);
            for (std::size_t i = 0; i < n; ++i) {
                Limbs want;
                kernels::mont_mul4_portable(want.data(), a[i].data(), b[i].data(), m.data(), inv);
                ASSERT_EQ(r[i], want) << "n=" << n << " i=" << i;
            }
            // in place: a <- a * b
            kernels::mont_mul4_n_ifma(reinterpret_cast<u64(*)[4]>(a.data()), reinterpret_cast<const u64(*)[4]>(a.data()),
                                      reinterpret_cast<const u64(*)[4]>(b.data()), n, m.data(), inv);
            ASSERT_EQ(a, r) << n;
        }
    }
}

// The lane-array arithmetic of field/ifma_lanes.hpp (what curve/batch_mul keeps its points in)
// against the scalar field operations: sums, differences and negations across the modulus
// (results 0 and m-1, operands 0 and m-1), products by the 16b operand, zero lanes.
template <class F>
PEREGRINE_IFMA void lane_ops(const std::vector<F>& a, const std::vector<F>& b, std::vector<F> out[4],
                             std::vector<std::uint8_t>& zero) {
    using namespace kernels::ifma;
    const std::size_t n = a.size();
    const Modulus md = modulus(F::MOD.data(), F::INV);
    for (auto* v = out; v != out + 4; ++v) v->assign(n, F::zero());
    zero.assign(n, 0);
    for (std::size_t i = 0; i < n; i += 8) {
        const std::size_t c = std::min<std::size_t>(8, n - i);
        __m512i x[4], y[4], r[4];
        load_block(reinterpret_cast<const u64(*)[4]>(a.data() + i), c, x);
        load_block(reinterpret_cast<const u64(*)[4]>(b.data() + i), c, y);
        const V5 va = split(x), vb = split(y);
        V5 z;
        for (auto& l : z.l) l = _mm512_setzero_si512();
        const V5 res[4] = {add5(va, vb, md.p), sub5(va, vb, md.p), sub5(z, va, md.p), mont(va, times16(vb), md)};
        for (int k = 0; k < 4; ++k) {
            join(res[k], r);
            store_block(reinterpret_cast<u64(*)[4]>(out[k].data() + i), c, r);
        }
        const __mmask8 zm = zero5(vb);
        for (std::size_t e = 0; e < c; ++e) zero[i + e] = (zm >> e) & 1;
    }
}

template <class F>
void check_lane_ops() {
    std::mt19937_64 rng(12);
    const F m1 = F::zero() - F::one();
    std::vector<F> a, b;
    const std::vector<F> edge = {F::zero(), F::one(), m1, m1 - F::one(), F::from_u64(2)};
    for (const F& x : edge)
        for (const F& y : edge) {
            a.push_back(x);
            b.push_back(y);
        }
    for (int i = 0; i < 3000; ++i) {
        a.push_back(F::from_canonical(random_below(rng, F::MOD)));
        b.push_back(i % 7 == 0 ? a.back() : i % 11 == 0 ? -a.back() : F::from_canonical(random_below(rng, F::MOD)));
    }
    std::vector<F> out[4];
    std::vector<std::uint8_t> zero;
    lane_ops(a, b, out, zero);
    for (std::size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(out[0][i], a[i] + b[i]) << i;
        ASSERT_EQ(out[1][i], a[i] - b[i]) << i;
        ASSERT_EQ(out[2][i], -a[i]) << i;
        ASSERT_EQ(out[3][i], a[i] * b[i]) << i;
        ASSERT_EQ(zero[i] != 0, b[i].is_zero()) << i;
    }
}

TEST(Kernels, IfmaLaneOpsMatchScalar) {
    if (!kernels::kHaveIfma) GTEST_SKIP() << "CPU lacks AVX-512 IFMA (or PEREGRINE_NO_IFMA is set)";
    check_lane_ops<Fq>();
    check_lane_ops<Fr>();
}

// batch_inverse and mul_n take the IFMA path on such CPUs: check them at every length around the
// eight-lane blocks, with zeros in varied places (including whole chains of zeros).
TEST(Kernels, BatchInverseAndMulNAllLengths) {
    std::mt19937_64 rng(10);
    for (std::size_t n = 0; n <= 70; ++n) {
        std::vector<Fq> xs(n), ys(n);
        for (std::size_t i = 0; i < n; ++i) {
            const bool zero = (i % 8 == 3) || (n % 3 == 0 && i % 5 == 0);
            xs[i] = zero ? Fq::zero() : Fq::from_canonical(random_below(rng, Fq::MOD));
            ys[i] = Fq::from_canonical(random_below(rng, Fq::MOD));
        }
        std::vector<Fq> inv = xs, scratch(n), prod(n);
        batch_inverse(inv.data(), n, scratch.data());
        mul_n(prod.data(), xs.data(), ys.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
            ASSERT_EQ(prod[i], xs[i] * ys[i]) << n << " " << i;
            if (xs[i].is_zero()) {
                ASSERT_TRUE(inv[i].is_zero()) << n << " " << i;
            } else {
                ASSERT_EQ(xs[i] * inv[i], Fq::one()) << n << " " << i;
            }
        }
    }
}
#endif

// The Fq2 array operations (IFMA path on CPUs that have it) against the element-wise operators,
// with aliasing (r == a, a == b), zeros, and coefficients 0, 1 and p-1.
TEST(Fq2, MulNAndBatchInverseMatchElementwise) {
    std::mt19937_64 rng(11);
    const Fq edge[] = {Fq::zero(), Fq::one(), -Fq::one(), Fq::from_u64(2)};
    auto coeff = [&](std::size_t i) {
        return i % 7 == 2 ? edge[(i / 7) % 4] : Fq::from_canonical(random_below(rng, Fq::MOD));
    };
    for (std::size_t n : {0, 1, 5, 7, 8, 9, 16, 63, 64, 65, 130, 200}) {
        std::vector<Fq2> xs(n), ys(n);
        for (std::size_t i = 0; i < n; ++i) {
            xs[i] = (i % 11 == 4) ? Fq2::zero() : Fq2{coeff(i), coeff(i + 3)};
            ys[i] = Fq2{coeff(i + 1), coeff(i + 5)};
        }
        std::vector<Fq2> prod(n), sq = xs, inplace = xs, inv = xs, scratch(n);
        mul_n(prod.data(), xs.data(), ys.data(), n);
        mul_n(sq.data(), sq.data(), sq.data(), n);
        mul_n(inplace.data(), inplace.data(), ys.data(), n);
        batch_inverse(inv.data(), n, scratch.data());
        for (std::size_t i = 0; i < n; ++i) {
            ASSERT_EQ(prod[i], xs[i] * ys[i]) << n << " " << i;
            ASSERT_EQ(inplace[i], xs[i] * ys[i]) << n << " " << i;
            ASSERT_EQ(sq[i], xs[i] * xs[i]) << n << " " << i;
            if (xs[i].is_zero()) {
                ASSERT_TRUE(inv[i].is_zero()) << n << " " << i;
            } else {
                ASSERT_EQ(inv[i], xs[i].inverse()) << n << " " << i;
                ASSERT_EQ(xs[i] * inv[i], Fq2::one()) << n << " " << i;
            }
        }
    }
}

TEST(Fp, VartimeInversionsMatchFermat) {
    std::vector<Fq> xs;
    std::vector<Fq2> ys;
    const Limbs& p = FqParams::MOD;
    xs.push_back(Fq::one());
    xs.push_back(Fq::zero());
    xs.push_back(Fq::from_canonical(Limbs{p[0] - 1, p[1], p[2], p[3]}));
    Fq x = Fq::from_u64(3);
    for (int i = 0; i < 37; ++i) {
        x = x * x + Fq::from_u64(std::uint64_t(i));
        xs.push_back(x);
        ys.push_back(Fq2{x, i % 5 == 0 ? Fq::zero() : x + Fq::one()});
    }
    ys.push_back(Fq2{Fq::zero(), Fq::zero()});
    for (const Fq& a : xs) EXPECT_TRUE(a.inverse_vartime() == a.inverse());
    for (const Fq2& a : ys) EXPECT_TRUE(a.inverse_vartime() == a.inverse());
    Fr y = Fr::from_u64(5);
    for (int i = 0; i < 40; ++i, y = y * y + Fr::one()) EXPECT_TRUE(y.inverse_vartime() == y.inverse()) << i;
    const Limbs& r = FrParams::MOD;
    for (const Fr& a : {Fr::one(), Fr::zero(), Fr::from_canonical(Limbs{r[0] - 1, r[1], r[2], r[3]})}) {
        EXPECT_TRUE(a.inverse_vartime() == a.inverse());
    }
    for (std::size_t n : {std::size_t(1), std::size_t(7), std::size_t(8), xs.size()}) {
        std::vector<Fq> v(xs.begin(), xs.begin() + std::ptrdiff_t(n)), sc(n);
        batch_inverse(v.data(), n, sc.data());
        for (std::size_t i = 0; i < n; ++i) EXPECT_TRUE(v[i] == xs[i].inverse()) << n << " " << i;
    }
    std::vector<Fq2> w = ys, sc2(ys.size());
    batch_inverse(w.data(), w.size(), sc2.data());
    for (std::size_t i = 0; i < ys.size(); ++i) EXPECT_TRUE(w[i] == ys[i].inverse()) << i;
}
