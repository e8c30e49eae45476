// SPDX-License-Identifier: MIT OR Apache-2.0
// snarkjs `powersoftau prepare phase2`: a ptau file with sections 12..15 added, the Lagrange forms
// of tauG1, tauG2, alphaTauG1 and betaTauG1 over every domain 2^0 .. 2^power (for tauG1 also
// 2^(power+1), from its 2^(power+1) - 1 powers and a final point at infinity), concatenated by
// increasing domain size. The Lagrange form of points P_0..P_{n-1} is their inverse DFT over the
// n-th roots of unity: L_i = (1/n) sum_j w^(-ij) P_j, so for P_j = tau^j G, L_i = L_i(tau) G.
// The output is byte-identical to snarkjs 0.7.6's (affine points are unique).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "curve/bn254.hpp"
#include "util/thread_pool.hpp"

namespace peregrine::setup {

struct PtauPrepareOptions {
    bool progress = false;  // progress on stderr
    bool verbose = false;   // one timing line per section on stderr
};

// Reads in_path (a ptau, prepared or not) and writes out_path atomically. Errors name the file.
void ptau_prepare(const std::string& in_path, const std::string& out_path, ThreadPool& pool,
                  const PtauPrepareOptions& opt = {});

// In-place inverse DFT of n = 2^log_n points (natural order in and out), parallel over the pool.
void g1_ifft(G1* a, unsigned log_n, ThreadPool& pool);
void g2_ifft(G2* a, unsigned log_n, ThreadPool& pool);

// k * P by a GLV split of k (k canonical, < r) and signed windows; exposed for tests.
G1 g1_mul_glv(const G1& p, const Limbs& k);
G2 g2_mul_glv(const G2& p, const Limbs& k);
// pts[i] <- ks[i] * pts[i] (ks[i] canonical), the batched lockstep kernel of the IFFT (G1: GLV,
// G2: four-dimensional GLS with psi); exposed for tests.
void g1_mul_batch(G1* pts, const Limbs* ks, std::size_t n);
void g2_mul_batch(G2* pts, const Limbs* ks, std::size_t n);

}  // namespace peregrine::setup
