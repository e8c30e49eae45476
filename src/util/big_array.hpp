// SPDX-License-Identifier: MIT OR Apache-2.0
// Large scratch arrays (MSM digits and endomorphism images: megabytes per MSM), left
// uninitialised and, on Linux, backed by transparent huge pages when the kernel allows it:
// zero-filling and first-touch page faults of such buffers cost several percent of a proof.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace peregrine {

struct FreeDeleter {
    void operator()(void* p) const { std::free(p); }
};

template <class T>
using BigArray = std::unique_ptr<T[], FreeDeleter>;

// n uninitialised elements of an implicit-lifetime, trivially copyable T.
template <class T>
BigArray<T> alloc_big_array(std::size_t n) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    constexpr std::size_t kHuge = std::size_t(2) << 20;
    const std::size_t bytes = std::max<std::size_t>(n * sizeof(T), 1);
    void* p;
    if (bytes >= kHuge) {
        p = std::aligned_alloc(kHuge, (bytes + kHuge - 1) / kHuge * kHuge);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        if (p) ::madvise(p, (bytes + kHuge - 1) / kHuge * kHuge, MADV_HUGEPAGE);  // a hint; failure is harmless
#endif
    } else {
        p = std::malloc(bytes);
    }
    if (!p) throw std::bad_alloc();
    return BigArray<T>(static_cast<T*>(p));
}

}  // namespace peregrine
