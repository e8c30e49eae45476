// SPDX-License-Identifier: MIT OR Apache-2.0
// The powers-of-tau ceremony operations behind `peregrine ptau ...`, compatible with snarkjs 0.7.6
// (`snarkjs powersoftau new|contribute|beacon|verify`) on BN254. Outputs are written atomically:
// on any error no output file is left.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "setup/keys.hpp"
#include "util/thread_pool.hpp"

namespace peregrine::setup {

struct PtauRunOptions {
    ThreadPool* pool = nullptr;
    bool verbose = false;   // timings of each step on stderr
    bool progress = false;  // progress bars on stderr
    // contribute/beacon only: the input must be fresh (`ptau new`, no contribution yet); the
    // output is then also prepared for phase 2 (sections 12..15), byte for byte what `ptau prepare`
    // would make of the plain output, computed in O(n) fixed-base products from the contribution's
    // own secrets instead of the O(n log n) transforms of `ptau prepare`. See ptau_first.cpp.
    bool prepare = false;
};

// A fresh accumulator of 2^power (1..28): every point a generator, no contributions. Returns the
// first challenge hash.
Hash64 ptau_new(unsigned power, const std::string& out_path, const PtauRunOptions& o);

// Adds a contribution with secrets from the OS CSPRNG mixed with `entropy` (as snarkjs does).
// Returns the contribution's response hash.
Hash64 ptau_contribute(const std::string& in_path, const std::string& out_path, const std::string& name,
                       const std::string& entropy, const PtauRunOptions& o);

// Adds a beacon contribution: secrets from SHA-256 iterated 2^iter_exp times over the beacon
// (hex, 1..255 bytes; iter_exp 10..63). Deterministic: equals snarkjs's output byte for byte.
Hash64 ptau_beacon(const std::string& in_path, const std::string& out_path, const std::string& name,
                   const std::string& beacon_hex, unsigned iter_exp, const PtauRunOptions& o);

struct PtauVerdict {
    bool valid = false;
    std::string reason;              // why not valid
    std::vector<std::string> notes;  // e.g. "not prepared for phase 2"
};
// snarkjs powersoftau verify. Throws Error for unreadable or malformed files.
PtauVerdict ptau_verify(const std::string& path, const PtauRunOptions& o);

// Text for `ptau info`.
std::string ptau_info(const std::string& path);

}  // namespace peregrine::setup
