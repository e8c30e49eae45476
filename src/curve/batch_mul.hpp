// SPDX-License-Identifier: MIT OR Apache-2.0
// Scalar multiplication of many points at once: k_i P_i for arrays of G1 or G2 points, with one
// fixed scalar (phase-2 contributions), a geometric sequence first * inc^i (powers-of-tau
// contributions) or one scalar per point.
//
// Method: every scalar is split with the GLV endomorphism (two halves below 2^127, see
// glv_split) and each half recoded in width-5 NAF. A block of points then runs the
// double-and-add in lockstep, in affine coordinates: every step (one doubling of all lanes, or
// the additions of the lanes whose digit is non-zero) shares one field inversion across the
// block (batch inversion), and the field products run as passes over whole arrays (mul_n: eight
// at a time with AVX-512 IFMA where the CPU has it). About 127 affine doublings and 42 affine
// additions per point, roughly 7 and 6 field products each.
#pragma once
#include <cstddef>
#include <cstdint>

#include "field/bn254.hpp"
#include "util/thread_pool.hpp"

namespace peregrine {

// The point arrays are in snarkjs layout (little-endian Montgomery coordinates x then y; (0,0)
// is infinity): 64 bytes per G1 point and 128 per G2 point. in == out is allowed (not other
// overlaps). The points must lie on the curve; the GLV endomorphism assumes the order-r
// subgroup (every G1 point; a G2 point outside it gets a meaningless result, safely). Parallel
// over blocks of points on `pool`.

// out_i = k * in_i.
void g1_mul_fixed(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& k, ThreadPool& pool);
void g2_mul_fixed(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& k, ThreadPool& pool);

// out_i = (first * inc^i) * in_i; each block computes its own scalars, starting from first * inc^lo.
void g1_mul_powers(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& first, const Fr& inc,
                   ThreadPool& pool);
void g2_mul_powers(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& first, const Fr& inc,
                   ThreadPool& pool);

// out_i = ks[i] * in_i.
void g1_mul_each(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr* ks, ThreadPool& pool);
void g2_mul_each(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr* ks, ThreadPool& pool);

}  // namespace peregrine
