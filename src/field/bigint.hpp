// SPDX-License-Identifier: MIT OR Apache-2.0
// Plain 256-bit unsigned integers (4 little-endian 64-bit limbs): comparison, bytes, decimal text.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace peregrine {

using u64 = std::uint64_t;
using Limbs = std::array<u64, 4>;

constexpr int cmp(const Limbs& a, const Limbs& b) {
    for (int i = 3; i >= 0; --i) {
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

constexpr bool is_zero(const Limbs& a) { return (a[0] | a[1] | a[2] | a[3]) == 0; }

constexpr bool bit(const Limbs& a, unsigned i) { return i < 256 && ((a[i / 64] >> (i % 64)) & 1); }

constexpr unsigned bit_length(const Limbs& a) {
    for (int i = 3; i >= 0; --i) {
        if (a[i]) return 64 * i + 64 - __builtin_clzll(a[i]);
    }
    return 0;
}

// floor(a / d) for a small divisor d.
constexpr Limbs div_small(const Limbs& a, std::uint64_t d) {
    Limbs q{};
    unsigned __int128 rem = 0;
    for (int i = 3; i >= 0; --i) {
        const unsigned __int128 cur = (rem << 64) | a[i];
        q[i] = (std::uint64_t)(cur / d);
        rem = cur % d;
    }
    return q;
}

inline Limbs limbs_from_le(const std::uint8_t* p) {
    Limbs r;
    for (int i = 0; i < 4; ++i) {
        u64 w = 0;
        for (int j = 7; j >= 0; --j) w = (w << 8) | p[8 * i + j];
        r[i] = w;
    }
    return r;
}

inline void limbs_to_le(const Limbs& a, std::uint8_t* p) {
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 8; ++j) p[8 * i + j] = (std::uint8_t)(a[i] >> (8 * j));
}

// Decimal text of a 256-bit integer.
std::string to_decimal(const Limbs& a);

// Parses a non-empty string of decimal digits (no sign, no spaces) below 2^256.
std::optional<Limbs> from_decimal(std::string_view s);

}  // namespace peregrine
