// SPDX-License-Identifier: MIT OR Apache-2.0
// peregrine: command-line front end.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/usage.hpp"
#include "formats/r1cs.hpp"
#include "formats/wtns.hpp"
#include "formats/zkey.hpp"
#include "groth16/prove_files.hpp"
#include "groth16/verifier.hpp"
#include "server/server.hpp"
#include "util/io.hpp"
#include "witness/build.hpp"
#include "witness/loader.hpp"

using namespace peregrine;

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// Options shared by `prove` and `fullprove`: timings, self-verification, and with --verbose a
// summary of the key and one line per phase on stderr.
ProveOptions make_prove_options(const Zkey& zkey, const std::string& zkey_path, const ThreadPool& pool,
                                ProveTimings& tm, bool verbose, bool no_verify) {
    ProveOptions opts;
    opts.timings = &tm;
    opts.verify = !no_verify;
    if (verbose) {
        std::fprintf(stderr, "peregrine: %s: nVars %u, nPublic %u, domain 2^%u, %u thread%s\n", zkey_path.c_str(),
                     zkey.n_vars(), zkey.n_public(), zkey.log_domain_size(), pool.size(), pool.size() == 1 ? "" : "s");
        opts.on_phase = [](const char* p) { std::fprintf(stderr, "peregrine: phase %s\n", p); };
    }
    return opts;
}

// `first` names what happened before proving (loading the key, or computing the witness).
void print_prove_timings(const char* first, double first_ms, const ProveTimings& tm, double total_ms) {
    std::fprintf(stderr,
                 "peregrine: timings (ms): %s %.1f, qap %.1f, ntt %.1f, msm %.1f, self-verify %.1f, prove %.1f, "
                 "total %.1f\n",
                 first, first_ms, tm.qap_ms, tm.ntt_ms, tm.msm_ms, tm.verify_ms, tm.total_ms, total_ms);
    // The parts that run concurrently, as CPU time summed over threads, with what each one did
    // (bench/phases.sh sets these counts against the kernels' measured costs).
    std::fprintf(stderr,
                 "peregrine: cpu (ms): qap %.1f, ntt %.1f, msm-g1 %.1f, msm-g2 %.1f, msm-h %.1f; work: g1 %llu additions, "
                 "g2 %llu additions, h %llu additions, qap %llu products, ntt %llu products\n",
                 tm.qap_cpu_ms, tm.ntt_cpu_ms, tm.g1_cpu_ms, tm.g2_cpu_ms, tm.h_cpu_ms, (unsigned long long)tm.g1_adds, (unsigned long long)tm.g2_adds,
                 (unsigned long long)tm.h_adds, (unsigned long long)tm.qap_muls, (unsigned long long)tm.ntt_muls);
}

// Argument-order mistakes, recognised from the files' contents before anything is written.
void check_prove_order(const std::string& zkey_path, const std::string& wtns_path) {
    const std::string k = cli::sniff_argument(zkey_path), w = cli::sniff_argument(wtns_path);
    if (k == "wtns" || w == "zkey") {
        throw cli::UsageError(zkey_path + " is " + (k == "wtns" ? "a witness" : "not a proving key") + " and " + wtns_path +
                                  (w == "zkey" ? " a proving key" : " not a witness"),
                              "expected the .zkey first, then the .wtns; did you swap the arguments?");
    }
}

// A circuit directory (or its library) is expected first: a JSON file there is a swap (for fullprove,
// also a proving key there with a directory after it).
void check_circuit_dir_first(const std::string& dir, const std::string& zkey_path = "") {
    const std::string t = cli::sniff_argument(dir);
    const std::string k = zkey_path.empty() ? "" : cli::sniff_argument(zkey_path);
    const bool key_swapped = t == "zkey" && (k == "directory" || k == "elf");
    if (t == "json" || t == "json-array" || key_swapped) {
        throw cli::UsageError(dir + " is " + (key_swapped ? "a proving key" : "a JSON file") + ", not a circuit directory",
                              "expected the circuit directory (the output of `peregrine circuit build`) first; did you "
                              "swap the arguments?");
    }
}

void check_verify_order(const std::string& vk_path, const std::string& public_path, const std::string& proof_path) {
    const std::string v = cli::sniff_argument(vk_path), pub = cli::sniff_argument(public_path),
                      prf = cli::sniff_argument(proof_path);
    auto what = [](const std::string& t) -> std::string {
        if (t == "proof") return "a proof";
        if (t == "vk") return "a verification key";
        if (t == "json-array") return "a list of public signals";
        return "";
    };
    std::string msg;
    if (v == "proof" || v == "json-array") msg = vk_path + " is " + what(v) + ", not a verification key";
    else if (pub == "proof" || pub == "vk") msg = public_path + " is " + what(pub) + ", not the public signals";
    else if (prf == "json-array" || prf == "vk") msg = proof_path + " is " + what(prf) + ", not a proof";
    if (!msg.empty()) {
        throw cli::UsageError(msg, "expected the order <verification_key.json> <public.json> <proof.json>; did you "
                                   "swap the arguments?");
    }
}

int cmd_prove(const std::string& zkey_path, const std::string& wtns_path, const std::string& proof_path,
              const std::string& public_path, unsigned threads, bool verbose, bool no_verify) {
    check_prove_order(zkey_path, wtns_path);
    const auto t0 = std::chrono::steady_clock::now();
    ThreadPool pool(threads);
    Zkey zkey(zkey_path);
    const double load_ms = ms_since(t0);
    ProveTimings tm;
    const ProveOptions opts = make_prove_options(zkey, zkey_path, pool, tm, verbose, no_verify);
    ProofFiles out = prove_from_files(zkey, wtns_path, pool, opts);
    write_files_atomically({{proof_path, out.proof_json}, {public_path, out.public_json}});
    if (verbose) print_prove_timings("load", load_ms, tm, ms_since(t0));
    return 0;
}

// Circuit errors (missing signals, failed asserts) name the input file.
witness::WitnessBuffer calculate_witness(const witness::WitnessLibrary& lib, const std::string& input,
                                         const std::string& input_path) {
    try {
        return lib.calculate(input);
    } catch (const witness::WitnessError& e) {
        throw Error(input_path + ": " + e.what());
    }
}

// In-process witness calculation with a circuit library built by `peregrine circuit build`.
int cmd_witness(const std::string& dir, const std::string& input_path, const std::string& out_path, bool verbose) {
    check_circuit_dir_first(dir);
    const auto t0 = std::chrono::steady_clock::now();
    witness::WitnessLibrary lib(dir);
    const std::string input = read_text_file(input_path);
    const auto t1 = std::chrono::steady_clock::now();
    const witness::WitnessBuffer w = calculate_witness(lib, input, input_path);
    const double calc_ms = ms_since(t1);
    write_file_atomically(out_path, w.view());
    if (verbose) {
        std::fprintf(stderr, "peregrine: %s: %u witness values; timings (ms): witness %.1f, total %.1f\n",
                     lib.circuit_name().c_str(), lib.witness_size(), calc_ms, ms_since(t0));
    }
    return 0;
}

// Witness and proof in one process, without temporary files.
int cmd_fullprove(const std::string& dir, const std::string& zkey_path, const std::string& input_path,
                  const std::string& proof_path, const std::string& public_path, unsigned threads, bool verbose,
                  bool no_verify) {
    check_circuit_dir_first(dir, zkey_path);
    const auto t0 = std::chrono::steady_clock::now();
    witness::WitnessLibrary lib(dir);
    Zkey zkey(zkey_path);
    if (lib.witness_size() != zkey.n_vars()) {
        throw Error(zkey_path + ": proving key has " + std::to_string(zkey.n_vars()) + " variables, but circuit " +
                    lib.circuit_name() + " (" + lib.path() + ") has " + std::to_string(lib.witness_size()) +
                    ": not the key of this circuit");
    }
    const std::string input = read_text_file(input_path);
    ThreadPool pool(threads);
    const auto t1 = std::chrono::steady_clock::now();
    const witness::WitnessBuffer w = calculate_witness(lib, input, input_path);
    const double calc_ms = ms_since(t1);
    Wtns wtns(w.data(), w.size(), "witness of " + input_path);
    ProveTimings tm;
    const ProveOptions opts = make_prove_options(zkey, zkey_path, pool, tm, verbose, no_verify);
    ProofFiles out = prove_from_wtns(zkey, wtns, pool, opts);
    write_files_atomically({{proof_path, out.proof_json}, {public_path, out.public_json}});
    if (verbose) print_prove_timings("witness", calc_ms, tm, ms_since(t0));
    return 0;
}

int cmd_verify(const std::string& vk_path, const std::string& public_path, const std::string& proof_path) {
    check_verify_order(vk_path, public_path, proof_path);
    VerifyingKey vk = vk_from_json(read_text_file(vk_path), vk_path);
    std::vector<Limbs> pub = public_from_json(read_text_file(public_path), public_path);
    Proof proof = proof_from_json(read_text_file(proof_path), proof_path);
    if (pub.size() != vk.n_public()) {
        throw Error(public_path + ": " + std::to_string(pub.size()) + " public signals, but " + vk_path + " expects " +
                    std::to_string(vk.n_public()));
    }
    if (groth16_verify(vk, pub, proof)) {
        std::printf("OK!\n");
        return 0;
    }
    std::fprintf(stderr, "peregrine: invalid proof\n");
    return 1;
}

int cmd_export_vk(const std::string& zkey_path, const std::string& out_path) {
    Zkey zkey(zkey_path);
    VerifyingKey vk = verifying_key(zkey);
    write_files_atomically({{out_path, vk_to_json(vk, pairing(vk.alpha1, vk.beta2))}});
    return 0;
}

int cmd_info(const std::string& path) {
    const std::string type = sniff_file_type(path);
    if (type == "zkey") {
        Zkey z(path);
        std::printf("file: %s\ntype: zkey (groth16)\ncurve: bn128\nprime: %s\nnVars: %u\nnPublic: %u\n"
                    "domainSize: %u (2^%u)\ncoefficients: %u\n",
                    path.c_str(), to_decimal(FrParams::MOD).c_str(), z.n_vars(), z.n_public(), z.domain_size(),
                    z.log_domain_size(), z.n_coeffs());
    } else if (type == "wtns") {
        Wtns w(path);
        std::printf("file: %s\ntype: wtns\ncurve: %s\nprime: %s\nnWitness: %u\n", path.c_str(),
                    curve_name_for_prime(w.prime()).c_str(), to_decimal(w.prime()).c_str(), w.size());
    } else if (type == "r1cs") {
        R1csHeader h = read_r1cs_header(path);
        std::printf("file: %s\ntype: r1cs\ncurve: %s\nprime: %s\nnWires: %u\nnConstraints: %u\nnPubOut: %u\n"
                    "nPubIn: %u\nnPrvIn: %u\nnLabels: %llu\n",
                    path.c_str(), curve_name_for_prime(h.prime).c_str(), to_decimal(h.prime).c_str(), h.n_wires,
                    h.n_constraints, h.n_pub_out, h.n_pub_in, h.n_prv_in, (unsigned long long)h.n_labels);
    } else {
        MappedFile probe(path);  // reports a missing or unreadable file
        throw Error(path + ": not a .zkey, .wtns or .r1cs file");
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Peregrine: Groth16 proving for circom circuits (BN254)", "peregrine"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "peregrine 0.1.0");

    std::string zkey, wtns, proof, pub, info_path;
    unsigned threads = 0;
    bool verbose = false;
    auto* prove = app.add_subcommand("prove", "Prove with a snarkjs Groth16 key and witness (as snarkjs groth16 prove)");
    prove->add_option("<circuit.zkey>", zkey, "snarkjs Groth16 proving key")->required();
    prove->add_option("<witness.wtns>", wtns, "witness (.wtns)")->required();
    prove->add_option("<proof.json>", proof, "output proof")->required();
    prove->add_option("<public.json>", pub, "output public signals")->required();
    prove->add_option("--threads,-t", threads, "worker threads (default: all cores)");
    prove->add_flag("--verbose,-v", verbose, "progress and per-phase timings on stderr");

    bool no_verify = false;
    prove->add_flag("--no-verify", no_verify, "do not verify the proof before writing it");

    std::string vk_path, pub_path, proof_path;
    auto* verify = app.add_subcommand("verify", "Verify a proof; exit 0 valid, 1 invalid, 2 error");
    verify->add_option("<verification_key.json>", vk_path, "verification key (snarkjs JSON)")->required();
    verify->add_option("<public.json>", pub_path, "public signals (JSON)")->required();
    verify->add_option("<proof.json>", proof_path, "proof (JSON)")->required();

    std::string ex_zkey, ex_out;
    auto* exp = app.add_subcommand("export", "Export data from a proving key");
    exp->require_subcommand(1);
    auto* exp_vk = exp->add_subcommand("vk", "The verification key of a .zkey (as snarkjs zkey export verificationkey)");
    exp_vk->alias("verificationkey");
    exp_vk->add_option("<circuit.zkey>", ex_zkey, "proving key")->required();
    exp_vk->add_option("<verification_key.json>", ex_out, "output verification key")->required();

    auto* info = app.add_subcommand("info", "Describe a .zkey, .wtns or .r1cs file");
    info->add_option("<file>", info_path, ".zkey, .wtns or .r1cs file")->required();

    witness::BuildOptions bo;
    auto* circuit = app.add_subcommand("circuit", "Circuits: compile a circom circuit (circuit build)");
    circuit->require_subcommand(1);
    auto* cbuild = circuit->add_subcommand(
        "build",
        "Compile a circom circuit (circom --c --r1cs --sym) into a witness generator: "
        "<dir>/<name>-witness <input.json> <out.wtns> and <dir>/<name>.graph (graph engine) or "
        "<dir>/lib<name>-witness.so (native engine), used by witness, fullprove, serve");
    cbuild->add_option("<circuit.circom>", bo.circuit, "circom source of the main component")->required();
    cbuild->add_option("-l", bo.includes, "include directory for circom (repeatable)")->allow_extra_args(false)->type_name("DIR");
    cbuild->add_option("-o", bo.out_dir, "output directory (created if missing); required")->type_name("DIR");
    cbuild->add_option("--engine", bo.engine,
                       "graph: interpret circom's C++ once into a program Peregrine runs (no C++ compiler; refused "
                       "for input-dependent control flow); native: compile it; auto: graph, else native")
        ->capture_default_str()->check(CLI::IsMember({"auto", "graph", "native"}))->type_name("ENGINE");
    cbuild->add_option("-O", bo.opt_level, "C++ optimisation level: 0, 1, 2, 3, s, g, fast (huge straight-line functions: at most 1)")->capture_default_str()->type_name("LEVEL");
    cbuild->add_flag("--wasm", bo.wasm, "also write circom's WebAssembly witness calculator (<dir>/<name>_js/)");
    cbuild->add_option("--circom-O", bo.circom_opt, "circom's constraint simplification: 0, 1 (circom's default) or 2")->type_name("N");
    cbuild->add_option("--circom", bo.circom,
                       "circom 2 executable (default: $PEREGRINE_CIRCOM, else `circom`, then `circom2`, on PATH, "
                       "else tools/node/node_modules/.bin/circom2 of the source checkout, installed there by "
                       "scripts/npm-tools.sh if missing)")
        ->type_name("PATH");
    cbuild->add_option("--cxx", bo.cxx, "C++ compiler (default: $CXX, else the one Peregrine was built with)")->type_name("CXX");
    cbuild->add_option("--runtime", bo.runtime_dir, "Peregrine's witness runtime directory (default: next to the executable)")->type_name("DIR");
    cbuild->add_option("-j", bo.jobs, "parallel compiler processes (default: number of CPUs)")->type_name("N");
    bool no_pch = false;
    cbuild->add_flag("--no-pch", no_pch, "no precompiled header (default with GCC: one per -O level, kept in "
                                         "$PEREGRINE_WITNESS_PCH_CACHE or ~/.cache/peregrine/witness-pch)");
    cbuild->add_flag("--verbose,-v", bo.verbose, "show the commands run and circom's output");

    std::string w_dir, w_input, w_out;
    bool w_verbose = false;
    auto* wit = app.add_subcommand("witness", "Compute a witness in process, with the library `circuit build` wrote "
                                              "(as snarkjs wtns calculate)");
    wit->add_option("<circuit-dir>", w_dir, "output directory of `peregrine circuit build` (or its lib<name>-witness.so)")->required();
    wit->add_option("<input.json>", w_input, "input signals (JSON)")->required();
    wit->add_option("<witness.wtns>", w_out, "output witness")->required();
    wit->add_flag("--verbose,-v", w_verbose, "timings on stderr");

    std::string f_dir, f_zkey, f_input, f_proof, f_public;
    unsigned f_threads = 0;
    bool f_verbose = false, f_no_verify = false;
    auto* full = app.add_subcommand("fullprove", "Witness and proof in one process, without temporary files");
    full->add_option("<circuit-dir>", f_dir, "output directory of `peregrine circuit build` (or its lib<name>-witness.so)")->required();
    full->add_option("<circuit.zkey>", f_zkey, "snarkjs Groth16 proving key")->required();
    full->add_option("<input.json>", f_input, "input signals (JSON)")->required();
    full->add_option("<proof.json>", f_proof, "output proof")->required();
    full->add_option("<public.json>", f_public, "output public signals")->required();
    full->add_option("--threads,-t", f_threads, "worker threads (default: all cores)");
    full->add_flag("--verbose,-v", f_verbose, "progress and per-phase timings on stderr");
    full->add_flag("--no-verify", f_no_verify, "do not verify the proof before writing it");

    server::ServeOptions so;
    auto* serve = app.add_subcommand("serve", "HTTP proving service (docs/serve.md)");
    serve->add_option("--circuits", so.circuits_dir, "directory of <name>.zkey + <name>/ (circuit build output)")->required();
    serve->add_option("--port,-p", so.port, "TCP port (0: any free port, named in the log)")->capture_default_str();
    serve->add_option("--bind", so.bind, "address to listen on")->capture_default_str();
    serve->add_option("--workers", so.workers, "jobs proved at once")->capture_default_str()->check(CLI::Range(1u, 256u));
    serve->add_option("--queue", so.queue, "jobs waiting for a worker; more: 429")->capture_default_str();
    serve->add_option("--max-body", so.max_body, "request body limit in bytes; more: 413")->capture_default_str();
    serve->add_option("--threads,-t", so.threads, "prover threads shared by the workers (default: all cores)");
    serve->add_option("--keep-results,--result-ttl", so.keep_results_s, "seconds finished results are kept")->capture_default_str();
    serve->add_option("--store", so.store, "job store: memory, or redis://[user:password@]HOST:PORT[/DB] shared by instances (rediss://...?ca=FILE&cert=FILE&key=FILE for TLS)")->capture_default_str();
    serve->add_option("--role", so.role, "api (accept jobs), worker (prove) or all; api/worker need --store redis://")->capture_default_str();
    serve->add_option("--lease-seconds", so.lease_s, "a shared-store job is proved again when its worker is silent this long")->capture_default_str()->check(CLI::Range(0.5, 86400.0));
    serve->add_option("--drain-seconds,--shutdown-grace", so.drain_s, "on SIGTERM: seconds for accepted jobs to finish and be fetched")->capture_default_str();
    serve->add_option("--http-threads", so.http_threads, "threads answering requests (not submissions)")->capture_default_str()->check(CLI::Range(1u, 1024u));
    serve->add_option("--witness-threads", so.witness_threads, "threads computing submitted witnesses (default: --workers)")->check(CLI::Range(1u, 256u));
    serve->add_option("--max-connections", so.max_connections, "open connections; more: 429")->capture_default_str()->check(CLI::Range(1, 900));
    serve->add_option("--max-connections-per-client", so.max_connections_per_client, "open connections per client address (0: no limit); more: 429")->capture_default_str();
    serve->add_option("--header-timeout", so.header_timeout_s, "seconds to receive a request's headers; more: 408")->capture_default_str();
    serve->add_option("--request-timeout", so.request_timeout_s, "seconds to receive a whole request; more: 408")->capture_default_str();
    serve->add_option("--auth-token-file", so.auth_token_file, "require Authorization: Bearer <the file's token> (not on /healthz)");
    serve->add_option("--rate-limit", so.rate_limit, "requests per second per client address (0: off); more: 429")->capture_default_str();
    serve->add_flag("--rapidsnark-routes", so.rapidsnark_routes, "also serve rapidsnark's /input, /status, /cancel");
    serve->add_flag("--strict", so.strict, "a circuit that fails to load aborts start-up");

    cli::Commands more;
    cli::add_ptau_commands(app, more);
    cli::add_setup_commands(app, more);
    cli::add_zkey_commands(app, more);
    cli::add_solidity_commands(*exp, more);

    cli::finish_setup(app);
    if (const int rc = cli::parse_command_line(app, argc, argv); rc >= 0) return rc;
    try {
        if (*prove) return cmd_prove(zkey, wtns, proof, pub, threads, verbose, no_verify);
        if (*verify) return cmd_verify(vk_path, pub_path, proof_path);
        if (*exp_vk) return cmd_export_vk(ex_zkey, ex_out);
        if (*info) return cmd_info(info_path);
        if (*cbuild) {
            if (bo.out_dir.empty()) throw cli::UsageError("no output directory given (-o <dir>)");
            bo.pch = !no_pch;
            return witness::circuit_build(bo);
        }
        if (*wit) return cmd_witness(w_dir, w_input, w_out, w_verbose);
        if (*serve) return cli::run_serve(so, argc, argv);
        if (*full) return cmd_fullprove(f_dir, f_zkey, f_input, f_proof, f_public, f_threads, f_verbose, f_no_verify);
        for (auto& [sub, run] : more.runs) {
            if (*sub) return run();
        }
    } catch (const cli::UsageError& e) {
        return cli::report_usage_error(cli::chosen_command(app), e.what(), e.hint);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "peregrine: error: %s\n", e.what());
        return *verify ? 2 : 1;
    }
    return 1;
}
