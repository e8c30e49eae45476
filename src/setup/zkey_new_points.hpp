// SPDX-License-Identifier: MIT OR Apache-2.0
// The point sections of a new zkey (internal to zkey_new.cpp): every point is a sparse
// combination of the Lagrange points of the key's domain with the r1cs coefficients, and the
// circuit hash takes the points in snarkjs's uncompressed encoding.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "curve/bn254.hpp"
#include "formats/binfile.hpp"
#include "setup/blake2b.hpp"
#include "setup/r1cs_reader.hpp"
#include "util/thread_pool.hpp"

namespace peregrine::setup {

// LEM arrays of the Lagrange basis of the key's domain (from ptau sections 12..15).
struct LagrangeBases {
    const std::uint8_t *tau_g1, *tau_g2, *alpha_g1, *beta_g1;
};

// IC (section 3), C (8), A (5), B1 (6), B2 (7).
enum class Target { IC, C, A, B1, B2 };

class PointSums {
public:
    PointSums(const R1cs& cs, const LagrangeBases& lb) : cs_(cs), lb_(lb) {}
    std::uint32_t count(Target t) const;
    std::size_t point_size(Target t) const { return t == Target::B2 ? 128 : 64; }
    // Computes the points of t in order and hands them to emit in blocks (LEM, n points).
    void compute(Target t, ThreadPool& pool, bool progress,
                 const std::function<void(const std::uint8_t*, std::size_t)>& emit) const;

private:
    const R1cs& cs_;
    LagrangeBases lb_;
};

// Updates h with the uncompressed encodings of n LEM points (G2 if g2).
void hash_lem(Blake2b& h, const std::uint8_t* lem, std::size_t n, bool g2, ThreadPool& pool);

// snarkjs's hash of the H points: u32 (domain - 1) big-endian, then (tau^(i+domain) - tau^i) G1
// for i < domain - 1, in chunks of 2^14 of which snarkjs always takes whole ones: from a domain of
// 2^15 on it hashes `domain` points, the last one reading 64 bytes past tauG1 when the ptau has
// exactly the circuit's power (the next section's header and first bytes, as snarkjs does).
void hash_h_points(Blake2b& h, Bytes tau_g1, Bytes tau_g2, std::size_t domain, ThreadPool& pool);

// p1 - p2 as snarkjs computes it (ffjavascript g1m_subAffine, then affine) for LEM bytes p1 that
// need not be a point nor reduced mod q, and a point p2. Exposed for tests.
G1Affine wasm_sub_affine(const std::uint8_t* p1, const std::uint8_t* p2);

}  // namespace peregrine::setup
