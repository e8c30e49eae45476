// SPDX-License-Identifier: MIT OR Apache-2.0
#include "curve/glv.hpp"

#include <array>
#include <bit>
#include <cstring>

namespace peregrine {

namespace {

using u128 = unsigned __int128;

// The short lattice basis (a1, b1), (a2, b2) of {(x, y) : x + y*lambda = 0 mod r}, with b1 < 0,
// and g1 = round(2^256 b2 / r), g2 = round(-2^256 b1 / r).
constexpr Limbs kGlvA1 = {0x89d3256894d213e3ull, 0, 0, 0};
constexpr Limbs kGlvB1Neg = {0x8211bbeb7d4f1128ull, 0x6f4d8248eeb859fcull, 0, 0};
constexpr Limbs kGlvA2 = {0x0be4e1541221250bull, 0x6f4d8248eeb859fdull, 0, 0};
constexpr Limbs kGlvB2 = {0x89d3256894d213e3ull, 0, 0, 0};
constexpr Limbs kGlvG1 = {0xd91d232ec7e0b3d7ull, 0x2ull, 0, 0};
constexpr Limbs kGlvG2 = {0x7a7bd9d4391eb18eull, 0x4ccef014a773d2cfull, 0x2ull, 0};
// beta (canonical) with phi(P) = lambda*P on the order-r subgroup: the two cube roots of unity
// in Fq, one for G1 and the other (its square) for G2.
constexpr Limbs kGlvBetaG1 = {0x5763473177fffffeull, 0xd4f263f1acdb5c4full, 0x59e26bcea0d48bacull, 0};
constexpr Limbs kGlvBetaG2 = {0xe4bd44e5607cfd48ull, 0xc28f069fbb966e3dull, 0x5e6dd9e7e0acccb0ull,
                              0x30644e72e131a029ull};

// floor(k * g / 2^256) for g of `gl` limbs (the result has at most gl limbs).
template <int gl>
Limbs mul_high(const Limbs& k, const Limbs& g) {
    u64 t[4 + gl] = {};
    for (int i = 0; i < 4; ++i) {
        u64 carry = 0;
        for (int j = 0; j < gl; ++j) {
            const u128 x = (u128)k[i] * g[j] + t[i + j] + carry;
            t[i + j] = (u64)x;
            carry = (u64)(x >> 64);
        }
        t[i + gl] = carry;
    }
    Limbs r{};
    for (int j = 0; j < gl; ++j) r[j] = t[4 + j];
    return r;
}

u128 low128(const Limbs& a) { return ((u128)a[1] << 64) | a[0]; }

// A two's complement value mod 2^128 of magnitude below 2^127, as sign and magnitude.
bool to_magnitude(u128 x, Limbs& out) {
    const bool neg = (x >> 127) != 0;
    if (neg) x = (u128)0 - x;
    out = {(u64)x, (u64)(x >> 64), 0, 0};
    return neg;
}
}  // namespace

GlvSplit glv_split(const Limbs& k) {
    // c1 = round(k b2 / r) < 2^65 and c2 = round(k |b1| / r) < 2^128 (as floors of products with
    // precomputed reciprocals). k1 = k - c1 a1 - c2 a2 and k2 = c1 |b1| - c2 b2 are below 2^127 in
    // magnitude, so they are computed mod 2^128 only.
    const u128 c1 = low128(mul_high<2>(k, kGlvG1)), c2 = low128(mul_high<3>(k, kGlvG2));
    const u128 k1 = low128(k) - c1 * low128(kGlvA1) - c2 * low128(kGlvA2);
    const u128 k2 = c1 * low128(kGlvB1Neg) - c2 * low128(kGlvB2);
    GlvSplit s;
    s.neg1 = to_magnitude(k1, s.k1);
    s.neg2 = to_magnitude(k2, s.k2);
    return s;
}

namespace {

// The four-dimensional split on G2 (GLS: phi and the twisted Frobenius psi together, with
// eigenvalues lambda and mu = p mod r = 6 x^2, x the BN parameter). A reduced basis of the lattice
// {(a0, a1, a2, a3) : a0 + a1 lambda + a2 mu + a3 lambda mu = 0 mod r}, entries below 2^64 in
// magnitude (x and 2x, up to one), rows kGls[i]; and floor(2^256 |q_i|) with the signs of q_i,
// where (q_0, .., q_3) is the first row of the basis' inverse: c_i = round(k q_i) then leaves
// k - sum c_i row_i of magnitude below 2^66.
constexpr __int128 kX = 4965661367192848881;  // the BN parameter x
constexpr __int128 kGls[4][4] = {{-(2 * kX + 1), 2 * kX, 0, 1},
                                 {2 * kX, kX, kX + 1, -kX},
                                 {kX + 1, -kX, kX, 2 * kX},
                                 {2 * kX + 1, kX + 1, -kX, kX}};
constexpr Limbs kGlsG[4] = {{0x2dff291532e42728ull, 0x55b4ca7ba3e5577full, 0x9e80318ab0d92b95ull, 0},
                            {0x46f4bda995d51bb1ull, 0x08e5da66fc7184aeull, 0x9e80318ab0d92b93ull, 0},
                            {0xd91d232ec7e0b3d7ull, 0x2ull, 0, 0},
                            {0xc170977dcef3cd3full, 0x55b4ca7ba3e5577dull, 0x9e80318ab0d92b95ull, 0}};
constexpr bool kGlsGNeg[4] = {true, false, false, false};

}  // namespace

Gls4Split gls4_split(const Limbs& k) {
    u128 c[4];
    for (int i = 0; i < 4; ++i) {
        const u128 v = low128(mul_high<3>(k, kGlsG[i]));
        c[i] = kGlsGNeg[i] ? (u128)0 - v : v;
    }
    Gls4Split s;
    for (int j = 0; j < 4; ++j) {
        u128 v = j == 0 ? low128(k) : 0;  // everything mod 2^128: the results are below 2^66
        for (int i = 0; i < 4; ++i) v -= c[i] * (u128)kGls[i][j];
        s.neg[j] = to_magnitude(v, s.k[j]);
    }
    return s;
}

const Limbs& gls_mu() {
    static constexpr Limbs kMu = {0xf83e9682e87cfd46ull, 0x6f4d8248eeb859fbull, 0, 0};  // 6 x^2
    return kMu;
}

const std::array<Fq2, 2>& gls_psi_consts() {
    // xi^((p-1)/3) and xi^((p-1)/2), xi = 9 + u.
    static const std::array<Fq2, 2> c = [] {
        Limbs pm1 = Fq::MOD;
        pm1[0] -= 1;  // p is odd
        const Fq2 xi{Fq::from_u64(9), Fq::one()};
        return std::array<Fq2, 2>{xi.pow(div_small(pm1, 3)), xi.pow(div_small(pm1, 2))};
    }();
    return c;
}

const Limbs& glv_beta_g1() { return kGlvBetaG1; }
const Limbs& glv_beta_g2() { return kGlvBetaG2; }

const Limbs& glv_lambda() {
    static constexpr Limbs kLambda = {0x8b17ea66b99c90ddull, 0x5bfc41088d8daaa7ull, 0xb3c4d79d41a91758ull, 0};
    return kLambda;
}

std::size_t wnaf_sparse(const Limbs& k, unsigned w, std::uint8_t* pos, std::int8_t* dig) {
    // The digit loop, skipping each run of zero digits at once (after a non-zero digit the next
    // w - 1 are zero): about 127 / (w + 1) rounds for a 127-bit number instead of 128.
    unsigned __int128 v = (static_cast<unsigned __int128>(k[1]) << 64) | k[0];
    const int full = 1 << w, half = full >> 1;
    std::size_t n = 0, at = 0;
    while (v != 0) {
        const auto lo = static_cast<std::uint64_t>(v);
        const unsigned z = lo ? unsigned(std::countr_zero(lo)) : 64 + unsigned(std::countr_zero(std::uint64_t(v >> 64)));
        at += z;
        v >>= z;
        int d = int(v & unsigned(full - 1));
        if (d >= half) d -= full;
        if (d > 0) v -= unsigned(d);
        else v += unsigned(-d);
        pos[n] = std::uint8_t(at);
        dig[n++] = std::int8_t(d);
        ++at;
        v >>= 1;
    }
    return n;
}

std::size_t wnaf(const Limbs& k, unsigned w, std::int8_t* out) {
    std::uint8_t pos[130];
    std::int8_t dig[130];
    const std::size_t nz = wnaf_sparse(k, w, pos, dig);
    const std::size_t n = nz == 0 ? 0 : std::size_t(pos[nz - 1]) + 1;
    std::memset(out, 0, n);
    for (std::size_t i = 0; i < nz; ++i) out[pos[i]] = dig[i];
    return n;
}

}  // namespace peregrine
