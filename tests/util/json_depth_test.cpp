// SPDX-License-Identifier: MIT OR Apache-2.0
// The JSON nesting bound (util/json_depth.hpp) and the vk/proof/public readers that use it.
#include <gtest/gtest.h>

#include <string>

#include "formats/json.hpp"
#include "util/error.hpp"
#include "util/json_depth.hpp"

namespace {

using peregrine::json_depth_ok;

std::string nested(std::size_t levels, char open = '[', char close = ']') {
    return std::string(levels, open) + std::string(levels, close);
}

TEST(JsonDepth, CountsArraysAndObjects) {
    EXPECT_TRUE(json_depth_ok("", 0));
    EXPECT_TRUE(json_depth_ok("1", 0));
    EXPECT_FALSE(json_depth_ok("[]", 0));
    EXPECT_TRUE(json_depth_ok("[]", 1));
    EXPECT_TRUE(json_depth_ok(nested(64), 64));
    EXPECT_FALSE(json_depth_ok(nested(65), 64));
    EXPECT_TRUE(json_depth_ok(nested(64, '{', '}'), 64));
    EXPECT_FALSE(json_depth_ok(nested(65, '{', '}'), 64));
    // mixed, and siblings do not add up
    EXPECT_TRUE(json_depth_ok(R"({"a": [{"b": [1]}], "c": [[2]], "d": {"e": {}}})", 4));
    EXPECT_FALSE(json_depth_ok(R"({"a": [{"b": [1]}], "c": [[2]], "d": {"e": {}}})", 3));
    EXPECT_TRUE(json_depth_ok(nested(3) + nested(3) + nested(3), 3));
    // the default bound
    EXPECT_TRUE(json_depth_ok(nested(peregrine::kMaxJsonDepth)));
    EXPECT_FALSE(json_depth_ok(nested(peregrine::kMaxJsonDepth + 1)));
    EXPECT_FALSE(json_depth_ok(std::string(200000, '[')));  // unclosed: refused, no recursion
}

TEST(JsonDepth, IgnoresBracketsInStrings) {
    EXPECT_TRUE(json_depth_ok(R"(["[[[[", "{{{{"])", 1));
    EXPECT_TRUE(json_depth_ok(R"({"[[[[": "]]]]{{"})", 1));
    // escaped quotes and backslashes do not end the string
    EXPECT_TRUE(json_depth_ok(R"(["a\"[[[[", "\\"])", 1));
    EXPECT_TRUE(json_depth_ok(R"(["\\\"[[", 1])", 1));
    // ... but a backslash pair does not escape the closing quote
    EXPECT_FALSE(json_depth_ok(R"(["\\", [[1]]])", 2));
    EXPECT_TRUE(json_depth_ok(R"(["\\", [[1]]])", 3));
    // a string between levels
    EXPECT_FALSE(json_depth_ok(R"([["]"], [[["x"]]]])", 3));
    EXPECT_TRUE(json_depth_ok(R"([["]"], [[["x"]]]])", 4));
}

std::string error_of(void (*f)(const std::string&), const std::string& text) {
    try {
        f(text);
    } catch (const peregrine::Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(JsonDepth, FormatReadersRefuseDeepText) {
    const std::string deep = R"({"pi_a": )" + nested(60000) + "}";
    EXPECT_EQ(error_of([](const std::string& t) { (void)peregrine::proof_from_json(t, "p.json"); }, deep),
              "p.json: JSON nested deeper than 64 levels");
    EXPECT_EQ(error_of([](const std::string& t) { (void)peregrine::vk_from_json(t, "vk.json"); }, deep),
              "vk.json: JSON nested deeper than 64 levels");
    EXPECT_EQ(error_of([](const std::string& t) { (void)peregrine::public_from_json(t, "pub.json"); }, nested(65)),
              "pub.json: JSON nested deeper than 64 levels");
    // at the bound the reader gets the text and judges its shape
    const std::string msg =
        error_of([](const std::string& t) { (void)peregrine::public_from_json(t, "pub.json"); }, nested(64));
    EXPECT_EQ(msg.find("nested deeper"), std::string::npos) << msg;
    EXPECT_NE(msg.find("pub.json"), std::string::npos) << msg;
}

}  // namespace
