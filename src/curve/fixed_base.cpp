// SPDX-License-Identifier: MIT OR Apache-2.0
#include "curve/fixed_base.hpp"

#include <algorithm>
#include <cstring>

#include "curve/affine_batch.hpp"
#include "util/error.hpp"

namespace peregrine {

namespace {

// Points per block: each window's inversion is shared by the block's lanes.
template <class F>
constexpr std::size_t block_size() {
    return sizeof(F) == 32 ? 2048 : 1024;
}

// Bits [pos, pos + w) of k (w <= 20).
inline std::uint32_t bits(const Limbs& k, unsigned pos, unsigned w) {
    const unsigned li = pos / 64, sh = pos % 64;
    if (li >= 4) return 0;
    std::uint64_t v = k[li] >> sh;
    if (sh + w > 64 && li + 1 < 4) v |= k[li + 1] << (64 - sh);
    return std::uint32_t(v & ((std::uint64_t(1) << w) - 1));
}

}  // namespace

template <class J>
FixedBase<J>::FixedBase(const Aff& base, ThreadPool& pool, unsigned window) : base_(base) {
    using F = typename J::Field;
    if (base.is_infinity()) throw Error("fixed-base table: the base is the point at infinity");
    w_ = window != 0 ? window : (sizeof(F) == 32 ? 16 : 15);
    if (w_ < 2 || w_ > 20) throw Error("fixed-base table: window must be 2..20 bits");
    // Signed digits in [-2^(w-1), 2^(w-1)]: scalars below 2^254 need 254 / w + 1 windows (the last
    // one takes the top bits and the carry).
    nwin_ = 254 / w_ + 1;
    const std::size_t half = std::size_t(1) << (w_ - 1);
    tab_.resize(std::size_t(nwin_) * half);
    std::vector<J> bj(nwin_);
    J b = J::from_affine(base);
    for (unsigned j = 0; j < nwin_; ++j) {
        bj[j] = b;
        for (unsigned r = 0; r < w_; ++r) b = b.dbl();
    }
    pool.run(nwin_, [&](std::size_t j) {
        const Aff step = bj[j].to_affine();
        std::vector<J> row(half);
        J acc = bj[j];
        row[0] = acc;
        for (std::size_t t = 1; t < half; ++t) {
            acc = acc.add(step);
            row[t] = acc;
        }
        const std::vector<Aff> aff = batch_to_affine(row);
        std::copy(aff.begin(), aff.end(), tab_.begin() + std::ptrdiff_t(j * half));
    });
}

template <class J>
void FixedBase<J>::mul_block(const Fr* ks, std::size_t m, Aff* out) const {
    using F = typename J::Field;
    const std::size_t half = std::size_t(1) << (w_ - 1);
    const std::int32_t full = std::int32_t(1) << w_;
    // Digits, window-major.
    std::vector<std::int32_t> dig(std::size_t(nwin_) * m);
    std::vector<Limbs> kc(m);
    for (std::size_t i = 0; i < m; ++i) {
        kc[i] = ks[i].to_canonical();
        std::int32_t carry = 0;
        for (unsigned j = 0; j < nwin_; ++j) {
            std::int32_t v = std::int32_t(bits(kc[i], j * w_, w_)) + carry;
            carry = v > std::int32_t(half) ? 1 : 0;
            if (carry) v -= full;
            dig[j * m + i] = v;
        }
    }
    std::vector<F> ax(m), ay(m), gx(m), gy(m), qx(m), qy(m);
    std::vector<std::uint8_t> started(m, 0), bad(m, 0), special(m);
    std::vector<std::uint32_t> lane(m);
    AffineScratch<F> s;
    for (unsigned j = 0; j < nwin_; ++j) {
        const Aff* T = tab_.data() + j * half;
        const std::int32_t* d = dig.data() + j * m;
        std::size_t cnt = 0;
        for (std::size_t i = 0; i < m; ++i) {
            if (i + 8 < m && d[i + 8] != 0) __builtin_prefetch(T + (std::abs(d[i + 8]) - 1));
            const std::int32_t v = d[i];
            if (v == 0 || bad[i]) continue;
            const Aff& e = T[std::abs(v) - 1];
            const F ey = v < 0 ? -e.y : e.y;
            if (!started[i]) {
                ax[i] = e.x;
                ay[i] = ey;
                started[i] = 1;
                continue;
            }
            lane[cnt] = std::uint32_t(i);
            gx[cnt] = ax[i];
            gy[cnt] = ay[i];
            qx[cnt] = e.x;
            qy[cnt] = ey;
            ++cnt;
        }
        if (cnt == 0) continue;
        affine_add_n(gx.data(), gy.data(), qx.data(), qy.data(), cnt, special.data(), s);
        for (std::size_t q = 0; q < cnt; ++q) {
            const std::uint32_t i = lane[q];
            if (special[q]) {
                bad[i] = 1;  // equal x: a doubling or a sum at infinity, redone below
                continue;
            }
            ax[i] = gx[q];
            ay[i] = gy[q];
        }
    }
    for (std::size_t i = 0; i < m; ++i) {
        if (bad[i]) out[i] = J::from_affine(base_).mul(kc[i]).to_affine();
        else if (!started[i]) out[i] = Aff{F::zero(), F::zero()};
        else out[i] = Aff{ax[i], ay[i]};
    }
}

template <class J>
void FixedBase<J>::mul(const Fr* ks, std::size_t n, std::uint8_t* out, ThreadPool& pool) const {
    using F = typename J::Field;
    if (n == 0) return;
    constexpr std::size_t maxb = block_size<F>(), minb = 256;
    std::size_t nb = (n + maxb - 1) / maxb;
    nb = std::max(nb, std::min<std::size_t>(pool.size(), (n + minb - 1) / minb));
    const std::size_t bs = (n + nb - 1) / nb;
    nb = (n + bs - 1) / bs;
    pool.run(nb, [&](std::size_t b) {
        const std::size_t lo = b * bs, m = std::min(bs, n - lo);
        std::vector<Aff> res(m);
        mul_block(ks + lo, m, res.data());
        std::memcpy(out + sizeof(Aff) * lo, static_cast<const void*>(res.data()), sizeof(Aff) * m);
    });
}

template class FixedBase<G1>;
template class FixedBase<G2>;

}  // namespace peregrine
