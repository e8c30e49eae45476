// SPDX-License-Identifier: MIT OR Apache-2.0
// `circuit build` as a standalone command for the tests (the peregrine CLI wires the same
// function as `peregrine circuit build`).
#include "witness/build.hpp"

int main(int argc, char** argv) { return peregrine::witness::circuit_build(argc, argv); }
