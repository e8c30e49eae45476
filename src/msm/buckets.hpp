// SPDX-License-Identifier: MIT OR Apache-2.0
// The MSM's bucket stores (msm.cpp): affine buckets filled by batched affine additions, and
// Jacobian buckets for small MSMs. Each sums its buckets as sum_k (k+1) * bucket[k].
#pragma once
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "curve/bn254.hpp"
#include "curve/point.hpp"

namespace peregrine::msm_detail {

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
        : ws_(workspace()), nb_(nbuckets), batch_(std::clamp<std::size_t>(nbuckets / 4, 16, 2048)),
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

    // How many buckets hold a point (pending additions count as applied).
    std::size_t filled() const {
        std::size_t k = 0;
        for (std::size_t i = 0; i < nb_; ++i) k += full_[i] | (jac_used_ && !jac_[i].is_infinity());
        return k;
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
        sqr_n(tmp, lam, n);
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
        // lambda^2 by the kernel's square (Fq2's squaring has two 512-bit products instead of three).
        auto sq = [&](const F& l) { return mul.sqr(l); };
        auto one = [&](std::size_t k) {
            const std::uint32_t i = idx[k];
            busy[i] = 0;
            if (den[k].is_zero()) {  // a == -q (or a doubling of a 2-torsion point)
                full[i] = 0;
                return;
            }
            Aff& a = b[i];
            const F l = mul(num[k], den[k]);
            const F x3 = sq(l) - a.x - pts[k].x;
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
            const F x0 = sq(l0) - a0.x - pts[k].x;
            const F x1 = sq(l1) - a1.x - pts[k + 1].x;
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
    std::size_t filled() const {
        std::size_t k = 0;
        for (const J& x : b_) k += !x.is_infinity();
        return k;
    }
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

}  // namespace peregrine::msm_detail
