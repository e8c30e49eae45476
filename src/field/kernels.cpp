// SPDX-License-Identifier: MIT OR Apache-2.0
#include "field/kernels.hpp"

#include <cstdlib>
#include <cstring>

namespace peregrine::kernels {

#if defined(__x86_64__)
bool kernel_disabled(const char* name) {
    const char* off = std::getenv(name);
    return off && *off && std::strcmp(off, "0") != 0;
}

namespace {
bool detect_adx() {
    if (kernel_disabled("PEREGRINE_NO_ADX")) return false;
    __builtin_cpu_init();
    return __builtin_cpu_supports("adx") && __builtin_cpu_supports("bmi2");
}
}  // namespace

const bool kHaveAdx = detect_adx();

void mul_wide4_portable_call(u64 t[8], const u64 a[4], const u64 b[4]) { mul_wide4_portable(t, a, b); }
void redc8_portable_call(u64 r[4], const u64 t[8], const u64 m[4], u64 inv) { redc8_portable(r, t, m, inv); }
void mont_mul4_portable_call(u64 r[4], const u64 a[4], const u64 b[4], const u64 m[4], u64 inv) {
    mont_mul4_portable(r, a, b, m, inv);
}
#endif

}  // namespace peregrine::kernels
