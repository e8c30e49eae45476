// SPDX-License-Identifier: MIT OR Apache-2.0
// Promise-returning work off the main thread, and the argument conversions the functions share.
#pragma once
#include <napi.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "formats/wtns.hpp"
#include "formats/zkey.hpp"

namespace peregrine::node {

// Runs `work` on a libuv worker thread. work returns a finisher, run on the main thread to build
// the resolved value. A peregrine::Cancelled rejects with an AbortError; any other exception
// rejects with a JS Error carrying its message (the CLI's message).
class Task : public Napi::AsyncWorker {
public:
    using Finish = std::function<Napi::Value(Napi::Env)>;
    using Work = std::function<Finish()>;

    static Napi::Promise start(Napi::Env env, Work work);

private:
    Task(Napi::Env env, Work work);
    void Execute() override;
    void OnOK() override;
    void OnError(const Napi::Error& e) override;

    Napi::Promise::Deferred deferred_;
    Work work_;
    Finish finish_;
    bool cancelled_ = false;
};

// A cancellation flag shared between the JS side (an AbortSignal listener) and the workers.
using CancelFlag = std::shared_ptr<std::atomic<bool>>;
Napi::Value make_cancel(const Napi::CallbackInfo& info);    // () -> token
Napi::Value fire_cancel(const Napi::CallbackInfo& info);    // (token) -> undefined
CancelFlag cancel_arg(const Napi::Value& v);                // token or undefined -> flag (may be null)

// A file argument: a path, or the bytes of a Buffer/Uint8Array (copied: the caller may reuse it).
struct FileArg {
    std::string path;                 // empty for bytes
    std::vector<std::uint8_t> bytes;  // the file's contents when given in memory
    std::string name;                 // for messages: the path, or "<what> buffer"
};
FileArg file_arg(const Napi::Value& v, const char* what);
std::string string_arg(const Napi::Value& v, const char* what);
unsigned threads_arg(const Napi::Value& v);

// A proving key loaded from a FileArg, keeping the bytes alive as long as the key.
struct LoadedZkey {
    FileArg source;
    std::unique_ptr<Zkey> zkey;
};
std::unique_ptr<LoadedZkey> load_zkey(FileArg arg);

// A witness from a FileArg (the FileArg must outlive it).
std::unique_ptr<Wtns> load_wtns(const FileArg& arg);

// The [proof.json, public.json] pair as a JS array of two strings.
Napi::Value proof_pair(Napi::Env env, const std::string& proof, const std::string& pub);

}  // namespace peregrine::node
