// SPDX-License-Identifier: MIT OR Apache-2.0
// Replaces src/field/kernels.cpp in the fuzz build: clang 14 does not know the "adx" feature of
// __builtin_cpu_supports, and the fuzzers are better served by the portable C++ kernels (the ADX
// assembly is invisible to the coverage instrumentation and to the sanitizers anyway).
#include "field/kernels.hpp"

#include <cstdlib>
#include <cstring>

namespace peregrine::kernels {

#if defined(__x86_64__)
bool kernel_disabled(const char* name) {
    const char* off = std::getenv(name);
    return off && *off && std::strcmp(off, "0") != 0;
}

const bool kHaveAdx = false;

// The portable kernels as calls (kernels.hpp declares them for x86-64; kernels.cpp defines them
// in the library).
void mul_wide4_portable_call(u64 t[8], const u64 a[4], const u64 b[4]) { mul_wide4_portable(t, a, b); }
void redc8_portable_call(u64 r[4], const u64 t[8], const u64 m[4], u64 inv) { redc8_portable(r, t, m, inv); }
void mont_mul4_portable_call(u64 r[4], const u64 a[4], const u64 b[4], const u64 m[4], u64 inv) {
    mont_mul4_portable(r, a, b, m, inv);
}
#endif

}  // namespace peregrine::kernels
