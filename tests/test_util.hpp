// SPDX-License-Identifier: MIT OR Apache-2.0
// Helpers shared by the unit tests: GMP conversions and deterministic random values.
#pragma once
#include <gmpxx.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

#include "field/bigint.hpp"

namespace peregrine::test {

// Slow builds (sanitizers; aarch64, which CI runs under qemu): tests use their smallest sizes.
#if defined(__SANITIZE_ADDRESS__) || defined(__aarch64__)
constexpr bool kSlowBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSlowBuild = true;
#else
constexpr bool kSlowBuild = false;
#endif
#else
constexpr bool kSlowBuild = false;
#endif

// Lower-case hexadecimal of n bytes.
inline std::string to_hex(const std::uint8_t* d, std::size_t n) {
    std::string s;
    char b[3];
    for (std::size_t i = 0; i < n; ++i) {
        std::snprintf(b, sizeof b, "%02x", d[i]);
        s += b;
    }
    return s;
}

inline mpz_class to_mpz(const Limbs& a) {
    mpz_class r;
    mpz_import(r.get_mpz_t(), 4, -1, sizeof(u64), 0, 0, a.data());
    return r;
}

inline Limbs from_mpz(const mpz_class& x) {
    Limbs r{0, 0, 0, 0};
    size_t count = 0;
    mpz_export(r.data(), &count, -1, sizeof(u64), 0, 0, x.get_mpz_t());
    return r;
}

// Uniform-ish values below m from a seeded generator (tests must be reproducible).
inline Limbs random_below(std::mt19937_64& rng, const Limbs& m) {
    mpz_class x = 0;
    for (int i = 0; i < 5; ++i) {
        x <<= 64;
        x += (unsigned long)rng();
    }
    x %= to_mpz(m);
    return from_mpz(x);
}

}  // namespace peregrine::test
