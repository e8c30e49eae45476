// SPDX-License-Identifier: MIT OR Apache-2.0
#include "curve/affine_lanes.hpp"

#if defined(__x86_64__)
#include "field/ifma_lanes.hpp"

namespace peregrine::affine_lanes {

namespace {

using namespace kernels::ifma;
constexpr std::size_t kB = LaneArray::kBlock;

// Where the coordinates live: lane arrays (Packed) or Fq arrays of n elements.
template <bool Packed>
struct Layout {
    std::size_t n;  // elements (Fq arrays only)
    PEREGRINE_IFMA V5 load(const void* base, std::size_t k) const {
        if constexpr (Packed) {
            return ld5(static_cast<const u64*>(base) + k * kB);
        } else {
            __m512i x[4];
            load_block(static_cast<const u64(*)[4]>(base) + 8 * k, n - 8 * k < 8 ? n - 8 * k : 8, x);
            return split(x);
        }
    }
    PEREGRINE_IFMA void store(void* base, std::size_t k, const V5& v) const {
        if constexpr (Packed) {
            st5(static_cast<u64*>(base) + k * kB, v);
        } else {
            __m512i x[4];
            join(v, x);
            store_block(static_cast<u64(*)[4]>(base) + 8 * k, n - 8 * k < 8 ? n - 8 * k : 8, x);
        }
    }
};

struct Scratch {
    u64 *num, *den, *pre;
    Scratch(u64* s, std::size_t nb) : num(s), den(s + nb * kB), pre(s + 2 * nb * kB) {}
};

PEREGRINE_IFMA inline V5 one_lanes() {
    __m512i o[4];
    for (int j = 0; j < 4; ++j) o[j] = _mm512_set1_epi64((long long)Fq::one().v[j]);
    return split(o);
}

// Forward pass. Doubling (BX null): num = 3x^2, den = 2y; addition: num = by - y, den = bx - x.
// pre[k] = the product of the earlier denominators of block k's chain; acc[8c + e] = the product
// of the non-zero denominators of lane e of chain c.
template <bool Packed>
PEREGRINE_IFMA void forward(const Layout<Packed>& L, const void* X, const void* Y, const void* BX, const void* BY,
                            std::size_t nb, const Scratch& s, Fq acc[16]) {
    const Modulus md = modulus(Fq::MOD.data(), Fq::INV);
    const V5& p = md.p;
    V5 ch[2] = {one_lanes(), one_lanes()};
    for (std::size_t k = 0; k < nb; ++k) {
        const V5 x = L.load(X, k), y = L.load(Y, k);
        V5 n, d;
        if (BX) {
            d = sub5(L.load(BX, k), x, p);
            n = sub5(L.load(BY, k), y, p);
        } else {
            const V5 xx = mont(x, times16(x), md);
            n = add5(add5(xx, xx, p), xx, p);
            d = add5(y, y, p);
        }
        V5& c = ch[k & 1];
        st5(s.num + k * kB, n);
        st5(s.den + k * kB, d);
        st5(s.pre + k * kB, c);
        const V5 prod = mont(c, times16(d), md);
        const __mmask8 nz = ~zero5(d);
        for (int j = 0; j < 5; ++j) c.l[j] = _mm512_mask_blend_epi64(nz, c.l[j], prod.l[j]);
    }
    for (int c = 0; c < 2; ++c) {
        __m512i v[4];
        join(ch[c], v);
        store8(reinterpret_cast<u64(*)[4]>(acc + 8 * c), v);
    }
}

// Backward pass, given inv[i] = 1/acc[i]: l = num/den, x3 = l^2 - x - bx (bx = x for a
// doubling), y3 = l (x - x3) - y, written over (X, Y); zmask[k] gets the zero denominators.
template <bool Packed>
PEREGRINE_IFMA void backward(const Layout<Packed>& L, void* X, void* Y, const void* BX, std::size_t nb, const Scratch& s,
                             const Fq inv[16], std::uint8_t* zmask) {
    const Modulus md = modulus(Fq::MOD.data(), Fq::INV);
    const V5& p = md.p;
    V5 ch[2];
    for (int c = 0; c < 2; ++c) {
        __m512i v[4];
        load8(reinterpret_cast<const u64(*)[4]>(inv + 8 * c), v);
        ch[c] = split(v);
    }
    for (std::size_t k = nb; k-- > 0;) {
        V5& c = ch[k & 1];
        const V5 d = ld5(s.den + k * kB);
        const __mmask8 z = zero5(d);
        V5 dinv = mont(c, times16(ld5(s.pre + k * kB)), md);
        for (int j = 0; j < 5; ++j) dinv.l[j] = _mm512_maskz_mov_epi64(~z, dinv.l[j]);  // 1/0 = 0, as batch_inverse
        const V5 next = mont(c, times16(d), md);
        for (int j = 0; j < 5; ++j) c.l[j] = _mm512_mask_blend_epi64(z, next.l[j], c.l[j]);
        if (zmask) zmask[k] |= z;
        const V5 l = mont(ld5(s.num + k * kB), times16(dinv), md), l16 = times16(l);
        const V5 x = L.load(X, k);
        const V5 bx = BX ? L.load(BX, k) : x;
        const V5 x3 = sub5(sub5(mont(l, l16, md), x, p), bx, p);
        const V5 y3 = sub5(mont(sub5(x, x3, p), l16, md), L.load(Y, k), p);
        L.store(X, k, x3);
        L.store(Y, k, y3);
    }
}

template <bool Packed>
void step(const Layout<Packed>& L, void* X, void* Y, const void* BX, const void* BY, std::size_t nb, u64* scratch,
          std::uint8_t* zmask) {
    if (nb == 0) return;
    const Scratch s(scratch, nb);
    Fq acc[16];
    forward(L, X, Y, BX, BY, nb, s, acc);
    batch_inverse(acc, 16);  // never zero: the chains skip zero denominators
    backward(L, X, Y, BX, nb, s, acc, zmask);
}

}  // namespace

void dbl(u64* X, u64* Y, std::size_t nb, u64* scratch) {
    step(Layout<true>{0}, X, Y, nullptr, nullptr, nb, scratch, nullptr);
}

void add(u64* X, u64* Y, const u64* BX, const u64* BY, std::size_t nb, u64* scratch, std::uint8_t* zmask) {
    step(Layout<true>{0}, X, Y, BX, BY, nb, scratch, zmask);
}

void dbl(Fq* x, Fq* y, std::size_t n, u64* scratch) {
    step(Layout<false>{n}, x, y, nullptr, nullptr, (n + 7) / 8, scratch, nullptr);
}

void add(Fq* x1, Fq* y1, const Fq* x2, const Fq* y2, std::size_t n, std::uint8_t* special, u64* scratch) {
    const std::size_t nb = (n + 7) / 8;
    std::uint8_t zm[256];
    for (std::size_t k0 = 0; k0 < nb; k0 += 256) {  // the flags of up to 256 blocks at a time
        const std::size_t kb = std::min<std::size_t>(256, nb - k0), m = std::min(n - 8 * k0, 8 * kb);
        std::fill(zm, zm + kb, std::uint8_t(0));
        step(Layout<false>{m}, x1 + 8 * k0, y1 + 8 * k0, x2 + 8 * k0, y2 + 8 * k0, kb, scratch, zm);
        for (std::size_t i = 0; i < m; ++i) special[8 * k0 + i] = (zm[i / 8] >> (i % 8)) & 1;
    }
}

PEREGRINE_IFMA void pack(u64* dst, const Fq* src, std::size_t n) {
    const Layout<false> L{n};
    for (std::size_t k = 0; 8 * k < n; ++k) st5(dst + k * kB, L.load(src, k));
}

PEREGRINE_IFMA void unpack(Fq* dst, const u64* src, std::size_t n) {
    const Layout<false> L{n};
    for (std::size_t k = 0; 8 * k < n; ++k) L.store(dst, k, ld5(src + k * kB));
}

PEREGRINE_IFMA void mul_by(u64* r, const u64* a, const Fq& c, std::size_t nb) {
    const Modulus md = modulus(Fq::MOD.data(), Fq::INV);
    __m512i x[4];
    for (int j = 0; j < 4; ++j) x[j] = _mm512_set1_epi64((long long)c.v[j]);
    const V5 c16 = split_times16(x);
    for (std::size_t k = 0; k < nb; ++k) st5(r + k * kB, mont(ld5(a + k * kB), c16, md));
}

PEREGRINE_IFMA void neg(u64* r, const u64* a, std::size_t nb) {
    const Modulus md = modulus(Fq::MOD.data(), Fq::INV);
    V5 z;
    for (auto& l : z.l) l = _mm512_setzero_si512();
    for (std::size_t k = 0; k < nb; ++k) st5(r + k * kB, sub5(z, ld5(a + k * kB), md.p));
}

}  // namespace peregrine::affine_lanes
#endif
