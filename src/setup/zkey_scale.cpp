// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/zkey_scale.hpp"

#include <algorithm>
#include <vector>

#include "curve/bn254.hpp"
#include "msm/msm.hpp"
#include "setup/keys.hpp"

namespace peregrine::setup {

namespace {

// beta with phi(x, y) = (beta x, y) = lambda (x, y) on G1, lambda = glv_lambda() (canonical).
constexpr Limbs kBetaG1 = {0x5763473177fffffeull, 0xd4f263f1acdb5c4full, 0x59e26bcea0d48bacull, 0};
constexpr std::size_t kBlock = 4096;  // points per lockstep block
constexpr unsigned kTable = 8;       // odd multiples 1, 3, ..., 15 (width-5 NAF)

using u128 = unsigned __int128;

// Width-5 NAF of k < 2^128, least significant digit first; digits odd in [-15, 15] or zero.
std::vector<int> wnaf5(const Limbs& k) {
    u128 v = (u128(k[1]) << 64) | k[0];
    std::vector<int> d;
    while (v != 0) {
        int x = 0;
        if (v & 1) {
            x = int(v & 31);
            if (x >= 16) x -= 32;
            if (x > 0) v -= u128(x);
            else v += u128(-x);
        }
        d.push_back(x);
        v >>= 1;
    }
    return d;
}

// The lanes of a block in structure-of-arrays form; every step runs as passes over whole arrays
// (mul_n: eight products at a time with AVX-512 IFMA where the CPU has it).
struct Lanes {
    Lanes(std::size_t m, const Fq& beta)
        : m(m), ax(m), ay(m), den(m), scr(m), bx(m), l(m), t(m), betas(m, beta),
          three_halves(m, Fq::from_u64(3) * Fq::from_u64(2).inverse()), tx(kTable * m), ty(kTable * m), bad(m, 0) {}
    std::size_t m;
    std::vector<Fq> ax, ay, den, scr, bx, l, t, betas, three_halves, tx, ty;
    std::vector<unsigned char> bad;

    void mark_bad() {
        for (std::size_t i = 0; i < m; ++i) bad[i] |= den[i].is_zero();
    }

    // (X, Y) = 2 (X, Y): l = 3x^2 / 2y = (3/2) x^2 / y, x3 = l^2 - 2x, y3 = l (x - x3) - y.
    // No zero check: y = 0 has no point of odd order, and lanes that left the curve (infinity,
    // an exceptional addition) are already marked bad.
    void dbl(Fq* X, Fq* Y) {
        std::copy(Y, Y + m, den.begin());
        batch_inverse(den.data(), m, scr.data());
        mul_n(t.data(), X, X, m);
        mul_n(t.data(), t.data(), three_halves.data(), m);
        mul_n(l.data(), t.data(), den.data(), m);
        mul_n(t.data(), l.data(), l.data(), m);
        for (std::size_t i = 0; i < m; ++i) {
            const Fq x3 = t[i] - X[i].dbl();
            t[i] = X[i] - x3;
            X[i] = x3;
        }
        mul_n(t.data(), l.data(), t.data(), m);
        for (std::size_t i = 0; i < m; ++i) Y[i] = t[i] - Y[i];
    }

    // (X, Y) += (+-)(phi?)(BX, BY): l = (by - y) / (bx - x), x3 = l^2 - x - bx, y3 = l (x - x3) - y.
    void add(Fq* X, Fq* Y, const Fq* BX, const Fq* BY, bool phi, bool neg) {
        if (phi) mul_n(bx.data(), BX, betas.data(), m);
        const Fq* bxs = phi ? bx.data() : BX;
        for (std::size_t i = 0; i < m; ++i) den[i] = bxs[i] - X[i];
        batch_inverse(den.data(), m, scr.data());
        mark_bad();
        if (neg) for (std::size_t i = 0; i < m; ++i) t[i] = -BY[i] - Y[i];
        else for (std::size_t i = 0; i < m; ++i) t[i] = BY[i] - Y[i];
        mul_n(l.data(), t.data(), den.data(), m);
        mul_n(t.data(), l.data(), l.data(), m);
        for (std::size_t i = 0; i < m; ++i) {
            const Fq x3 = t[i] - X[i] - bxs[i];
            t[i] = X[i] - x3;
            X[i] = x3;
        }
        mul_n(t.data(), l.data(), t.data(), m);
        for (std::size_t i = 0; i < m; ++i) Y[i] = t[i] - Y[i];
    }
};

void scale_block(const std::uint8_t* in, std::uint8_t* out, std::size_t m, const Limbs& kc, const GlvSplit& s,
                 const std::vector<int>& d1, const std::vector<int>& d2, const Fq& beta) {
    Lanes L(m, beta);
    std::vector<G1Affine> orig(m);
    for (std::size_t i = 0; i < m; ++i) {
        orig[i] = g1_from_lem(in + 64 * i);
        if (orig[i].is_infinity()) L.bad[i] = 1;
        L.tx[i] = orig[i].x;
        L.ty[i] = s.neg1 ? -orig[i].y : orig[i].y;  // T0 = P1 = (-1)^neg1 P
    }
    // D = 2 T0 in (ax, ay); T[j] = T[j-1] + D.
    std::copy(L.tx.begin(), L.tx.begin() + m, L.ax.begin());
    std::copy(L.ty.begin(), L.ty.begin() + m, L.ay.begin());
    L.dbl(L.ax.data(), L.ay.data());
    for (unsigned j = 1; j < kTable; ++j) {
        Fq* X = L.tx.data() + j * m;
        Fq* Y = L.ty.data() + j * m;
        std::copy(X - m, X, X);
        std::copy(Y - m, Y, Y);
        L.add(X, Y, L.ax.data(), L.ay.data(), false, false);
    }
    // k P = k1 P1 + k2 (-1)^(neg1 ^ neg2) phi(P1).
    const bool flip2 = s.neg1 != s.neg2;
    bool started = false;
    const std::size_t len = std::max(d1.size(), d2.size());
    for (std::size_t t = len; t-- > 0;) {
        if (started) L.dbl(L.ax.data(), L.ay.data());
        for (int which = 0; which < 2; ++which) {
            const std::vector<int>& d = which == 0 ? d1 : d2;
            const int v = t < d.size() ? d[t] : 0;
            if (v == 0) continue;
            const unsigned j = unsigned(v < 0 ? -v : v) >> 1;
            const bool phi = which == 1;
            const bool neg = (v < 0) != (phi && flip2);
            const Fq* TX = L.tx.data() + j * m;
            const Fq* TY = L.ty.data() + j * m;
            if (!started) {
                for (std::size_t i = 0; i < m; ++i) {
                    L.ax[i] = phi ? TX[i] * beta : TX[i];
                    L.ay[i] = neg ? -TY[i] : TY[i];
                }
                started = true;
            } else {
                L.add(L.ax.data(), L.ay.data(), TX, TY, phi, neg);
            }
        }
    }
    for (std::size_t i = 0; i < m; ++i) {
        G1Affine r;
        if (!started) {
            r = G1Affine{Fq::zero(), Fq::zero()};
        } else if (L.bad[i]) {
            // Infinity, or an exceptional addition (the accumulator met a table entry): the
            // generic formulas handle every case.
            r = G1::from_affine(orig[i]).mul(kc).to_affine();
        } else {
            r = G1Affine{L.ax[i], L.ay[i]};
        }
        g1_to_lem(r, out + 64 * i);
    }
}

}  // namespace

void g1_scale_fixed(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& k, ThreadPool& pool) {
    if (n == 0) return;
    const Limbs kc = k.to_canonical();
    const GlvSplit s = glv_split(kc);
    const std::vector<int> d1 = wnaf5(s.k1), d2 = wnaf5(s.k2);
    const Fq beta = Fq::from_canonical(kBetaG1);
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    pool.run(blocks, [&](std::size_t b) {
        const std::size_t lo = b * kBlock, m = std::min(kBlock, n - lo);
        scale_block(in + 64 * lo, out + 64 * lo, m, kc, s, d1, d2, beta);
    });
}

}  // namespace peregrine::setup
