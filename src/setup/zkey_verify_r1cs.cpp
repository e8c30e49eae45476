// SPDX-License-Identifier: MIT OR Apache-2.0
// zkey verify from r1cs (snarkjs `zkey verify`): the initial key is re-derived in memory from the
// circuit and the powers of tau (setup/zkey_new.hpp), then the key is checked against it.
#include "setup/zkey_new.hpp"
#include "setup/zkey_verify.hpp"

namespace peregrine::setup {

ZkeyVerifyResult zkey_verify(const std::string& r1cs, const std::string& ptau, const std::string& zkey,
                             ThreadPool& pool, bool progress) {
    ZkeyNewOptions opt;
    opt.progress = progress;
    const std::vector<std::uint8_t> init = zkey_new_image(r1cs, ptau, pool, nullptr, opt);
    return zkey_verify_from_init(init.data(), init.size(), "initial key of " + r1cs, zkey, pool, progress);
}

}  // namespace peregrine::setup
