// SPDX-License-Identifier: MIT OR Apache-2.0
// snarkjs Groth16 proving keys (.zkey). The point sections stay in the memory map.
#pragma once
#include <string>

#include "curve/bn254.hpp"
#include "formats/binfile.hpp"

namespace peregrine {

class Zkey {
public:
    // Opens, maps and validates a BN254 Groth16 zkey. Errors (Error) name the file and the problem:
    // not a zkey, another protocol, another curve, inconsistent sizes, truncation, verification-key
    // points off the curve or (G2) outside the order-r subgroup, IC points off the curve. The large
    // point sections are not read here (see check_zkey).
    explicit Zkey(const std::string& path);
    // The same from a zkey image in memory, read in place: data must outlive this object.
    Zkey(const void* data, std::size_t size, const std::string& name = "zkey buffer");

    const std::string& path() const { return file_.path(); }
    std::uint32_t n_vars() const { return n_vars_; }
    std::uint32_t n_public() const { return n_public_; }
    std::uint32_t domain_size() const { return domain_size_; }
    unsigned log_domain_size() const { return log_domain_; }
    std::uint32_t n_coeffs() const { return n_coeffs_; }

    const G1Affine& alpha1() const { return alpha1_; }
    const G1Affine& beta1() const { return beta1_; }
    const G2Affine& beta2() const { return beta2_; }
    const G2Affine& gamma2() const { return gamma2_; }
    const G1Affine& delta1() const { return delta1_; }
    const G2Affine& delta2() const { return delta2_; }
    G1Affine ic(std::size_t i) const;  // i <= n_public

    // Section 4 entries: u32 matrix, u32 constraint, u32 signal, 32-byte value (12 + 32 bytes each).
    const std::uint8_t* coeffs() const { return coeffs_; }
    static constexpr std::size_t kCoeffSize = 44;

    const std::uint8_t* points_a() const { return a_; }    // n_vars G1
    const std::uint8_t* points_b1() const { return b1_; }  // n_vars G1
    const std::uint8_t* points_b2() const { return b2_; }  // n_vars G2
    const std::uint8_t* points_c() const { return c_; }    // n_vars - n_public - 1 G1
    const std::uint8_t* points_h() const { return h_; }    // domain_size G1

private:
    void load();

    BinFile file_;
    std::uint32_t n_vars_ = 0, n_public_ = 0, domain_size_ = 0, n_coeffs_ = 0;
    unsigned log_domain_ = 0;
    G1Affine alpha1_, beta1_, delta1_;
    G2Affine beta2_, gamma2_, delta2_;
    const std::uint8_t* ic_ = nullptr;
    const std::uint8_t* coeffs_ = nullptr;
    const std::uint8_t *a_ = nullptr, *b1_ = nullptr, *b2_ = nullptr, *c_ = nullptr, *h_ = nullptr;
};

class ThreadPool;

// Full validation of a loaded key (`peregrine zkey check`): every point of every section has
// coordinates below p, lies on its curve and (G2) in the order-r subgroup; every coefficient entry
// names matrix A or B, a constraint inside the domain, a signal below nVars and a value below r;
// the verification key is consistent (no point at infinity; beta1/beta2 and delta1/delta2 carry the
// same exponent: e(beta1, g2) = e(g1, beta2), e(delta1, g2) = e(g1, delta2)). Throws Error naming
// the file, the section, the index and the problem; returns a summary of what was checked.
std::string check_zkey(const Zkey& z, ThreadPool& pool);

// Reads a snarkjs file field element (32 bytes LE, Montgomery form) into a point coordinate.
G1Affine read_g1(const std::uint8_t* p);
G2Affine read_g2(const std::uint8_t* p);

// The curve a prime belongs to, for messages: "bn128", "bls12381" or "unknown".
std::string curve_name_for_prime(const Limbs& q);

}  // namespace peregrine
