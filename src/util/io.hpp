// SPDX-License-Identifier: MIT OR Apache-2.0
// Files: read-only memory maps and atomic writes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
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

// Writes several files as one unit: either every file has its complete new contents or none is
// changed (a proof and its public signals are never left half-written). Each file is written and
// fsynced to a temporary beside it; then the temporaries are renamed into place (an existing
// target is exchanged with its temporary, so that a later failure can put every earlier file
// back), and the directories are fsynced. A target that exists and is not a regular file (a
// symlink, directory, device or FIFO) is refused before anything is written: it is never replaced.
// Throws Error naming the path on failure (and removes the temporaries).
void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files);
// The same for one file, without copying its contents (a witness of 2^20 values is 32 MiB).
void write_file_atomically(const std::string& path, std::string_view content);

// Throws Error ("<path>: exists and is a symlink|directory|device|FIFO|socket; not replaced") unless
// path does not exist or is a regular file. Every writer of an output file calls it first.
void check_output_target(const std::string& path);

// Flushes a directory entry change (a rename into dir) to disk; errors are ignored (some file
// systems refuse fsync on directories).
void fsync_parent_dir(const std::string& path);

namespace detail {
// Tests only: make the rename of file `index` (0-based) in the next write_files_atomically call fail
// as if the file system refused it (-1: off). Not thread-safe.
void fail_rename_for_test(int index);
}  // namespace detail

// Gives a file made by mkstemp (mode 0600) the mode an ordinary new file would get: 0666 minus the
// process's umask (read from /proc without changing it; 022 when unknown).
void set_new_file_mode(int fd);

std::string read_text_file(const std::string& path, std::size_t max_bytes = 64u << 20);

}  // namespace peregrine
