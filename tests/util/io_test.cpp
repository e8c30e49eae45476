// SPDX-License-Identifier: MIT OR Apache-2.0
#include <gtest/gtest.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "util/error.hpp"
#include "util/io.hpp"

using namespace peregrine;

namespace {

std::vector<std::string> list_dir(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = opendir(dir.c_str())) {
        while (auto* e = readdir(d)) {
            std::string n = e->d_name;
            if (n != "." && n != "..") out.push_back(n);
        }
        closedir(d);
    }
    return out;
}

TEST(AtomicWrite, WritesAllFilesAndLeavesNoTemporaries) {
    char tmpl[] = "/tmp/peregrine-io-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    write_files_atomically({{dir + "/a.json", "hello"}, {dir + "/b.json", "[]"}});
    EXPECT_EQ(read_text_file(dir + "/a.json"), "hello");
    EXPECT_EQ(read_text_file(dir + "/b.json"), "[]");
    write_files_atomically({{dir + "/a.json", "replaced"}});
    EXPECT_EQ(read_text_file(dir + "/a.json"), "replaced");
    EXPECT_EQ(list_dir(dir).size(), 2u);
    // Second target unwritable: nothing changes, no temporaries stay behind.
    EXPECT_THROW(write_files_atomically({{dir + "/a.json", "new"}, {dir + "/missing/b.json", "x"}}), Error);
    EXPECT_EQ(read_text_file(dir + "/a.json"), "replaced");
    EXPECT_EQ(list_dir(dir).size(), 2u);
    for (auto& f : list_dir(dir)) unlink((dir + "/" + f).c_str());
    rmdir(dir.c_str());
}

TEST(MappedFile, EmptyAndMissing) {
    char tmpl[] = "/tmp/peregrine-io-XXXXXX";
    int fd = mkstemp(tmpl);
    close(fd);
    MappedFile m(tmpl);
    EXPECT_EQ(m.size(), 0u);
    unlink(tmpl);
    EXPECT_THROW(MappedFile("/nonexistent/file"), Error);
}

}  // namespace
