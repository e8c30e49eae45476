// SPDX-License-Identifier: MIT OR Apache-2.0
// Files: read-only memory maps and atomic writes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace peregrine {

class MappedFile {
public:
    // Maps the whole file read-only; throws Error naming the path if it cannot.
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(MappedFile&& o) noexcept;
    MappedFile& operator=(MappedFile&&) = delete;
    MappedFile(const MappedFile&) = delete;

    const std::uint8_t* data() const { return data_; }
    std::size_t size() const { return size_; }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

// Writes several files so that each either has its complete new contents or is untouched:
// every file is first written and flushed to a temporary beside it, then all are renamed.
// Throws Error naming the path on failure (and removes the temporaries).
void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files);

// Gives a file made by mkstemp (mode 0600) the mode an ordinary new file would get: 0666 minus the
// process's umask (read from /proc without changing it; 022 when unknown).
void set_new_file_mode(int fd);

std::string read_text_file(const std::string& path, std::size_t max_bytes = 64u << 20);

}  // namespace peregrine
