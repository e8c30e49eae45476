// SPDX-License-Identifier: MIT OR Apache-2.0
// The .wtns reader: header, section sizes, every value below the prime.
#include <cstddef>
#include <cstdint>

#include "formats/wtns.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        peregrine::Wtns w(data, size, "fuzz.wtns");
        (void)w.values();
    } catch (const peregrine::Error&) {
    }
    return 0;
}
