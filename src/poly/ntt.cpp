// SPDX-License-Identifier: MIT OR Apache-2.0
#include "poly/ntt.hpp"

#include <algorithm>
#include <cstdint>
#include <thread>
#include <utility>

namespace peregrine {

namespace {
// The low `bits` bits of x in reverse order (bits >= 1): swaps of ever smaller bit groups.
std::size_t bit_reverse(std::uint64_t x, unsigned bits) {
    x = (x >> 32) | (x << 32);
    x = ((x >> 16) & 0x0000ffff0000ffffull) | ((x & 0x0000ffff0000ffffull) << 16);
    x = ((x >> 8) & 0x00ff00ff00ff00ffull) | ((x & 0x00ff00ff00ff00ffull) << 8);
    x = ((x >> 4) & 0x0f0f0f0f0f0f0f0full) | ((x & 0x0f0f0f0f0f0f0f0full) << 4);
    x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
    x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
    return std::size_t(x >> (64 - bits));
}

// Stages 0..kLocalLog-1 of the transform act within blocks of 2^kLocalLog elements (32 KiB: the
// L1 data cache): they run block by block, each block through all of them while it is in cache.
// The remaining stages are passes over the whole array.
constexpr unsigned kLocalLog = 10;

// Lazy reduction. The Montgomery product x*w of a canonical w (the twiddle, second operand) is
// canonical for any 256-bit x: the kernels' accumulator stays below w + p. So butterflies can
// leave sums unreduced: with u < B*p and t = x*w < p, u + t and u + (p - t) are below (B+1)*p.
// The transform's input is canonical (B = 1); as 4p < 2^256, u is brought below 2p (one
// conditional subtraction of 2p) only on every other stage, the odd ones from 3 on, so values
// stay below 4p; the last stage makes them canonical again.
enum class Kind { kLazy, kLazyReduce, kLast };

Kind stage_kind(unsigned s, unsigned log_n) {
    if (s + 1 == log_n) return Kind::kLast;
    return s >= 3 && (s & 1) ? Kind::kLazyReduce : Kind::kLazy;
}

using kernels::addc;
using kernels::subb;
constexpr Limbs kP = FrParams::MOD;
constexpr Limbs kP2 = {kP[0] << 1, (kP[1] << 1) | (kP[0] >> 63), (kP[2] << 1) | (kP[1] >> 63), (kP[3] << 1) | (kP[2] >> 63)};

// x - c if x >= c, else x (x < 2^256).
[[gnu::always_inline]] inline void cond_sub(Limbs& x, const Limbs& c) {
    u64 br = 0;
    const u64 d0 = subb(x[0], c[0], br), d1 = subb(x[1], c[1], br), d2 = subb(x[2], c[2], br), d3 = subb(x[3], c[3], br);
    x[0] = br ? x[0] : d0;
    x[1] = br ? x[1] : d1;
    x[2] = br ? x[2] : d2;
    x[3] = br ? x[3] : d3;
}
// x < 4p to canonical.
[[gnu::always_inline]] inline void canonical4(Limbs& x) {
    cond_sub(x, kP2);
    cond_sub(x, kP);
}
// r = u + t (no overflow: the bounds above keep sums below 2^256).
[[gnu::always_inline]] inline void add_raw(Limbs& r, const Limbs& u, const Limbs& t) {
    u64 c = 0;
    r[0] = addc(u[0], t[0], c);
    r[1] = addc(u[1], t[1], c);
    r[2] = addc(u[2], t[2], c);
    r[3] = addc(u[3], t[3], c);
}
// r = u + (p - t), for t < p.
[[gnu::always_inline]] inline void add_p_minus(Limbs& r, const Limbs& u, const Limbs& t) {
    u64 br = 0;
    const u64 d0 = subb(kP[0], t[0], br), d1 = subb(kP[1], t[1], br), d2 = subb(kP[2], t[2], br), d3 = subb(kP[3], t[3], br);
    u64 c = 0;
    r[0] = addc(u[0], d0, c);
    r[1] = addc(u[1], d1, c);
    r[2] = addc(u[2], d2, c);
    r[3] = addc(u[3], d3, c);
}

// One butterfly on (*x0, *x1) with the product t = *x1 * w already canonical; the inverse
// transform's twiddle is -w (see Domain's table), so its sum and difference trade places.
template <Kind K, bool Inv>
[[gnu::always_inline]] inline void butterfly(Fr& x0, Fr& x1, const Fr& t) {
    Limbs u = x0.v;
    if constexpr (K == Kind::kLast) {
        canonical4(u);
        const Fr uc = Fr::from_mont(u);
        x1 = Inv ? uc + t : uc - t;
        x0 = Inv ? uc - t : uc + t;
    } else {
        if constexpr (K == Kind::kLazyReduce) cond_sub(u, kP2);
        Limbs s, d;
        add_raw(s, u, t.v);
        add_p_minus(d, u, t.v);
        x1.v = Inv ? s : d;
        x0.v = Inv ? d : s;
    }
}

// Stage s (pairs 2^s apart; the twiddle of position q < 2^s in a block of 2^(s+1) is
// tw[2^s + q], and tw[2^(s+1) - q] negated for the inverse) on butterflies [b, e) of a.
template <Kind K, bool Inv, class Mul>
void stage_range(Fr* a, unsigned s, std::size_t b, std::size_t e, const Fr* tw, Mul mul) {
    const std::size_t h = std::size_t(1) << s;
    const Fr* w = Inv ? tw + 2 * h : tw + h;
    while (b < e) {
        const std::size_t j0 = b & (h - 1), j1 = std::min(h, j0 + (e - b));
        Fr* x = a + ((b >> s) << (s + 1));
        std::size_t j = j0;
        if (j == 0) {  // twiddle 1: no product, but x1 may be unreduced
            Fr t = x[h];
            canonical4(t.v);
            butterfly<K, false>(x[0], x[h], t);
            ++j;
        }
        for (; j < j1; ++j) {
            const Fr t = mul(x[j + h], Inv ? w[-std::ptrdiff_t(j)] : w[j]);
            butterfly<K, Inv>(x[j], x[j + h], t);
        }
        b += j1 - j0;
    }
}

template <bool Inv, class Mul>
void stage_any(unsigned s, unsigned log_n, Fr* a, std::size_t b, std::size_t e, const Fr* tw, Mul mul) {
    switch (stage_kind(s, log_n)) {
        case Kind::kLazy: stage_range<Kind::kLazy, Inv>(a, s, b, e, tw, mul); break;
        case Kind::kLazyReduce: stage_range<Kind::kLazyReduce, Inv>(a, s, b, e, tw, mul); break;
        case Kind::kLast: stage_range<Kind::kLast, Inv>(a, s, b, e, tw, mul); break;
    }
}

// Stages 0..min(log n, kLocalLog)-1 on the blocks [b, e) of 2^kLocalLog elements.
template <bool Inv, class Mul>
void local_blocks(Fr* a, std::size_t b, std::size_t e, unsigned log_n, const Fr* tw, Mul mul) {
    const unsigned local = std::min(log_n, kLocalLog);
    for (std::size_t k = b; k < e; ++k) {
        Fr* x = a + (k << local);
        for (unsigned s = 0; s < local; ++s) stage_any<Inv>(s, log_n, x, 0, std::size_t(1) << (local - 1), tw, mul);
    }
}

void bit_reverse_range(Fr* a, std::size_t b, std::size_t e, unsigned log_n) {
    for (std::size_t i = b; i < e; ++i) {
        const std::size_t j = bit_reverse(i, log_n);
        if (i < j) std::swap(a[i], a[j]);
    }
}

}  // namespace

Domain::Domain(unsigned log_n) : log_n_(log_n), n_(std::size_t(1) << log_n), root_(fr_root_of_unity(log_n)) {
    // The last stage's twiddles are the powers of the root; each earlier stage's are every
    // other one of the next stage's.
    tw_.resize(std::max<std::size_t>(n_, 2));
    const std::size_t half = n_ / 2;
    tw_[0] = Fr::one();
    if (half > 0) {
        Fr w = Fr::one();
        for (std::size_t i = 0; i < half; ++i) {
            tw_[half + i] = w;
            w *= root_;
        }
        for (std::size_t h = half / 2; h > 0; h /= 2) {
            for (std::size_t i = 0; i < h; ++i) tw_[h + i] = tw_[2 * h + 2 * i];
        }
    }
    n_inv_ = Fr::from_u64(n_).inverse();
}

void Domain::transform(Fr* a, bool inverse, ThreadPool& pool) const {
    if (n_ <= 1) return;
    bit_reverse_range(a, 0, n_, log_n_);
    const Fr* w = tw_.data();
    auto run = [&]<bool Inv>() {
        with_mul<Fr>([&](auto mul) {
            const unsigned local = std::min(log_n_, kLocalLog);
            const std::size_t nblocks = n_ >> local;
            auto local_stages = [&](std::size_t b, std::size_t e) { local_blocks<Inv>(a, b, e, log_n_, w, mul); };
            const bool parallel = n_ >= 8192 && pool.size() > 1;
            if (parallel) {
                pool.parallel_for(nblocks, local_stages, 1);
            } else {
                local_stages(0, nblocks);
            }
            for (unsigned s = local; s < log_n_; ++s) {
                auto range = [&](std::size_t b, std::size_t e) { stage_any<Inv>(s, log_n_, a, b, e, w, mul); };
                if (parallel) {
                    pool.parallel_for(n_ / 2, range, 1);
                } else {
                    range(0, n_ / 2);
                }
            }
        });
    };
    if (inverse) {
        run.template operator()<true>();
    } else {
        run.template operator()<false>();
    }
}

void Domain::fft(Fr* a, ThreadPool& pool) const { transform(a, false, pool); }

void Domain::ifft(Fr* a, ThreadPool& pool) const {
    transform(a, true, pool);
    const Fr k = n_inv_;
    pool.parallel_for(n_, [&](std::size_t b, std::size_t e) {
        with_mul<Fr>([&](auto mul) {
            for (std::size_t i = b; i < e; ++i) a[i] = mul(a[i], k);
        });
    });
}

void Domain::ifft_scaled(Fr* a, const Fr& g, ThreadPool& pool) const {
    transform(a, true, pool);
    scale_by_powers_times(a, n_, n_inv_, g, pool);
}

void Domain::scale_by_powers(Fr* a, std::size_t n, const Fr& g, ThreadPool& pool) {
    scale_by_powers_times(a, n, Fr::one(), g, pool);
}

void Domain::scale_by_powers_times(Fr* a, std::size_t n, const Fr& c, const Fr& g, ThreadPool& pool) {
    pool.parallel_for(n, [&](std::size_t b, std::size_t e) {
        with_mul<Fr>([&](auto mul) {
            Fr x = c * g.pow((u64)b);
            for (std::size_t i = b; i < e; ++i) {
                a[i] = mul(a[i], x);
                x = mul(x, g);
            }
        });
    });
}

CosetRoundTrip::CosetRoundTrip(const Domain& d, Fr* a, const Fr& shift, std::size_t pieces)
    : d_(d), a_(a), shift_(shift), pieces_(std::max<std::size_t>(1, pieces)) {
    if (d_.n_ <= 1) {
        steps_.emplace_back(1, [this](std::size_t) { a_[0] = a_[0] * d_.n_inv_; });
        return;
    }
    add_transform(true);
    const std::size_t n = d_.n_;
    const std::size_t p = std::min(pieces_, n);
    steps_.emplace_back(p, [this, n, p](std::size_t k) {
        const std::size_t lo = n * k / p, hi = n * (k + 1) / p;
        with_mul<Fr>([&](auto mul) {
            Fr x = d_.n_inv_ * shift_.pow(u64(lo));
            for (std::size_t i = lo; i < hi; ++i) {
                a_[i] = mul(a_[i], x);
                x = mul(x, shift_);
            }
        });
    });
    add_transform(false);
}

void CosetRoundTrip::add_transform(bool inverse) {
    const std::size_t n = d_.n_, half = n / 2;
    const unsigned log_n = d_.log_n_;
    const Fr* w = d_.tw_.data();
    const std::size_t p = std::min(pieces_, half);
    steps_.emplace_back(p, [this, n, p, log_n](std::size_t k) { bit_reverse_range(a_, n * k / p, n * (k + 1) / p, log_n); });
    const std::size_t nblocks = n >> std::min(log_n, kLocalLog), pb = std::min(pieces_, nblocks);
    steps_.emplace_back(pb, [this, nblocks, pb, log_n, w, inverse](std::size_t k) {
        with_mul<Fr>([&](auto mul) {
            const std::size_t b = nblocks * k / pb, e = nblocks * (k + 1) / pb;
            if (inverse) {
                local_blocks<true>(a_, b, e, log_n, w, mul);
            } else {
                local_blocks<false>(a_, b, e, log_n, w, mul);
            }
        });
    });
    for (unsigned s = kLocalLog; s < log_n; ++s) {
        steps_.emplace_back(p, [this, half, p, s, log_n, w, inverse](std::size_t k) {
            with_mul<Fr>([&](auto mul) {
                const std::size_t b = half * k / p, e = half * (k + 1) / p;
                if (inverse) {
                    stage_any<true>(s, log_n, a_, b, e, w, mul);
                } else {
                    stage_any<false>(s, log_n, a_, b, e, w, mul);
                }
            });
        });
    }
}

void CosetRoundTrip::work() {
    for (;;) {
        const std::size_t s = step_.load(std::memory_order_acquire);
        if (s == steps_.size()) return;
        Step& st = steps_[s];
        const std::size_t k = st.next.fetch_add(1, std::memory_order_relaxed);
        if (k < st.pieces) {
            st.fn(k);
            // The last piece's thread opens the next step; its acq_rel orders the other pieces' writes
            // before the release below.
            if (st.done.fetch_add(1, std::memory_order_acq_rel) + 1 == st.pieces) step_.store(s + 1, std::memory_order_release);
        } else {
            while (step_.load(std::memory_order_acquire) == s) std::this_thread::yield();
        }
    }
}

}  // namespace peregrine
