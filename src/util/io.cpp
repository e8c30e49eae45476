// SPDX-License-Identifier: MIT OR Apache-2.0
#include "util/io.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "util/error.hpp"

namespace peregrine {

MappedFile::MappedFile(const std::string& path) : path_(path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
        int e = errno;
        ::close(fd);
        throw Error(path + ": cannot stat: " + std::strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(path + ": not a regular file");
    }
    size_ = (std::size_t)st.st_size;
    if (size_ > 0) {
        // Pages are mapped as they are first read (the kernel maps their neighbours with them),
        // not all at once with MAP_POPULATE: the prover reads a key's sections one MSM at a time
        // and drops each one's pages after it (prover.cpp), so populating the whole key at open
        // was single-threaded work before the proof, mostly undone at once, and it raised the
        // peak RSS (SHA-256 2^16: 0.974x wall, 45 -> 35 MiB; 2^18: 0.96x, 155 -> 117 MiB).
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int e = errno;
            ::close(fd);
            throw Error(path + ": cannot map: " + std::strerror(e));
        }
        data_ = static_cast<const std::uint8_t*>(p);
    }
    ::close(fd);
}

MappedFile::~MappedFile() {
    if (data_) ::munmap(const_cast<std::uint8_t*>(data_), size_);
}

MappedFile::MappedFile(MappedFile&& o) noexcept : path_(std::move(o.path_)), data_(o.data_), size_(o.size_) {
    o.data_ = nullptr;
    o.size_ = 0;
}

void set_new_file_mode(int fd) {
    unsigned mask = 022;
    if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, f)) {
            if (std::sscanf(line, "Umask: %o", &mask) == 1) break;
        }
        std::fclose(f);
    }
    ::fchmod(fd, 0666 & ~mask);
}

namespace {

std::string write_temp(const std::string& path, std::string_view content) {
    std::string tmpl = path + ".tmp.XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    int fd = ::mkstemp(buf.data());
    if (fd < 0) throw Error(path + ": cannot write: " + std::strerror(errno));
    set_new_file_mode(fd);
    std::string tmp(buf.data());
    const char* p = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        ssize_t w = ::write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw Error(path + ": cannot write: " + std::strerror(e));
        }
        p += w;
        left -= (std::size_t)w;
    }
    ::fchmod(fd, 0644);
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw Error(path + ": cannot write: " + std::strerror(e));
    }
    return tmp;
}

}  // namespace

namespace {

int g_fail_rename_at = -1;

const char* kind_of(mode_t m) {
    if (S_ISLNK(m)) return "a symlink";
    if (S_ISDIR(m)) return "a directory";
    if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISSOCK(m)) return "a socket";
    return "not a regular file";
}

// One target being put into place: `had_old` when an existing file was exchanged with the
// temporary (which then holds the old contents, to restore or delete).
struct Placed {
    std::size_t index;
    bool had_old;
};

bool exists_no_follow(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

void detail::fail_rename_for_test(int index) { g_fail_rename_at = index; }

void check_output_target(const std::string& path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return;
        throw Error(path + ": cannot write: " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) throw Error(path + ": exists and is " + std::string(kind_of(st.st_mode)) + "; not replaced");
}

void fsync_parent_dir(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

namespace {

using Outputs = std::vector<std::pair<std::string, std::string_view>>;

void write_outputs(const Outputs& files) {
    const int fail_at = g_fail_rename_at;
    g_fail_rename_at = -1;
    for (std::size_t i = 0; i < files.size(); ++i) {
        check_output_target(files[i].first);
        for (std::size_t j = 0; j < i; ++j) {
            if (files[j].first == files[i].first) throw Error(files[i].first + ": named for two outputs");
        }
    }
    std::vector<std::string> temps;
    try {
        for (const auto& [path, content] : files) temps.push_back(write_temp(path, content));
    } catch (...) {
        for (const auto& t : temps) ::unlink(t.c_str());
        throw;
    }
    // Into place one by one; on a failure, undo the ones already placed (in reverse order).
    std::vector<Placed> placed;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const std::string& path = files[i].first;
        const std::string& tmp = temps[i];
        int rc = 0, err = 0;
        bool had_old = false;
        if ((int)i == fail_at) {
            rc = -1;
            err = EIO;
        } else {
            check_output_target(path);  // again: it may have changed while the temporaries were written
            had_old = exists_no_follow(path);
            if (had_old) {
                rc = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE);
                // File systems without the exchange: a plain rename (this file then cannot be restored).
                if (rc != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)) {
                    rc = ::rename(tmp.c_str(), path.c_str());
                    had_old = false;
                }
            } else {
                rc = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
                if (rc != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)) rc = ::rename(tmp.c_str(), path.c_str());
            }
            err = errno;
        }
        if (rc != 0) {
            for (auto it = placed.rbegin(); it != placed.rend(); ++it) {
                const std::string& p = files[it->index].first;
                const std::string& t = temps[it->index];
                if (it->had_old) {
                    (void)::renameat2(AT_FDCWD, t.c_str(), AT_FDCWD, p.c_str(), RENAME_EXCHANGE);
                    ::unlink(t.c_str());
                } else {
                    ::unlink(p.c_str());
                }
            }
            for (std::size_t j = i; j < temps.size(); ++j) ::unlink(temps[j].c_str());
            std::string msg = path + ": cannot write: " + std::strerror(err);
            if (!placed.empty()) msg += " (no output written)";
            throw Error(msg);
        }
        placed.push_back({i, had_old});
    }
    for (const Placed& p : placed) {
        if (p.had_old) ::unlink(temps[p.index].c_str());  // the old contents
    }
    for (const auto& f : files) fsync_parent_dir(f.first);
}

}  // namespace

void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files) {
    Outputs views;
    views.reserve(files.size());
    for (const auto& [path, content] : files) views.emplace_back(path, content);
    write_outputs(views);
}

void write_file_atomically(const std::string& path, std::string_view content) { write_outputs({{path, content}}); }

std::string read_text_file(const std::string& path, std::size_t max_bytes) {
    MappedFile f(path);
    if (f.size() > max_bytes) throw Error(path + ": file too large (" + std::to_string(f.size()) + " bytes)");
    return std::string(reinterpret_cast<const char*>(f.data()), f.size());
}

}  // namespace peregrine
