// SPDX-License-Identifier: MIT OR Apache-2.0
// The Solidity verifier generator and the calldata formatter. The contracts themselves are run
// in an EVM by tests/setup/solidity_evm (e2e.solidity); here: the calldata against snarkjs's
// output, the key's constants in the contract in the precompile's order, and the errors.
#include "setup/solidity.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "fixtures.hpp"
#include "groth16/verifier.hpp"
#include "util/error.hpp"
#include "util/io.hpp"

using namespace peregrine;
using peregrine::test::fixture;

namespace {

std::string hex_word(const Fq& v) {
    const Limbs l = v.to_canonical();
    char b[67];
    std::snprintf(b, sizeof b, "0x%016llx%016llx%016llx%016llx", (unsigned long long)l[3], (unsigned long long)l[2],
                  (unsigned long long)l[1], (unsigned long long)l[0]);
    return b;
}

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

// `snarkjs zkey export soliditycalldata public.json proof.json` (0.7.6) for the multiplier fixture.
const char* const kMultiplierCalldata =
    R"(["0x1ea7fad517858fe8ed772f1e7eb60309663cf4ac12e6908db70cfde31698359d", "0x13328298e60f6e1c72a951bee51ea941817f9e226abf47d2638dd4e7f6bb9ff8"],)"
    R"([["0x1099e9c66e9365c0eabacca2a4966fb0b6aa263b09f376a142ad6a7fe7a0fc3d", "0x2d738189dec4ce9c68c13cbc40cc0363d3b4323bd566923bad0cf3ad95d6bd5c"],)"
    R"(["0x00f19e240ed9e6c4f59ef87b796e22e3cfa8a4aa647d6210dad5fec1cbc21c02", "0x0403650515939991937851885741fde8e2dcf3558192a4ed482e67a33f4b3a54"]],)"
    R"(["0x1b1c4cef6993f11d678a87345bf3a858b41bdcd27bed5aba96280eb02c1b0ef2", "0x15bf3113c8ffec5edd868c3ccf00d0a98d889fe874abb8b93ba6098238e8c291"],)"
    R"(["0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593effffffb"])"
    "\n";

}  // namespace

TEST(SolidityCalldata, MatchesSnarkjsForTheMultiplierProof) {
    const std::string pub = read_text_file(fixture("multiplier", "public.json"));
    const std::string proof = read_text_file(fixture("multiplier", "proof.json"));
    EXPECT_EQ(groth16_solidity_calldata(pub, proof), kMultiplierCalldata);
}

TEST(SolidityCalldata, HexAndIntegerNumbersAsSnarkjsReadsThem) {
    // snarkjs output for the same proof with pi_a[0] in 0x-hex, pi_c as [x, y], and public
    // signals ["0x21", 33].
    std::string proof = read_text_file(fixture("multiplier", "proof.json"));
    const std::string a0 = "13866180098848446567431586137547353379684639931565605965597136729696602961309";
    proof.replace(proof.find(a0), a0.size(), "0x1ea7fad517858fe8ed772f1e7eb60309663cf4ac12e6908db70cfde31698359d");
    const std::string c_z = ",\n  \"1\"\n ],\n \"protocol\"";
    ASSERT_NE(proof.find(c_z), std::string::npos);
    proof.replace(proof.find(c_z), c_z.size(), "\n ],\n \"protocol\"");
    std::string want = kMultiplierCalldata;
    want.replace(want.rfind("[\"0x30644e"), std::string::npos,
                 "[\"0x0000000000000000000000000000000000000000000000000000000000000021\","
                 "\"0x0000000000000000000000000000000000000000000000000000000000000021\"]\n");
    EXPECT_EQ(groth16_solidity_calldata(R"(["0x21", 33])", proof), want);
}

TEST(SolidityCalldata, RejectsBadInput) {
    const std::string pub = read_text_file(fixture("multiplier", "public.json"));
    const std::string proof = read_text_file(fixture("multiplier", "proof.json"));
    std::string plonk = proof;
    plonk.replace(plonk.find("\"groth16\""), 9, "\"plonk\"");
    std::string no_protocol = proof;
    no_protocol.replace(no_protocol.find("\"protocol\": \"groth16\","), 22, "");
    EXPECT_THROW(groth16_solidity_calldata(pub, plonk), Error);
    EXPECT_THROW(groth16_solidity_calldata(pub, no_protocol), Error);
    EXPECT_THROW(groth16_solidity_calldata(pub, proof.substr(0, proof.size() / 2)), Error);
    EXPECT_THROW(groth16_solidity_calldata(proof, pub), Error);
    EXPECT_THROW(groth16_solidity_calldata(R"(["-1"])", proof), Error);
    try {
        groth16_solidity_calldata(pub, plonk, "pub.json", "proof.json");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("proof.json: ", 0), 0u) << e.what();
    }
}

TEST(SolidityVerifier, KeyConstantsInPrecompileOrder) {
    const VerifyingKey vk = read_verifying_key_file(fixture("multi_io", "circuit.zkey"));
    ASSERT_EQ(vk.n_public(), 8u);
    const std::string src = groth16_solidity_verifier(vk);
    EXPECT_NE(src.find("contract Groth16Verifier {"), std::string::npos);
    EXPECT_NE(src.find("uint[2] calldata _pA,\n        uint[2][2] calldata _pB,\n        uint[2] calldata _pC,\n"
                       "        uint[8] calldata _pubSignals\n    ) public view returns (bool)"),
              std::string::npos);
    // alpha as (x, y); beta, gamma, delta negated, each as x.c1, x.c0, y.c1, y.c0, in this order.
    std::string order = hex_word(vk.alpha1.x) + "|" + hex_word(vk.alpha1.y);
    for (const G2Affine* g : {&vk.beta2, &vk.gamma2, &vk.delta2}) {
        const Fq2 ny = -g->y;
        for (const Fq* w : {&g->x.c1, &g->x.c0, &ny.c1, &ny.c0}) order += "|" + hex_word(*w);
    }
    const std::size_t from = src.find("// The key's constants"), to = src.find("// ecPairing");
    ASSERT_NE(from, std::string::npos);
    ASSERT_NE(to, std::string::npos);
    const std::string consts = src.substr(from, to - from);  // lines mstore(add(buf, OFFSET), WORD)
    std::string seen;
    for (std::size_t p = 0; (p = consts.find("), 0x", p)) != std::string::npos;) {
        const std::size_t end = consts.find(')', p + 1);
        seen += (seen.empty() ? "" : "|") + consts.substr(p + 3, end - p - 3);
        p = end;
    }
    EXPECT_EQ(seen, order);
    // Every IC point, one ecMul and one ecAdd per public signal, one field check each.
    for (const auto& ic : vk.ic) {
        EXPECT_EQ(count(src, hex_word(ic.x)), 1u);
        EXPECT_EQ(count(src, hex_word(ic.y)), 1u);
    }
    EXPECT_EQ(count(src, "staticcall(gas(), 0x07"), 8u);
    EXPECT_EQ(count(src, "staticcall(gas(), 0x06"), 8u);
    EXPECT_EQ(count(src, "staticcall(gas(), 0x08"), 1u);
    EXPECT_EQ(count(src, ", r))"), 8u);
    EXPECT_EQ(count(src, "0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001"), 1u);  // r
}

TEST(SolidityVerifier, SameContractFromZkeyAndVerificationKeyJson) {
    for (const char* c : {"multiplier", "no_public"}) {
        EXPECT_EQ(groth16_solidity_verifier(read_verifying_key_file(fixture(c, "circuit.zkey"))),
                  groth16_solidity_verifier(read_verifying_key_file(fixture(c, "verification_key.json"))))
            << c;
    }
}

TEST(SolidityVerifier, NoPublicSignalsTakesTheProofAlone) {
    const std::string src = groth16_solidity_verifier(read_verifying_key_file(fixture("no_public", "circuit.zkey")));
    EXPECT_EQ(src.find("_pubSignals"), std::string::npos);
    EXPECT_NE(src.find("uint[2] calldata _pC\n    ) public view returns (bool)"), std::string::npos);
    EXPECT_EQ(count(src, "staticcall("), 1u);
}

TEST(SolidityVerifier, RejectsOtherFiles) {
    for (const std::string& p : {fixture("multiplier", "witness.wtns"), fixture("multiplier", "circuit.r1cs"),
                                 fixture("multiplier", "proof.json"), fixture("multiplier", "public.json"),
                                 std::string(PEREGRINE_FIXTURES) + "/bad/plonk_multiplier.zkey",
                                 std::string(PEREGRINE_FIXTURES) + "/bad/bls_multiplier.zkey"}) {
        try {
            read_verifying_key_file(p);
            ADD_FAILURE() << p << ": accepted";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
        }
    }
}
