// SPDX-License-Identifier: MIT OR Apache-2.0
// The `<name>-witness <input.json> <out.wtns>` command of a built circuit: reads the input, calls
// the circuit's pg_witness_calculate (linked into the same executable) and writes the witness
// atomically. Errors: one line on stderr, exit status 1.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "pg_witness.h"
#include "runtime.hpp"

extern "C" int pg_witness_main(int argc, char** argv) {
    using namespace peregrine::witness;
    const char* prog = argc > 0 ? argv[0] : "witness";
    if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
        std::printf("usage: %s <input.json> <output.wtns>\n"
                    "Computes the witness of circuit '%s' (%u values) and writes it as a .wtns file.\n",
                    prog, pg_witness_circuit_name(), pg_witness_size());
        return 0;
    }
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s <input.json> <output.wtns>\n", prog);
        return 1;
    }
    try {
        const std::string input = read_file(argv[1]);
        std::uint8_t* wtns = nullptr;
        std::size_t len = 0;
        char err[2048];
        const int rc = pg_witness_calculate(input.data(), input.size(), &wtns, &len, err, sizeof err);
        if (rc != PG_WITNESS_OK) {
            std::fprintf(stderr, "error: %s: %s\n", argv[1], err);
            return 1;
        }
        try {
            write_file_atomically(argv[2], wtns, len);
        } catch (...) {
            pg_witness_free(wtns);
            throw;
        }
        pg_witness_free(wtns);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    } catch (...) {
        std::fprintf(stderr, "error: unexpected failure\n");
        return 1;
    }
}
