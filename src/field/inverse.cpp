// SPDX-License-Identifier: MIT OR Apache-2.0
// Variable-time modular inversion with Bernstein and Yang's divsteps (D. J. Bernstein, B.-Y. Yang,
// "Fast constant-time gcd computation and modular inversion", TCHES 2019), in the variant that
// starts delta at 1/2 instead of 1 ("hddivstep", which has a lower worst-case step count).
//
// The divstep. With f odd, g and a counter eta (eta = delta - 1/2 of the paper, starting at 0):
//   eta >= 0 and g odd:  (eta, f, g) <- (-eta,  g, (g - f) / 2)
//   otherwise:           (eta, f, g) <- (eta + 1, f, (g + (g mod 2) f) / 2)
// f stays odd, gcd(f, g) is kept up to sign, |f| and |g| do not grow, and from f = m, g = x the
// steps reach g = 0 with f = +-gcd(m, x). Each step is (f, g) <- M (f, g) / 2 with an integer 2x2
// matrix M, so n steps are (f, g) <- T (f, g) / 2^n with T the product; and the first n steps
// depend only on eta and the low n bits of f and g. Hence the batches below: 62 steps are run on
// the low 62 bits alone, yielding T (entries of magnitude at most 2^62 as |u| + |v| <= 2^62 for
// each row), and then T is applied once to the full-length f and g (five 62-bit limbs).
//
// Alongside, d and e with f = d x / s and g = e x / s (mod m) go through the same T, the division
// by 2^62 done modulo m (adding the multiple of m that makes the low 62 bits vanish). They start
// at d = 0, e = s (the scale); when g reaches 0, f = +-1 and x^-1 s = +-d.
#include "field/inverse.hpp"

namespace peregrine::detail {
namespace {

using i64 = std::int64_t;
using i128 = __int128;

// 2^62 times the transition matrix of 62 divsteps: (f, g) <- (u f + v g, q f + r g) / 2^62.
struct Trans {
    i64 u, v, q, r;
};

// Runs 62 divsteps on the low bits f, g (f odd) from the counter eta; returns the new counter.
//
// Rather than dividing g by 2 at each step, the matrix keeps (u, v) = 2^k times f's row and (q, r)
// = 2^k times g's row after k steps, so halving g doubles (u, v). Two shortcuts make it variable
// time: a run of z zero low bits of g is z steps at once (a shift), and when eta < 0 the next
// -eta steps cannot swap, so f stays and k <= -eta steps merely add to g the multiple w f (w < 2^k)
// that clears its low k bits, followed by k halvings.
[[gnu::always_inline]] inline int divsteps62(int eta, u64 f, u64 g, Trans& t) {
    u64 u = 1, v = 0, q = 0, r = 1;  // signed values in two's complement
    int left = 62;                   // steps still to do; the low `left` bits of g are exact
    for (;;) {
        // Steps with g even: halve g, double f's row, count up. The bit at `left` stops the count.
        const int z = __builtin_ctzll(g | (u64(1) << left));
        g >>= z;
        u <<= z;
        v <<= z;
        eta += z;
        left -= z;
        if (left == 0) break;
        // g is odd. With eta >= 0 this step swaps: (f, g) <- (g, -f), after which it adds f to g
        // like the non-swapping steps. The non-swapping step counts up by one, the swap must give
        // -eta overall, hence -eta - 1 here.
        if (eta >= 0) {
            const u64 tf = f, tu = u, tv = v;
            f = g;
            g = 0 - tf;
            u = q;
            v = r;
            q = 0 - tu;
            r = 0 - tv;
            eta = -eta - 1;
        }
        // Now eta < 0: the next k = min(-eta, left, 6) steps keep f. w = -g / f mod 2^k, from
        // f^-1 = f (2 - f^2) mod 2^6 (f^2 = 1 mod 8 for odd f, and one Newton step doubles that).
        int k = -eta < left ? -eta : left;
        k = k < 6 ? k : 6;
        const u64 w = (g * f * (f * f - 2)) & ((u64(1) << k) - 1);
        g += w * f;
        q += w * u;
        r += w * v;
    }
    t = Trans{i64(u), i64(v), i64(q), i64(r)};
    return eta;
}

// The upper limbs of (x, y) <- (T (x, y) + (kx, ky) m) / 2^62, given cx, cy: the low limbs' sums
// already shifted down by 62 (their low 62 bits are zero). With WithM false the m terms are left
// out (kx, ky and m unused).
template <bool WithM>
[[gnu::always_inline]] inline void rows_shifted(S62& x, S62& y, const Trans& t, i128 cx, i128 cy, i64 kx, i64 ky,
                                                const S62& m) {
    for (int i = 1; i < 5; ++i) {
        cx += i128(t.u) * x.l[i] + i128(t.v) * y.l[i];
        cy += i128(t.q) * x.l[i] + i128(t.r) * y.l[i];
        if constexpr (WithM) {
            cx += i128(kx) * m.l[i];
            cy += i128(ky) * m.l[i];
        }
        x.l[i - 1] = i64(u64(cx) & kM62);
        y.l[i - 1] = i64(u64(cy) & kM62);
        cx >>= 62;
        cy >>= 62;
    }
    x.l[4] = i64(cx);
    y.l[4] = i64(cy);
}

// (f, g) <- T (f, g) / 2^62, exact (the low 62 bits of both products are zero by construction).
[[gnu::always_inline]] inline void update_fg(S62& f, S62& g, const Trans& t) {
    const i128 cf = i128(t.u) * f.l[0] + i128(t.v) * g.l[0];
    const i128 cg = i128(t.q) * f.l[0] + i128(t.r) * g.l[0];
    rows_shifted<false>(f, g, t, cf >> 62, cg >> 62, 0, 0, f);
}

// (d, e) <- T (d, e) / 2^62 mod m, keeping both in (-2m, m).
//
// A negative d is first replaced by d + m (the same residue), which here means adding u m and q m
// to the two rows; then |u d + v e| < 2^62 m. To that a multiple c m with c in (-2^62, 0] is added
// that makes it divisible by 2^62, c = -((u d + v e) m^-1 mod 2^62); the quotient then lies in
// (-m - m, m): the first term's share is within (-m, m), c m / 2^62 within (-m, 0].
[[gnu::always_inline]] inline void update_de(S62& d, S62& e, const Trans& t, const InvModulus& mod) {
    const i64 sd = d.l[4] >> 63, se = e.l[4] >> 63;  // all ones when negative
    i64 cd_m = (t.u & sd) + (t.v & se);             // multiples of m added to each row
    i64 ce_m = (t.q & sd) + (t.r & se);
    i128 cd = i128(t.u) * d.l[0] + i128(t.v) * e.l[0];
    i128 ce = i128(t.q) * d.l[0] + i128(t.r) * e.l[0];
    // m^-1 (cd + cd_m m) = m^-1 cd + cd_m (mod 2^62).
    cd_m -= i64((mod.m_inv62 * u64(cd) + u64(cd_m)) & kM62);
    ce_m -= i64((mod.m_inv62 * u64(ce) + u64(ce_m)) & kM62);
    cd += i128(cd_m) * mod.m.l[0];
    ce += i128(ce_m) * mod.m.l[0];
    rows_shifted<true>(d, e, t, cd >> 62, ce >> 62, cd_m, ce_m, mod.m);
}

// a <- a + s m for s in {-1, 0, 1} (or a <- -a with neg), renormalising the limbs.
inline void add_multiple(S62& a, const S62& m, i64 s) {
    i64 c = 0;
    for (int i = 0; i < 4; ++i) {
        c += a.l[i] + s * m.l[i];
        a.l[i] = i64(u64(c) & kM62);
        c >>= 62;
    }
    a.l[4] += s * m.l[4] + c;
}
inline void negate(S62& a) {
    i64 c = 0;
    for (int i = 0; i < 4; ++i) {
        c -= a.l[i];
        a.l[i] = i64(u64(c) & kM62);
        c >>= 62;
    }
    a.l[4] = c - a.l[4];
}

inline Limbs to_limbs(const S62& a) {  // a in [0, 2^256)
    const u64 l0 = u64(a.l[0]), l1 = u64(a.l[1]), l2 = u64(a.l[2]), l3 = u64(a.l[3]), l4 = u64(a.l[4]);
    return Limbs{l0 | (l1 << 62), (l1 >> 2) | (l2 << 60), (l2 >> 4) | (l3 << 58), (l3 >> 6) | (l4 << 56)};
}

}  // namespace

Limbs inverse_vartime(const Limbs& x, const Limbs& scale, const InvModulus& mod) {
    S62 f = mod.m, g = to_s62(x), d{{0, 0, 0, 0, 0}}, e = to_s62(scale);
    int eta = 0;
    Trans t;
    while ((g.l[0] | g.l[1] | g.l[2] | g.l[3] | g.l[4]) != 0) {
        eta = divsteps62(eta, u64(f.l[0]), u64(g.l[0]), t);
        update_fg(f, g, t);
        update_de(d, e, t, mod);
    }
    // f = +-1 (x coprime to m), so s x^-1 = +-d, with d in (-2m, m); bring it into [0, m).
    if (f.l[4] < 0) negate(d);
    while (d.l[4] < 0) add_multiple(d, mod.m, 1);
    S62 r = d;
    add_multiple(r, mod.m, -1);
    if (r.l[4] >= 0) d = r;
    return to_limbs(d);
}

}  // namespace peregrine::detail
