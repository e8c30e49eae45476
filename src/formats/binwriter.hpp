// SPDX-License-Identifier: MIT OR Apache-2.0
// Writes an iden3 binary container (.ptau, .zkey, ...) as a stream: header, then sections one
// after another, each section's size patched in when it ends, so that files of gigabytes are
// never held in memory. The file is written to a temporary beside the target and renamed over it
// by commit(); if the writer is destroyed without commit() (an error), the temporary is removed
// and the target is untouched.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace peregrine {

class BinWriter {
public:
    BinWriter(const std::string& path, const char magic[4], std::uint32_t version, std::uint32_t n_sections);
    ~BinWriter();
    BinWriter(const BinWriter&) = delete;
    BinWriter& operator=(const BinWriter&) = delete;

    void begin_section(std::uint32_t id);
    void write(const void* data, std::size_t n);
    void u32(std::uint32_t v);
    void u64(std::uint64_t v);
    void end_section();
    // Bytes written to the current section so far.
    std::uint64_t section_size() const;

    // Checks that n_sections sections were written, flushes, fsyncs and renames into place.
    void commit();
    const std::string& path() const { return path_; }

private:
    [[noreturn]] void fail(const char* what);
    std::string path_, tmp_;
    std::FILE* f_ = nullptr;
    std::uint32_t n_sections_, written_ = 0;
    long long section_start_ = -1;  // offset of the current section's size field
    bool committed_ = false;
};

}  // namespace peregrine
