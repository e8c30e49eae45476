// SPDX-License-Identifier: MIT OR Apache-2.0
#include "cli/commands.hpp"

namespace peregrine::cli {

void add_zkey_commands(CLI::App& app, Commands& cmds) {
    (void)app;
    (void)cmds;
}

}  // namespace peregrine::cli
