// SPDX-License-Identifier: MIT OR Apache-2.0
// ptau contribute and beacon: both multiply every point of sections 2..6 by the powers of the new
// secrets and append a contribution record; they differ only in where the secrets come from.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "curve/batch_mul.hpp"
#include "formats/binwriter.hpp"
#include "setup/ptau.hpp"
#include "setup/ptau_apply.hpp"
#include "setup/ptau_file.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace peregrine::setup {

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

struct SectionSpec {
    std::uint32_t id;
    bool g2;
    std::size_t n;
    const std::uint8_t* in;
    const char* name;
};

}  // namespace

namespace detail {

// Applies `cur.key` to the points of `in`, writes out_path, returns the response hash.
Hash64 apply_contribution(const PtauFile& in, const std::string& out_path, PtauContribution cur,
                          const Hash64& challenge, const PtauRunOptions& o, const ContributionPlan* plan) {
    ThreadPool& pool = *o.pool;
    const unsigned power = in.power();
    const std::size_t n = in.n_powers();
    const Fr tau = cur.key.tau.prv, alpha = cur.key.alpha.prv, beta = cur.key.beta.prv;

    TranscriptHasher response;
    response.update(challenge.data(), challenge.size());

    const SectionSpec specs[5] = {{2, false, 2 * n - 1, in.tau_g1(), "tauG1"},
                                  {3, true, n, in.tau_g2(), "tauG2"},
                                  {4, false, n, in.alpha_tau_g1(), "alphaTauG1"},
                                  {5, false, n, in.beta_tau_g1(), "betaTauG1"},
                                  {6, true, 1, in.beta_g2(), "betaG2"}};
    const Fr firsts[5] = {Fr::one(), Fr::one(), alpha, beta, beta};

    BinWriter w(out_path, "ptau", 1, plan ? plan->n_sections : 7);
    write_ptau_header(w, power, power);
    // The new points go to the output and to an unnamed scratch file, read back for the next
    // challenge hash (which starts with the response hash, known only after all points): memory
    // stays at one slice whatever the power.
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> scratch(std::tmpfile(), &std::fclose);
    if (!scratch) throw Error(out_path + ": cannot create a scratch file");
    for (int s = 0; s < 5; ++s) {
        const SectionSpec& sp = specs[s];
        const auto t0 = std::chrono::steady_clock::now();
        const std::size_t sz = sp.g2 ? 128 : 64;
        // Slices of snarkjs's chunk size (2^20 bytes of input points): the response hash takes
        // the compressed points in exactly these pieces (its saved partial state depends on it).
        const std::size_t slice = (std::size_t(1) << 20) / sz;
        std::vector<std::uint8_t> out(std::min(slice, sp.n) * sz), comp(out.size() / 2);
        Progress prog(sp.name, sp.n, o.progress);
        w.begin_section(sp.id);
        for (std::size_t lo = 0; lo < sp.n; lo += slice) {
            const std::size_t m = std::min(slice, sp.n - lo);
            const Fr first = firsts[s] * tau.pow(Limbs{lo, 0, 0, 0});
            if (plan) {
                plan->slice(s, lo, m, first, out.data());
                if (sp.g2) g2_lem_to_compressed(out.data(), m, comp.data(), pool);
                else g1_lem_to_compressed(out.data(), m, comp.data(), pool);
            } else if (sp.g2) {
                g2_mul_powers(sp.in + sz * lo, out.data(), m, first, tau, pool);
                g2_lem_to_compressed(out.data(), m, comp.data(), pool);
            } else {
                g1_mul_powers(sp.in + sz * lo, out.data(), m, first, tau, pool);
                g1_lem_to_compressed(out.data(), m, comp.data(), pool);
            }
            w.write(out.data(), m * sz);
            if (std::fwrite(out.data(), 1, m * sz, scratch.get()) != m * sz)
                throw Error(out_path + ": cannot write the scratch file");
            response.update(comp.data(), m * sz / 2);
            if (lo == 0) {
                if (s == 0) cur.tau_g1 = g1_from_lem(&out[64]);
                if (s == 1) cur.tau_g2 = g2_from_lem(&out[128]);
                if (s == 2) cur.alpha_g1 = g1_from_lem(&out[0]);
                if (s == 3) cur.beta_g1 = g1_from_lem(&out[0]);
                if (s == 4) cur.beta_g2 = g2_from_lem(&out[0]);
            }
            prog.advance(m);
        }
        w.end_section();
        prog.done();
        if (o.verbose) std::fprintf(stderr, "peregrine: ptau: %-10s %9zu points %9.1f ms\n", sp.name, sp.n, ms_since(t0));
    }
    const auto t0 = std::chrono::steady_clock::now();
    cur.partial_hash = response.partial();
    const auto pk = pubkey_uncompressed(cur.key);
    response.update(pk.data(), pk.size());
    const Hash64 resp = response.digest();

    // The next challenge: the response hash, then every new point uncompressed.
    Blake2b next(64);
    next.update(resp.data(), resp.size());
    std::rewind(scratch.get());
    for (int s = 0; s < 5; ++s) {
        const std::size_t sz = specs[s].g2 ? 128 : 64;
        const std::size_t chunk = std::size_t(1) << 14;
        std::vector<std::uint8_t> lem(std::min(chunk, specs[s].n) * sz), u(lem.size());
        for (std::size_t i = 0; i < specs[s].n; i += chunk) {
            const std::size_t m = std::min(chunk, specs[s].n - i);
            if (std::fread(lem.data(), 1, m * sz, scratch.get()) != m * sz)
                throw Error(out_path + ": cannot read the scratch file back");
            if (specs[s].g2) g2_lem_to_uncompressed(lem.data(), m, u.data(), pool);
            else g1_lem_to_uncompressed(lem.data(), m, u.data(), pool);
            next.update(u.data(), m * sz);
        }
    }
    cur.next_challenge = next.digest64();
    cur.key.tau.prv = cur.key.alpha.prv = cur.key.beta.prv = Fr::zero();

    std::vector<PtauContribution> all = in.contributions();
    all.push_back(std::move(cur));
    write_contributions(w, all);
    if (plan && plan->extra) plan->extra(w);
    w.commit();
    if (o.verbose) std::fprintf(stderr, "peregrine: ptau: hashes and contribution record %9.1f ms\n", ms_since(t0));
    return resp;
}

void check_contributable(const PtauFile& f) {
    if (f.power() != f.ceremony_power())
        throw Error(f.path() + ": this file has been reduced (power " + std::to_string(f.power()) + " of " +
                    std::to_string(f.ceremony_power()) + "); contributions need the full ceremony file");
}

Hash64 last_challenge(const PtauFile& f) {
    if (f.contributions().empty()) return first_challenge_hash(f.power());
    return f.contributions().back().next_challenge;
}

}  // namespace detail

namespace {

using detail::check_contributable;
using detail::last_challenge;

// With o.prepare, the first contribution to a fresh file, prepared (ptau_first.cpp).
Hash64 apply(const PtauFile& f, const std::string& out_path, PtauContribution cur, const Hash64& challenge,
             const PtauRunOptions& o) {
    if (o.prepare) return detail::apply_first_contribution_prepared(f, out_path, std::move(cur), challenge, o);
    return detail::apply_contribution(f, out_path, std::move(cur), challenge, o);
}

std::vector<std::uint8_t> parse_hex(const std::string& s) {
    if (s.empty() || s.size() % 2 != 0) throw Error("ptau beacon: the beacon hash must be an even number of hex digits");
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        auto nib = [&](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            throw Error("ptau beacon: the beacon hash is not hexadecimal: " + s);
        };
        out.push_back(std::uint8_t(nib(s[i]) * 16 + nib(s[i + 1])));
    }
    return out;
}

}  // namespace

Hash64 ptau_contribute(const std::string& in_path, const std::string& out_path, const std::string& name,
                       const std::string& entropy, const PtauRunOptions& o) {
    const PtauFile f(in_path);
    check_contributable(f);
    if (f.prepared() && !o.prepare) std::fprintf(stderr, "peregrine: note: %s is prepared for phase 2; the output is not (run `ptau prepare` again)\n", in_path.c_str());
    const Hash64 challenge = last_challenge(f);
    ChaCha rng = random_rng(entropy);
    PtauContribution cur;
    cur.type = 0;
    cur.name = name;
    cur.key = create_ptau_key(challenge.data(), rng);
    return apply(f, out_path, std::move(cur), challenge, o);
}

Hash64 ptau_beacon(const std::string& in_path, const std::string& out_path, const std::string& name,
                   const std::string& beacon_hex, unsigned iter_exp, const PtauRunOptions& o) {
    const std::vector<std::uint8_t> beacon = parse_hex(beacon_hex);
    if (beacon.size() > 255) throw Error("ptau beacon: the beacon hash is longer than 255 bytes");
    if (iter_exp < 10 || iter_exp > 63) throw Error("ptau beacon: the iterations exponent must be 10..63");
    const PtauFile f(in_path);
    check_contributable(f);
    const Hash64 challenge = last_challenge(f);
    const auto t0 = std::chrono::steady_clock::now();
    ChaCha rng = rng_from_beacon(beacon.data(), beacon.size(), iter_exp);
    if (o.verbose) std::fprintf(stderr, "peregrine: ptau: beacon 2^%u SHA-256 %9.1f ms\n", iter_exp, ms_since(t0));
    PtauContribution cur;
    cur.type = 1;
    cur.name = name;
    cur.num_iterations_exp = iter_exp;
    cur.beacon_hash = beacon;
    cur.key = create_ptau_key(challenge.data(), rng);
    return apply(f, out_path, std::move(cur), challenge, o);
}

}  // namespace peregrine::setup
