// SPDX-License-Identifier: MIT OR Apache-2.0
#include "field/bigint.hpp"


namespace peregrine {

std::string to_decimal(const Limbs& a) {
    Limbs x = a;
    char buf[100];  // 2^256 < 10^78: at most 5 chunks of 19 digits
    char* end = buf + sizeof buf;
    char* p = end;
    constexpr u64 kChunk = 10000000000000000000ull;  // 10^19
    while (!is_zero(x)) {
        unsigned __int128 rem = 0;
        for (int i = 3; i >= 0; --i) {
            unsigned __int128 cur = (rem << 64) | x[i];
            x[i] = (u64)(cur / kChunk);
            rem = cur % kChunk;
        }
        u64 r = (u64)rem;
        for (int d = 0; d < 19; ++d) {
            *--p = char('0' + r % 10);
            r /= 10;
        }
    }
    while (p < end - 1 && *p == '0') ++p;
    if (p == end) *--p = '0';
    return std::string(p, end);
}

std::optional<Limbs> from_decimal(std::string_view s) {
    if (s.empty() || s.size() > 78) return std::nullopt;
    Limbs r{0, 0, 0, 0};
    for (char ch : s) {
        if (ch < '0' || ch > '9') return std::nullopt;
        u64 carry = (u64)(ch - '0');
        for (int i = 0; i < 4; ++i) {
            unsigned __int128 t = (unsigned __int128)r[i] * 10 + carry;
            r[i] = (u64)t;
            carry = (u64)(t >> 64);
        }
        if (carry) return std::nullopt;
    }
    return r;
}

}  // namespace peregrine
