// SPDX-License-Identifier: MIT OR Apache-2.0
// Contribution keys of the snarkjs ceremonies (powers of tau and the zkey phase 2), point
// encodings used in their transcripts, and the pairing checks that verify them.
//
// A key for a secret x is (g1_s, g1_sx = x g1_s, g2_sp, g2_spx = x g2_sp): g1_s is a random G1
// point, g2_sp a G2 point derived from the transcript (hash_to_g2), so a verifier checks
// same_ratio(g1_s, g1_sx, g2_sp, g2_spx). Sequences of points are checked with random linear
// combinations (rlc_*) and one pairing equation instead of a pairing per point.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "curve/bn254.hpp"
#include "field/bn254.hpp"
#include "setup/rng.hpp"
#include "util/thread_pool.hpp"

namespace peregrine::setup {

using Hash64 = std::array<std::uint8_t, 64>;

// snarkjs formatHash: four lines of four big-endian 32-bit words in hex, each line indented by two
// tabs, after a title line when one is given.
std::string format_hash(const Hash64& h, const std::string& title = "");

// --- Point encodings ---------------------------------------------------------------------------
// LEM: snarkjs file layout, little-endian Montgomery affine coordinates ((0,0) = infinity); G2
//      coordinates as c0 then c1. 64 bytes (G1) / 128 bytes (G2).
// Uncompressed (ffjavascript toRprUncompressed, used in transcript hashes): x then y, each
//      big-endian canonical; an Fq2 is written c1 then c0. Infinity is all zeros.
// Compressed (ffjavascript toRprCompressed, used in the ptau response hash): x only, big-endian;
//      top bit 0x80 set when y is "negative" (see fq_is_negative), 0x40 alone for infinity.
void g1_to_lem(const G1Affine& p, std::uint8_t out[64]);
void g2_to_lem(const G2Affine& p, std::uint8_t out[128]);
G1Affine g1_from_lem(const std::uint8_t in[64]);  // no curve check (see on_curve below)
G2Affine g2_from_lem(const std::uint8_t in[128]);
void g1_to_uncompressed(const G1Affine& p, std::uint8_t out[64]);
void g2_to_uncompressed(const G2Affine& p, std::uint8_t out[128]);
void g1_to_compressed(const G1Affine& p, std::uint8_t out[32]);
void g2_to_compressed(const G2Affine& p, std::uint8_t out[64]);
// Whole arrays of LEM points to the other encodings (n points; parallel over the pool).
void g1_lem_to_uncompressed(const std::uint8_t* in, std::size_t n, std::uint8_t* out, ThreadPool& pool);
void g2_lem_to_uncompressed(const std::uint8_t* in, std::size_t n, std::uint8_t* out, ThreadPool& pool);
void g1_lem_to_compressed(const std::uint8_t* in, std::size_t n, std::uint8_t* out, ThreadPool& pool);
void g2_lem_to_compressed(const std::uint8_t* in, std::size_t n, std::uint8_t* out, ThreadPool& pool);

// True when every LEM point of the array has canonical coordinates and is on its curve
// (infinity allowed). Parallel.
bool g1_lem_all_on_curve(const std::uint8_t* in, std::size_t n, ThreadPool& pool);
bool g2_lem_all_on_curve(const std::uint8_t* in, std::size_t n, ThreadPool& pool);

// --- Keys --------------------------------------------------------------------------------------
struct KeyPart {
    Fr prv;            // the secret (zero when the key was read from a file)
    G1Affine g1_s, g1_sx;
    G2Affine g2_sp, g2_spx;  // g2_sp is not stored in files; recompute it with g2_sp_for()
};

// snarkjs hashToG2: a G2 point from a 64-byte hash (ChaCha seeded with its first 32 bytes).
G2Affine hash_to_g2(const std::uint8_t* hash64);
// snarkjs getG2sp: hash_to_g2(BLAKE2b-512(personalization byte || challenge || U(g1_s) || U(g1_sx))).
G2Affine g2_sp_for(std::uint8_t personalization, const std::uint8_t* challenge64, const G1Affine& g1_s,
                   const G1Affine& g1_sx);

// Powers-of-tau key (snarkjs createPTauKey): the secrets tau, alpha, beta drawn from rng in that
// order, then for each (personalization 0, 1, 2) g1_s from rng, g1_sx = x g1_s,
// g2_sp = g2_sp_for(...), g2_spx = x g2_sp.
struct PtauKey {
    KeyPart tau, alpha, beta;
};
PtauKey create_ptau_key(const std::uint8_t* challenge64, ChaCha& rng);

// (A phase-2 delta key as snarkjs zkey contribute makes it: prv = fr_from_rng(rng),
// g1_s = g1_from_rng(rng), g1_sx = prv g1_s, g2_sp = hash_to_g2(transcript hash over g1_s, g1_sx),
// g2_spx = prv g2_sp; prv is the field element itself, as ffjavascript's timesFr uses it.)

// A ChaCha generator seeded from BLAKE2b-512(64 bytes of OS randomness || entropy), as snarkjs
// getRandomRng does (entropy is the user's text; may be empty).
ChaCha random_rng(const std::string& entropy);

// --- Checks ------------------------------------------------------------------------------------
// e(a1, b2) == e(b1, a2), i.e. b1/a1 == b2/a2 in the exponent; false if any point is infinity
// (snarkjs sameRatio). Points must be on their curves.
bool same_ratio(const G1Affine& a1, const G1Affine& b1, const G2Affine& a2, const G2Affine& b2);

// n random scalars of `bits` bits (1..253) from the OS CSPRNG.
std::vector<Limbs> random_scalars(std::size_t n, unsigned bits = 64);

// Random linear combinations of two LEM point arrays with the same scalars:
// (sum r_i a_i, sum r_i b_i), r_i random 64-bit. If b_i = x a_i for all i then the results have
// ratio x, so same_ratio() on them checks all pairs at once (soundness error ~ 2^-64).
// For consecutive powers pass b = a + one point and n - 1.
std::pair<G1Affine, G1Affine> rlc_g1(const std::uint8_t* a, const std::uint8_t* b, std::size_t n, ThreadPool& pool);
std::pair<G2Affine, G2Affine> rlc_g2(const std::uint8_t* a, const std::uint8_t* b, std::size_t n, ThreadPool& pool);

// Field helpers matching ffjavascript: "negative" means canonical value > (q-1)/2; for Fq2, c1
// decides unless it is zero.
bool fq_is_negative(const Fq& a);
bool fq2_is_negative(const Fq2& a);

}  // namespace peregrine::setup
