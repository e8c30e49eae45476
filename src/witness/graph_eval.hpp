// SPDX-License-Identifier: MIT OR Apache-2.0
// The graph engine's builder: interprets circom's generated C++ once, with symbolic field values
// (graph_eval.cpp: statements and expressions; graph_lower.cpp: field operations, constant folding,
// input-dependent branches, and the lowering of the node list to a Program).
//
// Every field value is an id: a constant (folded with the runtime's Fr_* functions, so with the
// semantics of the native engine) or a node (an operation on input-dependent values, in program
// order). Integers (loop counters, indices, component bookkeeping) are plain integers; an integer
// that depends on an input (Fr_toInt of a node) may only index a signal (a load node). Anything the
// graph cannot express (a loop or a component run under an input-dependent condition, ...) is a
// GraphError naming the construct and where it is.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph_parse.hpp"
#include "graph_program.hpp"

namespace peregrine::witness::graph {

// Builds the program of a circuit from its generated code, .dat and main inputs (named as for the
// native engine). Throws GraphError when the circuit is outside what the graph engine supports.
Program build_program(const std::string& code, const std::string& file, const std::string& dat,
                      const std::string& name, const std::vector<InputSignal>& inputs);

namespace detail {

constexpr std::uint32_t kNodeBit = 0x80000000u;
constexpr std::uint32_t kNone = 0xFFFFFFFFu;
constexpr std::uint32_t kHeapBit = 0x80000000u;
// Pseudo operations of the node list (beyond graph::Op).
constexpr std::uint32_t kInputNode = 1000;  // a main input: lives in its signal's slot
constexpr std::uint32_t kSigSet = 1001;     // signal b := value a (program point of the write)

struct Node {
    std::uint32_t op, a, b, c, guard;
};

enum VK : std::uint8_t {
    VInt, VStr, VFr, VFrDyn, VIntArr, VCtx, VFunc, VSymInt, VSymBool, VStream, VComps, VComp, VIOInfo, VIOPair,
    VIODefs, VIODef, VNull
};

// An interpreter value. VFr: reg/i = region/offset; VFrDyn: signal base i + j * toInt(id reg);
// VSymInt: j + i * toInt(id reg); VSymBool: isTrue(id reg), negated when j; VIntArr: reg/i;
// VComp: component i; VIO*: reg 0 templates / 1 buses, i template, j def.
struct Val {
    VK k = VInt;
    std::uint32_t reg = 0;
    std::int64_t i = 0, j = 0;
};

inline Val int_val(std::int64_t v) { return Val{VInt, 0, v, 0}; }

struct IODef {
    std::uint32_t offset = 0, len = 0, size = 0, bus = 0, lengths = 0;  // lengths: offset in the IO words region
};

struct Component {
    std::vector<std::pair<int, Val>> fields;
};

class Builder {
public:
    Builder(const Unit& u, std::string file) : u_(u), file_(std::move(file)) {}
    Program build(const std::string& dat, const std::string& name, const std::vector<InputSignal>& inputs);

    // graph_eval.cpp
    enum class Flow { Normal, Return };
    Flow exec(const Stmt* s);
    Val eval(const Expr* e);
    Val call_function(int fi, const std::vector<Val>& args);
    [[noreturn]] void fail(const std::string& what) const;

    // graph_lower.cpp
    std::uint32_t intern(const FrElement& v);
    std::uint32_t op2(std::uint32_t op, std::uint32_t a, std::uint32_t b);
    std::uint32_t op1(std::uint32_t op, std::uint32_t a);
    std::uint32_t push_node(Node n);
    std::uint32_t read_fr(const Val& p);
    void write_fr(const Val& p, std::uint32_t id);
    void set_fr(std::uint32_t reg, std::uint32_t off, std::uint32_t id);
    void assert_node(std::uint32_t cond, const std::string& message);
    Flow exec_symbolic_if(std::uint32_t cond, bool negated, const Stmt* then_s, const Stmt* else_s);
    bool is_const(std::uint32_t id) const { return !(id & kNodeBit); }

    const Unit& u_;
    std::string file_;
    std::vector<FrElement> consts_;
    struct KeyHash {
        std::size_t operator()(const std::array<std::uint64_t, 4>& k) const {
            return (std::size_t)((k[0] * 0x9E3779B97F4A7C15ull) ^ (k[1] + (k[2] << 7) + (k[3] >> 3)));
        }
    };
    std::unordered_map<std::array<std::uint64_t, 4>, std::uint32_t, KeyHash> const_index_;  // canonical value -> id
    std::vector<Node> nodes_;
    std::vector<std::vector<std::uint32_t>> fr_;  // regions: 0 signals, 1 constants, then frames
    std::size_t fr_top_ = 2;
    std::vector<std::vector<std::int64_t>> int_stack_, int_heap_;
    std::size_t int_top_ = 0;
    std::vector<Val> vstack_;
    std::size_t frame_ = 0;  // base of the current frame in vstack_
    std::vector<std::string> strs_;
    std::vector<Component> comps_;
    std::vector<std::vector<IODef>> io_[2];
    Val ret_;
    std::vector<std::string> messages_;
    std::unordered_map<std::string, std::uint32_t> message_index_;
    // Per name (graph_eval.cpp: init_names): what it stands for, so that no string is compared while running.
    struct NameInfo {
        int builtin = -1;          // a builtin function, or -1
        std::uint32_t frop = 0;    // the operation of a Fr_* builtin
        int fn = -1;               // a function defined in the unit, or -1
        int member = -1;           // a known member name (ctx->..., .defs, .offset, ...), or -1
        int table = -1;            // a table of functions (_functionTable): index in tables_, or -1
    };
    std::vector<NameInfo> names_;
    std::vector<std::vector<int>> tables_;  // function indices (-1: not a function)
    int name_component_name_ = -2, name_id_father_ = -2;
    void init_names();
    // Input-dependent branches.
    struct FrJ {
        std::uint32_t reg, off, old;
    };
    struct IntJ {
        std::size_t idx;
        Val old;
    };
    std::vector<FrJ> fr_journal_;
    std::vector<IntJ> int_journal_;
    int depth_ = 0;              // nesting of input-dependent branches
    std::size_t fr_floor_ = 0;   // regions allocated at the innermost branch's start (not journaled above)
    std::size_t v_floor_ = 0;    // vstack_ size at the innermost branch's start
    std::uint32_t guard_ = kNone;
    // Where we are, for errors.
    const Stmt* stmt_ = nullptr;
    int fn_ = -1;
    std::uint64_t steps_ = 0;
};

}  // namespace detail
}  // namespace peregrine::witness::graph
