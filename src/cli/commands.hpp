// SPDX-License-Identifier: MIT OR Apache-2.0
// Subcommands defined outside main.cpp register here: each add_* function adds its subcommands
// (with their options, kept alive by the lambdas) and what runs each one when it is chosen.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <utility>
#include <vector>

#include "server/server.hpp"

namespace peregrine::cli {

struct Commands {
    std::vector<std::pair<CLI::App*, std::function<int()>>> runs;
    void add(CLI::App* sub, std::function<int()> run) { runs.emplace_back(sub, std::move(run)); }
};

// cli/ptau_cmds.cpp: ptau new | contribute | beacon | prepare | verify | info
void add_ptau_commands(CLI::App& app, Commands& cmds);
// cli/setup_cmds.cpp: setup (snarkjs groth16 setup)
void add_setup_commands(CLI::App& app, Commands& cmds);
// cli/zkey_cmds.cpp: zkey contribute | beacon | verify
void add_zkey_commands(CLI::App& app, Commands& cmds);
// cli/solidity_cmds.cpp: export solidity | calldata (under the existing `export` subcommand)
void add_solidity_commands(CLI::App& export_cmd, Commands& cmds);

// `serve`: the HTTP service and its libraries (cpp-httplib, OpenSSL, hiredis) are linked only into
// peregrine-serve, the same command line with cli/serve_run.cpp; `peregrine` has cli/serve_exec.cpp,
// which runs peregrine-serve (installed beside it) with the same arguments. Loading those
// libraries cost every other command ~5 ms of start-up. argv as given to main.
int run_serve(const server::ServeOptions& opts, int argc, char** argv);

}  // namespace peregrine::cli
