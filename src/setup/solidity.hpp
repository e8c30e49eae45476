// SPDX-License-Identifier: MIT OR Apache-2.0
// Groth16 verification on Ethereum: the source of a verifier contract for a verifying key, with
// the interface of the one `snarkjs zkey export solidityverifier` (0.7.6) writes, and the
// call arguments for a proof as `snarkjs zkey export soliditycalldata` prints them.
#pragma once
#include <string>

#include "formats/json.hpp"

namespace peregrine {

// Solidity source of contract Groth16Verifier with
//   verifyProof(uint[2] _pA, uint[2][2] _pB, uint[2] _pC, uint[N] _pubSignals) public view returns (bool),
// N = vk.n_public() (for N = 0 without _pubSignals: solc rejects uint[0]). It returns true exactly
// when the proof is valid and every public signal is below the scalar field prime r; malformed
// points make the precompiles fail and it returns false.
std::string groth16_solidity_verifier(const VerifyingKey& vk);

// The verifying key in `path`: a snarkjs Groth16 .zkey or a verification_key.json. Throws Error
// naming the path for any other file, or a key that is not Groth16 over bn128.
VerifyingKey read_verifying_key_file(const std::string& path);

// What `snarkjs zkey export soliditycalldata public.json proof.json` prints for a Groth16 proof,
// including the final newline. Both texts are validated first (shape, numbers, points on their
// curves, signals below r, "protocol": "groth16"); errors name `public_what` or `proof_what`.
std::string groth16_solidity_calldata(const std::string& public_json, const std::string& proof_json,
                                      const std::string& public_what = "public signals",
                                      const std::string& proof_what = "proof");

}  // namespace peregrine
