// SPDX-License-Identifier: MIT OR Apache-2.0
#include "formats/zkey.hpp"

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

    auto g1 = [&](const char* name) {
        G1Affine p = read_g1(h.take(64).data);
        if (!G1::on_curve(p)) throw Error(path + ": " + name + " is not a point on bn128 G1");
        return p;
    };
    auto g2 = [&](const char* name) {
        G2Affine p = read_g2(h.take(128).data);
        if (!G2::on_curve(p)) throw Error(path + ": " + name + " is not a point on bn128 G2");
        return p;
    };
    alpha1_ = g1("vk_alpha_1");
    beta1_ = g1("vk_beta_1");
    beta2_ = g2("vk_beta_2");
    gamma2_ = g2("vk_gamma_2");
    delta1_ = g1("vk_delta_1");
    delta2_ = g2("vk_delta_2");

    const std::size_t nv = n_vars_, np = n_public_;
    ic_ = file_.section(3, (np + 1) * 64, "IC").data;
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

}  // namespace peregrine
