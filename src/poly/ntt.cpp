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
// The remaining stages are passes over the whole array. At 2^16 that is 7 passes over memory
// instead of 16, at 2^22 13 instead of 22.
constexpr unsigned kLocalLog = 10;

// Stage s on the 2^(s+1)-element block at x: butterflies (x[j], x[j + half]) with twiddle
// w^(j n / 2^(s+1)); the first has twiddle 1 (no product): about n of the (n/2) log n
// products of a transform are skipped that way.
template <class Mul>
[[gnu::always_inline]] inline void stage_block(Fr* x, unsigned s, unsigned log_n, const Fr* w, Mul mul) {
    const std::size_t half = std::size_t(1) << s;
    const unsigned stride_log = log_n - 1 - s;
    const Fr u = x[half];
    x[half] = x[0] - u;
    x[0] = x[0] + u;
    for (std::size_t j = 1; j < half; ++j) {
        const Fr t = mul(x[j + half], w[j << stride_log]);
        x[j + half] = x[j] - t;
        x[j] = x[j] + t;
    }
}

// Stages 0..min(log n, kLocalLog)-1 on the blocks [b, e) of 2^kLocalLog elements.
template <class Mul>
void local_blocks(Fr* a, std::size_t b, std::size_t e, unsigned log_n, const Fr* w, Mul mul) {
    const unsigned local = std::min(log_n, kLocalLog);
    const std::size_t block = std::size_t(1) << local;
    for (std::size_t k = b; k < e; ++k) {
        Fr* x = a + (k << local);
        for (unsigned s = 0; s < local; ++s) {
            for (std::size_t i0 = 0; i0 < block; i0 += std::size_t(2) << s) stage_block(x + i0, s, log_n, w, mul);
        }
    }
}

// Butterflies [b, e) (of n/2) of stage s over the whole array.
template <class Mul>
void stage_range(Fr* a, unsigned s, unsigned log_n, std::size_t b, std::size_t e, const Fr* w, Mul mul) {
    const std::size_t half = std::size_t(1) << s;
    const unsigned stride_log = log_n - 1 - s;
    for (std::size_t t = b; t < e; ++t) {
        const std::size_t blk = t >> s, j = t & (half - 1);
        const std::size_t i0 = (blk << (s + 1)) + j, i1 = i0 + half;
        const Fr x = j == 0 ? a[i1] : mul(a[i1], w[j << stride_log]);
        a[i1] = a[i0] - x;
        a[i0] = a[i0] + x;
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
    const std::size_t half = n_ / 2;
    tw_.resize(half);
    itw_.resize(half);
    Fr w = Fr::one(), wi = Fr::one(), root_inv = root_.inverse();
    for (std::size_t i = 0; i < half; ++i) {
        tw_[i] = w;
        itw_[i] = wi;
        w *= root_;
        wi *= root_inv;
    }
    n_inv_ = Fr::from_u64(n_).inverse();
}

void Domain::transform(Fr* a, const std::vector<Fr>& tw, ThreadPool& pool) const {
    if (n_ <= 1) return;
    bit_reverse_range(a, 0, n_, log_n_);
    const Fr* w = tw.data();
    with_mul<Fr>([&](auto mul) {
        auto block_stage = [&](Fr* x, unsigned s) { stage_block(x, s, log_n_, w, mul); };
        const unsigned local = std::min(log_n_, kLocalLog);
        const std::size_t nblocks = n_ >> local;
        auto local_stages = [&](std::size_t b, std::size_t e) { local_blocks(a, b, e, log_n_, w, mul); };
        const bool parallel = n_ >= 8192 && pool.size() > 1;
        if (parallel) {
            pool.parallel_for(nblocks, local_stages, 1);
        } else {
            local_stages(0, nblocks);
        }
        // The global stages: each splits into n / 2^(s+1) independent blocks; with few blocks
        // (the last stages) the butterflies of a block are split among the threads instead.
        for (unsigned s = local; s < log_n_; ++s) {
            const std::size_t half = std::size_t(1) << s, nb = n_ >> (s + 1);
            if (!parallel) {
                for (std::size_t k = 0; k < nb; ++k) block_stage(a + k * 2 * half, s);
                continue;
            }
            pool.parallel_for(n_ / 2, [&](std::size_t b, std::size_t e) { stage_range(a, s, log_n_, b, e, w, mul); }, 1);
        }
    });
}

void Domain::fft(Fr* a, ThreadPool& pool) const { transform(a, tw_, pool); }

void Domain::ifft(Fr* a, ThreadPool& pool) const {
    transform(a, itw_, pool);
    const Fr k = n_inv_;
    pool.parallel_for(n_, [&](std::size_t b, std::size_t e) {
        with_mul<Fr>([&](auto mul) {
            for (std::size_t i = b; i < e; ++i) a[i] = mul(a[i], k);
        });
    });
}

void Domain::ifft_scaled(Fr* a, const Fr& g, ThreadPool& pool) const {
    transform(a, itw_, pool);
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
    add_transform(d_.itw_);
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
    add_transform(d_.tw_);
}

void CosetRoundTrip::add_transform(const std::vector<Fr>& tw) {
    const std::size_t n = d_.n_, half = n / 2;
    const unsigned log_n = d_.log_n_;
    const Fr* w = tw.data();
    const std::size_t p = std::min(pieces_, half);
    steps_.emplace_back(p, [this, n, p, log_n](std::size_t k) { bit_reverse_range(a_, n * k / p, n * (k + 1) / p, log_n); });
    const std::size_t nblocks = n >> std::min(log_n, kLocalLog), pb = std::min(pieces_, nblocks);
    steps_.emplace_back(pb, [this, nblocks, pb, log_n, w](std::size_t k) {
        with_mul<Fr>([&](auto mul) { local_blocks(a_, nblocks * k / pb, nblocks * (k + 1) / pb, log_n, w, mul); });
    });
    for (unsigned s = kLocalLog; s < log_n; ++s) {
        steps_.emplace_back(p, [this, half, p, s, log_n, w](std::size_t k) {
            with_mul<Fr>([&](auto mul) { stage_range(a_, s, log_n, half * k / p, half * (k + 1) / p, w, mul); });
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
