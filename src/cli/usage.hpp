// SPDX-License-Identifier: MIT OR Apache-2.0
// Usage errors of the `peregrine` command line, for every subcommand (main.cpp's and those of the
// *_cmds.cpp files): one line naming the problem, a hint ("did you mean ...?", the expected argument
// order, or where the help is), the subcommand's usage line, exit status 2. CLI11's own exit codes
// and messages never reach the user.
#pragma once
#include <CLI/CLI.hpp>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace peregrine::cli {

// Thrown by a command (before it writes anything) when its arguments cannot be right, e.g. swapped
// files: main prints it as a usage error of the chosen subcommand and exits 2.
struct UsageError : std::runtime_error {
    std::string hint;
    explicit UsageError(const std::string& msg, std::string hint_ = {})
        : std::runtime_error(msg), hint(std::move(hint_)) {}
};

// Call once every subcommand is registered: one help layout for all of them.
void finish_setup(CLI::App& app);

// Parses the command line. Returns -1 when a command is to run; otherwise the exit status, after
// printing the help or version (0) or a usage error (2).
int parse_command_line(CLI::App& app, int argc, char** argv);

// The subcommand chosen on the command line (the deepest one parsed), or app itself.
CLI::App& chosen_command(CLI::App& app);

// Prints a usage error of `cmd`: "peregrine: error: <cmd path>: <msg>", the hint, the usage line.
// Returns 2.
int report_usage_error(const CLI::App& cmd, const std::string& msg, const std::string& hint);

// "peregrine export vk"
std::string command_path(const CLI::App& cmd);
// "usage: peregrine prove [options] <circuit.zkey> <witness.wtns> <proof.json> <public.json>"
std::string usage_line(const CLI::App& cmd);

// Levenshtein distance (insertions, deletions, substitutions).
std::size_t edit_distance(std::string_view a, std::string_view b);

// What a file holds, from its first bytes: "missing", "directory", "zkey", "wtns", "r1cs", "ptau",
// "elf", "proof" (snarkjs proof JSON), "vk" (verification key JSON), "json-array", "json", or "".
std::string sniff_argument(const std::string& path);

}  // namespace peregrine::cli
