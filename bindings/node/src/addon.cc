// SPDX-License-Identifier: MIT OR Apache-2.0
// The native side of peregrine-groth16: one-shot operations, each a Promise settled off the main
// thread. index.js turns the JSON texts into snarkjs's objects.
#include <napi.h>

#include <memory>
#include <string>

#include "formats/json.hpp"
#include "groth16/prove_files.hpp"
#include "groth16/verifier.hpp"
#include "prover_object.hpp"
#include "setup/solidity.hpp"
#include "task.hpp"
#include "witness/loader.hpp"

namespace peregrine::node {
namespace {

void check_cancel(const CancelFlag& c) {
    if (c && c->load()) throw Cancelled("The operation was aborted");
}

// prove(zkey, wtns, threads, cancel) -> [proof.json, public.json]
Napi::Value Prove(const Napi::CallbackInfo& info) {
    auto zk = std::make_shared<FileArg>(file_arg(info[0], "zkey"));
    auto wt = std::make_shared<FileArg>(file_arg(info[1], "witness"));
    const unsigned threads = threads_arg(info[2]);
    CancelFlag cancel = cancel_arg(info[3]);
    return Task::start(info.Env(), [zk, wt, threads, cancel]() -> Task::Finish {
        check_cancel(cancel);
        auto key = load_zkey(std::move(*zk));
        auto w = load_wtns(*wt);
        ThreadPool pool(threads);
        ProveOptions opts;
        opts.cancel = cancel.get();
        auto out = std::make_shared<ProofFiles>(prove_from_wtns(*key->zkey, *w, pool, opts));
        return [out](Napi::Env env) { return proof_pair(env, out->proof_json, out->public_json); };
    });
}

// The witness of `input` from a `circuit build` directory (or library), as a .wtns image.
witness::WitnessBuffer calculate(const witness::WitnessLibrary& lib, const std::string& input) {
    try {
        return lib.calculate(input);
    } catch (const witness::WitnessError& e) {
        throw Error(std::string("input: ") + e.what());
    }
}

// witness(input.json text, dir) -> Buffer (.wtns)
Napi::Value Witness(const Napi::CallbackInfo& info) {
    auto input = std::make_shared<std::string>(string_arg(info[0], "input"));
    auto dir = std::make_shared<std::string>(string_arg(info[1], "circuit directory"));
    return Task::start(info.Env(), [input, dir]() -> Task::Finish {
        witness::WitnessLibrary lib(*dir);
        // Copied here: the library's buffer must not outlive the library (closed on return).
        auto w = std::make_shared<std::string>(calculate(lib, *input).view());
        return [w](Napi::Env env) {
            return Napi::Buffer<std::uint8_t>::Copy(env, reinterpret_cast<const std::uint8_t*>(w->data()), w->size());
        };
    });
}

// fullProve(input.json text, dir, zkey, threads, cancel) -> [proof.json, public.json]
Napi::Value FullProve(const Napi::CallbackInfo& info) {
    auto input = std::make_shared<std::string>(string_arg(info[0], "input"));
    auto dir = std::make_shared<std::string>(string_arg(info[1], "circuit directory"));
    auto zk = std::make_shared<FileArg>(file_arg(info[2], "zkey"));
    const unsigned threads = threads_arg(info[3]);
    CancelFlag cancel = cancel_arg(info[4]);
    return Task::start(info.Env(), [input, dir, zk, threads, cancel]() -> Task::Finish {
        check_cancel(cancel);
        witness::WitnessLibrary lib(*dir);
        auto key = load_zkey(std::move(*zk));
        if (lib.witness_size() != key->zkey->n_vars()) {
            throw Error(key->source.name + ": proving key has " + std::to_string(key->zkey->n_vars()) +
                        " variables, but circuit " + lib.circuit_name() + " (" + lib.path() + ") has " +
                        std::to_string(lib.witness_size()) + ": not the key of this circuit");
        }
        const witness::WitnessBuffer w = calculate(lib, *input);
        Wtns wtns(w.data(), w.size(), "witness of input");
        ThreadPool pool(threads);
        ProveOptions opts;
        opts.cancel = cancel.get();
        auto out = std::make_shared<ProofFiles>(prove_from_wtns(*key->zkey, wtns, pool, opts));
        return [out](Napi::Env env) { return proof_pair(env, out->proof_json, out->public_json); };
    });
}

// verify(vk.json, public.json, proof.json) -> boolean
Napi::Value Verify(const Napi::CallbackInfo& info) {
    auto vk_text = std::make_shared<std::string>(string_arg(info[0], "verification key"));
    auto pub_text = std::make_shared<std::string>(string_arg(info[1], "public signals"));
    auto proof_text = std::make_shared<std::string>(string_arg(info[2], "proof"));
    return Task::start(info.Env(), [vk_text, pub_text, proof_text]() -> Task::Finish {
        const VerifyingKey vk = vk_from_json(*vk_text);
        const std::vector<Limbs> pub = public_from_json(*pub_text);
        const Proof proof = proof_from_json(*proof_text);
        if (pub.size() != vk.n_public()) {
            throw Error("public signals: " + std::to_string(pub.size()) + " public signals, but the verification key expects " +
                        std::to_string(vk.n_public()));
        }
        const bool ok = groth16_verify(vk, pub, proof);
        return [ok](Napi::Env env) { return Napi::Boolean::New(env, ok); };
    });
}

// The verifying key of a zkey (path or bytes); a path may also name a verification_key.json.
VerifyingKey vk_of(FileArg& arg, bool allow_json) {
    if (!arg.path.empty() && allow_json) return read_verifying_key_file(arg.path);
    auto key = load_zkey(std::move(arg));
    return verifying_key(*key->zkey);
}

// exportVerificationKey(zkey) -> verification_key.json
Napi::Value ExportVk(const Napi::CallbackInfo& info) {
    auto zk = std::make_shared<FileArg>(file_arg(info[0], "zkey"));
    return Task::start(info.Env(), [zk]() -> Task::Finish {
        const VerifyingKey vk = vk_of(*zk, false);
        auto text = std::make_shared<std::string>(vk_to_json(vk, pairing(vk.alpha1, vk.beta2)));
        return [text](Napi::Env env) { return Napi::String::New(env, *text); };
    });
}

// exportSolidityVerifier(zkey or verification_key.json path) -> Solidity source
Napi::Value ExportSolidity(const Napi::CallbackInfo& info) {
    auto zk = std::make_shared<FileArg>(file_arg(info[0], "zkey"));
    return Task::start(info.Env(), [zk]() -> Task::Finish {
        auto text = std::make_shared<std::string>(groth16_solidity_verifier(vk_of(*zk, true)));
        return [text](Napi::Env env) { return Napi::String::New(env, *text); };
    });
}

// solidityCallData(public.json, proof.json) -> the call arguments (no final newline)
Napi::Value SolidityCallData(const Napi::CallbackInfo& info) {
    auto pub_text = std::make_shared<std::string>(string_arg(info[0], "public signals"));
    auto proof_text = std::make_shared<std::string>(string_arg(info[1], "proof"));
    return Task::start(info.Env(), [pub_text, proof_text]() -> Task::Finish {
        auto text = std::make_shared<std::string>(groth16_solidity_calldata(*pub_text, *proof_text));
        while (!text->empty() && text->back() == '\n') text->pop_back();
        return [text](Napi::Env env) { return Napi::String::New(env, *text); };
    });
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    exports.Set("prove", Napi::Function::New(env, Prove, "prove"));
    exports.Set("witness", Napi::Function::New(env, Witness, "witness"));
    exports.Set("fullProve", Napi::Function::New(env, FullProve, "fullProve"));
    exports.Set("verify", Napi::Function::New(env, Verify, "verify"));
    exports.Set("exportVerificationKey", Napi::Function::New(env, ExportVk, "exportVerificationKey"));
    exports.Set("exportSolidityVerifier", Napi::Function::New(env, ExportSolidity, "exportSolidityVerifier"));
    exports.Set("solidityCallData", Napi::Function::New(env, SolidityCallData, "solidityCallData"));
    exports.Set("createCancel", Napi::Function::New(env, make_cancel, "createCancel"));
    exports.Set("cancel", Napi::Function::New(env, fire_cancel, "cancel"));
    register_prover(env, exports);
    return exports;
}

}  // namespace
}  // namespace peregrine::node

static Napi::Object InitPeregrine(Napi::Env env, Napi::Object exports) { return peregrine::node::Init(env, exports); }

NODE_API_MODULE(peregrine, InitPeregrine)
