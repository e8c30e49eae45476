// SPDX-License-Identifier: MIT OR Apache-2.0
// snarkjs-compatible JSON text for proofs and public signals.
#pragma once
#include <string>
#include <vector>

#include "curve/bn254.hpp"
#include "curve/pairing.hpp"

namespace peregrine {

struct Proof {
    G1Affine a;
    G2Affine b;
    G1Affine c;
};

struct VerifyingKey {
    G1Affine alpha1;
    G2Affine beta2, gamma2, delta2;
    std::vector<G1Affine> ic;  // n_public + 1 points
    std::size_t n_public() const { return ic.empty() ? 0 : ic.size() - 1; }
};

// Byte-identical to what `snarkjs groth16 prove` writes (one-space indentation).
std::string proof_to_json(const Proof& p);
std::string public_to_json(const std::vector<Limbs>& signals);
// Compact forms (no white space), as rapidsnark's C API returns them.
std::string proof_to_json_compact(const Proof& p);
std::string public_to_json_compact(const std::vector<Limbs>& signals);

// `snarkjs zkey export verificationkey` layout; alphabeta is e(alpha1, beta2).
std::string vk_to_json(const VerifyingKey& vk, const Fq12& alphabeta);

// Parsers for snarkjs JSON. Numbers may be decimal or 0x-hex strings, or JSON integers.
// They throw Error (prefixed with `what`) on malformed JSON, a wrong shape or curve, coordinates
// not below p, points off the curve, and G2 points outside the order-r subgroup.
Proof proof_from_json(const std::string& text, const std::string& what = "proof");
std::vector<Limbs> public_from_json(const std::string& text, const std::string& what = "public signals");
VerifyingKey vk_from_json(const std::string& text, const std::string& what = "verification key");

}  // namespace peregrine
