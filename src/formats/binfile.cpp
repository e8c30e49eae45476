// SPDX-License-Identifier: MIT OR Apache-2.0
#include "formats/binfile.hpp"

#include <fstream>

namespace peregrine {

void Reader::short_read() const { throw Error(what_ + ": truncated section"); }

std::uint32_t Reader::u32() {
    if (remaining() < 4) short_read();
    std::uint32_t v;
    std::memcpy(&v, b_.data + pos_, 4);
    pos_ += 4;
    return v;
}

std::uint64_t Reader::u64() {
    if (remaining() < 8) short_read();
    std::uint64_t v;
    std::memcpy(&v, b_.data + pos_, 8);
    pos_ += 8;
    return v;
}

Bytes Reader::take(std::size_t n) {
    if (remaining() < n) short_read();
    Bytes r{b_.data + pos_, n};
    pos_ += n;
    return r;
}

Limbs Reader::limbs(std::size_t n8) {
    if (n8 != 32) throw Error(what_ + ": unsupported field size of " + std::to_string(n8) + " bytes");
    return limbs_from_le(take(32).data);
}

BinFile::BinFile(const std::string& path, const char magic[4], std::uint32_t max_version)
    : map_(std::in_place, path), name_(path) {
    parse(map_->data(), map_->size(), magic, max_version);
}

BinFile::BinFile(const void* data, std::size_t size, const std::string& name, const char magic[4],
                 std::uint32_t max_version)
    : name_(name) {
    if (data == nullptr && size != 0) throw Error(name + ": null buffer");
    parse(static_cast<const std::uint8_t*>(data), size, magic, max_version);
}

void BinFile::parse(const std::uint8_t* d, std::size_t n, const char magic[4], std::uint32_t max_version) {
    const std::string& path = name_;
    if (n < 12 || std::memcmp(d, magic, 4) != 0) {
        throw Error(path + ": not a ." + std::string(magic, 4) + " file (bad magic or too short)");
    }
    std::memcpy(&version_, d + 4, 4);
    if (version_ == 0 || version_ > max_version) {
        throw Error(path + ": unsupported ." + std::string(magic, 4) + " version " + std::to_string(version_));
    }
    std::uint32_t count;
    std::memcpy(&count, d + 8, 4);
    std::size_t pos = 12;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (n - pos < 12) throw Error(path + ": truncated (section table ends early)");
        std::uint32_t type;
        std::uint64_t size;
        std::memcpy(&type, d + pos, 4);
        std::memcpy(&size, d + pos + 4, 8);
        pos += 12;
        if (size > n - pos) {
            throw Error(path + ": truncated (section " + std::to_string(type) + " needs " + std::to_string(size) +
                        " bytes, " + std::to_string(n - pos) + " left)");
        }
        sections_[type].push_back(Bytes{d + pos, (std::size_t)size});
        pos += size;
    }
}

Bytes BinFile::section(std::uint32_t id) const {
    auto it = sections_.find(id);
    if (it == sections_.end()) throw Error(path() + ": missing section " + std::to_string(id));
    if (it->second.size() != 1) throw Error(path() + ": section " + std::to_string(id) + " appears more than once");
    return it->second[0];
}

Bytes BinFile::section(std::uint32_t id, std::size_t expected_size, const char* name) const {
    Bytes b = section(id);
    if (b.size != expected_size) {
        throw Error(path() + ": section " + std::to_string(id) + " (" + name + ") has " + std::to_string(b.size) +
                    " bytes, expected " + std::to_string(expected_size));
    }
    return b;
}

Reader BinFile::reader(std::uint32_t id) const {
    return Reader(section(id), path() + ": section " + std::to_string(id));
}

std::string sniff_file_type(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    char m[4] = {0, 0, 0, 0};
    if (!f.read(m, 4)) return "";
    std::string s(m, 4);
    if (s == "zkey" || s == "wtns" || s == "r1cs") return s;
    return "";
}

}  // namespace peregrine
