// SPDX-License-Identifier: MIT OR Apache-2.0
// snarkjs's hash of the H points reads 64 bytes past tauG1 when the key's domain equals the ptau
// power (from 2^15 on) and subtracts with ffjavascript's WebAssembly field code on those raw
// bytes. Expected values computed with ffjavascript 0.3 (g1m_subAffine, g1m_batchToAffine,
// g1m_batchLEMtoU) on the same inputs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "setup/keys.hpp"
#include "setup/zkey_new_points.hpp"

using namespace peregrine;

namespace {

std::vector<std::uint8_t> unhex(const std::string& h) {
    std::vector<std::uint8_t> b(h.size() / 2);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = std::uint8_t(std::stoi(h.substr(2 * i, 2), nullptr, 16));
    return b;
}
std::string hex(const std::uint8_t* p, std::size_t n) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += {d[p[i] >> 4], d[p[i] & 15]};
    return s;
}
std::string uncompressed_hex(const G1Affine& a) {
    std::uint8_t u[64];
    setup::g1_to_uncompressed(a, u);
    return hex(u, 64);
}

}  // namespace

TEST(SetupZkeyNewHash, RawSubtractionAsFfjavascript) {
    std::uint8_t g[64];
    setup::g1_to_lem(g1_generator(), g);
    // The bytes past tauG1 of a 2^15 ptau (section 3's header, then the G2 generator), and an
    // integer pair above q.
    const auto p1 = unhex(
        "0300000000004000000000002620bc02d1b5838e72017b493519ebdcdf1a81974726b8fb3b5096af4138571940614ca87d73b4afc4d8"
        "02585add4360862fa052");
    EXPECT_EQ(uncompressed_hex(setup::wasm_sub_affine(p1.data(), g)),
              "11dcf4801718d74daf30fcb9521127687377e54ffba1ac3041bcd65ebbdc1a442e7e19cc5951ef3f1c3c048a6a80aa9c3788dc"
              "0951b14362ca007d13e658c9e8");
    const auto p2 = unhex(
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff03000000000000000000000000000000000000000000"
        "00000000000000000070");
    EXPECT_EQ(uncompressed_hex(setup::wasm_sub_affine(p2.data(), g)),
              "060a60ee47859c22fb781b737d18f8c6f2f1e29c13257b2b234ce725dce884780f5fec12805c89387562138ae2b2246ffbc914"
              "9f0190f601c46c0944244fce62");
    // For a real point it is the group subtraction.
    std::uint8_t p3[64];
    const G1 two = G1::from_affine(g1_generator()).dbl();
    setup::g1_to_lem(two.to_affine(), p3);
    EXPECT_TRUE(setup::wasm_sub_affine(p3, g) == g1_generator());
}
