#include "field/bigint.hpp"

#include <algorithm>

namespace peregrine {

std::string to_decimal(const Limbs& a) {
    Limbs x = a;
    std::string out;
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
            out.push_back(char('0' + r % 10));
            r /= 10;
        }
    }
    while (out.size() > 1 && out.back() == '0') out.pop_back();
    if (out.empty()) out = "0";
    std::reverse(out.begin(), out.end());
    return out;
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
