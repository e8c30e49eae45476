// SPDX-License-Identifier: MIT OR Apache-2.0
// ptau verify: the checks of snarkjs powersoftau verify, with random linear combinations and
// MSMs instead of per-point work:
//  - every contribution's proofs of knowledge (tau, alpha, beta), and that its first points follow
//    from the previous contribution's by the same secrets; beacons re-derived from their beacon;
//  - the point sections are successive powers with the last contribution's tau, start as they
//    must, and hash to the last contribution's next challenge;
//  - prepared files: each block of sections 12..15 is the Lagrange form of the powers.
#include <chrono>
#include <cstdio>
#include <cstring>

#include "msm/msm.hpp"
#include "poly/ntt.hpp"
#include "setup/ptau.hpp"
#include "setup/ptau_file.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace peregrine::setup {

namespace {

struct Prev {
    G1Affine tau_g1, alpha_g1, beta_g1;
    G2Affine tau_g2, beta_g2;
    Hash64 next_challenge;
};

Prev prev_of(const PtauContribution& c) {
    return {c.tau_g1, c.alpha_g1, c.beta_g1, c.tau_g2, c.beta_g2, c.next_challenge};
}

bool g1_ok(const G1Affine& p) { return G1::on_curve(p); }
bool g2_ok(const G2Affine& p) { return G2::on_curve(p) && g2_in_subgroup(p); }

// One contribution against the one before it; returns "" or the reason it fails.
std::string check_contribution(const PtauContribution& c, const Prev& prev, std::size_t id) {
    const std::string who = "contribution #" + std::to_string(id) + (c.name.empty() ? "" : " (" + c.name + ")");
    const KeyPart* parts[3] = {&c.key.tau, &c.key.alpha, &c.key.beta};
    const char* pname[3] = {"tau", "alpha", "beta"};
    for (const KeyPart* p : parts)
        if (!g1_ok(p->g1_s) || !g1_ok(p->g1_sx) || !g2_ok(p->g2_spx)) return who + ": a key point is not a valid curve point";
    if (!g1_ok(c.tau_g1) || !g1_ok(c.alpha_g1) || !g1_ok(c.beta_g1) || !g2_ok(c.tau_g2) || !g2_ok(c.beta_g2))
        return who + ": a point is not a valid curve point";
    if (c.type == 1) {
        ChaCha rng = rng_from_beacon(c.beacon_hash.data(), c.beacon_hash.size(), c.num_iterations_exp);
        const PtauKey k = create_ptau_key(prev.next_challenge.data(), rng);
        const KeyPart* want[3] = {&k.tau, &k.alpha, &k.beta};
        for (int i = 0; i < 3; ++i)
            if (!(want[i]->g1_s == parts[i]->g1_s) || !(want[i]->g1_sx == parts[i]->g1_sx) ||
                !(want[i]->g2_spx == parts[i]->g2_spx))
                return who + ": the beacon key (" + pname[i] + ") is not the one the beacon generates";
    }
    G2Affine sp[3];
    for (int i = 0; i < 3; ++i) {
        sp[i] = g2_sp_for(std::uint8_t(i), prev.next_challenge.data(), parts[i]->g1_s, parts[i]->g1_sx);
        if (!same_ratio(parts[i]->g1_s, parts[i]->g1_sx, sp[i], parts[i]->g2_spx))
            return who + ": invalid proof of knowledge of " + pname[i];
    }
    if (!same_ratio(prev.tau_g1, c.tau_g1, sp[0], c.key.tau.g2_spx)) return who + ": tau*G1 does not follow the previous contribution";
    if (!same_ratio(c.key.tau.g1_s, c.key.tau.g1_sx, prev.tau_g2, c.tau_g2)) return who + ": tau*G2 does not follow the previous contribution";
    if (!same_ratio(prev.alpha_g1, c.alpha_g1, sp[1], c.key.alpha.g2_spx)) return who + ": alpha*G1 does not follow the previous contribution";
    if (!same_ratio(prev.beta_g1, c.beta_g1, sp[2], c.key.beta.g2_spx)) return who + ": beta*G1 does not follow the previous contribution";
    if (!same_ratio(c.key.beta.g1_s, c.key.beta.g1_sx, prev.beta_g2, c.beta_g2)) return who + ": beta*G2 does not follow the previous contribution";
    return "";
}

// Sections 12..15 against 2..5: with independent random r^(p) per block p,
//   sum_p sum_i r^(p)_i tau^i P  ==  sum_p sum_j fft(r^(p))_j L^(p)_j(tau) P,
// one MSM on each side (the powers' scalars are summed over the blocks).
bool check_lagrange(const std::uint8_t* powers, std::size_t n_powers_avail, const std::uint8_t* lag, unsigned max_p,
                    bool g2, ThreadPool& pool) {
    const std::size_t sz = g2 ? 128 : 64;
    const std::size_t total = (std::size_t(2) << max_p) - 1;
    std::vector<Fr> s(std::size_t(1) << max_p, Fr::zero());
    std::vector<Limbs> t(total);
    std::size_t off = 0;
    for (unsigned p = 0; p <= max_p; ++p) {
        const std::size_t m = std::size_t(1) << p;
        const auto r = random_scalars(m, 64);
        std::vector<Fr> f(m);
        for (std::size_t i = 0; i < m; ++i) {
            f[i] = (i < n_powers_avail) ? Fr::from_canonical(r[i]) : Fr::zero();
            s[i] += f[i];
        }
        if (p > 0) Domain(p).fft(f.data(), pool);
        for (std::size_t i = 0; i < m; ++i) t[off + i] = f[i].to_canonical();
        off += m;
    }
    const std::size_t np = std::min(s.size(), n_powers_avail);
    std::vector<Limbs> sl(np);
    for (std::size_t i = 0; i < np; ++i) sl[i] = s[i].to_canonical();
    if (g2) return msm_g2(powers, sl.data(), np, pool) == msm_g2(lag, t.data(), total, pool);
    (void)sz;
    return msm_g1(powers, sl.data(), np, pool) == msm_g1(lag, t.data(), total, pool);
}

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

PtauVerdict ptau_verify(const std::string& path, const PtauRunOptions& o) {
    ThreadPool& pool = *o.pool;
    PtauVerdict v;
    auto fail = [&](std::string why) {
        v.valid = false;
        v.reason = std::move(why);
        return v;
    };
    auto t0 = std::chrono::steady_clock::now();
    auto step = [&](const char* what) {
        if (o.verbose) std::fprintf(stderr, "peregrine: ptau verify: %-28s %9.1f ms\n", what, ms_since(t0));
        t0 = std::chrono::steady_clock::now();
    };
    const PtauFile f(path);
    const auto& cs = f.contributions();
    step("read");
    if (cs.empty()) return fail("the file has no contributions");
    const Prev initial{g1_generator(), g1_generator(), g1_generator(), g2_generator(), g2_generator(),
                       first_challenge_hash(f.ceremony_power())};
    step("first challenge hash");
    for (std::size_t i = cs.size(); i-- > 0;) {
        const Prev prev = i == 0 ? initial : prev_of(cs[i - 1]);
        const std::string why = check_contribution(cs[i], prev, i + 1);
        if (!why.empty()) return fail(why);
    }
    step("contributions");
    const PtauContribution& last = cs.back();
    const std::size_t n = f.n_powers();
    if (!g1_lem_all_on_curve(f.tau_g1(), f.n_tau_g1(), pool) || !g1_lem_all_on_curve(f.alpha_tau_g1(), n, pool) ||
        !g1_lem_all_on_curve(f.beta_tau_g1(), n, pool) || !g2_lem_all_on_curve(f.tau_g2(), n, pool) ||
        !g2_lem_all_on_curve(f.beta_g2(), 1, pool))
        return fail("a point of sections 2..6 is not a valid curve point");
    step("curve checks");
    const G1Affine g1 = g1_generator();
    const G2Affine g2 = g2_generator();
    {
        auto [r1, r2] = rlc_g1(f.tau_g1(), f.tau_g1() + 64, f.n_tau_g1() - 1, pool);
        if (!same_ratio(r1, r2, g2, last.tau_g2)) return fail("tauG1 section: the powers do not match");
        if (!(g1_from_lem(f.tau_g1()) == g1)) return fail("tauG1 section: the first point is not the generator");
        if (!(g1_from_lem(f.tau_g1() + 64) == last.tau_g1)) return fail("tauG1 section: the second point is not the last contribution's tau*G1");
    }
    {
        auto [r1, r2] = rlc_g2(f.tau_g2(), f.tau_g2() + 128, n - 1, pool);
        if (!same_ratio(g1, last.tau_g1, r1, r2)) return fail("tauG2 section: the powers do not match");
        if (!(g2_from_lem(f.tau_g2()) == g2)) return fail("tauG2 section: the first point is not the generator");
        if (!(g2_from_lem(f.tau_g2() + 128) == last.tau_g2)) return fail("tauG2 section: the second point is not the last contribution's tau*G2");
    }
    for (int k = 0; k < 2; ++k) {
        const std::uint8_t* sec = k == 0 ? f.alpha_tau_g1() : f.beta_tau_g1();
        const char* nm = k == 0 ? "alphaTauG1" : "betaTauG1";
        if (n > 1) {
            auto [r1, r2] = rlc_g1(sec, sec + 64, n - 1, pool);
            if (!same_ratio(r1, r2, g2, last.tau_g2)) return fail(std::string(nm) + " section: the powers do not match");
        }
        if (!(g1_from_lem(sec) == (k == 0 ? last.alpha_g1 : last.beta_g1)))
            return fail(std::string(nm) + " section: the first point does not match the last contribution");
    }
    if (!(g2_from_lem(f.beta_g2()) == last.beta_g2)) return fail("betaG2 section does not match the last contribution");
    step("powers");
    if (f.power() == f.ceremony_power()) {
        Blake2b next(64);
        next.update(last.response_hash.data(), 64);
        const std::pair<const std::uint8_t*, std::size_t> secs[5] = {
            {f.tau_g1(), f.n_tau_g1()}, {f.tau_g2(), n}, {f.alpha_tau_g1(), n}, {f.beta_tau_g1(), n}, {f.beta_g2(), 1}};
        for (int s = 0; s < 5; ++s) {
            const bool isg2 = s == 1 || s == 4;
            const std::size_t sz = isg2 ? 128 : 64;
            const std::size_t chunk = std::size_t(1) << 14;
            std::vector<std::uint8_t> u(std::min(chunk, secs[s].second) * sz);
            for (std::size_t i = 0; i < secs[s].second; i += chunk) {
                const std::size_t m = std::min(chunk, secs[s].second - i);
                if (isg2) g2_lem_to_uncompressed(secs[s].first + sz * i, m, u.data(), pool);
                else g1_lem_to_uncompressed(secs[s].first + sz * i, m, u.data(), pool);
                next.update(u.data(), m * sz);
            }
        }
        if (next.digest64() != last.next_challenge)
            return fail("the hash of the points does not match the last contribution's next challenge");
        step("next challenge hash");
    }
    if (!f.prepared()) {
        v.notes.push_back("not prepared for phase 2 (no sections 12-15); run `ptau prepare`");
    } else {
        const unsigned p = f.power();
        if (p + 1 > kFrTwoAdicity) {
            v.notes.push_back("the Lagrange sections were not verified (power above 27)");
        } else {
            for (std::uint32_t id = 12; id <= 15; ++id) {
                if (id == 12 ? !g1_lem_all_on_curve(f.lagrange(12), (std::size_t(4) << p) - 1, pool)
                             : id == 13 ? !g2_lem_all_on_curve(f.lagrange(13), (std::size_t(2) << p) - 1, pool)
                                        : !g1_lem_all_on_curve(f.lagrange(id), (std::size_t(2) << p) - 1, pool))
                    return fail("section " + std::to_string(id) + ": a point is not a valid curve point");
            }
            if (!check_lagrange(f.tau_g1(), f.n_tau_g1(), f.lagrange(12), p + 1, false, pool))
                return fail("section 12 (tauG1 Lagrange) does not match the powers of tau");
            if (!check_lagrange(f.tau_g2(), n, f.lagrange(13), p, true, pool))
                return fail("section 13 (tauG2 Lagrange) does not match the powers of tau");
            if (!check_lagrange(f.alpha_tau_g1(), n, f.lagrange(14), p, false, pool))
                return fail("section 14 (alphaTauG1 Lagrange) does not match the powers of tau");
            if (!check_lagrange(f.beta_tau_g1(), n, f.lagrange(15), p, false, pool))
                return fail("section 15 (betaTauG1 Lagrange) does not match the powers of tau");
            step("Lagrange sections");
        }
    }
    v.valid = true;
    return v;
}

}  // namespace peregrine::setup
