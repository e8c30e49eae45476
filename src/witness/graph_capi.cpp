// SPDX-License-Identifier: MIT OR Apache-2.0
// The C API of pg_witness.h for a circuit built with the graph engine: one shared library for every
// circuit (libpgw-graph-witness.so in the runtime directory), which `circuit build --engine graph`
// copies next to the circuit as lib<name>-witness.so. It finds its program from its own path
// (<dir>/lib<name>-witness.so runs <dir>/<name>.graph), loaded once, on first use, then shared
// read-only by every calculation (thread-safe).
#include <dlfcn.h>

#include <memory>
#include <mutex>
#include <string>

#include "graph_program.hpp"
#include "pg_witness.h"
#include "runtime.hpp"

#define PGW_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

using peregrine::witness::graph::Program;

struct Loaded {
    std::unique_ptr<Program> program;
    std::string error;
};

const Loaded& loaded() {
    static Loaded l;
    static std::once_flag once;
    std::call_once(once, [] {
        try {
            Dl_info info{};
            if (!::dladdr(reinterpret_cast<void*>(&loaded), &info) || !info.dli_fname)
                throw std::runtime_error("cannot find the witness library's own path");
            std::string self = info.dli_fname;
            const auto slash = self.rfind('/');
            const std::string dir = slash == std::string::npos ? "." : self.substr(0, slash);
            std::string base = slash == std::string::npos ? self : self.substr(slash + 1);
            const std::string pre = "lib", suf = "-witness.so";
            if (base.size() <= pre.size() + suf.size() || base.rfind(pre, 0) != 0 ||
                base.compare(base.size() - suf.size(), suf.size(), suf) != 0)
                throw std::runtime_error(self + ": a graph witness library must be named lib<name>-witness.so, next to <name>.graph");
            const std::string path = dir + "/" + base.substr(pre.size(), base.size() - pre.size() - suf.size()) + ".graph";
            const std::string bytes = peregrine::witness::graph::read_graph_file(path);
            l.program = std::make_unique<Program>(peregrine::witness::graph::decode(bytes, path));
        } catch (const std::exception& e) {
            l.error = e.what();
        }
    });
    return l;
}

}  // namespace

PGW_EXPORT int pg_witness_abi_version(void) { return PG_WITNESS_ABI_VERSION; }

PGW_EXPORT const char* pg_witness_circuit_name(void) {
    const Loaded& l = loaded();
    return l.program ? l.program->name.c_str() : "";
}

PGW_EXPORT uint32_t pg_witness_size(void) {
    const Loaded& l = loaded();
    return l.program ? (uint32_t)l.program->witness.size() : 0;
}

PGW_EXPORT void pg_witness_free(uint8_t* wtns) { peregrine::witness::free_large(wtns); }

PGW_EXPORT int pg_witness_calculate(const char* input_json, size_t len, uint8_t** wtns_out, size_t* wtns_len, char* err,
                                    size_t errmax) {
    const Loaded& l = loaded();
    if (!l.program) {
        if (wtns_out) *wtns_out = nullptr;
        if (wtns_len) *wtns_len = 0;
        peregrine::witness::copy_message(l.error, err, errmax);
        return PG_WITNESS_INTERNAL_ERROR;
    }
    return peregrine::witness::graph::calculate(*l.program, input_json, len, wtns_out, wtns_len, err, errmax);
}
