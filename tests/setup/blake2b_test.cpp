// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/blake2b.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "test_util.hpp"

using namespace peregrine;

namespace {

using test::to_hex;

std::string b2(const std::string& msg, std::size_t chunk) {
    Blake2b h;
    for (std::size_t i = 0; i < msg.size(); i += chunk) h.update(msg.data() + i, std::min(chunk, msg.size() - i));
    auto d = h.digest64();
    return to_hex(d.data(), d.size());
}

}  // namespace

// RFC 7693 appendix A ("abc"), the empty message, and block-boundary lengths (values from b2sum).
TEST(Blake2b, KnownDigests) {
    EXPECT_EQ(b2("abc", 3),
              "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
    EXPECT_EQ(b2("", 1),
              "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce");
    EXPECT_EQ(b2(std::string(300, 'x'), 300),
              "fe42f4108dd98f9b4f19fb21f386dfbe9a860256176e0312a1f0de66a3aed2a5ed361a16f6128fe27b6c88d8f39eeaddca46f1c2c9357965f893d0a7d64bd1cb");
}

// Feeding the same bytes in pieces of any size gives the same digest (128-byte blocks, the last
// block compressed only at the end).
TEST(Blake2b, ChunkingDoesNotMatter) {
    std::string msg;
    for (int i = 0; i < 1000; ++i) msg += char(i * 7 + 3);
    for (std::size_t len : {127u, 128u, 129u, 256u, 1000u}) {
        const std::string m = msg.substr(0, len);
        const std::string whole = b2(m, len);
        for (std::size_t chunk : {1u, 5u, 64u, 127u, 128u, 200u}) EXPECT_EQ(b2(m, chunk), whole) << len << " " << chunk;
    }
}
