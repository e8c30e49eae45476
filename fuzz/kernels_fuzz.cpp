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
#endif

}  // namespace peregrine::kernels
