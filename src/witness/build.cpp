// SPDX-License-Identifier: MIT OR Apache-2.0
// `circuit build`: circom -> generated C++ -> native witness command and shared library.
// See build.hpp for the interface and the runtime directory's layout.
#include "witness/build.hpp"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
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
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace peregrine::witness {

namespace {

class Failure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

bool exists(const std::string& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0;
}

bool is_dir(const std::string& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_executable_file(const std::string& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

std::string dirname_of(const std::string& p) {
    const auto s = p.find_last_of('/');
    if (s == std::string::npos) return ".";
    return s == 0 ? "/" : p.substr(0, s);
}

std::string basename_of(const std::string& p) {
    const auto s = p.find_last_of('/');
    return s == std::string::npos ? p : p.substr(s + 1);
}

std::string real_path(const std::string& p, const char* what) {
    char buf[PATH_MAX];
    if (!::realpath(p.c_str(), buf)) throw Failure(std::string("cannot use ") + what + " " + p + ": " + std::strerror(errno));
    return buf;
}

void make_dirs(const std::string& p) {
    if (p.empty() || is_dir(p)) return;
    make_dirs(dirname_of(p));
    if (::mkdir(p.c_str(), 0755) != 0 && errno != EEXIST)
        throw Failure("cannot create directory " + p + ": " + std::strerror(errno));
    if (!is_dir(p)) throw Failure("cannot create directory " + p + ": not a directory");
}

std::string read_text(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Failure("cannot read " + path + ": " + std::strerror(errno));
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (!f) throw Failure("cannot write " + path);
}

std::string strip_ansi(const std::string& s) {
    std::string r;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
            i += 2;
            while (i < s.size() && !(s[i] >= '@' && s[i] <= '~')) ++i;
            continue;
        }
        r += s[i];
    }
    return r;
}

std::string last_lines(const std::string& s, std::size_t n) {
    std::size_t pos = s.size();
    while (pos > 0 && (s[pos - 1] == '\n' || s[pos - 1] == ' ')) --pos;
    std::size_t end = pos;
    for (std::size_t k = 0; k < n && pos > 0; ++k) {
        pos = s.rfind('\n', pos - 1);
        if (pos == std::string::npos) {
            pos = 0;
            break;
        }
    }
    return s.substr(pos == 0 ? 0 : pos + 1, end - (pos == 0 ? 0 : pos + 1));
}

std::string find_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (!path) return "";
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
        if (dir.empty()) dir = ".";
        const std::string p = dir + "/" + name;
        if (is_executable_file(p)) return p;
    }
    return "";
}

std::string self_exe_dir() {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "";
    buf[n] = 0;
    return dirname_of(buf);
}

std::string shell_quote(const std::string& s) {
    if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=./:,@") ==
                          std::string::npos)
        return s;
    std::string r = "'";
    for (char c : s) r += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return r + "'";
}

std::string command_text(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) {
        if (!s.empty()) s += ' ';
        s += shell_quote(a);
    }
    return s;
}

// A child process: argv run in cwd, stdout+stderr to log (or inherited when log is empty).
struct Job {
    std::string what;
    std::vector<std::string> argv;
    std::string cwd;
    std::string log;
    pid_t pid = -1;
};

void start(Job& j, bool verbose) {
    if (verbose) std::fprintf(stderr, "+ (cd %s && %s)\n", shell_quote(j.cwd).c_str(), command_text(j.argv).c_str());
    std::vector<char*> args;
    for (auto& a : j.argv) args.push_back(a.data());
    args.push_back(nullptr);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw Failure(std::string("cannot start ") + j.argv[0] + ": " + std::strerror(errno));
    if (pid == 0) {
        if (!j.log.empty()) {
            const int fd = ::open(j.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd >= 0) {
                ::dup2(fd, 1);
                ::dup2(fd, 2);
            }
        }
        if (::chdir(j.cwd.c_str()) != 0) {
            std::fprintf(stderr, "cannot enter %s: %s\n", j.cwd.c_str(), std::strerror(errno));
            ::_exit(127);
        }
        ::execvp(args[0], args.data());
        std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
        ::_exit(127);
    }
    j.pid = pid;
}

// Waits for j; returns its exit status (128 + signal when killed).
int finish(Job& j) {
    int status = 0;
    while (::waitpid(j.pid, &status, 0) < 0) {
        if (errno != EINTR) throw Failure(std::string("waiting for ") + j.argv[0] + ": " + std::strerror(errno));
    }
    j.pid = -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}

[[noreturn]] void job_failed(const Job& j, int rc) {
    std::string msg = j.what + " failed (exit status " + std::to_string(rc) + ")";
    if (!j.log.empty() && exists(j.log)) {
        const std::string out = strip_ansi(read_text(j.log));
        if (!out.empty()) msg += ":\n" + last_lines(out, 30) + "\n(full output: " + j.log + ")";
    }
    msg += "\ncommand: (cd " + shell_quote(j.cwd) + " && " + command_text(j.argv) + ")";
    throw Failure(msg);
}

void run_one(Job j, bool verbose) {
    start(j, verbose);
    const int rc = finish(j);
    if (rc != 0) job_failed(j, rc);
}

// Runs the jobs, at most n at once; throws on the first failure (after the others finish).
void run_parallel(std::vector<Job> jobs, int n, bool verbose) {
    std::size_t next = 0;
    std::vector<Job*> running;
    const Job* failed = nullptr;
    int failed_rc = 0;
    while (next < jobs.size() || !running.empty()) {
        while (!failed && next < jobs.size() && (int)running.size() < n) {
            start(jobs[next], verbose);
            running.push_back(&jobs[next++]);
        }
        if (running.empty()) break;
        bool progressed = false;
        for (std::size_t i = 0; i < running.size(); ++i) {
            int status = 0;
            const pid_t r = ::waitpid(running[i]->pid, &status, WNOHANG);
            if (r == 0) continue;
            if (r < 0 && errno == EINTR) continue;
            int rc = 1;
            if (r > 0 && WIFEXITED(status)) rc = WEXITSTATUS(status);
            else if (r > 0 && WIFSIGNALED(status)) rc = 128 + WTERMSIG(status);
            running[i]->pid = -1;
            if (rc != 0 && !failed) {
                failed = running[i];
                failed_rc = rc;
            }
            running.erase(running.begin() + (long)i);
            progressed = true;
            break;
        }
        if (!progressed) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (failed) job_failed(*failed, failed_rc);
}

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
std::uint64_t generated_constant(const std::string& code, const std::string& fn) {
    const std::string key = fn + "() {return ";
    const auto p = code.find(key);
    if (p == std::string::npos) throw Failure("unexpected generated code: no " + fn + "()");
    return std::strtoull(code.c_str() + p + key.size(), nullptr, 10);
}

std::size_t replace_all(std::string& s, const std::string& from, const std::string& to) {
    std::size_t n = 0;
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
        s.replace(p, from.size(), to);
        ++n;
    }
    return n;
}

std::uint64_t fnv1a(const std::string& s) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001B3ull;
    }
    return h;
}

std::string c_string(const std::string& s) {
    std::string r = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') r += '\\', r += (char)c;
        else if (c < 0x20 || c >= 0x7f) {
            char b[8];
            std::snprintf(b, sizeof b, "\\%03o", c);
            r += b;
        } else r += (char)c;
    }
    return r + "\"";
}

struct InputKey {
    std::string name;
    std::uint32_t offset = 0, size = 0;
    std::vector<std::uint32_t> dims;
};

// The main inputs, as JSON names them: every key of circom's input hash table, named from the
// .sym file (element names of the main component's input signals) and checked against the table.
std::vector<InputKey> main_inputs(const std::string& sym_path, const std::string& dat_path, std::uint64_t start,
                                  std::uint64_t count, std::uint64_t hash_size) {
    // Element names by offset.
    std::vector<std::string> names(count);
    std::istringstream sym(read_text(sym_path));
    std::string line;
    while (std::getline(sym, line)) {
        // idx,witness_idx,component_idx,name
        const auto c1 = line.find(','), c2 = line.find(',', c1 + 1), c3 = line.find(',', c2 + 1);
        if (c3 == std::string::npos) continue;
        const std::uint64_t idx = std::strtoull(line.c_str(), nullptr, 10);
        if (idx < start || idx >= start + count) continue;
        std::string name = line.substr(c3 + 1);
        while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.pop_back();
        if (name.rfind("main.", 0) == 0) name = name.substr(5);
        names[idx - start] = name;
    }
    // Candidate keys: every prefix of an element name ending before '[' or '.', and the name.
    std::map<std::string, std::vector<std::uint32_t>> cand;
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::string& n = names[i];
        if (n.empty()) continue;
        for (std::size_t k = 1; k <= n.size(); ++k)
            if (k == n.size() || n[k] == '[' || n[k] == '.') cand[n.substr(0, k)].push_back(i);
    }
    // circom's input hash table from the .dat.
    const std::string dat = read_text(dat_path);
    if (dat.size() < hash_size * 24) throw Failure(dat_path + " is too short for its input hash table");
    std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> table;
    for (std::uint64_t i = 0; i < hash_size; ++i) {
        std::uint64_t e[3];
        std::memcpy(e, dat.data() + 24 * i, 24);
        if (e[1] != 0) table[e[0]] = {e[1], e[2]};
    }
    std::vector<InputKey> keys;
    for (const auto& [name, elems] : cand) {
        const auto it = table.find(fnv1a(name));
        if (it == table.end()) continue;
        const std::uint32_t lo = *std::min_element(elems.begin(), elems.end());
        if (it->second.first != start + lo || it->second.second != elems.size()) continue;
        InputKey k;
        k.name = name;
        k.offset = lo;
        k.size = (std::uint32_t)elems.size();
        // Dimensions when every element is name[i][j]...
        std::vector<std::uint32_t> dims;
        bool ok = true;
        for (std::uint32_t e : elems) {
            const std::string suffix = names[e].substr(name.size());
            std::size_t p = 0, level = 0;
            while (ok && p < suffix.size()) {
                if (suffix[p] != '[') {
                    ok = false;
                    break;
                }
                const auto q = suffix.find(']', p);
                if (q == std::string::npos) {
                    ok = false;
                    break;
                }
                const std::uint32_t v = (std::uint32_t)std::strtoul(suffix.c_str() + p + 1, nullptr, 10);
                if (level >= dims.size()) {
                    if (e != elems.front()) ok = false;
                    dims.push_back(0);
                }
                if (ok) dims[level] = std::max(dims[level], v + 1);
                ++level;
                p = q + 1;
            }
            if (ok && level != dims.size()) ok = false;
            if (!ok) break;
        }
        std::uint64_t prod = 1;
        for (auto d : dims) prod *= d;
        if (ok && prod == k.size) k.dims = dims;
        keys.push_back(k);
    }
    std::sort(keys.begin(), keys.end(), [](const InputKey& a, const InputKey& b) {
        return a.offset != b.offset ? a.offset < b.offset : a.size > b.size;
    });
    // Every table entry should have been named.
    if (keys.size() < table.size()) {
        std::fprintf(stderr,
                     "circuit build: warning: %zu of circom's %zu input names could not be recovered from %s; "
                     "those inputs will be reported by number\n",
                     table.size() - keys.size(), table.size(), sym_path.c_str());
    }
    return keys;
}

std::string inputs_inc(const std::string& circuit_name, const std::vector<InputKey>& keys) {
    std::string s = "// Generated by peregrine circuit build.\n";
    s += "static const char kCircuitName[] = " + c_string(circuit_name) + ";\n";
    s += "static const InputDef kInputDefs[] = {\n";
    for (const auto& k : keys) {
        std::string dims;
        for (std::size_t i = 0; i < k.dims.size(); ++i) {
            if (i) dims += ',';
            dims += std::to_string(k.dims[i]);
        }
        s += "    {" + c_string(k.name) + ", " + std::to_string(k.offset) + ", " + std::to_string(k.size) + ", " +
             c_string(dims) + "},\n";
    }
    if (keys.empty()) s += "    {\"\", 0, 0, \"\"},\n";
    s += "};\n";
    s += "static const std::size_t kInputDefCount = " + std::to_string(keys.size()) + ";\n";
    return s;
}

const char* kVersionScript =
    "{\n  global:\n    pg_witness_abi_version;\n    pg_witness_circuit_name;\n    pg_witness_size;\n"
    "    pg_witness_calculate;\n    pg_witness_free;\n  local:\n    *;\n};\n";

const char* kMainCpp =
    "// Generated by peregrine circuit build.\n"
    "extern \"C\" int pg_witness_main(int argc, char** argv);\n"
    "int main(int argc, char** argv) { return pg_witness_main(argc, argv); }\n";

// Patches circom's generated circuit code (see pgw_prelude.hpp).
std::string patch_circuit_code(std::string code) {
    // 1. The prelude, after the generated file's own #include lines (which come first).
    std::size_t pos = 0;
    while (code.compare(pos, 8, "#include") == 0) {
        const auto nl = code.find('\n', pos);
        if (nl == std::string::npos) break;
        pos = nl + 1;
    }
    if (pos == 0) throw Failure("unexpected generated code: no #include lines at the top");
    code.insert(pos, "#include \"pgw_prelude.hpp\"\n");
    // 2. Failed asserts and constraints: throw circom's message instead of printing it and aborting.
    replace_all(code, "std::cout << \"Failed assert in template/function \"",
                "throw ::peregrine::witness::AssertFailure() << \"Failed assert in template/function \"");
    // 3. Component release through the glue (which also clears the pointers).
    const std::string rel = "void release_memory_component(Circom_CalcWit* ctx, uint pos) {";
    if (replace_all(code, rel, rel + "pgw_release_component(ctx, pos); return;") != 1)
        throw Failure("unexpected generated code: release_memory_component not found");
    return code;
}

std::string patch_circom_hpp(std::string code) {
    replace_all(code, "#include <gmp.h>\n", "");  // no GMP: Peregrine's fr.hpp does not use it
    return code;
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
        for (const char* f : {"--c", "--r1cs", "--wasm", "--sym"}) j.argv.push_back(f);
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

    // 2. Stage the generated code with Peregrine's runtime.
    make_dirs(stage);
    const std::string code = read_text(gen + "/" + name + ".cpp");
    for (const char* f : {"calcwit.hpp", "circom.hpp"})
        if (!exists(gen + "/" + f)) throw Failure("circom did not write " + gen + "/" + f);
    write_text(stage + "/" + name + ".cpp", patch_circuit_code(code));
    write_text(stage + "/circom.hpp", patch_circom_hpp(read_text(gen + "/circom.hpp")));
    write_text(stage + "/calcwit.hpp", read_text(gen + "/calcwit.hpp"));
    const std::uint64_t in_start = generated_constant(code, "get_main_input_signal_start");
    const std::uint64_t in_count = generated_constant(code, "get_main_input_signal_no");
    const std::uint64_t hash_size = generated_constant(code, "get_size_of_input_hashmap");
    const std::string dat = gen + "/" + name + ".dat";
    const auto keys = main_inputs(out + "/" + name + ".sym", dat, in_start, in_count, hash_size);
    write_text(stage + "/pgw_inputs.inc", inputs_inc(name, keys));
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
    write_text(stage + "/pgw_main.cpp", kMainCpp);
    write_text(stage + "/pgw_exports.map", kVersionScript);

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
    std::vector<Job> jobs;
    jobs.push_back(compile("compiling the circuit code (" + name + ".cpp)", name + ".cpp", name + ".o", o.opt_level, true));
    jobs.push_back(compile("compiling the witness glue", rt.dir + "/src/glue.cpp", "pgw_glue.o", "2", true));
    jobs.push_back(compile("compiling the witness command", "pgw_main.cpp", "pgw_main.o", "2", true));
    jobs.push_back(compile("assembling the circuit data", "pgw_dat.S", "pgw_dat.o", "0", false));  // no ccache: .incbin
    int n = o.jobs > 0 ? o.jobs : (int)std::min(4u, std::max(1u, std::thread::hardware_concurrency()));
    std::fprintf(stderr, "circuit build: compiling %s.cpp (-O%s)\n", name.c_str(), o.opt_level.c_str());
    const auto tc = std::chrono::steady_clock::now();
    run_parallel(jobs, n, verbose);
    if (verbose) std::fprintf(stderr, "circuit build: compiling took %.1fs\n", seconds_since(tc));

    const std::string rtlib = rt.dir + "/lib/libperegrine_witness_rt.a";
    const std::string exe = out + "/" + name + "-witness", so = out + "/lib" + name + "-witness.so";
    const std::string objs[] = {name + ".o", "pgw_glue.o", "pgw_dat.o"};
    Job le{"linking " + exe, cxx, stage, stage + "/link-exe.log"};
    le.argv.insert(le.argv.end(), {"-o", exe + ".tmp", "pgw_main.o"});
    le.argv.insert(le.argv.end(), std::begin(objs), std::end(objs));
    le.argv.insert(le.argv.end(), {rtlib, "-pthread"});
    le.argv.insert(le.argv.end(), ldextra.begin(), ldextra.end());
    Job ls{"linking " + so, cxx, stage, stage + "/link-so.log"};
    ls.argv.insert(ls.argv.end(), {"-shared", "-o", so + ".tmp"});
    ls.argv.insert(ls.argv.end(), std::begin(objs), std::end(objs));
    ls.argv.insert(ls.argv.end(), {rtlib, "-pthread", "-Wl,--version-script=pgw_exports.map", "-Wl,--exclude-libs,ALL",
                                   "-Wl,-z,now"});
    ls.argv.insert(ls.argv.end(), ldextra.begin(), ldextra.end());
    run_parallel({le, ls}, n, verbose);
    if (::rename((exe + ".tmp").c_str(), exe.c_str()) != 0 || ::rename((so + ".tmp").c_str(), so.c_str()) != 0)
        throw Failure("cannot rename the outputs in " + out + ": " + std::strerror(errno));

    std::fprintf(stderr, "circuit build: wrote %s and %s (%zu input%s, %.1fs)\n", exe.c_str(), so.c_str(), keys.size(),
                 keys.size() == 1 ? "" : "s", seconds_since(t0));
    return 0;
}

const char* kUsage =
    "usage: peregrine circuit build <circuit.circom> [-l <include_dir>]... -o <dir> [-O <level>] [options]\n"
    "Compiles a circom circuit (with circom --c --r1cs --wasm --sym) into a native witness generator:\n"
    "  <dir>/<name>-witness <input.json> <out.wtns>   and   <dir>/lib<name>-witness.so (C API: pg_witness.h)\n"
    "options:\n"
    "  -l <dir>             include directory for circom (repeatable)\n"
    "  -o <dir>             output directory (created if missing)\n"
    "  -O <level>           C++ optimisation level: 0, 1, 2 (default), 3, s, g, fast\n"
    "  --circom-O <n>       circom's constraint simplification: 0, 1 (circom's default) or 2\n"
    "  --circom <path>      circom or circom2 executable (default: circom, then circom2, on PATH)\n"
    "  --cxx <compiler>     C++ compiler (default: $CXX, else the one Peregrine was built with)\n"
    "  --runtime <dir>      Peregrine's witness runtime directory (default: next to the executable)\n"
    "  -j <n>               parallel compiler processes (default: number of CPUs, at most 4)\n"
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
