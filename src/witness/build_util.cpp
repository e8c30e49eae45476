// SPDX-License-Identifier: MIT OR Apache-2.0
// Helpers of `circuit build`: files, paths, child processes (see build_util.hpp).
#include "witness/build_util.hpp"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "util/error.hpp"
#include "util/io.hpp"

namespace peregrine::witness::detail {

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

// Through the shared writer (util/io): fsynced, renamed into place, never over a symlink,
// directory, device or FIFO.
void write_text(const std::string& path, const std::string& text) {
    try {
        peregrine::write_file_atomically(path, text);
    } catch (const peregrine::Error& e) {
        throw Failure(e.what());
    }
}

void check_output(const std::string& path) {
    try {
        peregrine::check_output_target(path);
    } catch (const peregrine::Error& e) {
        throw Failure(e.what());
    }
}

void write_text_if_changed(const std::string& path, const std::string& text) {
    if (exists(path)) {
        std::ifstream f(path, std::ios::binary);
        const std::string old((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        if (f && old == text) return;
    }
    write_text(path, text);
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
        if (dir.empty()) dir.push_back('.');  // (not `dir = "."`: a false -Wrestrict in GCC 12)
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

void start(Job& j, bool verbose) {
    // The child appends its output to the log: a FIFO there would block it, a symlink redirect it.
    if (!j.log.empty()) check_output(j.log);
    if (verbose) std::fprintf(stderr, "+ (cd %s && %s)\n", shell_quote(j.cwd).c_str(), command_text(j.argv).c_str());
    std::vector<char*> args;
    for (auto& a : j.argv) args.push_back(a.data());
    args.push_back(nullptr);
    // The child's environment, built before fork (the child only execs).
    std::vector<std::string> env_text;
    std::vector<char*> envp;
    if (!j.env.empty()) {
        for (char** e = environ; e && *e; ++e) {
            const std::string kv = *e;
            const std::string key = kv.substr(0, kv.find('=') + 1);
            bool replaced = false;
            for (const auto& x : j.env) replaced = replaced || x.compare(0, key.size(), key) == 0;
            if (!replaced) env_text.push_back(kv);
        }
        env_text.insert(env_text.end(), j.env.begin(), j.env.end());
        for (auto& e : env_text) envp.push_back(e.data());
        envp.push_back(nullptr);
    }
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw Failure(std::string("cannot start ") + j.argv[0] + ": " + std::strerror(errno));
    if (pid == 0) {
        if (!j.log.empty()) {
            const int fd = ::open(j.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
            if (fd >= 0) {
                ::dup2(fd, 1);
                ::dup2(fd, 2);
            }
        }
        if (::chdir(j.cwd.c_str()) != 0) {
            std::fprintf(stderr, "cannot enter %s: %s\n", j.cwd.c_str(), std::strerror(errno));
            ::_exit(127);
        }
        if (envp.empty()) ::execvp(args[0], args.data());
        else ::execvpe(args[0], args.data(), envp.data());
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

void run_parallel(std::vector<Job> jobs, int n, bool verbose) {
    std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.cost > b.cost; });
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

}  // namespace peregrine::witness::detail
