// SPDX-License-Identifier: MIT OR Apache-2.0
// export solidity | calldata: a Groth16 verifier contract for Ethereum and the arguments of its
// verifyProof call, as snarkjs zkey export solidityverifier | soliditycalldata.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "setup/solidity.hpp"
#include "util/error.hpp"
#include "util/io.hpp"

namespace peregrine::cli {

void add_solidity_commands(CLI::App& export_cmd, Commands& cmds) {
    struct SolArgs {
        std::string key, out;
    };
    auto sa = std::make_shared<SolArgs>();
    auto* sol = export_cmd.add_subcommand(
        "solidity", "A Groth16 verifier contract for Ethereum (as snarkjs zkey export solidityverifier)");
    sol->alias("solidityverifier");
    sol->add_option("<key.zkey|verification_key.json>", sa->key, "Groth16 proving key (.zkey) or verification_key.json")->required();
    sol->add_option("<Verifier.sol>", sa->out, "output Solidity source")->required();
    cmds.add(sol, [sa] {
        const std::string src = groth16_solidity_verifier(read_verifying_key_file(sa->key));
        write_files_atomically({{sa->out, src}});
        return 0;
    });

    struct CallArgs {
        std::string pub, proof;
    };
    auto ca = std::make_shared<CallArgs>();
    auto* call = export_cmd.add_subcommand(
        "calldata", "The arguments of verifyProof, on stdout (as snarkjs zkey export soliditycalldata)");
    call->alias("soliditycalldata");
    call->add_option("<public.json>", ca->pub, "public signals (JSON)")->required();
    call->add_option("<proof.json>", ca->proof, "Groth16 proof (JSON)")->required();
    cmds.add(call, [ca] {
        const std::string text =
            groth16_solidity_calldata(read_text_file(ca->pub), read_text_file(ca->proof), ca->pub, ca->proof);
        if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
            throw Error("stdout: write failed");
        }
        return 0;
    });
}

}  // namespace peregrine::cli
