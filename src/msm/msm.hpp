// SPDX-License-Identifier: MIT OR Apache-2.0
// Multi-scalar multiplication sum_i k_i * P_i (Pippenger's bucket method, signed windows),
// spread over a caller-supplied thread pool.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "curve/bn254.hpp"
#include "curve/glv.hpp"
#include "util/big_array.hpp"
#include "util/thread_pool.hpp"

namespace peregrine {

// bases: n affine points in snarkjs layout (little-endian Montgomery coordinates, x then y;
// (0,0) is infinity), 64 bytes each for G1 and 128 for G2. They may be unaligned (mmap'd files).
// scalars: n canonical integers < r.
G1 msm_g1(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, ThreadPool& pool);
G2 msm_g2(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, ThreadPool& pool);

// The window width the MSM picks for n points (exposed for tests and benchmarks).
unsigned msm_window_bits(std::size_t n);

// The same MSMs with the strategy forced: window width c (2..16) and affine (batched) or
// Jacobian buckets. For tests and benchmarks; the plain functions choose by size.
G1 msm_g1_with(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, unsigned c, bool affine,
               ThreadPool& pool);
G2 msm_g2_with(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, unsigned c, bool affine,
               ThreadPool& pool);

// The GLV decomposition the MSM uses (glv_split, glv_lambda, glv_beta_*): curve/glv.hpp.

// One MSM split into independent tasks (one per window and chunk of points), so that a caller can
// run several MSMs, and other work, as a single batch on its pool with no idle time between them.
// Usage: construct, recode() the scalars, call run_task(t) once for every t < tasks() (from any
// threads, concurrently), then result(). The bases and scalars must outlive the job; run_task
// needs only the recoded digits, so the scalar array may be released after recode().
template <class J>
class MsmJob {
public:
    // chunks: how many ranges the points are split into (1 = one task per window).
    MsmJob(const std::uint8_t* bases, std::size_t n, std::size_t chunks = 1);
    // Same, with the window width and bucket kind forced (tests and benchmarks).
    MsmJob(const std::uint8_t* bases, std::size_t n, std::size_t chunks, unsigned c, bool affine);

    // Signed-window recoding of scalars[lo, hi) (n scalars in all), and prepare_bases(lo, hi).
    // Ranges may run in parallel.
    void recode(const Limbs* scalars, std::size_t lo, std::size_t hi);
    void recode(const Limbs* scalars) { recode(scalars, 0, n_); }
    // The digits part of recode() alone: prepare_bases() must then run before the first task
    // (the prover defers it to when the job starts, so that the job's endomorphism images and
    // base pages are not held in memory while other MSMs run).
    void recode_digits(const Limbs* scalars, std::size_t lo, std::size_t hi);
    // Per-point work on bases[lo, hi) (the endomorphism images, skipped where the scalar is 0 or
    // 1); part of recode(). Needs the digits (its own, or the shared job's) recoded first.
    void prepare_bases(std::size_t lo, std::size_t hi);

    // Uses src's digits for scalars first .. first+n-1 of src instead of recoding: MSMs over the
    // same scalars (the witness) share one recoding. Needs the same window width; call before
    // src.recode(), and prepare_bases() (not recode()) on this job after it; src must outlive it.
    template <class J2>
    void share_digits(const MsmJob<J2>& src, std::size_t first);
    unsigned window_bits() const { return c_; }
    bool affine_buckets() const { return affine_; }
    // One task per window and chunk, then ntrivial_ tasks that sum the points whose scalar is 1.
    std::size_t tasks() const { return n_ == 0 ? 0 : std::size_t(nwin_) * chunks_ + ntrivial_; }
    void run_task(std::size_t t);
    J result() const;
    // Free the per-point buffers once every task has run (result() still works): the
    // endomorphism images, and the digits (only once the jobs sharing them have finished too).
    void release_bases();
    void release_digits();
    // Point additions done so far by run_task (into buckets, plus two per non-empty bucket to sum
    // them, plus the additions of the scalar-1 sums): the operation count behind the per-phase
    // floors.
    std::uint64_t additions() const { return adds_.load(std::memory_order_relaxed); }

private:
    template <class>
    friend class MsmJob;
    const std::uint8_t* bases_;
    std::size_t n_, chunks_, step_;
    unsigned c_, nwin_;
    bool affine_;
    BigArray<std::int16_t> digits_;  // window-major: for window w, (k1, k2) digit pairs of every point
    const std::int16_t* dig_;         // digits_, or a shared job's
    // Per point: kScalarOne or kScalarZero where the scalar is 1 or 0 (its digits are then all
    // 0; the 1s are summed apart), else 0.
    static constexpr std::uint8_t kScalarOne = 1, kScalarZero = 2;
    BigArray<std::uint8_t> ones_;
    const std::uint8_t* one_;         // ones_, or a shared job's
    std::size_t ntrivial_ = 0, trivial_step_ = 0;  // tasks summing the scalar-1 points, points each
    std::size_t dig_stride_;          // int16s per window row
    BigArray<decltype(J::Aff::x)> endo_x_;  // x of phi(P_i) = (beta x_i, y_i); y is read from the bases
    std::vector<J> partial_;
    std::atomic<std::uint64_t> adds_{0};
};

template <class J>
template <class J2>
void MsmJob<J>::share_digits(const MsmJob<J2>& src, std::size_t first) {
    if (src.c_ != c_ || first > src.n_ || n_ > src.n_ - first) throw std::invalid_argument("msm: digits cannot be shared");
    digits_.reset();
    ones_.reset();
    dig_ = src.dig_ + 2 * first;
    one_ = src.one_ + first;
    dig_stride_ = src.dig_stride_;
}

extern template class MsmJob<G1>;
extern template class MsmJob<G2>;

}  // namespace peregrine
