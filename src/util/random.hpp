// SPDX-License-Identifier: MIT OR Apache-2.0
#pragma once
#include "field/bigint.hpp"

namespace peregrine {

// Fills buf with bytes from the operating system's CSPRNG (getrandom); throws Error on failure.
void os_random_bytes(void* buf, std::size_t len);

// A uniformly random integer in [0, modulus), by rejection sampling from the OS CSPRNG.
Limbs random_below(const Limbs& modulus);

}  // namespace peregrine
