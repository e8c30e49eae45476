// SPDX-License-Identifier: MIT OR Apache-2.0
// The .ptau reader (setup::PtauFile: sections, sizes, contribution records), through a memfd.
#include <cstddef>
#include <cstdint>

#include "fuzz_util.hpp"
#include "setup/ptau_file.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        peregrine::setup::PtauFile p(peregrine::fuzz::memfd_path(data, size));
        (void)p.contributions().size();
    } catch (const peregrine::Error&) {
    }
    return 0;
}
