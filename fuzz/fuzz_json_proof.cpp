// SPDX-License-Identifier: MIT OR Apache-2.0
// The proof JSON reader (proof_from_json): any text gives a value or an Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/json.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        (void)peregrine::proof_from_json(std::string(reinterpret_cast<const char*>(data), size));
    } catch (const peregrine::Error&) {
    }
    return 0;
}
