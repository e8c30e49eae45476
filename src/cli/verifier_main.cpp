// SPDX-License-Identifier: MIT OR Apache-2.0
// verifier: drop-in for rapidsnark's `verifier <verification_key.json> <inputs.json> <proof.json>`.
// Exit status 0 valid, 1 invalid, 2 error.
#include <cstdio>
#include <exception>

#include "groth16/verifier.hpp"
#include "util/io.hpp"

int main(int argc, char** argv) {
    using namespace peregrine;
    if (argc != 4) {
        std::fprintf(stderr, "Usage: verifier <verification_key.json> <inputs.json> <proof.json>\n");
        return 2;
    }
    try {
        VerifyingKey vk = vk_from_json(read_text_file(argv[1]), argv[1]);
        std::vector<Limbs> pub = public_from_json(read_text_file(argv[2]), argv[2]);
        Proof proof = proof_from_json(read_text_file(argv[3]), argv[3]);
        if (groth16_verify(vk, pub, proof)) {
            std::printf("Result: Valid proof\n");
            return 0;
        }
        std::printf("Result: Invalid proof\n");
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "verifier: error: %s\n", e.what());
        return 2;
    }
}
