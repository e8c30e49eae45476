// SPDX-License-Identifier: MIT OR Apache-2.0
// The .r1cs readers: the header (`peregrine info`) from memory, and the full constraint reader of
// the setup (setup::read_r1cs, which takes a path: the input goes through a memfd).
#include <cstddef>
#include <cstdint>

#include "formats/r1cs.hpp"
#include "fuzz_util.hpp"
#include "setup/r1cs_reader.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        (void)peregrine::read_r1cs_header(peregrine::BinFile(data, size, "fuzz.r1cs", "r1cs", 1));
    } catch (const peregrine::Error&) {
    }
    try {
        (void)peregrine::setup::read_r1cs(peregrine::fuzz::memfd_path(data, size));
    } catch (const peregrine::Error&) {
    }
    return 0;
}
