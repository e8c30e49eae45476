// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/zkey_new.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "formats/binfile.hpp"
#include "formats/binwriter.hpp"
#include "formats/zkey.hpp"
#include "setup/blake2b.hpp"
#include "setup/r1cs_reader.hpp"
#include "setup/zkey_new_points.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace peregrine::setup {

namespace {

// Where the key goes: a file (BinWriter) or a memory image laid out the same way.
class Sink {
public:
    virtual ~Sink() = default;
    virtual void begin(std::uint32_t id) = 0;
    virtual void write(const void* p, std::size_t n) = 0;
    virtual void end() = 0;
    void u32(std::uint32_t v) {
        std::uint8_t b[4];
        for (int i = 0; i < 4; ++i) b[i] = std::uint8_t(v >> (8 * i));
        write(b, 4);
    }
};

class FileSink final : public Sink {
public:
    explicit FileSink(const std::string& path) : w_(path, "zkey", 1, 10) {}
    void begin(std::uint32_t id) override { w_.begin_section(id); }
    void write(const void* p, std::size_t n) override { w_.write(p, n); }
    void end() override { w_.end_section(); }
    void commit() { w_.commit(); }

private:
    BinWriter w_;
};

class MemSink final : public Sink {
public:
    MemSink() {
        put("zkey", 4);
        u32(1);
        u32(10);
    }
    void begin(std::uint32_t id) override {
        u32(id);
        size_at_ = buf_.size();
        const std::uint64_t zero = 0;
        put(&zero, 8);
    }
    void write(const void* p, std::size_t n) override { put(p, n); }
    void end() override {
        const std::uint64_t size = buf_.size() - size_at_ - 8;
        for (int i = 0; i < 8; ++i) buf_[size_at_ + i] = std::uint8_t(size >> (8 * i));
    }
    std::vector<std::uint8_t> take() { return std::move(buf_); }

private:
    void put(const void* p, std::size_t n) {
        if (n == 0) return;
        const std::size_t at = buf_.size();
        buf_.resize(at + n);
        std::memcpy(buf_.data() + at, p, n);
    }
    std::vector<std::uint8_t> buf_;
    std::size_t size_at_ = 0;
};

// The prepared powers of tau, in place.
struct Ptau {
    explicit Ptau(const std::string& path) : f(path, "ptau", 1) {
        Reader h = f.reader(1);
        const std::uint32_t n8 = h.u32();
        if (n8 != 32) throw Error(path + ": unsupported field size of " + std::to_string(n8) + " bytes");
        const Limbs q = h.limbs(32);
        if (q != FqParams::MOD)
            throw Error(path + ": powers of tau for another curve (" + curve_name_for_prime(q) +
                        "); only bn128 is supported");
        power = h.u32();
        h.u32();
        if (h.remaining() != 0) throw Error(path + ": invalid header size");
        if (power < 1 || power > 28) throw Error(path + ": invalid power " + std::to_string(power));
        const std::size_t n = std::size_t(1) << power;
        tau_g1 = f.section(2, (2 * n - 1) * 64, "tauG1");
        tau_g2 = f.section(3, n * 128, "tauG2");
        alpha_g1 = f.section(4, n * 64, "alphaTauG1").data;
        beta_g1 = f.section(5, n * 64, "betaTauG1").data;
        beta_g2 = f.section(6, 128, "betaG2").data;
        prepared = f.has(12);
    }
    void need_prepared() {
        if (!prepared)
            throw Error(f.path() + ": powers of tau not prepared for phase 2 (no Lagrange sections); run `peregrine "
                                   "ptau prepare` on it first");
        const std::size_t n = std::size_t(1) << power;
        lag[0] = f.section(12, (4 * n - 1) * 64, "Lagrange tauG1").data;
        lag[1] = f.section(13, (2 * n - 1) * 128, "Lagrange tauG2").data;
        lag[2] = f.section(14, (2 * n - 1) * 64, "Lagrange alphaTauG1").data;
        lag[3] = f.section(15, (2 * n - 1) * 64, "Lagrange betaTauG1").data;
    }
    BinFile f;
    unsigned power = 0;
    Bytes tau_g1, tau_g2;
    const std::uint8_t *alpha_g1 = nullptr, *beta_g1 = nullptr, *beta_g2 = nullptr;
    const std::uint8_t* lag[4] = {};
    bool prepared = false;
};

void hash_u32_be(Blake2b& h, std::uint32_t v) {
    const std::uint8_t b[4] = {std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8), std::uint8_t(v)};
    h.update(b, 4);
}

Hash64 build(const std::string& r1cs_path, const std::string& ptau_path, Sink& out, ThreadPool& pool,
             const ZkeyNewOptions& opt) {
    StepTimer tm("setup", opt.verbose);
    Ptau pt(ptau_path);
    const R1cs cs = read_r1cs(r1cs_path);
    const std::uint32_t n_pub = cs.n_public(), n_vars = cs.header.n_wires, n_c = cs.header.n_constraints;
    const unsigned cir_power = zkey_circuit_power(n_c, n_pub);
    if (cir_power > pt.power)
        throw Error(ptau_path + ": powers of tau too small for " + r1cs_path + ": " + std::to_string(n_c) +
                    " constraints + " + std::to_string(n_pub) + " public signals need power " +
                    std::to_string(cir_power) + " (2^" + std::to_string(cir_power) + "), the file has power " +
                    std::to_string(pt.power));
    if (cir_power >= kFrTwoAdicity) throw Error(r1cs_path + ": circuit too big for bn128 (domain 2^28 or more)");
    pt.need_prepared();
    tm.step("read");
    const std::size_t domain = std::size_t(1) << cir_power;

    Blake2b hasher(64);
    std::uint8_t u[128];

    // 1: protocol; 2: Groth16 header.
    out.begin(1);
    out.u32(1);
    out.end();
    out.begin(2);
    std::uint8_t b32[32];
    out.u32(32);
    limbs_to_le(FqParams::MOD, b32);
    out.write(b32, 32);
    out.u32(32);
    limbs_to_le(FrParams::MOD, b32);
    out.write(b32, 32);
    out.u32(n_vars);
    out.u32(n_pub);
    out.u32(std::uint32_t(domain));
    out.write(pt.alpha_g1, 64);
    out.write(pt.beta_g1, 64);
    out.write(pt.beta_g2, 128);
    for (const std::uint8_t* p : {pt.alpha_g1, pt.beta_g1}) {
        g1_to_uncompressed(g1_from_lem(p), u);
        hasher.update(u, 64);
    }
    g2_to_uncompressed(g2_from_lem(pt.beta_g2), u);
    hasher.update(u, 128);
    std::uint8_t g1l[64], g2l[128], g1u[64], g2u[128];
    g1_to_lem(g1_generator(), g1l);
    g2_to_lem(g2_generator(), g2l);
    g1_to_uncompressed(g1_generator(), g1u);
    g2_to_uncompressed(g2_generator(), g2u);
    out.write(g2l, 128);  // gamma2
    out.write(g1l, 64);   // delta1
    out.write(g2l, 128);  // delta2
    hasher.update(g2u, 128);
    hasher.update(g1u, 64);
    hasher.update(g2u, 128);
    out.end();

    // 4: the coefficients of A and B, then one A entry per public signal (and ONE) in the
    // constraints that follow the circuit's, value 1; values as c R^2 mod r (LE).
    const Limbs one{1, 0, 0, 0};
    {
        const std::size_t n_entries = [&] {
            std::size_t k = 0;
            for (std::uint32_t c = 0; c < n_c; ++c) k += cs.lc_start[3 * c + 2] - cs.lc_start[3 * c];
            return k + n_pub + 1;
        }();
        out.begin(4);
        out.u32(std::uint32_t(n_entries));
        const Fr r_mont = Fr::from_canonical(Fr::R1);
        std::vector<std::uint8_t> buf;
        buf.reserve(1 << 20);
        auto entry = [&](std::uint32_t m, std::uint32_t c, std::uint32_t s, const Limbs& v) {
            std::uint8_t e[44];
            for (int i = 0; i < 4; ++i) {
                e[i] = std::uint8_t(m >> (8 * i));
                e[4 + i] = std::uint8_t(c >> (8 * i));
                e[8 + i] = std::uint8_t(s >> (8 * i));
            }
            limbs_to_le((Fr::from_canonical(v) * r_mont).v, e + 12);
            const std::size_t at = buf.size();
            buf.resize(at + 44);
            std::memcpy(buf.data() + at, e, 44);
            if (buf.size() >= (1 << 20)) {
                out.write(buf.data(), buf.size());
                buf.clear();
            }
        };
        for (std::uint32_t c = 0; c < n_c; ++c)
            for (std::uint32_t m = 0; m < 2; ++m)
                for (std::uint64_t t = cs.lc_start[3 * c + m]; t < cs.lc_start[3 * c + m + 1]; ++t)
                    entry(m, c, cs.terms[t].signal, cs.terms[t].coef);
        for (std::uint32_t s = 0; s <= n_pub; ++s) entry(0, n_c + s, s, one);
        out.write(buf.data(), buf.size());
        out.end();
    }
    tm.step("coefficients");

    // The Lagrange points of the key's domain: in section 12.. the block of 2^p starts at 2^p - 1.
    const std::size_t off = domain - 1;
    const LagrangeBases lb{pt.lag[0] + 64 * off, pt.lag[1] + 128 * off, pt.lag[2] + 64 * off, pt.lag[3] + 64 * off};
    PointSums sums(cs, lb);

    auto section = [&](std::uint32_t id, Target t, const char* name) {
        const std::uint32_t count = sums.count(t);
        hash_u32_be(hasher, count);
        out.begin(id);
        sums.compute(t, pool, opt.progress, [&](const std::uint8_t* lem, std::size_t n) {
            out.write(lem, n * sums.point_size(t));
            hash_lem(hasher, lem, n, t == Target::B2, pool);
        });
        out.end();
        tm.step(name);
    };
    section(3, Target::IC, "IC");

    // 9: H, the odd points of the Lagrange basis of the doubled domain.
    {
        out.begin(9);
        const std::uint8_t* l2 = pt.lag[0] + 64 * (2 * domain - 1);
        std::vector<std::uint8_t> buf(std::min<std::size_t>(domain, 1 << 16) * 64);
        for (std::size_t b0 = 0; b0 < domain; b0 += 1 << 16) {
            const std::size_t bn = std::min<std::size_t>(domain - b0, 1 << 16);
            for (std::size_t i = 0; i < bn; ++i) std::memcpy(buf.data() + 64 * i, l2 + 64 * (2 * (b0 + i) + 1), 64);
            out.write(buf.data(), bn * 64);
        }
        out.end();
    }
    hash_h_points(hasher, pt.tau_g1, pt.tau_g2, domain, pool);
    tm.step("H");

    section(8, Target::C, "C");
    section(5, Target::A, "A");
    section(6, Target::B1, "B1");
    section(7, Target::B2, "B2");

    Hash64 h = hasher.digest64();
    out.begin(10);
    out.write(h.data(), 64);
    out.u32(0);
    out.end();
    return h;
}

}  // namespace

unsigned zkey_circuit_power(std::uint32_t n_constraints, std::uint32_t n_public) {
    const std::uint64_t v = std::uint64_t(n_constraints) + n_public;
    unsigned lg = 0;
    while (lg < 63 && (v >> (lg + 1)) != 0) ++lg;
    return lg + 1;
}

Hash64 zkey_new(const std::string& r1cs_path, const std::string& ptau_path, const std::string& out_path,
                ThreadPool& pool, const ZkeyNewOptions& opt) {
    FileSink sink(out_path);
    const Hash64 h = build(r1cs_path, ptau_path, sink, pool, opt);
    sink.commit();
    return h;
}

std::vector<std::uint8_t> zkey_new_image(const std::string& r1cs_path, const std::string& ptau_path,
                                         ThreadPool& pool, Hash64* cs_hash, const ZkeyNewOptions& opt) {
    MemSink sink;
    const Hash64 h = build(r1cs_path, ptau_path, sink, pool, opt);
    if (cs_hash) *cs_hash = h;
    return sink.take();
}

}  // namespace peregrine::setup
