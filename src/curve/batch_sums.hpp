// SPDX-License-Identifier: MIT OR Apache-2.0
// Many small multi-scalar sums at once: out_j = sum_k ks[k] P[base[k]] over the terms k of sum j,
// for the sparse point combinations of a Groth16 key (`setup`: each key point is a handful of
// coefficient x Lagrange point terms, and each Lagrange point serves several key points).
//
// Method (Straus, in lockstep across the sums): every scalar is split with the GLV endomorphism
// and recoded in width-w NAF; each point gets one table of its odd multiples (and their images
// (beta x, y)), shared by all its terms, with w from 5 to 8 growing with the number of terms
// that use it (a table of 2^(w-2) entries against about 254 / (w + 1) digits per term). Each sum
// then needs one chain of ~127 doublings for all its terms: against one multiplication per term
// (batch_mul), the doublings are shared. The doublings of all sums, and the additions of one
// digit position (a binary tree per sum when it has several non-zero digits there: log2
// rounds), run in affine coordinates with one shared inversion per round
// (curve/affine_batch.hpp). A sum that meets an exceptional addition (equal x) is redone with
// the generic formulas, so results are exact.
#pragma once
#include <cstddef>
#include <cstdint>

#include "curve/bn254.hpp"

namespace peregrine {

// out[j] = sum over k in [start[j], start[j+1]) of ks[k] bases[base[k]], for j < n_sums; base[k] <
// n_bases, ks canonical (< r), bases affine on the curve (infinity allowed; G2 points must lie
// in the order-r subgroup). Single-threaded: callers split their sums into chunks (a few thousand
// terms each).
void g1_batch_sums(const G1Affine* bases, std::size_t n_bases, const std::uint32_t* base, const Limbs* ks,
                   const std::uint64_t* start, std::size_t n_sums, G1* out);
void g2_batch_sums(const G2Affine* bases, std::size_t n_bases, const std::uint32_t* base, const Limbs* ks,
                   const std::uint64_t* start, std::size_t n_sums, G2* out);

}  // namespace peregrine
