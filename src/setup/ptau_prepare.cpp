// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/ptau_prepare.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "formats/binfile.hpp"
#include "formats/binwriter.hpp"
#include "formats/zkey.hpp"
#include "msm/msm.hpp"
#include "setup/keys.hpp"
#include "setup/ptau_prepare_endo.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace peregrine::setup {

namespace {

// Cube roots of unity beta in Fq with (beta x, y) = lambda (x, y) for glv_lambda(), on G1 and on
// G2 (the same constants as the MSM's; the unit tests check the relation).
constexpr Limbs kBetaG1 = {0x5763473177fffffeull, 0xd4f263f1acdb5c4full, 0x59e26bcea0d48bacull, 0};
constexpr Limbs kBetaG2 = {0xe4bd44e5607cfd48ull, 0xc28f069fbb966e3dull, 0x5e6dd9e7e0acccb0ull,
                           0x30644e72e131a029ull};

inline Fq endo(const Fq& x) {
    static const Fq beta = Fq::from_canonical(kBetaG1);
    return x * beta;
}
inline Fq2 endo(const Fq2& x) {
    static const Fq beta = Fq::from_canonical(kBetaG2);
    return x.scale(beta);
}

constexpr int kWindow = 5;                 // signed odd digits |d| < 2^(kWindow-1)
constexpr int kTable = 1 << (kWindow - 2);  // odd multiples 1, 3, ..., 2^(kWindow-1) - 1

// Width-kWindow NAF of k < 2^128; returns the number of digits.
int wnaf(unsigned __int128 k, std::int8_t* d) {
    int n = 0;
    while (k != 0) {
        int digit = 0;
        if (k & 1) {
            digit = int(k & ((1u << kWindow) - 1));
            if (digit >= (1 << (kWindow - 1))) digit -= 1 << kWindow;
            if (digit > 0) {
                k -= unsigned(digit);
            } else {
                k += unsigned(-digit);
            }
        }
        d[n++] = std::int8_t(digit);
        k >>= 1;
    }
    return n;
}

template <class J>
J mul_glv(const J& p, const Limbs& k) {
    if (p.is_infinity()) return p;
    const GlvSplit s = glv_split(k);
    std::int8_t d1[136], d2[136];
    const auto to128 = [](const Limbs& l) { return (unsigned __int128)l[1] << 64 | l[0]; };
    const int n1 = wnaf(to128(s.k1), d1), n2 = wnaf(to128(s.k2), d2);
    J t[kTable], tp[kTable];
    t[0] = p;
    const J p2 = p.dbl();
    for (int i = 1; i < kTable; ++i) t[i] = t[i - 1].add(p2);
    for (int i = 0; i < kTable; ++i) tp[i] = J{endo(t[i].x), t[i].y, t[i].z};
    J acc = J::infinity();
    for (int i = std::max(n1, n2) - 1; i >= 0; --i) {
        acc = acc.dbl();
        if (i < n1 && d1[i] != 0) {
            const int d = d1[i];
            const J& q = t[(d < 0 ? -d : d) >> 1];
            acc = acc.add(((d < 0) != s.neg1) ? q.neg() : q);
        }
        if (i < n2 && d2[i] != 0) {
            const int d = d2[i];
            const J& q = tp[(d < 0 ? -d : d) >> 1];
            acc = acc.add(((d < 0) != s.neg2) ? q.neg() : q);
        }
    }
    return acc;
}

// Lockstep arithmetic on many Jacobian points held as coordinate arrays, so that every field
// product of a step is one mul_n call (eight products at a time with AVX-512 IFMA).
template <class F>
struct Lockstep {
    explicit Lockstep(std::size_t n) : x(n), y(n), z(n) {
        for (auto* v : {&t0, &t1, &t2, &t3, &t4, &t5, &t6, &t7, &t8, &t9, &ga, &gb, &gc, &qa, &qb}) v->resize(n);
    }
    std::vector<F> x, y, z;
    std::vector<F> t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, ga, gb, gc, qa, qb;

    // dbl-2009-l (a = 0) on points [0, n); z == 0 stays 0.
    void dbl(std::size_t n) {
        mul_n(t0.data(), x.data(), x.data(), n);  // A
        mul_n(t1.data(), y.data(), y.data(), n);  // B
        mul_n(z.data(), y.data(), z.data(), n);
        mul_n(t2.data(), t1.data(), t1.data(), n);  // C
        for (std::size_t i = 0; i < n; ++i) {
            z[i] = z[i].dbl();
            t3[i] = x[i] + t1[i];
        }
        mul_n(t3.data(), t3.data(), t3.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
            t3[i] = (t3[i] - t0[i] - t2[i]).dbl();  // D
            t0[i] = t0[i].dbl() + t0[i];            // E
        }
        mul_n(t4.data(), t0.data(), t0.data(), n);  // E^2
        for (std::size_t i = 0; i < n; ++i) {
            x[i] = t4[i] - t3[i].dbl();
            t5[i] = t3[i] - x[i];
        }
        mul_n(t5.data(), t0.data(), t5.data(), n);
        for (std::size_t i = 0; i < n; ++i) y[i] = t5[i] - t2[i].dbl().dbl().dbl();
    }

    // madd-2007-bl: point idx[k] += q[k] for k < m (q affine, not infinity; accumulators not at
    // infinity). Returns false in h_zero[k] cases (doubling or opposite points), which the caller
    // redoes with the general formula.
    template <class Aff>
    void madd(const std::uint32_t* idx, const Aff* q, std::size_t m, std::vector<std::uint8_t>& special) {
        for (std::size_t k = 0; k < m; ++k) {
            ga[k] = x[idx[k]];
            gb[k] = y[idx[k]];
            gc[k] = z[idx[k]];
            qa[k] = q[k].x;
            qb[k] = q[k].y;
        }
        mul_n(t0.data(), gc.data(), gc.data(), m);  // Z1Z1
        mul_n(t1.data(), qa.data(), t0.data(), m);  // U2
        mul_n(t2.data(), gc.data(), t0.data(), m);
        mul_n(t2.data(), qb.data(), t2.data(), m);  // S2
        special.assign(m, 0);
        for (std::size_t k = 0; k < m; ++k) {
            t3[k] = t1[k] - ga[k];  // H
            if (t3[k].is_zero()) special[k] = 1;
            t2[k] = (t2[k] - gb[k]).dbl();  // r
        }
        mul_n(t4.data(), t3.data(), t3.data(), m);  // HH
        for (std::size_t k = 0; k < m; ++k) t5[k] = t4[k].dbl().dbl();  // I
        mul_n(t6.data(), t3.data(), t5.data(), m);  // J
        mul_n(t1.data(), ga.data(), t5.data(), m);  // V
        mul_n(t7.data(), t2.data(), t2.data(), m);  // r^2
        for (std::size_t k = 0; k < m; ++k) {
            qa[k] = t7[k] - t6[k] - t1[k].dbl();  // X3
            t8[k] = t1[k] - qa[k];
            t9[k] = gc[k] + t3[k];
        }
        mul_n(t8.data(), t2.data(), t8.data(), m);
        mul_n(t7.data(), gb.data(), t6.data(), m);  // Y1 J
        mul_n(t9.data(), t9.data(), t9.data(), m);
        for (std::size_t k = 0; k < m; ++k) {
            if (special[k]) continue;
            const std::uint32_t i = idx[k];
            x[i] = qa[k];
            y[i] = t8[k] - t7[k].dbl();
            z[i] = t9[k] - t0[k] - t4[k];
        }
    }
};

// The endomorphism decomposition of each group: D scalars and the D endomorphisms on affine points.
template <class J>
struct Endo;
template <>
struct Endo<G1> {
    static constexpr int D = 2;
    static EndoSplit<2> split(const Limbs& k) { return g1_endo_split(k); }
    static G1Affine next(const G1Affine& a) { return g1_endo(a); }  // applied h times for component h
};
template <>
struct Endo<G2> {
    static constexpr int D = 4;
    static EndoSplit<4> split(const Limbs& k) { return g2_endo_split(k); }
    static G2Affine next(const G2Affine& a) { return g2_psi(a); }
};

// pts[i] <- ks[i] * pts[i] for a batch of points: endomorphism split (GLV on G1, 4-dimensional GLS
// on G2) and width-5 NAF digits per point, window tables made affine with one inversion, then all
// points double and add in lockstep.
template <class J>
void mul_glv_batch(J* pts, const Limbs* ks, std::size_t cnt) {
    using Aff = typename J::Aff;
    using F = typename J::Field;
    constexpr int D = Endo<J>::D;
    if (cnt == 0) return;
    struct Digits {
        std::int8_t d[D][136];
        int n[D];
        bool neg[D];
    };
    std::vector<Digits> dg(cnt);
    std::vector<J> tab(cnt * kTable);
    int top = 0;
    for (std::size_t i = 0; i < cnt; ++i) {
        const EndoSplit<D> s = Endo<J>::split(ks[i]);
        Digits& d = dg[i];
        for (int h = 0; h < D; ++h) {
            d.n[h] = wnaf(s.mag[h], d.d[h]);
            d.neg[h] = s.neg[h];
            top = std::max(top, d.n[h]);
        }
        J* t = &tab[i * kTable];
        t[0] = pts[i];
        const J p2 = pts[i].dbl();
        for (int e = 1; e < kTable; ++e) t[e] = t[e - 1].add(p2);
    }
    std::vector<std::vector<Aff>> tabs(D);
    tabs[0] = batch_to_affine(tab);
    for (int h = 1; h < D; ++h) {
        tabs[h].resize(tabs[0].size());
        for (std::size_t e = 0; e < tabs[0].size(); ++e) tabs[h][e] = Endo<J>::next(tabs[h - 1][e]);
    }

    Lockstep<F> st(cnt);
    std::vector<std::uint8_t> inf(cnt, 1), special;
    std::vector<std::uint32_t> idx;
    std::vector<Aff> q;
    idx.reserve(cnt);
    q.reserve(cnt);
    for (int b = top - 1; b >= 0; --b) {
        st.dbl(cnt);
        for (int h = 0; h < D; ++h) {
            const std::vector<Aff>& tb = tabs[h];
            idx.clear();
            q.clear();
            for (std::size_t i = 0; i < cnt; ++i) {
                const Digits& d = dg[i];
                const int v = b < d.n[h] ? d.d[h][b] : 0;
                if (v == 0) continue;
                Aff p = tb[i * kTable + std::size_t((v < 0 ? -v : v) >> 1)];
                if (p.is_infinity()) continue;
                if ((v < 0) != d.neg[h]) p = p.neg();
                if (inf[i]) {
                    st.x[i] = p.x;
                    st.y[i] = p.y;
                    st.z[i] = F::one();
                    inf[i] = 0;
                    continue;
                }
                idx.push_back(std::uint32_t(i));
                q.push_back(p);
            }
            st.madd(idx.data(), q.data(), idx.size(), special);
            for (std::size_t k = 0; k < idx.size(); ++k) {
                if (!special[k]) continue;
                const std::uint32_t i = idx[k];
                const J r = J{st.x[i], st.y[i], st.z[i]}.add(q[k]);
                st.x[i] = r.x;
                st.y[i] = r.y;
                st.z[i] = r.z;
                if (r.is_infinity()) inf[i] = 1;
            }
        }
    }
    for (std::size_t i = 0; i < cnt; ++i) pts[i] = inf[i] ? J::infinity() : J{st.x[i], st.y[i], st.z[i]};
}

// The inverse DFT: bit-reversal, then radix-2 butterflies with twiddles w^-j; the last level
// also multiplies by 1/n (both of its inputs, so 1/n costs n/2 more multiplications, not n).
// The butterflies of a level run in parallel, their multiplications in batches.
template <class J>
void ifft(J* a, unsigned log_n, ThreadPool& pool, Progress* prog) {
    const std::size_t n = std::size_t(1) << log_n;
    if (n == 1) return;
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) std::swap(a[i], a[j]);
    }
    // tw[j] = w^-j for j < n/2.
    std::vector<Fr> tw(n / 2);
    const Fr winv = fr_root_of_unity(log_n).inverse();
    pool.parallel_for(n / 2, [&](std::size_t lo, std::size_t hi) {
        Fr x = winv.pow(Limbs{lo, 0, 0, 0});
        for (std::size_t j = lo; j < hi; ++j) {
            tw[j] = x;
            x *= winv;
        }
    });
    const Fr ninv = Fr::from_u64(n).inverse();
    const Limbs ninv_c = ninv.to_canonical();
    for (unsigned s = 1; s <= log_n; ++s) {
        const std::size_t m = std::size_t(1) << (s - 1), stride = n >> s;
        const bool last = s == log_n;
        pool.parallel_for(n / 2, [&](std::size_t lo, std::size_t hi) {
            constexpr std::size_t kGroup = 128;
            std::vector<J> pts;
            std::vector<Limbs> ks;
            pts.reserve(2 * kGroup);
            ks.reserve(2 * kGroup);
            for (std::size_t g0 = lo; g0 < hi; g0 += kGroup) {
                const std::size_t g1 = std::min(hi, g0 + kGroup);
                pts.clear();
                ks.clear();
                for (std::size_t t = g0; t < g1; ++t) {
                    const std::size_t j = t & (m - 1);
                    const std::size_t i0 = ((t >> (s - 1)) << s) + j, i1 = i0 + m;
                    if (last) {
                        pts.push_back(a[i0]);
                        ks.push_back(ninv_c);
                        pts.push_back(a[i1]);
                        ks.push_back((tw[j * stride] * ninv).to_canonical());
                    } else if (j != 0) {
                        pts.push_back(a[i1]);
                        ks.push_back(tw[j * stride].to_canonical());
                    }
                }
                mul_glv_batch(pts.data(), ks.data(), pts.size());
                std::size_t k = 0;
                for (std::size_t t = g0; t < g1; ++t) {
                    const std::size_t j = t & (m - 1);
                    const std::size_t i0 = ((t >> (s - 1)) << s) + j, i1 = i0 + m;
                    const J x = last ? pts[k++] : a[i0];
                    const J y = (last || j != 0) ? pts[k++] : a[i1];
                    a[i1] = x.add(y.neg());
                    a[i0] = x.add(y);
                }
            }
            if (prog) prog->advance(hi - lo);
        });
    }
}

// Multiplications (counted as butterflies) of an inverse DFT of 2^p points, for progress.
std::uint64_t ifft_work(unsigned p) { return p == 0 ? 0 : (std::uint64_t(1) << (p - 1)) * p; }

void put_limbs(std::uint8_t* out, const Limbs& l) {
    for (int i = 0; i < 4; ++i)
        for (int b = 0; b < 8; ++b) out[8 * i + b] = std::uint8_t(l[i] >> (8 * b));
}

template <class J>
struct Lem;
template <>
struct Lem<G1> {
    static constexpr std::size_t kSize = 64;
    static G1Affine from(const std::uint8_t* p) { return g1_from_lem(p); }
    static void to(const G1Affine& a, std::uint8_t* p) { g1_to_lem(a, p); }
};
template <>
struct Lem<G2> {
    static constexpr std::size_t kSize = 128;
    static G2Affine from(const std::uint8_t* p) { return g2_from_lem(p); }
    static void to(const G2Affine& a, std::uint8_t* p) { g2_to_lem(a, p); }
};

// Lagrange form of the n_in LEM points at src, padded with infinity to 2^p, appended to w.
template <class J>
void lagrange_section_power(const std::uint8_t* src, std::size_t n_in, unsigned p, BinWriter& w, ThreadPool& pool,
                            Progress* prog) {
    using L = Lem<J>;
    const std::size_t n = std::size_t(1) << p;
    std::vector<J> a(n, J::infinity());
    pool.parallel_for(n_in, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t i = lo; i < hi; ++i) a[i] = J::from_affine(L::from(src + L::kSize * i));
    });
    ifft(a.data(), p, pool, prog);
    constexpr std::size_t kBlock = std::size_t(1) << 14, kChunk = 512;
    std::vector<std::uint8_t> buf(std::min(n, kBlock) * L::kSize);
    for (std::size_t b0 = 0; b0 < n; b0 += kBlock) {
        const std::size_t bn = std::min(kBlock, n - b0);
        pool.run((bn + kChunk - 1) / kChunk, [&](std::size_t c) {
            const std::size_t lo = c * kChunk, hi = std::min(bn, lo + kChunk);
            const std::vector<J> part(a.begin() + std::ptrdiff_t(b0 + lo), a.begin() + std::ptrdiff_t(b0 + hi));
            const auto aff = batch_to_affine(part);
            for (std::size_t i = lo; i < hi; ++i) L::to(aff[i - lo], buf.data() + L::kSize * i);
        });
        w.write(buf.data(), bn * L::kSize);
    }
}

}  // namespace

G1 g1_mul_glv(const G1& p, const Limbs& k) { return mul_glv(p, k); }
G2 g2_mul_glv(const G2& p, const Limbs& k) { return mul_glv(p, k); }
void g1_mul_batch(G1* pts, const Limbs* ks, std::size_t n) { mul_glv_batch(pts, ks, n); }
void g2_mul_batch(G2* pts, const Limbs* ks, std::size_t n) { mul_glv_batch(pts, ks, n); }
void g1_ifft(G1* a, unsigned log_n, ThreadPool& pool) { ifft(a, log_n, pool, nullptr); }
void g2_ifft(G2* a, unsigned log_n, ThreadPool& pool) { ifft(a, log_n, pool, nullptr); }

void ptau_prepare(const std::string& in_path, const std::string& out_path, ThreadPool& pool,
                  const PtauPrepareOptions& opt) {
    BinFile in(in_path, "ptau", 1);
    Reader h = in.reader(1);
    const std::uint32_t n8 = h.u32();
    if (n8 != 32) throw Error(in_path + ": unsupported field size of " + std::to_string(n8) + " bytes");
    const Limbs q = h.limbs(32);
    if (q != FqParams::MOD)
        throw Error(in_path + ": powers of tau for another curve (" + curve_name_for_prime(q) + "); only bn128 is supported");
    const unsigned power = h.u32();
    h.u32();  // ceremony power: snarkjs writes the power in its place
    if (h.remaining() != 0) throw Error(in_path + ": invalid header size");
    if (power < 1 || power > kFrTwoAdicity - 1)
        throw Error(in_path + ": invalid power " + std::to_string(power) + " (1.." + std::to_string(kFrTwoAdicity - 1) + ")");
    const std::size_t n = std::size_t(1) << power;
    const Bytes tau_g1 = in.section(2, (2 * n - 1) * 64, "tauG1");
    const Bytes tau_g2 = in.section(3, n * 128, "tauG2");
    const Bytes alpha_g1 = in.section(4, n * 64, "alphaTauG1");
    const Bytes beta_g1 = in.section(5, n * 64, "betaTauG1");
    const Bytes beta_g2 = in.section(6, 128, "betaG2");
    const Bytes contribs = in.section(7);

    BinWriter w(out_path, "ptau", 1, 11);
    w.begin_section(1);
    w.u32(32);
    std::uint8_t qb[32];
    put_limbs(qb, q);
    w.write(qb, 32);
    w.u32(power);
    w.u32(power);
    w.end_section();
    const Bytes copies[] = {tau_g1, tau_g2, alpha_g1, beta_g1, beta_g2, contribs};
    for (std::uint32_t id = 2; id <= 7; ++id) {
        w.begin_section(id);
        w.write(copies[id - 2].data, copies[id - 2].size);
        w.end_section();
    }

    struct Sec {
        std::uint32_t id;
        const char* name;
        const std::uint8_t* src;
        bool g2, extra;
    };
    const Sec secs[] = {{12, "tauG1", tau_g1.data, false, true},
                        {13, "tauG2", tau_g2.data, true, false},
                        {14, "alphaTauG1", alpha_g1.data, false, false},
                        {15, "betaTauG1", beta_g1.data, false, false}};
    for (const Sec& s : secs) {
        const auto t0 = std::chrono::steady_clock::now();
        const unsigned top = s.extra ? power + 1 : power;
        std::uint64_t work = 0;
        for (unsigned p = 0; p <= top; ++p) work += ifft_work(p);
        Progress prog(std::string("prepare ") + s.name, work, opt.progress);
        w.begin_section(s.id);
        for (unsigned p = 0; p <= top; ++p) {
            const std::size_t np = std::size_t(1) << p;
            const std::size_t n_in = p == power + 1 ? np - 1 : np;  // the last tauG1 power is absent
            if (s.g2) {
                lagrange_section_power<G2>(s.src, n_in, p, w, pool, &prog);
            } else {
                lagrange_section_power<G1>(s.src, n_in, p, w, pool, &prog);
            }
        }
        w.end_section();
        prog.done();
        if (opt.verbose) {
            const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::fprintf(stderr, "prepare: %-10s %3u domains  %8.3f s\n", s.name, top + 1, dt);
        }
    }
    w.commit();
}

}  // namespace peregrine::setup
