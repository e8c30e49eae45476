// SPDX-License-Identifier: MIT OR Apache-2.0
// Multiplication of many G1 points by one fixed scalar (the phase-2 contribution scales the C and
// H sections by 1/delta). Since every point goes through the same double-and-add sequence, the
// points are processed in lockstep in affine coordinates, each step sharing one field inversion
// across a block of points (batch inversion); the scalar is split with the GLV endomorphism
// (two 127-bit halves) and recoded in width-5 NAF, so a point costs about 127 affine doublings
// and 42 affine additions.
#pragma once
#include <cstddef>
#include <cstdint>

#include "field/bn254.hpp"
#include "util/thread_pool.hpp"

namespace peregrine::setup {

// out_i = k * in_i for n LEM G1 points (64 bytes each; (0,0) is infinity; in == out allowed).
// Points must be on the curve (check first: see g1_lem_all_on_curve). Parallel over the pool.
void g1_scale_fixed(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& k, ThreadPool& pool);

}  // namespace peregrine::setup
