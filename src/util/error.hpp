// SPDX-License-Identifier: MIT OR Apache-2.0
#pragma once
#include <stdexcept>
#include <string>

namespace peregrine {

// Every failure the library reports to a user: one line, naming the file or input and the problem.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The witness does not satisfy the circuit (the prover's self-check failed).
class UnsatisfiedWitness : public Error {
public:
    using Error::Error;
};

// The witness has a different number of values than the circuit has signals.
class WitnessLengthMismatch : public Error {
public:
    using Error::Error;
};

// The caller asked for the work to stop (ProveOptions::cancel, ThreadPool::CancelScope).
class Cancelled : public Error {
public:
    using Error::Error;
};

}  // namespace peregrine
