// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/zkey_new_points.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "curve/batch_sums.hpp"
#include "curve/bn254.hpp"
#include "msm/msm.hpp"
#include "setup/keys.hpp"
#include "setup/ptau_prepare.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace peregrine::setup {

namespace {

constexpr std::uint32_t kOne = 0xffffffffu;  // coefficient index meaning 1
constexpr std::size_t kHeavy = 2048;          // terms from which a point is an MSM over the pool
constexpr std::size_t kBlock = std::size_t(1) << 14;
// Terms and points per batch_sums call: more terms share more table entries (each Lagrange point
// serves several terms of a chunk) and inversions, at the cost of cache misses. Measured fastest
// on the real 2^16 Poseidon key: with IFMA, 8192 (G1) and 4096 (G2); without, 4096 and 2048
// (Intel Xeon with IFMA, and the same CPU without it).
std::size_t chunk_terms(bool g2) {
    const std::size_t n = detail::use_ifma<Fq>(8) ? 8192 : 4096;
    return g2 ? n / 2 : n;
}

enum Base : std::uint8_t { kTau, kTauG2, kAlpha, kBeta };

struct Term {
    std::uint32_t base;  // index into the Lagrange array
    std::uint32_t coef;  // index into cs.terms, or kOne
    Base kind;
};

// Terms grouped by target point (CSR).
struct Csr {
    std::vector<std::uint64_t> start;
    std::vector<Term> terms;
};

Csr build_csr(const R1cs& cs, Target t, std::uint32_t count) {
    const std::uint32_t n_pub = cs.n_public(), n_c = cs.header.n_constraints;
    // visit(fn): fn(target, Term) for every term of t, in snarkjs's order.
    auto visit = [&](auto&& fn) {
        for (std::uint32_t c = 0; c < n_c; ++c) {
            for (std::uint32_t m = 0; m < 3; ++m) {
                for (std::uint64_t k = cs.lc_start[3 * c + m]; k < cs.lc_start[3 * c + m + 1]; ++k) {
                    const std::uint32_t s = cs.terms[k].signal;
                    const Term term{c, std::uint32_t(k), kTau};
                    switch (t) {
                        case Target::A:
                            if (m == 0) fn(s, term);
                            break;
                        case Target::B1:
                            if (m == 1) fn(s, term);
                            break;
                        case Target::B2:
                            if (m == 1) fn(s, Term{c, std::uint32_t(k), kTauG2});
                            break;
                        case Target::IC:
                        case Target::C: {
                            const Base b = m == 0 ? kBeta : m == 1 ? kAlpha : kTau;
                            if ((s <= n_pub) == (t == Target::IC)) fn(t == Target::IC ? s : s - n_pub - 1, Term{c, std::uint32_t(k), b});
                            break;
                        }
                    }
                }
            }
        }
        for (std::uint32_t s = 0; s <= n_pub; ++s) {
            if (t == Target::A) fn(s, Term{n_c + s, kOne, kTau});
            if (t == Target::IC) fn(s, Term{n_c + s, kOne, kBeta});
        }
    };
    Csr m;
    m.start.assign(std::size_t(count) + 1, 0);
    visit([&](std::uint32_t target, const Term&) { ++m.start[target + 1]; });
    for (std::size_t i = 0; i < count; ++i) m.start[i + 1] += m.start[i];
    m.terms.resize(m.start[count]);
    std::vector<std::uint64_t> pos(m.start.begin(), m.start.end() - 1);
    visit([&](std::uint32_t target, const Term& term) { m.terms[pos[target]++] = term; });
    return m;
}

template <class J>
struct Ops;
template <>
struct Ops<G1> {
    static constexpr std::size_t kSize = 64;
    static G1Affine from(const std::uint8_t* p) { return g1_from_lem(p); }
    static void to(const G1Affine& a, std::uint8_t* p) { g1_to_lem(a, p); }
    static void sums(const G1Affine* p, std::size_t np, const std::uint32_t* b, const Limbs* k, const std::uint64_t* st,
                     std::size_t n, G1* out) {
        g1_batch_sums(p, np, b, k, st, n, out);
    }
    static G1 msm(const std::uint8_t* b, const Limbs* s, std::size_t n, ThreadPool& pool) { return msm_g1(b, s, n, pool); }
};
template <>
struct Ops<G2> {
    static constexpr std::size_t kSize = 128;
    static G2Affine from(const std::uint8_t* p) { return g2_from_lem(p); }
    static void to(const G2Affine& a, std::uint8_t* p) { g2_to_lem(a, p); }
    static void sums(const G2Affine* p, std::size_t np, const std::uint32_t* b, const Limbs* k, const std::uint64_t* st,
                     std::size_t n, G2* out) {
        g2_batch_sums(p, np, b, k, st, n, out);
    }
    static G2 msm(const std::uint8_t* b, const Limbs* s, std::size_t n, ThreadPool& pool) { return msm_g2(b, s, n, pool); }
};

const Limbs kMinusOne = {FrParams::MOD[0] - 1, FrParams::MOD[1], FrParams::MOD[2], FrParams::MOD[3]};

// How a term's coefficient is applied: skipped, added as it is, negated, or multiplied in.
enum class Coef : std::uint8_t { kZero, kOne, kMinusOne, kOther };

Coef classify(const Limbs& s) {
    if (is_zero(s)) return Coef::kZero;
    if (s == Limbs{1, 0, 0, 0}) return Coef::kOne;
    if (s == kMinusOne) return Coef::kMinusOne;
    return Coef::kOther;
}

// One block of target points. Each point is a sum of coefficient x Lagrange point terms: the
// terms with a coefficient other than 0 and +-1 go through g1/g2_batch_sums (Straus: one chain
// of doublings per point, shared by its terms; curve/batch_sums), the +-1 terms are added after.
// Points with many terms are one MSM each instead. Coefficients are classified once.
template <class J>
void compute_points(const R1cs& cs, const LagrangeBases& lb, const Csr& m, std::uint32_t count, ThreadPool& pool,
                    Progress& prog, const std::function<void(const std::uint8_t*, std::size_t)>& emit) {
    using O = Ops<J>;
    using Aff = typename J::Aff;
    const std::uint8_t* bases[4] = {lb.tau_g1, lb.tau_g2, lb.alpha_g1, lb.beta_g1};
    auto base = [&](const Term& t) { return bases[t.kind] + O::kSize * std::size_t(t.base); };
    static const Limbs kOneLimbs{1, 0, 0, 0};
    auto coef = [&](const Term& t) -> const Limbs& { return t.coef == kOne ? kOneLimbs : cs.terms[t.coef].coef; };
    // The class of every term's coefficient, once.
    std::vector<Coef> cls(m.terms.size());
    pool.parallel_for(m.terms.size(), [&](std::size_t lo, std::size_t hi) {
        for (std::size_t k = lo; k < hi; ++k) cls[k] = classify(coef(m.terms[k]));
    });
    std::vector<J> res(std::min<std::size_t>(count, kBlock));
    std::vector<std::uint8_t> out(res.size() * O::kSize);
    std::vector<std::size_t> chunks;  // chunk c: targets chunks[c] .. chunks[c + 1] - 1 of the block
    for (std::size_t b0 = 0; b0 < count; b0 += kBlock) {
        const std::size_t bn = std::min<std::size_t>(kBlock, count - b0);
        // Points with many terms: one MSM each over the whole pool.
        for (std::size_t i = 0; i < bn; ++i) {
            const std::uint64_t lo = m.start[b0 + i], hi = m.start[b0 + i + 1];
            if (hi - lo < kHeavy) continue;
            std::vector<std::uint8_t> bb((hi - lo) * O::kSize);
            std::vector<Limbs> sc(hi - lo);
            for (std::uint64_t k = lo; k < hi; ++k) {
                std::memcpy(bb.data() + O::kSize * (k - lo), base(m.terms[k]), O::kSize);
                sc[k - lo] = coef(m.terms[k]);
            }
            res[i] = O::msm(bb.data(), sc.data(), hi - lo, pool);
        }
        // Chunks of the other points with about chunk_terms(g2) terms (at most half as many points)
        // each, for the pool.
        chunks.assign(1, 0);
        const std::size_t chunk = chunk_terms(std::is_same_v<J, G2>);
        std::size_t terms = 0;
        for (std::size_t i = 0; i < bn; ++i) {
            const std::uint64_t t0 = m.start[b0 + i], t1 = m.start[b0 + i + 1];
            if (t1 - t0 < kHeavy) terms += t1 - t0;
            if (terms >= chunk || i + 1 - chunks.back() >= chunk / 2) {
                chunks.push_back(i + 1);
                terms = 0;
            }
        }
        if (chunks.back() != bn) chunks.push_back(bn);
        pool.run(chunks.size() - 1, [&](std::size_t c) {
            const std::size_t lo = chunks[c], hi = chunks[c + 1];
            // The chunk's terms (coefficient and Lagrange point), each distinct point once.
            std::vector<std::uint64_t> keys;  // kind << 32 | index, of each term
            std::vector<Limbs> ks;
            std::vector<std::uint64_t> st(hi - lo + 1, 0);
            std::vector<J> sums(hi - lo);
            for (std::size_t i = lo; i < hi; ++i) {
                const std::uint64_t t0 = m.start[b0 + i], t1 = m.start[b0 + i + 1];
                if (t1 - t0 < kHeavy)
                    for (std::uint64_t k = t0; k < t1; ++k) {
                        if (cls[k] != Coef::kOther) continue;
                        keys.push_back(std::uint64_t(m.terms[k].kind) << 32 | m.terms[k].base);
                        ks.push_back(coef(m.terms[k]));
                    }
                st[i - lo + 1] = ks.size();
            }
            std::vector<std::uint64_t> distinct(keys);
            std::sort(distinct.begin(), distinct.end());
            distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
            std::vector<Aff> pts(distinct.size());
            for (std::size_t d = 0; d < distinct.size(); ++d)
                pts[d] = O::from(bases[distinct[d] >> 32] + O::kSize * (distinct[d] & 0xffffffffu));
            std::vector<std::uint32_t> which(keys.size());
            for (std::size_t k = 0; k < keys.size(); ++k)
                which[k] = std::uint32_t(std::lower_bound(distinct.begin(), distinct.end(), keys[k]) - distinct.begin());
            O::sums(pts.data(), pts.size(), which.data(), ks.data(), st.data(), hi - lo, sums.data());
            for (std::size_t i = lo; i < hi; ++i) {
                const std::uint64_t t0 = m.start[b0 + i], t1 = m.start[b0 + i + 1];
                if (t1 - t0 >= kHeavy) continue;
                J acc = sums[i - lo];
                for (std::uint64_t k = t0; k < t1; ++k) {
                    if (cls[k] == Coef::kOne) acc = acc.add(O::from(base(m.terms[k])));
                    else if (cls[k] == Coef::kMinusOne) acc = acc.add(O::from(base(m.terms[k])).neg());
                }
                res[i] = acc;
            }
            const std::vector<J> part(res.begin() + std::ptrdiff_t(lo), res.begin() + std::ptrdiff_t(hi));
            const auto aff = batch_to_affine(part);
            for (std::size_t i = lo; i < hi; ++i) O::to(aff[i - lo], out.data() + O::kSize * i);
            prog.advance(hi - lo);
        });
        emit(out.data(), bn);
    }
}

}  // namespace

std::uint32_t PointSums::count(Target t) const {
    const std::uint32_t n_pub = cs_.n_public(), n_vars = cs_.header.n_wires;
    switch (t) {
        case Target::IC: return n_pub + 1;
        case Target::C: return n_vars - n_pub - 1;
        default: return n_vars;
    }
}

void PointSums::compute(Target t, ThreadPool& pool, bool progress,
                        const std::function<void(const std::uint8_t*, std::size_t)>& emit) const {
    static const char* const names[] = {"setup IC", "setup C", "setup A", "setup B1", "setup B2"};
    const std::uint32_t n = count(t);
    const Csr m = build_csr(cs_, t, n);
    Progress prog(names[int(t)], n, progress);
    if (t == Target::B2) {
        compute_points<G2>(cs_, lb_, m, n, pool, prog, emit);
    } else {
        compute_points<G1>(cs_, lb_, m, n, pool, prog, emit);
    }
}

void hash_lem(Blake2b& h, const std::uint8_t* lem, std::size_t n, bool g2, ThreadPool& pool) {
    std::vector<std::uint8_t> u(n * (g2 ? 128 : 64));
    if (g2) {
        g2_lem_to_uncompressed(lem, n, u.data(), pool);
    } else {
        g1_lem_to_uncompressed(lem, n, u.data(), pool);
    }
    h.update(u.data(), u.size());
}

namespace {

// snarkjs computes P - Q for the point past the end of tauG1 with the WebAssembly field code of
// ffjavascript on whatever bytes are there: 256-bit integers that may exceed q, with its own
// carries. Its additions and subtractions then differ from arithmetic mod q, so the sum is
// emulated here operation by operation on raw integers (its Montgomery products stay congruent
// mod q, so the final conversion to affine can use the field).
using u128 = unsigned __int128;

Limbs raw_add(const Limbs& a, const Limbs& b, bool& carry) {
    Limbs r;
    u128 c = 0;
    for (int i = 0; i < 4; ++i) {
        c += (u128)a[i] + b[i];
        r[i] = (std::uint64_t)c;
        c >>= 64;
    }
    carry = c != 0;
    return r;
}
Limbs raw_sub(const Limbs& a, const Limbs& b, bool& borrow) {
    Limbs r;
    std::uint64_t br = 0;
    for (int i = 0; i < 4; ++i) {
        const u128 d = (u128)a[i] - b[i] - br;
        r[i] = (std::uint64_t)d;
        br = (d >> 64) ? 1 : 0;
    }
    borrow = br != 0;
    return r;
}
// ffjavascript f1m_add: x + y, minus q on a carry or when >= q (mod 2^256).
Limbs wasm_add(const Limbs& x, const Limbs& y) {
    bool c, b;
    const Limbs r = raw_add(x, y, c);
    if (c || cmp(r, FqParams::MOD) >= 0) return raw_sub(r, FqParams::MOD, b);
    return r;
}
// f1m_sub: x - y, plus q on a borrow (mod 2^256).
Limbs wasm_sub(const Limbs& x, const Limbs& y) {
    bool c, b;
    const Limbs r = raw_sub(x, y, b);
    return b ? raw_add(r, FqParams::MOD, c) : r;
}
// f1m_mul / f1m_square: the Montgomery product (x y + m q) / 2^256 (< 2^256 + q), minus q when
// it has a bit 256 or is >= q.
Limbs wasm_mul(const Limbs& x, const Limbs& y) {
    const Limbs& q = FqParams::MOD;
    std::uint64_t t[9] = {};
    for (int i = 0; i < 4; ++i) {
        u128 c = 0;
        for (int j = 0; j < 4; ++j) {
            c += (u128)x[i] * y[j] + t[i + j];
            t[i + j] = (std::uint64_t)c;
            c >>= 64;
        }
        t[i + 4] = (std::uint64_t)c;
    }
    for (int i = 0; i < 4; ++i) {  // word-by-word reduction: the same m as any Montgomery method
        const std::uint64_t m = t[i] * Fq::INV;
        u128 c = 0;
        for (int j = 0; j < 4; ++j) {
            c += (u128)m * q[j] + t[i + j];
            t[i + j] = (std::uint64_t)c;
            c >>= 64;
        }
        for (int k = i + 4; k < 9 && c != 0; ++k) {
            c += t[k];
            t[k] = (std::uint64_t)c;
            c >>= 64;
        }
    }
    const Limbs r{t[4], t[5], t[6], t[7]};
    bool b;
    if (t[8] != 0 || cmp(r, q) >= 0) return raw_sub(r, q, b);
    return r;
}

Fq fq_reduced(Limbs a) {
    bool b;
    while (cmp(a, FqParams::MOD) >= 0) a = raw_sub(a, FqParams::MOD, b);
    return Fq::from_mont(a);
}

}  // namespace

// g1m_subAffine(p1, p2) on raw LEM bytes (p2 a valid point): ffjavascript's affine addition of p1
// and -p2, with its operations, to Jacobian; then affine.
G1Affine wasm_sub_affine(const std::uint8_t* p1, const std::uint8_t* p2) {
    const Limbs x1 = limbs_from_le(p1), y1 = limbs_from_le(p1 + 32);
    const Limbs x2 = limbs_from_le(p2), y2 = wasm_sub(Limbs{0, 0, 0, 0}, limbs_from_le(p2 + 32));
    if (is_zero(x1) && is_zero(y1)) return G1Affine{Fq::from_mont(x2), Fq::from_mont(y2)};
    if (x1 == x2) throw Error("powers of tau: unexpected point past the end of tauG1");
    const Limbs H = wasm_sub(x2, x1), t = wasm_sub(y2, y1);
    const Limbs HH = wasm_mul(H, H);
    Limbs I = wasm_add(HH, HH);
    I = wasm_add(I, I);
    const Limbs J = wasm_mul(H, I), r = wasm_add(t, t), V = wasm_mul(x1, I), r2 = wasm_mul(r, r);
    const Limbs V2 = wasm_add(V, V);
    const Limbs x3 = wasm_sub(wasm_sub(r2, J), V2);
    Limbs y1J2 = wasm_mul(y1, J);
    y1J2 = wasm_add(y1J2, y1J2);
    const Limbs y3 = wasm_sub(wasm_mul(wasm_sub(V, x3), r), y1J2);
    const Limbs z3 = wasm_add(H, H);
    return G1{fq_reduced(x3), fq_reduced(y3), fq_reduced(z3)}.to_affine();
}

void hash_h_points(Blake2b& h, Bytes tau_g1, Bytes tau_g2, std::size_t domain, ThreadPool& pool) {
    const std::uint32_t v = std::uint32_t(domain - 1);
    const std::uint8_t b[4] = {std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8), std::uint8_t(v)};
    h.update(b, 4);
    constexpr std::size_t kSnarkjsChunk = std::size_t(1) << 14;
    const std::size_t count =
        domain - 1 <= kSnarkjsChunk ? domain - 1 : (domain - 1 + kSnarkjsChunk - 1) / kSnarkjsChunk * kSnarkjsChunk;
    const std::size_t n_tau = tau_g1.size / 64;
    if (count + domain > n_tau + 1) throw Error("powers of tau too small for the H points");
    std::uint8_t past_end[64];
    if (count + domain > n_tau) {
        // snarkjs reads 64 bytes past tauG1: the header of the section after it and its first bytes.
        if (tau_g2.data != tau_g1.data + tau_g1.size + 12)
            throw Error("powers of tau: the section after tauG1 is not tauG2; this layout is not supported");
        std::memcpy(past_end, tau_g1.data + tau_g1.size, 64);
    }
    std::vector<std::uint8_t> u(std::min(count, kBlock) * 64);
    for (std::size_t b0 = 0; b0 < count; b0 += kBlock) {
        const std::size_t bn = std::min(kBlock, count - b0);
        pool.run((bn + 255) / 256, [&](std::size_t c) {
            const std::size_t lo = c * 256, hi = std::min(bn, lo + 256);
            std::vector<G1> pts;
            pts.reserve(hi - lo);
            for (std::size_t i = b0 + lo; i < b0 + hi; ++i) {
                const G1Affine lo_pt = g1_from_lem(tau_g1.data + 64 * i);
                if (i + domain < n_tau) {
                    pts.push_back(G1::from_affine(g1_from_lem(tau_g1.data + 64 * (i + domain))).add(lo_pt.neg()));
                } else {
                    pts.push_back(G1::from_affine(wasm_sub_affine(past_end, tau_g1.data + 64 * i)));
                }
            }
            const auto aff = batch_to_affine(pts);
            for (std::size_t i = lo; i < hi; ++i) g1_to_uncompressed(aff[i - lo], u.data() + 64 * i);
        });
        h.update(u.data(), bn * 64);
    }
}

}  // namespace peregrine::setup
