// SPDX-License-Identifier: MIT OR Apache-2.0
// The iden3 binary container used by .zkey, .wtns, .r1cs and .ptau files:
// 4-byte magic, u32 version, u32 section count, then (u32 type, u64 size, bytes) per section.
// Sections are found through the table, never by position.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "field/bigint.hpp"
#include "util/error.hpp"
#include "util/io.hpp"

namespace peregrine {

struct Bytes {
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
};

// Bounds-checked little-endian reads from a section; errors name the file.
class Reader {
public:
    Reader(Bytes b, std::string what) : b_(b), what_(std::move(what)) {}
    std::uint32_t u32();
    std::uint64_t u64();
    Bytes take(std::size_t n);
    Limbs limbs(std::size_t n8);  // an n8-byte integer; n8 must be 32
    std::size_t remaining() const { return b_.size - pos_; }

private:
    [[noreturn]] void short_read() const;
    Bytes b_;
    std::size_t pos_ = 0;
    std::string what_;
};

class BinFile {
public:
    // Opens and maps path; checks the magic and that every section lies inside the file.
    BinFile(const std::string& path, const char magic[4], std::uint32_t max_version);
    // Reads a file image in memory without copying it: data must outlive this object.
    // `name` stands for the path in messages.
    BinFile(const void* data, std::size_t size, const std::string& name, const char magic[4],
            std::uint32_t max_version);

    const std::string& path() const { return name_; }
    std::uint32_t version() const { return version_; }
    bool has(std::uint32_t id) const { return sections_.count(id) != 0; }
    // The single section of this type; Error if missing or repeated.
    Bytes section(std::uint32_t id) const;
    // Same, and checks its exact size.
    Bytes section(std::uint32_t id, std::size_t expected_size, const char* name) const;
    Reader reader(std::uint32_t id) const;

private:
    void parse(const std::uint8_t* d, std::size_t n, const char magic[4], std::uint32_t max_version);

    std::optional<MappedFile> map_;
    std::string name_;
    std::uint32_t version_ = 0;
    std::map<std::uint32_t, std::vector<Bytes>> sections_;
};

// "zkey", "wtns", "r1cs" or "" for a file that is none of them (reads only the magic).
std::string sniff_file_type(const std::string& path);

}  // namespace peregrine
