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

namespace {
// c0^2 + c1^2 in Fq: two 512-bit products and one reduction (their sum is below 2p^2 < p 2^256).
template <class K>
[[gnu::always_inline]] inline Fq norm(const Fq2& x) {
    using kernels::u64;
    u64 t0[8], t1[8];
    K::mul(t0, x.c0.v.data(), x.c0.v.data());
    K::mul(t1, x.c1.v.data(), x.c1.v.data());
    u64 c = 0;
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) t0[i] = kernels::addc(t0[i], t1[i], c);
    Fq r;
    K::redc(r.v.data(), t0, Fq::MOD.data(), Fq::INV);
    return r;
}

// Montgomery's trick on the norms: 1/x = conj(x)/N(x) with N(x) = c0^2 + c1^2 in Fq. Per element
// a norm (about 1.3 Fq products), three Fq products for the trick and two for the conjugate:
// about 6.3 Fq products instead of three Fq2 products (nine). The trick runs in four
// interleaved chains; scratch[i] holds the chain's prefix before i (c0) and N_i (c1).
template <class K, class Mul>
void batch_inverse_by_norms(Fq2* xs, std::size_t n, Fq2* scratch, Mul mul) {
    Fq acc[4] = {Fq::one(), Fq::one(), Fq::one(), Fq::one()};
    for (std::size_t i = 0; i < n; ++i) {
        scratch[i].c0 = acc[i & 3];
        if (xs[i].is_zero()) continue;  // zeros stay zero (a nonzero x has a nonzero norm)
        const Fq nm = norm<K>(xs[i]);
        scratch[i].c1 = nm;
        acc[i & 3] = mul(acc[i & 3], nm);
    }
    const Fq a01 = mul(acc[0], acc[1]), a23 = mul(acc[2], acc[3]);
    const Fq t = mul(a01, a23).inverse_vartime();
    const Fq t01 = mul(t, a23), t23 = mul(t, a01);
    Fq inv[4] = {mul(t01, acc[1]), mul(t01, acc[0]), mul(t23, acc[3]), mul(t23, acc[2])};
    for (std::size_t i = n; i-- > 0;) {
        if (xs[i].is_zero()) continue;
        const Fq in = mul(inv[i & 3], scratch[i].c0);  // 1/N_i
        inv[i & 3] = mul(inv[i & 3], scratch[i].c1);
        xs[i] = {mul(xs[i].c0, in), -mul(xs[i].c1, in)};
    }
}
}  // namespace

void batch_inverse(Fq2* xs, std::size_t n, Fq2* scratch) {
    if (n == 0) return;
    if (!detail::use_ifma<Fq>(n)) {
#if defined(__x86_64__)
        if (kernels::kHaveAdx) return batch_inverse_by_norms<kernels::WideAdx>(xs, n, scratch, MulAdx{});
#endif
        return batch_inverse_by_norms<kernels::WidePortable>(xs, n, scratch, MulPortable{});
    }
    // 1/x = conj(x) / (c0^2 + c1^2): one batch inversion in Fq of the norms.
    Fq* x = fq_array(xs);
    Fq* q = fq_array(scratch);  // 2n elements
    sqr_n(q, x, 2 * n);
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
