// SPDX-License-Identifier: MIT OR Apache-2.0
// `peregrine circuit build`: compiles a circom circuit into a native witness generator.
//
//   circuit build <circuit.circom> [-l <include_dir>]... -o <dir> [-O <level>] [options]
//
// Runs circom (--circom, else $PEREGRINE_CIRCOM, else `circom` then `circom2` on PATH, else the
// checkout's tools/node/node_modules/.bin/circom2) with --c --r1cs --sym (and --wasm when
// asked), then compiles the generated C++ with Peregrine's witness runtime (fr.hpp/fr.cpp,
// glue.cpp, the driver), split into units compiled in parallel through ccache (with GCC, against a
// precompiled header of the runtime's and circom's headers, kept in a per-user cache), into
//   <dir>/<name>-witness             command: <name>-witness <input.json> <out.wtns>
//   <dir>/lib<name>-witness.so       C API of pg_witness.h, for in-process witness calculation
// next to circom's own outputs (<dir>/<name>.r1cs, <name>.sym, <name>_cpp/, and <name>_js/ with --wasm).
//
// The runtime (headers, glue source, libperegrine_witness_rt.a, config.txt with the compiler and
// flags it was built with) is a directory found, in order, from --runtime, $PEREGRINE_WITNESS_RUNTIME,
// <dir of the running executable>/witness-runtime (build tree), and
// <dir of the running executable>/../share/peregrine/witness-runtime (installed tree).
#pragma once
#include <string>
#include <vector>

namespace peregrine::witness {

struct BuildOptions {
    std::string circuit;                // the .circom file
    std::vector<std::string> includes;  // -l: include directories for circom
    std::string out_dir;                // -o: output directory (created if missing)
    std::string opt_level = "1";        // -O: C++ optimisation level (0, 1, 2, 3, s, g); -O1 runs as fast as -O2
                                        // on circom's code (within 1% of the instructions) and compiles faster
    std::string circom_opt;             // --circom-O: circom's simplification level (0, 1, 2); empty: circom's default
    std::string circom;                 // --circom: circom executable (native or circom2); empty: search
    std::string cxx;                    // --cxx: C++ compiler; empty: $CXX, else the one the runtime was built with
    std::string runtime_dir;            // --runtime: witness runtime directory; empty: search (see above)
    int jobs = 0;                       // -j: parallel compiler processes; 0: number of CPUs
    bool wasm = false;                  // --wasm: also have circom write <name>_js/<name>.wasm
    bool verbose = false;               // -v: show the commands and circom's output
    bool pch = true;                    // --no-pch clears it: no precompiled header (GCC only anyway)
    std::string engine = "auto";        // --engine: "graph" (interpret circom's C++ into <dir>/<name>.graph, no
                                        // compiler), "native" (compile it), "auto" (graph, else native)
};

// Builds; returns 0 on success, 1 on failure (after one or more lines on stderr).
int circuit_build(const BuildOptions& opts);

// Parses the arguments (argv[0] is the command's name, e.g. "build"; options follow) and builds.
// Returns the exit status (2 for a usage error).
int circuit_build(int argc, char** argv);

}  // namespace peregrine::witness
