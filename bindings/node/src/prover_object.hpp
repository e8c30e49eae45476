// SPDX-License-Identifier: MIT OR Apache-2.0
// A proving key loaded once for many proofs (index.js's Prover class).
#pragma once
#include <napi.h>

namespace peregrine::node {

// Adds loadProver(zkey, threads) -> Promise<handle>, proverProve(handle, wtns, cancel) ->
// Promise<[proof.json, public.json]> and proverInfo(handle) -> {nVars, nPublic, domainSize}.
void register_prover(Napi::Env env, Napi::Object exports);

}  // namespace peregrine::node
