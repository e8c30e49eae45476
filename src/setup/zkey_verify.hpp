// SPDX-License-Identifier: MIT OR Apache-2.0
// Verification of a phase-2 zkey, as snarkjs `zkey verify` (from r1cs): the initial key is
// re-derived from the circuit and the powers of tau, every section that the contributions do not
// touch must equal it byte for byte, the chain of delta contributions must hold (transcripts,
// proofs of knowledge, beacons), and the C and H points must be the initial ones divided by the
// final delta (one random linear combination and one pairing check per section).
#pragma once
#include <cstddef>
#include <string>

#include "util/thread_pool.hpp"

namespace peregrine::setup {

struct ZkeyVerifyResult {
    bool ok = false;
    std::string reason;  // why the key is invalid (one line)
    std::string report;  // when valid: circuit hash and contribution hashes, as snarkjs prints them
};

// Invalid keys give ok == false; unreadable inputs (missing, truncated or malformed files, another
// curve) throw Error.
ZkeyVerifyResult zkey_verify(const std::string& r1cs, const std::string& ptau, const std::string& zkey,
                             ThreadPool& pool, bool progress = false);

// The same against an initial key already made (snarkjs `zkey verify` from init): the zkey image
// init_data (init_size bytes, named init_name in messages) with no contributions.
ZkeyVerifyResult zkey_verify_from_init(const void* init_data, std::size_t init_size, const std::string& init_name,
                                       const std::string& zkey, ThreadPool& pool, bool progress = false);
// Same with the initial key in a file.
ZkeyVerifyResult zkey_verify_from_init_file(const std::string& init, const std::string& zkey, ThreadPool& pool,
                                            bool progress = false);

}  // namespace peregrine::setup
