// SPDX-License-Identifier: MIT OR Apache-2.0
#include "curve/batch_sums.hpp"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "curve/affine_batch.hpp"
#include "curve/glv.hpp"

namespace peregrine {

namespace {

constexpr std::size_t kLen = 130;  // NAF digits of a number below 2^128: at most 129
constexpr unsigned kMinW = 5, kMaxW = 8;

// One non-zero digit: at its position, lane += (-1)^neg (table entry tab, or an endomorphism's
// image of it).
struct Event {
    std::uint32_t lane, tab;
    std::uint8_t img;  // which image of the entry: 0 itself, 1 phi, 2 psi, 3 phi psi (the scalar's part)
    std::uint8_t neg;
};

// The NAF width for a point used by `uses` terms: its table of 2^(w-2) odd multiples costs about
// 2^(w-2) additions, shared by the terms, and each term then has about 254 / (w + 1) digits.
unsigned window(std::size_t uses) {
    unsigned best = kMinW;
    double best_cost = 1e300;
    for (unsigned w = kMinW; w <= kMaxW; ++w) {
        const double cost = double(1u << (w - 2)) / double(uses) + 254.0 / double(w + 1);
        if (cost < best_cost) {
            best_cost = cost;
            best = w;
        }
    }
    return best;
}

template <class J>
void batch_sums(const typename J::Aff* bases, std::size_t nbases, const std::uint32_t* base, const Limbs* ks,
                const std::uint64_t* start, std::size_t ns, J* out) {
    using F = typename J::Field;
    using Aff = typename J::Aff;
    if (ns == 0) return;
    std::vector<std::uint8_t> bad(ns, 0), started(ns, 0);

    // Terms that contribute: a scalar other than 0 and a point other than infinity.
    std::vector<std::uint32_t> owner, idx;  // lane and input index of each kept term
    std::vector<std::uint32_t> uses(nbases, 0);
    for (std::size_t j = 0; j < ns; ++j)
        for (std::uint64_t k = start[j]; k < start[j + 1]; ++k)
            if (!is_zero(ks[k]) && !bases[base[k]].is_infinity()) {
                owner.push_back(std::uint32_t(j));
                idx.push_back(std::uint32_t(k));
                ++uses[base[k]];
            }
    const std::size_t m = owner.size();

    // Each used point's window, and its rank among the used points ordered by table size, largest
    // first: entry e of the tables then exists for a prefix of the ranks, ne[e] long.
    constexpr std::size_t kMaxTab = std::size_t(1) << (kMaxW - 2);
    std::vector<std::uint8_t> wb(nbases, 0);
    std::vector<std::uint32_t> rank(nbases, 0);
    std::size_t per_w[kMaxW + 1] = {};
    for (std::size_t b = 0; b < nbases; ++b)
        if (uses[b] != 0) ++per_w[wb[b] = std::uint8_t(window(uses[b]))];
    std::size_t nu = 0;
    for (unsigned w = kMinW; w <= kMaxW; ++w) nu += per_w[w];
    {
        std::size_t next[kMaxW + 1] = {};
        std::size_t r = 0;
        for (unsigned w = kMaxW; w >= kMinW; --w) {
            next[w] = r;
            r += per_w[w];
        }
        for (std::size_t b = 0; b < nbases; ++b)
            if (uses[b] != 0) rank[b] = std::uint32_t(next[wb[b]]++);
    }
    std::size_t ne[kMaxTab + 1] = {}, eoff[kMaxTab + 1] = {};
    for (std::size_t e = 0; e < kMaxTab; ++e) {
        for (unsigned w = kMinW; w <= kMaxW; ++w)
            if (e < (std::size_t(1) << (w - 2))) ne[e] += per_w[w];
        eoff[e + 1] = eoff[e] + ne[e];
    }

    // Tables, entry-major: tx/ty[eoff[e] + rank] = (2e + 1) P, px = beta tx.
    std::vector<Aff> used(nu);
    for (std::size_t b = 0; b < nbases; ++b)
        if (uses[b] != 0) used[rank[b]] = bases[b];
    std::vector<F> tx(eoff[kMaxTab]), ty(eoff[kMaxTab]), px(eoff[kMaxTab]);
    std::vector<F> dx(nu), dy(nu);
    std::vector<std::uint8_t> special(std::max<std::size_t>(nu, ns)), base_bad(nu, 0);
    AffineScratch<F> s;
    for (std::size_t i = 0; i < nu; ++i) {
        tx[i] = dx[i] = used[i].x;
        ty[i] = dy[i] = used[i].y;
    }
    if (nu > 0) affine_dbl_n(dx.data(), dy.data(), nu, s);  // 2P (y != 0 on prime-order points)
    for (std::size_t e = 1; e < kMaxTab && ne[e] > 0; ++e) {
        F* X = tx.data() + eoff[e];
        F* Y = ty.data() + eoff[e];
        std::copy(tx.data() + eoff[e - 1], tx.data() + eoff[e - 1] + ne[e], X);
        std::copy(ty.data() + eoff[e - 1], ty.data() + eoff[e - 1] + ne[e], Y);
        affine_add_n(X, Y, dx.data(), dy.data(), ne[e], special.data(), s);
        for (std::size_t i = 0; i < ne[e]; ++i) base_bad[i] |= special[i];
    }
    for (std::size_t i = 0; i < m; ++i)
        if (base_bad[rank[base[idx[i]]]]) bad[owner[i]] = 1;
    // The endomorphisms' images of every entry: phi (beta x, y), and on G2 psi and phi psi.
    constexpr bool kG2 = std::is_same_v<F, Fq2>;
    constexpr int kParts = kG2 ? 4 : 2;  // scalar parts: GLV on G1, GLS (phi and psi) on G2
    for (std::size_t e = 0; e < px.size(); ++e) px[e] = glv_endo_x(tx[e]);
    std::vector<F> sx, sy, spx;  // psi (x, y), beta psi x
    if constexpr (kG2) {
        sx = tx;
        sy = ty;
        spx.resize(tx.size());
        for (std::size_t e = 0; e < sx.size(); ++e) {
            gls_psi(sx[e], sy[e]);
            spx[e] = glv_endo_x(sx[e]);
        }
    }
    const F* img_x[4] = {tx.data(), px.data(), kG2 ? sx.data() : nullptr, kG2 ? spx.data() : nullptr};
    const F* img_y[4] = {ty.data(), ty.data(), kG2 ? sy.data() : nullptr, kG2 ? sy.data() : nullptr};

    // Digits, bucketed by position (stable: within a position, events follow the terms, so the
    // events of one lane are consecutive).
    constexpr std::size_t kNz = 129 / kMinW + 1;  // non-zero digits of one part: at most
    std::vector<std::uint8_t> dpos(kParts * kNz * m), nd(kParts * m), neg(kParts * m);
    std::vector<std::int8_t> dig(kParts * kNz * m);
    std::vector<std::uint32_t> count(kLen + 1, 0);
    std::size_t top = 0;
    for (std::size_t i = 0; i < m; ++i) {
        const unsigned w = wb[base[idx[i]]];
        Limbs part[kParts];
        if constexpr (kG2) {
            const Gls4Split sp = gls4_split(ks[idx[i]]);
            for (int c = 0; c < 4; ++c) {
                part[c] = sp.k[c];
                neg[4 * i + c] = sp.neg[c];
            }
        } else {
            const GlvSplit sp = glv_split(ks[idx[i]]);
            part[0] = sp.k1;
            part[1] = sp.k2;
            neg[2 * i] = sp.neg1;
            neg[2 * i + 1] = sp.neg2;
        }
        for (int c = 0; c < kParts; ++c) {
            const std::size_t h = kParts * i + c;
            std::uint8_t* p = dpos.data() + h * kNz;
            const std::size_t n = wnaf_sparse(part[c], w, p, dig.data() + h * kNz);
            nd[h] = std::uint8_t(n);
            if (n > 0) top = std::max<std::size_t>(top, p[n - 1] + 1);
            for (std::size_t t = 0; t < n; ++t) ++count[p[t] + 1];
        }
    }
    for (std::size_t t = 0; t < kLen; ++t) count[t + 1] += count[t];
    std::vector<Event> ev(count[kLen]);
    {
        std::vector<std::uint32_t> at(count.begin(), count.end() - 1);
        for (std::size_t i = 0; i < m; ++i) {
            const std::uint32_t r = rank[base[idx[i]]];
            for (int c = 0; c < kParts; ++c) {
                const std::size_t h = kParts * i + c;
                const std::uint8_t* p = dpos.data() + h * kNz;
                const std::int8_t* d = dig.data() + h * kNz;
                const bool ng = neg[h] != 0;
                for (std::size_t t = 0; t < nd[h]; ++t) {
                    const int v = d[t];
                    ev[at[p[t]]++] = Event{owner[i], std::uint32_t(eoff[(v < 0 ? -v : v) >> 1] + r), std::uint8_t(c),
                                           std::uint8_t((v < 0) != ng)};
                }
            }
        }
    }
    dig = {};
    dpos = {};

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
            const std::size_t k = v.tab;
            ix[ni] = img_x[v.img][k];
            iy[ni] = v.neg ? -img_y[v.img][k] : img_y[v.img][k];
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
                acc = acc.add(J::from_affine(bases[base[k]]).mul(ks[k]));
            out[j] = acc;
        } else if (!started[j]) {
            out[j] = J::infinity();
        } else {
            out[j] = J::from_affine(Aff{ax[j], ay[j]});
        }
    }
}

}  // namespace

void g1_batch_sums(const G1Affine* bases, std::size_t n_bases, const std::uint32_t* base, const Limbs* ks,
                   const std::uint64_t* start, std::size_t n_sums, G1* out) {
    batch_sums<G1>(bases, n_bases, base, ks, start, n_sums, out);
}
void g2_batch_sums(const G2Affine* bases, std::size_t n_bases, const std::uint32_t* base, const Limbs* ks,
                   const std::uint64_t* start, std::size_t n_sums, G2* out) {
    batch_sums<G2>(bases, n_bases, base, ks, start, n_sums, out);
}

}  // namespace peregrine
