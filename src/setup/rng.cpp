// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/rng.hpp"

#include "setup/sha256.hpp"

namespace peregrine::setup {

namespace {

inline std::uint32_t rotl(std::uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

inline void quarter(std::uint32_t* s, int a, int b, int c, int d) {
    s[a] += s[b];
    s[d] = rotl(s[d] ^ s[a], 16);
    s[c] += s[d];
    s[b] = rotl(s[b] ^ s[c], 12);
    s[a] += s[b];
    s[d] = rotl(s[d] ^ s[a], 8);
    s[c] += s[d];
    s[b] = rotl(s[b] ^ s[c], 7);
}

// (m - sub) >> shift for a small sub.
Limbs exp_of(const Limbs& m, u64 sub, unsigned shift) {
    Limbs e = m;
    u64 br = sub;
    for (int i = 0; i < 4 && br; ++i) {
        const u64 old = e[i];
        e[i] = old - br;
        br = old < br ? 1 : 0;
    }
    for (unsigned s = 0; s < shift; ++s) {
        for (int i = 0; i < 4; ++i) e[i] = (e[i] >> 1) | (i < 3 ? e[i + 1] << 63 : 0);
    }
    return e;
}
Limbs add_small(Limbs m, u64 a) {
    for (int i = 0; i < 4 && a; ++i) {
        m[i] += a;
        a = m[i] < a ? 1 : 0;
    }
    return m;
}

template <class F>
F field_from_rng(ChaCha& rng) {
    static const Limbs mask = [] {
        Limbs m{};
        const unsigned bits = bit_length(F::MOD);
        for (unsigned i = 0; i < bits; ++i) m[i / 64] |= u64(1) << (i % 64);
        return m;
    }();
    for (;;) {
        Limbs v;
        for (int i = 0; i < 4; ++i) v[i] = rng.next_u64() & mask[i];
        if (cmp(v, F::MOD) < 0) return F::from_mont(v);
    }
}

bool is_negative_canonical(const Fq& a) {
    static const Limbs half = exp_of(Fq::MOD, 1, 1);  // (q-1)/2
    return cmp(a.to_canonical(), half) > 0;
}

}  // namespace

ChaCha::ChaCha(const std::array<std::uint32_t, 8>& seed) {
    state_ = {0x61707865, 0x3320646E, 0x79622D32, 0x6B206574, seed[0], seed[1], seed[2], seed[3],
              seed[4],    seed[5],    seed[6],    seed[7],    0,       0,       0,       0};
}

ChaCha ChaCha::from_bytes_be(const std::uint8_t* b) {
    std::array<std::uint32_t, 8> seed{};
    for (int i = 0; i < 8; ++i)
        seed[i] = (std::uint32_t(b[4 * i]) << 24) | (std::uint32_t(b[4 * i + 1]) << 16) |
                  (std::uint32_t(b[4 * i + 2]) << 8) | b[4 * i + 3];
    return ChaCha(seed);
}

void ChaCha::refill() {
    out_ = state_;
    for (int i = 0; i < 10; ++i) {
        quarter(out_.data(), 0, 4, 8, 12);
        quarter(out_.data(), 1, 5, 9, 13);
        quarter(out_.data(), 2, 6, 10, 14);
        quarter(out_.data(), 3, 7, 11, 15);
        quarter(out_.data(), 0, 5, 10, 15);
        quarter(out_.data(), 1, 6, 11, 12);
        quarter(out_.data(), 2, 7, 8, 13);
        quarter(out_.data(), 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; ++i) out_[i] += state_[i];
    idx_ = 0;
    for (int i = 12; i < 16; ++i)  // 128-bit counter in words 12..15
        if (++state_[i] != 0) break;
}

std::uint32_t ChaCha::next_u32() {
    if (idx_ == 16) refill();
    return out_[idx_++];
}

std::uint64_t ChaCha::next_u64() {
    const std::uint64_t hi = next_u32();
    return (hi << 32) | next_u32();
}

Fq fq_from_rng(ChaCha& rng) { return field_from_rng<Fq>(rng); }
Fr fr_from_rng(ChaCha& rng) { return field_from_rng<Fr>(rng); }
Fq2 fq2_from_rng(ChaCha& rng) {
    Fq2 r;
    r.c0 = fq_from_rng(rng);
    r.c1 = fq_from_rng(rng);
    return r;
}

bool fq_is_square(const Fq& a) {
    if (a.is_zero()) return true;
    static const Limbs e = exp_of(Fq::MOD, 1, 1);
    return a.pow(e) == Fq::one();
}

Fq fq_sqrt(const Fq& a) {
    static const Limbs e = exp_of(add_small(Fq::MOD, 1), 0, 2);  // (q+1)/4
    return a.pow(e);
}

bool fq2_is_square(const Fq2& a) { return fq_is_square(a.c0.square() + a.c1.square()); }

// q = 3 mod 4: Adj and Rodriguez-Henriquez, "Square root computation over even extension fields",
// algorithm 9.
Fq2 fq2_sqrt(const Fq2& a) {
    if (a.is_zero()) return a;
    static const Limbs e1 = exp_of(Fq::MOD, 3, 2);  // (q-3)/4
    static const Limbs e2 = exp_of(Fq::MOD, 1, 1);  // (q-1)/2
    const Fq2 a1 = a.pow(e1);
    const Fq2 x0 = a1 * a;
    const Fq2 alpha = a1 * x0;
    const Fq2 minus_one = -Fq2::one();
    if (alpha == minus_one) return Fq2{-x0.c1, x0.c0};  // u * x0
    const Fq2 b = (alpha + Fq2::one()).pow(e2);
    return b * x0;
}


G1Affine g1_from_rng(ChaCha& rng) {
    for (;;) {
        const Fq x = fq_from_rng(rng);
        const bool greatest = rng.next_bool();
        const Fq rhs = x.square() * x + G1Cfg::b();
        if (!fq_is_square(rhs)) continue;
        Fq y = fq_sqrt(rhs);
        if (greatest != is_negative_canonical(y)) y = -y;
        return G1Affine{x, y};
    }
}

G2Affine g2_from_rng(ChaCha& rng) {
    static const Limbs cofactor = {0x345f2299c0f9fa8dull, 0x06ceecda572a2489ull, 0xb85045b68181585eull,
                                   0x30644e72e131a029ull};
    for (;;) {
        const Fq2 x = fq2_from_rng(rng);
        const bool greatest = rng.next_bool();
        const Fq2 rhs = x.square() * x + G2Cfg::b();
        if (!fq2_is_square(rhs)) continue;
        Fq2 y = fq2_sqrt(rhs);
        const bool neg = y.c1.is_zero() ? is_negative_canonical(y.c0) : is_negative_canonical(y.c1);
        if (greatest != neg) y = -y;
        return G2::from_affine(G2Affine{x, y}).mul(cofactor).to_affine();
    }
}

ChaCha rng_from_beacon(const std::uint8_t* beacon, std::size_t len, unsigned exp) {
    std::array<std::uint8_t, 32> cur = Sha256::hash(beacon, len);
    const std::uint64_t n = exp >= 64 ? 0 : (std::uint64_t(1) << exp);
    for (std::uint64_t i = 1; i < n; ++i) cur = Sha256::hash(cur.data(), cur.size());
    return ChaCha::from_bytes_be(cur.data());
}

}  // namespace peregrine::setup
