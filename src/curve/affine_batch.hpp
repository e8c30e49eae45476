// SPDX-License-Identifier: MIT OR Apache-2.0
// Affine point arithmetic on many independent points in lockstep (`ptau prepare`, the batched
// scalar multiplications of curve/batch_mul, curve/batch_sums and curve/fixed_base): the
// denominators of one step share one field inversion (Montgomery's trick), and every field
// product of a step is one mul_n call (eight products at a time with AVX-512 IFMA). An affine
// doubling then costs about 7 products, an addition 6, a sum-and-difference pair 9 (Jacobian:
// 7, 11 mixed, 2 x 16 general). Cases with a zero denominator (equal or opposite points, or the
// point at infinity) are reported to the caller, which redoes them one by one.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "curve/affine_lanes.hpp"
#include "curve/bn254.hpp"

namespace peregrine {

namespace detail {
// a + b as plain 256-bit integers (no reduction); the caller bounds the sum below 2^256.
[[gnu::always_inline]] inline Fq add_unreduced(const Fq& a, const Fq& b) {
    Fq r;
    kernels::u64 c = 0;
    for (int k = 0; k < 4; ++k) r.v[k] = kernels::addc(a.v[k], b.v[k], c);
    return r;
}
}  // namespace detail

template <class F>
struct AffineScratch {
    std::vector<F> t0, t1, t2, t3, t4, t5, t6, t7, sc;
    std::vector<std::uint8_t> sp;
    std::vector<std::uint64_t> lanes;  // with IFMA (curve/affine_lanes)
    void reserve(std::size_t n) {
        for (auto* v : {&t0, &t1, &t2, &t3, &t4, &t5, &t6, &t7, &sc})
            if (v->size() < n) v->resize(n);
        if (sp.size() < n) sp.resize(n);
    }
#if defined(__x86_64__)
    // Whether the formulas take the fused IFMA passes (then with their scratch reserved).
    bool ifma(std::size_t n) {
        if constexpr (std::is_same_v<F, Fq> || std::is_same_v<F, Fq2>) {
            if (detail::use_ifma<Fq>(n)) {
                const std::size_t w = affine_lanes::scratch_words(n, std::is_same_v<F, Fq2>);
                if (lanes.size() < w) lanes.resize(w);
                return true;
            }
        }
        return false;
    }
#endif
};

// (x[k], y[k]) <- 2 (x[k], y[k]) for k < n. Entries with y = 0 (stand-ins for the point at
// infinity) get garbage and must be ignored by the caller.
template <class F>
void affine_dbl_n(F* x, F* y, std::size_t n, AffineScratch<F>& s) {
#if defined(__x86_64__)
    if (s.ifma(n)) return affine_lanes::dbl(x, y, n, s.lanes.data());
#endif
    s.reserve(n);
    F *den = s.t0.data(), *xx = s.t1.data(), *lam = s.t2.data(), *u = s.t3.data();
    sqr_n(xx, x, n);
    if constexpr (std::is_same_v<F, Fq>) {
        // 2y < 2p and 3x^2 < 3p are left unreduced: a Montgomery product of any a < 2^256 (first
        // operand) and b < 2^256 - p stays below a b / 2^256 + p, one subtraction from canonical
        // when a b < p 2^256, as here (3p * p and p * 2p, p < 2^254). 3x^2 is only the first
        // operand beside the canonical inverses; 2y only the second operand of batch_inverse's
        // chains, and 2y = 0 exactly when y = 0.
        for (std::size_t k = 0; k < n; ++k) {
            den[k] = detail::add_unreduced(y[k], y[k]);
            xx[k] = detail::add_unreduced(detail::add_unreduced(xx[k], xx[k]), xx[k]);
        }
    } else {
        for (std::size_t k = 0; k < n; ++k) {
            den[k] = y[k].dbl();
            xx[k] = xx[k].dbl() + xx[k];
        }
    }
    batch_inverse(den, n, s.sc.data());
    mul_n(lam, xx, den, n);  // 3 x^2 / (2 y)
    sqr_n(u, lam, n);
    for (std::size_t k = 0; k < n; ++k) {
        const F x3 = u[k] - x[k].dbl();
        u[k] = x[k] - x3;
        x[k] = x3;
    }
    mul_n(u, lam, u, n);
    for (std::size_t k = 0; k < n; ++k) y[k] = u[k] - y[k];
}

// (x1[k], y1[k]) <- (x1[k], y1[k]) + (x2[k], y2[k]) for k < n. Returns in special[k] whether
// x1[k] == x2[k] (doubling or opposite points); those entries get garbage.
template <class F>
void affine_add_n(F* x1, F* y1, const F* x2, const F* y2, std::size_t n, std::uint8_t* special, AffineScratch<F>& s) {
#if defined(__x86_64__)
    if (s.ifma(n)) return affine_lanes::add(x1, y1, x2, y2, n, special, s.lanes.data());
#endif
    s.reserve(n);
    F *den = s.t0.data(), *num = s.t1.data(), *lam = s.t2.data(), *u = s.t3.data();
    for (std::size_t k = 0; k < n; ++k) {
        den[k] = x2[k] - x1[k];
        special[k] = den[k].is_zero();
        num[k] = y2[k] - y1[k];
    }
    batch_inverse(den, n, s.sc.data());
    mul_n(lam, num, den, n);
    sqr_n(u, lam, n);
    for (std::size_t k = 0; k < n; ++k) {
        const F x3 = u[k] - x1[k] - x2[k];
        u[k] = x1[k] - x3;
        x1[k] = x3;
    }
    mul_n(u, lam, u, n);
    for (std::size_t k = 0; k < n; ++k) y1[k] = u[k] - y1[k];
}

// (p[k], q[k]) <- (p[k] + q[k], p[k] - q[k]) for affine points, k < n, one shared denominator
// per pair. Pairs with infinity or equal x are done one by one in Jacobian coordinates.
template <class J>
void affine_butterfly_n(typename J::Aff* p, typename J::Aff* q, std::size_t n,
                        AffineScratch<typename J::Field>& s) {
    using F = typename J::Field;
    s.reserve(n);
    F *den = s.t0.data(), *lp = s.t4.data(), *lm = s.t5.data(), *xs = s.t6.data(), *xd = s.t7.data();
    std::uint8_t* special = s.sp.data();
    for (std::size_t k = 0; k < n; ++k) {
        special[k] = p[k].is_infinity() || q[k].is_infinity() || p[k].x == q[k].x;
        den[k] = special[k] ? F::zero() : q[k].x - p[k].x;
        lp[k] = q[k].y - p[k].y;
        lm[k] = -q[k].y - p[k].y;
    }
    batch_inverse(den, n, s.sc.data());
    mul_n(lp, lp, den, n);
    mul_n(lm, lm, den, n);
    sqr_n(xs, lp, n);
    sqr_n(xd, lm, n);
    for (std::size_t k = 0; k < n; ++k) {
        const F sx = p[k].x + q[k].x;
        xs[k] = xs[k] - sx;  // x of the sum
        xd[k] = xd[k] - sx;  // x of the difference
        s.t1[k] = p[k].x - xs[k];
        s.t2[k] = p[k].x - xd[k];
    }
    mul_n(s.t1.data(), lp, s.t1.data(), n);
    mul_n(s.t2.data(), lm, s.t2.data(), n);
    for (std::size_t k = 0; k < n; ++k) {
        if (special[k]) {
            const J a = J::from_affine(p[k]);
            const J sum = a.add(q[k]), dif = a.add(q[k].neg());
            p[k] = sum.to_affine();
            q[k] = dif.to_affine();
            continue;
        }
        const F py = p[k].y;
        p[k] = {xs[k], s.t1[k] - py};
        q[k] = {xd[k], s.t2[k] - py};
    }
}

}  // namespace peregrine
