// SPDX-License-Identifier: MIT OR Apache-2.0
// The constraints of a circom .r1cs (section 2), for the setup: each constraint is three linear
// combinations A, B, C of signals, each term a signal id and a coefficient (reduced mod r).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "field/bigint.hpp"
#include "formats/r1cs.hpp"

namespace peregrine::setup {

struct R1csTerm {
    std::uint32_t signal;
    Limbs coef;  // canonical, < r
};

struct R1cs {
    R1csHeader header;
    // Terms of all constraints, constraint by constraint, A then B then C; lc_start[3c + m] is the
    // first term of matrix m (0 A, 1 B, 2 C) of constraint c, lc_start.back() == terms.size().
    std::vector<R1csTerm> terms;
    std::vector<std::uint64_t> lc_start;
    std::uint32_t n_public() const { return header.n_pub_out + header.n_pub_in; }
};

// Reads and checks the header and constraints (BN254 scalar field only; signal ids below the wire
// count; exact section sizes). Errors name the file.
R1cs read_r1cs(const std::string& path);

}  // namespace peregrine::setup
