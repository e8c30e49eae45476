// SPDX-License-Identifier: MIT OR Apache-2.0
// The snarkjs powers-of-tau container (.ptau, BN254 only), read in place from a memory map.
//
//   1  header: u32 n8 (32), the base-field prime (n8 bytes LE), u32 power, u32 ceremony power
//   2  tau^i G1,           i < 2^(power+1) - 1    (LEM affine points, see setup/keys.hpp)
//   3  tau^i G2,           i < 2^power
//   4  alpha tau^i G1,     i < 2^power
//   5  beta tau^i G1,      i < 2^power
//   6  beta G2
//   7  contributions: u32 count, then per contribution tauG1, tauG2, alphaG1, betaG1, betaG2, the
//      public key (tau/alpha/beta g1_s, g1_sx, then tau/alpha/beta g2_spx), the 216-byte partial
//      BLAKE2b state of its response hash, the next challenge hash (64), u32 type (0 contribution,
//      1 beacon), u32 length + parameters (1: name, 2: iterations exponent, 3: beacon hash)
//   12..15 (prepared files): the Lagrange forms of 2..5 over domains 2^0 .. 2^power (and 2^(power+1)
//      for 12), concatenated.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/binfile.hpp"
#include "formats/binwriter.hpp"
#include "setup/blake2b.hpp"
#include "setup/keys.hpp"

namespace peregrine::setup {

struct PtauContribution {
    G1Affine tau_g1, alpha_g1, beta_g1;
    G2Affine tau_g2, beta_g2;
    PtauKey key;  // g1_s, g1_sx, g2_spx (prv and g2_sp are not stored)
    std::array<std::uint8_t, 216> partial_hash{};
    Hash64 next_challenge{};
    std::uint32_t type = 0;  // 1 = beacon
    std::string name;
    unsigned num_iterations_exp = 0;
    std::vector<std::uint8_t> beacon_hash;
    Hash64 response_hash{};  // computed: the partial hash resumed over the uncompressed public key
};

class PtauFile {
public:
    // Maps and parses path; throws Error naming the file for anything malformed (missing or
    // repeated sections, wrong sizes, another curve, bad contribution records).
    explicit PtauFile(const std::string& path);

    const std::string& path() const { return bin_.path(); }
    unsigned power() const { return power_; }
    unsigned ceremony_power() const { return ceremony_power_; }
    std::size_t n_tau_g1() const { return (std::size_t(2) << power_) - 1; }
    std::size_t n_powers() const { return std::size_t(1) << power_; }
    // Sections 2..6 as LEM point arrays (sizes checked).
    const std::uint8_t* tau_g1() const { return tau_g1_; }
    const std::uint8_t* tau_g2() const { return tau_g2_; }
    const std::uint8_t* alpha_tau_g1() const { return alpha_g1_; }
    const std::uint8_t* beta_tau_g1() const { return beta_g1_; }
    const std::uint8_t* beta_g2() const { return beta_g2_; }
    // True when all of sections 12..15 are present (then lagrange(id) is valid, sizes checked).
    bool prepared() const { return prepared_; }
    const std::uint8_t* lagrange(std::uint32_t id) const { return lagrange_[id - 12]; }
    const std::vector<PtauContribution>& contributions() const { return contribs_; }

private:
    BinFile bin_;
    unsigned power_ = 0, ceremony_power_ = 0;
    const std::uint8_t *tau_g1_, *tau_g2_, *alpha_g1_, *beta_g1_, *beta_g2_;
    bool prepared_ = false;
    const std::uint8_t* lagrange_[4] = {};
    std::vector<PtauContribution> contribs_;
};

// BLAKE2b fed exactly as @noble/hashes (which snarkjs uses) is fed, also tracking the bytes noble
// leaves in its block buffer, so that the saved partial state (section 7) equals snarkjs's bytes.
// The digest does not depend on that tracking; only partial() does.
class TranscriptHasher {
public:
    void update(const void* data, std::size_t len);
    // The 216-byte state: 128 buffer bytes, then u32 LE words h0 lo, h0 hi, ..., h7 hi, bytes
    // compressed (lo, hi), bytes buffered (lo, hi), and 8 zero bytes.
    std::array<std::uint8_t, 216> partial() const;
    Hash64 digest() { return h_.digest64(); }

private:
    Blake2b h_{64};
    std::uint8_t shadow_[128] = {};
    std::size_t pos_ = 0;
};
// Resumes a hash from a 216-byte partial state; throws Error if the buffered length is > 128.
Blake2b blake2b_from_partial(const std::uint8_t* partial216);

// BLAKE2b-512 of nothing, and the challenge a ceremony of 2^power starts from (snarkjs
// calculateFirstChallengeHash: the empty hash, then every point of a fresh file, uncompressed).
Hash64 blake2b_empty();
Hash64 first_challenge_hash(unsigned power);
// The response hash of a contribution whose partial state and key are given.
Hash64 response_hash(const std::array<std::uint8_t, 216>& partial, const PtauKey& key);
// The public key uncompressed (9 points, 6*64 + 3*128 bytes), as hashed into responses.
std::vector<std::uint8_t> pubkey_uncompressed(const PtauKey& key);

// Writers (into an open BinWriter): the header section and the contributions section, byte for
// byte as snarkjs writes them.
void write_ptau_header(BinWriter& w, unsigned power, unsigned ceremony_power);
void write_contributions(BinWriter& w, const std::vector<PtauContribution>& cs);


}  // namespace peregrine::setup
