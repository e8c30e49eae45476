// SPDX-License-Identifier: MIT OR Apache-2.0
#include "prover_object.hpp"

#include <memory>

#include "groth16/prove_files.hpp"
#include "task.hpp"

namespace peregrine::node {
namespace {

// Read-only after construction: concurrent proofs share the key and the thread pool (whose run
// and parallel_for may be called from several threads at once).
struct ProverState {
    std::unique_ptr<LoadedZkey> key;
    std::unique_ptr<ThreadPool> pool;
};
using Handle = std::shared_ptr<ProverState>;

void delete_handle(Napi::Env, Handle* h) { delete h; }

Handle handle_arg(const Napi::Value& v) {
    if (!v.IsExternal()) throw Napi::TypeError::New(v.Env(), "invalid prover handle");
    return *v.As<Napi::External<Handle>>().Data();
}

Napi::Value LoadProver(const Napi::CallbackInfo& info) {
    auto zk = std::make_shared<FileArg>(file_arg(info[0], "zkey"));
    const unsigned threads = threads_arg(info[1]);
    return Task::start(info.Env(), [zk, threads]() -> Task::Finish {
        auto st = std::make_shared<ProverState>();
        st->key = load_zkey(std::move(*zk));
        st->pool = std::make_unique<ThreadPool>(threads);
        return [st](Napi::Env env) -> Napi::Value {
            return Napi::External<Handle>::New(env, new Handle(st), delete_handle);
        };
    });
}

Napi::Value ProverProve(const Napi::CallbackInfo& info) {
    Handle st = handle_arg(info[0]);
    auto wt = std::make_shared<FileArg>(file_arg(info[1], "witness"));
    CancelFlag cancel = cancel_arg(info[2]);
    return Task::start(info.Env(), [st, wt, cancel]() -> Task::Finish {
        if (cancel && cancel->load()) throw Cancelled("The operation was aborted");
        auto w = load_wtns(*wt);
        ProveOptions opts;
        opts.cancel = cancel.get();
        auto out = std::make_shared<ProofFiles>(prove_from_wtns(*st->key->zkey, *w, *st->pool, opts));
        return [out](Napi::Env env) { return proof_pair(env, out->proof_json, out->public_json); };
    });
}

Napi::Value ProverInfo(const Napi::CallbackInfo& info) {
    Handle st = handle_arg(info[0]);
    const Zkey& z = *st->key->zkey;
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("nVars", z.n_vars());
    o.Set("nPublic", z.n_public());
    o.Set("domainSize", z.domain_size());
    o.Set("threads", st->pool->size());
    return o;
}

}  // namespace

void register_prover(Napi::Env env, Napi::Object exports) {
    exports.Set("loadProver", Napi::Function::New(env, LoadProver, "loadProver"));
    exports.Set("proverProve", Napi::Function::New(env, ProverProve, "proverProve"));
    exports.Set("proverInfo", Napi::Function::New(env, ProverInfo, "proverInfo"));
}

}  // namespace peregrine::node
