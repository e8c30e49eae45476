// SPDX-License-Identifier: MIT OR Apache-2.0
// The MSM's path for scalar-1 points (half the values of a bit-heavy witness): their plain sum.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "curve/bn254.hpp"

namespace peregrine::msm_detail {

// The sum of the points P_i, b <= i < e, whose flag one[i] is 1 (bases: affine points in the file
// layout, see msm.hpp), by a tree of batched affine additions: the points are gathered in blocks
// and added in pairs, each round with one shared inversion (about 6 products per addition), until
// few are left; those go into a Jacobian sum.
template <class J>
J sum_ones(const std::uint8_t* bases, const std::uint8_t* one, std::size_t b, std::size_t e) {
    using Aff = typename J::Aff;
    using F = typename J::Field;
    constexpr std::size_t kBlock = 4096;
    constexpr std::size_t kMinPairs = 48;  // below this, an inversion costs more than it saves
    static thread_local std::vector<Aff> pts;
    static thread_local std::vector<F> num, den, lam, tmp, pre;
    for (auto* v : {&num, &den, &lam, &tmp, &pre})
        if (v->size() < kBlock / 2) v->resize(kBlock / 2);
    pts.reserve(kBlock);
    J acc = J::infinity();
    for (std::size_t i = b; i < e;) {
        pts.clear();
        for (; i < e && pts.size() < kBlock; ++i) {
            if (one[i] != 1) continue;  // 1: the scalar is 1 (MsmJob::kScalarOne)
            Aff p;
            std::memcpy(static_cast<void*>(&p), bases + i * sizeof(Aff), sizeof p);
            if (!p.is_infinity()) pts.push_back(p);
        }
        while (pts.size() >= 2 * kMinPairs) {
            const std::size_t m = pts.size() / 2;
            for (std::size_t k = 0; k < m; ++k) {
                const Aff &a = pts[2 * k], &q = pts[2 * k + 1];
                if (a.x == q.x) {
                    if (a.y == q.y) {  // a doubling (y != 0: the groups have odd order)
                        const F xx = a.x.square();
                        num[k] = xx.dbl() + xx;
                        den[k] = a.y.dbl();
                    } else {  // a == -q: the pair sums to infinity
                        num[k] = F::zero();
                        den[k] = F::zero();
                    }
                } else {
                    num[k] = q.y - a.y;
                    den[k] = q.x - a.x;
                }
            }
            batch_inverse(den.data(), m, pre.data());
            mul_n(lam.data(), num.data(), den.data(), m);
            sqr_n(tmp.data(), lam.data(), m);
            for (std::size_t k = 0; k < m; ++k) {  // x3 = lambda^2 - x1 - x2; tmp = x1 - x3
                num[k] = tmp[k] - pts[2 * k].x - pts[2 * k + 1].x;
                tmp[k] = pts[2 * k].x - num[k];
            }
            mul_n(tmp.data(), lam.data(), tmp.data(), m);
            const bool odd = pts.size() % 2 != 0;
            const Aff last = pts.back();
            std::size_t out = 0;
            for (std::size_t k = 0; k < m; ++k) {  // out <= k: pts[2k] is read before pts[out] is written
                if (den[k].is_zero()) continue;
                const F y3 = tmp[k] - pts[2 * k].y;
                pts[out].x = num[k];
                pts[out].y = y3;
                ++out;
            }
            if (odd) pts[out++] = last;
            pts.resize(out);
        }
        for (const Aff& p : pts) acc = acc.add(p);
    }
    return acc;
}

}  // namespace peregrine::msm_detail
