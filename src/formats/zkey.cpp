// SPDX-License-Identifier: MIT OR Apache-2.0
#include "formats/zkey.hpp"

#include <atomic>
#include <vector>

#include "curve/pairing.hpp"
#include "util/thread_pool.hpp"

namespace peregrine {

namespace {

constexpr std::uint32_t kProtocolGroth16 = 1;

std::string protocol_name(std::uint32_t id) {
    switch (id) {
        case 1: return "groth16";
        case 2: return "plonk";
        case 10: return "fflonk";
        default: return "unknown protocol " + std::to_string(id);
    }
}

// Why a point stored in a key (64 or 128 bytes of Montgomery limbs) is invalid, or null when it
// is valid (the point at infinity, (0, 0), is valid).
const char* g1_problem(const std::uint8_t* p) {
    if (!Fq::is_canonical(limbs_from_le(p)) || !Fq::is_canonical(limbs_from_le(p + 32))) {
        return "has a coordinate not below p";
    }
    if (!G1::on_curve(read_g1(p))) return "is not on the curve";
    return nullptr;
}

const char* g2_problem(const std::uint8_t* p) {
    for (int i = 0; i < 4; ++i) {
        if (!Fq::is_canonical(limbs_from_le(p + 32 * i))) return "has a coordinate not below p";
    }
    const G2Affine a = read_g2(p);
    if (!G2::on_curve(a)) return "is not on the curve";
    if (!a.is_infinity() && !g2_in_subgroup(a)) return "is not in the order-r subgroup";
    return nullptr;
}

}  // namespace

std::string curve_name_for_prime(const Limbs& q) {
    if (q == FqParams::MOD || q == FrParams::MOD) return "bn128";
    // BLS12-381 scalar field r (the base field prime is 381 bits and never fits 32 bytes).
    const Limbs bls_r = {0xffffffff00000001ull, 0x53bda402fffe5bfeull, 0x3339d80809a1d805ull, 0x73eda753299d7d48ull};
    if (q == bls_r) return "bls12381";
    return "unknown";
}

G1Affine read_g1(const std::uint8_t* p) {
    G1Affine a;
    a.x = Fq::from_mont(limbs_from_le(p));
    a.y = Fq::from_mont(limbs_from_le(p + 32));
    return a;
}

G2Affine read_g2(const std::uint8_t* p) {
    G2Affine a;
    a.x.c0 = Fq::from_mont(limbs_from_le(p));
    a.x.c1 = Fq::from_mont(limbs_from_le(p + 32));
    a.y.c0 = Fq::from_mont(limbs_from_le(p + 64));
    a.y.c1 = Fq::from_mont(limbs_from_le(p + 96));
    return a;
}

Zkey::Zkey(const std::string& path) : file_(path, "zkey", 2) { load(); }

Zkey::Zkey(const void* data, std::size_t size, const std::string& name) : file_(data, size, name, "zkey", 2) { load(); }

void Zkey::load() {
    const std::string& path = file_.path();
    Reader h1 = file_.reader(1);
    const std::uint32_t protocol = h1.u32();
    if (protocol != kProtocolGroth16) {
        throw Error(path + ": not a Groth16 zkey (protocol: " + protocol_name(protocol) + ")");
    }
    Reader h = file_.reader(2);
    const std::uint32_t n8q = h.u32();
    if (n8q != 32) {
        throw Error(path + ": zkey is for another curve (base field of " + std::to_string(n8q) +
                    " bytes; only bn128 is supported)");
    }
    const Limbs q = h.limbs(n8q);
    const std::uint32_t n8r = h.u32();
    if (n8r != 32) throw Error(path + ": zkey is for another curve (scalar field of " + std::to_string(n8r) + " bytes)");
    const Limbs r = h.limbs(n8r);
    if (q != FqParams::MOD || r != FrParams::MOD) {
        throw Error(path + ": zkey is for another curve (" + curve_name_for_prime(r) + "); only bn128 is supported");
    }
    n_vars_ = h.u32();
    n_public_ = h.u32();
    domain_size_ = h.u32();
    if (n_vars_ == 0 || n_public_ + 1 > n_vars_) {
        throw Error(path + ": inconsistent header (nVars " + std::to_string(n_vars_) + ", nPublic " +
                    std::to_string(n_public_) + ")");
    }
    if (domain_size_ == 0 || (domain_size_ & (domain_size_ - 1)) != 0) {
        throw Error(path + ": domain size " + std::to_string(domain_size_) + " is not a power of two");
    }
    while ((1u << log_domain_) < domain_size_) ++log_domain_;
    if (log_domain_ >= kFrTwoAdicity) throw Error(path + ": domain size 2^" + std::to_string(log_domain_) + " is too large");

    // The verification key: cheap, so always checked, G2 subgroup included (3 points).
    auto g1 = [&](const char* name) {
        const std::uint8_t* b = h.take(64).data;
        if (const char* why = g1_problem(b)) throw Error(path + ": " + name + " " + why + " (bn128 G1)");
        return read_g1(b);
    };
    auto g2 = [&](const char* name) {
        const std::uint8_t* b = h.take(128).data;
        if (const char* why = g2_problem(b)) throw Error(path + ": " + name + " " + why + " (bn128 G2)");
        return read_g2(b);
    };
    alpha1_ = g1("vk_alpha_1");
    beta1_ = g1("vk_beta_1");
    beta2_ = g2("vk_beta_2");
    gamma2_ = g2("vk_gamma_2");
    delta1_ = g1("vk_delta_1");
    delta2_ = g2("vk_delta_2");

    const std::size_t nv = n_vars_, np = n_public_;
    ic_ = file_.section(3, (np + 1) * 64, "IC").data;
    for (std::size_t i = 0; i <= np; ++i) {
        if (const char* why = g1_problem(ic_ + 64 * i)) {
            throw Error(path + ": IC point " + std::to_string(i) + " " + why + " (bn128 G1)");
        }
    }
    Reader c4 = file_.reader(4);
    n_coeffs_ = c4.u32();
    if (c4.remaining() != (std::size_t)n_coeffs_ * kCoeffSize) {
        throw Error(path + ": section 4 (coefficients) has " + std::to_string(c4.remaining()) +
                    " bytes of entries, expected " + std::to_string((std::size_t)n_coeffs_ * kCoeffSize));
    }
    coeffs_ = c4.take(c4.remaining()).data;
    a_ = file_.section(5, nv * 64, "A points").data;
    b1_ = file_.section(6, nv * 64, "B1 points").data;
    b2_ = file_.section(7, nv * 128, "B2 points").data;
    c_ = file_.section(8, (nv - np - 1) * 64, "C points").data;
    h_ = file_.section(9, (std::size_t)domain_size_ * 64, "H points").data;
}

G1Affine Zkey::ic(std::size_t i) const { return read_g1(ic_ + 64 * i); }

namespace {

struct PointSection {
    std::uint32_t id;
    const char* name;
    const std::uint8_t* data;
    std::size_t count;
    bool g2;
};

// The first invalid point of a section (checked in parallel chunks), as a message; "" if none.
std::string first_bad_point(const PointSection& s, ThreadPool& pool) {
    const std::size_t stride = s.g2 ? 128 : 64, chunk = s.g2 ? 64 : 1024;
    const std::size_t tasks = (s.count + chunk - 1) / chunk;
    std::atomic<std::size_t> first{s.count};
    std::vector<const char*> why(tasks, nullptr);
    pool.run(tasks, [&](std::size_t t) {
        const std::size_t end = std::min(s.count, (t + 1) * chunk);
        for (std::size_t i = t * chunk; i < end && i < first.load(std::memory_order_relaxed); ++i) {
            const std::uint8_t* p = s.data + stride * i;
            if (const char* w = s.g2 ? g2_problem(p) : g1_problem(p)) {
                why[t] = w;
                std::size_t cur = first.load();
                while (i < cur && !first.compare_exchange_weak(cur, i)) {
                }
                return;
            }
        }
    });
    const std::size_t i = first.load();
    if (i == s.count) return "";
    return "section " + std::to_string(s.id) + " (" + s.name + "): point " + std::to_string(i) + " " + why[i / chunk];
}

}  // namespace

std::string check_zkey(const Zkey& z, ThreadPool& pool) {
    const std::string& path = z.path();
    const std::size_t nv = z.n_vars(), np = z.n_public();
    // The verification key: on the curve and in the subgroup already (load); here its consistency.
    const std::pair<const char*, bool> vk_inf[] = {
        {"vk_alpha_1", z.alpha1().is_infinity()}, {"vk_beta_1", z.beta1().is_infinity()},
        {"vk_beta_2", z.beta2().is_infinity()},   {"vk_gamma_2", z.gamma2().is_infinity()},
        {"vk_delta_1", z.delta1().is_infinity()}, {"vk_delta_2", z.delta2().is_infinity()}};
    for (const auto& [name, inf] : vk_inf) {
        if (inf) throw Error(path + ": " + name + " is the point at infinity");
    }
    const G1Affine g1 = g1_generator();
    const G2Affine g2 = g2_generator();
    if (pairing(z.beta1(), g2) != pairing(g1, z.beta2())) {
        throw Error(path + ": vk_beta_1 and vk_beta_2 do not match (e(beta1, g2) != e(g1, beta2))");
    }
    if (pairing(z.delta1(), g2) != pairing(g1, z.delta2())) {
        throw Error(path + ": vk_delta_1 and vk_delta_2 do not match (e(delta1, g2) != e(g1, delta2))");
    }
    // Coefficients: matrix, constraint, signal, value.
    const std::uint8_t* c = z.coeffs();
    for (std::size_t i = 0; i < z.n_coeffs(); ++i, c += Zkey::kCoeffSize) {
        std::uint32_t m, row, sig;
        std::memcpy(&m, c, 4);
        std::memcpy(&row, c + 4, 4);
        std::memcpy(&sig, c + 8, 4);
        std::string bad;
        if (m > 1) bad = "matrix " + std::to_string(m) + " (expected 0 for A or 1 for B)";
        else if (row >= z.domain_size()) bad = "constraint " + std::to_string(row) + " outside the domain of " + std::to_string(z.domain_size());
        else if (sig >= nv) bad = "signal " + std::to_string(sig) + " not below nVars " + std::to_string(nv);
        else if (!Fr::is_canonical(limbs_from_le(c + 12))) bad = "value not below r";
        if (!bad.empty()) throw Error(path + ": section 4 (coefficients): entry " + std::to_string(i) + ": " + bad);
    }
    const PointSection sections[] = {
        {3, "IC", nullptr, np + 1, false},  // IC: read through z.ic() below (already checked at load)
        {5, "A points", z.points_a(), nv, false},
        {6, "B1 points", z.points_b1(), nv, false},
        {7, "B2 points", z.points_b2(), nv, true},
        {8, "C points", z.points_c(), nv - np - 1, false},
        {9, "H points", z.points_h(), z.domain_size(), false},
    };
    std::string counts;
    std::size_t total = 0;
    for (const PointSection& s : sections) {
        if (s.data) {
            const std::string bad = first_bad_point(s, pool);
            if (!bad.empty()) throw Error(path + ": " + bad);
        }
        counts += std::string(counts.empty() ? "" : ", ") + s.name + " " + std::to_string(s.count);
        total += s.count;
    }
    return "nVars " + std::to_string(nv) + ", nPublic " + std::to_string(np) + ", domain 2^" +
           std::to_string(z.log_domain_size()) + ", " + std::to_string(z.n_coeffs()) + " coefficients: all valid\n" +
           "points: " + counts + " (" + std::to_string(total + 6) +
           " with the verification key): all on the curve, G2 in the subgroup\n" +
           "verification key: consistent (beta and delta agree between G1 and G2)\n";
}

}  // namespace peregrine
