// SPDX-License-Identifier: MIT OR Apache-2.0
// zkey verify from r1cs: the initial key is re-derived from the circuit and the powers of tau.
#include "setup/zkey_verify.hpp"
#include "util/error.hpp"

namespace peregrine::setup {

ZkeyVerifyResult zkey_verify(const std::string& r1cs, const std::string& ptau, const std::string& zkey,
                             ThreadPool& pool, bool progress) {
    (void)r1cs, (void)ptau, (void)zkey, (void)pool, (void)progress;
    throw Error("zkey verify: re-deriving the initial key is not available yet");
}

}  // namespace peregrine::setup
