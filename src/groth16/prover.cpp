#include "groth16/prover.hpp"

#include <chrono>
#include <cstring>

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
    phase("qap");
    std::vector<Fr> a(n), b(n), c(n);
    evaluate_ab(zk, w, a, b);
    pool.parallel_for(n, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t i = lo; i < hi; ++i) c[i] = a[i] * b[i];
    });
    const auto t_qap = Clock::now();

    phase("ntt");
    // Move A, B, C from the evaluations on the n-th roots to the odd 2n-th roots (the coset
    // shifted by a primitive 2n-th root), where the vanishing polynomial is constant.
    const Domain dom(zk.log_domain_size());
    const Fr shift = fr_root_of_unity(zk.log_domain_size() + 1);
    for (std::vector<Fr>* v : {&a, &b, &c}) {
        dom.ifft(v->data(), pool);
        Domain::scale_by_powers(v->data(), n, shift, pool);
        dom.fft(v->data(), pool);
    }
    std::vector<Limbs> h(n);
    pool.parallel_for(n, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t i = lo; i < hi; ++i) h[i] = (a[i] * b[i] - c[i]).to_canonical();
    });
    a = {};
    b = {};
    c = {};
    const auto t_ntt = Clock::now();

    phase("msm");
    const std::size_t nv = zk.n_vars(), np = zk.n_public();
    const G1 pa = msm_g1(zk.points_a(), w.data(), nv, pool);
    ThreadPool::check_cancelled();
    const G1 pb1 = msm_g1(zk.points_b1(), w.data(), nv, pool);
    ThreadPool::check_cancelled();
    const G2 pb = msm_g2(zk.points_b2(), w.data(), nv, pool);
    ThreadPool::check_cancelled();
    const G1 pc = msm_g1(zk.points_c(), w.data() + np + 1, nv - np - 1, pool);
    ThreadPool::check_cancelled();
    const G1 ph = msm_g1(zk.points_h(), h.data(), n, pool);
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
        opts.timings->qap_ms = std::chrono::duration<double, std::milli>(t_qap - t0).count();
        opts.timings->ntt_ms = std::chrono::duration<double, std::milli>(t_ntt - t_qap).count();
        opts.timings->msm_ms = std::chrono::duration<double, std::milli>(t_msm - t_ntt).count();
        opts.timings->total_ms = ms_since(t0);
    }
    return proof;
}

}  // namespace peregrine
