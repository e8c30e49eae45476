// SPDX-License-Identifier: MIT OR Apache-2.0
// fuzz_http's witness library: the C API of pg_witness.h for tests/fixtures/circuits/multiplier.circom
// (c <== a * b; wires 1, c, a, b), written by hand so that the fuzz build needs neither circom nor
// `peregrine circuit build`. Inputs are read by the witness runtime's read_inputs, as in a
// library that circuit build makes; the server loads it through the real loader (dlopen).
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string_view>
#include <vector>

#include "pg_witness.h"
#include "runtime.hpp"

using namespace peregrine::witness;

#define PGW_EXPORT extern "C" __attribute__((visibility("default")))

PGW_EXPORT int pg_witness_abi_version(void) { return PG_WITNESS_ABI_VERSION; }
PGW_EXPORT const char* pg_witness_circuit_name(void) { return "multiplier"; }
PGW_EXPORT std::uint32_t pg_witness_size(void) { return 4; }

PGW_EXPORT int pg_witness_calculate(const char* input_json, size_t len, std::uint8_t** wtns_out, size_t* wtns_len,
                                    char* err, size_t errmax) {
    *wtns_out = nullptr;
    *wtns_len = 0;
    static const std::vector<InputSignal> signals = {{"a", 0, 1, {}}, {"b", 1, 1, {}}};
    try {
        FrElement w[4];
        const std::uint64_t one[4] = {1, 0, 0, 0};
        fr_from_canonical(&w[0], one);
        read_inputs(std::string_view(input_json, len), signals, 2, &w[2]);
        Fr_mul(&w[1], &w[2], &w[3]);
        const std::size_t size = wtns_header_size() + 4 * 32;
        auto* out = static_cast<std::uint8_t*>(std::malloc(size));
        if (!out) {
            copy_message("out of memory", err, errmax);
            return PG_WITNESS_INTERNAL_ERROR;
        }
        write_wtns_header(out, 4);
        for (int i = 0; i < 4; ++i) write_wtns_value(out + wtns_header_size() + 32 * i, &w[i]);
        *wtns_out = out;
        *wtns_len = size;
        return PG_WITNESS_OK;
    } catch (const InputError& e) {
        copy_message(e.what(), err, errmax);
        return PG_WITNESS_BAD_INPUT;
    } catch (const std::exception& e) {
        copy_message(e.what(), err, errmax);
        return PG_WITNESS_INTERNAL_ERROR;
    }
}

PGW_EXPORT void pg_witness_free(std::uint8_t* wtns) { std::free(wtns); }
