// SPDX-License-Identifier: MIT OR Apache-2.0
// `circuit build --engine graph`: circom's generated C++ interpreted once into a witness graph
// (graph_eval.hpp), written as <dir>/<name>.graph, with <dir>/<name>-witness and
// <dir>/lib<name>-witness.so copies of the runtime's generic graph witness command and library
// (which find the graph from their own path). No C++ compiler runs.
#include "witness/build_graph.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "witness/build_codegen.hpp"
#include "witness/build_util.hpp"
#include "witness/graph_eval.hpp"

namespace peregrine::witness::detail {

namespace {

// Copies `from` to `to` (written aside, made executable, then renamed).
void install_copy(const std::string& from, const std::string& to) {
    check_output(to);  // renamed into place below: never over a symlink, directory, device or FIFO
    const std::string tmp = to + ".tmp" + std::to_string(::getpid());
    {
        std::ifstream in(from, std::ios::binary);
        if (!in) throw Failure("cannot read " + from);
        std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
        o << in.rdbuf();
        o.close();
        if (!in || !o) {
            ::unlink(tmp.c_str());
            throw Failure("cannot write " + tmp);
        }
    }
    if (::chmod(tmp.c_str(), 0755) != 0 || ::rename(tmp.c_str(), to.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        throw Failure("cannot write " + to + ": " + std::strerror(e));
    }
}

}  // namespace

std::string build_graph(const std::string& out, const std::string& name, const std::string& gen,
                        const std::string& runtime_dir, bool verbose) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string runner = runtime_dir + "/bin/pgw-graph-witness";
    const std::string library = runtime_dir + "/lib/libpgw-graph-witness.so";
    if (!is_executable_file(runner) || !exists(library))
        return "the runtime has no graph witness command and library (" + runner + ", " + library + ")";
    const std::string cpp = gen + "/" + name + ".cpp";
    const std::string code = read_text(cpp);
    const std::string dat_path = gen + "/" + name + ".dat";
    const std::string dat = read_text(dat_path);
    const std::uint64_t in_start = generated_constant(code, "get_main_input_signal_start");
    const std::uint64_t in_count = generated_constant(code, "get_main_input_signal_no");
    const std::uint64_t hash_size = generated_constant(code, "get_size_of_input_hashmap");
    const auto keys = main_inputs(out + "/" + name + ".sym", dat_path, in_start, in_count, hash_size);
    std::vector<InputSignal> inputs;
    for (const auto& k : keys) inputs.push_back(InputSignal{k.name, k.offset, k.size, k.dims});
    graph::Program p;
    try {
        p = graph::build_program(code, name + ".cpp", dat, name, inputs);
    } catch (const graph::GraphError& e) {
        return e.what();
    } catch (const CircuitError& e) {
        return std::string("the circuit's code fails: ") + e.what();
    }
    const std::string graph_path = out + "/" + name + ".graph";
    write_text(graph_path, graph::encode(p));
    install_copy(runner, out + "/" + name + "-witness");
    install_copy(library, out + "/lib" + name + "-witness.so");
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr,
                 "circuit build: wrote %s (graph engine: %zu operations, %zu constants, %u slots, %.1fs), %s-witness "
                 "and lib%s-witness.so\n",
                 graph_path.c_str(), p.code.size(), p.constants.size(), p.n_slots, s, (out + "/" + name).c_str(), name.c_str());
    (void)verbose;
    return "";
}

}  // namespace peregrine::witness::detail
