// SPDX-License-Identifier: MIT OR Apache-2.0
// Variable-time modular inversion by Bernstein-Yang divsteps ("safegcd"), 62 divsteps per batch.
// For odd moduli below 2^256; the modulus-dependent constants are computed at compile time.
#pragma once
#include <cstdint>

#include "field/bigint.hpp"

namespace peregrine::detail {

// An integer as five limbs of 62 bits, value = sum l[i] 2^(62 i): l[0..3] in [0, 2^62), l[4]
// signed. Holds any integer of magnitude below 2^309, enough for the signed intermediates.
struct S62 {
    std::int64_t l[5];
};

constexpr u64 kM62 = (u64(1) << 62) - 1;

constexpr S62 to_s62(const Limbs& a) {
    return S62{{std::int64_t(a[0] & kM62), std::int64_t(((a[0] >> 62) | (a[1] << 2)) & kM62),
                std::int64_t(((a[1] >> 60) | (a[2] << 4)) & kM62), std::int64_t(((a[2] >> 58) | (a[3] << 6)) & kM62),
                std::int64_t(a[3] >> 56)}};
}

// What the inversion needs to know of an odd modulus m < 2^256.
struct InvModulus {
    S62 m;
    u64 m_inv62;  // m^-1 mod 2^62
};

constexpr InvModulus make_inv_modulus(const Limbs& m) {
    // Newton's iteration x <- x (2 - m x) doubles the number of correct low bits; x = m is
    // right to 3 bits for odd m (m^2 = 1 mod 8), so five steps give 96 >= 62.
    u64 x = m[0];
    for (int i = 0; i < 5; ++i) x *= 2 - m[0] * x;
    return InvModulus{to_s62(m), x & kM62};
}

// scale * x^-1 mod m, canonical (below m), for x < 2^256 coprime to m and scale < m. Not
// constant time. x = 0 gives 0.
Limbs inverse_vartime(const Limbs& x, const Limbs& scale, const InvModulus& mod);

}  // namespace peregrine::detail
