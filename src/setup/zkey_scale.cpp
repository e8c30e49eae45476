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
constexpr std::size_t kBlock = 256;  // points per lockstep block
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

struct Lanes {
    explicit Lanes(std::size_t m)
        : m(m), ax(m), ay(m), den(m), scr(m), bx(m), tx(kTable * m), ty(kTable * m), bad(m, 0) {}
    std::size_t m;
    std::vector<Fq> ax, ay, den, scr, bx, tx, ty;
    std::vector<unsigned char> bad;

    // (X, Y) = 2 (X, Y)
    void dbl(Fq* X, Fq* Y) {
        for (std::size_t i = 0; i < m; ++i) den[i] = Y[i].dbl();
        batch_inverse(den.data(), m, scr.data());
        for (std::size_t i = 0; i < m; ++i) {
            if (den[i].is_zero()) bad[i] = 1;
            const Fq xx = X[i].square();
            const Fq l = (xx.dbl() + xx) * den[i];
            const Fq x3 = l.square() - X[i].dbl();
            Y[i] = l * (X[i] - x3) - Y[i];
            X[i] = x3;
        }
    }

    // (X, Y) += (+-)(phi?)(BX, BY)
    void add(Fq* X, Fq* Y, const Fq* BX, const Fq* BY, bool phi, bool neg, const Fq& beta) {
        for (std::size_t i = 0; i < m; ++i) {
            bx[i] = phi ? BX[i] * beta : BX[i];
            den[i] = bx[i] - X[i];
        }
        batch_inverse(den.data(), m, scr.data());
        for (std::size_t i = 0; i < m; ++i) {
            if (den[i].is_zero()) bad[i] = 1;
            const Fq by = neg ? -BY[i] : BY[i];
            const Fq l = (by - Y[i]) * den[i];
            const Fq x3 = l.square() - X[i] - bx[i];
            Y[i] = l * (X[i] - x3) - Y[i];
            X[i] = x3;
        }
    }
};

void scale_block(const std::uint8_t* in, std::uint8_t* out, std::size_t m, const Limbs& kc, const GlvSplit& s,
                 const std::vector<int>& d1, const std::vector<int>& d2, const Fq& beta) {
    Lanes L(m);
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
        L.add(X, Y, L.ax.data(), L.ay.data(), false, false, beta);
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
                L.add(L.ax.data(), L.ay.data(), TX, TY, phi, neg, beta);
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
