// SPDX-License-Identifier: MIT OR Apache-2.0
// `serve` in peregrine-serve: the HTTP proving service itself (see cli/commands.hpp).
#include "cli/commands.hpp"

namespace peregrine::cli {

int run_serve(const server::ServeOptions& opts, int, char**) { return server::serve(opts); }

}  // namespace peregrine::cli
