// SPDX-License-Identifier: MIT OR Apache-2.0
// Shared by the fuzz targets: readers that only take a path get the input through an in-memory
// file (memfd), opened again by its /proc/self/fd path on every run.
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace peregrine::fuzz {

inline std::string memfd_path(const std::uint8_t* data, std::size_t size) {
    static const int fd = [] {
        const int f = ::memfd_create("peregrine-fuzz", MFD_CLOEXEC);
        if (f < 0) std::abort();
        return f;
    }();
    if (::ftruncate(fd, 0) != 0) std::abort();
    std::size_t done = 0;
    while (done < size) {
        const ssize_t w = ::pwrite(fd, data + done, size - done, (off_t)done);
        if (w <= 0) std::abort();
        done += (std::size_t)w;
    }
    return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace peregrine::fuzz
