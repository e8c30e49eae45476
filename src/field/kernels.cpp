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
#endif

}  // namespace peregrine::kernels
