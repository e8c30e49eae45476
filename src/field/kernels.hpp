// Per-architecture arithmetic kernels for 4x64-bit Montgomery fields.
// Everything above this header is portable; this is the only place that may grow
// architecture-specific code paths. Today the portable version (unsigned __int128)
// compiles to mul/umulh on aarch64 and mul/mulx on x86-64 without needing ADX/BMI2.
#pragma once
#include <cstdint>

namespace peregrine::kernels {

using u64 = std::uint64_t;
using u128 = unsigned __int128;

inline u64 addc(u64 a, u64 b, u64& carry) {
    u128 t = (u128)a + b + carry;
    carry = (u64)(t >> 64);
    return (u64)t;
}

inline u64 subb(u64 a, u64 b, u64& borrow) {
    u128 t = (u128)a - b - borrow;
    borrow = (u64)(t >> 127);
    return (u64)t;
}

// r = a + b mod m, for a, b < m and m < 2^255 (so the sum never overflows 256 bits).
inline void mod_add4(u64 r[4], const u64 a[4], const u64 b[4], const u64 m[4]) {
    u64 c = 0, s[4];
    for (int i = 0; i < 4; ++i) s[i] = addc(a[i], b[i], c);
    u64 br = 0, t[4];
    for (int i = 0; i < 4; ++i) t[i] = subb(s[i], m[i], br);
    // br == 1 means s < m: keep s.
    const u64 keep = 0 - br;
    for (int i = 0; i < 4; ++i) r[i] = (s[i] & keep) | (t[i] & ~keep);
}

// r = a - b mod m, for a, b < m.
inline void mod_sub4(u64 r[4], const u64 a[4], const u64 b[4], const u64 m[4]) {
    u64 br = 0, t[4];
    for (int i = 0; i < 4; ++i) t[i] = subb(a[i], b[i], br);
    const u64 mask = 0 - br;
    u64 c = 0;
    for (int i = 0; i < 4; ++i) r[i] = addc(t[i], m[i] & mask, c);
}

// Montgomery product r = a*b*2^-256 mod m (CIOS). Requires m's top limb < 2^63 - 1,
// which lets the two carry chains be merged without a fifth limb (true for BN254's p and r).
inline void mont_mul4(u64 r[4], const u64 a[4], const u64 b[4], const u64 m[4], u64 inv) {
    u64 t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (int i = 0; i < 4; ++i) {
        const u64 ai = a[i];
        u128 x = (u128)ai * b[0] + t0;
        u64 lo = (u64)x, C = (u64)(x >> 64);
        const u64 k = lo * inv;
        u128 y = (u128)k * m[0] + lo;
        u64 D = (u64)(y >> 64);

        x = (u128)ai * b[1] + t1 + C; C = (u64)(x >> 64);
        y = (u128)k * m[1] + (u64)x + D; D = (u64)(y >> 64); t0 = (u64)y;

        x = (u128)ai * b[2] + t2 + C; C = (u64)(x >> 64);
        y = (u128)k * m[2] + (u64)x + D; D = (u64)(y >> 64); t1 = (u64)y;

        x = (u128)ai * b[3] + t3 + C; C = (u64)(x >> 64);
        y = (u128)k * m[3] + (u64)x + D; D = (u64)(y >> 64); t2 = (u64)y;

        t3 = C + D;
    }
    u64 br = 0, s[4];
    s[0] = subb(t0, m[0], br);
    s[1] = subb(t1, m[1], br);
    s[2] = subb(t2, m[2], br);
    s[3] = subb(t3, m[3], br);
    const u64 keep = 0 - br;  // t < m
    r[0] = (t0 & keep) | (s[0] & ~keep);
    r[1] = (t1 & keep) | (s[1] & ~keep);
    r[2] = (t2 & keep) | (s[2] & ~keep);
    r[3] = (t3 & keep) | (s[3] & ~keep);
}

}  // namespace peregrine::kernels
