// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/ptau_prepare.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <type_traits>
#include <vector>

#include "curve/affine_batch.hpp"
#include "formats/binfile.hpp"
#include "formats/binwriter.hpp"
#include "formats/zkey.hpp"
#include "curve/glv.hpp"
#include "setup/keys.hpp"
#include "setup/ptau_prepare_endo.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace peregrine::setup {

namespace {

constexpr int kWindow = 5;                 // signed odd digits |d| < 2^(kWindow-1)
constexpr int kTable = 1 << (kWindow - 2);  // odd multiples 1, 3, ..., 2^(kWindow-1) - 1

constexpr int kBooth = 4;                       // signed fixed windows: digits in [-8, 8]
constexpr int kBoothTable = 1 << (kBooth - 1);  // multiples 1, 2, ..., 8

// Signed fixed-window digits of k < 2^128: k = sum_j d[j] 16^j, |d[j]| <= 8; returns the count.
// Every point of a batch adds at the same steps, so the additions of a step share one inversion.
int booth(unsigned __int128 k, std::int8_t* d) {
    int n = 0, carry = 0;
    while (k != 0 || carry != 0) {
        int v = int(k & ((1u << kBooth) - 1)) + carry;
        k >>= kBooth;
        carry = v > kBoothTable ? 1 : 0;
        if (carry) v -= 1 << kBooth;
        d[n++] = std::int8_t(v);
    }
    return n;
}

template <class J>
J mul_glv(const J& p, const Limbs& k) {
    if (p.is_infinity()) return p;
    const GlvSplit s = glv_split(k);
    std::int8_t d1[136], d2[136];
    const int n1 = (int)wnaf5(s.k1, d1), n2 = (int)wnaf5(s.k2, d2);
    J t[kTable], tp[kTable];
    t[0] = p;
    const J p2 = p.dbl();
    for (int i = 1; i < kTable; ++i) t[i] = t[i - 1].add(p2);
    for (int i = 0; i < kTable; ++i) tp[i] = J{glv_endo_x(t[i].x), t[i].y, t[i].z};
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

// The endomorphism decomposition of each group: D scalars and the D endomorphisms on affine points.
template <class J>
struct Endo;
template <>
struct Endo<G1> {
    static constexpr int D = 2;
    static constexpr std::size_t kGroup = 1024;  // butterflies per batch
    static EndoSplit<2> split(const Limbs& k) { return g1_endo_split(k); }
    static Fq beta() { return Fq::from_canonical(glv_beta_g1()); }
};
template <>
struct Endo<G2> {
    static constexpr int D = 4;
    static constexpr std::size_t kGroup = 512;
    static EndoSplit<4> split(const Limbs& k) { return g2_endo_split(k); }
    static Fq2 psi_x() { return g2_psi_constants()[0]; }
    static Fq2 psi_y() { return g2_psi_constants()[1]; }
    static Fq psi2_x() { return Fq::from_canonical(glv_beta_g2()); }  // psi^2 = (psi2_x x, -y)
};

// Buffers of one batched multiplication, reused across the batches of a thread.
template <class J>
struct MulWork {
    using Aff = typename J::Aff;
    using F = typename J::Field;
    struct Digits {
        std::int8_t d[Endo<J>::D][40];
        int n[Endo<J>::D];
        bool neg[Endo<J>::D];
    };
    std::vector<Digits> dg;
    std::vector<F> tx, ty, ax, ay, qx, qy, gx, gy;  // tables (entry-major), accumulators, gathers
    std::vector<F> c0, c1;                          // constant arrays for the endomorphisms
    std::vector<Fq> c2;
    std::vector<Aff> tabs[Endo<J>::D];
    std::vector<std::uint8_t> inf, special;
    std::vector<std::uint32_t> idx;
    AffineScratch<F> s;
};

// pts[i] <- ks[i] * pts[i] for a batch of affine points: endomorphism split (GLV on G1,
// 4-dimensional GLS on G2) and signed 4-bit fixed windows per point; the window tables and the
// double-and-add chains of all points run in affine lockstep (one inversion per step).
template <class J>
void mul_aff_batch(typename J::Aff* pts, const Limbs* ks, std::size_t cnt, MulWork<J>& w) {
    using Aff = typename J::Aff;
    using F = typename J::Field;
    constexpr int D = Endo<J>::D;
    if (cnt == 0) return;
    w.dg.resize(cnt);
    int top = 0;
    for (std::size_t i = 0; i < cnt; ++i) {
        const EndoSplit<D> s = Endo<J>::split(ks[i]);
        auto& d = w.dg[i];
        for (int h = 0; h < D; ++h) {
            d.n[h] = booth(s.mag[h], d.d[h]);
            d.neg[h] = s.neg[h];
            top = std::max(top, d.n[h]);
        }
    }
    // Tables: tx/ty[e * cnt + i] = (e + 1) pts[i]; for pts[i] at infinity they hold garbage and
    // tabs[0] gets infinity.
    w.tx.resize(kBoothTable * cnt);
    w.ty.resize(kBoothTable * cnt);
    w.special.resize(cnt);
    F* tx = w.tx.data();
    F* ty = w.ty.data();
    for (std::size_t i = 0; i < cnt; ++i) {
        tx[i] = pts[i].x;
        ty[i] = pts[i].y;
    }
    std::copy(tx, tx + cnt, tx + cnt);
    std::copy(ty, ty + cnt, ty + cnt);
    affine_dbl_n(tx + cnt, ty + cnt, cnt, w.s);  // 2P
    for (int e = 2; e < kBoothTable; ++e) {  // (e + 1) P = e P + P, never a doubling for e < r - 1
        std::copy(tx + (e - 1) * cnt, tx + e * cnt, tx + e * cnt);
        std::copy(ty + (e - 1) * cnt, ty + e * cnt, ty + e * cnt);
        affine_add_n(tx + e * cnt, ty + e * cnt, tx, ty, cnt, w.special.data(), w.s);
    }
    constexpr std::size_t kEntries = std::size_t(kBoothTable);
    const std::size_t ne = kEntries * cnt;
    for (int h = 0; h < D; ++h) w.tabs[h].resize(ne);
    // The endomorphism images of the tables, their products in mul_n batches: on G1
    // (beta x, y); on G2 psi = (conj(x) cx, conj(y) cy), psi^2 = (beta2 x, -y), psi^3 = psi^2 psi.
    const auto fill_const = [ne](std::vector<F>& v, const F& c) {
        if (v.size() < ne || !(v[0] == c)) v.assign(ne, c);
    };
    if constexpr (D == 2) {
        fill_const(w.c0, Endo<J>::beta());
        w.gx.resize(ne);
        mul_n(w.gx.data(), tx, w.c0.data(), ne);
        for (std::size_t e = 0; e < ne; ++e) {
            const bool inf = pts[e % cnt].is_infinity();
            w.tabs[0][e] = inf ? Aff{} : Aff{tx[e], ty[e]};
            w.tabs[1][e] = inf ? Aff{} : Aff{w.gx[e], ty[e]};
        }
    } else {
        fill_const(w.c0, Endo<J>::psi_x());
        fill_const(w.c1, Endo<J>::psi_y());
        w.gx.resize(2 * ne);
        w.gy.resize(2 * ne);
        F* x1 = w.gx.data();
        F* y1 = w.gy.data();
        F* x2 = x1 + ne;
        F* x3 = y1 + ne;
        for (std::size_t e = 0; e < ne; ++e) {
            x1[e] = tx[e].conjugate();
            y1[e] = ty[e].conjugate();
        }
        mul_n(x1, x1, w.c0.data(), ne);
        mul_n(y1, y1, w.c1.data(), ne);
        const auto beta2 = Endo<J>::psi2_x();  // in Fq: x * beta2 is two Fq products
        using B = std::remove_cv_t<decltype(beta2)>;
        if (w.c2.size() < 2 * ne || !(w.c2[0] == beta2)) w.c2.assign(2 * ne, beta2);
        mul_n(reinterpret_cast<B*>(x2), reinterpret_cast<const B*>(tx), w.c2.data(), 2 * ne);
        mul_n(reinterpret_cast<B*>(x3), reinterpret_cast<const B*>(x1), w.c2.data(), 2 * ne);
        for (std::size_t e = 0; e < ne; ++e) {
            if (pts[e % cnt].is_infinity()) {
                for (int h = 0; h < D; ++h) w.tabs[h][e] = Aff{};
                continue;
            }
            w.tabs[0][e] = Aff{tx[e], ty[e]};
            w.tabs[1][e] = Aff{x1[e], y1[e]};
            w.tabs[2][e] = Aff{x2[e], -ty[e]};
            w.tabs[3][e] = Aff{x3[e], -y1[e]};
        }
    }
    w.gx.resize(cnt);
    w.gy.resize(cnt);

    w.ax.resize(cnt);
    w.ay.resize(cnt);
    w.qx.resize(cnt);
    w.qy.resize(cnt);
    w.gx.resize(cnt);
    w.gy.resize(cnt);
    w.inf.assign(cnt, 1);
    for (int b = top - 1; b >= 0; --b) {
        if (b != top - 1)
            for (int r = 0; r < kBooth; ++r) affine_dbl_n(w.ax.data(), w.ay.data(), cnt, w.s);
        for (int h = 0; h < D; ++h) {
            w.idx.clear();
            std::size_t m = 0;
            for (std::size_t i = 0; i < cnt; ++i) {
                const auto& d = w.dg[i];
                const int v = b < d.n[h] ? d.d[h][b] : 0;
                if (v == 0) continue;
                Aff p = w.tabs[h][std::size_t((v < 0 ? -v : v) - 1) * cnt + i];
                if (p.is_infinity()) continue;
                if ((v < 0) != d.neg[h]) p = p.neg();
                if (w.inf[i]) {
                    w.ax[i] = p.x;
                    w.ay[i] = p.y;
                    w.inf[i] = 0;
                    continue;
                }
                w.idx.push_back(std::uint32_t(i));
                w.gx[m] = w.ax[i];
                w.gy[m] = w.ay[i];
                w.qx[m] = p.x;
                w.qy[m] = p.y;
                ++m;
            }
            affine_add_n(w.gx.data(), w.gy.data(), w.qx.data(), w.qy.data(), m, w.special.data(), w.s);
            for (std::size_t k = 0; k < m; ++k) {
                const std::uint32_t i = w.idx[k];
                if (!w.special[k]) {
                    w.ax[i] = w.gx[k];
                    w.ay[i] = w.gy[k];
                    continue;
                }
                // Equal x: the accumulator is q (double it) or -q (the sum is infinity).
                if (w.ay[i] == w.qy[k]) {
                    const Aff r = J::from_affine(Aff{w.ax[i], w.ay[i]}).dbl().to_affine();
                    w.ax[i] = r.x;
                    w.ay[i] = r.y;
                } else {
                    w.ax[i] = F::zero();
                    w.ay[i] = F::zero();
                    w.inf[i] = 1;
                }
            }
        }
        // Keep y = 0 on points at infinity so that the next doubling's denominator is zero.
        for (std::size_t i = 0; i < cnt; ++i)
            if (w.inf[i]) w.ax[i] = w.ay[i] = F::zero();
    }
    for (std::size_t i = 0; i < cnt; ++i) pts[i] = w.inf[i] ? Aff{} : Aff{w.ax[i], w.ay[i]};
}

// The inverse DFT on affine points: bit-reversal, then radix-2 butterflies with twiddles w^-j;
// the last level also multiplies by 1/n (both of its inputs, so 1/n costs n/2 more
// multiplications, not n). The butterflies of a level run in parallel, their multiplications and
// additions in affine batches.
template <class J>
void ifft(typename J::Aff* a, unsigned log_n, ThreadPool& pool, Progress* prog) {
    using Aff = typename J::Aff;
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
    struct LevelWork {
        MulWork<J> mul;
        std::vector<Aff> pts, xs, ys;
        std::vector<Limbs> ks;
    };
    const std::size_t threads = std::max<std::size_t>(1, pool.size());
    std::vector<LevelWork> works(threads);
    for (unsigned s = 1; s <= log_n; ++s) {
        const std::size_t m = std::size_t(1) << (s - 1), stride = n >> s;
        const bool last = s == log_n;
        // Large batches (every step of a batch costs one inversion, whatever its size), taken by
        // the pool's threads from a shared counter; each thread keeps its buffers across levels.
        const std::size_t half = n / 2;
        const std::size_t group = std::min(Endo<J>::kGroup, (half + threads - 1) / threads);
        const std::size_t groups = (half + group - 1) / group;
        std::atomic<std::size_t> next{0};
        pool.run(std::min(threads, groups), [&](std::size_t c) {
            LevelWork& lw = works[c];
            for (std::size_t gi; (gi = next.fetch_add(1)) < groups;) {
                const std::size_t g0 = gi * group, g1 = std::min(half, g0 + group);
                lw.pts.clear();
                lw.ks.clear();
                for (std::size_t t = g0; t < g1; ++t) {
                    const std::size_t j = t & (m - 1);
                    const std::size_t i0 = ((t >> (s - 1)) << s) + j, i1 = i0 + m;
                    if (last) {
                        lw.pts.push_back(a[i0]);
                        lw.ks.push_back(ninv_c);
                        lw.pts.push_back(a[i1]);
                        lw.ks.push_back((tw[j * stride] * ninv).to_canonical());
                    } else if (j != 0) {
                        lw.pts.push_back(a[i1]);
                        lw.ks.push_back(tw[j * stride].to_canonical());
                    }
                }
                mul_aff_batch<J>(lw.pts.data(), lw.ks.data(), lw.pts.size(), lw.mul);
                lw.xs.clear();
                lw.ys.clear();
                std::size_t k = 0;
                for (std::size_t t = g0; t < g1; ++t) {
                    const std::size_t j = t & (m - 1);
                    const std::size_t i0 = ((t >> (s - 1)) << s) + j, i1 = i0 + m;
                    lw.xs.push_back(last ? lw.pts[k++] : a[i0]);
                    lw.ys.push_back((last || j != 0) ? lw.pts[k++] : a[i1]);
                }
                affine_butterfly_n<J>(lw.xs.data(), lw.ys.data(), lw.xs.size(), lw.mul.s);
                k = 0;
                for (std::size_t t = g0; t < g1; ++t, ++k) {
                    const std::size_t j = t & (m - 1);
                    const std::size_t i0 = ((t >> (s - 1)) << s) + j, i1 = i0 + m;
                    a[i0] = lw.xs[k];
                    a[i1] = lw.ys[k];
                }
                if (prog) prog->advance(g1 - g0);
            }
        });
    }
}

template <class J>
void ifft_jacobian(J* a, unsigned log_n, ThreadPool& pool) {
    const std::vector<J> in(a, a + (std::size_t(1) << log_n));
    std::vector<typename J::Aff> aff = batch_to_affine(in);
    ifft<J>(aff.data(), log_n, pool, nullptr);
    for (std::size_t i = 0; i < aff.size(); ++i) a[i] = J::from_affine(aff[i]);
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
    std::vector<typename J::Aff> a(n);  // (0, 0): infinity
    pool.parallel_for(n_in, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t i = lo; i < hi; ++i) a[i] = L::from(src + L::kSize * i);
    });
    ifft<J>(a.data(), p, pool, prog);
    constexpr std::size_t kBlock = std::size_t(1) << 14, kChunk = 512;
    std::vector<std::uint8_t> buf(std::min(n, kBlock) * L::kSize);
    for (std::size_t b0 = 0; b0 < n; b0 += kBlock) {
        const std::size_t bn = std::min(kBlock, n - b0);
        pool.run((bn + kChunk - 1) / kChunk, [&](std::size_t c) {
            const std::size_t lo = c * kChunk, hi = std::min(bn, lo + kChunk);
            for (std::size_t i = lo; i < hi; ++i) L::to(a[b0 + i], buf.data() + L::kSize * i);
        });
        w.write(buf.data(), bn * L::kSize);
    }
}

}  // namespace

G1 g1_mul_glv(const G1& p, const Limbs& k) { return mul_glv(p, k); }
G2 g2_mul_glv(const G2& p, const Limbs& k) { return mul_glv(p, k); }
namespace {
template <class J>
void mul_batch_jacobian(J* pts, const Limbs* ks, std::size_t n) {
    std::vector<typename J::Aff> aff = batch_to_affine(std::vector<J>(pts, pts + n));
    MulWork<J> work;
    mul_aff_batch<J>(aff.data(), ks, n, work);
    for (std::size_t i = 0; i < n; ++i) pts[i] = J::from_affine(aff[i]);
}
}  // namespace

void g1_mul_batch(G1* pts, const Limbs* ks, std::size_t n) { mul_batch_jacobian(pts, ks, n); }
void g2_mul_batch(G2* pts, const Limbs* ks, std::size_t n) { mul_batch_jacobian(pts, ks, n); }
void g1_ifft(G1* a, unsigned log_n, ThreadPool& pool) { ifft_jacobian(a, log_n, pool); }
void g2_ifft(G2* a, unsigned log_n, ThreadPool& pool) { ifft_jacobian(a, log_n, pool); }

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
