// SPDX-License-Identifier: MIT OR Apache-2.0
// Included by `circuit build` into circom's generated <name>.cpp, right after its own includes.
// Turns the generated code's internal `assert`s into exceptions (never an abort), and routes the
// generated release_memory_component to the glue's version (which also clears the pointers, so
// that the witness context can free what an interrupted run left behind).
#ifndef PEREGRINE_WITNESS_PRELUDE_HPP
#define PEREGRINE_WITNESS_PRELUDE_HPP

#include "runtime.hpp"

#undef assert
#define assert(e) ((e) ? (void)0 : ::peregrine::witness::internal_check_failed(#e, __FILE__, __LINE__))

class Circom_CalcWit;
void pgw_release_component(Circom_CalcWit* ctx, unsigned pos);

#endif  // PEREGRINE_WITNESS_PRELUDE_HPP
