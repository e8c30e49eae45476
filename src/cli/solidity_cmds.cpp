// SPDX-License-Identifier: MIT OR Apache-2.0
#include "cli/commands.hpp"

namespace peregrine::cli {

void add_solidity_commands(CLI::App& export_cmd, Commands& cmds) {
    (void)export_cmd;
    (void)cmds;
}

}  // namespace peregrine::cli
