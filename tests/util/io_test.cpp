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

std::string make_dir() {
    char tmpl[] = "/tmp/peregrine-io-XXXXXX";
    return mkdtemp(tmpl);
}

void remove_dir(const std::string& dir) {
    for (auto& f : list_dir(dir)) {
        const std::string p = dir + "/" + f;
        if (rmdir(p.c_str()) != 0) unlink(p.c_str());
    }
    rmdir(dir.c_str());
}

std::string error_of(const std::vector<std::pair<std::string, std::string>>& files) {
    try {
        write_files_atomically(files);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(AtomicWrite, DeviceTargetIsRefusedAndKept) {
    const std::string dir = make_dir();
    const std::string msg = error_of({{dir + "/proof.json", "p"}, {"/dev/null", "x"}});
    EXPECT_EQ(msg, "/dev/null: exists and is a device; not replaced");
    struct stat st;
    ASSERT_EQ(lstat("/dev/null", &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_TRUE(list_dir(dir).empty());  // the pair: proof.json not written either
    remove_dir(dir);
}

TEST(AtomicWrite, SymlinkDirectoryAndFifoTargetsAreRefusedAndKept) {
    const std::string dir = make_dir();
    write_files_atomically({{dir + "/real.json", "old"}});
    ASSERT_EQ(symlink((dir + "/real.json").c_str(), (dir + "/link.json").c_str()), 0);
    ASSERT_EQ(mkdir((dir + "/sub").c_str(), 0755), 0);
    ASSERT_EQ(mkfifo((dir + "/fifo").c_str(), 0644), 0);
    EXPECT_EQ(error_of({{dir + "/link.json", "new"}}), dir + "/link.json: exists and is a symlink; not replaced");
    EXPECT_EQ(error_of({{dir + "/a.json", "new"}, {dir + "/sub", "x"}}), dir + "/sub: exists and is a directory; not replaced");
    EXPECT_EQ(error_of({{dir + "/fifo", "x"}}), dir + "/fifo: exists and is a FIFO; not replaced");
    struct stat st;
    ASSERT_EQ(lstat((dir + "/link.json").c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    EXPECT_EQ(read_text_file(dir + "/real.json"), "old");
    ASSERT_EQ(lstat((dir + "/sub").c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    ASSERT_EQ(lstat((dir + "/fifo").c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
    EXPECT_EQ(list_dir(dir).size(), 4u);  // no a.json, no temporaries
    remove_dir(dir);
}

TEST(AtomicWrite, FailureOfTheSecondRenameLeavesNeither) {
    const std::string dir = make_dir();
    const std::string a = dir + "/proof.json", b = dir + "/public.json";
    // New files: neither appears.
    detail::fail_rename_for_test(1);
    EXPECT_THROW(write_files_atomically({{a, "proof"}, {b, "public"}}), Error);
    EXPECT_TRUE(list_dir(dir).empty());
    // Existing files: both keep their old contents (the first is put back).
    write_files_atomically({{a, "old proof"}, {b, "old public"}});
    detail::fail_rename_for_test(1);
    EXPECT_THROW(write_files_atomically({{a, "proof"}, {b, "public"}}), Error);
    EXPECT_EQ(read_text_file(a), "old proof");
    EXPECT_EQ(read_text_file(b), "old public");
    EXPECT_EQ(list_dir(dir).size(), 2u);
    // Only the first exists: it is restored, the second does not appear.
    unlink(b.c_str());
    detail::fail_rename_for_test(1);
    EXPECT_THROW(write_files_atomically({{a, "proof"}, {b, "public"}}), Error);
    EXPECT_EQ(read_text_file(a), "old proof");
    EXPECT_EQ(list_dir(dir).size(), 1u);
    // The hook is one-shot: the next write succeeds and replaces both.
    write_files_atomically({{a, "proof"}, {b, "public"}});
    EXPECT_EQ(read_text_file(a), "proof");
    EXPECT_EQ(read_text_file(b), "public");
    EXPECT_EQ(list_dir(dir).size(), 2u);
    remove_dir(dir);
}

TEST(AtomicWrite, SamePathTwiceIsRefused) {
    const std::string dir = make_dir();
    EXPECT_THROW(write_files_atomically({{dir + "/x.json", "1"}, {dir + "/x.json", "2"}}), Error);
    EXPECT_TRUE(list_dir(dir).empty());
    remove_dir(dir);
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
