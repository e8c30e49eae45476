// SPDX-License-Identifier: MIT OR Apache-2.0
// The C++ consumer of the README ("Using Peregrine from C/C++"): proves a witness with an installed
// Peregrine, including its header as <peregrine/prover.h>. tests/capi/run.sh builds it with
// pkg-config and with find_package(Peregrine), exactly as the README says.
#include <peregrine/prover.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s <circuit.zkey> <witness.wtns>\n", argv[0]);
        return 2;
    }
    std::ifstream in(argv[2], std::ios::binary);
    const std::string wtns{std::istreambuf_iterator<char>(in), {}};
    unsigned long long proof_size = 0, public_size = 0;
    char error[256];
    groth16_proof_size(&proof_size);
    if (groth16_public_size_for_zkey_file(argv[1], &public_size, error, sizeof error) != PROVER_OK) {
        std::fprintf(stderr, "%s\n", error);
        return 1;
    }
    std::string proof(proof_size, '\0'), pub(public_size, '\0');
    if (groth16_prover_zkey_file(argv[1], wtns.data(), wtns.size(), proof.data(), &proof_size, pub.data(),
                                 &public_size, error, sizeof error) != PROVER_OK) {
        std::fprintf(stderr, "%s\n", error);
        return 1;
    }
    std::printf("%s\n%s\n", proof.c_str(), pub.c_str());
    return 0;
}
