// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/ptau_prepare_endo.hpp"

#include "curve/glv.hpp"

namespace peregrine::setup {

namespace {

using u128 = unsigned __int128;
using i128 = __int128;

const Limbs& kBetaG1 = glv_beta_g1();  // the MSM's cube root of unity

// psi's constants xi^((p-1)/3) and xi^((p-1)/2), xi = 9 + u, canonical (c0, c1).
constexpr Limbs kPsiX0 = {0x99e39557176f553dull, 0xb78cc310c2c3330cull, 0x4c0bec3cf559b143ull, 0x2fb347984f7911f7ull};
constexpr Limbs kPsiX1 = {0x1665d51c640fcba2ull, 0x32ae2a1d0b7c9dceull, 0x4ba4cc8bd75a0794ull, 0x16c9e55061ebae20ull};
constexpr Limbs kPsiY0 = {0xdc54014671a0135aull, 0xdbaae0eda9c95998ull, 0xdc5ec698b6e2f9b9ull, 0x063cf305489af5dcull};
constexpr Limbs kPsiY1 = {0x82d37f632623b0e3ull, 0x21807dc98fa25bd2ull, 0x0704b5a7ec796f2bull, 0x07c03cbcac41049aull};
constexpr Limbs kPsiEigen = {0xf83e9682e87cfd46ull, 0x6f4d8248eeb859fbull, 0, 0};

// A reduced basis b_j of the lattice {v : v0 + v1 m + v2 m^2 + v3 m^3 = 0 mod r} (LLL; its entries
// are small multiples of the BN parameter x = 4965661367192848881), and g_j = round(2^256 a_j / det)
// for the first row a of the adjugate (all positive): c_j = round(k g_j / 2^256) are the Babai
// rounding coefficients of (k, 0, 0, 0), and v = (k, 0, 0, 0) - sum_j c_j b_j.
constexpr std::int64_t kX = 4965661367192848881;
constexpr i128 kBasis[4][4] = {
    {2 * i128(kX) + 1, 0, 2 * i128(kX), 1},
    {2 * i128(kX), kX + 1, -i128(kX), kX},
    {kX + 1, kX, kX, -2 * i128(kX)},
    {2 * i128(kX) + 1, -i128(kX), -i128(kX) - 1, -i128(kX)},
};
constexpr std::uint64_t kRound[4][3] = {
    {0x2dff291532e42728ull, 0x55b4ca7ba3e5577full, 0x9e80318ab0d92b95ull},
    {0x46f4bda995d51bb1ull, 0x08e5da66fc7184aeull, 0x9e80318ab0d92b93ull},
    {0xd91d232ec7e0b3d7ull, 0x0000000000000002ull, 0},
    {0xc170977dcef3cd3full, 0x55b4ca7ba3e5577dull, 0x9e80318ab0d92b95ull},
};

// round(k g / 2^256) mod 2^128, for k < 2^256 and g < 2^192.
u128 round_coeff(const Limbs& k, const std::uint64_t g[3]) {
    std::uint64_t prod[8] = {};
    for (int i = 0; i < 4; ++i) {
        std::uint64_t carry = 0;
        for (int j = 0; j < 3; ++j) {
            const u128 t = u128(k[i]) * g[j] + prod[i + j] + carry;
            prod[i + j] = std::uint64_t(t);
            carry = std::uint64_t(t >> 64);
        }
        prod[i + 3] = carry;
    }
    // + 2^255, then bits 256..383.
    u128 t = u128(prod[3]) + (std::uint64_t(1) << 63);
    std::uint64_t c = std::uint64_t(t >> 64);
    t = u128(prod[4]) + c;
    const std::uint64_t lo = std::uint64_t(t);
    c = std::uint64_t(t >> 64);
    const std::uint64_t hi = prod[5] + c;
    return u128(hi) << 64 | lo;
}

u128 to128(const Limbs& l) { return u128(l[1]) << 64 | l[0]; }

Fq2 fq2_const(const Limbs& c0, const Limbs& c1) { return {Fq::from_canonical(c0), Fq::from_canonical(c1)}; }

}  // namespace

EndoSplit<2> g1_endo_split(const Limbs& k) {
    const GlvSplit s = glv_split(k);
    return {{to128(s.k1), to128(s.k2)}, {s.neg1, s.neg2}};
}

EndoSplit<4> g2_endo_split(const Limbs& k) {
    u128 c[4];
    for (int j = 0; j < 4; ++j) c[j] = round_coeff(k, kRound[j]);
    EndoSplit<4> s;
    for (int i = 0; i < 4; ++i) {
        u128 v = i == 0 ? to128(k) : 0;  // arithmetic mod 2^128: the true values are below 2^65
        for (int j = 0; j < 4; ++j) v -= c[j] * u128(kBasis[j][i]);
        s.neg[i] = i128(v) < 0;
        s.mag[i] = s.neg[i] ? u128(0) - v : v;
    }
    return s;
}

G1Affine g1_endo(const G1Affine& a) {
    static const Fq beta = Fq::from_canonical(kBetaG1);
    if (a.is_infinity()) return a;
    return {a.x * beta, a.y};
}

const Fq2* g2_psi_constants() {
    static const Fq2 c[2] = {fq2_const(kPsiX0, kPsiX1), fq2_const(kPsiY0, kPsiY1)};
    return c;
}

G2Affine g2_psi(const G2Affine& a) {
    if (a.is_infinity()) return a;
    const Fq2* c = g2_psi_constants();
    return {a.x.conjugate() * c[0], a.y.conjugate() * c[1]};
}

const Limbs& g2_psi_eigenvalue() { return kPsiEigen; }

}  // namespace peregrine::setup
