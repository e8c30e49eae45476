// SPDX-License-Identifier: MIT OR Apache-2.0
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include "fixtures.hpp"
#include "formats/r1cs.hpp"
#include "formats/wtns.hpp"
#include "formats/zkey.hpp"
#include "util/io.hpp"

using namespace peregrine;
using namespace peregrine::test;

namespace {

std::string read_all(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

class TempFile {
public:
    explicit TempFile(const std::string& content) {
        char tmpl[] = "/tmp/peregrine-test-XXXXXX";
        int fd = mkstemp(tmpl);
        path_ = tmpl;
        if (!content.empty()) EXPECT_EQ(write(fd, content.data(), content.size()), (ssize_t)content.size());
        close(fd);
    }
    ~TempFile() { std::remove(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

template <class Fn>
std::string error_of(Fn fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(Zkey, FixturesAgreeWithTheirR1cs) {
    for (const auto& name : fixture_circuits()) {
        Zkey z(fixture(name, "circuit.zkey"));
        R1csHeader h = read_r1cs_header(fixture(name, "circuit.r1cs"));
        EXPECT_EQ(z.n_vars(), h.n_wires) << name;
        EXPECT_EQ(z.n_public(), h.n_pub_out + h.n_pub_in) << name;
        EXPECT_GE(z.domain_size(), h.n_constraints + z.n_public() + 1) << name;
        EXPECT_LT(z.domain_size() / 2, std::max<std::uint32_t>(1, h.n_constraints + z.n_public() + 1)) << name;
        EXPECT_TRUE(G1::on_curve(z.ic(z.n_public())));
        Wtns w(fixture(name, "witness.wtns"));
        EXPECT_EQ(w.size(), z.n_vars());
        EXPECT_EQ(w.prime(), FrParams::MOD);
        auto vals = w.values();
        EXPECT_EQ(vals[0], (Limbs{1, 0, 0, 0})) << name;
    }
}

TEST(Zkey, EveryTruncationIsAnError) {
    const std::string full = read_all(fixture("multiplier", "circuit.zkey"));
    ASSERT_GT(full.size(), 1000u);
    for (std::size_t len = 0; len < full.size(); len += (len < 400 ? 1 : 97)) {
        TempFile t(full.substr(0, len));
        std::string err = error_of([&] { Zkey z(t.path()); });
        EXPECT_FALSE(err.empty()) << "truncated at " << len;
        EXPECT_NE(err.find(t.path()), std::string::npos) << err;
    }
}

TEST(Zkey, CorruptHeadersAreErrors) {
    const std::string full = read_all(fixture("multiplier", "circuit.zkey"));
    {  // bad magic
        std::string b = full;
        b[0] = 'x';
        TempFile t(b);
        EXPECT_NE(error_of([&] { Zkey z(t.path()); }).find("bad magic"), std::string::npos);
    }
    {  // first section claims to be enormous
        std::string b = full;
        std::uint64_t huge = ~std::uint64_t(0) / 2;
        std::memcpy(&b[16], &huge, 8);
        TempFile t(b);
        EXPECT_NE(error_of([&] { Zkey z(t.path()); }).find("truncated"), std::string::npos);
    }
    {  // random garbage in the body must give an error or a valid key, never a crash
        std::mt19937 rng(1);
        for (int i = 0; i < 200; ++i) {
            std::string b = full;
            for (int k = 0; k < 4; ++k) b[12 + rng() % (b.size() - 12)] = (char)rng();
            TempFile t(b);
            try {
                Zkey z(t.path());
            } catch (const Error&) {
            }
        }
    }
    EXPECT_NE(error_of([] { Zkey z("/nonexistent/x.zkey"); }).find("cannot open"), std::string::npos);
    EXPECT_NE(error_of([] { Zkey z("/tmp"); }).find("not a regular file"), std::string::npos);
}

TEST(Zkey, OtherCurvesAndProtocolsAreRejected) {
    std::string err = error_of([] { Zkey z(std::string(PEREGRINE_FIXTURES) + "/bad/bls_multiplier.zkey"); });
    EXPECT_NE(err.find("another curve"), std::string::npos) << err;
    err = error_of([] { Zkey z(std::string(PEREGRINE_FIXTURES) + "/bad/plonk_multiplier.zkey"); });
    EXPECT_NE(err.find("not a Groth16 zkey (protocol: plonk)"), std::string::npos) << err;
    err = error_of([] { Zkey z(fixture("multiplier", "witness.wtns")); });
    EXPECT_NE(err.find("not a .zkey file"), std::string::npos) << err;
}

TEST(Wtns, TruncationAndRangeErrors) {
    const std::string full = read_all(fixture("multiplier", "witness.wtns"));
    for (std::size_t len = 0; len < full.size(); ++len) {
        TempFile t(full.substr(0, len));
        EXPECT_FALSE(error_of([&] { Wtns w(t.path()); w.values(); }).empty()) << len;
    }
    // The last value set to 2^256-1: not below the prime.
    std::string b = full;
    std::memset(&b[b.size() - 32], 0xff, 32);
    TempFile t(b);
    EXPECT_NE(error_of([&] { Wtns(t.path()).values(); }).find("not below the field prime"), std::string::npos);
}

TEST(R1cs, HeaderOfEachFixture) {
    R1csHeader h = read_r1cs_header(fixture("multiplier", "circuit.r1cs"));
    EXPECT_EQ(h.prime, FrParams::MOD);
    EXPECT_EQ(h.n_constraints, 1u);
    EXPECT_EQ(h.n_pub_out, 1u);
    EXPECT_EQ(h.n_prv_in, 2u);
    EXPECT_EQ(h.n_wires, 4u);
    EXPECT_EQ(sniff_file_type(fixture("multiplier", "circuit.r1cs")), "r1cs");
    EXPECT_EQ(sniff_file_type(fixture("multiplier", "input.json")), "");
}

}  // namespace
