// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/keys.hpp"

#include <cstdio>

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "curve/pairing.hpp"
#include "msm/msm.hpp"
#include "setup/blake2b.hpp"
#include "util/random.hpp"

namespace peregrine::setup {

namespace {

void fq_to_le(const Fq& a, std::uint8_t* out) { limbs_to_le(a.v, out); }
Fq fq_from_le(const std::uint8_t* in) { return Fq::from_mont(limbs_from_le(in)); }

void fq_to_be(const Fq& a, std::uint8_t* out) {
    std::uint8_t le[32];
    limbs_to_le(a.to_canonical(), le);
    for (int i = 0; i < 32; ++i) out[i] = le[31 - i];
}

bool fq_canonical_le(const std::uint8_t* in) { return Fq::is_canonical(limbs_from_le(in)); }

template <class Fn>
void for_points(std::size_t n, ThreadPool& pool, const Fn& fn) {
    if (n < 256) {
        for (std::size_t i = 0; i < n; ++i) fn(i);
        return;
    }
    pool.parallel_for(n, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t i = lo; i < hi; ++i) fn(i);
    });
}

}  // namespace

bool fq_is_negative(const Fq& a) {
    Limbs half = Fq::MOD;  // (q-1)/2
    half[0] -= 1;
    for (int i = 0; i < 4; ++i) half[i] = (half[i] >> 1) | (i < 3 ? half[i + 1] << 63 : 0);
    return cmp(a.to_canonical(), half) > 0;
}
bool fq2_is_negative(const Fq2& a) { return a.c1.is_zero() ? fq_is_negative(a.c0) : fq_is_negative(a.c1); }

void g1_to_lem(const G1Affine& p, std::uint8_t out[64]) {
    fq_to_le(p.x, out);
    fq_to_le(p.y, out + 32);
}
void g2_to_lem(const G2Affine& p, std::uint8_t out[128]) {
    fq_to_le(p.x.c0, out);
    fq_to_le(p.x.c1, out + 32);
    fq_to_le(p.y.c0, out + 64);
    fq_to_le(p.y.c1, out + 96);
}
G1Affine g1_from_lem(const std::uint8_t in[64]) { return {fq_from_le(in), fq_from_le(in + 32)}; }
G2Affine g2_from_lem(const std::uint8_t in[128]) {
    return {{fq_from_le(in), fq_from_le(in + 32)}, {fq_from_le(in + 64), fq_from_le(in + 96)}};
}

void g1_to_uncompressed(const G1Affine& p, std::uint8_t out[64]) {
    if (p.is_infinity()) {
        std::memset(out, 0, 64);
        return;
    }
    fq_to_be(p.x, out);
    fq_to_be(p.y, out + 32);
}
void g2_to_uncompressed(const G2Affine& p, std::uint8_t out[128]) {
    if (p.is_infinity()) {
        std::memset(out, 0, 128);
        return;
    }
    fq_to_be(p.x.c1, out);
    fq_to_be(p.x.c0, out + 32);
    fq_to_be(p.y.c1, out + 64);
    fq_to_be(p.y.c0, out + 96);
}
void g1_to_compressed(const G1Affine& p, std::uint8_t out[32]) {
    if (p.is_infinity()) {
        std::memset(out, 0, 32);
        out[0] = 0x40;
        return;
    }
    fq_to_be(p.x, out);
    if (fq_is_negative(p.y)) out[0] |= 0x80;
}
void g2_to_compressed(const G2Affine& p, std::uint8_t out[64]) {
    if (p.is_infinity()) {
        std::memset(out, 0, 64);
        out[0] = 0x40;
        return;
    }
    fq_to_be(p.x.c1, out);
    fq_to_be(p.x.c0, out + 32);
    if (fq2_is_negative(p.y)) out[0] |= 0x80;
}

void g1_lem_to_uncompressed(const std::uint8_t* in, std::size_t n, std::uint8_t* out, ThreadPool& pool) {
    for_points(n, pool, [&](std::size_t i) { g1_to_uncompressed(g1_from_lem(in + 64 * i), out + 64 * i); });
}
void g2_lem_to_uncompressed(const std::uint8_t* in, std::size_t n, std::uint8_t* out, ThreadPool& pool) {
    for_points(n, pool, [&](std::size_t i) { g2_to_uncompressed(g2_from_lem(in + 128 * i), out + 128 * i); });
}
void g1_lem_to_compressed(const std::uint8_t* in, std::size_t n, std::uint8_t* out, ThreadPool& pool) {
    for_points(n, pool, [&](std::size_t i) { g1_to_compressed(g1_from_lem(in + 64 * i), out + 32 * i); });
}
void g2_lem_to_compressed(const std::uint8_t* in, std::size_t n, std::uint8_t* out, ThreadPool& pool) {
    for_points(n, pool, [&](std::size_t i) { g2_to_compressed(g2_from_lem(in + 128 * i), out + 64 * i); });
}

bool g1_lem_all_on_curve(const std::uint8_t* in, std::size_t n, ThreadPool& pool) {
    std::atomic<bool> ok{true};
    for_points(n, pool, [&](std::size_t i) {
        const std::uint8_t* p = in + 64 * i;
        if (!fq_canonical_le(p) || !fq_canonical_le(p + 32) || !G1::on_curve(g1_from_lem(p))) ok = false;
    });
    return ok;
}
bool g2_lem_all_on_curve(const std::uint8_t* in, std::size_t n, ThreadPool& pool) {
    std::atomic<bool> ok{true};
    for_points(n, pool, [&](std::size_t i) {
        const std::uint8_t* p = in + 128 * i;
        for (int k = 0; k < 4; ++k)
            if (!fq_canonical_le(p + 32 * k)) ok = false;
        if (ok && !G2::on_curve(g2_from_lem(p))) ok = false;
    });
    return ok;
}

G2Affine hash_to_g2(const std::uint8_t* hash64) {
    ChaCha rng = ChaCha::from_bytes_be(hash64);
    return g2_from_rng(rng);
}

G2Affine g2_sp_for(std::uint8_t personalization, const std::uint8_t* challenge64, const G1Affine& g1_s,
                   const G1Affine& g1_sx) {
    Blake2b h(64);
    h.update(&personalization, 1);
    h.update(challenge64, 64);
    std::uint8_t u[64];
    g1_to_uncompressed(g1_s, u);
    h.update(u, 64);
    g1_to_uncompressed(g1_sx, u);
    h.update(u, 64);
    const auto d = h.digest64();
    return hash_to_g2(d.data());
}

PtauKey create_ptau_key(const std::uint8_t* challenge64, ChaCha& rng) {
    PtauKey k;
    k.tau.prv = fr_from_rng(rng);
    k.alpha.prv = fr_from_rng(rng);
    k.beta.prv = fr_from_rng(rng);
    std::uint8_t pers = 0;
    for (KeyPart* part : {&k.tau, &k.alpha, &k.beta}) {
        const Limbs x = part->prv.to_canonical();
        part->g1_s = g1_from_rng(rng);
        part->g1_sx = G1::from_affine(part->g1_s).mul(x).to_affine();
        part->g2_sp = g2_sp_for(pers++, challenge64, part->g1_s, part->g1_sx);
        part->g2_spx = G2::from_affine(part->g2_sp).mul(x).to_affine();
    }
    return k;
}

ChaCha random_rng(const std::string& entropy) {
    std::uint8_t seed[64];
    os_random_bytes(seed, sizeof seed);
    Blake2b h(64);
    h.update(seed, sizeof seed);
    h.update(entropy);
    const auto d = h.digest64();
    return ChaCha::from_bytes_be(d.data());
}

bool same_ratio(const G1Affine& a1, const G1Affine& b1, const G2Affine& a2, const G2Affine& b2) {
    if (a1.is_infinity() || b1.is_infinity() || a2.is_infinity() || b2.is_infinity()) return false;
    // e(a1, b2) * e(-b1, a2) == 1
    return pairing_product_is_one({{a1, b2}, {b1.neg(), a2}});
}

std::vector<Limbs> random_scalars(std::size_t n, unsigned bits) {
    if (bits == 0 || bits > 253) bits = 253;
    std::vector<Limbs> r(n);
    if (n == 0) return r;
    os_random_bytes(r.data(), n * sizeof(Limbs));
    for (auto& l : r) {
        for (unsigned w = 0; w < 4; ++w) {
            const unsigned lo = 64 * w;
            if (bits <= lo) l[w] = 0;
            else if (bits < lo + 64) l[w] &= (u64(1) << (bits - lo)) - 1;
        }
    }
    return r;
}

std::pair<G1Affine, G1Affine> rlc_g1(const std::uint8_t* a, const std::uint8_t* b, std::size_t n, ThreadPool& pool) {
    const auto r = random_scalars(n);
    return {msm_g1(a, r.data(), n, pool).to_affine(), msm_g1(b, r.data(), n, pool).to_affine()};
}
std::pair<G2Affine, G2Affine> rlc_g2(const std::uint8_t* a, const std::uint8_t* b, std::size_t n, ThreadPool& pool) {
    const auto r = random_scalars(n);
    return {msm_g2(a, r.data(), n, pool).to_affine(), msm_g2(b, r.data(), n, pool).to_affine()};
}

namespace {

// Many scalar multiplications k_i P_i at once, for points in the order-r subgroup: each k_i is
// split (GLV) into two ~127-bit halves for P_i and phi(P_i) = (beta x, y) = lambda P_i, each
// half recoded in width-5 NAF; the tables of odd multiples (1..15) P_i of a whole batch are
// brought to affine with one inversion, phi's tables are then free (beta x). About half the
// doublings and a third of the additions of plain double-and-add.
constexpr Limbs kBetaG1 = {0x5763473177fffffeull, 0xd4f263f1acdb5c4full, 0x59e26bcea0d48bacull, 0};
constexpr Limbs kBetaG2 = {0xe4bd44e5607cfd48ull, 0xc28f069fbb966e3dull, 0x5e6dd9e7e0acccb0ull, 0x30644e72e131a029ull};
inline Fq endo(const Fq& x) {
    static const Fq b = Fq::from_canonical(kBetaG1);
    return x * b;
}
inline Fq2 endo(const Fq2& x) {
    static const Fq b = Fq::from_canonical(kBetaG2);
    return x.scale(b);
}

constexpr int kW = 5, kTab = 1 << (kW - 2);  // odd multiples 1, 3, ..., 15

// Width-5 NAF of k (< 2^128), least significant digit first; returns the digit count.
int wnaf(unsigned __int128 k, std::int8_t* out) {
    int n = 0;
    while (k != 0) {
        int d = 0;
        if (k & 1) {
            d = int(k & 31);
            if (d >= 16) d -= 32;
            if (d >= 0) k -= unsigned(d);
            else k += unsigned(-d);
        }
        out[n++] = std::int8_t(d);
        k >>= 1;
    }
    return n;
}

unsigned __int128 to_u128(const Limbs& l) { return (static_cast<unsigned __int128>(l[1]) << 64) | l[0]; }

template <class J>
void mul_batch(const typename J::Aff* pts, const Fr* ks, std::size_t m, std::vector<typename J::Aff>& out) {
    using Aff = typename J::Aff;
    std::vector<J> tab(m * kTab);
    std::vector<GlvSplit> sp(m);
    for (std::size_t i = 0; i < m; ++i) {
        sp[i] = glv_split(ks[i].to_canonical());
        const Aff p = sp[i].neg1 ? pts[i].neg() : pts[i];
        J* t = &tab[i * kTab];
        t[0] = J::from_affine(p);
        const J d = t[0].dbl();
        for (int j = 1; j < kTab; ++j) t[j] = d.add(t[j - 1]);
    }
    const std::vector<Aff> at = batch_to_affine(tab);
    std::vector<J> res(m);
    std::int8_t d1[136], d2[136];
    for (std::size_t i = 0; i < m; ++i) {
        const Aff* t = &at[i * kTab];
        const bool flip2 = sp[i].neg1 != sp[i].neg2;  // phi's table: (beta x, +-y)
        const int n1 = wnaf(to_u128(sp[i].k1), d1), n2 = wnaf(to_u128(sp[i].k2), d2);
        J acc = J::infinity();
        for (int b = std::max(n1, n2) - 1; b >= 0; --b) {
            acc = acc.dbl();
            if (b < n1 && d1[b] != 0) {
                const Aff& q = t[(std::abs(d1[b]) - 1) / 2];
                acc = acc.add(d1[b] > 0 ? q : q.neg());
            }
            if (b < n2 && d2[b] != 0) {
                const Aff& q = t[(std::abs(d2[b]) - 1) / 2];
                Aff e{endo(q.x), q.y};
                if ((d2[b] < 0) != flip2) e = e.neg();
                acc = acc.add(e);
            }
        }
        res[i] = acc;
    }
    out = batch_to_affine(res);
}

// out_i = (first inc^i) in_i, chunked over the pool; each chunk starts from first inc^lo.
template <class J, std::size_t SZ, class FromLem, class ToLem>
void apply_powers(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& first, const Fr& inc,
                  ThreadPool& pool, FromLem from_lem, ToLem to_lem) {
    const std::size_t chunk = 256;
    const std::size_t chunks = (n + chunk - 1) / chunk;
    pool.run(chunks, [&](std::size_t c) {
        const std::size_t lo = c * chunk, hi = std::min(n, lo + chunk);
        Fr s = first * inc.pow(Limbs{lo, 0, 0, 0});
        std::vector<typename J::Aff> pts(hi - lo), aff;
        std::vector<Fr> ks(hi - lo);
        for (std::size_t i = lo; i < hi; ++i) {
            pts[i - lo] = from_lem(in + SZ * i);
            ks[i - lo] = s;
            s = s * inc;
        }
        mul_batch<J>(pts.data(), ks.data(), hi - lo, aff);
        for (std::size_t i = lo; i < hi; ++i) to_lem(aff[i - lo], out + SZ * i);
    });
}

}  // namespace

void g1_apply_powers(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& first, const Fr& inc,
                     ThreadPool& pool) {
    apply_powers<G1, 64>(in, out, n, first, inc, pool, g1_from_lem, g1_to_lem);
}
void g2_apply_powers(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& first, const Fr& inc,
                     ThreadPool& pool) {
    apply_powers<G2, 128>(in, out, n, first, inc, pool, g2_from_lem, g2_to_lem);
}
void g1_scale_all(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& k, ThreadPool& pool) {
    g1_apply_powers(in, out, n, k, Fr::one(), pool);
}
void g2_scale_all(const std::uint8_t* in, std::uint8_t* out, std::size_t n, const Fr& k, ThreadPool& pool) {
    g2_apply_powers(in, out, n, k, Fr::one(), pool);
}

std::string format_hash(const Hash64& h, const std::string& title) {
    std::string s = title.empty() ? "" : title + "\n";
    char buf[16];
    for (int i = 0; i < 4; ++i) {
        if (i > 0) s += "\n";
        s += "\t\t";
        for (int j = 0; j < 4; ++j) {
            const std::uint8_t* w = h.data() + i * 16 + j * 4;
            std::snprintf(buf, sizeof buf, "%s%02x%02x%02x%02x", j > 0 ? " " : "", w[0], w[1], w[2], w[3]);
            s += buf;
        }
    }
    return s;
}

}  // namespace peregrine::setup
