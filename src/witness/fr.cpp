// SPDX-License-Identifier: MIT OR Apache-2.0
// Peregrine's implementation of the field API circom's generated witness code calls (see fr.hpp
// for the representation and the semantics), on top of the library's BN254 Fr kernels.
#include "fr.hpp"

#include <cstring>

#include "field/bn254.hpp"
#include "runtime.hpp"

namespace {

using peregrine::Fr;
using peregrine::Limbs;
using u64 = std::uint64_t;
namespace kern = peregrine::kernels;

constexpr std::uint32_t kMont = 0x40000000u;
constexpr Limbs P = Fr::MOD;
constexpr Limbs kOne = {1, 0, 0, 0};
constexpr Limbs R2 = Fr::R2;
constexpr Limbs R3 = peregrine::detail::pow2_mod(768, Fr::MOD);
// (p-1)/2: values above it are negative.
constexpr Limbs HALF = {(P[0] >> 1) | (P[1] << 63), (P[1] >> 1) | (P[2] << 63), (P[2] >> 1) | (P[3] << 63), P[3] >> 1};
constexpr u64 kTop254 = (u64(1) << 62) - 1;  // limb 3 of 2^254 - 1

inline bool is_long(const FrElement* a) { return a->type & Fr_LONG; }
inline bool has_mont(const FrElement* a) { return a->type & kMont; }

// Packed struct: go through memcpy for the limbs.
inline Limbs ld(const FrElement* a) {
    Limbs l;
    std::memcpy(l.data(), reinterpret_cast<const unsigned char*>(a) + 8, 32);
    return l;
}
inline void st(FrElement* r, std::uint32_t type, const Limbs& l) {
    r->shortVal = 0;
    r->type = type;
    std::memcpy(reinterpret_cast<unsigned char*>(r) + 8, l.data(), 32);
}
inline void st_short(FrElement* r, std::int32_t v) {
    r->shortVal = v;
    r->type = Fr_SHORT;
}

inline void mmul(Limbs& r, const Limbs& a, const Limbs& b) {
    kern::mont_mul4(r.data(), a.data(), b.data(), P.data(), Fr::INV);
}
inline Limbs add_mod(const Limbs& a, const Limbs& b) {
    Limbs r;
    kern::mod_add4(r.data(), a.data(), b.data(), P.data());
    return r;
}
inline Limbs sub_mod(const Limbs& a, const Limbs& b) {
    Limbs r;
    kern::mod_sub4(r.data(), a.data(), b.data(), P.data());
    return r;
}
inline bool is_zero(const Limbs& a) { return (a[0] | a[1] | a[2] | a[3]) == 0; }

// Plain 256-bit subtraction a - b (a >= b).
inline Limbs sub_raw(const Limbs& a, const Limbs& b) {
    Limbs r;
    u64 br = 0;
    for (int i = 0; i < 4; ++i) r[i] = kern::subb(a[i], b[i], br);
    return r;
}

// Canonical limbs of a signed integer (|v| < p).
inline Limbs canon_from_i64(std::int64_t v) {
    if (v >= 0) return Limbs{(u64)v, 0, 0, 0};
    return sub_raw(P, Limbs{0 - (u64)v, 0, 0, 0});
}

inline void set_i64(FrElement* r, std::int64_t v) {
    if (v >= INT32_MIN && v <= INT32_MAX) {
        st_short(r, (std::int32_t)v);
    } else {
        st(r, Fr_LONG, canon_from_i64(v));
    }
}

// A canonical value: short when it fits in 31 bits, else long normal.
inline void set_canon(FrElement* r, const Limbs& z) {
    if ((z[1] | z[2] | z[3]) == 0 && z[0] <= (u64)INT32_MAX) {
        st_short(r, (std::int32_t)z[0]);
    } else {
        st(r, Fr_LONG, z);
    }
}

inline Limbs mont_of(const FrElement* a) {
    if (has_mont(a)) return ld(a);
    const Limbs c = is_long(a) ? ld(a) : canon_from_i64(a->shortVal);
    Limbs r;
    mmul(r, c, R2);
    return r;
}

inline Limbs canon_of(const FrElement* a) {
    if (!is_long(a)) return canon_from_i64(a->shortVal);
    const Limbs l = ld(a);
    if (!has_mont(a)) return l;
    Limbs r;
    mmul(r, l, kOne);
    return r;
}

inline bool is_negative(const Limbs& canon) { return peregrine::cmp(canon, HALF) > 0; }

// Signed comparison of the values of a and b: -1, 0, 1.
int cmp_signed(const FrElement* a, const FrElement* b) {
    if (!is_long(a) && !is_long(b)) return a->shortVal < b->shortVal ? -1 : (a->shortVal > b->shortVal ? 1 : 0);
    const Limbs x = canon_of(a), y = canon_of(b);
    const bool nx = is_negative(x), ny = is_negative(y);
    if (nx != ny) return nx ? -1 : 1;
    return peregrine::cmp(x, y);
}

bool equal(const FrElement* a, const FrElement* b) {
    if (!is_long(a) && !is_long(b)) return a->shortVal == b->shortVal;
    if (is_long(a) && is_long(b) && has_mont(a) == has_mont(b)) return ld(a) == ld(b);
    return canon_of(a) == canon_of(b);
}

// Keeps the low 254 bits, then subtracts p once if needed (circom's reduction of bit results).
inline Limbs adjust_bin(Limbs z) {
    z[3] &= kTop254;
    if (peregrine::cmp(z, P) >= 0) z = sub_raw(z, P);
    return z;
}

inline Limbs shl_raw(const Limbs& x, unsigned n) {  // (x << n) mod 2^256, n < 256
    Limbs r{0, 0, 0, 0};
    const unsigned w = n / 64, b = n % 64;
    for (int i = 3; i >= (int)w; --i) {
        u64 v = x[i - w] << b;
        if (b && i - (int)w - 1 >= 0) v |= x[i - w - 1] >> (64 - b);
        r[i] = v;
    }
    return r;
}

inline Limbs shr_raw(const Limbs& x, unsigned n) {  // x >> n, n < 256
    Limbs r{0, 0, 0, 0};
    const unsigned w = n / 64, b = n % 64;
    for (unsigned i = 0; i + w < 4; ++i) {
        u64 v = x[i + w] >> b;
        if (b && i + w + 1 < 4) v |= x[i + w + 1] << (64 - b);
        r[i] = v;
    }
    return r;
}

void shift(FrElement* r, const FrElement* a, const FrElement* b, bool left) {
    // Fast path: small non-negative operands.
    if (!is_long(a) && !is_long(b) && a->shortVal >= 0 && b->shortVal >= 0) {
        const std::int32_t k = b->shortVal;
        if (!left) {
            st_short(r, k >= 31 ? 0 : (a->shortVal >> k));
            return;
        }
        if (k <= 31) {
            const std::int64_t v = (std::int64_t)a->shortVal << k;
            if (v <= INT32_MAX) {
                st_short(r, (std::int32_t)v);
                return;
            }
        }
    }
    Limbs k = canon_of(b);
    if (is_negative(k)) {
        k = sub_raw(P, k);
        left = !left;
    }
    if ((k[1] | k[2] | k[3]) != 0 || k[0] >= 254) {
        st_short(r, 0);
        return;
    }
    const unsigned n = (unsigned)k[0];
    const Limbs x = canon_of(a);
    set_canon(r, left ? adjust_bin(shl_raw(x, n)) : shr_raw(x, n));
}

// Quotient and remainder of canonical values, y != 0.
void divmod(const Limbs& x, const Limbs& y, Limbs& q, Limbs& rem) {
    if ((x[1] | x[2] | x[3] | y[1] | y[2] | y[3]) == 0) {
        q = Limbs{x[0] / y[0], 0, 0, 0};
        rem = Limbs{x[0] % y[0], 0, 0, 0};
        return;
    }
    q = Limbs{0, 0, 0, 0};
    rem = Limbs{0, 0, 0, 0};
    for (int i = (int)peregrine::bit_length(x) - 1; i >= 0; --i) {
        rem = shl_raw(rem, 1);  // rem < y < 2^254: no overflow
        rem[0] |= (x[i / 64] >> (i % 64)) & 1;
        if (peregrine::cmp(rem, y) >= 0) {
            rem = sub_raw(rem, y);
            q[i / 64] |= u64(1) << (i % 64);
        }
    }
}

[[noreturn]] void fail(const char* what) { throw peregrine::witness::CircuitError(what); }

}  // namespace

FrRawElement Fr_rawq = {P[0], P[1], P[2], P[3]};
FrRawElement Fr_rawR3 = {R3[0], R3[1], R3[2], R3[3]};
FrElement Fr_q = {0, Fr_LONG, {P[0], P[1], P[2], P[3]}};
FrElement Fr_R3 = {0, Fr_LONGMONTGOMERY, {R3[0], R3[1], R3[2], R3[3]}};

extern "C" {

void Fr_add(PFrElement r, PFrElement a, PFrElement b) {
    const std::uint32_t ta = a->type, tb = b->type;
    if (!((ta | tb) & Fr_LONG)) {
        set_i64(r, (std::int64_t)a->shortVal + b->shortVal);
    } else if ((ta & tb & Fr_LONG) && ((ta ^ tb) & kMont) == 0) {
        st(r, ta, add_mod(ld(a), ld(b)));
    } else if (!((ta | tb) & kMont)) {
        st(r, Fr_LONG, add_mod(canon_of(a), canon_of(b)));
    } else {
        st(r, Fr_LONGMONTGOMERY, add_mod(mont_of(a), mont_of(b)));
    }
}

void Fr_sub(PFrElement r, PFrElement a, PFrElement b) {
    const std::uint32_t ta = a->type, tb = b->type;
    if (!((ta | tb) & Fr_LONG)) {
        set_i64(r, (std::int64_t)a->shortVal - b->shortVal);
    } else if ((ta & tb & Fr_LONG) && ((ta ^ tb) & kMont) == 0) {
        st(r, ta, sub_mod(ld(a), ld(b)));
    } else if (!((ta | tb) & kMont)) {
        st(r, Fr_LONG, sub_mod(canon_of(a), canon_of(b)));
    } else {
        st(r, Fr_LONGMONTGOMERY, sub_mod(mont_of(a), mont_of(b)));
    }
}

void Fr_neg(PFrElement r, PFrElement a) {
    if (!is_long(a)) {
        set_i64(r, -(std::int64_t)a->shortVal);
        return;
    }
    const Limbs x = ld(a);
    st(r, a->type, is_zero(x) ? x : sub_raw(P, x));
}

void Fr_mul(PFrElement r, PFrElement a, PFrElement b) {
    const std::uint32_t ta = a->type, tb = b->type;
    if (!((ta | tb) & Fr_LONG)) {
        set_i64(r, (std::int64_t)a->shortVal * b->shortVal);
        return;
    }
    Limbs z;
    if (ta & tb & kMont) {  // both have a Montgomery form: the product stays in Montgomery form
        mmul(z, ld(a), ld(b));
        st(r, Fr_LONGMONTGOMERY, z);
    } else if (ta & kMont) {  // Montgomery x normal = normal
        mmul(z, ld(a), canon_of(b));
        st(r, Fr_LONG, z);
    } else if (tb & kMont) {
        mmul(z, canon_of(a), ld(b));
        st(r, Fr_LONG, z);
    } else {  // normal x normal: (xy/R) * R^3 / R = xy R
        Limbs t;
        mmul(t, canon_of(a), canon_of(b));
        mmul(z, t, R3);
        st(r, Fr_LONGMONTGOMERY, z);
    }
}

void Fr_square(PFrElement r, PFrElement a) { Fr_mul(r, a, a); }

void Fr_band(PFrElement r, PFrElement a, PFrElement b) {
    if (!is_long(a) && !is_long(b) && a->shortVal >= 0 && b->shortVal >= 0) {
        st_short(r, a->shortVal & b->shortVal);
        return;
    }
    const Limbs x = canon_of(a), y = canon_of(b);
    set_canon(r, adjust_bin(Limbs{x[0] & y[0], x[1] & y[1], x[2] & y[2], x[3] & y[3]}));
}

void Fr_bor(PFrElement r, PFrElement a, PFrElement b) {
    if (!is_long(a) && !is_long(b) && a->shortVal >= 0 && b->shortVal >= 0) {
        st_short(r, a->shortVal | b->shortVal);
        return;
    }
    const Limbs x = canon_of(a), y = canon_of(b);
    set_canon(r, adjust_bin(Limbs{x[0] | y[0], x[1] | y[1], x[2] | y[2], x[3] | y[3]}));
}

void Fr_bxor(PFrElement r, PFrElement a, PFrElement b) {
    if (!is_long(a) && !is_long(b) && a->shortVal >= 0 && b->shortVal >= 0) {
        st_short(r, a->shortVal ^ b->shortVal);
        return;
    }
    const Limbs x = canon_of(a), y = canon_of(b);
    set_canon(r, adjust_bin(Limbs{x[0] ^ y[0], x[1] ^ y[1], x[2] ^ y[2], x[3] ^ y[3]}));
}

void Fr_bnot(PFrElement r, PFrElement a) {
    const Limbs x = canon_of(a);
    set_canon(r, adjust_bin(Limbs{~x[0], ~x[1], ~x[2], ~x[3]}));
}

void Fr_shl(PFrElement r, PFrElement a, PFrElement b) { shift(r, a, b, true); }
void Fr_shr(PFrElement r, PFrElement a, PFrElement b) { shift(r, a, b, false); }

void Fr_eq(PFrElement r, PFrElement a, PFrElement b) { st_short(r, equal(a, b) ? 1 : 0); }
void Fr_neq(PFrElement r, PFrElement a, PFrElement b) { st_short(r, equal(a, b) ? 0 : 1); }
void Fr_lt(PFrElement r, PFrElement a, PFrElement b) { st_short(r, cmp_signed(a, b) < 0); }
void Fr_gt(PFrElement r, PFrElement a, PFrElement b) { st_short(r, cmp_signed(a, b) > 0); }
void Fr_leq(PFrElement r, PFrElement a, PFrElement b) { st_short(r, cmp_signed(a, b) <= 0); }
void Fr_geq(PFrElement r, PFrElement a, PFrElement b) { st_short(r, cmp_signed(a, b) >= 0); }

void Fr_land(PFrElement r, PFrElement a, PFrElement b) { st_short(r, Fr_isTrue(a) && Fr_isTrue(b)); }
void Fr_lor(PFrElement r, PFrElement a, PFrElement b) { st_short(r, Fr_isTrue(a) || Fr_isTrue(b)); }
void Fr_lnot(PFrElement r, PFrElement a) { st_short(r, !Fr_isTrue(a)); }

void Fr_toNormal(PFrElement r, PFrElement a) {
    if (a->type == Fr_LONGMONTGOMERY) {
        Limbs z;
        mmul(z, ld(a), kOne);
        st(r, Fr_LONG, z);
    } else if (a->type == Fr_SHORTMONTGOMERY) {
        st_short(r, a->shortVal);
    } else {
        Fr_copy(r, a);
    }
}

void Fr_toLongNormal(PFrElement r, PFrElement a) { st(r, Fr_LONG, canon_of(a)); }

void Fr_toMontgomery(PFrElement r, PFrElement a) {
    if (has_mont(a)) {
        Fr_copy(r, a);
    } else if (is_long(a)) {
        st(r, Fr_LONGMONTGOMERY, mont_of(a));
    } else {
        const std::int32_t s = a->shortVal;
        st(r, Fr_SHORTMONTGOMERY, mont_of(a));
        r->shortVal = s;
    }
}

int Fr_isTrueLong(PFrElement a) { return !is_zero(ld(a)); }

int Fr_isTrue(PFrElement a) {
    if (!(a->type & Fr_LONG)) return a->shortVal != 0;
    return Fr_isTrueLong(a);
}

int Fr_toInt(PFrElement a) {
    if (!(a->type & Fr_LONG)) return a->shortVal;
    return Fr_toIntLong(a);
}

#ifndef PGW_FR_COPY_INLINE
void Fr_copy(PFrElement r, PFrElement a) { std::memcpy((void*)r, (const void*)a, sizeof(FrElement)); }
#endif

void Fr_copyn(PFrElement r, PFrElement a, int n) {
    if (n > 0) std::memmove((void*)r, (const void*)a, sizeof(FrElement) * (std::size_t)n);
}

int Fr_toIntLong(PFrElement a) {
    const Limbs x = canon_of(a);
    if (is_negative(x)) return (int)(0u - (std::uint32_t)sub_raw(P, x)[0]);
    return (int)(std::uint32_t)x[0];
}

void Fr_rawCopy(FrRawElement r, const FrRawElement a) { std::memmove(r, a, 32); }
void Fr_rawSwap(FrRawElement r, FrRawElement a) {
    FrRawElement t;
    std::memcpy(t, r, 32);
    std::memcpy(r, a, 32);
    std::memcpy(a, t, 32);
}
void Fr_rawAdd(FrRawElement r, const FrRawElement a, const FrRawElement b) { kern::mod_add4(r, a, b, P.data()); }
void Fr_rawSub(FrRawElement r, const FrRawElement a, const FrRawElement b) { kern::mod_sub4(r, a, b, P.data()); }
void Fr_rawNeg(FrRawElement r, const FrRawElement a) {
    static constexpr u64 zero[4] = {0, 0, 0, 0};
    kern::mod_sub4(r, zero, a, P.data());
}
void Fr_rawMMul(FrRawElement r, const FrRawElement a, const FrRawElement b) {
    kern::mont_mul4(r, a, b, P.data(), Fr::INV);
}
void Fr_rawMSquare(FrRawElement r, const FrRawElement a) { kern::mont_mul4(r, a, a, P.data(), Fr::INV); }
void Fr_rawMMul1(FrRawElement r, const FrRawElement a, uint64_t b) {
    const u64 bb[4] = {b, 0, 0, 0};
    kern::mont_mul4(r, a, bb, P.data(), Fr::INV);
}
void Fr_rawToMontgomery(FrRawElement r, const FrRawElement a) { kern::mont_mul4(r, a, R2.data(), P.data(), Fr::INV); }
void Fr_rawFromMontgomery(FrRawElement r, const FrRawElement a) {
    kern::mont_mul4(r, a, kOne.data(), P.data(), Fr::INV);
}
int Fr_rawIsEq(const FrRawElement a, const FrRawElement b) { return std::memcmp(a, b, 32) == 0; }
int Fr_rawIsZero(const FrRawElement a) { return (a[0] | a[1] | a[2] | a[3]) == 0; }

void Fr_fail() { fail("internal error in the circuit's witness code (Fr_fail)"); }

}  // extern "C"

void Fr_str2element(PFrElement pE, char const* s, uint base) {
    if (base < 2 || base > 36) fail("Fr_str2element: unsupported base");
    bool neg = false;
    if (*s == '-') {
        neg = true;
        ++s;
    }
    if (!*s) fail("Fr_str2element: empty number");
    // Chunks of up to 12 digits (36^12 < 2^63), one multiply-add each.
    Fr acc = Fr::zero();
    while (*s) {
        u64 chunk = 0, scale = 1;
        for (int i = 0; i < 12 && *s; ++i, ++s) {
            const char c = *s;
            unsigned d;
            if (c >= '0' && c <= '9') d = unsigned(c - '0');
            else if (c >= 'a' && c <= 'z') d = unsigned(c - 'a' + 10);
            else if (c >= 'A' && c <= 'Z') d = unsigned(c - 'A' + 10);
            else d = 99;
            if (d >= base) fail("Fr_str2element: invalid digit");
            chunk = chunk * base + d;
            scale *= base;
        }
        acc = acc * Fr::from_u64(scale) + Fr::from_u64(chunk);
    }
    if (neg) acc = -acc;
    set_canon(pE, acc.to_canonical());
}

char* Fr_element2str(PFrElement pE) {
    const std::string s = peregrine::to_decimal(canon_of(pE));
    char* r = new char[s.size() + 1];
    std::memcpy(r, s.c_str(), s.size() + 1);
    return r;
}

void Fr_idiv(PFrElement r, PFrElement a, PFrElement b) {
    const Limbs y = canon_of(b);
    if (is_zero(y)) fail("division by zero in an integer division (\\)");
    Limbs q, rem;
    divmod(canon_of(a), y, q, rem);
    set_canon(r, q);
}

void Fr_mod(PFrElement r, PFrElement a, PFrElement b) {
    const Limbs y = canon_of(b);
    if (is_zero(y)) fail("division by zero in a modulo (%)");
    Limbs q, rem;
    divmod(canon_of(a), y, q, rem);
    set_canon(r, rem);
}

// x * 2^-k mod p for x < p, 0 < k < 64: x + m*p with m = -x/p mod 2^k is divisible by 2^k, and
// (x + m*p) / 2^k < 2p.
Limbs div_pow2(const Limbs& x, int k) {
    const u64 mask = (u64(1) << k) - 1;
    const u64 m = (x[0] * Fr::INV) & mask;  // Fr::INV = -1/p mod 2^64
    u64 t[5];
    unsigned __int128 c = 0;
    for (int i = 0; i < 4; ++i) {
        c += (unsigned __int128)m * P[i] + x[i];
        t[i] = (u64)c;
        c >>= 64;
    }
    t[4] = (u64)c;
    Limbs r;
    for (int i = 0; i < 4; ++i) r[i] = (t[i] >> k) | (t[i + 1] << (64 - k));
    if (peregrine::cmp(r, P) >= 0) r = sub_raw(r, P);
    return r;
}

int trailing_zeros(const Limbs& a) {  // a != 0; at most 63 (callers loop)
    return a[0] ? __builtin_ctzll(a[0]) : 63;
}

void shr_in(Limbs& a, int k) {  // 0 < k < 64
    for (int i = 0; i < 3; ++i) a[i] = (a[i] >> k) | (a[i + 1] << (64 - k));
    a[3] >>= k;
}

void shl_in(Limbs& a, int k) {  // 0 < k < 64; no bit leaves limb 3 (values stay below 2^255)
    for (int i = 3; i > 0; --i) a[i] = (a[i] << k) | (a[i - 1] >> (64 - k));
    a[0] <<= k;
}

void add_in(Limbs& a, const Limbs& b) {
    unsigned __int128 c = 0;
    for (int i = 0; i < 4; ++i) {
        c += (unsigned __int128)a[i] + b[i];
        a[i] = (u64)c;
        c >>= 64;
    }
}

// The inverse of a nonzero Montgomery-form element x = aR, in Montgomery form (a^-1 R). Kaliski's
// almost inverse (shifts, additions and subtractions only; variable time, which is fine for a
// witness) gives x^-1 2^k for some k in [254, 508]; a Montgomery product with R^3 and k halvings
// (div_pow2, 63 bits at a time) turn that into a^-1 R. About 5x faster than x^(p-2).
// Invariant of the loop: p = u*s + v*r, so r and s stay at most 2p < 2^255.
Limbs mont_inverse(const Limbs& x) {
    Limbs u = P, v = x, r = {0, 0, 0, 0}, s = kOne;
    int k = 0;
    while (!is_zero(v)) {
        int t;
        if (!(u[0] & 1)) {
            t = trailing_zeros(u);
            shr_in(u, t);
            shl_in(s, t);
        } else if (!(v[0] & 1)) {
            t = trailing_zeros(v);
            shr_in(v, t);
            shl_in(r, t);
        } else if (peregrine::cmp(u, v) > 0) {
            u = sub_raw(u, v);
            t = trailing_zeros(u);
            shr_in(u, t);
            add_in(r, s);
            shl_in(s, t);
        } else {
            v = sub_raw(v, u);
            t = is_zero(v) ? 1 : trailing_zeros(v);
            if (!is_zero(v)) shr_in(v, t);
            add_in(s, r);
            shl_in(r, t);
        }
        k += t;
    }
    while (peregrine::cmp(r, P) >= 0) r = sub_raw(r, P);
    r = sub_raw(P, r);  // x^-1 2^k mod p
    mmul(r, r, R3);     // a^-1 R 2^k
    for (; k > 0; k -= 63) r = div_pow2(r, k < 63 ? k : 63);
    return r;
}

void Fr_inv(PFrElement r, PFrElement a) {
    const Limbs x = mont_of(a);
    if (is_zero(x)) fail("inverse of zero");
    st(r, Fr_LONGMONTGOMERY, mont_inverse(x));
}

void Fr_div(PFrElement r, PFrElement a, PFrElement b) {
    const Limbs y = mont_of(b);
    if (is_zero(y)) fail("division by zero (/)");
    FrElement inv;
    st(&inv, Fr_LONGMONTGOMERY, mont_inverse(y));
    Fr_mul(r, a, &inv);
}

void Fr_pow(PFrElement r, PFrElement a, PFrElement b) {
    const Limbs e = canon_of(b);
    st(r, Fr_LONGMONTGOMERY, Fr::from_mont(mont_of(a)).pow(e).v);
}

namespace peregrine::witness {

void fr_from_canonical(FrElement* r, const std::uint64_t limbs[4]) {
    set_canon(r, Limbs{limbs[0], limbs[1], limbs[2], limbs[3]});
}

void fr_to_canonical(std::uint64_t out[4], const FrElement* a) {
    const Limbs c = canon_of(a);
    for (int i = 0; i < 4; ++i) out[i] = c[i];
}

}  // namespace peregrine::witness
