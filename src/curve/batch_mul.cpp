// SPDX-License-Identifier: MIT OR Apache-2.0
#include "curve/batch_mul.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "curve/affine_batch.hpp"
#include "curve/affine_lanes.hpp"
#include "curve/bn254.hpp"
#include "curve/glv.hpp"
#include "field/ifma_lanes.hpp"

namespace peregrine {

namespace {

constexpr unsigned kTab = 8;      // odd multiples 1, 3, ..., 15 (width-5 NAF digits)
constexpr std::size_t kLen = 130;  // NAF digits of a number below 2^128: at most 129
constexpr std::size_t kMinBlock = 256;

// Points per block: large enough to amortise each step's inversion (only about a sixth of the
// lanes add at a step when every point has its own scalar), small enough to stay in cache.
template <class J>
constexpr std::size_t max_block() {
    return sizeof(typename J::Field) == 32 ? 4096 : 2048;
}

// Marks bad[lane[q]] (bad[q] without `lane`) where special[q]: an exceptional addition.
void mark_bad(const std::uint8_t* special, std::size_t n, unsigned char* bad, const std::uint32_t* lane) {
    for (std::size_t q = 0; q < n; ++q)
        if (special[q]) bad[lane ? lane[q] : q] = 1;
}

template <class F>
void negate(F* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) y[i] = -y[i];
}

// out_i = k_i in_i for one block of m points; ks holds m canonical scalars, or one if `uniform`.
template <class J>
void mul_block(const std::uint8_t* in, std::uint8_t* out, std::size_t m, const Limbs* ks, bool uniform) {
    using F = typename J::Field;
    using Aff = typename J::Aff;
    constexpr std::size_t SZ = sizeof(Aff);
    const std::size_t nk = uniform ? 1 : m;

    // Digits, step-major: dig[(t * nk + i) * 2 + c] is digit t of half c of scalar i.
    std::vector<std::int8_t> dig(kLen * nk * 2, 0);
    std::vector<unsigned char> neg1(nk), flip2(nk);
    std::size_t top = 0;
    {
        std::int8_t d[2][kLen];
        for (std::size_t i = 0; i < nk; ++i) {
            const GlvSplit sp = glv_split(ks[i]);
            neg1[i] = sp.neg1;
            flip2[i] = sp.neg1 != sp.neg2;  // phi's entries: (beta x, (-1)^flip2 y) of P1's table
            const std::size_t n1 = wnaf5(sp.k1, d[0]), n2 = wnaf5(sp.k2, d[1]);
            for (std::size_t t = 0; t < n1; ++t) dig[(t * nk + i) * 2] = d[0][t];
            for (std::size_t t = 0; t < n2; ++t) dig[(t * nk + i) * 2 + 1] = d[1][t];
            top = std::max({top, n1, n2});
        }
    }

    std::vector<Aff> orig(m);
    std::memcpy(static_cast<void*>(orig.data()), in, m * SZ);
    // Table of P1 = (-1)^neg1 P: row j holds (2j + 1) P1; px holds the x of phi's table.
    std::vector<F> tx(kTab * m), ty(kTab * m), px(kTab * m), ax(m), ay(m);
    std::vector<unsigned char> bad(m, 0), started(m, 0);
    std::vector<std::uint8_t> special(m);
    AffineScratch<F> s;
    for (std::size_t i = 0; i < m; ++i) {
        bad[i] = orig[i].is_infinity();
        tx[i] = orig[i].x;
        ty[i] = neg1[uniform ? 0 : i] ? -orig[i].y : orig[i].y;
    }
    std::copy(tx.begin(), tx.begin() + m, ax.begin());
    std::copy(ty.begin(), ty.begin() + m, ay.begin());
    affine_dbl_n(ax.data(), ay.data(), m, s);  // 2 P1
    for (unsigned j = 1; j < kTab; ++j) {
        F* X = tx.data() + j * m;
        F* Y = ty.data() + j * m;
        std::copy(X - m, X, X);
        std::copy(Y - m, Y, Y);
        affine_add_n(X, Y, ax.data(), ay.data(), m, special.data(), s);
        mark_bad(special.data(), m, bad.data(), nullptr);
    }
    for (std::size_t i = 0; i < kTab * m; ++i) px[i] = glv_endo_x(tx[i]);

    // The accumulators start as P1, a point of the curve, so that doubling lanes whose scalar
    // has not started yet is harmless; their first non-zero digit sets them.
    std::copy(tx.begin(), tx.begin() + m, ax.begin());
    std::copy(ty.begin(), ty.begin() + m, ay.begin());
    bool any = false;
    std::vector<F> gx, gy, bx, by;
    std::vector<std::uint32_t> lane, both;
    if (!uniform) {
        gx.resize(m), gy.resize(m), bx.resize(m), by.resize(m);
        lane.resize(m);
        both.resize(m);
    }
    for (std::size_t t = top; t-- > 0;) {
        if (any) affine_dbl_n(ax.data(), ay.data(), m, s);
        if (uniform) {
            for (int c = 0; c < 2; ++c) {
                const int v = dig[t * 2 + c];
                if (v == 0) continue;
                const std::size_t j = std::size_t(v < 0 ? -v : v) >> 1;
                const bool neg = (v < 0) != (c == 1 && flip2[0]);
                const F* X = (c == 0 ? tx.data() : px.data()) + j * m;
                const F* Y = ty.data() + j * m;
                if (!any) {
                    std::copy(X, X + m, ax.begin());
                    for (std::size_t i = 0; i < m; ++i) ay[i] = neg ? -Y[i] : Y[i];
                    any = true;
                } else {
                    // A + (-Q) = -((-A) + Q): the accumulators are negated around the addition.
                    if (neg) negate(ay.data(), m);
                    affine_add_n(ax.data(), ay.data(), X, Y, m, special.data(), s);
                    if (neg) negate(ay.data(), m);
                    mark_bad(special.data(), m, bad.data(), nullptr);
                }
            }
            continue;
        }
        // Per-lane digits: first each lane's first non-zero digit of the two halves, then the
        // second half's digit of the lanes where both are non-zero.
        const std::int8_t* row = dig.data() + t * m * 2;
        std::size_t n2 = 0;  // lanes of the second pass, listed by the first
        for (int phase = 0; phase < 2; ++phase) {
            std::size_t cnt = 0;
            const std::size_t count = phase == 0 ? m : n2;
            for (std::size_t q = 0; q < count; ++q) {
                const std::size_t i = phase == 0 ? q : both[q];
                const int v1 = row[2 * i], v2 = row[2 * i + 1];
                int c = 1;
                if (phase == 0) {
                    if (v1 != 0) {
                        c = 0;
                        if (v2 != 0) both[n2++] = std::uint32_t(i);
                    } else if (v2 == 0) {
                        continue;
                    }
                }
                const int v = c == 0 ? v1 : v2;
                const std::size_t k = (std::size_t(v < 0 ? -v : v) >> 1) * m + i;
                const F& ex = c == 0 ? tx[k] : px[k];
                const F ey = (v < 0) != (c == 1 && flip2[i]) ? -ty[k] : ty[k];
                if (!started[i]) {
                    ax[i] = ex;
                    ay[i] = ey;
                    started[i] = 1;
                    any = true;
                    continue;
                }
                lane[cnt] = std::uint32_t(i);
                gx[cnt] = ax[i];
                gy[cnt] = ay[i];
                bx[cnt] = ex;
                by[cnt] = ey;
                ++cnt;
            }
            if (cnt == 0) continue;
            affine_add_n(gx.data(), gy.data(), bx.data(), by.data(), cnt, special.data(), s);
            mark_bad(special.data(), cnt, bad.data(), lane.data());
            for (std::size_t q = 0; q < cnt; ++q) {
                ax[lane[q]] = gx[q];
                ay[lane[q]] = gy[q];
            }
        }
    }

    for (std::size_t i = 0; i < m; ++i) {
        Aff r;
        if (bad[i]) {
            // Infinity, or an exceptional addition (the accumulator met a table entry): the
            // generic formulas handle every case.
            r = J::from_affine(orig[i]).mul(ks[uniform ? 0 : i]).to_affine();
        } else if (uniform ? !any : !started[i]) {
            r = Aff{F::zero(), F::zero()};
        } else {
            r = Aff{ax[i], ay[i]};
        }
        std::memcpy(out + SZ * i, static_cast<const void*>(&r), SZ);
    }
}

#if defined(__x86_64__)
// mul_block for one scalar and G1 points on a CPU with AVX-512 IFMA: the same steps, with the
// table and the accumulators in the IFMA lane layout for the whole block (curve/affine_lanes: no
// conversion at each product, two fused passes per step).
void mul_block_g1_lanes(const std::uint8_t* in, std::uint8_t* out, std::size_t m, const Limbs& k) {
    constexpr std::size_t kB = kernels::ifma::LaneArray::kBlock;
    const std::size_t nb = (m + 7) / 8;
    const GlvSplit sp = glv_split(k);
    std::int8_t d[2][kLen] = {};
    const std::size_t top = std::max(wnaf5(sp.k1, d[0]), wnaf5(sp.k2, d[1]));
    const bool flip2 = sp.neg1 != sp.neg2;  // phi's entries: (beta x, (-1)^flip2 y) of P1's table

    std::vector<G1Affine> orig(m);
    std::memcpy(static_cast<void*>(orig.data()), in, m * sizeof(G1Affine));
    std::vector<unsigned char> bad(m);
    std::vector<Fq> x(m), y(m);
    for (std::size_t i = 0; i < m; ++i) {
        bad[i] = orig[i].is_infinity();
        x[i] = orig[i].x;
        y[i] = sp.neg1 ? -orig[i].y : orig[i].y;
    }
    // Table rows j: (2j + 1) P1 (tx, ty), -ty, and phi's x (beta tx).
    using kernels::ifma::LaneArray;
    LaneArray tx(m, kTab), ty(m, kTab), nty(m, kTab), px(m, kTab), ax(m), ay(m), scratch(m, 3);
    std::vector<std::uint8_t> zmask(nb, 0);
    u64* sc = scratch.row();
    affine_lanes::pack(tx.row(0), x.data(), m);
    affine_lanes::pack(ty.row(0), y.data(), m);
    auto copy_row = [&](const u64* from, u64* to) { std::copy(from, from + nb * kB, to); };
    copy_row(tx.row(0), ax.row());
    copy_row(ty.row(0), ay.row());
    affine_lanes::dbl(ax.row(), ay.row(), nb, sc);  // 2 P1
    for (unsigned j = 1; j < kTab; ++j) {
        copy_row(tx.row(j - 1), tx.row(j));
        copy_row(ty.row(j - 1), ty.row(j));
        affine_lanes::add(tx.row(j), ty.row(j), ax.row(), ay.row(), nb, sc, zmask.data());
    }
    affine_lanes::mul_by(px.row(0), tx.row(0), Fq::from_canonical(glv_beta_g1()), nb * kTab);
    affine_lanes::neg(nty.row(0), ty.row(0), nb * kTab);

    bool any = false;
    for (std::size_t t = top; t-- > 0;) {
        if (any) affine_lanes::dbl(ax.row(), ay.row(), nb, sc);
        for (int c = 0; c < 2; ++c) {
            const int v = d[c][t];
            if (v == 0) continue;
            const std::size_t j = std::size_t(v < 0 ? -v : v) >> 1;
            const bool neg = (v < 0) != (c == 1 && flip2);
            const u64* X = (c == 0 ? tx : px).row(j);
            const u64* Y = (neg ? nty : ty).row(j);
            if (!any) {
                copy_row(X, ax.row());
                copy_row(Y, ay.row());
                any = true;
            } else {
                affine_lanes::add(ax.row(), ay.row(), X, Y, nb, sc, zmask.data());
            }
        }
    }
    affine_lanes::unpack(x.data(), ax.row(), m);
    affine_lanes::unpack(y.data(), ay.row(), m);
    for (std::size_t i = 0; i < m; ++i) {
        G1Affine r;
        if (bad[i] || ((zmask[i / 8] >> (i % 8)) & 1)) {
            // Infinity, or an exceptional addition: the generic formulas handle every case.
            r = G1::from_affine(orig[i]).mul(k).to_affine();
        } else if (!any) {
            r = G1Affine{Fq::zero(), Fq::zero()};
        } else {
            r = G1Affine{x[i], y[i]};
        }
        std::memcpy(out + sizeof r * i, static_cast<const void*>(&r), sizeof r);
    }
}
#endif
// Splits n points into blocks (at least one per thread when there are enough points) and runs
// fn(lo, m) for each on the pool.
template <class J, class Fn>
void for_blocks(std::size_t n, ThreadPool& pool, const Fn& fn) {
    if (n == 0) return;
    const std::size_t maxb = max_block<J>();
    std::size_t nb = (n + maxb - 1) / maxb;
    nb = std::max(nb, std::min<std::size_t>(pool.size(), (n + kMinBlock - 1) / kMinBlock));
    const std::size_t bs = (n + nb - 1) / nb;
    nb = (n + bs - 1) / bs;
    pool.run(nb, [&](std::size_t b) {
        const std::size_t lo = b * bs;
        fn(lo, std::min(bs, n - lo));
    });
}

template <class J>
void mul_fixed(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& k, ThreadPool& pool) {
    constexpr std::size_t SZ = sizeof(typename J::Aff);
    const Limbs kc = k.to_canonical();
#if defined(__x86_64__)
    if constexpr (std::is_same_v<J, G1>) {
        if (detail::use_ifma<Fq>(n)) {
            for_blocks<J>(n, pool, [&](std::size_t lo, std::size_t m) { mul_block_g1_lanes(in + SZ * lo, out + SZ * lo, m, kc); });
            return;
        }
    }
#endif
    for_blocks<J>(n, pool, [&](std::size_t lo, std::size_t m) { mul_block<J>(in + SZ * lo, out + SZ * lo, m, &kc, true); });
}

template <class J>
void mul_powers(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& first, const Fr& inc,
                ThreadPool& pool) {
    constexpr std::size_t SZ = sizeof(typename J::Aff);
    for_blocks<J>(n, pool, [&](std::size_t lo, std::size_t m) {
        std::vector<Limbs> ks(m);
        Fr s = first * inc.pow(Limbs{lo, 0, 0, 0});
        for (std::size_t i = 0; i < m; ++i) {
            ks[i] = s.to_canonical();
            s *= inc;
        }
        mul_block<J>(in + SZ * lo, out + SZ * lo, m, ks.data(), false);
    });
}

template <class J>
void mul_each(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr* ks, ThreadPool& pool) {
    constexpr std::size_t SZ = sizeof(typename J::Aff);
    for_blocks<J>(n, pool, [&](std::size_t lo, std::size_t m) {
        std::vector<Limbs> kc(m);
        for (std::size_t i = 0; i < m; ++i) kc[i] = ks[lo + i].to_canonical();
        mul_block<J>(in + SZ * lo, out + SZ * lo, m, kc.data(), false);
    });
}

}  // namespace

void g1_mul_fixed(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& k, ThreadPool& pool) {
    mul_fixed<G1>(in, out, n, k, pool);
}
void g2_mul_fixed(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& k, ThreadPool& pool) {
    mul_fixed<G2>(in, out, n, k, pool);
}
void g1_mul_powers(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& first, const Fr& inc,
                   ThreadPool& pool) {
    mul_powers<G1>(in, out, n, first, inc, pool);
}
void g2_mul_powers(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& first, const Fr& inc,
                   ThreadPool& pool) {
    mul_powers<G2>(in, out, n, first, inc, pool);
}
void g1_mul_each(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr* ks, ThreadPool& pool) {
    mul_each<G1>(in, out, n, ks, pool);
}
void g2_mul_each(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr* ks, ThreadPool& pool) {
    mul_each<G2>(in, out, n, ks, pool);
}

}  // namespace peregrine
