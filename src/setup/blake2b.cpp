// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/blake2b.hpp"

#include <cstring>
#include <stdexcept>

namespace peregrine {

namespace {

constexpr std::uint64_t kIv[8] = {0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull,
                                  0xa54ff53a5f1d36f1ull, 0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
                                  0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull};

constexpr std::uint8_t kSigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}};

inline std::uint64_t rotr(std::uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

inline std::uint64_t load64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

}  // namespace

Blake2b::Blake2b(std::size_t len) : out_len(len) {
    if (len == 0 || len > 64) throw std::invalid_argument("blake2b: digest length must be 1..64");
    std::memcpy(h, kIv, sizeof h);
    h[0] ^= 0x01010000ull ^ std::uint64_t(len);
    t[0] = t[1] = 0;
    std::memset(buf, 0, sizeof buf);
}

void Blake2b::compress(bool last) {
    std::uint64_t v[16], m[16];
    for (int i = 0; i < 16; ++i) m[i] = load64(buf + 8 * i);
    for (int i = 0; i < 8; ++i) {
        v[i] = h[i];
        v[i + 8] = kIv[i];
    }
    v[12] ^= t[0];
    v[13] ^= t[1];
    if (last) v[14] = ~v[14];
    auto g = [&](int a, int b, int c, int d, std::uint64_t x, std::uint64_t y) {
        v[a] = v[a] + v[b] + x;
        v[d] = rotr(v[d] ^ v[a], 32);
        v[c] = v[c] + v[d];
        v[b] = rotr(v[b] ^ v[c], 24);
        v[a] = v[a] + v[b] + y;
        v[d] = rotr(v[d] ^ v[a], 16);
        v[c] = v[c] + v[d];
        v[b] = rotr(v[b] ^ v[c], 63);
    };
    for (int r = 0; r < 12; ++r) {
        const std::uint8_t* s = kSigma[r];
        g(0, 4, 8, 12, m[s[0]], m[s[1]]);
        g(1, 5, 9, 13, m[s[2]], m[s[3]]);
        g(2, 6, 10, 14, m[s[4]], m[s[5]]);
        g(3, 7, 11, 15, m[s[6]], m[s[7]]);
        g(0, 5, 10, 15, m[s[8]], m[s[9]]);
        g(1, 6, 11, 12, m[s[10]], m[s[11]]);
        g(2, 7, 8, 13, m[s[12]], m[s[13]]);
        g(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; ++i) h[i] ^= v[i] ^ v[i + 8];
}

void Blake2b::update(const void* data, std::size_t len) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    while (len > 0) {
        if (buf_len == 128) {  // a full block is compressed only once more input follows
            t[0] += 128;
            if (t[0] < 128) ++t[1];
            compress(false);
            buf_len = 0;
        }
        const std::size_t n = std::min(len, std::size_t(128) - buf_len);
        std::memcpy(buf + buf_len, p, n);
        buf_len += n;
        p += n;
        len -= n;
    }
}

void Blake2b::final(std::uint8_t* out) {
    t[0] += buf_len;
    if (t[0] < buf_len) ++t[1];
    std::memset(buf + buf_len, 0, 128 - buf_len);
    compress(true);
    for (std::size_t i = 0; i < out_len; ++i) out[i] = std::uint8_t(h[i / 8] >> (8 * (i % 8)));
}

std::array<std::uint8_t, 64> Blake2b::digest64() {
    if (out_len != 64) throw std::logic_error("blake2b: digest64 on a shorter digest");
    std::array<std::uint8_t, 64> d{};
    final(d.data());
    return d;
}

}  // namespace peregrine
