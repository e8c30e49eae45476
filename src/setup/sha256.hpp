// SPDX-License-Identifier: MIT OR Apache-2.0
// SHA-256 (FIPS 180-4), for the beacon of the ceremonies (snarkjs iterates it 2^n times).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

namespace peregrine::setup {

class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t len);
    std::array<std::uint8_t, 32> digest();  // the object must not be updated afterwards

    static std::array<std::uint8_t, 32> hash(const void* data, std::size_t len);

private:
    void block(const std::uint8_t* p);
    std::uint32_t h_[8];
    std::uint8_t buf_[64];
    std::size_t buf_len_ = 0;
    std::uint64_t total_ = 0;
};

}  // namespace peregrine::setup
