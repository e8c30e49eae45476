// SPDX-License-Identifier: MIT OR Apache-2.0
// `circuit build`: circom -> generated C++ -> native witness command and shared library.
// See build.hpp for the interface and the runtime directory's layout.
#include "witness/build.hpp"

#include <limits.h>
#include <stdlib.h>
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "witness/build_codegen.hpp"
#include "witness/build_graph.hpp"
#include "witness/build_util.hpp"

namespace peregrine::witness {

namespace {

using namespace detail;

// The runtime directory and its config.txt (key=value lines).
struct Runtime {
    std::string dir;
    std::map<std::string, std::string> config;
    std::string get(const std::string& k) const {
        const auto it = config.find(k);
        return it == config.end() ? "" : it->second;
    }
};

bool runtime_ok(const std::string& dir) {
    return exists(dir + "/include/fr.hpp") && exists(dir + "/src/glue.cpp") &&
           exists(dir + "/lib/libperegrine_witness_rt.a") && exists(dir + "/config.txt");
}

Runtime find_runtime(const BuildOptions& o) {
    std::vector<std::string> tried;
    std::string dir;
    if (!o.runtime_dir.empty()) {
        tried.push_back(o.runtime_dir + " (--runtime)");
        if (runtime_ok(o.runtime_dir)) dir = o.runtime_dir;
    } else {
        std::vector<std::string> candidates;
        if (const char* e = std::getenv("PEREGRINE_WITNESS_RUNTIME"); e && *e) candidates.push_back(e);
        const std::string exe = self_exe_dir();
        if (!exe.empty()) {
            candidates.push_back(exe + "/witness-runtime");
            candidates.push_back(exe + "/../share/peregrine/witness-runtime");
        }
        for (const auto& c : candidates) {
            tried.push_back(c);
            if (runtime_ok(c)) {
                dir = c;
                break;
            }
        }
    }
    if (dir.empty()) {
        std::string msg = "cannot find Peregrine's witness runtime (include/fr.hpp, src/glue.cpp, "
                          "lib/libperegrine_witness_rt.a, config.txt); looked in:";
        for (const auto& t : tried) msg += "\n  " + t;
        msg += "\nbuild Peregrine (target peregrine_witness_rt), or pass --runtime <dir> or set PEREGRINE_WITNESS_RUNTIME";
        throw Failure(msg);
    }
    Runtime rt;
    rt.dir = real_path(dir, "witness runtime");
    std::istringstream cfg(read_text(rt.dir + "/config.txt"));
    std::string line;
    while (std::getline(cfg, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos || line[0] == '#') continue;
        rt.config[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return rt;
}

std::vector<std::string> split_flags(const std::string& s) {
    std::vector<std::string> r;
    std::istringstream ss(s);
    std::string w;
    while (ss >> w) r.push_back(w);
    return r;
}

// Paths for circom: circom2 runs under WASI and sees only paths relative to its working directory
// (without ".."), so circom always runs in "/" with root-relative paths; native circom accepts them too.
std::string root_relative(const std::string& abs) { return abs == "/" ? "." : abs.substr(1); }

// "2.2.3" from `circom --version` ("circom compiler 2.2.3"); empty when it cannot be run or says
// something else (circom 1.x, the npm package "circom", prints only a number).
std::string circom_version(const std::string& circom, const std::string& tmpdir) {
    Job j{"circom --version", {circom, "--version"}, "/", tmpdir + "/circom-version.log"};
    start(j, false);
    const int rc = finish(j);
    const std::string out = exists(j.log) ? read_text(j.log) : "";
    ::unlink(j.log.c_str());
    if (rc != 0) return "";
    const auto p = out.find("circom compiler ");
    if (p == std::string::npos) return "";
    std::string v = out.substr(p + 16);
    return v.substr(0, v.find_first_of(" \r\n"));
}

struct Circom {
    std::string path;
    std::string version;
};

// The circom to run: --circom or $PEREGRINE_CIRCOM if given (it must be circom 2), else the first
// circom 2 among `circom` and `circom2` on PATH and the source tree's npm tools.
Circom find_circom(const BuildOptions& o, const Runtime& rt, const std::string& tmpdir, bool verbose) {
    std::string chosen = o.circom;
    const char* env = std::getenv("PEREGRINE_CIRCOM");
    if (chosen.empty() && env && *env) chosen = env;
    if (!chosen.empty()) {
        std::string p = chosen;
        if (p.find('/') == std::string::npos) {
            p = find_on_path(chosen);
            if (p.empty()) throw Failure("circom " + chosen + " not found on PATH");
        } else if (!is_executable_file(p)) {
            throw Failure("circom " + chosen + " is not an executable file");
        } else {
            p = real_path(p, "circom");
        }
        const std::string v = circom_version(p, tmpdir);
        if (v.rfind("2.", 0) != 0)
            throw Failure(p + " is not circom 2 (`" + p + " --version` does not say \"circom compiler 2.x\")");
        return {p, v};
    }
    std::vector<std::string> tried;
    auto try_one = [&](const std::string& p) -> std::string {
        if (p.empty() || !is_executable_file(p)) return "";
        const std::string v = circom_version(p, tmpdir);
        tried.push_back(p + (v.empty() ? " (not circom 2)" : " (circom " + v + ")"));
        return v.rfind("2.", 0) == 0 ? v : "";
    };
    for (const char* name : {"circom", "circom2"}) {
        const std::string p = find_on_path(name);
        if (const std::string v = try_one(p); !v.empty()) return {p, v};
    }
    const std::string src = rt.get("source_dir");
    if (!src.empty()) {
        std::string local = src + "/tools/node/node_modules/.bin/circom2";
        const std::string script = src + "/scripts/npm-tools.sh";
        if (!is_executable_file(local) && exists(script)) {
            std::fprintf(stderr, "circuit build: no circom 2 on PATH; installing circom2 with %s\n", script.c_str());
            const std::string log = tmpdir + "/npm-tools.log";
            run_one(Job{"scripts/npm-tools.sh", {"bash", script}, src, log}, verbose);
            local = last_lines(read_text(log), 1) + "/circom2";
            ::unlink(log.c_str());
        }
        if (const std::string v = try_one(local); !v.empty()) return {local, v};
    }
    std::string msg = "cannot find circom 2: install circom 2.2 (https://docs.circom.io) or circom2 "
                      "(npm install -g circom2), or pass --circom <path>";
    for (const auto& t : tried) msg += "\n  tried " + t;
    throw Failure(msg);
}

// The integer in "<fn>() {return N;}" of the generated circuit code.
// A single definition this large (circom functions filling constant tables: straight-line code run
// once per component) is compiled at lower_level(): -O2 on it costs much compile time for nothing.
constexpr std::size_t kHugeDefinition = 512 * 1024;

std::string lower_level(const std::string& level) {
    return level == "0" || level == "1" || level == "g" || level == "s" ? level : "1";
}

// Removes the units (u_*.cpp/.o/.log) an earlier build of another version of the circuit left.
void remove_stale_units(const std::string& stage, const std::set<std::string>& keep) {
    DIR* d = ::opendir(stage.c_str());
    if (!d) return;
    std::vector<std::string> stale;
    while (const dirent* e = ::readdir(d)) {
        const std::string f = e->d_name;
        if (f.rfind("u_", 0) != 0) continue;
        const auto dot = f.rfind('.');
        if (dot == std::string::npos || !keep.count(f.substr(0, dot) + ".cpp")) stale.push_back(f);
    }
    ::closedir(d);
    for (const auto& f : stale) ::unlink((stage + "/" + f).c_str());
}

// The first line of `<cxx> --version`; empty when it cannot be run.
std::string compiler_id(const std::vector<std::string>& cxx, const std::string& tmpdir) {
    Job j{"c++ --version", cxx, "/", tmpdir + "/cxx-version.log"};
    j.argv.push_back("--version");
    start(j, false);
    const int rc = finish(j);
    const std::string out = exists(j.log) ? read_text(j.log) : "";
    ::unlink(j.log.c_str());
    return rc == 0 ? out : "";
}

std::uint64_t hash64(const std::string& s, std::uint64_t h = 1469598103934665603ull) {
    for (const unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

// Where precompiled headers are kept between builds (they depend only on the compiler, its flags
// and the headers, not on the circuit): $PEREGRINE_WITNESS_PCH_CACHE (empty: none), else
// $XDG_CACHE_HOME/peregrine/witness-pch, else ~/.cache/peregrine/witness-pch.
std::string pch_cache_dir() {
    if (const char* e = std::getenv("PEREGRINE_WITNESS_PCH_CACHE")) {
        std::string d = e;
        char cwd[PATH_MAX];
        if (!d.empty() && d[0] != '/') d = ::getcwd(cwd, sizeof cwd) ? std::string(cwd) + "/" + d : "";
        return d;  // the stage links to it: absolute
    }
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x == '/') return std::string(x) + "/peregrine/witness-pch";
    if (const char* h = std::getenv("HOME"); h && *h == '/') return std::string(h) + "/.cache/peregrine/witness-pch";
    return "";
}

// Best effort: a copy of `from` at `to` (written aside, then renamed).
void store_copy(const std::string& from, const std::string& to) {
    try {
        make_dirs(dirname_of(to));
        check_output(to);
        const std::string tmp = to + ".tmp" + std::to_string(::getpid());
        {
            std::ifstream in(from, std::ios::binary);
            std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
            o << in.rdbuf();
            if (!in || !o.good()) {
                o.close();
                ::unlink(tmp.c_str());
                return;
            }
        }
        if (::rename(tmp.c_str(), to.c_str()) != 0) ::unlink(tmp.c_str());
    } catch (const std::exception&) {
    }
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int build(const BuildOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    if (o.circuit.empty()) throw Failure("no circuit given");
    if (o.out_dir.empty()) throw Failure("no output directory given (-o <dir>)");
    static const std::set<std::string> kLevels = {"0", "1", "2", "3", "s", "g", "fast"};
    if (!kLevels.count(o.opt_level)) throw Failure("-O " + o.opt_level + ": expected one of 0, 1, 2, 3, s, g, fast");
    if (o.engine != "auto" && o.engine != "graph" && o.engine != "native")
        throw Failure("--engine " + o.engine + ": expected graph, native or auto");
    if (!o.circom_opt.empty() && o.circom_opt != "0" && o.circom_opt != "1" && o.circom_opt != "2")
        throw Failure("--circom-O " + o.circom_opt + ": expected 0, 1 or 2");
    const std::string circuit = real_path(o.circuit, "circuit");
    if (is_dir(circuit)) throw Failure("circuit " + o.circuit + " is a directory");
    std::string name = basename_of(circuit);
    if (name.size() > 7 && name.compare(name.size() - 7, 7, ".circom") == 0) name.resize(name.size() - 7);
    else throw Failure("circuit " + o.circuit + ": expected a .circom file");
    std::vector<std::string> includes;
    for (const auto& l : o.includes) {
        const std::string p = real_path(l, "include directory");
        if (!is_dir(p)) throw Failure("include directory " + l + " is not a directory");
        includes.push_back(p);
    }
    make_dirs(o.out_dir);
    const std::string out = real_path(o.out_dir, "output directory");
    if (::access(out.c_str(), W_OK) != 0) throw Failure("cannot write to output directory " + out + ": " + std::strerror(errno));

    const Runtime rt = find_runtime(o);
    const bool verbose = o.verbose;
    const std::string gen = out + "/" + name + "_cpp";
    const std::string stage = gen + "/peregrine-build";

    // 1. circom.
    const Circom circom = find_circom(o, rt, out, verbose);
    const std::string& version = circom.version;
    if (version.rfind("2.2.", 0) != 0)
        std::fprintf(stderr, "circuit build: warning: circom %s; Peregrine's witness runtime is written for circom 2.2.x\n",
                     version.c_str());
    {
        Job j{"circom", {circom.path}, "/", out + "/" + name + ".circom.log"};
        j.argv.push_back(root_relative(circuit));
        for (const char* f : {"--c", "--r1cs", "--sym"}) j.argv.push_back(f);
        if (o.wasm) j.argv.push_back("--wasm");
        j.argv.push_back("--prime");
        j.argv.push_back("bn128");
        if (!o.circom_opt.empty()) j.argv.push_back("--O" + o.circom_opt);
        j.argv.push_back("-o");
        j.argv.push_back(root_relative(out));
        for (const auto& l : includes) {
            j.argv.push_back("-l");
            j.argv.push_back(root_relative(l));
        }
        if (verbose) j.log.clear();
        ::unlink((gen + "/" + name + ".cpp").c_str());  // so that a failed run cannot leave an old one behind
        std::fprintf(stderr, "circuit build: compiling %s with circom %s\n", o.circuit.c_str(), version.c_str());
        const auto t = std::chrono::steady_clock::now();
        start(j, verbose);
        const int rc = finish(j);
        // circom2 may exit 0 after reporting errors: check for its outputs.
        std::string log = j.log.empty() ? "" : strip_ansi(read_text(j.log));
        const std::string code_path = gen + "/" + name + ".cpp";
        if (rc != 0 || log.find("previous errors were found") != std::string::npos || !exists(code_path)) {
            if (rc == 0) job_failed(j, 1);
            job_failed(j, rc);
        }
        if (!j.log.empty()) ::unlink(j.log.c_str());
        if (verbose) std::fprintf(stderr, "circuit build: circom took %.1fs\n", seconds_since(t));
    }

    // The graph engine: no compiler. When it cannot take the circuit, --engine auto compiles it.
    if (o.engine != "native") {
        const std::string why = build_graph(out, name, gen, rt.dir, verbose);
        if (why.empty()) {
            std::fprintf(stderr, "circuit build: done in %.1fs\n", seconds_since(t0));
            return 0;
        }
        if (o.engine == "graph") throw Failure("the graph engine cannot build this circuit: " + why);
        std::fprintf(stderr, "circuit build: the graph engine cannot build this circuit (%s); compiling it (native engine)\n",
                     why.c_str());
    }
    ::unlink((out + "/" + name + ".graph").c_str());  // a graph of an earlier build would shadow the library

    // 2. Stage the generated code with Peregrine's runtime, split into units compiled in parallel.
    make_dirs(stage);
    std::string code = read_text(gen + "/" + name + ".cpp");
    for (const char* f : {"calcwit.hpp", "circom.hpp"})
        if (!exists(gen + "/" + f)) throw Failure("circom did not write " + gen + "/" + f);
    write_text_if_changed(stage + "/circom.hpp", patch_circom_hpp(read_text(gen + "/circom.hpp")));
    write_text_if_changed(stage + "/calcwit.hpp", read_text(gen + "/calcwit.hpp"));
    patch_circuit_code(code);
    const SplitCode split = split_circuit_code(code, "pgw_circuit.hpp", "pgw_base.hpp", "u_",
                                               unit_target_bytes(code.size()), kHugeDefinition);
    write_text_if_changed(stage + "/pgw_base.hpp", split.base);
    write_text_if_changed(stage + "/pgw_circuit.hpp", split.header);
    std::set<std::string> unit_files;
    for (const auto& u : split.units) {
        unit_files.insert(u.stem + ".cpp");
        write_text_if_changed(stage + "/" + u.stem + ".cpp", u.text);
    }
    remove_stale_units(stage, unit_files);
    const std::uint64_t in_start = generated_constant(code, "get_main_input_signal_start");
    const std::uint64_t in_count = generated_constant(code, "get_main_input_signal_no");
    const std::uint64_t hash_size = generated_constant(code, "get_size_of_input_hashmap");
    const std::string dat = gen + "/" + name + ".dat";
    const auto keys = main_inputs(out + "/" + name + ".sym", dat, in_start, in_count, hash_size);
    write_text_if_changed(stage + "/pgw_inputs.inc", inputs_inc(name, keys));
    if (dat.find('"') != std::string::npos || dat.find('\n') != std::string::npos)
        throw Failure("unsupported character in path " + dat);
    write_text(stage + "/pgw_dat.S",
               "/* Generated by peregrine circuit build: circom's circuit data, embedded. */\n"
               "    .section .rodata\n    .balign 64\n"
               "    .globl pgw_dat_begin\n    .hidden pgw_dat_begin\n    .type pgw_dat_begin, %object\n"
               "pgw_dat_begin:\n    .incbin \"" + dat + "\"\n"
               "    .globl pgw_dat_end\n    .hidden pgw_dat_end\n    .type pgw_dat_end, %object\n"
               "pgw_dat_end:\n    .byte 0\n"
               "    .section .note.GNU-stack,\"\",%progbits\n");
    write_text_if_changed(stage + "/pgw_main.cpp", kMainCpp);
    write_text_if_changed(stage + "/pgw_exports.map", kVersionScript);

    // 3. Compile and link.
    std::vector<std::string> cxx;
    if (!o.cxx.empty()) cxx = split_flags(o.cxx);
    else if (const char* e = std::getenv("CXX"); e && *e) cxx = split_flags(e);
    else cxx = split_flags(rt.get("cxx").empty() ? "c++" : rt.get("cxx"));
    if (cxx.empty()) throw Failure("no C++ compiler");
    std::vector<std::string> cached = cxx;
    const std::string ccache = find_on_path("ccache");
    if (!ccache.empty() && basename_of(cxx[0]) != "ccache") cached.insert(cached.begin(), ccache);
    const std::vector<std::string> extra = split_flags(rt.get("cxxflags"));
    const std::vector<std::string> ldextra = split_flags(rt.get("ldflags"));
    auto compile = [&](const std::string& what, const std::string& src, const std::string& obj,
                       const std::string& level, bool use_cache) {
        Job j{what, use_cache ? cached : cxx, stage, stage + "/" + obj + ".log"};
        for (const std::string& f : {std::string("-std=c++17"), "-O" + level, std::string("-fPIC"),
                                     std::string("-fvisibility=hidden"), std::string("-pthread"),
                                     std::string("-fno-strict-aliasing")})
            j.argv.push_back(f);
        j.argv.insert(j.argv.end(), extra.begin(), extra.end());
        for (const std::string& f : {std::string("-I."), "-I" + rt.dir + "/include", std::string("-c"), src,
                                     std::string("-o"), obj})
            j.argv.push_back(f);
        return j;
    };
    // With GCC, the headers every unit includes (pgw_base.hpp: the standard library, circom's
    // headers, Peregrine's runtime; ~0.6 s of CPU per unit, half the cost of a unit at -O0) are
    // precompiled once per optimisation level (a header precompiled at another level can crash
    // GCC, hence one file per level, pgw_pch_O<level>.hpp) and kept in pch_cache_dir().
    const std::string huge_level = lower_level(o.opt_level);
    std::set<std::string> levels;
    for (const auto& u : split.units) levels.insert(u.huge ? huge_level : o.opt_level);
    const std::string cxx_id = o.pch ? compiler_id(cxx, out) : "";
    const bool pch = o.pch && cxx_id.find("clang") == std::string::npos &&
                     cxx_id.find("Free Software Foundation") != std::string::npos;
    std::vector<Job> jobs, pch_jobs;
    std::vector<std::pair<std::string, std::string>> pch_store;  // built in the stage -> kept at
    if (pch) {
        const std::string cache = pch_cache_dir();
        std::string inputs = cxx_id + split.base;
        for (const char* f : {"circom.hpp", "calcwit.hpp"}) inputs += read_text(stage + "/" + f);
        for (const char* f : {"fr.hpp", "runtime.hpp", "pgw_prelude.hpp"}) inputs += read_text(rt.dir + "/include/" + f);
        for (const auto& level : levels) {
            const std::string hdr = "pgw_pch_O" + level + ".hpp", gch = stage + "/" + hdr + ".gch";
            write_text_if_changed(stage + "/" + hdr, "// Generated by peregrine circuit build: pgw_base.hpp, precompiled at -O" +
                                                         level + " (" + hdr + ".gch).\n#include \"pgw_base.hpp\"\n");
            Job j = compile("precompiling the headers (-O" + level + ")", hdr, hdr + ".gch", level, false);
            j.argv.insert(j.argv.end() - 4, {"-x", "c++-header"});
            char key[40];
            // The key: the command without the runtime's path (its headers' text is in `inputs`), so
            // that build trees with the same runtime share one file.
            std::string command = command_text(j.argv);
            for (std::size_t p; (p = command.find(rt.dir)) != std::string::npos;) command.replace(p, rt.dir.size(), "<rt>");
            std::snprintf(key, sizeof key, "%016llx", (unsigned long long)hash64(command, hash64(inputs)));
            const std::string kept = cache.empty() ? "" : cache + "/" + key + "-O" + level + ".gch";
            ::unlink(gch.c_str());
            if (!kept.empty() && exists(kept) && ::symlink(kept.c_str(), gch.c_str()) == 0) continue;
            j.cost = 1e9;
            pch_jobs.push_back(std::move(j));
            if (!kept.empty()) pch_store.emplace_back(gch, kept);
        }
    }
    std::vector<std::string> objs;
    std::size_t huge_units = 0;
    std::vector<Job> unit_jobs;
    for (const auto& u : split.units) {
        const std::string level = u.huge ? huge_level : o.opt_level;
        huge_units += u.huge;
        Job j = compile("compiling the circuit code (" + u.stem + ".cpp, -O" + level + ")", u.stem + ".cpp",
                        u.stem + ".o", level, true);
        if (pch) {
            j.argv.insert(j.argv.end() - 4, {"-include", "pgw_pch_O" + level + ".hpp", "-Winvalid-pch"});
            std::string slop = "pch_defines,time_macros";
            if (const char* e = std::getenv("CCACHE_SLOPPINESS"); e && *e) slop = std::string(e) + "," + slop;
            j.env.push_back("CCACHE_SLOPPINESS=" + slop);
        }
        j.cost = (double)u.text.size() * (u.huge ? 0.5 : 1.0);
        unit_jobs.push_back(std::move(j));
        objs.push_back(u.stem + ".o");
    }
    jobs.push_back(compile("compiling the witness glue", rt.dir + "/src/glue.cpp", "pgw_glue.o", "2", true));
    jobs.back().cost = 1e5;
    jobs.push_back(compile("compiling the witness command", "pgw_main.cpp", "pgw_main.o", "2", true));
    jobs.push_back(compile("assembling the circuit data", "pgw_dat.S", "pgw_dat.o", "0", false));  // no ccache: .incbin
    objs.push_back("pgw_glue.o");
    objs.push_back("pgw_dat.o");
    // The precompiled headers first (the units need them), with the glue and the driver beside them.
    if (pch_jobs.empty()) {
        jobs.insert(jobs.end(), unit_jobs.begin(), unit_jobs.end());
    } else {
        jobs.insert(jobs.end(), pch_jobs.begin(), pch_jobs.end());
        pch_jobs = std::move(jobs);
        jobs = std::move(unit_jobs);
    }
    const int n = o.jobs > 0 ? o.jobs : (int)std::max(1u, std::thread::hardware_concurrency());
    std::fprintf(stderr, "circuit build: compiling %s.cpp (%.1f MB) as %zu units (-O%s%s), %d at a time%s\n", name.c_str(),
                 (double)code.size() / 1e6, split.units.size(), o.opt_level.c_str(),
                 huge_units ? (", " + std::to_string(huge_units) + " huge at -O" + huge_level).c_str() : "", n,
                 ccache.empty() ? "" : ", through ccache");
    const auto tc = std::chrono::steady_clock::now();
    if (!pch_jobs.empty()) {
        run_parallel(pch_jobs, n, verbose);
        for (const auto& [built, kept] : pch_store) store_copy(built, kept);
    }
    run_parallel(jobs, n, verbose);
    if (verbose) std::fprintf(stderr, "circuit build: compiling took %.1fs\n", seconds_since(tc));

    const std::string rtlib = rt.dir + "/lib/libperegrine_witness_rt.a";
    const std::string exe = out + "/" + name + "-witness", so = out + "/lib" + name + "-witness.so";
    Job le{"linking " + exe, cxx, stage, stage + "/link-exe.log"};
    le.argv.insert(le.argv.end(), {"-o", exe + ".tmp", "pgw_main.o"});
    le.argv.insert(le.argv.end(), objs.begin(), objs.end());
    le.argv.insert(le.argv.end(), {rtlib, "-pthread"});
    le.argv.insert(le.argv.end(), ldextra.begin(), ldextra.end());
    Job ls{"linking " + so, cxx, stage, stage + "/link-so.log"};
    ls.argv.insert(ls.argv.end(), {"-shared", "-o", so + ".tmp"});
    ls.argv.insert(ls.argv.end(), objs.begin(), objs.end());
    ls.argv.insert(ls.argv.end(), {rtlib, "-pthread", "-Wl,--version-script=pgw_exports.map", "-Wl,--exclude-libs,ALL",
                                   "-Wl,-z,now"});
    ls.argv.insert(ls.argv.end(), ldextra.begin(), ldextra.end());
    check_output(exe);  // renamed into place below: never over a symlink, directory, device or FIFO
    check_output(so);
    run_parallel({le, ls}, n, verbose);
    if (::rename((exe + ".tmp").c_str(), exe.c_str()) != 0 || ::rename((so + ".tmp").c_str(), so.c_str()) != 0)
        throw Failure("cannot rename the outputs in " + out + ": " + std::strerror(errno));

    std::fprintf(stderr, "circuit build: wrote %s and %s (%zu input%s, %.1fs)\n", exe.c_str(), so.c_str(), keys.size(),
                 keys.size() == 1 ? "" : "s", seconds_since(t0));
    return 0;
}

const char* kUsage =
    "usage: peregrine circuit build <circuit.circom> [-l <include_dir>]... -o <dir> [-O <level>] [options]\n"
    "Compiles a circom circuit (with circom --c --r1cs --sym) into a witness generator:\n"
    "  <dir>/<name>-witness <input.json> <out.wtns>, and <dir>/<name>.graph (graph engine) or\n"
    "  <dir>/lib<name>-witness.so (native engine, C API: pg_witness.h), for peregrine witness/fullprove/serve\n"
    "options:\n"
    "  --engine <e>         graph: interpret circom's C++ once into a program run by Peregrine (no C++\n"
    "                       compiler; fails on input-dependent control flow); native: compile it;\n"
    "                       auto (default): graph, else native\n"
    "  -l <dir>             include directory for circom (repeatable)\n"
    "  -o <dir>             output directory (created if missing)\n"
    "  -O <level>           C++ optimisation level: 0, 1 (default), 2, 3, s, g, fast (huge\n"
    "                       straight-line functions: at most 1)\n"
    "  --wasm               also write circom's WebAssembly witness calculator (<dir>/<name>_js/)\n"
    "  --circom-O <n>       circom's constraint simplification: 0, 1 (circom's default) or 2\n"
    "  --circom <path>      circom 2 executable (default: $PEREGRINE_CIRCOM, else circom, then circom2,\n"
    "                       on PATH, else tools/node/node_modules/.bin/circom2 of the source checkout,\n"
    "                       installed there by scripts/npm-tools.sh if missing)\n"
    "  --cxx <compiler>     C++ compiler (default: $CXX, else the one Peregrine was built with)\n"
    "  --runtime <dir>      Peregrine's witness runtime directory (default: next to the executable)\n"
    "  -j <n>               parallel compiler processes (default: number of CPUs)\n"
    "  --no-pch             no precompiled header (default with GCC: one, kept in\n"
    "                       $PEREGRINE_WITNESS_PCH_CACHE or ~/.cache/peregrine/witness-pch)\n"
    "  -v, --verbose        show the commands run and circom's output\n";

}  // namespace

int circuit_build(const BuildOptions& opts) {
    try {
        return build(opts);
    } catch (const Failure& e) {
        std::fprintf(stderr, "peregrine: error: circuit build: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "peregrine: error: circuit build: %s\n", e.what());
        return 1;
    }
}

int circuit_build(int argc, char** argv) {
    BuildOptions o;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](const char* opt) -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "peregrine: error: circuit build: %s needs a value\n%s", opt, kUsage);
                throw 2;
            }
            return argv[++i];
        };
        try {
            if (a == "-h" || a == "--help") {
                std::fputs(kUsage, stdout);
                return 0;
            } else if (a == "-l") {
                o.includes.push_back(value("-l"));
            } else if (a.rfind("-l", 0) == 0 && a.size() > 2) {
                o.includes.push_back(a.substr(2));
            } else if (a == "-o") {
                o.out_dir = value("-o");
            } else if (a == "-O") {
                o.opt_level = value("-O");
            } else if (a.rfind("-O", 0) == 0 && a.size() > 2) {
                o.opt_level = a.substr(2);
            } else if (a == "--engine") {
                o.engine = value("--engine");
            } else if (a.rfind("--engine=", 0) == 0) {
                o.engine = a.substr(9);
            } else if (a == "--circom-O") {
                o.circom_opt = value("--circom-O");
            } else if (a == "--circom") {
                o.circom = value("--circom");
            } else if (a == "--cxx") {
                o.cxx = value("--cxx");
            } else if (a == "--runtime") {
                o.runtime_dir = value("--runtime");
            } else if (a == "-j") {
                o.jobs = std::atoi(value("-j").c_str());
            } else if (a.rfind("-j", 0) == 0 && a.size() > 2) {
                o.jobs = std::atoi(a.c_str() + 2);
            } else if (a == "--wasm") {
                o.wasm = true;
            } else if (a == "--no-pch") {
                o.pch = false;
            } else if (a == "-v" || a == "--verbose") {
                o.verbose = true;
            } else if (!a.empty() && a[0] == '-') {
                std::fprintf(stderr, "peregrine: error: circuit build: unknown option %s\n%s", a.c_str(), kUsage);
                return 2;
            } else {
                positional.push_back(a);
            }
        } catch (int rc) {
            return rc;
        }
    }
    if (positional.size() != 1 || o.out_dir.empty()) {
        std::fprintf(stderr, "peregrine: error: circuit build: %s\n%s",
                     positional.empty() ? "no circuit given" : (positional.size() > 1 ? "more than one circuit given" : "no output directory given (-o <dir>)"),
                     kUsage);
        return 2;
    }
    o.circuit = positional[0];
    return circuit_build(o);
}

}  // namespace peregrine::witness
