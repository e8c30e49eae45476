// SPDX-License-Identifier: MIT OR Apache-2.0
// File-level proving shared by the front ends: zkey + wtns paths in, JSON texts out.
#pragma once
#include <string>

#include "groth16/prover.hpp"

namespace peregrine {

struct ProofFiles {
    std::string proof_json;
    std::string public_json;
};

// Loads the witness and checks it against the key (same prime, same length), then proves.
ProofFiles prove_from_files(const Zkey& zkey, const std::string& wtns_path, ThreadPool& pool,
                            const ProveOptions& opts = {});

class Wtns;
// The same from a witness already loaded (a file or an in-memory .wtns image); errors name
// wtns.path() (for an in-memory witness, the name it was given).
ProofFiles prove_from_wtns(const Zkey& zkey, const Wtns& wtns, ThreadPool& pool, const ProveOptions& opts = {});

}  // namespace peregrine
