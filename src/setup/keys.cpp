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
