// SPDX-License-Identifier: MIT OR Apache-2.0
#include "util/random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace peregrine {

void os_random_bytes(void* buf, std::size_t len) {
    auto* p = static_cast<unsigned char*>(buf);
    while (len > 0) {
        ssize_t got = ::getrandom(p, len, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw Error(std::string("getrandom failed: ") + std::strerror(errno));
        }
        p += got;
        len -= (std::size_t)got;
    }
}

Limbs random_below(const Limbs& modulus) {
    const unsigned bits = bit_length(modulus);
    for (;;) {
        Limbs x;
        os_random_bytes(x.data(), sizeof x);
        for (unsigned i = bits; i < 256; ++i) x[i / 64] &= ~(u64(1) << (i % 64));
        if (cmp(x, modulus) < 0) return x;
    }
}

}  // namespace peregrine
