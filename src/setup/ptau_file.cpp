// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/ptau_file.hpp"

#include <cstdio>
#include <cstring>

#include "util/error.hpp"

namespace peregrine::setup {

namespace {

constexpr std::size_t kG1 = 64, kG2 = 128;
constexpr std::size_t kPubKeyLem = 6 * kG1 + 3 * kG2;

[[noreturn]] void bad(const std::string& path, const std::string& what) { throw Error(path + ": " + what); }

void put_u32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = std::uint8_t(v >> (8 * i));
}
std::uint32_t get_u32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
}

void pubkey_to_lem(const PtauKey& k, std::uint8_t* out) {
    const KeyPart* parts[3] = {&k.tau, &k.alpha, &k.beta};
    for (int i = 0; i < 3; ++i) {
        g1_to_lem(parts[i]->g1_s, out + kG1 * (2 * i));
        g1_to_lem(parts[i]->g1_sx, out + kG1 * (2 * i + 1));
        g2_to_lem(parts[i]->g2_spx, out + 6 * kG1 + kG2 * i);
    }
}

PtauKey pubkey_from_lem(const std::uint8_t* in) {
    PtauKey k;
    KeyPart* parts[3] = {&k.tau, &k.alpha, &k.beta};
    for (int i = 0; i < 3; ++i) {
        parts[i]->g1_s = g1_from_lem(in + kG1 * (2 * i));
        parts[i]->g1_sx = g1_from_lem(in + kG1 * (2 * i + 1));
        parts[i]->g2_spx = g2_from_lem(in + 6 * kG1 + kG2 * i);
    }
    return k;
}

}  // namespace

// ---- hashing ----------------------------------------------------------------------------------

void TranscriptHasher::update(const void* data, std::size_t len) {
    h_.update(data, len);
    // noble's update: a full buffer is compressed when more input arrives; whole blocks of the
    // input that are not its last block are compressed straight from the input (data is always
    // 4-byte aligned here), and only the rest passes through the buffer.
    const auto* d = static_cast<const std::uint8_t*>(data);
    std::size_t i = 0;
    while (i < len) {
        if (pos_ == 128) pos_ = 0;
        const std::size_t take = std::min<std::size_t>(128 - pos_, len - i);
        if (take == 128 && i + take < len) {
            while (i + 128 < len) i += 128;
            continue;
        }
        std::memcpy(shadow_ + pos_, d + i, take);
        pos_ += take;
        i += take;
    }
}

std::array<std::uint8_t, 216> TranscriptHasher::partial() const {
    std::array<std::uint8_t, 216> r{};
    std::memcpy(r.data(), shadow_, 128);
    for (int i = 0; i < 8; ++i) {
        put_u32(&r[128 + 8 * i], std::uint32_t(h_.h[i]));
        put_u32(&r[132 + 8 * i], std::uint32_t(h_.h[i] >> 32));
    }
    put_u32(&r[192], std::uint32_t(h_.t[0]));
    put_u32(&r[196], std::uint32_t(h_.t[0] >> 32));
    put_u32(&r[200], std::uint32_t(h_.buf_len));
    return r;
}

Blake2b blake2b_from_partial(const std::uint8_t* p) {
    Blake2b b(64);
    std::memcpy(b.buf, p, 128);
    for (int i = 0; i < 8; ++i) b.h[i] = std::uint64_t(get_u32(p + 128 + 8 * i)) | (std::uint64_t(get_u32(p + 132 + 8 * i)) << 32);
    b.t[0] = std::uint64_t(get_u32(p + 192)) | (std::uint64_t(get_u32(p + 196)) << 32);
    b.t[1] = 0;
    const std::uint64_t pos = std::uint64_t(get_u32(p + 200)) | (std::uint64_t(get_u32(p + 204)) << 32);
    if (pos > 128) throw Error("partial hash state has an invalid buffer length");
    b.buf_len = std::size_t(pos);
    return b;
}

Hash64 blake2b_empty() {
    Blake2b h(64);
    return h.digest64();
}

Hash64 first_challenge_hash(unsigned power) {
    Blake2b h(64);
    const Hash64 e = blake2b_empty();
    h.update(e.data(), e.size());
    std::uint8_t g1[kG1], g2[kG2];
    g1_to_uncompressed(g1_generator(), g1);
    g2_to_uncompressed(g2_generator(), g2);
    constexpr std::size_t kRep = 1024;
    std::vector<std::uint8_t> b1(kG1 * kRep), b2(kG2 * kRep);
    for (std::size_t i = 0; i < kRep; ++i) {
        std::memcpy(&b1[kG1 * i], g1, kG1);
        std::memcpy(&b2[kG2 * i], g2, kG2);
    }
    auto rep = [&](const std::vector<std::uint8_t>& b, std::size_t sz, std::size_t n) {
        for (std::size_t i = 0; i < n; i += kRep) h.update(b.data(), sz * std::min(kRep, n - i));
    };
    const std::size_t n = std::size_t(1) << power;
    rep(b1, kG1, 2 * n - 1);
    rep(b2, kG2, n);
    rep(b1, kG1, n);
    rep(b1, kG1, n);
    h.update(g2, kG2);
    return h.digest64();
}

std::vector<std::uint8_t> pubkey_uncompressed(const PtauKey& k) {
    std::vector<std::uint8_t> out(kPubKeyLem);
    const KeyPart* parts[3] = {&k.tau, &k.alpha, &k.beta};
    for (int i = 0; i < 3; ++i) {
        g1_to_uncompressed(parts[i]->g1_s, &out[kG1 * (2 * i)]);
        g1_to_uncompressed(parts[i]->g1_sx, &out[kG1 * (2 * i + 1)]);
        g2_to_uncompressed(parts[i]->g2_spx, &out[6 * kG1 + kG2 * i]);
    }
    return out;
}

Hash64 response_hash(const std::array<std::uint8_t, 216>& partial, const PtauKey& key) {
    Blake2b h = blake2b_from_partial(partial.data());
    const auto u = pubkey_uncompressed(key);
    h.update(u.data(), u.size());
    return h.digest64();
}

// ---- reading ----------------------------------------------------------------------------------

PtauFile::PtauFile(const std::string& path) : bin_(path, "ptau", 1) {
    {
        Reader r = bin_.reader(1);
        const std::uint32_t n8 = r.u32();
        if (n8 != 32) bad(path, "header: field size " + std::to_string(n8) + " is not BN254's (32)");
        const Limbs q = r.limbs(32);
        if (cmp(q, FqParams::MOD) != 0) bad(path, "header: the curve is not bn128 (BN254)");
        power_ = r.u32();
        ceremony_power_ = r.u32();
        if (r.remaining() != 0) bad(path, "header: invalid size");
        if (power_ < 1 || power_ > 28) bad(path, "header: power " + std::to_string(power_) + " is out of range 1..28");
        if (ceremony_power_ < power_ || ceremony_power_ > 28) bad(path, "header: invalid ceremony power");
    }
    const std::size_t n = n_powers();
    tau_g1_ = bin_.section(2, n_tau_g1() * kG1, "tauG1").data;
    tau_g2_ = bin_.section(3, n * kG2, "tauG2").data;
    alpha_g1_ = bin_.section(4, n * kG1, "alphaTauG1").data;
    beta_g1_ = bin_.section(5, n * kG1, "betaTauG1").data;
    beta_g2_ = bin_.section(6, kG2, "betaG2").data;
    if (bin_.has(12) && bin_.has(13) && bin_.has(14) && bin_.has(15)) {
        prepared_ = true;
        const std::size_t m = (std::size_t(2) << power_) - 1;  // 2^0 + ... + 2^power
        lagrange_[0] = bin_.section(12, (2 * m + 1) * kG1, "tauG1 Lagrange").data;
        lagrange_[1] = bin_.section(13, m * kG2, "tauG2 Lagrange").data;
        lagrange_[2] = bin_.section(14, m * kG1, "alphaTauG1 Lagrange").data;
        lagrange_[3] = bin_.section(15, m * kG1, "betaTauG1 Lagrange").data;
    }
    Reader r = bin_.reader(7);
    const std::uint32_t count = r.u32();
    constexpr std::size_t kFixed = 3 * kG1 + 2 * kG2 + kPubKeyLem + 216 + 64 + 4 + 4;
    if (count > r.remaining() / kFixed) bad(path, "contributions: count " + std::to_string(count) + " exceeds the section");
    for (std::uint32_t i = 0; i < count; ++i) {
        PtauContribution c;
        c.tau_g1 = g1_from_lem(r.take(kG1).data);
        c.tau_g2 = g2_from_lem(r.take(kG2).data);
        c.alpha_g1 = g1_from_lem(r.take(kG1).data);
        c.beta_g1 = g1_from_lem(r.take(kG1).data);
        c.beta_g2 = g2_from_lem(r.take(kG2).data);
        c.key = pubkey_from_lem(r.take(kPubKeyLem).data);
        std::memcpy(c.partial_hash.data(), r.take(216).data, 216);
        std::memcpy(c.next_challenge.data(), r.take(64).data, 64);
        c.type = r.u32();
        const std::uint32_t plen = r.u32();
        if (plen > r.remaining()) bad(path, "contribution " + std::to_string(i + 1) + ": parameters exceed the section");
        Reader pr(r.take(plen), path + ": contribution " + std::to_string(i + 1) + " parameters");
        int last = 0;
        while (pr.remaining() > 0) {
            const int t = pr.take(1).data[0];
            if (t <= last) bad(path, "contribution " + std::to_string(i + 1) + ": parameters are not sorted");
            last = t;
            if (t == 1) {
                const std::size_t len = pr.take(1).data[0];
                Bytes s = pr.take(len);
                c.name.assign(reinterpret_cast<const char*>(s.data), s.size);
            } else if (t == 2) {
                c.num_iterations_exp = pr.take(1).data[0];
            } else if (t == 3) {
                const std::size_t len = pr.take(1).data[0];
                Bytes s = pr.take(len);
                c.beacon_hash.assign(s.data, s.data + s.size);
            } else {
                bad(path, "contribution " + std::to_string(i + 1) + ": unknown parameter " + std::to_string(t));
            }
        }
        try {
            c.response_hash = response_hash(c.partial_hash, c.key);
        } catch (const Error& e) {
            bad(path, "contribution " + std::to_string(i + 1) + ": " + e.what());
        }
        contribs_.push_back(std::move(c));
    }
    if (r.remaining() != 0) bad(path, "contributions: invalid section size");
}

// ---- writing ----------------------------------------------------------------------------------

void write_ptau_header(BinWriter& w, unsigned power, unsigned ceremony_power) {
    w.begin_section(1);
    w.u32(32);
    std::uint8_t q[32];
    limbs_to_le(FqParams::MOD, q);
    w.write(q, 32);
    w.u32(power);
    w.u32(ceremony_power);
    w.end_section();
}

void write_contributions(BinWriter& w, const std::vector<PtauContribution>& cs) {
    w.begin_section(7);
    w.u32(std::uint32_t(cs.size()));
    for (const PtauContribution& c : cs) {
        std::uint8_t b[kPubKeyLem];
        g1_to_lem(c.tau_g1, b);
        w.write(b, kG1);
        g2_to_lem(c.tau_g2, b);
        w.write(b, kG2);
        g1_to_lem(c.alpha_g1, b);
        w.write(b, kG1);
        g1_to_lem(c.beta_g1, b);
        w.write(b, kG1);
        g2_to_lem(c.beta_g2, b);
        w.write(b, kG2);
        pubkey_to_lem(c.key, b);
        w.write(b, kPubKeyLem);
        w.write(c.partial_hash.data(), 216);
        w.write(c.next_challenge.data(), 64);
        w.u32(c.type);
        // As snarkjs writes them: the name when not empty (at most 64 bytes), and for a beacon its
        // iterations exponent and hash.
        std::vector<std::uint8_t> params;
        if (!c.name.empty()) {
            std::size_t len = std::min<std::size_t>(c.name.size(), 64);
            while (len < c.name.size() && len > 0 && (std::uint8_t(c.name[len]) & 0xC0) == 0x80) --len;  // whole UTF-8 characters
            params.push_back(1);
            params.push_back(std::uint8_t(len));
            params.insert(params.end(), c.name.begin(), c.name.begin() + std::ptrdiff_t(len));
        }
        if (c.type == 1) {
            params.push_back(2);
            params.push_back(std::uint8_t(c.num_iterations_exp));
            params.push_back(3);
            params.push_back(std::uint8_t(c.beacon_hash.size()));
            params.insert(params.end(), c.beacon_hash.begin(), c.beacon_hash.end());
        }
        w.u32(std::uint32_t(params.size()));
        if (!params.empty()) w.write(params.data(), params.size());
    }
    w.end_section();
}

}  // namespace peregrine::setup
