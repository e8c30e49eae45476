// SPDX-License-Identifier: MIT OR Apache-2.0
// BLAKE2b (RFC 7693), unkeyed, with a chosen digest length: the hash snarkjs uses for its
// ceremony transcripts (64-byte digests). The state is plain data so that a hash over a file's
// prefix can be saved and resumed, as the ptau contribution records do.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace peregrine {

class Blake2b {
public:
    explicit Blake2b(std::size_t out_len = 64);
    void update(const void* data, std::size_t len);
    void update(const std::string& s) { update(s.data(), s.size()); }
    // The digest (out_len bytes in out). The object must not be updated afterwards.
    void final(std::uint8_t* out);
    std::array<std::uint8_t, 64> digest64();  // for out_len == 64

    // The raw state: chain value, byte counter, buffered bytes.
    std::uint64_t h[8];
    std::uint64_t t[2];
    std::uint8_t buf[128];
    std::size_t buf_len = 0;
    std::size_t out_len;

private:
    void compress(bool last);
};

}  // namespace peregrine
