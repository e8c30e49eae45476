// SPDX-License-Identifier: MIT OR Apache-2.0
// The compile-free witness engine's program (`circuit build --engine graph`, issue 18): a
// straight-line list of field operations over numbered slots, derived once from circom's
// generated C++ (graph_eval.cpp) and run with the runtime's Fr_* kernels, so that witnesses are
// computed exactly as the compiled (native) engine computes them.
//
// Slots: [0, n_signals) are the circuit's signals (slot 0 is the constant 1, the main inputs are
// written there by the input reader), then the constants, then temporaries. Each instruction is
// (op, dst, a, b, c, guard): dst = op(a, b); `guard` (kNoGuard: none) makes an operation that can
// fail (division, inverse, assert, indexed load) run only when the slot `guard` is true (else dst
// is set to 0): the untaken side of an input-dependent `?:`/`if`, which circom does not run.
//
// File (<name>.graph, little-endian): "PGWGRAPH" u32 version; strings are u32 length + bytes:
//   name; u32 n_signals, input_start, n_inputs; u32 n_keys, then per key: name, u32 offset, u32
//   size, u32 n_dims, u32 dims[]; u32 n_witness, u32 witness_signal[]; u32 n_constants, 32-byte
//   canonical constants[]; u32 n_slots; u32 n_messages, messages[]; u32 n_instructions, then
//   instructions (u32 op, dst, a, b, c, guard); "PGWEND\0\0".
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fr.hpp"
#include "runtime.hpp"

namespace peregrine::witness::graph {

enum Op : std::uint32_t {
    kCopy = 0,  // dst = a
    kAdd, kSub, kMul, kDiv, kIdiv, kMod, kPow, kShl, kShr, kBand, kBor, kBxor,
    kEq, kNeq, kLt, kGt, kLeq, kGeq, kLand, kLor,  // binary, as the Fr_* functions of the same name
    kNeg, kSquare, kInv, kBnot, kLnot,             // unary: dst = op(a)
    kSelect,                                       // dst = isTrue(c) ? a : b
    kAssert,                                       // fails with messages[c] unless isTrue(a)
    kLoad,                                         // dst = slots[b + c * toInt(a)], b + c*i < n_signals
    kOpCount
};

constexpr std::uint32_t kNoGuard = 0xFFFFFFFFu;
constexpr std::uint32_t kFormatVersion = 1;

struct Instr {
    std::uint32_t op, dst, a, b, c, guard;
};

struct Program {
    std::string name;
    std::uint32_t n_signals = 0, input_start = 0, n_inputs = 0, n_slots = 0;
    std::vector<InputSignal> inputs;
    std::vector<std::uint32_t> witness;                // signal of each witness value
    std::vector<std::array<std::uint64_t, 4>> constants;  // canonical; constant k is slot n_signals + k
    std::vector<std::string> messages;
    std::vector<Instr> code;
};

// Reads a .graph file whole (one read, no stream); throws InputError naming it.
std::string read_graph_file(const std::string& path);

// Serialises / parses (throws std::runtime_error naming `what` on a malformed or inconsistent file:
// every slot index is checked, so a corrupt file cannot make the runner read out of bounds).
std::string encode(const Program& p);
Program decode(std::string_view bytes, const std::string& what);

// Runs the program on the input JSON: the .wtns image (alloc_large'd, release with free_large) in
// out/out_len. Throws InputError, AssertFailure/CircuitError (message as the native engine's).
void run(const Program& p, std::string_view input_json, std::uint8_t** out, std::size_t* out_len);

// circom's "Failed assert in template/function T line N. Followed trace of components: C" in the
// words the native engine uses ("assert or constraint failed: template T, line N, component C").
std::string describe_assert(const std::string& m);

// As pg_witness_calculate (pg_witness.h): a PG_WITNESS_* code, the message in err[0..errmax).
int calculate(const Program& p, const char* json, std::size_t len, std::uint8_t** out, std::size_t* out_len, char* err,
              std::size_t errmax);

}  // namespace peregrine::witness::graph
