// SPDX-License-Identifier: MIT OR Apache-2.0
// What `circuit build` (build.cpp) does to circom's generated C++ before compiling it: the
// patches (pgw_prelude.hpp), the split into translation units compiled in parallel, the main
// inputs' names (pgw_inputs.inc), and the small generated sources.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace peregrine::witness::detail {

// The integer in "<fn>() {return N;}" of the generated circuit code; throws Failure when absent.
std::uint64_t generated_constant(const std::string& code, const std::string& fn);

// Patches circom's generated <name>.cpp in place: failed asserts and constraints throw circom's
// message (AssertFailure) instead of printing it and aborting; release_memory_component goes
// through the glue's (which also clears the pointers). Throws Failure if the code has changed shape.
void patch_circuit_code(std::string& code);
std::string patch_circom_hpp(std::string code);  // drops #include <gmp.h>

// circom's <name>.cpp, split. The generated code is a flat list of top-level items (#include
// lines, declarations, function definitions, a few tables). `header` has the #include lines, the
// prelude (through `base`), every declaration, a declaration of every function defined and an `extern` for every
// table: each unit includes it and holds some of the definitions.
//
// Units are cut at content-defined points (after a function whose name hashes to 0 mod 4, once
// the unit holds at least `target` bytes), so that an edit inside one template changes one unit
// only and the others stay in the compiler cache. A definition of `huge` bytes or more (circom
// functions filling big constant tables, straight-line code) gets a unit of its own, compiled at a
// lower optimisation level. The tables and get_*() functions (the circuit's sizes, which most edits
// change) and run() go into a unit of their own, "<prefix>pgw_tables".
struct CodeUnit {
    std::string stem;  // file name without ".cpp": "<prefix><first definition's name>"
    std::string text;  // #include "<header>" and the definitions
    bool huge = false;
};
struct SplitCode {
    std::string base;    // `base_name`: circom's #include lines and the prelude (include-guarded; what is precompiled)
    std::string header;  // includes `base_name`
    std::vector<CodeUnit> units;
};
SplitCode split_circuit_code(const std::string& code, const std::string& header_name, const std::string& base_name,
                             const std::string& prefix, std::size_t target, std::size_t huge);

// Bytes per unit for generated code of `total` bytes: about 16 units, a power of two (so that
// small edits do not move the cut points), between 256 KiB and 1 MiB (a unit also costs the
// compiler ~0.5 s for the headers).
std::size_t unit_target_bytes(std::size_t total);

// The main inputs, as JSON names them: every key of circom's input hash table, named from the
// .sym file (element names of the main component's input signals) and checked against the table.
struct InputKey {
    std::string name;
    std::uint32_t offset = 0, size = 0;
    std::vector<std::uint32_t> dims;
};
std::vector<InputKey> main_inputs(const std::string& sym_path, const std::string& dat_path, std::uint64_t start,
                                  std::uint64_t count, std::uint64_t hash_size);
std::string inputs_inc(const std::string& circuit_name, const std::vector<InputKey>& keys);  // pgw_inputs.inc

extern const char* const kVersionScript;  // the shared library's exports
extern const char* const kMainCpp;        // the witness command's main()

}  // namespace peregrine::witness::detail
