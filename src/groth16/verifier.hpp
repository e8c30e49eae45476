// SPDX-License-Identifier: MIT OR Apache-2.0
// Groth16 verification over BN254: e(A, B) == e(alpha, beta) * e(vk_x, gamma) * e(C, delta),
// with vk_x = IC_0 + sum_i public_i * IC_i.
#pragma once
#include <vector>

#include "formats/json.hpp"
#include "formats/zkey.hpp"
#include "util/thread_pool.hpp"

namespace peregrine {

// The verification key inside a proving key.
VerifyingKey verifying_key(const Zkey& zkey);

// True when the proof is valid for these public signals. Inputs must already be validated
// (the JSON parsers do: points on their curves, G2 in the subgroup, signals below r); throws
// Error when the number of public signals does not match the key.
bool groth16_verify(const VerifyingKey& vk, const std::vector<Limbs>& public_signals, const Proof& proof);

}  // namespace peregrine
