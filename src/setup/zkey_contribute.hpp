// SPDX-License-Identifier: MIT OR Apache-2.0
// Phase-2 (circuit-specific) contributions to a snarkjs Groth16 zkey, as snarkjs `zkey contribute`
// and `zkey beacon` write them: a new secret delta factor d scales vk_delta_1 and vk_delta_2 by d
// and the C (section 8) and H (section 9) points by 1/d; a record with the key's proof of
// knowledge is appended to the MPC parameters (section 10). Every other section is copied.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "setup/keys.hpp"
#include "util/thread_pool.hpp"

namespace peregrine::setup {

struct ZkeyContributeResult {
    Hash64 circuit_hash{};       // the csHash of the MPC parameters
    Hash64 contribution_hash{};  // BLAKE2b-512 of the new public key (what snarkjs prints)
};

// A random contribution: the key is drawn from a ChaCha seeded with OS randomness and `entropy`
// (snarkjs getRandomRng). `name` is stored (truncated to 64 UTF-16 units) when not empty.
ZkeyContributeResult zkey_contribute(const std::string& in, const std::string& out, const std::string& name,
                                     const std::string& entropy, ThreadPool& pool, bool progress = false);

// The beacon contribution: the key comes from SHA-256 iterated 2^exp times over the beacon
// (1..255 bytes, exp in 10..63), so the output is fully determined by its inputs.
ZkeyContributeResult zkey_beacon(const std::string& in, const std::string& out, const std::string& name,
                                 const std::vector<std::uint8_t>& beacon, unsigned exp, ThreadPool& pool,
                                 bool progress = false);

// Parses a beacon given in hex as snarkjs accepts it (an even number of hex digits, no prefix,
// at most 255 bytes); Error otherwise.
std::vector<std::uint8_t> parse_beacon_hex(const std::string& hex);

}  // namespace peregrine::setup
