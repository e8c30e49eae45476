// SPDX-License-Identifier: MIT OR Apache-2.0
#include "groth16/prove_files.hpp"

#include "formats/wtns.hpp"

namespace peregrine {

ProofFiles prove_from_files(const Zkey& zkey, const std::string& wtns_path, ThreadPool& pool, const ProveOptions& opts) {
    Wtns wtns(wtns_path);
    return prove_from_wtns(zkey, wtns, pool, opts);
}

ProofFiles prove_from_wtns(const Zkey& zkey, const Wtns& wtns, ThreadPool& pool, const ProveOptions& opts) {
    const std::string& wtns_path = wtns.path();
    if (wtns.prime() != FrParams::MOD) {
        throw Error(wtns_path + ": witness is for another curve (" + curve_name_for_prime(wtns.prime()) +
                    ") than the proving key (bn128)");
    }
    if (wtns.size() != zkey.n_vars()) {
        throw WitnessLengthMismatch(wtns_path + ": invalid witness length: " + std::to_string(wtns.size()) + " values, but " + zkey.path() +
                    " expects " + std::to_string(zkey.n_vars()));
    }
    std::vector<Limbs> w = wtns.values();
    Proof p;
    try {
        p = groth16_prove(zkey, w, pool, opts);
    } catch (const UnsatisfiedWitness& e) {
        throw UnsatisfiedWitness(wtns_path + ": " + e.what());
    }
    return {proof_to_json(p), public_to_json(public_signals(zkey, w))};
}

}  // namespace peregrine
