// SPDX-License-Identifier: MIT OR Apache-2.0
#include "curve/pairing.hpp"

#include <cstdint>

namespace peregrine {

namespace {

// The BN parameter x of BN254 (p and r are polynomials in x); positive.
constexpr u64 kBnX = 4965661367192848881ull;

// Non-adjacent form, least significant digit first.
struct Naf {
    std::int8_t d[72] = {};
    int len = 0;
};

constexpr Naf naf_of(unsigned __int128 n) {
    Naf r;
    while (n != 0) {
        std::int8_t digit = 0;
        if (n & 1) {
            digit = (n & 3) == 1 ? 1 : -1;
            if (digit == 1) n -= 1; else n += 1;
        }
        r.d[r.len++] = digit;
        n >>= 1;
    }
    return r;
}

constexpr Naf kAteNaf = naf_of((unsigned __int128)kBnX * 6 + 2);  // the optimal ate loop length 6x+2
constexpr Naf kXNaf = naf_of(kBnX);

// x / 2 in Fq (works on the Montgomery representation since halving is linear).
Fq fq_half(const Fq& a) {
    Limbs x = a.v;
    if (x[0] & 1) {  // x + p < 2^255: no overflow out of the top limb
        u64 c = 0;
        for (int i = 0; i < 4; ++i) {
            const unsigned __int128 s = (unsigned __int128)x[i] + Fq::MOD[i] + c;
            x[i] = (u64)s;
            c = (u64)(s >> 64);
        }
    }
    for (int i = 0; i < 4; ++i) x[i] = (x[i] >> 1) | (i < 3 ? (x[i + 1] << 63) : 0);
    return Fq::from_mont(x);
}
Fq2 fq2_half(const Fq2& a) { return {fq_half(a.c0), fq_half(a.c1)}; }

struct Constants {
    // frob[k][i] = xi^(i (p^k - 1) / 6): w^i maps to frob[k][i] w^i under the p^k Frobenius.
    Fq2 frob[12][6];
    // The p- and p^2-power Frobenius endomorphisms on the twist E'(Fq2):
    // pi(x, y) = (conj(x) * xi^((p-1)/3), conj(y) * xi^((p-1)/2)), pi^2(x, y) = (x * xi^((p^2-1)/3), y * xi^((p^2-1)/2)).
    Fq2 pi1_x, pi1_y, pi2_x, pi2_y;
    Fq2 b3;  // 3 b' for the twist coefficient b'

    Constants() {
        Limbs pm1 = Fq::MOD;
        pm1[0] -= 1;  // p is odd
        const Fq2 xi{Fq::from_u64(9), Fq::one()};
        const Fq2 g1 = xi.pow(div_small(pm1, 6));  // xi^((p-1)/6)
        Fq2 gk = Fq2::one();                             // xi^((p^k-1)/6), starting at k = 0
        for (int k = 0; k < 12; ++k) {
            frob[k][0] = Fq2::one();
            for (int i = 1; i < 6; ++i) frob[k][i] = frob[k][i - 1] * gk;
            // (p^(k+1) - 1)/6 = p (p^k - 1)/6 + (p - 1)/6, and a^p = conj(a) in Fq2.
            gk = gk.conjugate() * g1;
        }
        pi1_x = frob[1][2];
        pi1_y = frob[1][3];
        pi2_x = frob[2][2];
        pi2_y = frob[2][3];
        const Fq2 b = G2Cfg::b();
        b3 = b.dbl() + b;
    }
};

const Constants& consts() {
    static const Constants c;
    return c;
}

// G2 point on the twist in homogeneous projective coordinates: (X/Z, Y/Z).
struct G2Hom {
    Fq2 x, y, z;
};

// Sparse line value a + b w + c w^3 (see Fq12::mul_by_line).
struct Line {
    Fq2 a, b, c;
};

// Per-pair state of the Miller loop.
struct PairState {
    G2Affine q, neg_q;
    G2Hom t;
    Fq yp, neg_yp, neg_xp, xp3;
};

// T <- 2T; returns the tangent line at T evaluated at P (up to a factor in Fq2).
//
// With x = X/Z, y = Y/Z the untwisted tangent at P is yP - lambda xP w + (lambda x - y) w^3,
// lambda = 3x^2 / 2y; times -2YZ and using Y^2 Z = X^3 + b' Z^3 it becomes
// -2YZ yP + 3X^2 xP w + (3b'Z^2 - Y^2) w^3. The doubled point:
// X3 = XY(Y^2 - 9b'Z^2)/2, Y3 = ((Y^2 + 9b'Z^2)/2)^2 - 27b'^2 Z^4, Z3 = 2Y^3 Z.
inline Line doubling_step(G2Hom& t, const PairState& s, const Fq2& b3) {
    const Fq2 xy = t.x * t.y;
    const Fq2 B = t.y.square();
    const Fq2 C = t.z.square();
    const Fq2 E = b3 * C;                       // 3b' Z^2
    const Fq2 F = E.dbl() + E;                  // 9b' Z^2
    const Fq2 H = (t.y + t.z).square() - B - C;  // 2YZ
    const Fq2 J = t.x.square();
    const Fq2 E2 = E.square();
    Line l;
    l.a = H.scale(s.neg_yp);
    l.b = J.scale(s.xp3);
    l.c = E - B;
    t.x = fq2_half(xy) * (B - F);
    t.y = fq2_half(B + F).square() - (E2.dbl() + E2);
    t.z = B * H;
    return l;
}

// T <- T + Q (Q affine); returns the line through T and Q evaluated at P (up to a factor in Fq2).
//
// theta = Y - yQ Z, Lambda = X - xQ Z (slope theta/Lambda); the line times Lambda is
// Lambda yP - theta xP w + (theta xQ - Lambda yQ) w^3.
inline Line addition_step(G2Hom& t, const G2Affine& q, const PairState& s) {
    const Fq2 theta = t.y - q.y * t.z;
    const Fq2 lambda = t.x - q.x * t.z;
    const Fq2 C = theta.square();
    const Fq2 D = lambda.square();
    const Fq2 E = lambda * D;
    const Fq2 F = t.z * C;
    const Fq2 G = t.x * D;
    const Fq2 H = E + F - G.dbl();
    Line l;
    l.a = lambda.scale(s.yp);
    l.b = theta.scale(s.neg_xp);
    l.c = theta * q.x - lambda * q.y;
    t.x = lambda * H;
    t.y = theta * (G - H) - E * t.y;
    t.z = t.z * E;
    return l;
}

// f^x for f in the cyclotomic subgroup (where conjugation is inversion).
Fq12 cyclotomic_exp_by_x(const Fq12& f) {
    const Fq12 f_inv = f.conjugate();
    Fq12 r = f;  // top NAF digit is 1
    for (int i = kXNaf.len - 2; i >= 0; --i) {
        r = r.cyclotomic_square();
        if (kXNaf.d[i] == 1) r *= f;
        else if (kXNaf.d[i] == -1) r *= f_inv;
    }
    return r;
}

// (a + b t)^2 in Fq4 = Fq2[t]/(t^2 - xi): returns (a^2 + xi b^2, 2ab).
inline void fq4_square(const Fq2& a, const Fq2& b, Fq2& re, Fq2& im) {
    const Fq2 a2 = a.square(), b2 = b.square();
    re = a2 + fq2_mul_by_xi(b2);
    im = (a + b).square() - a2 - b2;
}

}  // namespace

Fq6 Fq6::inverse() const {
    const Fq2 A = c0.square() - fq2_mul_by_xi(c1 * c2);
    const Fq2 B = fq2_mul_by_xi(c2.square()) - c0 * c1;
    const Fq2 C = c1.square() - c0 * c2;
    const Fq2 det = c0 * A + fq2_mul_by_xi(c2 * B + c1 * C);
    const Fq2 inv = det.inverse();
    return {A * inv, B * inv, C * inv};
}

Fq12 Fq12::inverse() const {
    // (c0 + c1 w)^-1 = (c0 - c1 w) / (c0^2 - v c1^2)
    const Fq6 inv = (c0.square() - c1.square().mul_by_v()).inverse();
    return {c0 * inv, -(c1 * inv)};
}

Fq12 Fq12::frobenius_map(unsigned k) const {
    k %= 12;
    if (k == 0) return *this;
    const Fq2* g = consts().frob[k];
    auto f = [&](const Fq2& a) { return (k & 1) ? a.conjugate() : a; };
    // Coefficient of w^i: c0.c0 -> 0, c1.c0 -> 1, c0.c1 -> 2, c1.c1 -> 3, c0.c2 -> 4, c1.c2 -> 5.
    Fq12 r;
    r.c0.c0 = f(c0.c0);
    r.c1.c0 = f(c1.c0) * g[1];
    r.c0.c1 = f(c0.c1) * g[2];
    r.c1.c1 = f(c1.c1) * g[3];
    r.c0.c2 = f(c0.c2) * g[4];
    r.c1.c2 = f(c1.c2) * g[5];
    return r;
}

Fq12 Fq12::pow(const u64* e, std::size_t n_limbs) const {
    Fq12 r = one();
    for (std::size_t i = n_limbs; i-- > 0;) {
        for (int b = 63; b >= 0; --b) {
            r = r.square();
            if ((e[i] >> b) & 1) r *= *this;
        }
    }
    return r;
}

Fq12 Fq12::cyclotomic_square() const {
    // Granger-Scott: write Fq12 = Fq4[w]/(w^3 - t), Fq4 = Fq2[t]/(t^2 - xi), t = w^3, so
    // this = A0 + A1 w + A2 w^2 with A0 = g0 + g3 t, A1 = g1 + g4 t, A2 = g2 + g5 t (g_i the
    // coefficient of w^i). For a cyclotomic element the square is
    // (3A0^2 - 2 conj(A0)) + (3t A2^2 + 2 conj(A1)) w + (3A1^2 - 2 conj(A2)) w^2, conj: t -> -t.
    const Fq2 &g0 = c0.c0, &g1 = c1.c0, &g2 = c0.c1, &g3 = c1.c1, &g4 = c0.c2, &g5 = c1.c2;
    Fq2 a0r, a0i, a1r, a1i, a2r, a2i;
    fq4_square(g0, g3, a0r, a0i);
    fq4_square(g1, g4, a1r, a1i);
    fq4_square(g2, g5, a2r, a2i);
    const Fq2 xa2i = fq2_mul_by_xi(a2i);  // t * A2^2 = xi a2i + a2r t
    Fq12 r;
    r.c0.c0 = (a0r - g0).dbl() + a0r;
    r.c1.c1 = (a0i + g3).dbl() + a0i;
    r.c1.c0 = (xa2i + g1).dbl() + xa2i;
    r.c0.c2 = (a2r - g4).dbl() + a2r;
    r.c0.c1 = (a1r - g2).dbl() + a1r;
    r.c1.c2 = (a1i + g5).dbl() + a1i;
    return r;
}

std::array<Fq, 12> Fq12::coefficients() const {
    return {c0.c0.c0, c0.c0.c1, c0.c1.c0, c0.c1.c1, c0.c2.c0, c0.c2.c1,
            c1.c0.c0, c1.c0.c1, c1.c1.c0, c1.c1.c1, c1.c2.c0, c1.c2.c1};
}

Fq12 Fq12::from_coefficients(const std::array<Fq, 12>& c) {
    return {{{c[0], c[1]}, {c[2], c[3]}, {c[4], c[5]}}, {{c[6], c[7]}, {c[8], c[9]}, {c[10], c[11]}}};
}

Fq12 multi_miller_loop(const std::vector<std::pair<G1Affine, G2Affine>>& pairs) {
    const Constants& k = consts();
    std::vector<PairState> st;
    st.reserve(pairs.size());
    for (const auto& [p, q] : pairs) {
        if (p.is_infinity() || q.is_infinity()) continue;
        PairState s;
        s.q = q;
        s.neg_q = q.neg();
        s.t = {q.x, q.y, Fq2::one()};
        s.yp = p.y;
        s.neg_yp = -p.y;
        s.neg_xp = -p.x;
        s.xp3 = p.x.dbl() + p.x;
        st.push_back(s);
    }
    Fq12 f = Fq12::one();
    if (st.empty()) return f;

    // f_{6x+2,Q}: NAF digits from the top; the leading 1 is the initial T = Q.
    for (int i = kAteNaf.len - 2; i >= 0; --i) {
        if (i != kAteNaf.len - 2) f = f.square();
        for (auto& s : st) {
            const Line l = doubling_step(s.t, s, k.b3);
            f = f.mul_by_line(l.a, l.b, l.c);
        }
        const int d = kAteNaf.d[i];
        if (d == 0) continue;
        for (auto& s : st) {
            const Line l = addition_step(s.t, d > 0 ? s.q : s.neg_q, s);
            f = f.mul_by_line(l.a, l.b, l.c);
        }
    }
    // Lines through T = [6x+2]Q and Q1 = pi(Q), then through T + Q1 and Q2 = -pi^2(Q).
    for (auto& s : st) {
        const G2Affine q1{s.q.x.conjugate() * k.pi1_x, s.q.y.conjugate() * k.pi1_y};
        const G2Affine q2{s.q.x * k.pi2_x, -(s.q.y * k.pi2_y)};
        Line l = addition_step(s.t, q1, s);
        f = f.mul_by_line(l.a, l.b, l.c);
        l = addition_step(s.t, q2, s);  // the resulting point is no longer needed
        f = f.mul_by_line(l.a, l.b, l.c);
    }
    return f;
}

Fq12 miller_loop(const G1Affine& p, const G2Affine& q) { return multi_miller_loop({{p, q}}); }

Fq12 final_exponentiation(const Fq12& f) {
    // Easy part: f^((p^6 - 1)(p^2 + 1)); afterwards t is in the cyclotomic subgroup.
    Fq12 t = f.conjugate() * f.inverse();
    t = t.frobenius_map(2) * t;

    // Hard part: t^h with (x the BN parameter, p the base field prime)
    //   h = (12x^3 + 12x^2 + 6x + 1) + p (12x^3 + 6x^2 + 4x) + p^2 (12x^3 + 6x^2 + 6x)
    //       + p^3 (12x^3 + 6x^2 + 4x - 1),
    // which is k (p^4 - p^2 + 1)/r modulo p^4 - p^2 + 1, k = 2x(6x^2 + 3x + 1).
    const Fq12 a = cyclotomic_exp_by_x(t);           // x
    const Fq12 a2 = a.cyclotomic_square();           // 2x
    const Fq12 a6 = a2.cyclotomic_square() * a2;     // 6x
    const Fq12 b = cyclotomic_exp_by_x(a6);          // 6x^2
    const Fq12 c = cyclotomic_exp_by_x(b.cyclotomic_square());  // 12x^3
    const Fq12 K = c * b * a6;                       // 12x^3 + 6x^2 + 6x
    const Fq12 L = K * a2.conjugate();               // 12x^3 + 6x^2 + 4x
    const Fq12 N = K * b * t;                        // 12x^3 + 12x^2 + 6x + 1
    const Fq12 M = L * t.conjugate();                // 12x^3 + 6x^2 + 4x - 1
    return N * L.frobenius_map(1) * K.frobenius_map(2) * M.frobenius_map(3);
}

Fq12 pairing(const G1Affine& p, const G2Affine& q) { return final_exponentiation(miller_loop(p, q)); }

bool pairing_product_is_one(const std::vector<std::pair<G1Affine, G2Affine>>& pairs) {
    return final_exponentiation(multi_miller_loop(pairs)).is_one();
}

}  // namespace peregrine
