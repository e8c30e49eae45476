// SPDX-License-Identifier: MIT OR Apache-2.0
// setup (snarkjs groth16 setup) and ptau prepare (snarkjs powersoftau prepare phase2).
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "setup/ptau_file.hpp"
#include "setup/ptau_prepare.hpp"
#include "setup/zkey_new.hpp"
#include "util/thread_pool.hpp"

namespace peregrine::cli {

namespace {

struct SetupArgs {
    std::string r1cs, ptau, zkey, prep_in, prep_out;
    unsigned threads = 0;
    bool verbose = false, quiet = false;
};

}  // namespace

void add_setup_commands(CLI::App& app, Commands& cmds) {
    auto a = std::make_shared<SetupArgs>();

    CLI::App* setup = app.add_subcommand("setup", "The initial Groth16 key of a circuit (as snarkjs groth16 setup)");
    setup->add_option("<circuit.r1cs>", a->r1cs, "circuit (.r1cs)")->required();
    setup->add_option("<pot.ptau>", a->ptau, "powers of tau prepared for phase 2 (.ptau, see `ptau prepare`)")->required();
    setup->add_option("<circuit.zkey>", a->zkey, "output key (.zkey)")->required();

    // `ptau` is created by add_ptau_commands; create it here only if that did not.
    CLI::App* ptau = nullptr;
    try {
        ptau = app.get_subcommand("ptau");
    } catch (const CLI::OptionNotFound&) {
        ptau = app.add_subcommand("ptau", "powers of tau ceremony (snarkjs powersoftau ...)");
        ptau->require_subcommand(1);
    }
    CLI::App* prepare =
        ptau->add_subcommand("prepare", "Add the Lagrange-basis sections phase 2 needs (as snarkjs powersoftau prepare phase2)");
    prepare->add_option("<in.ptau>", a->prep_in, "input .ptau")->required();
    prepare->add_option("<out.ptau>", a->prep_out, "output .ptau")->required();

    for (CLI::App* sub : {setup, prepare}) {
        sub->add_option("--threads,-t", a->threads, "worker threads (default: all cores)");
        sub->add_flag("--verbose,-v", a->verbose, "progress and per-step timings on stderr");
    }

    cmds.add(setup, [a]() -> int {
        ThreadPool pool(a->threads);
        setup::ZkeyNewOptions o;
        o.verbose = a->verbose;
        o.progress = a->verbose;
        const setup::Hash64 h = setup::zkey_new(a->r1cs, a->ptau, a->zkey, pool, o);
        std::printf("Circuit hash:\n%s\n", setup::format_hash(h).c_str());
        return 0;
    });
    // Checked before the ptau command's own entry: `ptau prepare` also sets `ptau`.
    cmds.runs.insert(cmds.runs.begin(), {prepare, [a]() -> int {
                         ThreadPool pool(a->threads);
                         setup::PtauPrepareOptions o;
                         o.verbose = a->verbose;
                         o.progress = a->verbose;
                         const auto t0 = std::chrono::steady_clock::now();
                         setup::ptau_prepare(a->prep_in, a->prep_out, pool, o);
                         if (a->verbose) {
                             const double dt =
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                             std::fprintf(stderr, "prepare: total %.3f s, %u threads\n", dt, pool.size());
                         }
                         return 0;
                     }});
}

}  // namespace peregrine::cli
