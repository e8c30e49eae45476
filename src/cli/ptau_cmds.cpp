// SPDX-License-Identifier: MIT OR Apache-2.0
// peregrine ptau new | contribute | beacon | verify | info  (snarkjs powersoftau ..., BN254).
// `ptau prepare` is added to the same subcommand by cli/setup_cmds.cpp.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "setup/ptau.hpp"
#include "setup/ptau_file.hpp"
#include "util/error.hpp"

namespace peregrine::cli {

namespace {

struct PtauArgs {
    unsigned power = 0;
    std::string in, out, name, entropy, beacon;
    unsigned iter_exp = 0;
    unsigned threads = 0;
    bool verbose = false;
    bool prepare = false;
};

void add_common(CLI::App* sub, PtauArgs& a) {
    sub->add_option("--threads,-t", a.threads, "worker threads (default: all cores)");
    sub->add_flag("--verbose,-v", a.verbose, "progress and the time of each step on stderr");
}

int with_pool(const PtauArgs& a, const std::function<int(const setup::PtauRunOptions&)>& fn) {
    ThreadPool pool(a.threads);
    setup::PtauRunOptions o;
    o.pool = &pool;
    o.verbose = a.verbose;
    o.progress = a.verbose || isatty(2);
    o.prepare = a.prepare;
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = fn(o);
    if (a.verbose)
        std::fprintf(stderr, "peregrine: ptau: total %.1f ms (%u threads)\n",
                     std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(), pool.size());
    return rc;
}

}  // namespace

void add_ptau_commands(CLI::App& app, Commands& cmds) {
    auto* ptau = app.add_subcommand("ptau", "Powers-of-tau ceremony: new, contribute, beacon, prepare, verify, info (as snarkjs powersoftau, bn128)");
    ptau->require_subcommand(1);

    auto a = std::make_shared<PtauArgs>();

    auto* nw = ptau->add_subcommand("new", "A new accumulator of 2^power powers, 1..28 (as snarkjs powersoftau new bn128)");
    nw->add_option("<power>", a->power, "log2 of the number of powers")->required()->check(CLI::Range(1u, 28u));
    nw->add_option("<out.ptau>", a->out, "output .ptau")->required();
    add_common(nw, *a);
    cmds.add(nw, [a] {
        return with_pool(*a, [&](const setup::PtauRunOptions& o) {
            const auto h = setup::ptau_new(a->power, a->out, o);
            std::printf("First contribution hash:\n%s\n", setup::format_hash(h).c_str());
            return 0;
        });
    });

    auto* co = ptau->add_subcommand("contribute", "Add a random contribution (as snarkjs powersoftau contribute)");
    co->add_option("<in.ptau>", a->in, "input .ptau")->required();
    co->add_option("<out.ptau>", a->out, "output .ptau")->required();
    co->add_option("--name,-n", a->name, "contributor's name (recorded in the file)");
    co->add_option("--entropy,-e", a->entropy, "extra entropy text, mixed with the OS CSPRNG's");
    co->add_flag("--prepare", a->prepare,
                  "first contribution to a fresh file only: also write the phase-2 sections (the same bytes as "
                  "`ptau prepare` of the output, computed from the contribution's secrets in O(n))");
    add_common(co, *a);
    cmds.add(co, [a] {
        return with_pool(*a, [&](const setup::PtauRunOptions& o) {
            const auto h = setup::ptau_contribute(a->in, a->out, a->name, a->entropy, o);
            std::printf("Contribution response hash:\n%s\n", setup::format_hash(h).c_str());
            return 0;
        });
    });

    auto* be = ptau->add_subcommand("beacon", "Add a beacon contribution (as snarkjs powersoftau beacon)");
    be->add_option("<in.ptau>", a->in, "input .ptau")->required();
    be->add_option("<out.ptau>", a->out, "output .ptau")->required();
    be->add_option("<beacon-hex>", a->beacon, "beacon value, hexadecimal")->required();
    be->add_option("<iterations-exp>", a->iter_exp, "SHA-256 is iterated 2^iterations times (10..63)")->required();
    be->add_option("--name,-n", a->name, "name recorded in the file");
    be->add_flag("--prepare", a->prepare,
                  "first contribution to a fresh file only: also write the phase-2 sections (the same bytes as "
                  "`ptau prepare` of the output, computed from the contribution's secrets in O(n))");
    add_common(be, *a);
    cmds.add(be, [a] {
        return with_pool(*a, [&](const setup::PtauRunOptions& o) {
            const auto h = setup::ptau_beacon(a->in, a->out, a->name, a->beacon, a->iter_exp, o);
            std::printf("Contribution response hash:\n%s\n", setup::format_hash(h).c_str());
            return 0;
        });
    });

    auto* ve = ptau->add_subcommand("verify", "Check a ptau file (as snarkjs powersoftau verify); exit 0 valid, 1 invalid, 2 unreadable");
    ve->add_option("<file.ptau>", a->in, "the .ptau")->required();
    add_common(ve, *a);
    cmds.add(ve, [a] {
        try {
            return with_pool(*a, [&](const setup::PtauRunOptions& o) {
                const setup::PtauVerdict v = setup::ptau_verify(a->in, o);
                for (const auto& n : v.notes) std::fprintf(stderr, "peregrine: note: %s: %s\n", a->in.c_str(), n.c_str());
                if (!v.valid) {
                    std::fprintf(stderr, "peregrine: ptau verify: INVALID: %s: %s\n", a->in.c_str(), v.reason.c_str());
                    return 1;
                }
                std::printf("ptau file OK: %s\n", a->in.c_str());
                return 0;
            });
        } catch (const std::exception& e) {
            std::fprintf(stderr, "peregrine: error: %s\n", e.what());
            return 2;
        }
    });

    auto* in = ptau->add_subcommand("info", "Describe a ptau file: power, contributions, whether prepared for phase 2");
    in->add_option("<file.ptau>", a->in, "the .ptau")->required();
    cmds.add(in, [a] {
        std::fputs(setup::ptau_info(a->in).c_str(), stdout);
        return 0;
    });
}

}  // namespace peregrine::cli
