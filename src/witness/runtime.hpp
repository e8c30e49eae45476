// SPDX-License-Identifier: MIT OR Apache-2.0
// The circuit-independent part of Peregrine's native witness generators: errors, conversions,
// input JSON, .wtns encoding. Compiled once into libperegrine_witness_rt.a; the per-circuit glue
// (glue.cpp) and circom's generated code link against it.
#ifndef PEREGRINE_WITNESS_RUNTIME_HPP
#define PEREGRINE_WITNESS_RUNTIME_HPP

#include <cstddef>
#include <cstdint>
#include <exception>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fr.hpp"

namespace peregrine::witness {

// An error while running the circuit's code: a failed assert or constraint check, a division by
// zero, an internal check of the generated code.
class CircuitError : public std::exception {
public:
    CircuitError() = default;
    explicit CircuitError(std::string msg) : msg_(std::move(msg)) {}
    const char* what() const noexcept override { return msg_.c_str(); }

protected:
    std::string msg_;
};

// Thrown by the generated code on a failed `assert` or `===` (circuit.cpp is patched at build
// time so that the message circom prints goes here): collects the pieces streamed into it.
class AssertFailure : public CircuitError {
public:
    template <class T>
    AssertFailure& operator<<(const T& v) {
        std::ostringstream s;
        s << v;
        msg_ += s.str();
        return *this;
    }
    AssertFailure& operator<<(std::ostream& (*)(std::ostream&)) { return *this; }  // std::endl
};

// The input JSON does not fit the circuit (names the signal).
class InputError : public std::exception {
public:
    explicit InputError(std::string msg) : msg_(std::move(msg)) {}
    const char* what() const noexcept override { return msg_.c_str(); }

private:
    std::string msg_;
};

// [[noreturn]] helpers used by the generated code through pgw_prelude.hpp.
[[noreturn]] void internal_check_failed(const char* expr, const char* file, int line);

// Canonical little-endian limbs <-> elements.
void fr_from_canonical(FrElement* r, const std::uint64_t limbs[4]);
void fr_to_canonical(std::uint64_t out[4], const FrElement* a);

// One input of the main component, as the JSON names it: "in", "a.b" (bus field), "p[1].x".
// offset is relative to the first main input signal; dims are the array dimensions (empty for a
// single signal, or when unknown, e.g. for a whole bus).
struct InputSignal {
    std::string name;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    std::vector<std::uint32_t> dims;
};

// Parses the input JSON and sets out[0..n_inputs) (the main component's input signals, in signal
// order). Accepted, as snarkjs accepts them: decimal strings (optionally negative), "0x"/"0o"/"0b"
// strings, JSON integers of magnitude below 2^53, any value taken mod p; for an array signal
// either nested arrays of exactly its shape or one flat array of all its values; bus inputs as
// nested objects or as qualified keys ("p.x"). Refused with InputError naming the signal: unknown
// or duplicated keys, missing signals, wrong sizes, non-numeric strings, fractions, booleans,
// null, JSON numbers too large to be exact (write those as strings).
void read_inputs(std::string_view json, const std::vector<InputSignal>& signals, std::uint32_t n_inputs,
                 FrElement* out);

// .wtns (version 2, as snarkjs writes it) for n values: header size, then the header and values.
constexpr std::size_t wtns_header_size() { return 4 + 4 + 4 + (4 + 8 + 4 + 32 + 4) + (4 + 8); }
void write_wtns_header(std::uint8_t* out, std::uint32_t n);
void write_wtns_value(std::uint8_t* out, const FrElement* v);  // 32 bytes

// Memory for the large per-witness arrays (signal values, the .wtns image): 2 MiB aligned and
// marked for transparent huge pages when large, because faulting in 4 KiB pages one by one costs
// more than computing many witnesses (in virtual machines especially). Throws std::bad_alloc.
void* alloc_large(std::size_t bytes);
void free_large(void* p);  // p from alloc_large, or null

// Reads a whole file; throws InputError naming it.
std::string read_file(const std::string& path);
// Writes a file atomically (util/io.hpp: fsynced temporary beside it, then rename; a target that is
// not a regular file is refused); throws InputError naming it.
void write_file_atomically(const std::string& path, const void* data, std::size_t size);

// Copies msg into err[0..errmax) (truncated, NUL-terminated).
void copy_message(const std::string& msg, char* err, std::size_t errmax);

}  // namespace peregrine::witness

#endif  // PEREGRINE_WITNESS_RUNTIME_HPP
