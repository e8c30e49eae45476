// SPDX-License-Identifier: MIT OR Apache-2.0
// The ChaCha20-based generator of ffjavascript (its `ChaCha` class) and the ways snarkjs draws
// field elements and curve points from it, so that keys derived from a transcript hash or a
// beacon equal snarkjs's exactly.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "curve/bn254.hpp"
#include "field/bn254.hpp"

namespace peregrine::setup {

class ChaCha {
public:
    // Key words seed[0..7]; nonce and counter start at zero.
    explicit ChaCha(const std::array<std::uint32_t, 8>& seed);
    // Seeded with the first 32 bytes of `bytes` read as eight big-endian u32 (snarkjs's usage).
    static ChaCha from_bytes_be(const std::uint8_t* bytes32);

    std::uint32_t next_u32();
    std::uint64_t next_u64();  // high word first, as ffjavascript
    bool next_bool() { return (next_u32() & 1) != 0; }

private:
    void refill();
    std::array<std::uint32_t, 16> state_, out_;
    unsigned idx_ = 16;
};

// ffjavascript F.fromRng for the BN254 fields: four u64 words (least significant first), masked to
// 254 bits, rejected while >= the modulus; the integer is taken as the Montgomery representation.
Fq fq_from_rng(ChaCha& rng);
Fr fr_from_rng(ChaCha& rng);
Fq2 fq2_from_rng(ChaCha& rng);  // c0 then c1
// ffjavascript G.fromRng: x from rng and a sign bit until x^3 + b is a square; y is the root with
// "negative" == sign bit; G2 points are then multiplied by the cofactor.
G1Affine g1_from_rng(ChaCha& rng);
G2Affine g2_from_rng(ChaCha& rng);

// Square roots (nullopt-free: callers check is-square first).
bool fq_is_square(const Fq& a);
Fq fq_sqrt(const Fq& a);
bool fq2_is_square(const Fq2& a);
Fq2 fq2_sqrt(const Fq2& a);

// snarkjs rngFromBeaconParams: SHA-256 iterated 2^exp times over beacon_hash, then a ChaCha
// seeded from the digest.
ChaCha rng_from_beacon(const std::uint8_t* beacon, std::size_t len, unsigned exp);

}  // namespace peregrine::setup
