// SPDX-License-Identifier: MIT OR Apache-2.0
// `serve` in peregrine: replaces this process by peregrine-serve from the same directory, with the
// same arguments (options were already checked here), so the service keeps the process id that a
// supervisor signals (see cli/commands.hpp).
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include "cli/commands.hpp"

namespace peregrine::cli {

namespace {
// The directory of this executable: /proc/self/exe, else argv[0]'s.
std::string own_directory(const char* argv0) {
    std::string self;
    char buf[PATH_MAX];
    const ssize_t len = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (len > 0) self.assign(buf, std::size_t(len));
    else if (argv0) self = argv0;
    const std::size_t slash = self.rfind('/');
    return slash == std::string::npos ? std::string(".") : self.substr(0, slash);
}
}  // namespace

int run_serve(const server::ServeOptions&, int argc, char** argv) {
    const std::string path = own_directory(argc > 0 ? argv[0] : nullptr) + "/peregrine-serve";
    std::vector<char*> args(argv, argv + argc);
    args.push_back(nullptr);
    if (args.size() > 1) args[0] = const_cast<char*>(path.c_str());
    ::execv(path.c_str(), args.data());
    std::fprintf(stderr, "peregrine: error: serve needs %s (installed beside peregrine): %s\n", path.c_str(),
                 std::strerror(errno));
    return 1;
}

}  // namespace peregrine::cli
