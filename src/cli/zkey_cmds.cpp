// SPDX-License-Identifier: MIT OR Apache-2.0
// zkey contribute | beacon | verify: the phase-2 ceremony on snarkjs Groth16 keys; zkey check: full
// validation of a key on its own.
#include <cstdio>
#include <exception>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "formats/zkey.hpp"
#include "setup/zkey_contribute.hpp"
#include "setup/zkey_mpc.hpp"
#include "setup/zkey_verify.hpp"
#include "util/thread_pool.hpp"

namespace peregrine::cli {

namespace {

struct ZkeyArgs {
    std::string in, out, name, entropy, beacon, r1cs, ptau;
    unsigned exp = 0, threads = 0;
    bool verbose = false;
};

void print_hashes(const setup::ZkeyContributeResult& r) {
    std::printf("%s\n%s\n", setup::format_hash(r.circuit_hash, "Circuit Hash: ").c_str(),
                setup::format_hash(r.contribution_hash, "Contribution Hash: ").c_str());
}

}  // namespace

void add_zkey_commands(CLI::App& app, Commands& cmds) {
    auto a = std::make_shared<ZkeyArgs>();
    CLI::App* zkey = app.add_subcommand("zkey", "Groth16 keys: check; the phase-2 ceremony: contribute, beacon, verify (as snarkjs zkey ...)");
    zkey->require_subcommand(1);

    CLI::App* contrib = zkey->add_subcommand("contribute", "Add a random contribution (as snarkjs zkey contribute)");
    contrib->add_option("<in.zkey>", a->in, "input .zkey")->required();
    contrib->add_option("<out.zkey>", a->out, "output .zkey")->required();
    contrib->add_option("--name,-n", a->name, "contribution name (stored, at most 64 characters)");
    contrib->add_option("--entropy,-e", a->entropy,
                        "extra entropy text, hashed with OS randomness (default: OS randomness only)");

    CLI::App* beacon = zkey->add_subcommand("beacon", "Add a beacon contribution (as snarkjs zkey beacon)");
    beacon->add_option("<in.zkey>", a->in, "input .zkey")->required();
    beacon->add_option("<out.zkey>", a->out, "output .zkey")->required();
    beacon->add_option("<beacon-hex>", a->beacon, "beacon hash in hex")->required();
    beacon->add_option("<iterations-exp>", a->exp, "log2 of the SHA-256 iterations (10..63)")->required();
    beacon->add_option("--name,-n", a->name, "contribution name");

    CLI::App* verify = zkey->add_subcommand(
        "verify", "Check a key against its circuit and powers of tau (as snarkjs zkey verify); exit 0 valid, 1 invalid, 2 error");
    verify->add_option("<circuit.r1cs>", a->r1cs, "circuit (.r1cs)")->required();
    verify->add_option("<pot.ptau>", a->ptau, "powers of tau (.ptau, prepared for phase 2)")->required();
    verify->add_option("<circuit.zkey>", a->in, "key to verify (.zkey)")->required();

    CLI::App* check = zkey->add_subcommand(
        "check", "Validate a key on its own: every point on the curve and in the subgroup, sizes, coefficients, "
                 "verification key consistency; exit 0 valid, 1 invalid or unreadable");
    check->add_option("<key.zkey>", a->in, "key to check (.zkey)")->required();

    for (CLI::App* sub : {contrib, beacon, verify, check}) {
        sub->add_option("--threads,-t", a->threads, "worker threads (default: all cores)");
        sub->add_flag("--verbose,-v", a->verbose, "progress and details on stderr");
    }

    cmds.add(zkey, [a, contrib, beacon, verify, check]() -> int {
        if (*check) {
            ThreadPool pool(a->threads);
            const Zkey z(a->in);
            const std::string report = check_zkey(z, pool);
            std::printf("%s", report.c_str());
            std::printf("%s: ZKey check OK\n", a->in.c_str());
            return 0;
        }
        if (*verify) {
            try {
                ThreadPool pool(a->threads);
                const setup::ZkeyVerifyResult r = setup::zkey_verify(a->r1cs, a->ptau, a->in, pool, a->verbose);
                if (!r.ok) {
                    std::fprintf(stderr, "peregrine: %s: INVALID: %s\n", a->in.c_str(), r.reason.c_str());
                    return 1;
                }
                std::printf("%s", r.report.c_str());
                std::printf("ZKey Ok!\n");
                return 0;
            } catch (const std::exception& e) {
                std::fprintf(stderr, "peregrine: error: %s\n", e.what());
                return 2;
            }
        }
        ThreadPool pool(a->threads);
        if (*contrib) {
            print_hashes(setup::zkey_contribute(a->in, a->out, a->name, a->entropy, pool, a->verbose));
            return 0;
        }
        if (*beacon) {
            const auto bytes = setup::parse_beacon_hex(a->beacon);
            print_hashes(setup::zkey_beacon(a->in, a->out, a->name, bytes, a->exp, pool, a->verbose));
            return 0;
        }
        return 1;
    });
}

}  // namespace peregrine::cli
