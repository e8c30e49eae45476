// SPDX-License-Identifier: MIT OR Apache-2.0
// The initial Groth16 proving key of a circuit (snarkjs `groth16 setup` / `zkey new`), byte for
// byte as snarkjs 0.7.6 writes it, from a .r1cs and a prepared .ptau (see ptau_prepare.hpp).
//
// Sections, in file order: 1 (u32 1 = Groth16), 2 (Groth16 header: n8q, q, n8r, r, nVars, nPublic,
// domain size, alpha1, beta1, beta2 from the ptau, gamma2 = delta2 = G2 generator, delta1 = G1
// generator), 4 (coefficients), 3 (IC), 9 (H), 8 (C), 5 (A), 6 (B1), 7 (B2), 10 (csHash, then
// u32 0 contributions). The circuit hash (csHash) is BLAKE2b-512 over the uncompressed points.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "setup/keys.hpp"
#include "util/thread_pool.hpp"

namespace peregrine::setup {

struct ZkeyNewOptions {
    bool progress = false;  // progress lines on stderr
    bool verbose = false;   // one timing line per step on stderr
};

// Writes the initial key to out_path atomically and returns its circuit hash. Errors (Error, one
// line naming the file): unreadable/truncated/corrupt r1cs or ptau, r1cs of another curve, ptau
// not prepared (run `ptau prepare`), ptau too small (the message names the power needed). No file
// is written on error.
Hash64 zkey_new(const std::string& r1cs_path, const std::string& ptau_path, const std::string& out_path,
                ThreadPool& pool, const ZkeyNewOptions& opt = {});

// The same key as a file image in memory (what zkey_new would write), for `zkey verify`.
// cs_hash (if not null) receives the circuit hash.
std::vector<std::uint8_t> zkey_new_image(const std::string& r1cs_path, const std::string& ptau_path,
                                         ThreadPool& pool, Hash64* cs_hash = nullptr,
                                         const ZkeyNewOptions& opt = {});

// The smallest ptau power that can hold the circuit (snarkjs: log2(nConstraints + nPublic) + 1);
// the domain size of the key is 2^that.
unsigned zkey_circuit_power(std::uint32_t n_constraints, std::uint32_t n_public);

}  // namespace peregrine::setup
