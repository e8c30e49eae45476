// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/zkey_contribute.hpp"

#include <algorithm>
#include <cstring>

#include "curve/batch_mul.hpp"
#include "formats/binfile.hpp"
#include "formats/binwriter.hpp"
#include "formats/zkey.hpp"
#include "setup/blake2b.hpp"
#include "setup/rng.hpp"
#include "setup/zkey_mpc.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace peregrine::setup {

namespace {

// Offsets in the Groth16 header (section 2) of a bn128 zkey.
constexpr std::size_t kHdrDelta1 = 468, kHdrDelta2 = 532, kHdrEnd = 660;

struct NewKey {
    Fr prv;
    ZkeyContribution rec;
};

// snarkjs: prvKey, then g1_s from the rng; the transcript hashes the previous contributions and
// (g1_s, g1_sx); g2_sp = hashToG2(transcript).
NewKey draw_key(const MpcParams& mpc, ChaCha& rng) {
    Blake2b h(64);
    h.update(mpc.cs_hash.data(), mpc.cs_hash.size());
    for (const auto& c : mpc.contributions) hash_pub_key(h, c);
    NewKey k;
    k.prv = fr_from_rng(rng);
    if (k.prv.is_zero()) throw Error("zkey contribute: the random key is zero");
    k.rec.g1_s = g1_from_rng(rng);
    k.rec.g1_sx = G1::from_affine(k.rec.g1_s).mul(k.prv.to_canonical()).to_affine();
    hash_g1(h, k.rec.g1_s);
    hash_g1(h, k.rec.g1_sx);
    k.rec.transcript = h.digest64();
    const G2Affine sp = hash_to_g2(k.rec.transcript.data());
    k.rec.g2_spx = G2::from_affine(sp).mul(k.prv.to_canonical()).to_affine();
    return k;
}

// Writes in's sections scaled by 1/d with section id, n G1 points, in chunks.
void write_scaled(BinWriter& w, std::uint32_t id, const std::uint8_t* pts, std::size_t n, const Fr& k,
                  ThreadPool& pool, Progress& prog) {
    constexpr std::size_t kChunk = std::size_t(1) << 16;
    if (!g1_lem_all_on_curve(pts, n, pool)) {
        throw Error(w.path() + ": input section " + std::to_string(id) + " has a point that is not on bn128 G1");
    }
    std::vector<std::uint8_t> buf(std::min(n, kChunk) * 64);
    w.begin_section(id);
    for (std::size_t lo = 0; lo < n; lo += kChunk) {
        const std::size_t m = std::min(kChunk, n - lo);
        g1_mul_fixed(pts + 64 * lo, buf.data(), m, k, pool);
        w.write(buf.data(), m * 64);
        prog.advance(m);
    }
    w.end_section();
}

ZkeyContributeResult apply_contribution(const std::string& in, const std::string& out, ZkeyContribution extra,
                                        ChaCha& rng, ThreadPool& pool, bool progress) {
    StepTimer tm(extra.type == 1 ? "zkey beacon" : "zkey contribute", progress);
    const Zkey zk(in);  // validates the header and the section sizes
    const BinFile f(in, "zkey", 2);
    if (!f.has(10)) throw Error(in + ": no MPC parameters (section 10); not a zkey of a phase-2 ceremony");
    MpcParams mpc = parse_mpc_params(f.section(10), in);
    tm.step("read");

    NewKey key = draw_key(mpc, rng);
    const G1Affine delta1 = G1::from_affine(zk.delta1()).mul(key.prv.to_canonical()).to_affine();
    const G2Affine delta2 = G2::from_affine(zk.delta2()).mul(key.prv.to_canonical()).to_affine();
    ZkeyContribution rec = std::move(extra);
    rec.delta_after = delta1;
    rec.g1_s = key.rec.g1_s;
    rec.g1_sx = key.rec.g1_sx;
    rec.g2_spx = key.rec.g2_spx;
    rec.transcript = key.rec.transcript;
    mpc.contributions.push_back(rec);
    const std::vector<std::uint8_t> mpc_bytes = encode_mpc_params(mpc);
    tm.step("key");

    const Fr inv = key.prv.inverse();
    const std::size_t n_c = std::size_t(zk.n_vars()) - zk.n_public() - 1, n_h = zk.domain_size();

    BinWriter w(out, "zkey", 1, 10);
    auto copy = [&](std::uint32_t id) {
        const Bytes b = f.section(id);
        w.begin_section(id);
        w.write(b.data, b.size);
        w.end_section();
    };
    copy(1);
    {
        const Bytes h = f.section(2);
        if (h.size < kHdrEnd) throw Error(in + ": Groth16 header (section 2) is truncated");
        std::uint8_t d1[64], d2[128];
        g1_to_lem(delta1, d1);
        g2_to_lem(delta2, d2);
        w.begin_section(2);
        w.write(h.data, kHdrDelta1);
        w.write(d1, 64);
        w.write(d2, 128);
        w.end_section();
        static_assert(kHdrDelta2 == kHdrDelta1 + 64 && kHdrEnd == kHdrDelta2 + 128);
    }
    for (std::uint32_t id = 3; id <= 7; ++id) copy(id);
    tm.step("copy");
    {
        Progress prog("zkey: C and H points", n_c + n_h, progress);
        write_scaled(w, 8, zk.points_c(), n_c, inv, pool, prog);
        write_scaled(w, 9, zk.points_h(), n_h, inv, pool, prog);
        prog.done();
    }
    tm.step("C and H points");
    w.begin_section(10);
    w.write(mpc_bytes.data(), mpc_bytes.size());
    w.end_section();
    w.commit();
    tm.step("write");

    ZkeyContributeResult res;
    res.circuit_hash = mpc.cs_hash;
    res.contribution_hash = contribution_hash(rec);
    return res;
}

}  // namespace

ZkeyContributeResult zkey_contribute(const std::string& in, const std::string& out, const std::string& name,
                                     const std::string& entropy, ThreadPool& pool, bool progress) {
    ChaCha rng = random_rng(entropy);
    ZkeyContribution extra;
    extra.type = 0;
    extra.name = name;
    return apply_contribution(in, out, std::move(extra), rng, pool, progress);
}

ZkeyContributeResult zkey_beacon(const std::string& in, const std::string& out, const std::string& name,
                                 const std::vector<std::uint8_t>& beacon, unsigned exp, ThreadPool& pool,
                                 bool progress) {
    if (beacon.empty() || beacon.size() > 255) throw Error("beacon: must be 1 to 255 bytes");
    if (exp < 10 || exp > 63) throw Error("beacon: the iterations exponent must be between 10 and 63");
    ChaCha rng = rng_from_beacon(beacon.data(), beacon.size(), exp);
    ZkeyContribution extra;
    extra.type = 1;
    extra.name = name;
    extra.has_exp = true;
    extra.num_iterations_exp = std::uint8_t(exp);
    extra.has_beacon = true;
    extra.beacon_hash = beacon;
    return apply_contribution(in, out, std::move(extra), rng, pool, progress);
}

std::vector<std::uint8_t> parse_beacon_hex(const std::string& hex) {
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (hex.empty() || hex.size() % 2 != 0) {
        throw Error("beacon: invalid beacon hash '" + hex + "' (an even number of hexadecimal digits expected)");
    }
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = digit(hex[i]), lo = digit(hex[i + 1]);
        if (hi < 0 || lo < 0) throw Error("beacon: invalid beacon hash '" + hex + "' (not hexadecimal)");
        out.push_back(std::uint8_t(hi * 16 + lo));
    }
    if (out.size() > 255) throw Error("beacon: the beacon hash is longer than 255 bytes");
    return out;
}

}  // namespace peregrine::setup
