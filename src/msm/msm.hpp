// Multi-scalar multiplication sum_i k_i * P_i (Pippenger's bucket method, signed windows),
// spread over a caller-supplied thread pool.
#pragma once
#include <cstddef>
#include <cstdint>

#include "curve/bn254.hpp"
#include "util/thread_pool.hpp"

namespace peregrine {

// bases: n affine points in snarkjs layout (little-endian Montgomery coordinates, x then y;
// (0,0) is infinity), 64 bytes each for G1 and 128 for G2. They may be unaligned (mmap'd files).
// scalars: n canonical integers < r.
G1 msm_g1(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, ThreadPool& pool);
G2 msm_g2(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, ThreadPool& pool);

// The window width the MSM picks for n points (exposed for tests and benchmarks).
unsigned msm_window_bits(std::size_t n);

// The same MSMs with the strategy forced: window width c (2..15) and affine (batched) or
// Jacobian buckets. For tests and benchmarks; the plain functions choose by size.
G1 msm_g1_with(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, unsigned c, bool affine,
               ThreadPool& pool);
G2 msm_g2_with(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, unsigned c, bool affine,
               ThreadPool& pool);

}  // namespace peregrine
