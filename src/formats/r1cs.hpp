// SPDX-License-Identifier: MIT OR Apache-2.0
// circom constraint systems (.r1cs): the header, for `peregrine info`.
#pragma once
#include <string>

#include "formats/binfile.hpp"

namespace peregrine {

struct R1csHeader {
    Limbs prime{};
    std::uint32_t n_wires = 0, n_pub_out = 0, n_pub_in = 0, n_prv_in = 0, n_constraints = 0;
    std::uint64_t n_labels = 0;
};

R1csHeader read_r1cs_header(const std::string& path);
// The header section of an open .r1cs file.
R1csHeader read_r1cs_header(const BinFile& f);

}  // namespace peregrine
