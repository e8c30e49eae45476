// SPDX-License-Identifier: MIT OR Apache-2.0
// Groth16 proving over BN254 with snarkjs proving keys: the same mathematics as snarkjs
// (QAP evaluations from the zkey's coefficients, H on the odd points of the 2n domain).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "formats/json.hpp"
#include "formats/zkey.hpp"
#include "util/thread_pool.hpp"

namespace peregrine {

struct ProveTimings {
    // Wall time: QAP and NTT run on one thread, alongside the MSMs; msm_ms is the time until every
    // MSM (and so the QAP and NTT too) is done.
    double qap_ms = 0, ntt_ms = 0, msm_ms = 0, verify_ms = 0, total_ms = 0;
    // CPU time (ms) of the QAP evaluation and the NTTs, and of the MSMs summed over the threads:
    // A, B1 and C in G1, B2 in G2, and H.
    double qap_cpu_ms = 0, ntt_cpu_ms = 0, g1_cpu_ms = 0, g2_cpu_ms = 0, h_cpu_ms = 0;
    // Operation counts for the per-phase floors: point additions of those MSMs (into buckets, the
    // buckets' sums, the scalar-1 sums), and the field products of the QAP evaluation and the NTTs.
    std::uint64_t g1_adds = 0, g2_adds = 0, h_adds = 0, qap_muls = 0, ntt_muls = 0;
};

struct ProveOptions {
    // Blinding factors; drawn from the OS CSPRNG when not set (tests may fix them).
    const Limbs* r = nullptr;
    const Limbs* s = nullptr;
    ProveTimings* timings = nullptr;
    // Called with a phase name as the prover enters it (for --verbose progress).
    std::function<void(const char*)> on_phase;
    // Verify the proof before returning it; a witness that does not satisfy the circuit then
    // gives an Error instead of a proof that would not verify.
    bool verify = true;
    // When set, the prover checks *cancel between phases and between the tasks of its parallel
    // loops (MSM windows, NTT stages; see ThreadPool::CancelScope) and throws Cancelled once it
    // is true: a 2^16 proof stops within tens of milliseconds.
    const std::atomic<bool>* cancel = nullptr;
    // When the key's sections are a read-only file mapping (Zkey(path)), drop the process's
    // pages of each section once its last use is over (coefficients after the QAP evaluation, each
    // point section after its MSM): lower peak memory for a one-shot proof. They come back from
    // the page cache (minor faults) if the key is used again, as a server does; it may turn this off.
    bool release_key_pages = true;
};

// witness: n_vars canonical values (witness[0] must be 1). Throws Error on a length mismatch,
// a malformed key or (with opts.verify) a witness that does not satisfy the circuit.
Proof groth16_prove(const Zkey& zkey, const std::vector<Limbs>& witness, ThreadPool& pool,
                    const ProveOptions& opts = {});

// witness[1..n_public], as written to public.json.
std::vector<Limbs> public_signals(const Zkey& zkey, const std::vector<Limbs>& witness);

}  // namespace peregrine
