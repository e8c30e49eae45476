// SPDX-License-Identifier: MIT OR Apache-2.0
// Inputs found by the fuzz targets (fuzz/, docs/fuzzing.md), fed again to the reader that failed
// on them: each must now give one clear Error. Add every new crash input here.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <string>

#include "formats/r1cs.hpp"
#include "setup/r1cs_reader.hpp"
#include "util/error.hpp"

using namespace peregrine;

namespace {

std::string from_hex(const std::string& h) {
    std::string out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(char(std::stoi(h.substr(i, 2), nullptr, 16)));
    return out;
}

template <class Fn>
std::string error_of(Fn fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// fuzz_r1cs, 176 bytes (minimized): a header claiming 0x60300000 constraints over a 64-byte
// constraints section. setup::read_r1cs reserved 3 * 8 bytes per constraint first: 38 GB, out
// of memory. Fixed in read_r1cs_header: the count must fit the section (12 bytes each at least).
const char* kR1csHugeConstraintCount =
    "72316373010000000300000002000000400000000000000020000000010000f093f5e1439170b97948e833285d588181b64550b829a031"
    "e1724e64300400000001000000000000000200000000000000010063000000306000000000000000000000000001000000400000000000"
    "000020000000010000f093f5e1439170b97948e833285d588181b64550b829a031e1724e643004000000010000000000000002000000000"
    "000000100a37e00003060";

TEST(FuzzRegressions, R1csConstraintCountBeyondTheSection) {
    const std::string b = from_hex(kR1csHugeConstraintCount);
    ASSERT_EQ(b.size(), 176u);
    const std::string want = "fuzz.r1cs: header claims 1613758464 constraints, but the constraints section has 64 bytes";
    EXPECT_EQ(error_of([&] { read_r1cs_header(BinFile(b.data(), b.size(), "fuzz.r1cs", "r1cs", 1)); }), want);
    char path[] = "/tmp/peregrine-fuzz-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, b.data(), b.size()), (ssize_t)b.size());
    close(fd);
    const std::string err = error_of([&] { setup::read_r1cs(path); });
    std::remove(path);
    EXPECT_EQ(err, std::string(path) + want.substr(9));
}

}  // namespace
