// SPDX-License-Identifier: MIT OR Apache-2.0
// The witness input reader (input.json, and the body of a `peregrine serve` job, which is handed
// to the same function): read_inputs of the witness runtime against a fixed set of main-component
// inputs: a single signal, a 2x3 array and a bus with two fields (qualified names), the layouts
// circom produces.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime.hpp"

using namespace peregrine::witness;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::vector<InputSignal> signals = {
        {"in", 0, 1, {}},
        {"m", 1, 6, {2, 3}},
        {"p.x", 7, 1, {}},
        {"p.y", 8, 2, {2}},
    };
    FrElement out[10];
    try {
        read_inputs(std::string_view(reinterpret_cast<const char*>(data), size), signals, 10, out);
    } catch (const InputError&) {
    }
    return 0;
}
