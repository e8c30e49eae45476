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

constexpr std::size_t kMaxTab = std::size_t(1) << (kMaxW - 2);

// The terms that contribute (a scalar other than 0, a point other than infinity): their sum and
// input index, and how many of them use each point.
struct Terms {
    std::vector<std::uint32_t> owner, idx, uses;
};

template <class Aff>
Terms keep_terms(const Aff* bases, std::size_t nbases, const std::uint32_t* base, const Limbs* ks,
                 const std::uint64_t* start, std::size_t ns) {
    Terms t;
    t.uses.assign(nbases, 0);
    for (std::size_t j = 0; j < ns; ++j)
        for (std::uint64_t k = start[j]; k < start[j + 1]; ++k)
            if (!is_zero(ks[k]) && !bases[base[k]].is_infinity()) {
                t.owner.push_back(std::uint32_t(j));
                t.idx.push_back(std::uint32_t(k));
                ++t.uses[base[k]];
            }
    return t;
}

// The odd multiples (2e + 1) P of every used point P, entry-major: entry e of the point of rank r
// at eoff[e] + r, the points ranked by table size, largest first, so that entry e exists for a
// prefix of the ranks.
template <class F>
struct Tables {
    std::vector<std::uint8_t> width;  // per input point: its NAF width (0: unused)
    std::vector<std::uint32_t> rank;  // per input point
    std::size_t eoff[kMaxTab + 1] = {};
    std::vector<F> tx, ty;
    std::vector<std::uint8_t> bad;  // per rank: an exceptional addition while building
};

template <class Aff, class F>
Tables<F> build_tables(const Aff* bases, std::size_t nbases, const std::vector<std::uint32_t>& uses,
                       AffineScratch<F>& s) {
    Tables<F> t;
    t.width.assign(nbases, 0);
    t.rank.assign(nbases, 0);
    std::size_t per_w[kMaxW + 1] = {};
    for (std::size_t b = 0; b < nbases; ++b)
        if (uses[b] != 0) ++per_w[t.width[b] = std::uint8_t(window(uses[b]))];
    std::size_t nu = 0, next[kMaxW + 1] = {};
    for (unsigned w = kMaxW; w >= kMinW; --w) {
        next[w] = nu;
        nu += per_w[w];
    }
    for (std::size_t b = 0; b < nbases; ++b)
        if (uses[b] != 0) t.rank[b] = std::uint32_t(next[t.width[b]]++);
    std::size_t ne[kMaxTab] = {};  // points with an entry e
    for (std::size_t e = 0; e < kMaxTab; ++e) {
        for (unsigned w = kMinW; w <= kMaxW; ++w)
            if (e < (std::size_t(1) << (w - 2))) ne[e] += per_w[w];
        t.eoff[e + 1] = t.eoff[e] + ne[e];
    }
    const std::size_t size = t.eoff[kMaxTab];
    t.tx.resize(size);
    t.ty.resize(size);
    std::vector<F> dx(nu), dy(nu);
    for (std::size_t b = 0; b < nbases; ++b)
        if (uses[b] != 0) {
            t.tx[t.rank[b]] = dx[t.rank[b]] = bases[b].x;
            t.ty[t.rank[b]] = dy[t.rank[b]] = bases[b].y;
        }
    t.bad.assign(nu, 0);
    std::vector<std::uint8_t> special(nu);
    if (nu > 0) affine_dbl_n(dx.data(), dy.data(), nu, s);  // 2P (y != 0 on prime-order points)
    for (std::size_t e = 1; e < kMaxTab && ne[e] > 0; ++e) {
        F* X = t.tx.data() + t.eoff[e];
        F* Y = t.ty.data() + t.eoff[e];
        std::copy(t.tx.data() + t.eoff[e - 1], t.tx.data() + t.eoff[e - 1] + ne[e], X);
        std::copy(t.ty.data() + t.eoff[e - 1], t.ty.data() + t.eoff[e - 1] + ne[e], Y);
        affine_add_n(X, Y, dx.data(), dy.data(), ne[e], special.data(), s);
        for (std::size_t i = 0; i < ne[e]; ++i) t.bad[i] |= special[i];
    }
    return t;
}

// The non-zero digits of every kept term, bucketed by position: list[count[t] .. count[t + 1])
// at position t (stable: within a position, events follow the terms, so the events of one sum
// are consecutive); top = the number of positions.
struct Events {
    std::vector<Event> list;
    std::vector<std::uint32_t> count;
    std::size_t top = 0;
};

// Each scalar is split in parts (GLV on G1, GLS with phi and psi on G2) and each part recoded in
// its point's NAF width.
template <class F>
Events recode(const std::uint32_t* base, const Limbs* ks, const Terms& terms, const Tables<F>& tab) {
    constexpr int kParts = std::is_same_v<F, Fq2> ? 4 : 2;
    constexpr std::size_t kNz = 129 / kMinW + 1;  // non-zero digits of one part: at most
    const std::size_t m = terms.idx.size();
    std::vector<std::uint8_t> dpos(kParts * kNz * m), nd(kParts * m), neg(kParts * m);
    std::vector<std::int8_t> dig(kParts * kNz * m);
    Events ev;
    ev.count.assign(kLen + 1, 0);
    for (std::size_t i = 0; i < m; ++i) {
        const std::uint32_t k = terms.idx[i];
        Limbs part[kParts];
        if constexpr (kParts == 4) {
            const Gls4Split sp = gls4_split(ks[k]);
            for (int c = 0; c < 4; ++c) {
                part[c] = sp.k[c];
                neg[4 * i + c] = sp.neg[c];
            }
        } else {
            const GlvSplit sp = glv_split(ks[k]);
            part[0] = sp.k1;
            part[1] = sp.k2;
            neg[2 * i] = sp.neg1;
            neg[2 * i + 1] = sp.neg2;
        }
        for (int c = 0; c < kParts; ++c) {
            const std::size_t h = kParts * i + c;
            std::uint8_t* p = dpos.data() + h * kNz;
            const std::size_t n = wnaf_sparse(part[c], tab.width[base[k]], p, dig.data() + h * kNz);
            nd[h] = std::uint8_t(n);
            if (n > 0) ev.top = std::max<std::size_t>(ev.top, p[n - 1] + 1);
            for (std::size_t t = 0; t < n; ++t) ++ev.count[p[t] + 1];
        }
    }
    for (std::size_t t = 0; t < kLen; ++t) ev.count[t + 1] += ev.count[t];
    ev.list.resize(ev.count[kLen]);
    std::vector<std::uint32_t> at(ev.count.begin(), ev.count.end() - 1);
    for (std::size_t i = 0; i < m; ++i) {
        const std::uint32_t r = tab.rank[base[terms.idx[i]]];
        for (int c = 0; c < kParts; ++c) {
            const std::size_t h = kParts * i + c;
            const std::uint8_t* p = dpos.data() + h * kNz;
            const std::int8_t* d = dig.data() + h * kNz;
            const bool ng = neg[h] != 0;
            for (std::size_t t = 0; t < nd[h]; ++t) {
                const int v = d[t];
                ev.list[at[p[t]]++] = Event{terms.owner[i], std::uint32_t(tab.eoff[(v < 0 ? -v : v) >> 1] + r),
                                            std::uint8_t(c), std::uint8_t((v < 0) != ng)};
            }
        }
    }
    return ev;
}

template <class J>
void batch_sums(const typename J::Aff* bases, std::size_t nbases, const std::uint32_t* base, const Limbs* ks,
                const std::uint64_t* start, std::size_t ns, J* out) {
    using F = typename J::Field;
    using Aff = typename J::Aff;
    if (ns == 0) return;
    std::vector<std::uint8_t> bad(ns, 0), started(ns, 0);
    AffineScratch<F> s;
    const Terms terms = keep_terms(bases, nbases, base, ks, start, ns);
    const Tables<F> tab = build_tables(bases, nbases, terms.uses, s);
    for (std::size_t i = 0; i < terms.idx.size(); ++i)
        if (tab.bad[tab.rank[base[terms.idx[i]]]]) bad[terms.owner[i]] = 1;
    const Events ev = recode(base, ks, terms, tab);
    const EndoImages<F> img(tab.tx, tab.ty);

    // Per step: double every accumulator, then add the step's entries. A lane's entries of one
    // step (and its accumulator) are summed as a binary tree, so a step takes about log2 of the
    // largest count rounds of batched additions, each with one inversion for all lanes.
    std::vector<F> ax(ns, F::zero()), ay(ns, F::zero());
    std::size_t max_ev = 0;
    for (std::size_t t = 0; t < kLen; ++t) max_ev = std::max<std::size_t>(max_ev, ev.count[t + 1] - ev.count[t]);
    std::vector<F> ix(max_ev + ns), iy(max_ev + ns), gx(max_ev), gy(max_ev), qx(max_ev), qy(max_ev);
    std::vector<std::uint32_t> gl, gs, gc;  // groups: lane, first item, item count
    std::vector<std::uint8_t> special(max_ev);
    bool any = false;
    for (std::size_t t = ev.top; t-- > 0;) {
        // Lanes not started hold (0, 0), which doubles to (0, 0).
        if (any) affine_dbl_n(ax.data(), ay.data(), ns, s);
        const std::size_t e0 = ev.count[t], e1 = ev.count[t + 1];
        gl.clear();
        gs.clear();
        gc.clear();
        std::size_t ni = 0;
        for (std::size_t e = e0; e < e1; ++e) {
            const Event& v = ev.list[e];
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
            ix[ni] = img.x[v.img][k];
            iy[ni] = v.neg ? -img.y[v.img][k] : img.y[v.img][k];
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
