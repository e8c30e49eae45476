// SPDX-License-Identifier: MIT OR Apache-2.0
#include "msm/msm.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "curve/glv.hpp"
#include "msm/buckets.hpp"
#include "msm/sum_ones.hpp"

namespace peregrine {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "point sections are read in place: little-endian hosts only");
static_assert(sizeof(G1Affine) == 64 && sizeof(G2Affine) == 128, "affine points must match the file layout");

namespace {

using msm_detail::AffineBuckets;
using msm_detail::JacobianBuckets;
using msm_detail::load;

// Every scalar k is split (GLV) as k = k1 + k2*lambda mod r with |k1|, |k2| < 2^127, and the MSM
// runs over 2n points: P_i with k1 and phi(P_i) = lambda*P_i with k2, where phi(x, y) = (beta*x, y)
// for a cube root of unity beta in Fq (G1 and G2 alike: the twist has a = 0 too). Half the
// windows, so half the bucket reductions, for the same number of bucket additions.
constexpr unsigned kScalarBits = 127;
// Signed digits must fit in int16_t: at c = 16 the digit 2^15 is avoided (see recode_scalar).
constexpr unsigned kMaxWindow = 16;

constexpr unsigned windows_for(unsigned c) { return (kScalarBits + c) / c; }  // room for the final carry
constexpr unsigned kMaxWindows = windows_for(2);

// Signed base-2^c digits of (-1)^neg k for k < 2^127, each in [-2^(c-1), 2^(c-1)]. At c = 16
// they must fit in int16_t, so the digit 2^15 is never produced: a window that would hold it
// carries instead (digits of k in [-2^15, 2^15 - 1], or in [-2^15 + 1, 2^15] before negation),
// except the top one, which cannot hold it because GLV halves are below 0.88 * 2^127 (lattice
// basis vectors of 127 and 64 bits; GlvSplitRecombines checks the margin). A digit that does
// not fit, or a carry out of the top window, throws: never a wrong sum.
void recode_scalar(const Limbs& k, bool neg, unsigned c, unsigned nwin, std::int16_t* out) {
    const std::int32_t half = 1 << (c - 1), full = 1 << c;
    std::int32_t carry = 0;
    for (unsigned w = 0; w < nwin; ++w) {
        const unsigned lo = w * c;
        std::uint32_t raw = 0;
        if (lo < 256) {
            const unsigned limb = lo / 64, off = lo % 64;
            unsigned __int128 two = k[limb];
            if (limb + 1 < 4) two |= (unsigned __int128)k[limb + 1] << 64;
            raw = (std::uint32_t)((two >> off) & (unsigned)(full - 1));
        }
        // Without branches: the carry is a coin flip per window, which a predictor cannot learn.
        std::int32_t d = (std::int32_t)raw + carry;
        const bool half_carries = !neg && w + 1 < nwin;
        carry = std::int32_t(d > half) | (std::int32_t(d == half) & std::int32_t(half_carries));
        d -= carry * full;
        const std::int32_t sign = -std::int32_t(neg);  // 0 or all ones
        d = (d ^ sign) - sign;
        if (d > INT16_MAX || d < INT16_MIN) throw std::logic_error("msm: scalar digit out of range");
        out[w] = (std::int16_t)d;
    }
    if (carry != 0) throw std::logic_error("msm: scalar too large for its windows");
}

struct MsmPlan {
    unsigned c;
    bool affine;
};

MsmPlan plan_for(std::size_t n_scalars) {
    const std::size_t n = 2 * n_scalars;  // GLV: two points of half-size scalars per scalar
    // Cost model in field multiplications per window. Accumulation: ~11 per point with Jacobian
    // buckets, ~7 with batched affine ones plus one inversion (~80 since the divstep inversion,
    // field/inverse.hpp; ~400 before) per batch of nbuckets/4 (at most 2048, as in AffineBuckets).
    // Reduction: two additions per bucket, ~32 Jacobian; with affine buckets the segmented
    // reduction costs one to two accumulated points per bucket (G1 at 2^16 on Zen 3, ADX: 13-
    // to 16-bit windows within 4% of each other), so 12: 13-bit windows up to 2^16 scalars (the
    // smaller buckets keep the peak RSS down), 16-bit ones from 2^17.
    MsmPlan best{2, false};
    double best_cost = 1e300;
    for (unsigned c = 2; c <= kMaxWindow; ++c) {
        const double nb = double(1u << (c - 1)), w = windows_for(c);
        const double jac = w * (11.0 * (double)n + 32.0 * nb);
        const double batch = std::clamp(nb / 4, 16.0, 2048.0);
        const double aff = w * ((7.0 + 80.0 / batch) * (double)n + 12.0 * nb);
        if (jac < best_cost) best_cost = jac, best = {c, false};
        if (aff < best_cost) best_cost = aff, best = {c, true};
    }
    return best;
}

// How many points ahead accumulate_window prefetches the bases.
constexpr std::size_t kBaseAhead = 6;

// p, or -p when neg (p is not infinity), selected by mask rather than by a branch on neg.
template <class Aff>
[[gnu::always_inline]] inline Aff with_sign(const Aff& p, bool neg) {
    using Word = std::uint64_t;
    static_assert(sizeof(p.y) % sizeof(Word) == 0);
    constexpr std::size_t kWords = sizeof(p.y) / sizeof(Word);
    const auto ny = -p.y;
    Word a[kWords], m[kWords];
    std::memcpy(a, &p.y, sizeof a);
    std::memcpy(m, &ny, sizeof m);
    const Word mask = Word(0) - Word(neg);
    for (std::size_t k = 0; k < kWords; ++k) a[k] = (m[k] & mask) | (a[k] & ~mask);
    Aff r;
    r.x = p.x;
    std::memcpy(static_cast<void*>(&r.y), a, sizeof a);
    return r;
}

// Adds window w of points [b, e) into buckets and sums them. Point i contributes P_i with digit
// wd[2i] and phi(P_i) = (endo_x[i], y_i) with digit wd[2i+1] (wd: this window's digits).
template <class J, class Buckets>
J accumulate_window(const std::uint8_t* bases, const decltype(J::Aff::x)* endo_x, const std::int16_t* wd,
                    std::size_t b, std::size_t e, std::size_t nbuckets, std::uint64_t& adds) {
    using Aff = typename J::Aff;
    Buckets buckets(nbuckets);
    std::uint64_t count = 0;
    // Digit d adds sign(d) P to bucket |d| - 1. The sign is random: for G1 it selects -y or y by
    // mask rather than by a branch the predictor would miss half the time; G2 keeps the branch
    // (its eight-word select measured 1.5% slower).
    auto put = [&](std::int32_t d, const Aff& p) {
        ++count;
        const std::uint32_t s = (std::uint32_t)(d >> 31);  // all ones when d < 0
        if constexpr (sizeof(Aff) == 64) {
            buckets.add(((std::uint32_t)d ^ s) - s - 1, with_sign(p, s != 0));
        } else if (d > 0) {
            buckets.add((std::uint32_t)(d - 1), p);
        } else {
            buckets.add((std::uint32_t)(-d - 1), p.neg());
        }
    };
    for (std::size_t i = b; i < e; ++i) {
        // The points stream in order; ask for them a few ahead (a G2 point spans two lines).
        if (i + kBaseAhead < e) {
            const std::uint8_t* ahead = bases + (i + kBaseAhead) * sizeof(Aff);
            __builtin_prefetch(ahead);
            if constexpr (sizeof(Aff) > 64) __builtin_prefetch(ahead + 64);
        }
        const std::int32_t d1 = wd[2 * i], d2 = wd[2 * i + 1];
        if ((d1 | d2) == 0) continue;
        const Aff p = load<J>(bases + i * sizeof(Aff));
        if (p.is_infinity()) continue;  // and so is phi(P)
        if (d1 != 0) put(d1, p);
        if (d2 != 0) put(d2, Aff{endo_x[i], p.y});
    }
    // The reduction: a running sum and a total per bucket that holds a point (empty ones cost a
    // test, not an addition: most of them on bit-heavy witnesses).
    adds = count + 2 * buckets.filled();
    return buckets.finish();
}

// Splits the points into chunks only when there are fewer windows than work slots.
template <class J>
std::size_t default_chunks(std::size_t n, unsigned c, const ThreadPool& pool) {
    const unsigned nwin = windows_for(c);
    const std::size_t slots = 2 * std::size_t(pool.size());
    std::size_t chunks = std::max<std::size_t>(1, (slots + nwin - 1) / nwin);
    return std::min<std::size_t>(chunks, std::max<std::size_t>(1, n / 1024));
}

template <class J>
J run_job(MsmJob<J>& job, const Limbs* scalars, std::size_t n, ThreadPool& pool) {
    pool.parallel_for(n, [&](std::size_t b, std::size_t e) { job.recode(scalars, b, e); });
    pool.run(job.tasks(), [&](std::size_t t) { job.run_task(t); });
    return job.result();
}

template <class J>
J msm(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, ThreadPool& pool) {
    if (n == 0) return J::infinity();
    MsmJob<J> job(bases, n, default_chunks<J>(n, plan_for(n).c, pool));
    return run_job(job, scalars, n, pool);
}

}  // namespace

unsigned msm_window_bits(std::size_t n) { return plan_for(n).c; }

template <class J>
MsmJob<J>::MsmJob(const std::uint8_t* bases, std::size_t n, std::size_t chunks)
    : MsmJob(bases, n, chunks, plan_for(n).c, plan_for(n).affine) {}

template <class J>
MsmJob<J>::MsmJob(const std::uint8_t* bases, std::size_t n, std::size_t chunks, unsigned c, bool affine)
    : bases_(bases), n_(n), c_(c), nwin_(windows_for(c)), affine_(affine) {
    if (c < 2 || c > kMaxWindow) throw std::invalid_argument("msm: window width must be 2..16");
    chunks_ = std::clamp<std::size_t>(chunks, 1, std::max<std::size_t>(1, n));
    step_ = n == 0 ? 0 : (n + chunks_ - 1) / chunks_;
    digits_ = alloc_big_array<std::int16_t>(2 * n * nwin_);  // every entry is written by recode()
    ones_ = alloc_big_array<std::uint8_t>(n);                // so is this one
    one_ = ones_.get();
    ntrivial_ = n == 0 ? 0 : std::clamp<std::size_t>(n / 16384, 1, 4);
    trivial_step_ = n == 0 ? 0 : (n + ntrivial_ - 1) / ntrivial_;
    endo_x_ = alloc_big_array<decltype(J::Aff::x)>(n);
    dig_ = digits_.get();
    dig_stride_ = 2 * n;
    partial_.assign(n == 0 ? 0 : std::size_t(nwin_) * chunks_ + ntrivial_, J::infinity());
}

template <class J>
void MsmJob<J>::recode(const Limbs* scalars, std::size_t lo, std::size_t hi) {
    recode_digits(scalars, lo, hi);
    prepare_bases(lo, hi);
}

template <class J>
void MsmJob<J>::release_bases() {
    endo_x_.reset();
}

template <class J>
void MsmJob<J>::release_digits() {
    digits_.reset();
    ones_.reset();
}

template <class J>
void MsmJob<J>::recode_digits(const Limbs* scalars, std::size_t lo, std::size_t hi) {
    if (!digits_) throw std::logic_error("msm: recode() on a job that shares digits");
    std::int16_t* out = digits_.get();
    for (std::size_t i = lo; i < hi; ++i) {
        const Limbs& k = scalars[i];
        // Scalar 1 (half the values of a bit-heavy witness): no digits, the point goes to the
        // plain sum of such points (sum_ones) rather than into window 0's bucket 1, where every
        // one of them would conflict with the others.
        const bool one = k[0] == 1 && (k[1] | k[2] | k[3]) == 0;
        const bool zero = (k[0] | k[1] | k[2] | k[3]) == 0;
        ones_[i] = one ? kScalarOne : zero ? kScalarZero : 0;
        if (one || zero) {
            for (unsigned w = 0; w < nwin_; ++w) out[w * dig_stride_ + 2 * i] = out[w * dig_stride_ + 2 * i + 1] = 0;
            continue;
        }
        const GlvSplit s = glv_split(k);
        std::int16_t d1[kMaxWindows], d2[kMaxWindows];
        recode_scalar(s.k1, s.neg1, c_, nwin_, d1);
        recode_scalar(s.k2, s.neg2, c_, nwin_, d2);
        for (unsigned w = 0; w < nwin_; ++w) {
            out[w * dig_stride_ + 2 * i] = d1[w];
            out[w * dig_stride_ + 2 * i + 1] = d2[w];
        }
    }
}

template <class J>
void MsmJob<J>::prepare_bases(std::size_t lo, std::size_t hi) {
    using Aff = typename J::Aff;
    for (std::size_t i = lo; i < hi; ++i) {
        if (one_[i] != 0) continue;  // scalar 0 or 1: no digits, so phi(P_i) is never read
        const Aff p = load<J>(bases_ + i * sizeof(Aff));
        endo_x_[i] = glv_endo_x(p.x);
    }
}

template <class J>
void MsmJob<J>::run_task(std::size_t t) {
    const std::size_t nwt = std::size_t(nwin_) * chunks_;
    if (t >= nwt) {  // the sum of the points whose scalar is 1, in ntrivial_ ranges
        const std::size_t b = std::min(n_, (t - nwt) * trivial_step_), e = std::min(n_, b + trivial_step_);
        partial_[t] = msm_detail::sum_ones<J>(bases_, one_, b, e);
        std::uint64_t ones = 0;
        for (std::size_t i = b; i < e; ++i) ones += one_[i] == kScalarOne;
        adds_.fetch_add(ones, std::memory_order_relaxed);
        return;
    }
    const unsigned w = (unsigned)(t % nwin_);
    const std::size_t ch = t / nwin_;
    const std::size_t b = std::min(n_, ch * step_), e = std::min(n_, b + step_);
    const std::size_t nbuckets = std::size_t(1) << (c_ - 1);
    const std::int16_t* wd = dig_ + std::size_t(w) * dig_stride_;
    std::uint64_t adds = 0;
    partial_[t] = affine_ ? accumulate_window<J, AffineBuckets<J>>(bases_, endo_x_.get(), wd, b, e, nbuckets, adds)
                          : accumulate_window<J, JacobianBuckets<J>>(bases_, endo_x_.get(), wd, b, e, nbuckets, adds);
    adds_.fetch_add(adds, std::memory_order_relaxed);
}

template <class J>
J MsmJob<J>::result() const {
    J acc = J::infinity();
    if (n_ == 0) return acc;
    for (unsigned w = nwin_; w-- > 0;) {
        for (unsigned s = 0; s < c_; ++s) acc = acc.dbl();
        for (std::size_t ch = 0; ch < chunks_; ++ch) acc = acc.add(partial_[ch * nwin_ + w]);
    }
    for (std::size_t k = 0; k < ntrivial_; ++k) acc = acc.add(partial_[std::size_t(nwin_) * chunks_ + k]);
    return acc;
}

template class MsmJob<G1>;
template class MsmJob<G2>;

template <class J>
J msm_forced(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, unsigned c, bool affine, ThreadPool& pool) {
    if (c < 2 || c > kMaxWindow) throw std::invalid_argument("msm: window width must be 2..16");
    if (n == 0) return J::infinity();
    MsmJob<J> job(bases, n, default_chunks<J>(n, c, pool), c, affine);
    return run_job(job, scalars, n, pool);
}

G1 msm_g1_with(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, unsigned c, bool affine,
               ThreadPool& pool) {
    return msm_forced<G1>(bases, scalars, n, c, affine, pool);
}

G2 msm_g2_with(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, unsigned c, bool affine,
               ThreadPool& pool) {
    return msm_forced<G2>(bases, scalars, n, c, affine, pool);
}

G1 msm_g1(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, ThreadPool& pool) {
    return msm<G1>(bases, scalars, n, pool);
}

G2 msm_g2(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, ThreadPool& pool) {
    return msm<G2>(bases, scalars, n, pool);
}

}  // namespace peregrine
