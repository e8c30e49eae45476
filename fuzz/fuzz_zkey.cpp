// SPDX-License-Identifier: MIT OR Apache-2.0
// The .zkey reader: the container, header and verification-key checks made at every load, then
// (for small keys: the pairings and G2 subgroup checks cost milliseconds, which would leave the
// fuzzer at ~100 runs/s on the larger seeds) the full validation of `peregrine zkey check`. Any input must give a key or
// an Error, never a crash, a leak or a runaway allocation.
#include <cstddef>
#include <cstdint>

#include "formats/zkey.hpp"
#include "util/error.hpp"
#include "util/thread_pool.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static peregrine::ThreadPool pool(1);
    try {
        peregrine::Zkey z(data, size, "fuzz.zkey");
        (void)z.ic(z.n_public());
        if (z.domain_size() <= 16 && z.n_vars() <= 16) (void)peregrine::check_zkey(z, pool);
    } catch (const peregrine::Error&) {
    }
    return 0;
}
