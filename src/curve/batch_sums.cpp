// SPDX-License-Identifier: MIT OR Apache-2.0
#include "curve/batch_sums.hpp"

#include <algorithm>
#include <vector>

#include "curve/affine_batch.hpp"
#include "curve/glv.hpp"

namespace peregrine {

namespace {

constexpr std::size_t kTab = 8;    // odd multiples 1, 3, ..., 15 (width-5 NAF digits)
constexpr std::size_t kLen = 130;  // NAF digits of a number below 2^128: at most 129


// One non-zero digit: at its position, lane += (-1)^neg (2 |d| - 1 ... ) entry of its term.
struct Event {
    std::uint32_t lane, term;
    std::uint8_t entry;  // (|d| - 1) / 2
    std::uint8_t phi;    // 1: the entry's endomorphism image (second GLV half)
    std::uint8_t neg;
};

template <class J>
void batch_sums(const typename J::Aff* pts, const Limbs* ks, const std::uint64_t* start, std::size_t ns, J* out) {
    using F = typename J::Field;
    using Aff = typename J::Aff;
    if (ns == 0) return;
    const std::uint64_t b0 = start[0];
    const std::size_t T = std::size_t(start[ns] - b0);
    std::vector<std::uint8_t> bad(ns, 0), started(ns, 0);

    // Terms that contribute: a scalar other than 0 and a point other than infinity.
    std::vector<std::uint32_t> owner, idx;  // lane and input index of each kept term
    owner.reserve(T);
    idx.reserve(T);
    for (std::size_t j = 0; j < ns; ++j)
        for (std::uint64_t k = start[j]; k < start[j + 1]; ++k)
            if (!is_zero(ks[k]) && !pts[k].is_infinity()) {
                owner.push_back(std::uint32_t(j));
                idx.push_back(std::uint32_t(k));
            }
    const std::size_t m = owner.size();

    // Tables, entry-major: tx/ty[e * m + i] = (2e + 1) P_i, px = beta tx.
    std::vector<F> tx(kTab * m), ty(kTab * m), px(kTab * m);
    std::vector<F> dx(m), dy(m);
    std::vector<std::uint8_t> special(std::max<std::size_t>(m, ns));
    AffineScratch<F> s;
    for (std::size_t i = 0; i < m; ++i) {
        tx[i] = dx[i] = pts[idx[i]].x;
        ty[i] = dy[i] = pts[idx[i]].y;
    }
    if (m > 0) affine_dbl_n(dx.data(), dy.data(), m, s);  // 2P (y != 0 on prime-order points)
    for (std::size_t e = 1; e < kTab; ++e) {
        F* X = tx.data() + e * m;
        F* Y = ty.data() + e * m;
        std::copy(X - m, X, X);
        std::copy(Y - m, Y, Y);
        affine_add_n(X, Y, dx.data(), dy.data(), m, special.data(), s);
        for (std::size_t i = 0; i < m; ++i)
            if (special[i]) bad[owner[i]] = 1;
    }
    for (std::size_t e = 0; e < kTab * m; ++e) px[e] = glv_endo_x(tx[e]);

    // Digits, bucketed by position (stable: within a position, events follow the terms, so the
    // events of one lane are consecutive).
    std::vector<std::int8_t> dig(2 * kLen * m);
    std::vector<std::uint8_t> nd(2 * m), neg(2 * m);
    std::vector<std::uint32_t> count(kLen + 1, 0);
    std::size_t top = 0;
    for (std::size_t i = 0; i < m; ++i) {
        const GlvSplit sp = glv_split(ks[idx[i]]);
        neg[2 * i] = sp.neg1;
        neg[2 * i + 1] = sp.neg2;
        for (int c = 0; c < 2; ++c) {
            std::int8_t* d = dig.data() + (2 * i + c) * kLen;
            const std::size_t n = wnaf5(c == 0 ? sp.k1 : sp.k2, d);
            nd[2 * i + c] = std::uint8_t(n);
            top = std::max(top, n);
            for (std::size_t t = 0; t < n; ++t) count[t + 1] += d[t] != 0;
        }
    }
    for (std::size_t t = 0; t < kLen; ++t) count[t + 1] += count[t];
    std::vector<Event> ev(count[kLen]);
    {
        std::vector<std::uint32_t> pos(count.begin(), count.end() - 1);
        for (std::size_t i = 0; i < m; ++i)
            for (int c = 0; c < 2; ++c) {
                const std::int8_t* d = dig.data() + (2 * i + c) * kLen;
                for (std::size_t t = 0; t < nd[2 * i + c]; ++t) {
                    if (d[t] == 0) continue;
                    const int v = d[t];
                    ev[pos[t]++] = Event{owner[i], std::uint32_t(i), std::uint8_t((v < 0 ? -v : v) >> 1),
                                         std::uint8_t(c), std::uint8_t((v < 0) != (neg[2 * i + c] != 0))};
                }
            }
    }
    dig = {};

    // Per step: double every accumulator, then add the step's entries. A lane's entries of one
    // step (and its accumulator) are summed as a binary tree, so a step takes about log2 of the
    // largest count rounds of batched additions, each with one inversion for all lanes.
    std::vector<F> ax(ns, F::zero()), ay(ns, F::zero());
    std::size_t max_ev = 0;
    for (std::size_t t = 0; t < kLen; ++t) max_ev = std::max<std::size_t>(max_ev, count[t + 1] - count[t]);
    std::vector<F> ix(max_ev + ns), iy(max_ev + ns), gx(max_ev), gy(max_ev), qx(max_ev), qy(max_ev);
    std::vector<std::uint32_t> gl, gs, gc;  // groups: lane, first item, item count
    std::vector<std::uint32_t> pair_group(max_ev);
    if (special.size() < max_ev) special.resize(max_ev);
    bool any = false;
    for (std::size_t t = top; t-- > 0;) {
        // Lanes not started hold (0, 0), which doubles to (0, 0).
        if (any) affine_dbl_n(ax.data(), ay.data(), ns, s);
        const std::size_t e0 = count[t], e1 = count[t + 1];
        gl.clear();
        gs.clear();
        gc.clear();
        std::size_t ni = 0;
        for (std::size_t e = e0; e < e1; ++e) {
            const Event& v = ev[e];
            if (bad[v.lane]) continue;
            if (gl.empty() || gl.back() != v.lane) {
                gl.push_back(v.lane);
                gs.push_back(std::uint32_t(ni));
                gc.push_back(0);
                if (started[v.lane]) {
                    ix[ni] = ax[v.lane];
                    iy[ni] = ay[v.lane];
                    ++ni;
                    ++gc.back();
                }
                started[v.lane] = 1;
                any = true;
            }
            const std::size_t k = std::size_t(v.entry) * m + v.term;
            ix[ni] = v.phi ? px[k] : tx[k];
            iy[ni] = v.neg ? -ty[k] : ty[k];
            ++ni;
            ++gc.back();
        }
        const std::size_t ng = gl.size();
        for (;;) {
            std::size_t cnt = 0;
            for (std::size_t g = 0; g < ng; ++g) {
                const std::uint32_t c = gc[g], st = gs[g];
                for (std::uint32_t i = 0; i + 1 < c; i += 2) {
                    gx[cnt] = ix[st + i];
                    gy[cnt] = iy[st + i];
                    qx[cnt] = ix[st + i + 1];
                    qy[cnt] = iy[st + i + 1];
                    pair_group[cnt] = std::uint32_t(g);
                    ++cnt;
                }
            }
            if (cnt == 0) break;
            affine_add_n(gx.data(), gy.data(), qx.data(), qy.data(), cnt, special.data(), s);
            // Compact each group: its pair sums, then its odd item out.
            std::size_t q = 0;
            for (std::size_t g = 0; g < ng; ++g) {
                const std::uint32_t c = gc[g], st = gs[g];
                if (c < 2) continue;
                const std::uint32_t np = c / 2;
                for (std::uint32_t i = 0; i < np; ++i, ++q) {
                    if (special[q]) bad[gl[g]] = 1;  // equal x: redone below
                    ix[st + i] = gx[q];
                    iy[st + i] = gy[q];
                }
                if (c & 1) {
                    ix[st + np] = ix[st + c - 1];
                    iy[st + np] = iy[st + c - 1];
                }
                gc[g] = c - np;
            }
        }
        for (std::size_t g = 0; g < ng; ++g) {
            ax[gl[g]] = ix[gs[g]];
            ay[gl[g]] = iy[gs[g]];
        }
        // A lane marked bad may hold garbage: keep it at (0, 0) for the doublings.
        for (std::size_t g = 0; g < ng; ++g)
            if (bad[gl[g]]) ax[gl[g]] = ay[gl[g]] = F::zero();
    }
    for (std::size_t j = 0; j < ns; ++j) {
        if (bad[j]) {
            J acc = J::infinity();
            for (std::uint64_t k = start[j]; k < start[j + 1]; ++k)
                acc = acc.add(J::from_affine(pts[k]).mul(ks[k]));
            out[j] = acc;
        } else if (!started[j]) {
            out[j] = J::infinity();
        } else {
            out[j] = J::from_affine(Aff{ax[j], ay[j]});
        }
    }
}

}  // namespace

void g1_batch_sums(const G1Affine* pts, const Limbs* ks, const std::uint64_t* start, std::size_t n_sums, G1* out) {
    batch_sums<G1>(pts, ks, start, n_sums, out);
}
void g2_batch_sums(const G2Affine* pts, const Limbs* ks, const std::uint64_t* start, std::size_t n_sums, G2* out) {
    batch_sums<G2>(pts, ks, start, n_sums, out);
}

}  // namespace peregrine
