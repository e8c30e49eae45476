// SPDX-License-Identifier: MIT OR Apache-2.0
// The input JSON reader of the witness runtime: what it accepts (as snarkjs does) and how it
// refuses the rest (one message naming the signal).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "runtime.hpp"

namespace {

using peregrine::witness::InputError;
using peregrine::witness::InputSignal;

// in (scalar), v[3], m[2][2], bus p {x, y} (as circom lists it: the whole bus and its fields).
std::vector<InputSignal> table() {
    return {
        {"in", 0, 1, {}},   {"v", 1, 3, {3}},    {"m", 4, 4, {2, 2}},
        {"p", 8, 2, {}},    {"p.x", 8, 1, {}},   {"p.y", 9, 1, {}},
    };
}
constexpr std::uint32_t kInputs = 10;

std::vector<std::string> read(const std::string& json) {
    std::vector<FrElement> out(kInputs);
    peregrine::witness::read_inputs(json, table(), kInputs, out.data());
    std::vector<std::string> r;
    for (auto& e : out) {
        char* s = Fr_element2str(&e);
        r.push_back(s);
        delete[] s;
    }
    return r;
}

std::string error(const std::string& json) {
    try {
        read(json);
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no error)";
}

const std::string kRest = R"("v": [1, 2, 3], "m": [[4, 5], [6, 7]], "p": {"x": 8, "y": 9})";
const std::string kMinusOne = "21888242871839275222246405745257275088548364400416034343698204186575808495616";

}  // namespace

TEST(WitnessInput, AcceptsWhatSnarkjsAccepts) {
    const std::vector<std::string> want = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    EXPECT_EQ(read(R"({"in": 0, )" + kRest + "}"), want);
    EXPECT_EQ(read(R"({"in": "0", "v": ["1", "0x2", "0b11"], "m": [4, 5, 6, "0o7"], "p.x": 8, "p.y": "9"})"), want);
    EXPECT_EQ(read(R"({"in": [0], "v": [1, 2, 3], "m": [[4, 5], [6, 7]], "p": [8, 9]})"), want);
    EXPECT_EQ(read(R"({"in": 1e0, )" + kRest + "}")[0], "1");
    EXPECT_EQ(read(R"({"in": -1, )" + kRest + "}")[0], kMinusOne);
    EXPECT_EQ(read(R"({"in": "-1", )" + kRest + "}")[0], kMinusOne);
    EXPECT_EQ(read(R"({"in": " 42 ", )" + kRest + "}")[0], "42");
    EXPECT_EQ(read(R"({"in": 9007199254740991, )" + kRest + "}")[0], "9007199254740991");
    // Values are taken mod p.
    EXPECT_EQ(read(R"({"in": "21888242871839275222246405745257275088548364400416034343698204186575808495618", )" +
                   kRest + "}")[0],
              "1");
    EXPECT_EQ(read(R"({"in": "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890", )" +
                   kRest + "}")[0],
              "11596837582515540652379546948428029972409817586460278257839986118775421777107");
}

TEST(WitnessInput, RefusesBadInput) {
    auto has = [](const std::string& msg, const std::string& part) {
        EXPECT_NE(msg.find(part), std::string::npos) << "message: " << msg << "\nexpected to contain: " << part;
    };
    has(error(R"({)" + kRest + "}"), "missing input signal 'in'");
    has(error(R"({"in": 1})"), "missing input signals: 'v', 'm', 'p.x', 'p.y'");
    has(error(R"({"in": 1, "out": 2, )" + kRest + "}"), "unknown input signal 'out'");
    has(error(R"({"in": 1, "in": 2, )" + kRest + "}"), "the key 'in' appears twice");
    has(error(R"({"in": 1, "p.x": 3, )" + kRest + "}"), "'p.x' is given twice");
    has(error(R"({"in": 1, "v": [1, 2], "m": [[4, 5], [6, 7]], "p": [8, 9]})"), "input signal 'v': expected 3 values");
    has(error(R"({"in": 1, "v": [1, 2, 3, 4], "m": [[4, 5], [6, 7]], "p": [8, 9]})"), "expected 3 values, got 4");
    has(error(R"({"in": 1, "v": [1, 2, 3], "m": [[4, 5], [6]], "p": [8, 9]})"), "input signal 'm[1]': expected 2 values");
    has(error(R"({"in": 1, "v": [1, 2, 3], "m": [[4, 5], 6, 7], "p": [8, 9]})"), "'m': expected 2 values");
    has(error(R"({"in": 1, "v": 5, "m": [[4, 5], [6, 7]], "p": [8, 9]})"), "'v' is an array of 3 values");
    has(error(R"({"in": [1, 2], )" + kRest + "}"), "input signal 'in': expected 1 value, got 2");
    has(error(R"({"in": "abc", )" + kRest + "}"), "input signal 'in': \"abc\" is not an integer");
    has(error(R"({"in": "12abc", )" + kRest + "}"), "\"12abc\" is not an integer");
    has(error(R"({"in": "1.5", )" + kRest + "}"), "\"1.5\" is not an integer");
    has(error(R"({"in": "", )" + kRest + "}"), "'in': an empty string is not a number");
    has(error(R"({"in": "-0x5", )" + kRest + "}"), "is not an integer");
    has(error(R"({"in": 1.5, )" + kRest + "}"), "input signal 'in': 1.5 is not an integer");
    has(error(R"({"in": true, )" + kRest + "}"), "input signal 'in': true is a boolean");
    has(error(R"({"in": null, )" + kRest + "}"), "input signal 'in': null is not a number");
    has(error(R"({"in": 1, "v": [1, false, 3], "m": [[4, 5], [6, 7]], "p": [8, 9]})"), "input signal 'v[1]': false is a boolean");
    has(error(R"({"in": 12345678901234567890123, )" + kRest + "}"), "too large to be read exactly");
    has(error(R"({"in": 9007199254740993, )" + kRest + "}"), "write it as a string: \"9007199254740993\"");
    has(error(R"({"in": -9007199254740993, )" + kRest + "}"), "too large");
    has(error(R"({"in": 1e400, )" + kRest + "}"), "not valid JSON");
    has(error(R"({"in": 1, )"), "input is not valid JSON");
    has(error(R"([1, 2])"), "input JSON must be an object");
    has(error(""), "input is not valid JSON");
    has(error(R"({"in": 1, "v": [1, 2, 3], "m": [[4, 5], [6, 7]], "p": {"x": 8, "z": 9}})"), "unknown input signal 'p.z'");
    has(error(R"({"in": {}, )" + kRest + "}"), "'in': an empty object has no values");
}

// Issue 15: ~120 KB of nested brackets used to overflow the stack (the DOM and the reader recurse
// once per level). Now one message, from a bound checked before parsing.
TEST(WitnessInput, RefusesDeepNesting) {
    const std::size_t n = 60000;
    const std::string arrays = R"({"in": )" + std::string(n, '[') + std::string(n, ']') + "}";
    std::string objects = R"({"in": )";
    for (std::size_t i = 0; i < n; ++i) objects += R"({"a":)";
    objects += "1" + std::string(n + 1, '}');
    EXPECT_EQ(error(arrays), "JSON nested deeper than 64 levels");
    EXPECT_EQ(error(objects), "JSON nested deeper than 64 levels");
    // 64 levels is still read (and refused for its shape, not its depth).
    const std::string at_limit = R"({"in": )" + std::string(63, '[') + "1" + std::string(63, ']') + "}";
    EXPECT_EQ(error(at_limit).find("nested deeper"), std::string::npos) << error(at_limit);
}
