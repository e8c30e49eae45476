// SPDX-License-Identifier: MIT OR Apache-2.0
// `peregrine serve --store/--role` values: the Redis URL forms, and the refusals with a reason.
#include <gtest/gtest.h>

#include "server/jobs.hpp"
#include "server/redis_client.hpp"
#include "util/error.hpp"

using peregrine::server::check_store_option;
using peregrine::server::RedisUrl;

namespace {

RedisUrl ok(const std::string& s) {
    std::string why;
    auto u = RedisUrl::parse(s, &why);
    EXPECT_TRUE(u.has_value()) << s << ": " << why;
    return u.value_or(RedisUrl{});
}

std::string bad(const std::string& s) {
    std::string why;
    auto u = RedisUrl::parse(s, &why);
    EXPECT_FALSE(u.has_value()) << s;
    EXPECT_FALSE(why.empty()) << s;
    return why;
}

}  // namespace

TEST(RedisStoreUrl, Forms) {
    RedisUrl u = ok("redis://cache.internal:6380/3");
    EXPECT_EQ(u.host, "cache.internal");
    EXPECT_EQ(u.port, 6380);
    EXPECT_EQ(u.db, 3);
    EXPECT_TRUE(u.user.empty());
    EXPECT_TRUE(u.password.empty());

    u = ok("redis://10.0.0.5");
    EXPECT_EQ(u.host, "10.0.0.5");
    EXPECT_EQ(u.port, 6379);
    EXPECT_EQ(u.db, 0);

    u = ok("redis://prover:s3cr%40t:x@h:1/0");  // ':' after the first one belongs to the password
    EXPECT_EQ(u.user, "prover");
    EXPECT_EQ(u.password, "s3cr@t:x");
    EXPECT_EQ(u.host, "h");
    EXPECT_EQ(u.port, 1);
    EXPECT_EQ(u.display(), "redis://prover:***@h:1");  // the password never shows

    u = ok("redis://:onlypass@h:7000");
    EXPECT_TRUE(u.user.empty());
    EXPECT_EQ(u.password, "onlypass");

    u = ok("redis://[::1]:6390/1");
    EXPECT_EQ(u.host, "::1");
    EXPECT_EQ(u.port, 6390);
    EXPECT_EQ(u.display(), "redis://[::1]:6390/1");
    EXPECT_FALSE(u.tls);

    u = ok("rediss://:pw@cache.example:6380/2?ca=/etc/ca%20dir/ca.pem&cert=c.pem&key=k.pem");
    EXPECT_TRUE(u.tls);
    EXPECT_EQ(u.host, "cache.example");
    EXPECT_EQ(u.port, 6380);
    EXPECT_EQ(u.db, 2);
    EXPECT_EQ(u.password, "pw");
    EXPECT_EQ(u.ca, "/etc/ca dir/ca.pem");
    EXPECT_EQ(u.cert, "c.pem");
    EXPECT_EQ(u.key, "k.pem");
    EXPECT_EQ(u.display(), "rediss://:***@cache.example:6380/2");

    u = ok("rediss://10.0.0.5");  // the system CA store, no client certificate
    EXPECT_TRUE(u.tls);
    EXPECT_TRUE(u.ca.empty());
    EXPECT_EQ(u.port, 6379);
}

TEST(RedisStoreUrl, Refusals) {
    EXPECT_NE(bad("redis://h:6380?ca=x.pem").find("rediss://"), std::string::npos);
    EXPECT_NE(bad("rediss://h:6380?insecure=1").find("insecure"), std::string::npos);
    EXPECT_NE(bad("rediss://h:6380?cert=c.pem").find("key="), std::string::npos);
    EXPECT_NE(bad("rediss://h:6380?ca=").find("file"), std::string::npos);
    EXPECT_NE(bad("redis://h:65536").find("port"), std::string::npos);
    EXPECT_NE(bad("redis://h:abc").find("port"), std::string::npos);
    EXPECT_NE(bad("redis://h:1/x").find("database"), std::string::npos);
    EXPECT_NE(bad("redis://").find("host"), std::string::npos);
    EXPECT_NE(bad("redis://[::1:5").find("["), std::string::npos);
    bad("http://h:1");
}

TEST(RedisStoreUrl, StoreAndRoleOptions) {
    EXPECT_EQ(check_store_option("memory", "all"), "");
    EXPECT_EQ(check_store_option("redis://h:1", "api"), "");
    EXPECT_EQ(check_store_option("redis://h:1", "worker"), "");
    EXPECT_NE(check_store_option("memory", "worker").find("shared store"), std::string::npos);
    EXPECT_NE(check_store_option("memory", "proxy").find("--role"), std::string::npos);
    EXPECT_NE(check_store_option("postgres://h", "all").find("--store"), std::string::npos);
    EXPECT_EQ(check_store_option("rediss://h:1?ca=ca.pem", "all"), "");
    EXPECT_NE(check_store_option("rediss://h:1?ca", "all").find("ca="), std::string::npos);
}

TEST(RedisStoreUrl, TlsFilesCheckedAtStart) {
    // A CA file that cannot be loaded is a start-up error naming it (not a 503 later).
    try {
        peregrine::server::parse_store_url("rediss://h:1?ca=/nonexistent/ca.pem");
        ADD_FAILURE() << "no error";
    } catch (const peregrine::Error& e) {
        EXPECT_NE(std::string(e.what()).find("ca=/nonexistent/ca.pem"), std::string::npos) << e.what();
    }
}
