// SPDX-License-Identifier: MIT OR Apache-2.0
// prover: drop-in for rapidsnark's `prover <circuit.zkey> <witness.wtns> <proof.json> <public.json>`.
#include <cstdio>
#include <exception>

#include "groth16/prove_files.hpp"
#include "util/io.hpp"

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "Usage: prover <circuit.zkey> <witness.wtns> <proof.json> <public.json>\n");
        return 1;
    }
    try {
        peregrine::ThreadPool pool;
        peregrine::Zkey zkey(argv[1]);
        peregrine::ProofFiles out = peregrine::prove_from_files(zkey, argv[2], pool);
        peregrine::write_files_atomically({{argv[3], out.proof_json}, {argv[4], out.public_json}});
    } catch (const std::exception& e) {
        std::fprintf(stderr, "prover: error: %s\n", e.what());
        return 1;
    }
    return 0;
}
