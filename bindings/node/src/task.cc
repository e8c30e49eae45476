// SPDX-License-Identifier: MIT OR Apache-2.0
#include "task.hpp"

#include <new>

#include "util/error.hpp"

namespace peregrine::node {

Napi::Promise Task::start(Napi::Env env, Work work) {
    auto* t = new Task(env, std::move(work));  // deleted by Napi after OnOK/OnError
    Napi::Promise p = t->deferred_.Promise();
    t->Queue();
    return p;
}

Task::Task(Napi::Env env, Work work)
    : Napi::AsyncWorker(env, "peregrine"), deferred_(Napi::Promise::Deferred::New(env)), work_(std::move(work)) {}

void Task::Execute() {
    try {
        finish_ = work_();
    } catch (const Cancelled& e) {
        cancelled_ = true;
        SetError("The operation was aborted");
    } catch (const std::bad_alloc&) {
        SetError("out of memory");
    } catch (const std::exception& e) {
        SetError(e.what());
    } catch (...) {
        SetError("unknown error");
    }
}

void Task::OnOK() {
    Napi::Env env = Env();
    try {
        deferred_.Resolve(finish_(env));
    } catch (const Napi::Error& e) {
        deferred_.Reject(e.Value());
    } catch (const std::exception& e) {
        deferred_.Reject(Napi::Error::New(env, e.what()).Value());
    }
}

void Task::OnError(const Napi::Error& e) {
    Napi::Object err = e.Value();
    if (cancelled_) {
        err.Set("name", "AbortError");
        err.Set("code", "ABORT_ERR");
    }
    deferred_.Reject(err);
}

namespace {

void delete_flag(Napi::Env, CancelFlag* f) { delete f; }

}  // namespace

Napi::Value make_cancel(const Napi::CallbackInfo& info) {
    return Napi::External<CancelFlag>::New(info.Env(), new CancelFlag(std::make_shared<std::atomic<bool>>(false)),
                                           delete_flag);
}

CancelFlag cancel_arg(const Napi::Value& v) {
    if (v.IsUndefined() || v.IsNull()) return nullptr;
    if (!v.IsExternal()) throw Napi::TypeError::New(v.Env(), "invalid cancellation token");
    return *v.As<Napi::External<CancelFlag>>().Data();
}

Napi::Value fire_cancel(const Napi::CallbackInfo& info) {
    CancelFlag f = cancel_arg(info[0]);
    if (f) f->store(true);
    return info.Env().Undefined();
}

FileArg file_arg(const Napi::Value& v, const char* what) {
    FileArg a;
    if (v.IsString()) {
        a.path = v.As<Napi::String>().Utf8Value();
        if (a.path.empty()) throw Napi::TypeError::New(v.Env(), std::string(what) + ": empty file name");
        a.name = a.path;
    } else if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
        auto u = v.As<Napi::Uint8Array>();
        a.bytes.assign(u.Data(), u.Data() + u.ByteLength());
        a.name = std::string(what) + " buffer";
    } else {
        throw Napi::TypeError::New(v.Env(), std::string(what) + ": expected a file name or a Uint8Array/Buffer");
    }
    return a;
}

std::string string_arg(const Napi::Value& v, const char* what) {
    if (!v.IsString()) throw Napi::TypeError::New(v.Env(), std::string(what) + ": expected a string");
    return v.As<Napi::String>().Utf8Value();
}

unsigned threads_arg(const Napi::Value& v) {
    if (v.IsUndefined() || v.IsNull()) return 0;
    if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), "threads: expected a non-negative integer");
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 0 && d <= 1024) || d != (double)(unsigned)d) {
        throw Napi::RangeError::New(v.Env(), "threads: expected an integer from 0 (all cores) to 1024");
    }
    return (unsigned)d;
}

std::unique_ptr<LoadedZkey> load_zkey(FileArg arg) {
    auto k = std::make_unique<LoadedZkey>();
    k->source = std::move(arg);
    if (k->source.path.empty()) {
        k->zkey = std::make_unique<Zkey>(k->source.bytes.data(), k->source.bytes.size(), k->source.name);
    } else {
        k->zkey = std::make_unique<Zkey>(k->source.path);
    }
    return k;
}

std::unique_ptr<Wtns> load_wtns(const FileArg& arg) {
    if (arg.path.empty()) return std::make_unique<Wtns>(arg.bytes.data(), arg.bytes.size(), arg.name);
    return std::make_unique<Wtns>(arg.path);
}

Napi::Value proof_pair(Napi::Env env, const std::string& proof, const std::string& pub) {
    Napi::Array a = Napi::Array::New(env, 2);
    a.Set(0u, Napi::String::New(env, proof));
    a.Set(1u, Napi::String::New(env, pub));
    return a;
}

}  // namespace peregrine::node
