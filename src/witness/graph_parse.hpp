// SPDX-License-Identifier: MIT OR Apache-2.0
// The graph engine's reader of circom's generated <name>.cpp (`circom --c`): a tokenizer and
// parser for the small, regular C++ subset circom 2.2.x writes (function definitions, blocks,
// declarations, if/while/for, return, expressions with calls, member access, indexing, `new T[n]`,
// `std::cout << ...`). Names are resolved at parse time: locals to frame slots, the rest to
// global names (functions, ctx members, std::...). Anything else is a GraphError naming the line.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace peregrine::witness::graph {

// Unsupported or malformed generated code: the graph engine cannot take this circuit.
class GraphError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class EK : std::uint8_t {
    Num,      // num
    Str,      // str (string table index)
    Local,    // slot
    Global,   // name (name table index)
    Member,   // kids[0] . name  /  kids[0] -> name
    Index,    // kids[0] [ kids[1] ]
    Call,     // kids[0] ( kids[1..] )
    Unary,    // op kids[0]: '!', '-', '&', '*', '~'
    Binary,   // kids[0] op kids[1]
    Assign,   // kids[0] op= kids[1]  (op 0: plain '=')
    New,      // new T[kids[0]] { kids[1..] }
    PostInc,  // kids[0]++ (op '+') / kids[0]-- (op '-')
};

// Binary operator codes (single characters where possible).
enum BinOp : int {
    kOpAdd = '+', kOpSub = '-', kOpMul = '*', kOpDiv = '/', kOpMod = '%', kOpLt = '<', kOpGt = '>',
    kOpAnd = '&', kOpOr = '|', kOpXor = '^',
    kOpLe = 256, kOpGe, kOpEq, kOpNe, kOpLAnd, kOpLOr, kOpShl, kOpShr,
};

struct Expr {
    EK k;
    int op = 0;
    std::int64_t num = 0;
    int slot = -1;  // Local
    int name = -1;  // Global, Member
    int str = -1;   // Str
    int line = 0;
    std::vector<Expr*> kids;
};

enum class SK : std::uint8_t { Block, Decl, Expr, If, While, For, Return, Nop };

struct Stmt {
    SK k;
    int line = 0;         // line in the generated .cpp
    int circom_line = 0;  // the nearest "// line circom N" comment (0: none seen)
    Expr* e = nullptr;    // Expr, If/While/For condition, Return value, Decl initialiser
    Stmt* a = nullptr;    // If then, While/For body, For init
    Stmt* b = nullptr;    // If else
    Expr* step = nullptr; // For step
    std::vector<Stmt*> list;  // Block
    // Decl
    int slot = -1;
    bool fr = false;          // FrElement (not a pointer): an array of field elements when array_size
    Expr* array_size = nullptr;
    std::vector<Expr*> init_list;  // = {a, b, ...}
    bool has_init_list = false;
};

struct Function {
    std::string name;
    int n_params = 0;   // slots 0..n_params-1
    int n_slots = 0;
    Stmt* body = nullptr;
    int line = 0;
};

struct Unit {
    std::vector<std::string> names;    // global names
    std::unordered_map<std::string, int> name_map;
    std::vector<std::string> strings;  // string literals
    std::vector<Function> functions;
    std::unordered_map<std::string, int> function_index;
    std::unordered_map<std::string, std::vector<std::string>> tables;  // `T name[n] = { a, b };` (identifiers)
    // Arena.
    std::vector<std::unique_ptr<Expr[]>> expr_blocks;
    std::vector<std::unique_ptr<Stmt[]>> stmt_blocks;
    std::size_t expr_used = 0, stmt_used = 0;
    Expr* new_expr(EK k);
    Stmt* new_stmt(SK k);
    int name_id(const std::string& s);
};

// Parses circom's generated code; `file` names it in errors.
std::unique_ptr<Unit> parse_unit(const std::string& code, const std::string& file);

}  // namespace peregrine::witness::graph
