// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/r1cs_reader.hpp"

#include "formats/r1cs.hpp"

#include "field/bn254.hpp"
#include "formats/binfile.hpp"
#include "util/error.hpp"

namespace peregrine::setup {

namespace {

Limbs reduce_mod_r(Limbs a) {
    const Limbs& r = FrParams::MOD;
    while (cmp(a, r) >= 0) {
        unsigned __int128 borrow = 0;
        for (int i = 0; i < 4; ++i) {
            const unsigned __int128 d = (unsigned __int128)a[i] - r[i] - borrow;
            a[i] = (std::uint64_t)d;
            borrow = (d >> 64) ? 1 : 0;
        }
    }
    return a;
}

}  // namespace

R1cs read_r1cs(const std::string& path) {
    BinFile f(path, "r1cs", 1);
    R1cs out;
    R1csHeader& h = out.header;
    h = read_r1cs_header(f);
    if (h.prime != FrParams::MOD)
        throw Error(path + ": the circuit is for another curve (its prime is " + to_decimal(h.prime) +
                    "); only bn128 is supported");
    if (h.n_wires == 0 || std::uint64_t(h.n_pub_out) + h.n_pub_in + h.n_prv_in >= h.n_wires)
        throw Error(path + ": inconsistent r1cs header (" + std::to_string(h.n_wires) + " wires, " +
                    std::to_string(h.n_pub_out + h.n_pub_in + h.n_prv_in) + " inputs and outputs)");
    Reader r = f.reader(2);
    out.lc_start.reserve(std::size_t(h.n_constraints) * 3 + 1);
    out.terms.reserve(r.remaining() / 36);
    for (std::uint32_t c = 0; c < h.n_constraints; ++c) {
        for (int m = 0; m < 3; ++m) {
            out.lc_start.push_back(out.terms.size());
            const std::uint32_t n = r.u32();
            if (std::uint64_t(n) * 36 > r.remaining())
                throw Error(path + ": constraint " + std::to_string(c) + " is truncated");
            for (std::uint32_t i = 0; i < n; ++i) {
                const std::uint32_t s = r.u32();
                if (s >= h.n_wires)
                    throw Error(path + ": constraint " + std::to_string(c) + " uses signal " + std::to_string(s) +
                                " but the circuit has " + std::to_string(h.n_wires));
                out.terms.push_back({s, reduce_mod_r(r.limbs(32))});
            }
        }
    }
    out.lc_start.push_back(out.terms.size());
    if (r.remaining() != 0)
        throw Error(path + ": constraints section has " + std::to_string(r.remaining()) + " bytes past its " +
                    std::to_string(h.n_constraints) + " constraints");
    return out;
}

}  // namespace peregrine::setup
