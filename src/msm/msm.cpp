#include "msm/msm.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace peregrine {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "point sections are read in place: little-endian hosts only");
static_assert(sizeof(G1Affine) == 64 && sizeof(G2Affine) == 128, "affine points must match the file layout");

namespace {

constexpr unsigned kScalarBits = 254;
constexpr unsigned kMaxWindow = 15;  // signed digits must fit in int16_t

unsigned windows_for(unsigned c) { return (kScalarBits + c) / c; }  // room for the final carry

// Signed base-2^c digits of k, each in [-2^(c-1), 2^(c-1)].
void recode(const Limbs& k, unsigned c, unsigned nwin, std::int16_t* out) {
    const std::int32_t half = 1 << (c - 1), full = 1 << c;
    std::int32_t carry = 0;
    for (unsigned w = 0; w < nwin; ++w) {
        const unsigned lo = w * c;
        std::uint32_t raw = 0;
        if (lo < 256) {
            const unsigned limb = lo / 64, off = lo % 64;
            unsigned __int128 two = k[limb];
            if (limb + 1 < 4) two |= (unsigned __int128)k[limb + 1] << 64;
            raw = (std::uint32_t)((two >> off) & (unsigned)(full - 1));
        }
        std::int32_t d = (std::int32_t)raw + carry;
        if (d > half) {
            d -= full;
            carry = 1;
        } else {
            carry = 0;
        }
        out[w] = (std::int16_t)d;
    }
}

template <class J>
typename J::Aff load(const std::uint8_t* p) {
    typename J::Aff a;
    std::memcpy(static_cast<void*>(&a), p, sizeof a);
    return a;
}

template <class J>
J msm(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, ThreadPool& pool) {
    using Aff = typename J::Aff;
    if (n == 0) return J::infinity();
    const unsigned c = msm_window_bits(n);
    const unsigned nwin = windows_for(c);
    const std::size_t nbuckets = std::size_t(1) << (c - 1);

    std::vector<std::int16_t> digits(n * nwin);
    pool.parallel_for(n, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) recode(scalars[i], c, nwin, &digits[i * nwin]);
    });

    // Split the points into chunks only when there are fewer windows than work slots.
    const std::size_t slots = 2 * std::size_t(pool.size());
    std::size_t chunks = std::max<std::size_t>(1, (slots + nwin - 1) / nwin);
    chunks = std::min<std::size_t>(chunks, std::max<std::size_t>(1, n / 1024));
    const std::size_t step = (n + chunks - 1) / chunks;
    std::vector<J> partial(nwin * chunks, J::infinity());

    pool.run(nwin * chunks, [&](std::size_t task) {
        const unsigned w = (unsigned)(task % nwin);
        const std::size_t ch = task / nwin;
        const std::size_t b = ch * step, e = std::min(n, b + step);
        std::vector<J> buckets(nbuckets, J::infinity());
        for (std::size_t i = b; i < e; ++i) {
            const std::int32_t d = digits[i * nwin + w];
            if (d == 0) continue;
            Aff p = load<J>(bases + i * sizeof(Aff));
            if (d > 0) {
                buckets[d - 1] = buckets[d - 1].add(p);
            } else {
                buckets[-d - 1] = buckets[-d - 1].add(p.neg());
            }
        }
        J running = J::infinity(), sum = J::infinity();
        for (std::size_t k = nbuckets; k-- > 0;) {
            running = running.add(buckets[k]);
            sum = sum.add(running);
        }
        partial[task] = sum;
    });

    J acc = J::infinity();
    for (unsigned w = nwin; w-- > 0;) {
        for (unsigned s = 0; s < c; ++s) acc = acc.dbl();
        for (std::size_t ch = 0; ch < chunks; ++ch) acc = acc.add(partial[ch * nwin + w]);
    }
    return acc;
}

}  // namespace

unsigned msm_window_bits(std::size_t n) {
    // Cost model in field multiplications: each point costs one mixed addition (~11) per window,
    // each window's bucket reduction two full additions (~16) per bucket.
    unsigned best = 2;
    double best_cost = 1e300;
    for (unsigned c = 2; c <= kMaxWindow; ++c) {
        double cost = windows_for(c) * (11.0 * (double)n + 16.0 * (double)(1u << c));
        if (cost < best_cost) {
            best_cost = cost;
            best = c;
        }
    }
    return best;
}

G1 msm_g1(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, ThreadPool& pool) {
    return msm<G1>(bases, scalars, n, pool);
}

G2 msm_g2(const std::uint8_t* bases, const Limbs* scalars, std::size_t n, ThreadPool& pool) {
    return msm<G2>(bases, scalars, n, pool);
}

}  // namespace peregrine
