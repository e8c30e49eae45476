// SPDX-License-Identifier: MIT OR Apache-2.0
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "formats/wtns.hpp"
#include "groth16/prove_files.hpp"
#include "groth16/verifier.hpp"

using namespace peregrine;
using namespace peregrine::test;

namespace {

TEST(Prover, SameBlindingGivesSameProofWhateverTheThreadCount) {
    const Limbs r{12345, 0, 0, 0}, s{0, 0, 0, 77};
    ProveOptions opts;
    opts.r = &r;
    opts.s = &s;
    for (const auto& name : fixture_circuits()) {
        Zkey z(fixture(name, "circuit.zkey"));
        auto w = Wtns(fixture(name, "witness.wtns")).values();
        ThreadPool one(1), three(3);
        Proof p1 = groth16_prove(z, w, one, opts);
        Proof p3 = groth16_prove(z, w, three, opts);
        EXPECT_EQ(proof_to_json(p1), proof_to_json(p3)) << name;
        // Fresh randomness changes every element of the proof.
        Proof q = groth16_prove(z, w, three);
        EXPECT_FALSE(q.a == p1.a) << name;
        EXPECT_FALSE(q.c == p1.c) << name;
    }
}

TEST(Prover, RejectsMismatchedWitnesses) {
    ThreadPool pool(2);
    Zkey z(fixture("poseidon", "circuit.zkey"));
    try {
        prove_from_files(z, fixture("multiplier", "witness.wtns"), pool);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("invalid witness length"), std::string::npos) << e.what();
    }
    Zkey m(fixture("multiplier", "circuit.zkey"));
    try {
        prove_from_files(m, std::string(PEREGRINE_FIXTURES) + "/bad/bls_multiplier.wtns", pool);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("another curve"), std::string::npos) << e.what();
    }
    auto w = Wtns(fixture("multiplier", "witness.wtns")).values();
    w[0] = Limbs{2, 0, 0, 0};
    EXPECT_THROW(groth16_prove(m, w, pool), Error);
    w.pop_back();
    EXPECT_THROW(groth16_prove(m, w, pool), Error);
}

TEST(Prover, RefusesWitnessesThatDoNotSatisfyTheCircuit) {
    ThreadPool pool(2);
    for (const auto& name : fixture_circuits()) {
        Zkey z(fixture(name, "circuit.zkey"));
        auto good = Wtns(fixture(name, "witness.wtns")).values();
        EXPECT_NO_THROW(groth16_prove(z, good, pool)) << name;
        // One private signal off by one (the last one: always a private input or intermediate).
        auto bad = good;
        bad.back() = (Fr::from_canonical(bad.back()) + Fr::one()).to_canonical();
        try {
            groth16_prove(z, bad, pool);
            ADD_FAILURE() << name << ": a wrong witness was proved";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("does not satisfy"), std::string::npos) << e.what();
        }
        // Without the check the proof comes out, and it does not verify.
        ProveOptions nv;
        nv.verify = false;
        Proof p = groth16_prove(z, bad, pool, nv);
        EXPECT_FALSE(groth16_verify(verifying_key(z), public_signals(z, bad), p)) << name;
        EXPECT_TRUE(groth16_verify(verifying_key(z), public_signals(z, good), groth16_prove(z, good, pool, nv))) << name;
    }
}

TEST(Prover, PublicSignalsAreWitnessOneToNPublic) {
    Zkey z(fixture("multi_io", "circuit.zkey"));
    auto w = Wtns(fixture("multi_io", "witness.wtns")).values();
    auto pub = public_signals(z, w);
    ASSERT_EQ(pub.size(), z.n_public());
    for (std::size_t i = 0; i < pub.size(); ++i) EXPECT_EQ(pub[i], w[i + 1]);
}

}  // namespace
