// SPDX-License-Identifier: MIT OR Apache-2.0
// Loading a witness library built by `circuit build` (lib<name>-witness.so) for in-process witness
// calculation: `peregrine witness` and `peregrine fullprove`.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace peregrine::witness {

namespace graph {
struct Program;
}

// A failed witness calculation. code() is the library's PG_WITNESS_* code: 1 bad input (the
// message names the signal), 2 the circuit failed (assert, division by zero), 3 internal.
class WitnessError : public peregrine::Error {
public:
    WitnessError(const std::string& msg, int code) : Error(msg), code_(code) {}
    int code() const { return code_; }

private:
    int code_;
};

// A .wtns image owned by the witness library that computed it (no copy); move-only.
class WitnessBuffer {
public:
    WitnessBuffer() = default;
    WitnessBuffer(std::uint8_t* data, std::size_t size, void (*release)(std::uint8_t*))
        : data_(data), size_(size), release_(release) {}
    WitnessBuffer(WitnessBuffer&& o) noexcept : data_(o.data_), size_(o.size_), release_(o.release_) {
        o.data_ = nullptr;
        o.size_ = 0;
    }
    WitnessBuffer& operator=(WitnessBuffer&& o) noexcept {
        if (this != &o) {
            reset();
            data_ = o.data_;
            size_ = o.size_;
            release_ = o.release_;
            o.data_ = nullptr;
            o.size_ = 0;
        }
        return *this;
    }
    WitnessBuffer(const WitnessBuffer&) = delete;
    WitnessBuffer& operator=(const WitnessBuffer&) = delete;
    ~WitnessBuffer() { reset(); }

    const std::uint8_t* data() const { return data_; }
    std::size_t size() const { return size_; }
    std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }

private:
    void reset() {
        if (data_ && release_) release_(data_);
        data_ = nullptr;
        size_ = 0;
    }
    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
    void (*release_)(std::uint8_t*) = nullptr;
};

// The library must outlive the buffers it returned.
class WitnessLibrary {
public:
    // path: a lib<name>-witness.so (native engine) or <name>.graph (graph engine), or the output
    // directory of `circuit build` holding exactly one of them. Throws peregrine::Error when it
    // cannot be loaded or is not a Peregrine witness library or graph.
    explicit WitnessLibrary(const std::string& path);
    ~WitnessLibrary();
    WitnessLibrary(const WitnessLibrary&) = delete;
    WitnessLibrary& operator=(const WitnessLibrary&) = delete;

    const std::string& path() const { return path_; }
    std::string circuit_name() const;
    std::uint32_t witness_size() const;

    // The .wtns image (version 2, byte-identical to snarkjs's) for the input JSON. Thread-safe:
    // several threads may calculate at once. Throws WitnessError.
    WitnessBuffer calculate(std::string_view input_json) const;

private:
    using CalcFn = int (*)(const char*, std::size_t, std::uint8_t**, std::size_t*, char*, std::size_t);
    using FreeFn = void (*)(std::uint8_t*);
    using NameFn = const char* (*)();
    using SizeFn = std::uint32_t (*)();

    std::string path_;
    std::unique_ptr<graph::Program> graph_;  // set for a .graph (then no handle_)
    void* handle_ = nullptr;
    CalcFn calc_ = nullptr;
    FreeFn free_ = nullptr;
    NameFn name_ = nullptr;
    SizeFn size_ = nullptr;
};

}  // namespace peregrine::witness
