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
        int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
        flags |= MAP_POPULATE;  // map every page now: thousands of separate page faults are slower
#endif
        void* p = ::mmap(nullptr, size_, PROT_READ, flags, fd, 0);
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

std::string write_temp(const std::string& path, const std::string& content) {
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

void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files) {
    std::vector<std::string> temps;
    try {
        for (const auto& [path, content] : files) temps.push_back(write_temp(path, content));
    } catch (...) {
        for (const auto& t : temps) ::unlink(t.c_str());
        throw;
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (::rename(temps[i].c_str(), files[i].first.c_str()) != 0) {
            int e = errno;
            for (std::size_t j = i; j < temps.size(); ++j) ::unlink(temps[j].c_str());
            throw Error(files[i].first + ": cannot write: " + std::strerror(e));
        }
    }
}

std::string read_text_file(const std::string& path, std::size_t max_bytes) {
    MappedFile f(path);
    if (f.size() > max_bytes) throw Error(path + ": file too large (" + std::to_string(f.size()) + " bytes)");
    return std::string(reinterpret_cast<const char*>(f.data()), f.size());
}

}  // namespace peregrine
