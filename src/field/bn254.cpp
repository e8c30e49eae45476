// SPDX-License-Identifier: MIT OR Apache-2.0
#include "field/bn254.hpp"

#include <algorithm>
#include <stdexcept>

namespace peregrine {

Fr fr_root_of_unity(unsigned k) {
    if (k > kFrTwoAdicity) throw std::invalid_argument("Fr has no root of unity of order 2^k for k > 28");
    // (r-1) / 2^28
    Limbs t = FrParams::MOD;
    t[0] -= 1;
    for (unsigned i = 0; i < kFrTwoAdicity; ++i) {
        for (int j = 0; j < 4; ++j) t[j] = (t[j] >> 1) | (j < 3 ? (t[j + 1] << 63) : 0);
    }
    Fr w = Fr::from_u64(kFrRootGenerator).pow(t);
    for (unsigned i = k; i < kFrTwoAdicity; ++i) w = w.square();
    return w;
}

namespace {
constexpr std::size_t kBlock = 64;  // Fq2 elements per pass: four Fq arrays of 2 KiB on the stack
Fq* fq_array(Fq2* p) { return reinterpret_cast<Fq*>(p); }
const Fq* fq_array(const Fq2* p) { return reinterpret_cast<const Fq*>(p); }
}  // namespace

void mul_n(Fq2* r, const Fq2* a, const Fq2* b, std::size_t n) {
    if (!detail::use_ifma<Fq>(n)) {
        if (a == b) {
            for (std::size_t i = 0; i < n; ++i) r[i] = a[i].square();
        } else {
            for (std::size_t i = 0; i < n; ++i) r[i] = a[i] * b[i];
        }
        return;
    }
    Fq s[kBlock], t[kBlock], u[kBlock], v[kBlock];
    for (std::size_t i0 = 0; i0 < n; i0 += kBlock) {
        const std::size_t m = std::min(kBlock, n - i0);
        const Fq2* x = a + i0;
        const Fq2* y = b + i0;
        Fq2* z = r + i0;
        if (a == b) {
            // (x0 + x1)(x0 - x1) + 2 x0 x1 u; both products before z (which may be x) is written.
            for (std::size_t k = 0; k < m; ++k) {
                s[k] = x[k].c0 + x[k].c1;
                t[k] = x[k].c0 - x[k].c1;
                u[k] = x[k].c0.dbl();
                v[k] = x[k].c1;
            }
            mul_n(s, s, t, m);
            mul_n(u, u, v, m);
            for (std::size_t k = 0; k < m; ++k) z[k] = {s[k], u[k]};
        } else {
            // Karatsuba: t0 = x0 y0 and t1 = x1 y1 come from one pass over the 2m coefficients,
            // t2 = (x0 + x1)(y0 + y1); z = (t0 - t1) + (t2 - t0 - t1) u.
            for (std::size_t k = 0; k < m; ++k) {
                s[k] = x[k].c0 + x[k].c1;
                t[k] = y[k].c0 + y[k].c1;
            }
            mul_n(s, s, t, m);
            mul_n(fq_array(z), fq_array(x), fq_array(y), 2 * m);
            for (std::size_t k = 0; k < m; ++k) {
                const Fq t0 = z[k].c0, t1 = z[k].c1;
                z[k] = {t0 - t1, s[k] - t0 - t1};
            }
        }
    }
}

void batch_inverse(Fq2* xs, std::size_t n, Fq2* scratch) {
    if (!detail::use_ifma<Fq>(n)) {
        batch_inverse<Fq2>(xs, n, scratch);
        return;
    }
    // 1/x = conj(x) / (c0^2 + c1^2): one batch inversion in Fq of the norms.
    Fq* x = fq_array(xs);
    Fq* q = fq_array(scratch);  // 2n elements
    mul_n(q, x, x, 2 * n);
    for (std::size_t i = 0; i < n; ++i) q[i] = q[2 * i] + q[2 * i + 1];  // reads at or after i
    batch_inverse(q, n, q + n);
    for (std::size_t i = n; i-- > 0;) {  // q[2i] = q[2i+1] = 1/norm_i; writes at or after i
        q[2 * i + 1] = q[i];
        q[2 * i] = q[i];
    }
    mul_n(x, x, q, 2 * n);
    for (std::size_t i = 0; i < n; ++i) xs[i].c1 = -xs[i].c1;
}

}  // namespace peregrine
