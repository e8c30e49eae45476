// SPDX-License-Identifier: MIT OR Apache-2.0
#include "groth16/prover.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <mutex>

#include "groth16/verifier.hpp"
#include "msm/msm.hpp"
#include "poly/ntt.hpp"
#include "util/random.hpp"

namespace peregrine {

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// Evaluations of A.w and B.w on the domain, from the zkey's coefficient list. Each stored
// coefficient is k*R^2 mod r (R = 2^256), so a Montgomery product with the canonical witness
// value yields k*w in Montgomery form directly.
void evaluate_ab(const Zkey& zk, const std::vector<Limbs>& w, std::vector<Fr>& a, std::vector<Fr>& b) {
    const std::uint8_t* p = zk.coeffs();
    const std::uint32_t n = zk.n_coeffs(), dom = zk.domain_size(), nv = zk.n_vars();
    for (std::uint32_t i = 0; i < n; ++i, p += Zkey::kCoeffSize) {
        std::uint32_t m, c, s;
        std::memcpy(&m, p, 4);
        std::memcpy(&c, p + 4, 4);
        std::memcpy(&s, p + 8, 4);
        if (m > 1 || c >= dom || s >= nv) {
            throw Error(zk.path() + ": coefficient " + std::to_string(i) + " is out of range (matrix " + std::to_string(m) +
                        ", constraint " + std::to_string(c) + ", signal " + std::to_string(s) + ")");
        }
        const Fr k = Fr::from_mont(limbs_from_le(p + 12));
        const Fr term = k * Fr::from_mont(w[s]);
        if (m == 0) {
            a[c] += term;
        } else {
            b[c] += term;
        }
    }
}

}  // namespace

std::vector<Limbs> public_signals(const Zkey& zk, const std::vector<Limbs>& witness) {
    return std::vector<Limbs>(witness.begin() + 1, witness.begin() + 1 + zk.n_public());
}

Proof groth16_prove(const Zkey& zk, const std::vector<Limbs>& w, ThreadPool& pool, const ProveOptions& opts) {
    const auto t0 = Clock::now();
    // Every parallel loop below checks opts.cancel between its tasks.
    const ThreadPool::CancelScope cancel_scope(opts.cancel);
    auto phase = [&](const char* name) {
        ThreadPool::check_cancelled();
        if (opts.on_phase) opts.on_phase(name);
    };
    if (w.size() != zk.n_vars()) {
        throw WitnessLengthMismatch("invalid witness length: the circuit has " + std::to_string(zk.n_vars()) + " signals, the witness " +
                    std::to_string(w.size()));
    }
    for (const Limbs& v : w) {
        if (!Fr::is_canonical(v)) throw Error("witness value is not below the scalar field prime");
    }
    if (w[0] != Limbs{1, 0, 0, 0}) throw Error("invalid witness: signal 0 must be 1");

    const std::size_t n = zk.domain_size();
    const std::size_t nv = zk.n_vars(), np = zk.n_public();

    // Everything runs as one batch of tasks on the pool, so that no core waits at a phase
    // boundary. Task 0 is the polynomial part (QAP evaluation, the three NTT round trips, H),
    // run on one thread; the other threads meanwhile work through the windows of the four MSMs
    // whose scalars are the witness (largest, G2, first). The H MSM's windows come last; they
    // wait for task 0, which by then has long finished (it is picked up first).
    // The three phases therefore start together; they are announced (and checked for
    // cancellation) in their old order.
    phase("qap");
    phase("ntt");
    phase("msm");
    // A, B (G1 and G2) and C all have witness scalars (C a suffix of them): one recoding.
    const std::size_t nc = nv - np - 1;
    MsmJob<G1> job_a(zk.points_a(), nv), job_b1(zk.points_b1(), nv);
    MsmJob<G2> job_b2(zk.points_b2(), nv, 1, job_a.window_bits(), job_a.affine_buckets());
    MsmJob<G1> job_c(zk.points_c(), nc, 1, job_a.window_bits(), job_a.affine_buckets());
    MsmJob<G1> job_h(zk.points_h(), n);
    job_b1.share_digits(job_a, 0);
    job_b2.share_digits(job_a, 0);
    job_c.share_digits(job_a, np + 1);
    pool.parallel_for(nv, [&](std::size_t lo, std::size_t hi) {
        job_a.recode(w.data(), lo, hi);
        job_b1.prepare_bases(lo, hi);
        job_b2.prepare_bases(lo, hi);
        job_c.prepare_bases(std::min(lo, nc), std::min(hi, nc));
    });

    double t_qap_ms = 0, t_ntt_ms = 0;
    auto polynomial_part = [&] {
        const auto tp = Clock::now();
        const ThreadPool::CancelScope scope(opts.cancel);  // also when a worker thread runs this
        ThreadPool serial(1);
        std::vector<Fr> a(n), b(n), c(n);
        evaluate_ab(zk, w, a, b);
        for (std::size_t i = 0; i < n; ++i) c[i] = a[i] * b[i];
        const auto tq = Clock::now();
        // Move A, B, C from the evaluations on the n-th roots to the odd 2n-th roots (the coset
        // shifted by a primitive 2n-th root), where the vanishing polynomial is constant.
        const Domain dom(zk.log_domain_size());
        const Fr shift = fr_root_of_unity(zk.log_domain_size() + 1);
        for (std::vector<Fr>* v : {&a, &b, &c}) {
            ThreadPool::check_cancelled();
            dom.ifft(v->data(), serial);
            Domain::scale_by_powers(v->data(), n, shift, serial);
            dom.fft(v->data(), serial);
        }
        std::vector<Limbs> h(n);
        for (std::size_t i = 0; i < n; ++i) h[i] = (a[i] * b[i] - c[i]).to_canonical();
        job_h.recode(h.data());
        t_qap_ms = std::chrono::duration<double, std::milli>(tq - tp).count();
        t_ntt_ms = ms_since(tq);
    };

    const std::size_t n_b2 = job_b2.tasks(), n_a = job_a.tasks(), n_b1 = job_b1.tasks(), n_c = job_c.tasks();
    const std::size_t total = 1 + n_b2 + n_a + n_b1 + n_c + job_h.tasks();
    // Run once, by task 0 or, should the pool skip task 0 (cancellation), by the first H task;
    // the others wait. A failure is kept and rethrown to every caller (the pool reports it).
    std::once_flag poly_once;
    std::exception_ptr poly_error;
    auto ensure_polynomial_part = [&] {
        std::call_once(poly_once, [&] {
            try {
                polynomial_part();
            } catch (...) {
                poly_error = std::current_exception();
            }
        });
        if (poly_error) std::rethrow_exception(poly_error);
    };
    pool.run(total, [&](std::size_t t) {
        if (t == 0) return ensure_polynomial_part();
        --t;
        if (t < n_b2) return job_b2.run_task(t);
        t -= n_b2;
        if (t < n_a) return job_a.run_task(t);
        t -= n_a;
        if (t < n_b1) return job_b1.run_task(t);
        t -= n_b1;
        if (t < n_c) return job_c.run_task(t);
        t -= n_c;
        ensure_polynomial_part();
        job_h.run_task(t);
    });
    const G1 pa = job_a.result(), pb1 = job_b1.result(), pc = job_c.result(), ph = job_h.result();
    const G2 pb = job_b2.result();
    const auto t_msm = Clock::now();

    phase("finish");
    const Limbs r = opts.r ? *opts.r : random_below(FrParams::MOD);
    const Limbs s = opts.s ? *opts.s : random_below(FrParams::MOD);
    const Limbs neg_rs = (-(Fr::from_canonical(r) * Fr::from_canonical(s))).to_canonical();
    const G1 delta1 = G1::from_affine(zk.delta1());

    const G1 A = pa.add(zk.alpha1()).add(delta1.mul(r));
    const G2 B = pb.add(zk.beta2()).add(G2::from_affine(zk.delta2()).mul(s));
    const G1 B1 = pb1.add(zk.beta1()).add(delta1.mul(s));
    const G1 C = pc.add(ph).add(A.mul(s)).add(B1.mul(r)).add(delta1.mul(neg_rs));

    Proof proof{A.to_affine(), B.to_affine(), C.to_affine()};
    const auto t_fin = Clock::now();
    if (opts.verify) {
        phase("verify");
        if (!groth16_verify(verifying_key(zk), public_signals(zk, w), proof)) {
            throw UnsatisfiedWitness("the witness does not satisfy the circuit's constraints (its proof does not verify)");
        }
    }
    if (opts.timings) {
        opts.timings->verify_ms = ms_since(t_fin);
        // QAP and NTT run inside the MSM phase, on one thread, concurrently with MSM windows.
        opts.timings->qap_ms = t_qap_ms;
        opts.timings->ntt_ms = t_ntt_ms;
        opts.timings->msm_ms = std::chrono::duration<double, std::milli>(t_msm - t0).count();
        opts.timings->total_ms = ms_since(t0);
    }
    return proof;
}

}  // namespace peregrine
