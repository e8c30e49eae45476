// SPDX-License-Identifier: MIT OR Apache-2.0
#include "formats/binwriter.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "util/error.hpp"
#include "util/io.hpp"

namespace peregrine {

BinWriter::BinWriter(const std::string& path, const char magic[4], std::uint32_t version, std::uint32_t n_sections)
    : path_(path), n_sections_(n_sections) {
    check_output_target(path);  // a symlink, directory, device or FIFO is never replaced
    std::string tmpl = path + ".tmp.XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    const int fd = ::mkstemp(buf.data());
    if (fd < 0) throw Error(path + ": cannot create a temporary file beside it: " + std::strerror(errno));
    tmp_ = buf.data();
    set_new_file_mode(fd);
    f_ = ::fdopen(fd, "wb");
    if (!f_) {
        ::close(fd);
        ::unlink(tmp_.c_str());
        throw Error(path + ": cannot open for writing: " + std::strerror(errno));
    }
    std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
    write(magic, 4);
    u32(version);
    u32(n_sections);
}

BinWriter::~BinWriter() {
    if (f_) std::fclose(f_);
    if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

void BinWriter::fail(const char* what) { throw Error(path_ + ": " + what + ": " + std::strerror(errno)); }

void BinWriter::write(const void* data, std::size_t n) {
    if (n && std::fwrite(data, 1, n, f_) != n) fail("write failed");
}

void BinWriter::u32(std::uint32_t v) {
    std::uint8_t b[4];
    for (int i = 0; i < 4; ++i) b[i] = std::uint8_t(v >> (8 * i));
    write(b, 4);
}

void BinWriter::u64(std::uint64_t v) {
    std::uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = std::uint8_t(v >> (8 * i));
    write(b, 8);
}

void BinWriter::begin_section(std::uint32_t id) {
    if (section_start_ >= 0) throw Error(path_ + ": internal error: section not ended");
    if (written_ == n_sections_) throw Error(path_ + ": internal error: too many sections");
    u32(id);
    section_start_ = std::ftell(f_);
    u64(0);
}

std::uint64_t BinWriter::section_size() const {
    return section_start_ < 0 ? 0 : std::uint64_t(std::ftell(f_) - section_start_ - 8);
}

void BinWriter::end_section() {
    if (section_start_ < 0) throw Error(path_ + ": internal error: no section to end");
    const long long end = std::ftell(f_);
    if (std::fseek(f_, section_start_, SEEK_SET) != 0) fail("seek failed");
    u64(std::uint64_t(end - section_start_ - 8));
    if (std::fseek(f_, end, SEEK_SET) != 0) fail("seek failed");
    section_start_ = -1;
    ++written_;
}

void BinWriter::commit() {
    if (section_start_ >= 0 || written_ != n_sections_) throw Error(path_ + ": internal error: sections missing");
    if (std::fflush(f_) != 0) fail("write failed");
    if (::fsync(::fileno(f_)) != 0) fail("fsync failed");
    if (std::fclose(f_) != 0) {
        f_ = nullptr;
        fail("close failed");
    }
    f_ = nullptr;
    check_output_target(path_);
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) fail("cannot rename the temporary file into place");
    committed_ = true;
    fsync_parent_dir(path_);
}

}  // namespace peregrine
