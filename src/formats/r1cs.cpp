// SPDX-License-Identifier: MIT OR Apache-2.0
#include "formats/r1cs.hpp"

namespace peregrine {

R1csHeader read_r1cs_header(const std::string& path) { return read_r1cs_header(BinFile(path, "r1cs", 1)); }

R1csHeader read_r1cs_header(const BinFile& f) {
    const std::string& path = f.path();
    Reader h = f.reader(1);
    R1csHeader r;
    const std::uint32_t n8 = h.u32();
    if (n8 != 32) throw Error(path + ": unsupported field size of " + std::to_string(n8) + " bytes");
    r.prime = h.limbs(n8);
    r.n_wires = h.u32();
    r.n_pub_out = h.u32();
    r.n_pub_in = h.u32();
    r.n_prv_in = h.u32();
    r.n_labels = h.u64();
    r.n_constraints = h.u32();
    if (h.remaining() != 0) throw Error(path + ": invalid r1cs header size");
    // Every constraint takes at least 12 bytes (three term counts): a count the constraints section
    // cannot hold is refused here, before any reader sizes its arrays by it (found by fuzz_r1cs).
    if (f.has(2) && std::uint64_t(r.n_constraints) * 12 > f.section(2).size) {
        throw Error(path + ": header claims " + std::to_string(r.n_constraints) + " constraints, but the constraints section has " +
                    std::to_string(f.section(2).size) + " bytes");
    }
    return r;
}

}  // namespace peregrine
