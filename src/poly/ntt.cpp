// SPDX-License-Identifier: MIT OR Apache-2.0
#include "poly/ntt.hpp"

#include <utility>

namespace peregrine {

namespace {
std::size_t bit_reverse(std::size_t x, unsigned bits) {
    std::size_t r = 0;
    for (unsigned i = 0; i < bits; ++i) {
        r = (r << 1) | (x & 1);
        x >>= 1;
    }
    return r;
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
    for (std::size_t i = 0; i < n_; ++i) {
        std::size_t j = bit_reverse(i, log_n_);
        if (i < j) std::swap(a[i], a[j]);
    }
    const std::size_t pairs = n_ / 2;
    with_mul<Fr>([&](auto mul) {
        for (unsigned s = 0; s < log_n_; ++s) {
            const std::size_t half = std::size_t(1) << s;
            const unsigned stride_log = log_n_ - 1 - s;  // twiddle index step is n / (2 half)
            // The first butterfly of each block has twiddle 1 (all of them in the first stage, half
            // in the second...): no product, about n of the (n/2) log n multiplications.
            auto stage = [&](std::size_t b, std::size_t e) {
                for (std::size_t t = b; t < e; ++t) {
                    const std::size_t blk = t >> s, j = t & (half - 1);
                    const std::size_t i0 = (blk << (s + 1)) + j, i1 = i0 + half;
                    const Fr x = j == 0 ? a[i1] : mul(a[i1], tw[j << stride_log]);
                    a[i1] = a[i0] - x;
                    a[i0] = a[i0] + x;
                }
            };
            if (pairs >= 4096 && pool.size() > 1) {
                pool.parallel_for(pairs, stage, 1);
            } else {
                stage(0, pairs);
            }
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

}  // namespace peregrine
