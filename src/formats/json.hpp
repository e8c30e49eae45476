// snarkjs-compatible JSON text for proofs and public signals.
#pragma once
#include <string>
#include <vector>

#include "curve/bn254.hpp"

namespace peregrine {

struct Proof {
    G1Affine a;
    G2Affine b;
    G1Affine c;
};

// Byte-identical to what `snarkjs groth16 prove` writes (one-space indentation).
std::string proof_to_json(const Proof& p);
std::string public_to_json(const std::vector<Limbs>& signals);

}  // namespace peregrine
