// SPDX-License-Identifier: MIT OR Apache-2.0
// Prime fields of at most 255 bits in Montgomery form over 4x64-bit limbs.
// P supplies `static constexpr Limbs MOD` (top limb < 2^63 - 1) and a name.
#pragma once
#include <optional>
#include <vector>
#include <string>
#include <string_view>

#include "field/bigint.hpp"
#include "field/inverse.hpp"
#include "field/kernels.hpp"

namespace peregrine {

namespace detail {

constexpr u64 mont_inv(u64 m0) {
    // -m0^-1 mod 2^64 by Newton iteration.
    u64 x = 1;
    for (int i = 0; i < 7; ++i) x *= 2 - m0 * x;
    return 0 - x;
}

constexpr Limbs double_mod(Limbs a, const Limbs& m) {
    u64 carry = 0;
    Limbs s{};
    for (int i = 0; i < 4; ++i) {
        u64 nxt = a[i] >> 63;
        s[i] = (a[i] << 1) | carry;
        carry = nxt;
    }
    if (carry || cmp(s, m) >= 0) {
        u64 br = 0;
        for (int i = 0; i < 4; ++i) {
            unsigned __int128 t = (unsigned __int128)s[i] - m[i] - br;
            s[i] = (u64)t;
            br = (u64)(t >> 127);
        }
    }
    return s;
}

// 2^k mod m
constexpr Limbs pow2_mod(unsigned k, const Limbs& m) {
    Limbs r{1, 0, 0, 0};
    for (unsigned i = 0; i < k; ++i) r = double_mod(r, m);
    return r;
}

}  // namespace detail

template <class P>
class Fp {
public:
    static constexpr Limbs MOD = P::MOD;
    static constexpr u64 INV = detail::mont_inv(P::MOD[0]);
    static constexpr Limbs R1 = detail::pow2_mod(256, P::MOD);
    static constexpr Limbs R2 = detail::pow2_mod(512, P::MOD);
    static constexpr unsigned BITS = bit_length(P::MOD);
    static constexpr std::size_t BYTES = 32;

    Limbs v{};  // Montgomery representation: value * 2^256 mod MOD

    constexpr Fp() = default;

    static constexpr Fp zero() { return Fp(); }
    static constexpr Fp one() { return from_mont(R1); }
    // Takes limbs already in Montgomery form (as stored in snarkjs point sections).
    static constexpr Fp from_mont(const Limbs& m) {
        Fp r;
        r.v = m;
        return r;
    }
    // Takes a canonical integer < MOD.
    static Fp from_canonical(const Limbs& a) {
        Fp r;
        kernels::mont_mul4(r.v.data(), a.data(), R2.data(), MOD.data(), INV);
        return r;
    }
    static Fp from_u64(u64 x) { return from_canonical(Limbs{x, 0, 0, 0}); }
    // Parses decimal text; nullopt unless the value is < MOD.
    static std::optional<Fp> from_decimal(std::string_view s) {
        auto l = peregrine::from_decimal(s);
        if (!l || cmp(*l, MOD) >= 0) return std::nullopt;
        return from_canonical(*l);
    }
    static bool is_canonical(const Limbs& a) { return cmp(a, MOD) < 0; }

    Limbs to_canonical() const {
        static constexpr Limbs kOne{1, 0, 0, 0};
        Limbs r;
        kernels::mont_mul4(r.data(), v.data(), kOne.data(), MOD.data(), INV);
        return r;
    }
    std::string to_decimal() const { return peregrine::to_decimal(to_canonical()); }

    [[gnu::always_inline]] bool is_zero() const { return (v[0] | v[1] | v[2] | v[3]) == 0; }
    [[gnu::always_inline]] bool operator==(const Fp& o) const {
        return ((v[0] ^ o.v[0]) | (v[1] ^ o.v[1]) | (v[2] ^ o.v[2]) | (v[3] ^ o.v[3])) == 0;
    }
    [[gnu::always_inline]] bool operator!=(const Fp& o) const { return !(*this == o); }

    [[gnu::always_inline]] friend Fp operator+(const Fp& a, const Fp& b) {
        Fp r;
        kernels::mod_add4(r.v.data(), a.v.data(), b.v.data(), MOD.data());
        return r;
    }
    [[gnu::always_inline]] friend Fp operator-(const Fp& a, const Fp& b) {
        Fp r;
        kernels::mod_sub4(r.v.data(), a.v.data(), b.v.data(), MOD.data());
        return r;
    }
    [[gnu::always_inline]] friend Fp operator*(const Fp& a, const Fp& b) {
        Fp r;
        kernels::mont_mul4(r.v.data(), a.v.data(), b.v.data(), MOD.data(), INV);
        return r;
    }
    [[gnu::always_inline]] Fp operator-() const { return Fp() - *this; }
    [[gnu::always_inline]] Fp& operator+=(const Fp& b) { return *this = *this + b; }
    [[gnu::always_inline]] Fp& operator-=(const Fp& b) { return *this = *this - b; }
    [[gnu::always_inline]] Fp& operator*=(const Fp& b) { return *this = *this * b; }
    [[gnu::always_inline]] Fp dbl() const { return *this + *this; }
    // The square kernel needs MOD < 2^254 (BN254's p and r); a wider modulus squares by the product.
    [[gnu::always_inline]] Fp square() const {
        if constexpr (BITS > 254) return *this * *this;
        Fp r;
        kernels::mont_sqr4(r.v.data(), v.data(), MOD.data(), INV);
        return r;
    }

    // this^e for a canonical exponent e.
    Fp pow(const Limbs& e) const {
        Fp r = one();
        for (int i = (int)bit_length(e) - 1; i >= 0; --i) {
            r = r.square();
            if (bit(e, (unsigned)i)) r *= *this;
        }
        return r;
    }
    Fp pow(u64 e) const { return pow(Limbs{e, 0, 0, 0}); }

    // Multiplicative inverse (0 maps to 0).
    Fp inverse() const {
        Limbs e = MOD;
        u64 br = 2;
        for (int i = 0; i < 4 && br; ++i) {
            u64 old = e[i];
            e[i] = old - br;
            br = old < br ? 1 : 0;
        }
        return pow(e);
    }

    // The same by Bernstein-Yang divsteps (field/inverse.hpp): about six times faster, but its time
    // depends on the value. For the MSM's and the affine batches' inversions (as in rapidsnark and
    // arkworks), not for secrets such as a contribution's toxic waste.
    Fp inverse_vartime() const {
        if (is_zero()) return *this;
        // v holds aR; the inversion scaled by R^2 gives R^2 (aR)^-1 = a^-1 R, a^-1 in Montgomery form.
        static constexpr detail::InvModulus kInvMod = detail::make_inv_modulus(MOD);
        return from_mont(detail::inverse_vartime(v, R2, kInvMod));
    }
};

namespace detail {
// Whether F is a 4x64-bit Montgomery field that the IFMA kernels can take (modulus < 2^254).
template <class F>
constexpr bool ifma_field() {
    if constexpr (requires { F::MOD; F::INV; }) {
        return F::BITS <= 254;
    } else {
        return false;
    }
}
template <class F>
[[gnu::always_inline]] inline bool use_ifma([[maybe_unused]] std::size_t n) {
#if defined(__x86_64__)
    if constexpr (ifma_field<F>()) return n >= 8 && kernels::kHaveIfma;
#endif
    return false;
}
}  // namespace detail

// The Montgomery product (and square, `sqr`) with its kernel fixed at compile time.
// `Fp::operator*` tests at every product which kernel the CPU runs; a loop of many products calls
// with_mul<F>(body) instead, which makes that choice once and runs body(mul) with one of these: the
// loop then holds one kernel's code and registers rather than both.
struct MulPortable {
    template <class P>
    [[gnu::always_inline]] Fp<P> operator()(const Fp<P>& a, const Fp<P>& b) const {
        Fp<P> r;
#if defined(__x86_64__)
        kernels::mont_mul4_portable_call(r.v.data(), a.v.data(), b.v.data(), Fp<P>::MOD.data(), Fp<P>::INV);
#else
        kernels::mont_mul4_portable(r.v.data(), a.v.data(), b.v.data(), Fp<P>::MOD.data(), Fp<P>::INV);
#endif
        return r;
    }
    template <class P>
    [[gnu::always_inline]] Fp<P> sqr(const Fp<P>& a) const {
        return (*this)(a, a);
    }
};
#if defined(__x86_64__)
struct MulAdx {
    template <class P>
    [[gnu::always_inline]] Fp<P> operator()(const Fp<P>& a, const Fp<P>& b) const {
        Fp<P> r;
        kernels::mont_mul4_adx(r.v.data(), a.v.data(), b.v.data(), Fp<P>::MOD.data(), Fp<P>::INV);
        return r;
    }
    template <class P>
    [[gnu::always_inline]] Fp<P> sqr(const Fp<P>& a) const {
        if constexpr (Fp<P>::BITS > 254) return (*this)(a, a);
        Fp<P> r;
        kernels::mont_sqr4_adx(r.v.data(), a.v.data(), Fp<P>::MOD.data(), Fp<P>::INV);
        return r;
    }
};
#endif
// For fields other than Fp (Fq2), whose product is a function of its own.
struct MulOperator {
    template <class F>
    [[gnu::always_inline]] F operator()(const F& a, const F& b) const {
        return a * b;
    }
    template <class F>
    [[gnu::always_inline]] F sqr(const F& a) const {
        return a.square();
    }
};

template <class F, class Body>
[[gnu::always_inline]] inline void with_mul(Body&& body) {
    if constexpr (requires { F::MOD; F::INV; }) {
#if defined(__x86_64__)
        if (kernels::kHaveAdx) {
            body(MulAdx{});
            return;
        }
#endif
        body(MulPortable{});
    } else {
        body(MulOperator{});
    }
}

// r[i] = a[i] * b[i] for i < n (r may be a or b): eight at a time with AVX-512 IFMA where the CPU
// has it, else one by one (independent products, so they overlap in the pipeline).
template <class F>
void mul_n(F* r, const F* a, const F* b, std::size_t n) {
#if defined(__x86_64__)
    if constexpr (detail::ifma_field<F>()) {
        if (detail::use_ifma<F>(n)) {
            static_assert(sizeof(F) == 32);
            kernels::mont_mul4_n_ifma(reinterpret_cast<u64(*)[4]>(r), reinterpret_cast<const u64(*)[4]>(a),
                                      reinterpret_cast<const u64(*)[4]>(b), n, F::MOD.data(), F::INV);
            return;
        }
    }
#endif
    with_mul<F>([&](auto mul) {
        for (std::size_t i = 0; i < n; ++i) r[i] = mul(a[i], b[i]);
    });
}

// r[i] = a[i]^2 for i < n (r may be a): with IFMA as mul_n(r, a, a, n), else by the square kernels.
template <class F>
void sqr_n(F* r, const F* a, std::size_t n) {
#if defined(__x86_64__)
    if constexpr (detail::ifma_field<F>()) {
        if (detail::use_ifma<F>(n)) {
            mul_n(r, a, a, n);
            return;
        }
    }
#endif
    with_mul<F>([&](auto mul) {
        for (std::size_t i = 0; i < n; ++i) r[i] = mul.sqr(a[i]);
    });
}

// Replaces each element by its inverse with one field inversion (zeros stay zero), using
// `scratch` (n elements) for the prefix products. The products run in interleaved chains (four,
// or eight vector lanes with IFMA) so that consecutive multiplications do not wait on each other.
template <class F>
void batch_inverse(F* xs, std::size_t n, F* scratch) {
    if (n == 0) return;
#if defined(__x86_64__)
    if constexpr (detail::ifma_field<F>()) {
        if (detail::use_ifma<F>(n)) {
            auto* x = reinterpret_cast<u64(*)[4]>(xs);
            auto* s = reinterpret_cast<u64(*)[4]>(scratch);
            F acc[8], inv[8];
            const F one = F::one();
            kernels::batch_prefix_ifma(x, n, s, reinterpret_cast<u64(*)[4]>(acc), one.v.data(), F::MOD.data(), F::INV);
            F pre[8];  // pre[c] = acc[0] ... acc[c-1]
            pre[0] = one;
            for (int c = 1; c < 8; ++c) pre[c] = pre[c - 1] * acc[c - 1];
            F t = (pre[7] * acc[7]).inverse_vartime();
            for (int c = 8; c-- > 0;) {
                inv[c] = t * pre[c];
                t *= acc[c];
            }
            kernels::batch_suffix_ifma(x, n, s, reinterpret_cast<const u64(*)[4]>(inv), F::MOD.data(), F::INV);
            return;
        }
    }
#endif
    with_mul<F>([&](auto mul) {
        F acc[4] = {F::one(), F::one(), F::one(), F::one()};
        for (std::size_t i = 0; i < n; ++i) {
            scratch[i] = acc[i & 3];
            if (!xs[i].is_zero()) acc[i & 3] = mul(acc[i & 3], xs[i]);
        }
        const F a01 = mul(acc[0], acc[1]), a23 = mul(acc[2], acc[3]);
        const F t = mul(a01, a23).inverse_vartime();
        const F t01 = mul(t, a23), t23 = mul(t, a01);  // 1/(acc0 acc1), 1/(acc2 acc3)
        F inv[4] = {mul(t01, acc[1]), mul(t01, acc[0]), mul(t23, acc[3]), mul(t23, acc[2])};
        for (std::size_t i = n; i-- > 0;) {
            if (xs[i].is_zero()) continue;
            const F x = xs[i];
            xs[i] = mul(inv[i & 3], scratch[i]);
            inv[i & 3] = mul(inv[i & 3], x);
        }
    });
}

template <class F>
void batch_inverse(F* xs, std::size_t n) {
    std::vector<F> scratch(n);
    batch_inverse(xs, n, scratch.data());
}

}  // namespace peregrine
