// SPDX-License-Identifier: MIT OR Apache-2.0
#include "curve/affine_lanes.hpp"

#if defined(__x86_64__)
#include "field/ifma_lanes.hpp"

namespace peregrine::affine_lanes {

namespace {

using namespace kernels::ifma;
constexpr std::size_t kB = LaneArray::kBlock;

// Fq2 = Fq[u]/(u^2 + 1) on eight lanes: a pair of Fq lane values.
struct V5x2 {
    V5 c0, c1;
};

// The field of the coordinates: its lane value V, its arithmetic, and the norm through which
// the batch inversion inverts it (Fq: the element itself; Fq2: c0^2 + c1^2, an Fq element, and
// 1/x = conj(x)/norm).
struct OpsFq {
    using F = Fq;
    using V = V5;
    PEREGRINE_IFMA static V add(const V& a, const V& b, const Modulus& md) { return add5(a, b, md.p); }
    PEREGRINE_IFMA static V sub(const V& a, const V& b, const Modulus& md) { return sub5(a, b, md.p); }
    PEREGRINE_IFMA static V mul(const V& a, const V& b, const Modulus& md) { return mont(a, times16(b), md); }
    PEREGRINE_IFMA static V5 norm(const V& d, const Modulus&) { return d; }
    PEREGRINE_IFMA static V inverse(const V&, const V5& inv_norm, const Modulus&) { return inv_norm; }
    PEREGRINE_IFMA static __mmask8 zero(const V& d) { return zero5(d); }
};

struct OpsFq2 {
    using F = Fq2;
    using V = V5x2;
    PEREGRINE_IFMA static V add(const V& a, const V& b, const Modulus& md) {
        return {add5(a.c0, b.c0, md.p), add5(a.c1, b.c1, md.p)};
    }
    PEREGRINE_IFMA static V sub(const V& a, const V& b, const Modulus& md) {
        return {sub5(a.c0, b.c0, md.p), sub5(a.c1, b.c1, md.p)};
    }
    // Karatsuba: (a0 b0 - a1 b1) + ((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) u.
    PEREGRINE_IFMA static V mul(const V& a, const V& b, const Modulus& md) {
        V5 t0, t1;
        mont2(t0, t1, a.c0, times16(b.c0), a.c1, times16(b.c1), md);
        const V5 t2 = mont(add5(a.c0, a.c1, md.p), times16(add5(b.c0, b.c1, md.p)), md);
        return {sub5(t0, t1, md.p), sub5(sub5(t2, t0, md.p), t1, md.p)};
    }
    PEREGRINE_IFMA static V5 norm(const V& d, const Modulus& md) {
        V5 s0, s1;
        mont2(s0, s1, d.c0, times16(d.c0), d.c1, times16(d.c1), md);
        return add5(s0, s1, md.p);
    }
    PEREGRINE_IFMA static V inverse(const V& d, const V5& inv_norm, const Modulus& md) {
        const V5 n16 = times16(inv_norm);
        V5 z;
        for (auto& l : z.l) l = _mm512_setzero_si512();
        V5 r0, r1;
        mont2(r0, r1, d.c0, n16, d.c1, n16, md);
        return {r0, sub5(z, r1, md.p)};
    }
    PEREGRINE_IFMA static __mmask8 zero(const V& d) { return zero5(d.c0) & zero5(d.c1); }
};

// Where the coordinates live: lane arrays (Packed, Fq only) or arrays of n elements of F.
template <class Ops, bool Packed>
struct Layout {
    using V = typename Ops::V;
    std::size_t n;  // elements (plain arrays only)
    PEREGRINE_IFMA V load(const void* base, std::size_t k) const {
        if constexpr (Packed) {
            return ld5(static_cast<const u64*>(base) + k * kB);
        } else if constexpr (std::is_same_v<V, V5>) {
            __m512i x[4];
            load_block(static_cast<const u64(*)[4]>(base) + 8 * k, count(k), x);
            return split(x);
        } else {
            // Eight Fq2 elements are sixteen Fq values c0, c1, c0, ...: two blocks of eight, then
            // the even lanes (c0) and the odd ones (c1) of each limb.
            const u64(*p)[4] = static_cast<const u64(*)[4]>(base) + 16 * k;
            const std::size_t c = 2 * count(k);
            __m512i lo[4], hi[4], r0[4], r1[4];
            load_block(p, c, lo);
            load_block(p + 8, c > 8 ? c - 8 : 0, hi);
            const __m512i ev = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), od = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
            for (int j = 0; j < 4; ++j) {
                r0[j] = _mm512_permutex2var_epi64(lo[j], ev, hi[j]);
                r1[j] = _mm512_permutex2var_epi64(lo[j], od, hi[j]);
            }
            return V5x2{split(r0), split(r1)};
        }
    }
    PEREGRINE_IFMA void store(void* base, std::size_t k, const V& v) const {
        if constexpr (Packed) {
            st5(static_cast<u64*>(base) + k * kB, v);
        } else if constexpr (std::is_same_v<V, V5>) {
            __m512i x[4];
            join(v, x);
            store_block(static_cast<u64(*)[4]>(base) + 8 * k, count(k), x);
        } else {
            u64(*p)[4] = static_cast<u64(*)[4]>(base) + 16 * k;
            const std::size_t c = 2 * count(k);
            __m512i r0[4], r1[4], lo[4], hi[4];
            join(v.c0, r0);
            join(v.c1, r1);
            const __m512i il = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), ih = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
            for (int j = 0; j < 4; ++j) {
                lo[j] = _mm512_permutex2var_epi64(r0[j], il, r1[j]);
                hi[j] = _mm512_permutex2var_epi64(r0[j], ih, r1[j]);
            }
            store_block(p, c < 8 ? c : 8, lo);
            if (c > 8) store_block(p + 8, c - 8, hi);
        }
    }
    std::size_t count(std::size_t k) const { return Packed ? 8 : (n - 8 * k < 8 ? n - 8 * k : 8); }
};

// Per block of points: the slope's numerator and denominator, the denominator's norm and the
// chain's prefix product (lane values of F, F, Fq, Fq).
template <class Ops>
struct Scratch {
    static constexpr std::size_t kW = sizeof(typename Ops::V) / sizeof(V5);  // Fq values per element
    static constexpr bool kOwnNorm = kW == 1;  // Fq: the denominator is its own norm, kept once
    u64 *num, *den, *nrm, *pre;
    Scratch(u64* s, std::size_t nb)
        : num(s), den(s + kW * nb * kB), nrm(kOwnNorm ? den : s + 2 * kW * nb * kB),
          pre(s + (kOwnNorm ? 2 : 2 * kW + 1) * nb * kB) {}
};

template <class V>
PEREGRINE_IFMA inline V ldv(const u64* p, std::size_t k) {
    if constexpr (std::is_same_v<V, V5>) {
        return ld5(p + k * kB);
    } else {
        return V5x2{ld5(p + 2 * k * kB), ld5(p + (2 * k + 1) * kB)};
    }
}
template <class V>
PEREGRINE_IFMA inline void stv(u64* p, std::size_t k, const V& v) {
    if constexpr (std::is_same_v<V, V5>) {
        st5(p + k * kB, v);
    } else {
        st5(p + 2 * k * kB, v.c0);
        st5(p + (2 * k + 1) * kB, v.c1);
    }
}

PEREGRINE_IFMA inline V5 one_lanes() {
    __m512i o[4];
    for (int j = 0; j < 4; ++j) o[j] = _mm512_set1_epi64((long long)Fq::one().v[j]);
    return split(o);
}

// Forward pass. Doubling (BX null): num = 3x^2, den = 2y; addition: num = by - y, den = bx - x.
// pre[k] = the product of the earlier denominators' norms in block k's chain; acc[8c + e] = the
// product of the non-zero norms of lane e of chain c.
template <class Ops, bool Packed>
PEREGRINE_IFMA void forward(const Layout<Ops, Packed>& L, const void* X, const void* Y, const void* BX,
                            const void* BY, std::size_t nb, const Scratch<Ops>& s, Fq acc[16]) {
    using V = typename Ops::V;
    const Modulus md = modulus(Fq::MOD.data(), Fq::INV);
    V5 ch[2] = {one_lanes(), one_lanes()};
    for (std::size_t k = 0; k < nb; ++k) {
        const V x = L.load(X, k), y = L.load(Y, k);
        V n, d;
        if (BX) {
            d = Ops::sub(L.load(BX, k), x, md);
            n = Ops::sub(L.load(BY, k), y, md);
        } else {
            const V xx = Ops::mul(x, x, md);
            n = Ops::add(Ops::add(xx, xx, md), xx, md);
            d = Ops::add(y, y, md);
        }
        const V5 q = Ops::norm(d, md);
        V5& c = ch[k & 1];
        stv(s.num, k, n);
        stv(s.den, k, d);
        if constexpr (!Scratch<Ops>::kOwnNorm) st5(s.nrm + k * kB, q);
        st5(s.pre + k * kB, c);
        const V5 prod = mont(c, times16(q), md);
        const __mmask8 nz = ~zero5(q);
        for (int j = 0; j < 5; ++j) c.l[j] = _mm512_mask_blend_epi64(nz, c.l[j], prod.l[j]);
    }
    for (int c = 0; c < 2; ++c) {
        __m512i v[4];
        join(ch[c], v);
        store8(reinterpret_cast<u64(*)[4]>(acc + 8 * c), v);
    }
}

// Backward pass, given inv[i] = 1/acc[i]: l = num/den (1/0 = 0, as batch_inverse), x3 = l^2 - x -
// bx (bx = x for a doubling), y3 = l (x - x3) - y, written over (X, Y); zmask[k] gets the zero
// denominators.
template <class Ops, bool Packed>
PEREGRINE_IFMA void backward(const Layout<Ops, Packed>& L, void* X, void* Y, const void* BX, std::size_t nb,
                             const Scratch<Ops>& s, const Fq inv[16], std::uint8_t* zmask) {
    using V = typename Ops::V;
    const Modulus md = modulus(Fq::MOD.data(), Fq::INV);
    V5 ch[2];
    for (int c = 0; c < 2; ++c) {
        __m512i v[4];
        load8(reinterpret_cast<const u64(*)[4]>(inv + 8 * c), v);
        ch[c] = split(v);
    }
    for (std::size_t k = nb; k-- > 0;) {
        V5& c = ch[k & 1];
        const V5 q = ld5(s.nrm + k * kB);
        const __mmask8 z = zero5(q);
        V5 qinv, next;
        mont2(qinv, next, c, times16(ld5(s.pre + k * kB)), c, times16(q), md);
        for (int j = 0; j < 5; ++j) {
            c.l[j] = _mm512_mask_blend_epi64(z, next.l[j], c.l[j]);
            qinv.l[j] = _mm512_maskz_mov_epi64(~z, qinv.l[j]);
        }
        if (zmask) zmask[k] |= z;
        const V l = Ops::mul(ldv<V>(s.num, k), Ops::inverse(ldv<V>(s.den, k), qinv, md), md);
        const V x = L.load(X, k);
        const V bx = BX ? L.load(BX, k) : x;
        const V x3 = Ops::sub(Ops::sub(Ops::mul(l, l, md), x, md), bx, md);
        const V y3 = Ops::sub(Ops::mul(Ops::sub(x, x3, md), l, md), L.load(Y, k), md);
        L.store(X, k, x3);
        L.store(Y, k, y3);
    }
}

template <class Ops, bool Packed>
void step(const Layout<Ops, Packed>& L, void* X, void* Y, const void* BX, const void* BY, std::size_t nb, u64* scratch,
          std::uint8_t* zmask) {
    if (nb == 0) return;
    const Scratch<Ops> s(scratch, nb);
    Fq acc[16];
    forward(L, X, Y, BX, BY, nb, s, acc);
    batch_inverse(acc, 16);  // never zero: the chains skip zero norms
    backward(L, X, Y, BX, nb, s, acc, zmask);
}

template <class Ops, class F>
void add_plain(F* x1, F* y1, const F* x2, const F* y2, std::size_t n, std::uint8_t* special, u64* scratch) {
    const std::size_t nb = (n + 7) / 8;
    std::uint8_t zm[256];
    for (std::size_t k0 = 0; k0 < nb; k0 += 256) {  // the flags of up to 256 blocks at a time
        const std::size_t kb = std::min<std::size_t>(256, nb - k0), m = std::min(n - 8 * k0, 8 * kb);
        std::fill(zm, zm + kb, std::uint8_t(0));
        step(Layout<Ops, false>{m}, x1 + 8 * k0, y1 + 8 * k0, x2 + 8 * k0, y2 + 8 * k0, kb, scratch, zm);
        for (std::size_t i = 0; i < m; ++i) special[8 * k0 + i] = (zm[i / 8] >> (i % 8)) & 1;
    }
}

}  // namespace

void dbl(u64* X, u64* Y, std::size_t nb, u64* scratch) {
    step(Layout<OpsFq, true>{0}, X, Y, nullptr, nullptr, nb, scratch, nullptr);
}

void add(u64* X, u64* Y, const u64* BX, const u64* BY, std::size_t nb, u64* scratch, std::uint8_t* zmask) {
    step(Layout<OpsFq, true>{0}, X, Y, BX, BY, nb, scratch, zmask);
}

void dbl(Fq* x, Fq* y, std::size_t n, u64* scratch) {
    step(Layout<OpsFq, false>{n}, x, y, nullptr, nullptr, (n + 7) / 8, scratch, nullptr);
}

void add(Fq* x1, Fq* y1, const Fq* x2, const Fq* y2, std::size_t n, std::uint8_t* special, u64* scratch) {
    add_plain<OpsFq>(x1, y1, x2, y2, n, special, scratch);
}

void dbl(Fq2* x, Fq2* y, std::size_t n, u64* scratch) {
    step(Layout<OpsFq2, false>{n}, x, y, nullptr, nullptr, (n + 7) / 8, scratch, nullptr);
}

void add(Fq2* x1, Fq2* y1, const Fq2* x2, const Fq2* y2, std::size_t n, std::uint8_t* special, u64* scratch) {
    add_plain<OpsFq2>(x1, y1, x2, y2, n, special, scratch);
}

PEREGRINE_IFMA void pack(u64* dst, const Fq* src, std::size_t n) {
    const Layout<OpsFq, false> L{n};
    for (std::size_t k = 0; 8 * k < n; ++k) st5(dst + k * kB, L.load(src, k));
}

PEREGRINE_IFMA void unpack(Fq* dst, const u64* src, std::size_t n) {
    const Layout<OpsFq, false> L{n};
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
