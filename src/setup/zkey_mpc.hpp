// SPDX-License-Identifier: MIT OR Apache-2.0
// The MPC parameters of a snarkjs Groth16 zkey (section 10): the circuit hash and the list of
// phase-2 contributions, each with its delta key, transcript and optional parameters. Reading,
// writing (byte-for-byte as snarkjs writes them) and the transcript hashes built from them.
//
// Section 10 layout: csHash (64 bytes), u32 count, then per contribution:
//   deltaAfter G1, g1_s G1, g1_sx G1 (LEM, 64 bytes each), g2_spx G2 (128), transcript (64),
//   u32 type (0 contribution, 1 beacon), u32 parameter bytes, parameters as (u8 id, value)
//   with increasing ids: 1 name (u8 length, UTF-8), 2 iterations exponent (u8),
//   3 beacon hash (u8 length, bytes).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "curve/bn254.hpp"
#include "formats/binfile.hpp"
#include "setup/blake2b.hpp"
#include "setup/keys.hpp"

namespace peregrine::setup {

struct ZkeyContribution {
    G1Affine delta_after, g1_s, g1_sx;
    G2Affine g2_spx;
    Hash64 transcript{};
    std::uint32_t type = 0;  // 0: random contribution, 1: beacon
    std::string name;         // empty: none
    bool has_exp = false;
    std::uint8_t num_iterations_exp = 0;
    bool has_beacon = false;
    std::vector<std::uint8_t> beacon_hash;
};

struct MpcParams {
    Hash64 cs_hash{};
    std::vector<ZkeyContribution> contributions;
};

// Parses section 10 of a zkey (what = the file's name for messages). Errors name the file and the
// contribution; points are not checked here (see mpc_points_on_curve).
MpcParams parse_mpc_params(Bytes section, const std::string& what);
// The section body as snarkjs writeMPCParams writes it.
std::vector<std::uint8_t> encode_mpc_params(const MpcParams& p);
// Index of the first contribution with a point off its curve, or -1.
long mpc_first_bad_point(const MpcParams& p);

// A contribution name as snarkjs stores it: at most 64 UTF-16 code units of the text (invalid
// UTF-8 read as U+FFFD), re-encoded as UTF-8.
std::string truncate_contribution_name(const std::string& name);

// Transcript hashing (snarkjs hashG1/hashG2/hashPubKey: uncompressed encodings).
void hash_g1(Blake2b& h, const G1Affine& p);
void hash_g2(Blake2b& h, const G2Affine& p);
void hash_pub_key(Blake2b& h, const ZkeyContribution& c);
// BLAKE2b-512 of the public key alone: the "contribution hash" snarkjs prints.
Hash64 contribution_hash(const ZkeyContribution& c);


}  // namespace peregrine::setup
