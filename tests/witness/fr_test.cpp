// SPDX-License-Identifier: MIT OR Apache-2.0
// The witness field runtime (src/witness/fr.cpp) against an independent GMP model of circom's
// semantics, for every element representation (short, short Montgomery, long, long Montgomery).
#include <gmpxx.h>
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "fr.hpp"
#include "runtime.hpp"

namespace {

const mpz_class P("21888242871839275222246405745257275088548364400416034343698204186575808495617");
const mpz_class R = mpz_class(1) << 256;
const mpz_class HALF = (P - 1) / 2;
const mpz_class MASK254 = (mpz_class(1) << 254) - 1;

mpz_class mod(const mpz_class& x) {
    mpz_class r = x % P;
    if (r < 0) r += P;
    return r;
}

mpz_class from_limbs(const uint64_t* l) {
    mpz_class r = 0;
    for (int i = 3; i >= 0; --i) r = (r << 64) + mpz_class(std::to_string(l[i]));
    return r;
}

void to_limbs(const mpz_class& x, uint64_t* l) {
    mpz_class t = x;
    for (int i = 0; i < 4; ++i) {
        const mpz_class lo = t & mpz_class("18446744073709551615");
        l[i] = std::stoull(lo.get_str());
        t >>= 64;
    }
}

// The value an element stands for, decoded independently of fr.cpp.
mpz_class value(const FrElement& e) {
    uint64_t l[4];
    std::memcpy(l, reinterpret_cast<const unsigned char*>(&e) + 8, 32);
    if (!(e.type & Fr_LONG)) return mod(mpz_class(e.shortVal));
    mpz_class v = from_limbs(l);
    EXPECT_LT(v, P) << "non-canonical limbs";
    if (e.type & 0x40000000) {
        mpz_class inv;
        mpz_invert(inv.get_mpz_t(), R.get_mpz_t(), P.get_mpz_t());
        v = mod(v * inv);
    }
    return v;
}

enum class Repr { Short, ShortMont, Long, LongMont };

// x (canonical) in the given representation; Short/ShortMont only when x fits in an int32.
FrElement make(const mpz_class& x, Repr r) {
    FrElement e;
    std::memset(&e, 0, sizeof e);
    const mpz_class s = x > HALF ? x - P : x;
    const bool fits = s >= INT32_MIN && s <= INT32_MAX;
    if (!fits && (r == Repr::Short || r == Repr::ShortMont)) r = Repr::Long;
    uint64_t l[4];
    switch (r) {
    case Repr::Short:
        e.shortVal = (int32_t)s.get_si();
        e.type = Fr_SHORT;
        break;
    case Repr::ShortMont:
        e.shortVal = (int32_t)s.get_si();
        e.type = Fr_SHORTMONTGOMERY;
        to_limbs(mod(x * R), l);
        std::memcpy(reinterpret_cast<unsigned char*>(&e) + 8, l, 32);
        break;
    case Repr::Long:
        e.type = Fr_LONG;
        to_limbs(x, l);
        std::memcpy(reinterpret_cast<unsigned char*>(&e) + 8, l, 32);
        break;
    case Repr::LongMont:
        e.type = Fr_LONGMONTGOMERY;
        to_limbs(mod(x * R), l);
        std::memcpy(reinterpret_cast<unsigned char*>(&e) + 8, l, 32);
        break;
    }
    return e;
}

mpz_class signed_value(const mpz_class& x) { return x > HALF ? x - P : x; }

mpz_class adjust(const mpz_class& x) {  // low 254 bits, then minus p once if needed
    mpz_class r = x & MASK254;
    if (r >= P) r -= P;
    return r;
}

mpz_class ref_shift(const mpz_class& a, const mpz_class& k, bool left) {
    mpz_class n = signed_value(k);
    if (n < 0) {
        n = -n;
        left = !left;
    }
    if (n >= 254) return 0;
    const unsigned long s = n.get_ui();
    if (left) return adjust((a << s) & ((mpz_class(1) << 256) - 1));
    return a >> s;
}

std::vector<mpz_class> samples() {
    std::vector<mpz_class> v = {0, 1, 2, 3, 7, 254, 255, 256, mpz_class(INT32_MAX), mpz_class(INT32_MAX) + 1,
                                P - 1, P - 2, P - mpz_class(INT32_MAX), P + mpz_class(INT32_MIN), P + mpz_class(INT32_MIN) - 1,
                                HALF, HALF + 1, HALF - 1, mpz_class(1) << 64, (mpz_class(1) << 128) - 1,
                                mpz_class(1) << 253, MASK254 % P, P - 254, P - 300};
    std::mt19937_64 rng(42);
    gmp_randclass g(gmp_randinit_default);
    g.seed(7);
    for (int i = 0; i < 12; ++i) v.push_back(g.get_z_range(P));
    for (int i = 0; i < 6; ++i) v.push_back(mpz_class(std::to_string(rng() % 100000)));
    return v;
}

const Repr kReprs[] = {Repr::Short, Repr::ShortMont, Repr::Long, Repr::LongMont};

using BinOp = void (*)(PFrElement, PFrElement, PFrElement);

void check_binary(const char* name, BinOp op, const std::function<mpz_class(const mpz_class&, const mpz_class&)>& ref,
                  bool nonzero_b = false) {
    const auto vals = samples();
    for (const auto& a : vals)
        for (const auto& b : vals) {
            if (nonzero_b && b == 0) continue;
            const mpz_class want = ref(a, b);
            for (Repr ra : kReprs)
                for (Repr rb : kReprs) {
                    FrElement x = make(a, ra), y = make(b, rb), r;
                    op(&r, &x, &y);
                    ASSERT_EQ(value(r), want) << name << "(" << a << ", " << b << ") reprs " << (int)ra << "," << (int)rb;
                    // In place, as the generated code does (r aliases an operand).
                    FrElement x2 = make(a, ra), y2 = make(b, rb);
                    op(&x2, &x2, &y2);
                    ASSERT_EQ(value(x2), want) << name << " in place";
                }
        }
}

mpz_class boolean(bool b) { return b ? 1 : 0; }

}  // namespace

TEST(WitnessFr, Arithmetic) {
    check_binary("add", Fr_add, [](auto& a, auto& b) { return mod(a + b); });
    check_binary("sub", Fr_sub, [](auto& a, auto& b) { return mod(a - b); });
    check_binary("mul", Fr_mul, [](auto& a, auto& b) { return mod(a * b); });
    check_binary(
        "div", Fr_div,
        [](auto& a, auto& b) {
            mpz_class inv;
            mpz_invert(inv.get_mpz_t(), b.get_mpz_t(), P.get_mpz_t());
            return mod(a * inv);
        },
        true);
    check_binary(
        "pow", Fr_pow,
        [](auto& a, auto& b) {
            mpz_class r;
            mpz_powm(r.get_mpz_t(), a.get_mpz_t(), b.get_mpz_t(), P.get_mpz_t());
            return r;
        });
}

TEST(WitnessFr, IntegerDivision) {
    check_binary("idiv", Fr_idiv, [](auto& a, auto& b) { return mpz_class(a / b); }, true);
    check_binary("mod", Fr_mod, [](auto& a, auto& b) { return mpz_class(a % b); }, true);
}

TEST(WitnessFr, Comparisons) {
    check_binary("lt", Fr_lt, [](auto& a, auto& b) { return boolean(signed_value(a) < signed_value(b)); });
    check_binary("gt", Fr_gt, [](auto& a, auto& b) { return boolean(signed_value(a) > signed_value(b)); });
    check_binary("leq", Fr_leq, [](auto& a, auto& b) { return boolean(signed_value(a) <= signed_value(b)); });
    check_binary("geq", Fr_geq, [](auto& a, auto& b) { return boolean(signed_value(a) >= signed_value(b)); });
    check_binary("eq", Fr_eq, [](auto& a, auto& b) { return boolean(a == b); });
    check_binary("neq", Fr_neq, [](auto& a, auto& b) { return boolean(a != b); });
    check_binary("land", Fr_land, [](auto& a, auto& b) { return boolean(a != 0 && b != 0); });
    check_binary("lor", Fr_lor, [](auto& a, auto& b) { return boolean(a != 0 || b != 0); });
}

TEST(WitnessFr, BitOperations) {
    check_binary("band", Fr_band, [](auto& a, auto& b) { return adjust(a & b); });
    check_binary("bor", Fr_bor, [](auto& a, auto& b) { return adjust(a | b); });
    check_binary("bxor", Fr_bxor, [](auto& a, auto& b) { return adjust(a ^ b); });
    check_binary("shl", Fr_shl, [](auto& a, auto& b) { return ref_shift(a, b, true); });
    check_binary("shr", Fr_shr, [](auto& a, auto& b) { return ref_shift(a, b, false); });
}

TEST(WitnessFr, UnaryOperations) {
    const mpz_class all256 = (mpz_class(1) << 256) - 1;
    for (const auto& a : samples())
        for (Repr ra : kReprs) {
            FrElement x = make(a, ra), r;
            Fr_neg(&r, &x);
            EXPECT_EQ(value(r), mod(-a));
            Fr_bnot(&r, &x);
            EXPECT_EQ(value(r), adjust(all256 - a)) << "bnot " << a;
            Fr_lnot(&r, &x);
            EXPECT_EQ(value(r), boolean(a == 0));
            Fr_square(&r, &x);
            EXPECT_EQ(value(r), mod(a * a));
            EXPECT_EQ(Fr_isTrue(&x), a != 0 ? 1 : 0);
            // toInt: the signed value's low 32 bits.
            const mpz_class s = signed_value(a);
            const mpz_class low = (s < 0 ? mpz_class(-s) : s) & mpz_class(0xffffffffu);
            uint32_t u = (uint32_t)low.get_ui();
            if (s < 0) u = 0u - u;
            EXPECT_EQ(Fr_toInt(&x), (int32_t)u) << "toInt " << a;
            Fr_toNormal(&r, &x);
            EXPECT_EQ(value(r), a);
            EXPECT_FALSE(r.type & 0x40000000);
            Fr_toLongNormal(&r, &x);
            EXPECT_EQ(value(r), a);
            EXPECT_EQ(r.type, (uint32_t)Fr_LONG);
            Fr_toMontgomery(&r, &x);
            EXPECT_EQ(value(r), a);
            EXPECT_TRUE(r.type & 0x40000000);
            if (a != 0) {
                Fr_inv(&r, &x);
                mpz_class inv;
                mpz_invert(inv.get_mpz_t(), a.get_mpz_t(), P.get_mpz_t());
                EXPECT_EQ(value(r), inv);
            }
            char* s10 = Fr_element2str(&x);
            EXPECT_EQ(std::string(s10), a.get_str());
            delete[] s10;
        }
}

TEST(WitnessFr, DivisionByZeroIsAnError) {
    for (Repr rb : kReprs) {
        FrElement a = make(5, Repr::Long), z = make(0, rb), r;
        EXPECT_THROW(Fr_div(&r, &a, &z), peregrine::witness::CircuitError);
        EXPECT_THROW(Fr_idiv(&r, &a, &z), peregrine::witness::CircuitError);
        EXPECT_THROW(Fr_mod(&r, &a, &z), peregrine::witness::CircuitError);
        EXPECT_THROW(Fr_inv(&r, &z), peregrine::witness::CircuitError);
    }
    EXPECT_THROW(Fr_fail(), peregrine::witness::CircuitError);
}

TEST(WitnessFr, StringConversions) {
    FrElement e;
    Fr_str2element(&e, "12345", 10);
    EXPECT_EQ(value(e), 12345);
    Fr_str2element(&e, "-1", 10);
    EXPECT_EQ(value(e), P - 1);
    Fr_str2element(&e, "ff", 16);
    EXPECT_EQ(value(e), 255);
    const std::string big = mpz_class(P * 3 + 5).get_str();
    Fr_str2element(&e, big.c_str(), 10);
    EXPECT_EQ(value(e), 5);
    EXPECT_THROW(Fr_str2element(&e, "12a", 10), peregrine::witness::CircuitError);
    EXPECT_THROW(Fr_str2element(&e, "", 10), peregrine::witness::CircuitError);
}

TEST(WitnessFr, Constants) {
    EXPECT_EQ(from_limbs(Fr_rawq), P);
    EXPECT_EQ(from_limbs(Fr_rawR3), mod(R * R * R));
    uint64_t q[4];
    std::memcpy(q, reinterpret_cast<const unsigned char*>(&Fr_q) + 8, 32);
    EXPECT_EQ(from_limbs(q), P);
    EXPECT_EQ(Fr_q.type, (uint32_t)Fr_LONG);
}
