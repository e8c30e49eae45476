// SPDX-License-Identifier: MIT OR Apache-2.0
// Fixed-base scalar multiplication: k_i B for one base point B and many scalars k_i (the
// generator, in a first powers-of-tau contribution whose secrets are known: see
// setup/ptau_first.cpp).
//
// Method: a table of the multiples t 2^(w j) B for every window j of a width-w signed recoding of
// the scalar (t = 1 .. 2^(w-1)), so k B = sum_j d_j 2^(w j) B is about 254/w additions of table
// entries and no doubling. A block of scalars adds its entries in lockstep, in affine coordinates
// with one shared inversion per window (curve/affine_batch.hpp): about 6 field products per
// addition. Lanes that hit an exceptional case (the accumulator equal to plus or minus its
// entry) are redone with the generic multiplication, so the results are exact in every case.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "curve/bn254.hpp"
#include "util/thread_pool.hpp"

namespace peregrine {

template <class J>
class FixedBase {
public:
    using Aff = typename J::Aff;
    // Builds the table of `base` (not infinity) for windows of `window` bits (2..20; 0 picks
    // the default: 16 for G1, 15 for G2). Table size: (254 / w + 1) 2^(w-1) affine points
    // (33 MiB for G1 at w = 16, 34 MiB for G2 at w = 15).
    FixedBase(const Aff& base, ThreadPool& pool, unsigned window = 0);

    // out[i] = ks[i] B for i < n, as affine points in the snarkjs LEM layout (64 bytes per G1
    // point, 128 per G2 point; infinity is (0, 0)). Parallel over blocks on the pool.
    void mul(const Fr* ks, std::size_t n, std::uint8_t* out, ThreadPool& pool) const;

    unsigned window() const { return w_; }
    std::size_t table_bytes() const { return tab_.size() * sizeof(Aff); }

private:
    void mul_block(const Fr* ks, std::size_t m, Aff* out) const;

    Aff base_;
    unsigned w_ = 0, nwin_ = 0;
    std::vector<Aff> tab_;  // tab_[(j << (w - 1)) + t - 1] = t 2^(w j) B
};

extern template class FixedBase<G1>;
extern template class FixedBase<G2>;

}  // namespace peregrine
