// SPDX-License-Identifier: MIT OR Apache-2.0
// `circuit build --engine graph` (build_graph.cpp), called by build.cpp once circom has run.
#pragma once
#include <string>

namespace peregrine::witness::detail {

// Builds <out>/<name>.graph and <out>/<name>-witness from circom's outputs in `gen`
// (<name>.cpp, <name>.dat) and <out>/<name>.sym. Returns "" when done, or why the graph engine
// cannot take this circuit (unsupported construct, with its location). Throws Failure on I/O errors.
std::string build_graph(const std::string& out, const std::string& name, const std::string& gen,
                        const std::string& runtime_dir, bool verbose);

}  // namespace peregrine::witness::detail
