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
// lanes add at a step when every point has its own scalar), small enough to stay in cache (G2:
// 1024, its table with the psi images is 384 bytes per entry; 2048 was 6% slower without IFMA).
template <class J>
constexpr std::size_t max_block() {
    return sizeof(typename J::Field) == 32 ? 4096 : 1024;
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
// Each scalar is split in parts (GLV on G1: two of ~127 bits; on G2 GLS, phi and psi: four of
// ~66 bits, so half the doublings), each recoded in width-5 NAF; part c adds entries of the
// table's image c (0 the table, 1 phi, 2 psi, 3 phi psi).
template <class J>
void mul_block(const std::uint8_t* in, std::uint8_t* out, std::size_t m, const Limbs* ks, bool uniform) {
    using F = typename J::Field;
    using Aff = typename J::Aff;
    constexpr std::size_t SZ = sizeof(Aff);
    constexpr int kParts = std::is_same_v<F, Fq2> ? 4 : 2;
    const std::size_t nk = uniform ? 1 : m;

    // Digits, step-major: dig[(t * nk + i) * kParts + c] is digit t of part c of scalar i. The
    // table is of P1 = (-1)^neg(part 0) P; flip[i * kParts + c]: part c's sign differs from part 0's.
    std::vector<std::int8_t> dig(kLen * nk * kParts, 0);
    std::vector<unsigned char> neg0(nk), flip(nk * kParts, 0);
    std::size_t top = 0;
    {
        std::int8_t d[kLen];
        for (std::size_t i = 0; i < nk; ++i) {
            Limbs part[kParts];
            bool neg[kParts];
            if constexpr (kParts == 4) {
                const Gls4Split sp = gls4_split(ks[i]);
                for (int c = 0; c < 4; ++c) {
                    part[c] = sp.k[c];
                    neg[c] = sp.neg[c];
                }
            } else {
                const GlvSplit sp = glv_split(ks[i]);
                part[0] = sp.k1;
                part[1] = sp.k2;
                neg[0] = sp.neg1;
                neg[1] = sp.neg2;
            }
            neg0[i] = neg[0];
            for (int c = 0; c < kParts; ++c) {
                flip[i * kParts + c] = neg[c] != neg[0];
                const std::size_t n = wnaf5(part[c], d);
                for (std::size_t t = 0; t < n; ++t) dig[(t * nk + i) * kParts + c] = d[t];
                top = std::max(top, n);
            }
        }
    }

    std::vector<Aff> orig(m);
    std::memcpy(static_cast<void*>(orig.data()), in, m * SZ);
    // Table of P1: row j holds (2j + 1) P1 (and below, its endomorphism images).
    std::vector<F> tx(kTab * m), ty(kTab * m), ax(m), ay(m);
    std::vector<unsigned char> bad(m, 0), started(m, 0);
    std::vector<std::uint8_t> special(m);
    AffineScratch<F> s;
    for (std::size_t i = 0; i < m; ++i) {
        bad[i] = orig[i].is_infinity();
        tx[i] = orig[i].x;
        ty[i] = neg0[uniform ? 0 : i] ? -orig[i].y : orig[i].y;
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
    const EndoImages<F> img(tx, ty);

    // The accumulators start as P1, a point of the curve, so that doubling lanes whose scalar
    // has not started yet is harmless; their first non-zero digit sets them.
    std::copy(tx.begin(), tx.begin() + m, ax.begin());
    std::copy(ty.begin(), ty.begin() + m, ay.begin());
    bool any = false;
    std::vector<F> gx, gy, bx, by;
    std::vector<std::uint32_t> lane, list, next_list;
    std::vector<std::uint8_t> cur;
    if (!uniform) {
        gx.resize(m), gy.resize(m), bx.resize(m), by.resize(m);
        lane.resize(m);
        list.resize(m);
        next_list.resize(m);
        cur.resize(m);
    }
    for (std::size_t t = top; t-- > 0;) {
        if (any) affine_dbl_n(ax.data(), ay.data(), m, s);
        if (uniform) {
            for (int c = 0; c < kParts; ++c) {
                const int v = dig[t * kParts + c];
                if (v == 0) continue;
                const std::size_t j = std::size_t(v < 0 ? -v : v) >> 1;
                const bool neg = (v < 0) != (flip[c] != 0);
                const F* X = img.x[c] + j * m;
                const F* Y = img.y[c] + j * m;
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
        // Per-lane digits, in phases: phase p adds each lane's (p+1)-th non-zero digit of this
        // position (over its parts), so a phase holds each lane at most once.
        const std::int8_t* row = dig.data() + t * m * kParts;
        std::size_t nlist = 0;
        for (int phase = 0; phase < kParts; ++phase) {
            std::size_t cnt = 0, nnext = 0;
            const std::size_t count = phase == 0 ? m : nlist;
            for (std::size_t q = 0; q < count; ++q) {
                const std::size_t i = phase == 0 ? q : list[q];
                const std::int8_t* r = row + kParts * i;
                int c = phase == 0 ? 0 : cur[i] + 1;
                while (c < kParts && r[c] == 0) ++c;
                if (c == kParts) continue;
                cur[i] = std::uint8_t(c);
                for (int c2 = c + 1; c2 < kParts; ++c2)
                    if (r[c2] != 0) {
                        next_list[nnext++] = std::uint32_t(i);
                        break;
                    }
                const int v = r[c];
                const std::size_t k = (std::size_t(v < 0 ? -v : v) >> 1) * m + i;
                const F& ex = img.x[c][k];
                const F ey = (v < 0) != (flip[i * kParts + c] != 0) ? -img.y[c][k] : img.y[c][k];
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
            if (cnt > 0) {
                affine_add_n(gx.data(), gy.data(), bx.data(), by.data(), cnt, special.data(), s);
                mark_bad(special.data(), cnt, bad.data(), lane.data());
                for (std::size_t q = 0; q < cnt; ++q) {
                    ax[lane[q]] = gx[q];
                    ay[lane[q]] = gy[q];
                }
            }
            std::swap(list, next_list);
            nlist = nnext;
            if (nlist == 0) break;
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
