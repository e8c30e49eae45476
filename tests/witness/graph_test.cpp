// SPDX-License-Identifier: MIT OR Apache-2.0
// The graph engine (`circuit build --engine graph`) on hand-written inputs: the program file
// (round trip, every kind of corruption refused), the runner (guarded operations, select, assert
// messages), and the builder on small pieces of circom-shaped generated code (input-dependent
// branches become selects; an input-dependent loop is refused, naming where it is; malformed code
// is an error, not a crash). Real circuits are covered by e2e.sh against snarkjs.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "pg_witness.h"
#include "witness/graph_eval.hpp"
#include "witness/graph_program.hpp"

namespace {

using namespace peregrine::witness;
using namespace peregrine::witness::graph;

// Signals: 0 the constant 1, 1 out, 2 and 3 the inputs a and b; constant 0 in slot 4.
Program divide_program() {
    Program p;
    p.name = "div";
    p.n_signals = 4;
    p.input_start = 2;
    p.n_inputs = 2;
    p.inputs = {InputSignal{"a", 0, 1, {}}, InputSignal{"b", 1, 1, {}}};
    p.witness = {0, 1, 2, 3};
    p.constants = {{0, 0, 0, 0}};
    p.messages = {"Failed assert in template/function Div line 5. Followed trace of components: main"};
    p.n_slots = 7;
    p.code = {
        Instr{kNeq, 5, 3, 4, 0, kNoGuard},   // t = b != 0
        Instr{kDiv, 6, 2, 3, 0, 5},          // q = a / b, only when t
        Instr{kSelect, 1, 6, 4, 5, kNoGuard},  // out = t ? q : 0
        Instr{kNeq, 5, 2, 3, 0, kNoGuard},   // t = a != b
        Instr{kAssert, 0, 5, 0, 0, kNoGuard},
    };
    return p;
}

std::string value_of(const std::string& wtns, std::size_t i) {
    std::uint64_t limbs[4];
    std::memcpy(limbs, wtns.data() + wtns_header_size() + 32 * i, 32);
    FrElement e;
    fr_from_canonical(&e, limbs);
    char* s = Fr_element2str(&e);
    std::string r(s);
    delete[] s;
    return r;
}

int calc(const Program& p, const std::string& json, std::string& out, std::string& err) {
    std::uint8_t* w = nullptr;
    std::size_t n = 0;
    char e[512];
    const int rc = calculate(p, json.data(), json.size(), &w, &n, e, sizeof e);
    err = e;
    out.assign(reinterpret_cast<char*>(w), n);
    free_large(w);
    return rc;
}

TEST(GraphProgram, RunsGuardedDivisionSelectAndAssert) {
    const Program p = decode(encode(divide_program()), "div.graph");
    std::string w, err;
    ASSERT_EQ(calc(p, R"({"a": 6, "b": 3})", w, err), PG_WITNESS_OK) << err;
    EXPECT_EQ(value_of(w, 1), "2");
    ASSERT_EQ(calc(p, R"({"a": 6, "b": 0})", w, err), PG_WITNESS_OK) << err;  // the division is not run
    EXPECT_EQ(value_of(w, 1), "0");
    EXPECT_EQ(calc(p, R"({"a": 4, "b": 4})", w, err), PG_WITNESS_CIRCUIT_ERROR);
    EXPECT_EQ(err, "circuit div: assert or constraint failed: template Div, line 5, component main");
    EXPECT_EQ(calc(p, R"({"a": 4})", w, err), PG_WITNESS_BAD_INPUT);
    EXPECT_NE(err.find("'b'"), std::string::npos) << err;
}

TEST(GraphProgram, IndexedLoadIsAffineAndBoundsChecked) {
    Program p = divide_program();
    // out = signals[3 - a] (a negative scale): any signal can be read; an index outside them is an error.
    p.code = {Instr{kLoad, 1, 2, 3, (std::uint32_t)-1, kNoGuard}};
    p.messages.clear();
    p = decode(encode(p), "load.graph");
    std::string w, err;
    ASSERT_EQ(calc(p, R"({"a": 0, "b": 9})", w, err), PG_WITNESS_OK) << err;
    EXPECT_EQ(value_of(w, 1), "9");
    ASSERT_EQ(calc(p, R"({"a": 3, "b": 9})", w, err), PG_WITNESS_OK) << err;
    EXPECT_EQ(value_of(w, 1), "1");  // signal 0
    EXPECT_EQ(calc(p, R"({"a": 4, "b": 9})", w, err), PG_WITNESS_CIRCUIT_ERROR);
    EXPECT_EQ(calc(p, R"({"a": -1, "b": 9})", w, err), PG_WITNESS_CIRCUIT_ERROR);
    EXPECT_NE(err.find("signal index out of range"), std::string::npos) << err;
}

TEST(GraphProgram, RefusesCorruptFiles) {
    const std::string good = encode(divide_program());
    EXPECT_NO_THROW(decode(good, "x"));
    for (std::size_t n = 0; n < good.size(); n += 7) EXPECT_THROW(decode(good.substr(0, n), "x"), std::runtime_error) << n;
    EXPECT_THROW(decode(good + "x", "x"), std::runtime_error);
    Program p = divide_program();
    p.code[0].a = 99;  // slot out of range
    EXPECT_THROW(decode(encode(p), "x"), std::runtime_error);
    p = divide_program();
    p.code[0].dst = 2;  // an input
    EXPECT_THROW(decode(encode(p), "x"), std::runtime_error);
    p = divide_program();
    p.code[4].c = 3;  // no such message
    EXPECT_THROW(decode(encode(p), "x"), std::runtime_error);
    p = divide_program();
    p.code[0].op = 999;
    EXPECT_THROW(decode(encode(p), "x"), std::runtime_error);
    std::string bad = good;
    bad[8] = 9;  // version
    EXPECT_THROW(decode(bad, "x"), std::runtime_error);
}

// circom-shaped generated code: signals 0 (one), 1 (out), 2 (in); constants 0 and 1.
const char* kSizes =
    "uint get_main_input_signal_start() {return 2;}\n"
    "uint get_main_input_signal_no() {return 1;}\n"
    "uint get_total_signal_no() {return 3;}\n"
    "uint get_number_of_components() {return 1;}\n"
    "uint get_size_of_input_hashmap() {return 0;}\n"
    "uint get_size_of_witness() {return 3;}\n"
    "uint get_size_of_constants() {return 2;}\n"
    "uint get_size_of_io_map() {return 0;}\n"
    "uint get_size_of_bus_field_map() {return 0;}\n";

std::string dat() {
    std::string d;
    for (std::uint64_t s : {0, 1, 2}) d.append(reinterpret_cast<const char*>(&s), 8);
    for (int v : {0, 1}) {
        FrElement e{};
        e.shortVal = v;
        d.append(reinterpret_cast<const char*>(&e), sizeof e);
    }
    return d;
}

std::string circuit(const std::string& body) {
    return std::string("#include \"circom.hpp\"\n") + kSizes +
           "void T_0_run(uint ctx_index,Circom_CalcWit* ctx){\n"
           "FrElement* circuitConstants = ctx->circuitConstants;\n"
           "FrElement* signalValues = ctx->signalValues;\n"
           "FrElement expaux[2];\n" +
           body +
           "}\n"
           "void run(Circom_CalcWit* ctx){\nT_0_run(0,ctx);\n}\n";
}

Program build(const std::string& body) {
    return build_program(circuit(body), "t.cpp", dat(), "t", {InputSignal{"in", 0, 1, {}}});
}

TEST(GraphBuild, InputDependentIfBecomesASelect) {
    // IsZero's `in != 0 ? 1/in : 0`.
    const Program p = build(
        "Fr_neq(&expaux[0],&signalValues[2],&circuitConstants[0]); // line circom 30\n"
        "if(Fr_isTrue(&expaux[0])){\n{\nPFrElement aux_dest = &signalValues[1];\n"
        "Fr_div(&expaux[1],&circuitConstants[1],&signalValues[2]);\nFr_copy(aux_dest,&expaux[1]);\n}\n"
        "}else{\n{\nPFrElement aux_dest = &signalValues[1];\nFr_copy(aux_dest,&circuitConstants[0]);\n}\n}\n");
    std::string w, err;
    ASSERT_EQ(calc(p, R"({"in": 0})", w, err), PG_WITNESS_OK) << err;
    EXPECT_EQ(value_of(w, 1), "0");
    ASSERT_EQ(calc(p, R"({"in": 2})", w, err), PG_WITNESS_OK) << err;
    FrElement two{}, inv;
    two.shortVal = 2;
    Fr_inv(&inv, &two);
    char* s = Fr_element2str(&inv);
    EXPECT_EQ(value_of(w, 1), s);
    delete[] s;
}

TEST(GraphBuild, ConstantLoopsAreFolded) {
    // for (i = 0; i < 10; i++) out = out + in  ->  ten additions, no loop left.
    const Program p = build(
        "FrElement lvar[1];\nFr_copy(&lvar[0],&circuitConstants[0]);\n"
        "for (uint i = 0; i < 10; i++){\nFr_add(&expaux[0],&lvar[0],&signalValues[2]);\nFr_copy(&lvar[0],&expaux[0]);\n}\n"
        "Fr_copy(&signalValues[1],&lvar[0]);\n");
    EXPECT_EQ(p.code.size(), 10u);
    std::string w, err;
    ASSERT_EQ(calc(p, R"({"in": 7})", w, err), PG_WITNESS_OK) << err;
    EXPECT_EQ(value_of(w, 1), "70");
}

TEST(GraphBuild, InputDependentLoopIsRefusedWithItsLocation) {
    try {
        build("Fr_lt(&expaux[0],&circuitConstants[0],&signalValues[2]); // line circom 7\n"
              "while(Fr_isTrue(&expaux[0])){\nFr_sub(&expaux[0],&expaux[0],&circuitConstants[1]); // line circom 8\n}\n");
        FAIL() << "no error";
    } catch (const GraphError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("loop whose condition depends on an input signal"), std::string::npos) << m;
        EXPECT_NE(m.find("t.cpp:"), std::string::npos) << m;
        EXPECT_NE(m.find("T_0_run"), std::string::npos) << m;
        EXPECT_NE(m.find("circom line 7"), std::string::npos) << m;
    }
}

TEST(GraphBuild, MalformedCodeIsAnError) {
    for (const char* body : {"Fr_add(&expaux[0],;\n", "x = = 1;\n", "Fr_add(&expaux[9],&expaux[0],&expaux[1]);\n",
                             "Fr_add(&expaux[0],&expaux[0]);\n", "nosuchfunction(1);\n", "while(1){\n",
                             "\"unterminated\n", "Fr_copy(&signalValues[1],&circuitConstants[7]);\n",
                             "Fr_div(&expaux[0],&circuitConstants[1],&circuitConstants[0]);\n"})
        EXPECT_THROW(build(body), GraphError) << body;
    EXPECT_THROW(build_program("uint x(", "t.cpp", dat(), "t", {}), GraphError);
    EXPECT_THROW(build_program(circuit(""), "t.cpp", dat().substr(0, 20), "t", {}), GraphError);  // truncated .dat
}

}  // namespace
