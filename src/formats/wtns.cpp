// SPDX-License-Identifier: MIT OR Apache-2.0
#include "formats/wtns.hpp"


namespace peregrine {

Wtns::Wtns(const std::string& path) : file_(path, "wtns", 2) { load(); }

Wtns::Wtns(const void* data, std::size_t size, const std::string& name) : file_(data, size, name, "wtns", 2) { load(); }

void Wtns::load() {
    const std::string& path = file_.path();
    Reader h = file_.reader(1);
    const std::uint32_t n8 = h.u32();
    if (n8 != 32) {
        throw Error(path + ": witness is for another field (" + std::to_string(n8) + "-byte elements; only bn128 is supported)");
    }
    prime_ = h.limbs(n8);
    n_ = h.u32();
    data_ = file_.section(2, (std::size_t)n_ * 32, "witness values").data;
}

std::vector<Limbs> Wtns::values() const {
    std::vector<Limbs> out(n_);
    for (std::size_t i = 0; i < n_; ++i) {
        out[i] = limbs_from_le(data_ + 32 * i);
        if (cmp(out[i], prime_) >= 0) {
            throw Error(path() + ": witness value " + std::to_string(i) + " is not below the field prime");
        }
    }
    return out;
}

}  // namespace peregrine
