#include "field/kernels.hpp"

#include <cstdlib>
#include <cstring>

namespace peregrine::kernels {

#if defined(__x86_64__)
namespace {
bool detect_adx() {
    const char* off = std::getenv("PEREGRINE_NO_ADX");
    if (off && *off && std::strcmp(off, "0") != 0) return false;
    __builtin_cpu_init();
    return __builtin_cpu_supports("adx") && __builtin_cpu_supports("bmi2");
}
}  // namespace

const bool kHaveAdx = detect_adx();
#endif

}  // namespace peregrine::kernels
