// SPDX-License-Identifier: MIT OR Apache-2.0
// snarkjs witness files (.wtns, versions 1 and 2): section 1 header (n8, prime, count),
// section 2 the values, little-endian canonical integers.
#pragma once
#include <string>
#include <vector>

#include "formats/binfile.hpp"

namespace peregrine {

class Wtns {
public:
    explicit Wtns(const std::string& path);
    // From a .wtns image in memory, read in place: data must outlive this object.
    Wtns(const void* data, std::size_t size, const std::string& name = "witness buffer");

    const std::string& path() const { return file_.path(); }
    const Limbs& prime() const { return prime_; }
    std::uint32_t size() const { return n_; }
    // All values as canonical integers; Error if any is not below the prime.
    std::vector<Limbs> values() const;

private:
    void load();

    BinFile file_;
    Limbs prime_{};
    std::uint32_t n_ = 0;
    const std::uint8_t* data_ = nullptr;
};

}  // namespace peregrine
