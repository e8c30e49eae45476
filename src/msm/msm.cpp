// SPDX-License-Identifier: MIT OR Apache-2.0
#include "msm/msm.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "msm/sum_ones.hpp"

namespace peregrine {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "point sections are read in place: little-endian hosts only");
static_assert(sizeof(G1Affine) == 64 && sizeof(G2Affine) == 128, "affine points must match the file layout");

namespace {

// Every scalar k is split (GLV) as k = k1 + k2*lambda mod r with |k1|, |k2| < 2^127, and the MSM
// runs over 2n points: P_i with k1 and phi(P_i) = lambda*P_i with k2, where phi(x, y) = (beta*x, y)
// for a cube root of unity beta in Fq (G1 and G2 alike: the twist has a = 0 too). Half the
// windows, so half the bucket reductions, for the same number of bucket additions.
constexpr unsigned kScalarBits = 127;
constexpr unsigned kMaxWindow = 15;  // signed digits must fit in int16_t

constexpr unsigned windows_for(unsigned c) { return (kScalarBits + c) / c; }  // room for the final carry
constexpr unsigned kMaxWindows = windows_for(2);

// The short lattice basis (a1, b1), (a2, b2) of {(x, y) : x + y*lambda = 0 mod r}, with b1 < 0,
// and g1 = round(2^256 b2 / r), g2 = round(-2^256 b1 / r).
constexpr Limbs kGlvA1 = {0x89d3256894d213e3ull, 0, 0, 0};
constexpr Limbs kGlvB1Neg = {0x8211bbeb7d4f1128ull, 0x6f4d8248eeb859fcull, 0, 0};
constexpr Limbs kGlvA2 = {0x0be4e1541221250bull, 0x6f4d8248eeb859fdull, 0, 0};
constexpr Limbs kGlvB2 = {0x89d3256894d213e3ull, 0, 0, 0};
constexpr Limbs kGlvG1 = {0xd91d232ec7e0b3d7ull, 0x2ull, 0, 0};
constexpr Limbs kGlvG2 = {0x7a7bd9d4391eb18eull, 0x4ccef014a773d2cfull, 0x2ull, 0};
// beta (canonical) with phi(P) = lambda*P on the order-r subgroup: the two cube roots of unity
// in Fq, one for G1 and the other (its square) for G2.
constexpr Limbs kGlvBetaG1 = {0x5763473177fffffeull, 0xd4f263f1acdb5c4full, 0x59e26bcea0d48bacull, 0};
constexpr Limbs kGlvBetaG2 = {0xe4bd44e5607cfd48ull, 0xc28f069fbb966e3dull, 0x5e6dd9e7e0acccb0ull,
                              0x30644e72e131a029ull};

using u128 = unsigned __int128;

// floor(a * b / 2^256)
Limbs mul_high(const Limbs& a, const Limbs& b) {
    u64 t[8] = {};
    for (int i = 0; i < 4; ++i) {
        u64 carry = 0;
        for (int j = 0; j < 4; ++j) {
            const u128 x = (u128)a[i] * b[j] + t[i + j] + carry;
            t[i + j] = (u64)x;
            carry = (u64)(x >> 64);
        }
        t[i + 4] = carry;
    }
    return {t[4], t[5], t[6], t[7]};
}

// a * b mod 2^256
Limbs mul_low(const Limbs& a, const Limbs& b) {
    Limbs t{};
    for (int i = 0; i < 4; ++i) {
        u64 carry = 0;
        for (int j = 0; i + j < 4; ++j) {
            const u128 x = (u128)a[i] * b[j] + t[i + j] + carry;
            t[i + j] = (u64)x;
            carry = (u64)(x >> 64);
        }
    }
    return t;
}

Limbs sub_wrap(const Limbs& a, const Limbs& b) {
    Limbs r;
    u64 br = 0;
    for (int i = 0; i < 4; ++i) r[i] = kernels::subb(a[i], b[i], br);
    return r;
}

// Two's complement value (small in magnitude) to sign and magnitude.
bool to_magnitude(Limbs& x) {
    if (!(x[3] >> 63)) return false;
    x = sub_wrap(Limbs{}, x);
    return true;
}

// Signed base-2^c digits of k, each in [-2^(c-1), 2^(c-1)].
void recode_scalar(const Limbs& k, unsigned c, unsigned nwin, std::int16_t* out) {
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
        std::int32_t d = (std::int32_t)raw + carry;
        if (d > half) {
            d -= full;
            carry = 1;
        } else {
            carry = 0;
        }
        out[w] = (std::int16_t)d;
    }
}

// phi's action on x.
inline Fq endo_x(const Fq& x) {
    static const Fq beta = Fq::from_canonical(kGlvBetaG1);
    return x * beta;
}
inline Fq2 endo_x(const Fq2& x) {
    static const Fq beta = Fq::from_canonical(kGlvBetaG2);
    return x.scale(beta);
}

// Allocates on 64-byte boundaries (cache lines), for the buckets: see AffineBuckets.
template <class T>
struct LineAligned {
    using value_type = T;
    LineAligned() = default;
    template <class U>
    LineAligned(const LineAligned<U>&) {}
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64))); }
    void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t(64)); }
    template <class U>
    bool operator==(const LineAligned<U>&) const { return true; }
};

// Whether mul_n runs several products per instruction (AVX-512 IFMA): then the batched additions
// go through arrays, one step of every addition at a time; otherwise each addition is finished at
// once, which saves the arrays' memory traffic.
bool vector_products() {
#if defined(__x86_64__)
    return kernels::kHaveIfma;
#else
    return false;
#endif
}

template <class J>
typename J::Aff load(const std::uint8_t* p) {
    typename J::Aff a;
    std::memcpy(static_cast<void*>(&a), p, sizeof a);
    return a;
}

// Buckets kept in affine coordinates and filled by batches of affine additions that share one
// field inversion (Montgomery's trick): about 6 multiplications per added point instead of 11
// for a mixed Jacobian addition. A point whose bucket already has an addition in the current
// batch waits for the next batch. When the waiting list is full (few buckets in use, as in the
// top window) the batch is applied early, or, if it is too short to pay for its inversion, the
// point goes into a second, Jacobian, bucket, folded back in by finish().
template <class J>
class AffineBuckets {
public:
    using F = typename J::Field;
    using Aff = typename J::Aff;

    // The storage lives in a per-thread workspace reused by every window a thread processes:
    // allocating (and zeroing, and page-faulting in) a few hundred KiB per window task cost
    // several percent of the MSM.
    explicit AffineBuckets(std::size_t nbuckets)
        : ws_(workspace()), nb_(nbuckets), batch_(std::clamp<std::size_t>(nbuckets / 4, 16, 1024)),
          b_(ws_.b), full_(ws_.full), busy_(ws_.busy), idx_(ws_.idx), pts_(ws_.pts), den_(ws_.den), pre_(ws_.pre),
          waiting_(ws_.waiting), retry_(ws_.retry), jac_(ws_.jac) {
        // With enough buckets, finish() sums them in segments of seg_len_ buckets whose 2*nseg_
        // accumulators live after the buckets; seg_len_ ~ sqrt(nb/16) balances the inversions
        // (two per bucket of a segment) against the Jacobian additions (three per segment).
        if (nb_ >= 256) {
            const unsigned lg = (unsigned)std::countr_zero(nb_);
            seg_len_ = std::size_t(1) << ((lg - 4) / 2);
            nseg_ = nb_ / seg_len_;
        }
        const std::size_t slots = nb_ + 2 * nseg_;
        if (b_.size() < slots) b_.resize(slots);
        full_.assign(slots, 0);
        busy_.assign(slots, 0);
        idx_.clear();
        pts_.clear();
        waiting_.clear();
        idx_.reserve(batch_);
        pts_.reserve(batch_);
        if (den_.size() < batch_) den_.resize(batch_);
        if (pre_.size() < batch_) pre_.resize(batch_);
        for (auto* v : {&ws_.num, &ws_.lam, &ws_.tmp})
            if (v->size() < batch_) v->resize(batch_);
    }

    void add(std::uint32_t i, const Aff& p) {
        if (!full_[i]) {
            b_[i] = p;
            full_[i] = 1;
        } else if (!busy_[i]) {
            enqueue(i, p);
            if (idx_.size() == batch_) flush();
        } else if (waiting_.size() < batch_ / 2) {
            waiting_.emplace_back(i, p);  // retried in the next batch
        } else if (idx_.size() < kMinBatch) {
            add_jacobian(i, p);
        } else {
            // Fewer buckets are in use than a batch holds (as in the top window): apply the
            // batch now rather than send every further point to the Jacobian buckets. Each
            // flush applies at least kMinBatch additions, so this recursion is shallow.
            const Aff q = p;  // p may live in the buckets
            flush();
            add(i, q);
        }
    }

    // Applies everything still pending, then sums the buckets: sum_k (k+1) * bucket[k].
    J finish() {
        drain();
        if (nseg_ == 0) return finish_serial();
        if (jac_used_) fold_jacobian();
        // Bucket k = s*L + j (segment s, 0 <= j < L). For j from L-1 down to 0, in two batches of
        // affine additions over all segments: R_s += bucket[s*L + j], then S_s += R_s. At the end
        // R_s = sum_j bucket[s*L + j] and S_s = sum_j (j+1) bucket[s*L + j], so the answer is
        // sum_s S_s + L * sum_s s R_s; that last, short, sum is done in Jacobian coordinates.
        const std::size_t L = seg_len_, S = nseg_;
        const std::size_t r0 = nb_, s0 = nb_ + S;  // slots of R_0 and S_0
        for (std::size_t j = L; j-- > 0;) {
            for (std::size_t s = 0; s < S; ++s) {
                if (full_[s * L + j]) add((std::uint32_t)(r0 + s), b_[s * L + j]);
            }
            drain();
            for (std::size_t s = 0; s < S; ++s) {
                if (full_[r0 + s]) add((std::uint32_t)(s0 + s), b_[r0 + s]);
            }
            drain();
        }
        J running = J::infinity(), acc = J::infinity();
        for (std::size_t s = S; s-- > 1;) {  // acc = sum_s s R_s
            if (full_[r0 + s]) running = running.add(b_[r0 + s]);
            acc = acc.add(running);
        }
        for (std::size_t t = 1; t < L; t <<= 1) acc = acc.dbl();
        for (std::size_t s = 0; s < S; ++s) {
            if (full_[s0 + s]) acc = acc.add(b_[s0 + s]);
        }
        return acc;
    }

private:
    void drain() {
        while (!idx_.empty() || !waiting_.empty()) flush();
    }

    // The running-sum reduction, for few buckets.
    J finish_serial() {
        J running = J::infinity(), sum = J::infinity();
        for (std::size_t k = nb_; k-- > 0;) {
            if (full_[k]) running = running.add(b_[k]);
            if (jac_used_) running = running.add(jac_[k]);
            sum = sum.add(running);
        }
        return sum;
    }

    // Moves the Jacobian overflow buckets into the affine ones (one batch inversion for the
    // conversion, then batched additions).
    void fold_jacobian() {
        std::vector<J> used;
        std::vector<std::uint32_t> where;
        for (std::size_t k = 0; k < nb_; ++k) {
            if (!jac_[k].is_infinity()) {
                used.push_back(jac_[k]);
                where.push_back((std::uint32_t)k);
            }
        }
        jac_used_ = false;
        const std::vector<Aff> aff = batch_to_affine(used);
        for (std::size_t i = 0; i < aff.size(); ++i) add(where[i], aff[i]);
        drain();
        if (jac_used_) {  // a bucket was busy twice over; cannot happen with one add per bucket
            throw std::logic_error("msm: overflow bucket used while folding");
        }
    }

    struct Workspace {
        std::vector<Aff, LineAligned<Aff>> b;  // a G1 bucket in one cache line, a G2 one in two
        std::vector<std::uint8_t> full, busy;
        std::vector<std::uint32_t> idx;
        std::vector<Aff> pts;
        std::vector<F> den, pre, num, lam, tmp;
        std::vector<std::pair<std::uint32_t, Aff>> waiting, retry;
        std::vector<J> jac;
    };
    static Workspace& workspace() {
        static thread_local Workspace ws;
        return ws;
    }

    void enqueue(std::uint32_t i, const Aff& p) {
        busy_[i] = 1;
        idx_.push_back(i);
        pts_.push_back(p);
    }

    void add_jacobian(std::uint32_t i, const Aff& p) {
        if (!jac_used_) {
            if (jac_.size() < nb_) jac_.resize(nb_);
            std::fill(jac_.begin(), jac_.begin() + (std::ptrdiff_t)nb_, J::infinity());
            jac_used_ = true;
        }
        jac_[i] = jac_[i].add(p);
    }

    // Applies the batch, then starts the next one with the points that waited; a point whose
    // bucket is taken a second time goes to the Jacobian overflow bucket, so this always ends.
    void flush() {
        apply_batch();
        retry_.clear();
        retry_.swap(waiting_);
        for (const auto& [i, p] : retry_) {
            if (!full_[i]) {
                b_[i] = p;
                full_[i] = 1;
            } else if (busy_[i]) {
                waiting_.emplace_back(i, p);  // fewer than retry_: fits
            } else {
                enqueue(i, p);  // never fills the batch: at most batch_/2 points wait
            }
        }
        retry_.clear();
    }

    // One batch of affine additions b[idx[k]] += pts[k], as passes over arrays so that the field
    // products are independent of each other (and run eight at a time where mul_n can).
    void apply_batch() {
        const std::size_t n = idx_.size();
        if (n == 0) return;
        F* den = den_.data();
        F* num = ws_.num.data();
        F* lam = ws_.lam.data();
        F* tmp = ws_.tmp.data();
        // Slopes num/den: (y2 - y1)/(x2 - x1), or 3x^2/2y for a doubling; den = 0 when the sum is
        // infinity (a == -q).
        for (std::size_t k = 0; k < n; ++k) {
            if (k + kPrefetch < n) prefetch_bucket(idx_[k + kPrefetch]);
            const Aff& a = b_[idx_[k]];
            const Aff& q = pts_[k];
            if (a.x == q.x) {
                if (a.y == q.y) {
                    const F xx = a.x.square();
                    num[k] = xx.dbl() + xx;
                    den[k] = a.y.dbl();
                } else {
                    num[k] = F::zero();
                    den[k] = F::zero();
                }
            } else {
                num[k] = q.y - a.y;
                den[k] = q.x - a.x;
            }
        }
        batch_inverse(den, n, pre_.data());
        if (!vector_products()) {
            // One product at a time: finish each addition in one pass (slope, x3, y3), with no
            // arrays of intermediate values and one visit to the bucket.
            with_mul<F>([&](auto mul) { finish_each(num, den, n, mul); });
            return;
        }
        mul_n(lam, num, den, n);
        mul_n(tmp, lam, lam, n);
        // x3 = lambda^2 - x1 - x2 (kept in num), then tmp = x1 - x3 for y3 = lambda (x1 - x3) - y1.
        for (std::size_t k = 0; k < n; ++k) {
            const Aff& a = b_[idx_[k]];
            num[k] = tmp[k] - a.x - pts_[k].x;
            tmp[k] = a.x - num[k];
        }
        mul_n(tmp, lam, tmp, n);
        for (std::size_t k = 0; k < n; ++k) {
            const std::uint32_t i = idx_[k];
            busy_[i] = 0;
            Aff& a = b_[i];
            if (den[k].is_zero()) {  // a == -q (or a doubling of a 2-torsion point)
                full_[i] = 0;
                continue;
            }
            a.y = tmp[k] - a.y;
            a.x = num[k];
        }
        idx_.clear();
        pts_.clear();
    }

    // The scalar-product path of apply_batch: b[idx[k]] += pts[k] given the slope's numerator
    // and inverted denominator, two additions at a time. The two are independent (a batch never
    // holds a bucket twice), so their product chains overlap in the pipeline; `mul` is the
    // kernel chosen once for the whole batch rather than at every product.
    template <class Mul>
    void finish_each(const F* __restrict num, const F* __restrict den, std::size_t n, Mul mul) {
        Aff* __restrict b = b_.data();
        const Aff* __restrict pts = pts_.data();
        const std::uint32_t* __restrict idx = idx_.data();
        std::uint8_t* __restrict full = full_.data();
        std::uint8_t* __restrict busy = busy_.data();
        auto one = [&](std::size_t k) {
            const std::uint32_t i = idx[k];
            busy[i] = 0;
            if (den[k].is_zero()) {  // a == -q (or a doubling of a 2-torsion point)
                full[i] = 0;
                return;
            }
            Aff& a = b[i];
            const F l = mul(num[k], den[k]);
            const F x3 = mul(l, l) - a.x - pts[k].x;
            a.y = mul(l, a.x - x3) - a.y;
            a.x = x3;
        };
        std::size_t k = 0;
        if constexpr (std::is_same_v<Mul, MulPortable>) {
            // The portable kernel needs most of the registers: two chains at once spill (measured
            // 5-10% slower), so one addition at a time.
            for (; k < n; ++k) {
                if (k + kPrefetch < n) prefetch_line(&b[idx[k + kPrefetch]]);
                one(k);
            }
        }
        for (; k + 1 < n; k += 2) {
            if (k + kPrefetch + 1 < n) {
                prefetch_line(&b[idx[k + kPrefetch]]);
                prefetch_line(&b[idx[k + kPrefetch + 1]]);
            }
            if (den[k].is_zero() || den[k + 1].is_zero()) {
                one(k);
                one(k + 1);
                continue;
            }
            const std::uint32_t i0 = idx[k], i1 = idx[k + 1];
            busy[i0] = 0;
            busy[i1] = 0;
            Aff& a0 = b[i0];
            Aff& a1 = b[i1];
            const F l0 = mul(num[k], den[k]);
            const F l1 = mul(num[k + 1], den[k + 1]);
            const F x0 = mul(l0, l0) - a0.x - pts[k].x;
            const F x1 = mul(l1, l1) - a1.x - pts[k + 1].x;
            const F y0 = mul(l0, a0.x - x0) - a0.y;
            const F y1 = mul(l1, a1.x - x1) - a1.y;
            a0.x = x0;
            a0.y = y0;
            a1.x = x1;
            a1.y = y1;
        }
        if (k < n) one(k);
        idx_.clear();
        pts_.clear();
    }

    static void prefetch_line(const Aff* p) {
        const char* c = reinterpret_cast<const char*>(p);
        __builtin_prefetch(c);
        __builtin_prefetch(c + sizeof(Aff) - 1);
    }

    // The buckets are visited in a random order that is known a batch ahead: ask for them early
    // (an affine point spans up to two cache lines) so that the loads do not stall the additions.
    static constexpr std::size_t kPrefetch = 8;
    void prefetch_bucket(std::uint32_t i) const {
        const char* p = reinterpret_cast<const char*>(&b_[i]);
        __builtin_prefetch(p);
        __builtin_prefetch(p + sizeof(Aff) - 1);
    }

    Workspace& ws_;
    std::size_t nb_, batch_;
    std::vector<Aff, LineAligned<Aff>>& b_;
    std::vector<std::uint8_t>&full_, &busy_;
    std::vector<std::uint32_t>& idx_;
    std::vector<Aff>& pts_;
    std::vector<F>&den_, &pre_;
    std::vector<std::pair<std::uint32_t, Aff>>&waiting_, &retry_;
    std::vector<J>& jac_;  // overflow buckets, used from the first repeated conflict
    bool jac_used_ = false;
    // A batch is applied early (waiting points all conflict with it) only from this size: below
    // it the inversion costs more than the Jacobian additions it saves.
    static constexpr std::size_t kMinBatch = 64;
    std::size_t seg_len_ = 0, nseg_ = 0;  // segments for finish(); none for fewer than 256 buckets
};

// Buckets in Jacobian coordinates with mixed additions: better than AffineBuckets when there are
// few buckets (small MSMs), where batches would be short and the inversion would dominate.
template <class J>
class JacobianBuckets {
public:
    using Aff = typename J::Aff;
    explicit JacobianBuckets(std::size_t nbuckets) : b_(nbuckets, J::infinity()) {}
    void add(std::uint32_t i, const Aff& p) { b_[i] = b_[i].add(p); }
    J finish() {
        J running = J::infinity(), sum = J::infinity();
        for (std::size_t k = b_.size(); k-- > 0;) {
            running = running.add(b_[k]);
            sum = sum.add(running);
        }
        return sum;
    }

private:
    std::vector<J> b_;
};

struct MsmPlan {
    unsigned c;
    bool affine;
};

MsmPlan plan_for(std::size_t n_scalars) {
    const std::size_t n = 2 * n_scalars;  // GLV: two points of half-size scalars per scalar
    // Cost model in field multiplications per window. Accumulation: ~11 per point with Jacobian
    // buckets, ~7 with batched affine ones plus one inversion (~400) per batch of nbuckets/4.
    // Reduction: two additions per bucket (~32 Jacobian, ~27 when buckets are affine).
    MsmPlan best{2, false};
    double best_cost = 1e300;
    for (unsigned c = 2; c <= kMaxWindow; ++c) {
        const double nb = double(1u << (c - 1)), w = windows_for(c);
        const double jac = w * (11.0 * (double)n + 32.0 * nb);
        const double batch = std::clamp(nb / 4, 16.0, 1024.0);
        const double aff = w * ((7.0 + 400.0 / batch) * (double)n + 27.0 * nb);
        if (jac < best_cost) best_cost = jac, best = {c, false};
        if (aff < best_cost) best_cost = aff, best = {c, true};
    }
    return best;
}

// Adds window w of points [b, e) into buckets and sums them. Point i contributes P_i with digit
// wd[2i] and phi(P_i) = (endo_x[i], y_i) with digit wd[2i+1] (wd: this window's digits).
template <class J, class Buckets>
J accumulate_window(const std::uint8_t* bases, const decltype(J::Aff::x)* endo_x, const std::int16_t* wd,
                    std::size_t b, std::size_t e, std::size_t nbuckets, std::uint64_t& adds) {
    using Aff = typename J::Aff;
    Buckets buckets(nbuckets);
    std::uint64_t count = 2 * nbuckets;  // the reduction: a running sum and a total per bucket
    auto put = [&](std::int32_t d, const Aff& p) {
        ++count;
        if (d > 0) {
            buckets.add((std::uint32_t)(d - 1), p);
        } else {
            buckets.add((std::uint32_t)(-d - 1), p.neg());
        }
    };
    for (std::size_t i = b; i < e; ++i) {
        const std::int32_t d1 = wd[2 * i], d2 = wd[2 * i + 1];
        if ((d1 | d2) == 0) continue;
        const Aff p = load<J>(bases + i * sizeof(Aff));
        if (p.is_infinity()) continue;  // and so is phi(P)
        if (d1 != 0) put(d1, p);
        if (d2 != 0) put(d2, Aff{endo_x[i], p.y});
    }
    adds = count;
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

GlvSplit glv_split(const Limbs& k) {
    const Limbs c1 = mul_high(k, kGlvG1), c2 = mul_high(k, kGlvG2);
    // k1 = k - c1 a1 - c2 a2, k2 = -c1 b1 - c2 b2 = c1 |b1| - c2 b2, all mod 2^256.
    GlvSplit s;
    s.k1 = sub_wrap(sub_wrap(k, mul_low(c1, kGlvA1)), mul_low(c2, kGlvA2));
    s.k2 = sub_wrap(mul_low(c1, kGlvB1Neg), mul_low(c2, kGlvB2));
    s.neg1 = to_magnitude(s.k1);
    s.neg2 = to_magnitude(s.k2);
    return s;
}

const Limbs& glv_beta_g1() { return kGlvBetaG1; }
const Limbs& glv_beta_g2() { return kGlvBetaG2; }

const Limbs& glv_lambda() {
    static constexpr Limbs kLambda = {0x8b17ea66b99c90ddull, 0x5bfc41088d8daaa7ull, 0xb3c4d79d41a91758ull, 0};
    return kLambda;
}

unsigned msm_window_bits(std::size_t n) { return plan_for(n).c; }

template <class J>
MsmJob<J>::MsmJob(const std::uint8_t* bases, std::size_t n, std::size_t chunks)
    : MsmJob(bases, n, chunks, plan_for(n).c, plan_for(n).affine) {}

template <class J>
MsmJob<J>::MsmJob(const std::uint8_t* bases, std::size_t n, std::size_t chunks, unsigned c, bool affine)
    : bases_(bases), n_(n), c_(c), nwin_(windows_for(c)), affine_(affine) {
    if (c < 2 || c > kMaxWindow) throw std::invalid_argument("msm: window width must be 2..15");
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
        ones_[i] = one ? 1 : 0;
        if (one || (k[0] | k[1] | k[2] | k[3]) == 0) {
            for (unsigned w = 0; w < nwin_; ++w) out[w * dig_stride_ + 2 * i] = out[w * dig_stride_ + 2 * i + 1] = 0;
            continue;
        }
        const GlvSplit s = glv_split(k);
        std::int16_t d1[kMaxWindows], d2[kMaxWindows];
        recode_scalar(s.k1, c_, nwin_, d1);
        recode_scalar(s.k2, c_, nwin_, d2);
        for (unsigned w = 0; w < nwin_; ++w) {
            out[w * dig_stride_ + 2 * i] = (std::int16_t)(s.neg1 ? -d1[w] : d1[w]);
            out[w * dig_stride_ + 2 * i + 1] = (std::int16_t)(s.neg2 ? -d2[w] : d2[w]);
        }
    }
}

template <class J>
void MsmJob<J>::prepare_bases(std::size_t lo, std::size_t hi) {
    using Aff = typename J::Aff;
    for (std::size_t i = lo; i < hi; ++i) {
        const Aff p = load<J>(bases_ + i * sizeof(Aff));
        endo_x_[i] = endo_x(p.x);
    }
}

template <class J>
void MsmJob<J>::run_task(std::size_t t) {
    const std::size_t nwt = std::size_t(nwin_) * chunks_;
    if (t >= nwt) {  // the sum of the points whose scalar is 1, in ntrivial_ ranges
        const std::size_t b = std::min(n_, (t - nwt) * trivial_step_), e = std::min(n_, b + trivial_step_);
        partial_[t] = msm_detail::sum_ones<J>(bases_, one_, b, e);
        std::uint64_t ones = 0;
        for (std::size_t i = b; i < e; ++i) ones += one_[i];
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
    if (c < 2 || c > kMaxWindow) throw std::invalid_argument("msm: window width must be 2..15");
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
