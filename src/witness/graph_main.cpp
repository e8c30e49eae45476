// SPDX-License-Identifier: MIT OR Apache-2.0
// The `<name>-witness <input.json> <out.wtns>` command of a circuit built with the graph engine
// (`circuit build --engine graph`): one executable for every circuit, copied next to the circuit's
// program, which it finds from its own path (<dir>/<name>-witness runs <dir>/<name>.graph). Same
// interface and messages as the native engine's command (witness_main.cpp).
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <string>

#include "graph_program.hpp"
#include "pg_witness.h"
#include "runtime.hpp"

int main(int argc, char** argv) {
    using namespace peregrine::witness;
    const char* prog = argc > 0 ? argv[0] : "witness";
    try {
        char buf[PATH_MAX];
        const ssize_t len = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
        if (len <= 0) throw InputError("cannot find this executable's path (/proc/self/exe)");
        std::string self(buf, (std::size_t)len);
        const std::string suffix = "-witness";
        if (self.size() <= suffix.size() || self.compare(self.size() - suffix.size(), suffix.size(), suffix) != 0)
            throw InputError(self + ": a graph witness command must be named <name>-witness, next to <name>.graph");
        const std::string path = self.substr(0, self.size() - suffix.size()) + ".graph";
        const std::string bytes = graph::read_graph_file(path);
        const graph::Program p = graph::decode(bytes, path);
        if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
            std::printf("usage: %s <input.json> <output.wtns>\n"
                        "Computes the witness of circuit '%s' (%zu values) and writes it as a .wtns file.\n",
                        prog, p.name.c_str(), p.witness.size());
            return 0;
        }
        if (argc != 3) {
            std::fprintf(stderr, "usage: %s <input.json> <output.wtns>\n", prog);
            return 1;
        }
        const std::string input = read_file(argv[1]);
        std::uint8_t* wtns = nullptr;
        std::size_t n = 0;
        char err[2048];
        const int rc = graph::calculate(p, input.data(), input.size(), &wtns, &n, err, sizeof err);
        if (rc != PG_WITNESS_OK) {
            std::fprintf(stderr, "error: %s: %s\n", argv[1], err);
            return 1;
        }
        try {
            write_file_atomically(argv[2], wtns, n);
        } catch (...) {
            free_large(wtns);
            throw;
        }
        free_large(wtns);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
