// SPDX-License-Identifier: MIT OR Apache-2.0
#include "witness/loader.hpp"

#include <dirent.h>
#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>

#include "util/json_depth.hpp"
#include "witness/graph_program.hpp"
#include "witness/pg_witness.h"

namespace peregrine::witness {

namespace {

std::string find_library(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) throw Error("cannot open witness library " + path + ": no such file or directory");
    if (!S_ISDIR(st.st_mode)) return path;
    std::vector<std::string> found;
    if (DIR* d = ::opendir(path.c_str())) {
        while (const dirent* e = ::readdir(d)) {
            const std::string n = e->d_name;
            if ((n.size() > 14 && n.rfind("lib", 0) == 0 && n.compare(n.size() - 11, 11, "-witness.so") == 0) ||
                (n.size() > 6 && n.compare(n.size() - 6, 6, ".graph") == 0))
                found.push_back(n);
        }
        ::closedir(d);
    }
    std::sort(found.begin(), found.end());
    // A graph build writes <name>.graph and lib<name>-witness.so (the generic library that runs it):
    // the graph is loaded directly.
    for (std::size_t i = 0; i < found.size(); ++i) {
        const std::string& g = found[i];
        if (g.size() <= 6 || g.compare(g.size() - 6, 6, ".graph") != 0) continue;
        const std::string lib = "lib" + g.substr(0, g.size() - 6) + "-witness.so";
        found.erase(std::remove(found.begin(), found.end(), lib), found.end());
    }
    if (found.empty())
        throw Error("no witness library (lib<name>-witness.so or <name>.graph) in " + path +
                    "; build one with: peregrine circuit build");
    if (found.size() > 1) {
        std::string msg = "more than one witness library in " + path + ":";
        for (const auto& f : found) msg += " " + f;
        throw Error(msg + "; name the one to use");
    }
    return path + "/" + found[0];
}

}  // namespace

bool is_graph(const std::string& path) { return path.size() > 6 && path.compare(path.size() - 6, 6, ".graph") == 0; }

WitnessLibrary::WitnessLibrary(const std::string& path) : path_(find_library(path)) {
    if (is_graph(path_)) {
        std::string bytes;
        try {
            bytes = graph::read_graph_file(path_);
        } catch (const InputError& e) {
            throw Error(std::string("cannot load witness graph: ") + e.what());
        }
        try {
            graph_ = std::make_unique<graph::Program>(graph::decode(bytes, path_));
        } catch (const std::runtime_error& e) {
            throw Error(e.what());
        }
        return;
    }
    // A relative name without '/' would make dlopen search the library path instead.
    const std::string open_path = path_.find('/') == std::string::npos ? "./" + path_ : path_;
    handle_ = ::dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
        const char* e = ::dlerror();
        throw Error("cannot load witness library " + path_ + ": " + (e ? e : "unknown error"));
    }
    auto sym = [this](const char* name) {
        void* p = ::dlsym(handle_, name);
        if (!p) {
            ::dlclose(handle_);
            handle_ = nullptr;
            throw Error(path_ + " is not a Peregrine witness library (no " + name + ")");
        }
        return p;
    };
    auto abi = reinterpret_cast<int (*)()>(sym("pg_witness_abi_version"));
    if (abi() != PG_WITNESS_ABI_VERSION) {
        const int v = abi();
        ::dlclose(handle_);
        handle_ = nullptr;
        throw Error(path_ + ": witness library ABI version " + std::to_string(v) + ", expected " +
                    std::to_string(PG_WITNESS_ABI_VERSION) + " (rebuild it with this Peregrine)");
    }
    calc_ = reinterpret_cast<CalcFn>(sym("pg_witness_calculate"));
    free_ = reinterpret_cast<FreeFn>(sym("pg_witness_free"));
    name_ = reinterpret_cast<NameFn>(sym("pg_witness_circuit_name"));
    size_ = reinterpret_cast<SizeFn>(sym("pg_witness_size"));
}

WitnessLibrary::~WitnessLibrary() {
    if (handle_) ::dlclose(handle_);
}

std::string WitnessLibrary::circuit_name() const { return graph_ ? graph_->name : name_(); }

std::uint32_t WitnessLibrary::witness_size() const { return graph_ ? (std::uint32_t)graph_->witness.size() : size_(); }

WitnessBuffer WitnessLibrary::calculate(std::string_view input_json) const {
    std::uint8_t* out = nullptr;
    std::size_t len = 0;
    char err[2048];
    // The library checks this too; checked here as well for libraries built by an older runtime.
    if (!json_depth_ok(input_json)) throw WitnessError(json_too_deep_message(), PG_WITNESS_BAD_INPUT);
    if (graph_) {
        const int rc = graph::calculate(*graph_, input_json.data(), input_json.size(), &out, &len, err, sizeof err);
        if (rc != PG_WITNESS_OK) throw WitnessError(err, rc);
        return WitnessBuffer(out, len, [](std::uint8_t* p) { free_large(p); });
    }
    const int rc = calc_(input_json.data(), input_json.size(), &out, &len, err, sizeof err);
    if (rc != PG_WITNESS_OK) throw WitnessError(err, rc);
    return WitnessBuffer(out, len, free_);
}

}  // namespace peregrine::witness
