// SPDX-License-Identifier: MIT OR Apache-2.0
// Phase-2 ceremony on zkeys: MPC parameters, contribute / beacon / verify.
// The fixtures' keys were made by snarkjs with one beacon contribution, whose secret follows from
// the beacon: undoing it gives the initial key (as snarkjs groth16 setup wrote it) to verify
// against, with no snarkjs needed here (the end-to-end test compares with snarkjs itself).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "curve/batch_mul.hpp"
#include "fixtures.hpp"
#include "formats/binfile.hpp"
#include "formats/binwriter.hpp"
#include "formats/zkey.hpp"
#include "msm/msm.hpp"
#include "setup/keys.hpp"
#include "setup/rng.hpp"
#include "setup/zkey_contribute.hpp"
#include "setup/zkey_mpc.hpp"
#include "setup/zkey_verify.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

#include "test_util.hpp"

using namespace peregrine;
using namespace peregrine::setup;

namespace {

// Slow builds (sanitizers; aarch64, which CI runs under qemu): the smallest fixture only.
constexpr bool kSlow = test::kSlowBuild;

std::vector<std::uint8_t> read_all(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}
void write_all(const std::string& p, const std::vector<std::uint8_t>& d) {
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(d.data()), (std::streamsize)d.size());
}
std::string tmp(const std::string& name) { return ::testing::TempDir() + "zkey_ceremony_" + name; }

// Offset of section id's body in a zkey image.
std::size_t section_offset(const std::vector<std::uint8_t>& d, std::uint32_t id) {
    std::uint32_t n;
    std::memcpy(&n, d.data() + 8, 4);
    std::size_t p = 12;
    for (std::uint32_t i = 0; i < n; ++i) {
        std::uint32_t t;
        std::uint64_t s;
        std::memcpy(&t, d.data() + p, 4);
        std::memcpy(&s, d.data() + p + 4, 8);
        if (t == id) return p + 12;
        p += 12 + s;
    }
    return 0;
}

// The initial key of a fixture: its single beacon contribution undone.
std::string make_init(const std::string& circuit) {
    const std::string in = test::fixture(circuit, "circuit.zkey");
    const Zkey zk(in);
    const BinFile f(in, "zkey", 2);
    const MpcParams mpc = parse_mpc_params(f.section(10), in);
    EXPECT_EQ(mpc.contributions.size(), 1u);
    const ZkeyContribution& c = mpc.contributions.at(0);
    EXPECT_EQ(c.type, 1u);
    ChaCha rng = rng_from_beacon(c.beacon_hash.data(), c.beacon_hash.size(), c.num_iterations_exp);
    const Fr prv = fr_from_rng(rng);
    EXPECT_TRUE(g1_from_rng(rng) == c.g1_s);
    EXPECT_TRUE(G1::from_affine(g1_generator()).mul(prv.to_canonical()).to_affine() == zk.delta1());

    ThreadPool pool(2);
    const std::string out = tmp(circuit + "_init.zkey");
    BinWriter w(out, "zkey", 1, 10);
    for (std::uint32_t id = 1; id <= 10; ++id) {
        w.begin_section(id);
        if (id == 2) {
            const Bytes h = f.section(2);
            std::uint8_t d1[64], d2[128];
            g1_to_lem(g1_generator(), d1);
            g2_to_lem(g2_generator(), d2);
            w.write(h.data, 468);
            w.write(d1, 64);
            w.write(d2, 128);
        } else if (id == 8 || id == 9) {
            const Bytes b = f.section(id);
            std::vector<std::uint8_t> s(b.size);
            g1_mul_fixed(b.data, s.data(), b.size / 64, prv, pool);
            w.write(s.data(), s.size());
        } else if (id == 10) {
            MpcParams m0;
            m0.cs_hash = mpc.cs_hash;
            const auto e = encode_mpc_params(m0);
            w.write(e.data(), e.size());
        } else {
            const Bytes b = f.section(id);
            w.write(b.data, b.size);
        }
        w.end_section();
    }
    w.commit();
    return out;
}

}  // namespace

TEST(ZkeyCeremony, MpcParamsRoundTrip) {
    for (const auto& c : test::fixture_circuits()) {
        const std::string p = test::fixture(c, "circuit.zkey");
        const BinFile f(p, "zkey", 2);
        const Bytes s = f.section(10);
        const MpcParams m = parse_mpc_params(s, p);
        const auto e = encode_mpc_params(m);
        ASSERT_EQ(e.size(), s.size) << c;
        EXPECT_EQ(std::memcmp(e.data(), s.data, s.size), 0) << c;
        EXPECT_EQ(m.contributions.at(0).name, "peregrine fixtures " + c);
    }
    // Unsorted / unknown parameters and trailing bytes are refused.
    const std::string p = test::fixture("multiplier", "circuit.zkey");
    const BinFile f(p, "zkey", 2);
    std::vector<std::uint8_t> s(f.section(10).data, f.section(10).data + f.section(10).size);
    std::vector<std::uint8_t> t = s;
    t.push_back(0);
    EXPECT_THROW(parse_mpc_params(Bytes{t.data(), t.size()}, p), Error);
    t.assign(s.begin(), s.end() - 1);
    EXPECT_THROW(parse_mpc_params(Bytes{t.data(), t.size()}, p), Error);
    t = s;
    t[64 + 4 + 64 * 3 + 128 + 64 + 4 + 4] = 9;  // first parameter id
    EXPECT_THROW(parse_mpc_params(Bytes{t.data(), t.size()}, p), Error);
}

TEST(ZkeyCeremony, NameTruncation) {
    EXPECT_EQ(truncate_contribution_name(std::string(70, 'a')), std::string(64, 'a'));
    EXPECT_EQ(truncate_contribution_name("caf\xc3\xa9"), "caf\xc3\xa9");
    // 63 ASCII + one astral character (two UTF-16 units): snarkjs keeps a lone surrogate -> U+FFFD.
    EXPECT_EQ(truncate_contribution_name(std::string(63, 'b') + "\xf0\x9f\x98\x80"), std::string(63, 'b') + "\xef\xbf\xbd");
    EXPECT_EQ(truncate_contribution_name("x\xff"), "x\xef\xbf\xbd");
}

TEST(ZkeyCeremony, ContributeBeaconVerify) {
    ThreadPool pool(2);
    for (const std::string c : {"multiplier", "poseidon"}) {
        if (kSlow && c != "multiplier") continue;
        const std::string init = make_init(c), fx = test::fixture(c, "circuit.zkey");
        // The fixture (snarkjs's beacon) verifies against the reconstructed initial key, and so
        // does the initial key itself.
        EXPECT_TRUE(zkey_verify_from_init_file(init, fx, pool).ok) << c;
        EXPECT_TRUE(zkey_verify_from_init_file(init, init, pool).ok) << c;

        const std::string k1 = tmp(c + "_1.zkey"), k2 = tmp(c + "_2.zkey"), k3 = tmp(c + "_3.zkey");
        const auto r1 = zkey_contribute(fx, k1, "second", "entropy", pool);
        const auto v1 = zkey_verify_from_init_file(init, k1, pool);
        EXPECT_TRUE(v1.ok) << c << ": " << v1.reason;
        EXPECT_NE(v1.report.find("contribution #2 second:"), std::string::npos);
        const auto r2 = zkey_beacon(k1, k2, "b", {1, 2, 3}, 10, pool);
        zkey_beacon(k1, k3, "b", {1, 2, 3}, 10, pool);
        EXPECT_EQ(read_all(k2), read_all(k3)) << "beacon is deterministic";
        EXPECT_NE(r1.contribution_hash, r2.contribution_hash);
        EXPECT_TRUE(zkey_verify_from_init_file(init, k2, pool).ok);
        // Verified against the initial key of another circuit: refused.
        if (!kSlow) {
            const std::string other = make_init(c == "multiplier" ? "poseidon" : "multiplier");
            EXPECT_FALSE(zkey_verify_from_init_file(other, k2, pool).ok);
        }

        // Tampering: one byte in a section, or the chain.
        const auto good = read_all(k2);
        const std::string bad = tmp(c + "_bad.zkey");
        struct Case {
            std::uint32_t section;
            std::size_t off;
            const char* what;
        };
        const std::size_t mpc_rec = 64 + 4;  // first contribution record in section 10
        for (const Case& t : {Case{2, 100, "alpha1"}, Case{2, 470, "delta1"}, Case{2, 540, "delta2"},
                              Case{3, 10, "IC"}, Case{4, 20, "coeffs"}, Case{5, 10, "A"}, Case{6, 70, "B1"},
                              Case{7, 3, "B2"}, Case{8, 0, "C"}, Case{9, 64 + 5, "H"}, Case{10, 3, "csHash"},
                              Case{10, mpc_rec + 10, "deltaAfter"}, Case{10, mpc_rec + 64 * 3 + 128 + 7, "transcript"}}) {
            if (t.section == 8 && std::size_t(Zkey(k2).n_vars()) - Zkey(k2).n_public() - 1 == 0) continue;
            auto d = good;
            d[section_offset(d, t.section) + t.off] ^= 0x01;
            write_all(bad, d);
            bool ok = true;
            try {
                ok = zkey_verify_from_init_file(init, bad, pool).ok;
            } catch (const Error&) {
                ok = false;
            }
            EXPECT_FALSE(ok) << c << ": tampered " << t.what;
        }
        // Truncated.
        auto d = good;
        d.erase(d.end() - 40, d.end());
        write_all(bad, d);
        EXPECT_THROW(zkey_verify_from_init_file(init, bad, pool), Error);
        EXPECT_THROW(zkey_contribute(bad, tmp("never.zkey"), "", "", pool), Error);
        EXPECT_FALSE(std::ifstream(tmp("never.zkey")).good());
    }
}

TEST(ZkeyCeremony, BeaconHex) {
    EXPECT_EQ(parse_beacon_hex("0aFf"), (std::vector<std::uint8_t>{0x0a, 0xff}));
    EXPECT_THROW(parse_beacon_hex(""), Error);
    EXPECT_THROW(parse_beacon_hex("abc"), Error);
    EXPECT_THROW(parse_beacon_hex("0x12"), Error);
    EXPECT_THROW(parse_beacon_hex(std::string(512, 'a')), Error);
}
