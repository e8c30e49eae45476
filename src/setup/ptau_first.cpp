// SPDX-License-Identifier: MIT OR Apache-2.0
// `ptau contribute|beacon --prepare`: the first contribution to a fresh powers-of-tau file, with
// the phase-2 sections made at the same time.
//
// A fresh file (`ptau new`) holds only generators, so whoever makes its first contribution knows
// every point of the result as a scalar times a generator: tau^i G1, tau^i G2, alpha tau^i G1,
// beta tau^i G1, beta G2, and the prepared (Lagrange) points L_i(tau) G of every domain 2^p, whose
// scalars are the inverse DFT over Fr of (tau^0, ..., tau^(2^p - 1)) (for tauG1's last domain,
// 2^(power+1), the last power is absent and taken as 0, as `ptau prepare` pads with infinity).
// So the file is ~15 n fixed-base products (curve/fixed_base) instead of contribute's ~5 n
// variable-base ones plus prepare's ~n log n. Affine points are unique, so the bytes are exactly
// those of `ptau contribute` then `ptau prepare` with the same secrets (the tests compare them);
// the transcript (response hash, next challenge, contribution record) is the same code's.
//
// This is only possible for the first contribution: later contributors do not know the earlier
// secrets. It keeps no secret: the scalars are wiped when the file is written, like the key.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "curve/fixed_base.hpp"
#include "poly/ntt.hpp"
#include "setup/ptau_apply.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace peregrine::setup::detail {

namespace {

void wipe(std::vector<Fr>& v) {
    std::fill(v.begin(), v.end(), Fr::zero());
    asm volatile("" : : "r"(v.data()) : "memory");
}

// v[i] = c tau^i for i < n (parallel).
void powers(Fr* v, std::size_t n, const Fr& c, const Fr& tau, ThreadPool& pool) {
    pool.parallel_for(n, [&](std::size_t lo, std::size_t hi) {
        Fr x = c * tau.pow(Limbs{lo, 0, 0, 0});
        for (std::size_t i = lo; i < hi; ++i) {
            v[i] = x;
            x *= tau;
        }
    });
}

// Throws unless every point of sections 2..6 is the generator and there is no contribution.
void check_fresh(const PtauFile& f, ThreadPool& pool) {
    if (!f.contributions().empty())
        throw Error(f.path() + ": --prepare needs a fresh file (from `ptau new`), but it has " +
                    std::to_string(f.contributions().size()) +
                    " contribution(s); contribute without --prepare, then run `ptau prepare`");
    std::uint8_t g1[64], g2[128];
    g1_to_lem(g1_generator(), g1);
    g2_to_lem(g2_generator(), g2);
    const std::size_t n = f.n_powers();
    struct Sec {
        const std::uint8_t* p;
        std::size_t cnt;
        bool g2;
    };
    const Sec secs[] = {{f.tau_g1(), 2 * n - 1, false}, {f.tau_g2(), n, true}, {f.alpha_tau_g1(), n, false},
                        {f.beta_tau_g1(), n, false}, {f.beta_g2(), 1, true}};
    for (const Sec& s : secs) {
        std::atomic<bool> ok{true};
        const std::size_t sz = s.g2 ? 128 : 64;
        const std::uint8_t* g = s.g2 ? g2 : g1;
        pool.parallel_for(s.cnt, [&](std::size_t lo, std::size_t hi) {
            for (std::size_t i = lo; i < hi && ok; ++i)
                if (std::memcmp(s.p + sz * i, g, sz) != 0) ok = false;
        });
        if (!ok)
            throw Error(f.path() + ": --prepare needs a fresh file (from `ptau new`): its points are not all generators");
    }
}

}  // namespace

Hash64 apply_first_contribution_prepared(const PtauFile& in, const std::string& out_path, PtauContribution cur,
                                         const Hash64& challenge, const PtauRunOptions& o) {
    ThreadPool& pool = *o.pool;
    const unsigned power = in.power();
    if (power + 1 >= kFrTwoAdicity)
        throw Error(in.path() + ": power " + std::to_string(power) + " is too large to prepare (at most " +
                    std::to_string(kFrTwoAdicity - 2) + ")");
    check_fresh(in, pool);
    const auto t0 = std::chrono::steady_clock::now();
    const FixedBase<G1> t1(g1_generator(), pool);
    const FixedBase<G2> t2(g2_generator(), pool);
    if (o.verbose)
        std::fprintf(stderr, "peregrine: ptau: fixed-base tables (G1 %u-bit, G2 %u-bit windows, %.0f MiB) %9.1f ms\n",
                     t1.window(), t2.window(), double(t1.table_bytes() + t2.table_bytes()) / (1 << 20),
                     std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    const Fr tau = cur.key.tau.prv, alpha = cur.key.alpha.prv, beta = cur.key.beta.prv;
    std::vector<Fr> ks;

    ContributionPlan plan;
    plan.n_sections = 11;
    plan.slice = [&](int s, std::size_t, std::size_t m, const Fr& first, std::uint8_t* out) {
        ks.resize(m);
        powers(ks.data(), m, first, tau, pool);
        if (s == 1 || s == 4) t2.mul(ks.data(), m, out, pool);
        else t1.mul(ks.data(), m, out, pool);
    };
    plan.extra = [&](BinWriter& w) {
        struct Sec {
            std::uint32_t id;
            const char* name;
            bool g2;
            Fr c;
            unsigned top;
        };
        const Sec secs[] = {{12, "tauG1", false, Fr::one(), power + 1},
                            {13, "tauG2", true, Fr::one(), power},
                            {14, "alphaTauG1", false, alpha, power},
                            {15, "betaTauG1", false, beta, power}};
        constexpr std::size_t kChunk = std::size_t(1) << 16;
        std::vector<std::uint8_t> buf;
        for (const Sec& s : secs) {
            const auto ts = std::chrono::steady_clock::now();
            const std::size_t sz = s.g2 ? 128 : 64;
            Progress prog(std::string("prepare ") + s.name, (std::uint64_t(2) << s.top) - 1, o.progress);
            w.begin_section(s.id);
            for (unsigned p = 0; p <= s.top; ++p) {
                const std::size_t np = std::size_t(1) << p;
                const std::size_t n_in = p == power + 1 ? np - 1 : np;  // tauG1 has 2^(power+1) - 1 powers
                ks.assign(np, Fr::zero());
                powers(ks.data(), n_in, s.c, tau, pool);
                if (p > 0) Domain(p).ifft(ks.data(), pool);  // L_i(tau) c, i < 2^p
                buf.resize(std::min(np, kChunk) * sz);
                for (std::size_t lo = 0; lo < np; lo += kChunk) {
                    const std::size_t m = std::min(kChunk, np - lo);
                    if (s.g2) t2.mul(ks.data() + lo, m, buf.data(), pool);
                    else t1.mul(ks.data() + lo, m, buf.data(), pool);
                    w.write(buf.data(), m * sz);
                    prog.advance(m);
                }
            }
            w.end_section();
            prog.done();
            if (o.verbose)
                std::fprintf(stderr, "peregrine: ptau: prepared %-10s %3u domains %9.1f ms\n", s.name, s.top + 1,
                             std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - ts).count());
        }
        wipe(ks);
    };
    struct Wipe {
        std::vector<Fr>& v;
        ~Wipe() { wipe(v); }
    } wipe_on_exit{ks};
    return apply_contribution(in, out_path, std::move(cur), challenge, o, &plan);
}

}  // namespace peregrine::setup::detail
