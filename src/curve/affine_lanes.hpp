// SPDX-License-Identifier: MIT OR Apache-2.0
// Affine doublings and additions of many independent G1 or G2 points in lockstep with AVX-512 IFMA (the
// lane arithmetic of field/ifma_lanes.hpp; callers check kernels::kHaveIfma). Each call is two
// passes over blocks of eight points: forward, the slopes' numerators and denominators and the
// batch inversion's prefix products; backward, the inverses and the new points. The inversion
// runs two chains of eight lanes (even and odd blocks), so consecutive products do not wait on
// each other; in G2 it inverts the norms c0^2 + c1^2 (1/x = conj(x)/norm). Coordinates are canonical Montgomery values (< p), in one of two layouts:
//  - lane arrays (G1 only: kernels::ifma::LaneArray rows of nb blocks), for code that keeps its points in
//    that form for many steps (curve/batch_mul's one-scalar blocks);
//  - plain Fq or Fq2 arrays of n elements, converted block by block inside the passes (the lockstep
//    formulas of curve/affine_batch.hpp).
// A zero denominator (y = 0 in a doubling, equal x in an addition) counts as having inverse 0,
// as batch_inverse does, so (0, 0) doubles to (0, 0); additions report such lanes.
#pragma once
#if defined(__x86_64__)
#include <cstddef>
#include <cstdint>

#include "field/bn254.hpp"

namespace peregrine::affine_lanes {

// Scratch for n points: (3 or 6) * 40 * ceil(n/8) words for G1 or G2.
inline std::size_t scratch_words(std::size_t n, bool g2 = false) { return (g2 ? 6 : 3) * 40 * ((n + 7) / 8); }

// Lane arrays of nb blocks. (X, Y) <- 2 (X, Y); (X, Y) <- (X, Y) + (BX, BY), setting bit e of
// zmask[k] (never clearing it) where lane e of block k had equal x.
void dbl(std::uint64_t* X, std::uint64_t* Y, std::size_t nb, std::uint64_t* scratch);
void add(std::uint64_t* X, std::uint64_t* Y, const std::uint64_t* BX, const std::uint64_t* BY, std::size_t nb,
         std::uint64_t* scratch, std::uint8_t* zmask);

// Fq (G1) or Fq2 (G2) arrays of n points. special[i] (additions): whether x1[i] == x2[i].
void dbl(Fq* x, Fq* y, std::size_t n, std::uint64_t* scratch);
void add(Fq* x1, Fq* y1, const Fq* x2, const Fq* y2, std::size_t n, std::uint8_t* special, std::uint64_t* scratch);
void dbl(Fq2* x, Fq2* y, std::size_t n, std::uint64_t* scratch);
void add(Fq2* x1, Fq2* y1, const Fq2* x2, const Fq2* y2, std::size_t n, std::uint8_t* special, std::uint64_t* scratch);

// Lane array <-> Fq array (n elements), r = c a and r = -a on lane arrays of nb blocks.
void pack(std::uint64_t* dst, const Fq* src, std::size_t n);
void unpack(Fq* dst, const std::uint64_t* src, std::size_t n);
void mul_by(std::uint64_t* r, const std::uint64_t* a, const Fq& c, std::size_t nb);
void neg(std::uint64_t* r, const std::uint64_t* a, std::size_t nb);

}  // namespace peregrine::affine_lanes
#endif
