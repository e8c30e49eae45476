// SPDX-License-Identifier: MIT OR Apache-2.0
// Helpers of `circuit build` (build.cpp): files, paths, and child processes run in parallel.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace peregrine::witness::detail {

// A build failure: its message is printed as "peregrine: error: circuit build: <message>".
class Failure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

bool exists(const std::string& p);
bool is_dir(const std::string& p);
bool is_executable_file(const std::string& p);
std::string dirname_of(const std::string& p);
std::string basename_of(const std::string& p);
std::string real_path(const std::string& p, const char* what);  // throws Failure naming `what`
void make_dirs(const std::string& p);
std::string read_text(const std::string& path);
// Atomically (util/io.hpp); throws Failure, also when path is a symlink, directory, device or FIFO.
void write_text(const std::string& path, const std::string& text);
// Throws Failure unless path is absent or a regular file (util/io.hpp: check_output_target).
void check_output(const std::string& path);
// Writes only when the contents differ (keeps the time stamp of unchanged generated sources).
void write_text_if_changed(const std::string& path, const std::string& text);
std::string strip_ansi(const std::string& s);
std::string last_lines(const std::string& s, std::size_t n);
std::string find_on_path(const std::string& name);
std::string self_exe_dir();
std::string shell_quote(const std::string& s);
std::string command_text(const std::vector<std::string>& argv);

// A child process: argv run in cwd, stdout+stderr to log (or inherited when log is empty).
// cost orders run_parallel's queue (largest first).
struct Job {
    std::string what;
    std::vector<std::string> argv;
    std::string cwd;
    std::string log;
    pid_t pid = -1;
    double cost = 0;
    std::vector<std::string> env{};  // "KEY=value" entries added to (or replacing those of) the environment
};

void start(Job& j, bool verbose);
int finish(Job& j);  // waits; the exit status (128 + signal when killed)
[[noreturn]] void job_failed(const Job& j, int rc);
void run_one(Job j, bool verbose);
// Runs the jobs, at most n at once, the costliest first; throws on the first failure (after the
// running ones finish).
void run_parallel(std::vector<Job> jobs, int n, bool verbose);

}  // namespace peregrine::witness::detail
