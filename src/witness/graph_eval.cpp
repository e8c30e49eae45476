// SPDX-License-Identifier: MIT OR Apache-2.0
// The graph engine's interpreter of circom's generated C++: statements and expressions (see
// graph_eval.hpp). Field operations go to graph_lower.cpp.
#include <cstring>

#include "graph_eval.hpp"

namespace peregrine::witness::graph::detail {

namespace {

enum Builtin : int {
    BNone = -1, BFrBin, BFrUn, BCopy, BCopyN, BIsTrue, BToInt, BToNormal, BAssert, BMin, BMax, BCout, BEndl,
    BRelease, BCtx, BElement2Str, BFrFail,
};

struct FrFn {
    const char* name;
    std::uint32_t op;
    bool unary;
};
const FrFn kFrFns[] = {
    {"Fr_add", kAdd, false},   {"Fr_sub", kSub, false},   {"Fr_mul", kMul, false},   {"Fr_div", kDiv, false},
    {"Fr_idiv", kIdiv, false}, {"Fr_mod", kMod, false},   {"Fr_pow", kPow, false},   {"Fr_shl", kShl, false},
    {"Fr_shr", kShr, false},   {"Fr_band", kBand, false}, {"Fr_bor", kBor, false},   {"Fr_bxor", kBxor, false},
    {"Fr_eq", kEq, false},     {"Fr_neq", kNeq, false},   {"Fr_lt", kLt, false},     {"Fr_gt", kGt, false},
    {"Fr_leq", kLeq, false},   {"Fr_geq", kGeq, false},   {"Fr_land", kLand, false}, {"Fr_lor", kLor, false},
    {"Fr_neg", kNeg, true},    {"Fr_square", kSquare, true}, {"Fr_inv", kInv, true}, {"Fr_bnot", kBnot, true},
    {"Fr_lnot", kLnot, true},
};

enum Member : int {
    MSignalValues, MCircuitConstants, MComponentMemory, MTemplateIO, MBusIO, MTemplateMessages, MDefs, MLen, MOffset,
    MSize, MBusId, MLengths, MGetTrace, MGenPos,
};

std::string vk_name(VK k) {
    static const char* n[] = {"integer", "string", "field element", "indexed signal", "integer array", "ctx",
                              "function", "input-dependent integer", "input-dependent condition", "stream",
                              "component memory", "component", "IO map", "IO entry", "IO fields", "IO field", "null"};
    return n[k];
}

}  // namespace

void Builder::fail(const std::string& what) const {
    std::string where = file_;
    if (stmt_) where += ":" + std::to_string(stmt_->line);
    if (fn_ >= 0) where += " (in " + u_.functions[fn_].name;
    if (stmt_ && stmt_->circom_line) where += std::string(fn_ >= 0 ? ", " : " (") + "circom line " + std::to_string(stmt_->circom_line);
    if (fn_ >= 0 || (stmt_ && stmt_->circom_line)) where += ")";
    throw GraphError(where + ": " + what);
}

Val Builder::call_function(int fi, const std::vector<Val>& args) {
    const Function& f = u_.functions[fi];
    if ((int)args.size() != f.n_params)
        fail("call of " + f.name + " with " + std::to_string(args.size()) + " arguments, expected " + std::to_string(f.n_params));
    if (depth_ > 0 && f.name.size() > 4 &&
        (f.name.compare(f.name.size() - 4, 4, "_run") == 0 || f.name.compare(f.name.size() - 7, 7, "_create") == 0))
        fail("a component is created or run under an input-dependent condition (" + f.name + ")");
    const std::size_t saved_frame = frame_, saved_fr = fr_top_, saved_int = int_top_;
    const Stmt* saved_stmt = stmt_;
    const int saved_fn = fn_;
    frame_ = vstack_.size();
    vstack_.resize(frame_ + f.n_slots);
    for (std::size_t i = 0; i < args.size(); ++i) vstack_[frame_ + i] = args[i];
    fn_ = fi;
    ret_ = Val{};
    const Flow fl = exec(f.body);
    (void)fl;
    const Val r = ret_;
    vstack_.resize(frame_);
    frame_ = saved_frame;
    fr_top_ = saved_fr;
    int_top_ = saved_int;
    stmt_ = saved_stmt;
    fn_ = saved_fn;
    return r;
}

Builder::Flow Builder::exec(const Stmt* s) {
    stmt_ = s;
    switch (s->k) {
        case SK::Nop: return Flow::Normal;
        case SK::Block: {
            // Arrays declared in the block live until its end.
            const std::size_t fr_top = fr_top_, int_top = int_top_;
            for (const Stmt* c : s->list)
                if (exec(c) == Flow::Return) return Flow::Return;
            fr_top_ = fr_top;
            int_top_ = int_top;
            return Flow::Normal;
        }
        case SK::Expr: eval(s->e); return Flow::Normal;
        case SK::Return:
            if (depth_ > 0) fail("return under an input-dependent condition");
            ret_ = s->e ? eval(s->e) : Val{};
            return Flow::Return;
        case SK::Decl: {
            Val v;
            if (s->array_size) {
                const Val n = eval(s->array_size);
                if (n.k != VInt || n.i < 0 || n.i > (1 << 28)) fail("bad array size");
                if (s->fr) {
                    if (fr_top_ == fr_.size()) fr_.emplace_back();
                    auto& r = fr_[fr_top_];
                    r.assign((std::size_t)n.i, 0);
                    v = Val{VFr, (std::uint32_t)fr_top_++, 0, 0};
                } else {
                    if (int_top_ == int_stack_.size()) int_stack_.emplace_back();
                    auto& r = int_stack_[int_top_];
                    r.assign((std::size_t)n.i, 0);
                    for (std::size_t k = 0; k < s->init_list.size() && k < r.size(); ++k) {
                        const Val x = eval(s->init_list[k]);
                        if (x.k != VInt) fail("non-integer array initialiser");
                        r[k] = x.i;
                    }
                    v = Val{VIntArr, (std::uint32_t)int_top_++, 0, 0};
                }
            } else if (s->fr) {
                fail("a FrElement variable that is not an array is not supported");
            } else if (s->e) {
                v = eval(s->e);
            }
            stmt_ = s;
            vstack_[frame_ + s->slot] = v;
            return Flow::Normal;
        }
        case SK::If: {
            // circom's assert: `if (!Fr_isTrue(x)) std::cout << "Failed assert ..." ...;` then `assert(Fr_isTrue(x));`
            const Expr* c = s->e;
            if (!s->b && s->a->k == SK::Expr && c->k == EK::Unary && c->op == '!' && c->kids[0]->k == EK::Call) {
                const Expr* call = c->kids[0];
                const Expr* out = s->a->e;
                while (out->k == EK::Binary && out->op == kOpShl) out = out->kids[0];
                if (call->kids[0]->k == EK::Global && names_[call->kids[0]->name].builtin == BIsTrue &&
                    out->k == EK::Global && names_[out->name].builtin == BCout && call->kids.size() == 2) {
                    const std::uint32_t id = read_fr(eval(call->kids[1]));
                    if (is_const(id)) {
                        FrElement x = consts_[id];
                        if (Fr_isTrue(&x)) return Flow::Normal;
                    }
                    const Val m = eval(s->a->e);
                    stmt_ = s;
                    assert_node(id, m.k == VStr ? strs_[m.i] : "assert failed");
                    return Flow::Normal;
                }
            }
            const Val v = eval(c);
            stmt_ = s;
            if (v.k == VSymBool) return exec_symbolic_if(v.reg, v.j != 0, s->a, s->b);
            bool t;
            if (v.k == VInt) t = v.i != 0;
            else if (v.k == VNull) t = false;
            else if (v.k == VIntArr || v.k == VFr) t = true;
            else fail("unsupported condition (" + vk_name(v.k) + ")");
            if (t) return exec(s->a);
            if (s->b) return exec(s->b);
            return Flow::Normal;
        }
        case SK::While:
        case SK::For: {
            if (s->k == SK::For && exec(s->b) == Flow::Return) return Flow::Return;
            for (;;) {
                if (s->e) {
                    const Val v = eval(s->e);
                    stmt_ = s;
                    if (v.k == VSymBool) fail("a loop whose condition depends on an input signal");
                    if (v.k != VInt) fail("unsupported loop condition (" + vk_name(v.k) + ")");
                    if (!v.i) break;
                }
                if (exec(s->a) == Flow::Return) return Flow::Return;
                if (s->step) eval(s->step);
                if (++steps_ > (1ull << 34)) fail("the circuit's code runs for too long");
            }
            return Flow::Normal;
        }
    }
    return Flow::Normal;
}

namespace {

std::int64_t int_binary(int op, std::int64_t a, std::int64_t b, bool& ok) {
    ok = true;
    switch (op) {
        case kOpAdd: return a + b;
        case kOpSub: return a - b;
        case kOpMul: return a * b;
        case kOpDiv: if (!b) { ok = false; return 0; } return a / b;
        case kOpMod: if (!b) { ok = false; return 0; } return a % b;
        case kOpLt: return a < b;
        case kOpGt: return a > b;
        case kOpLe: return a <= b;
        case kOpGe: return a >= b;
        case kOpEq: return a == b;
        case kOpNe: return a != b;
        case kOpLAnd: return a && b;
        case kOpLOr: return a || b;
        case kOpAnd: return a & b;
        case kOpOr: return a | b;
        case kOpXor: return a ^ b;
        case kOpShl: return b >= 0 && b < 63 ? (std::int64_t)((std::uint64_t)a << b) : 0;
        case kOpShr: return b >= 0 && b < 63 ? a >> b : 0;
    }
    ok = false;
    return 0;
}

std::string to_text(const Val& v, const std::vector<std::string>& strs) {
    if (v.k == VStr) return strs[v.i];
    if (v.k == VInt) return std::to_string(v.i);
    return "";
}

}  // namespace

Val Builder::eval(const Expr* e) {
    switch (e->k) {
        case EK::Num: return int_val(e->num);
        case EK::Str: return Val{VStr, 0, e->str, 0};
        case EK::Local: return vstack_[frame_ + e->slot];
        case EK::Global: {
            const NameInfo& ni = names_[e->name];
            if (ni.builtin == BCout) return Val{VStream};
            if (ni.builtin == BEndl) return Val{VStr, 0, 0, 1};  // j=1: the empty string marker
            if (ni.fn >= 0) return Val{VFunc, 0, ni.fn, 0};
            fail("unknown name " + u_.names[e->name]);
        }
        case EK::Member: {
            const Val b = eval(e->kids[0]);
            const int m = names_[e->name].member;
            if (b.k == VCtx) {
                if (m == MSignalValues) return Val{VFr, 0, 0, 0};
                if (m == MCircuitConstants) return Val{VFr, 1, 0, 0};
                if (m == MComponentMemory) return Val{VComps};
                if (m == MTemplateIO) return Val{VIOInfo, 0};
                if (m == MBusIO) return Val{VIOInfo, 1};
                if (m == MTemplateMessages) return Val{VNull};
                fail("unsupported use of ctx->" + u_.names[e->name]);
            }
            if (b.k == VComp) {
                for (const auto& [name, v] : comps_[b.i].fields)
                    if (name == e->name) return v;
                return Val{VNull};
            }
            if (b.k == VIOPair && m == MDefs) return Val{VIODefs, b.reg, b.i, 0};
            if (b.k == VIOPair && m == MLen) return int_val((std::int64_t)io_[b.reg][b.i].size());
            if (b.k == VIODef) {
                const IODef& d = io_[b.reg][b.i][b.j];
                if (m == MOffset) return int_val(d.offset);
                if (m == MLen) return int_val(d.len);
                if (m == MSize) return int_val(d.size);
                if (m == MBusId) return int_val(d.bus);
                if (m == MLengths) return Val{VIntArr, kHeapBit | 0u, d.lengths, 0};
            }
            fail("unsupported member ." + u_.names[e->name] + " of a " + vk_name(b.k));
        }
        case EK::Index: {
            if (e->kids[0]->k == EK::Global && names_[e->kids[0]->name].table >= 0) {  // _functionTable[i]
                const Val x = eval(e->kids[1]);
                if (x.k != VInt) fail("index is a " + vk_name(x.k));
                const auto& t = tables_[names_[e->kids[0]->name].table];
                if (x.i < 0 || x.i >= (std::int64_t)t.size()) fail("table index out of range");
                if (t[x.i] < 0) fail("a table entry is not a function");
                return Val{VFunc, 0, t[x.i], 0};
            }
            const Val b = eval(e->kids[0]);
            Val x = eval(e->kids[1]);
            if (b.k == VFr) {
                if (x.k == VInt) return Val{VFr, b.reg, b.i + x.i, 0};
                if (x.k == VSymInt) {
                    if (b.reg != 0) fail("an index into a variable array depends on an input signal");
                    return Val{VFrDyn, x.reg, b.i + x.j, x.i};
                }
                fail("unsupported index (" + vk_name(x.k) + ")");
            }
            if (x.k != VInt) fail("index is a " + vk_name(x.k));
            if (b.k == VIntArr) {
                auto& r = (b.reg & kHeapBit) ? int_heap_[b.reg & ~kHeapBit] : int_stack_[b.reg];
                const std::int64_t k = b.i + x.i;
                if (k < 0 || k >= (std::int64_t)r.size()) fail("index out of range");
                return int_val(r[k]);
            }
            if (b.k == VComps) {
                if (x.i < 0 || x.i >= (std::int64_t)comps_.size()) fail("component index out of range");
                return Val{VComp, 0, x.i, 0};
            }
            if (b.k == VIOInfo) {
                if (x.i < 0 || x.i >= (std::int64_t)io_[b.reg].size()) fail("IO map index out of range");
                return Val{VIOPair, b.reg, x.i, 0};
            }
            if (b.k == VIODefs) {
                if (x.i < 0 || x.i >= (std::int64_t)io_[b.reg][b.i].size()) fail("IO field index out of range");
                return Val{VIODef, b.reg, b.i, x.i};
            }
            fail("unsupported indexing of a " + vk_name(b.k));
        }
        case EK::Unary: {
            const Val v = eval(e->kids[0]);
            switch (e->op) {
                case '&':
                    if (v.k == VFr || v.k == VFrDyn || v.k == VIODef || v.k == VIOPair || v.k == VComp) return v;
                    break;
                case '*':
                    if (v.k == VFunc || v.k == VFr) return v;
                    break;
                case '!':
                    if (v.k == VInt) return int_val(!v.i);
                    if (v.k == VNull) return int_val(1);
                    if (v.k == VIntArr) return int_val(0);
                    if (v.k == VSymBool) return Val{VSymBool, v.reg, 0, !v.j};
                    break;
                case '-':
                    if (v.k == VInt) return int_val(-v.i);
                    break;
                case '~':
                    if (v.k == VInt) return int_val(~v.i);
                    break;
            }
            fail(std::string("unsupported operator ") + (char)e->op + " on a " + vk_name(v.k));
        }
        case EK::Binary: {
            const Val a = eval(e->kids[0]);
            if (e->op == kOpShl && (a.k == VStream || a.k == VStr)) {
                const Val b = eval(e->kids[1]);
                if (b.k == VStream) fail("unsupported stream expression");
                if (b.k == VStr && b.j == 1) {  // std::endl
                    if (a.k == VStr) return a;
                    strs_.emplace_back();
                    return Val{VStr, 0, (std::int64_t)strs_.size() - 1, 0};
                }
                std::string s = (a.k == VStr ? strs_[a.i] : std::string()) + to_text(b, strs_);
                strs_.push_back(std::move(s));
                return Val{VStr, 0, (std::int64_t)strs_.size() - 1, 0};
            }
            if (e->op == kOpLAnd || e->op == kOpLOr) {  // short-circuit
                if (a.k != VInt) fail("unsupported operand of && / || (" + vk_name(a.k) + ")");
                if (e->op == kOpLAnd && !a.i) return int_val(0);
                if (e->op == kOpLOr && a.i) return int_val(1);
                const Val b = eval(e->kids[1]);
                if (b.k != VInt) fail("unsupported operand of && / || (" + vk_name(b.k) + ")");
                return int_val(b.i != 0);
            }
            const Val b = eval(e->kids[1]);
            if (a.k == VInt && b.k == VInt) {
                bool ok;
                const std::int64_t r = int_binary(e->op, a.i, b.i, ok);
                if (!ok) fail("unsupported integer operation (or division by zero)");
                return int_val(r);
            }
            if (e->op == kOpAdd && a.k == VStr && b.k == VStr) {
                strs_.push_back(strs_[a.i] + strs_[b.i]);
                return Val{VStr, 0, (std::int64_t)strs_.size() - 1, 0};
            }
            // Input-dependent integers: affine forms j + i * toInt(x) only.
            if (a.k == VSymInt && b.k == VInt) {
                if (e->op == kOpAdd) return Val{VSymInt, a.reg, a.i, a.j + b.i};
                if (e->op == kOpSub) return Val{VSymInt, a.reg, a.i, a.j - b.i};
                if (e->op == kOpMul) return Val{VSymInt, a.reg, a.i * b.i, a.j * b.i};
            }
            if (a.k == VInt && b.k == VSymInt) {
                if (e->op == kOpAdd) return Val{VSymInt, b.reg, b.i, b.j + a.i};
                if (e->op == kOpMul) return Val{VSymInt, b.reg, b.i * a.i, b.j * a.i};
            }
            if ((a.k == VFr || a.k == VIntArr) && b.k == VInt && (e->op == kOpAdd || e->op == kOpSub))
                return Val{a.k, a.reg, e->op == kOpAdd ? a.i + b.i : a.i - b.i, 0};
            if (a.k == VSymInt || b.k == VSymInt)
                fail("an integer computed from an input signal is used in an unsupported way (not a signal index)");
            fail("unsupported operands (" + vk_name(a.k) + ", " + vk_name(b.k) + ")");
        }
        case EK::Assign:
        case EK::PostInc: {
            const Expr* t = e->kids[0];
            Val nv;
            Val old;
            if (e->k == EK::Assign && e->op == 0) {
                nv = eval(e->kids[1]);
            } else {
                old = eval(t);
                const Val r = e->k == EK::PostInc ? int_val(1) : eval(e->kids[1]);
                if (old.k != VInt || r.k != VInt) fail("unsupported compound assignment");
                bool ok;
                nv = int_val(int_binary(e->k == EK::PostInc ? e->op : e->op, old.i, r.i, ok));
                if (!ok) fail("unsupported compound assignment");
            }
            if (t->k == EK::Local) {
                const std::size_t idx = frame_ + t->slot;
                if (depth_ > 0 && idx < v_floor_) int_journal_.push_back({idx, vstack_[idx]});
                vstack_[idx] = nv;
            } else if (t->k == EK::Index) {
                const Val b = eval(t->kids[0]);
                const Val x = eval(t->kids[1]);
                if (b.k != VIntArr || x.k != VInt) fail("unsupported assignment target");
                if (depth_ > 0) fail("an integer array is written under an input-dependent condition");
                if (nv.k != VInt) fail("a non-integer is stored in an integer array");
                auto& r = (b.reg & kHeapBit) ? int_heap_[b.reg & ~kHeapBit] : int_stack_[b.reg];
                const std::int64_t k = b.i + x.i;
                if (k < 0 || k >= (std::int64_t)r.size()) fail("index out of range");
                r[k] = nv.i;
            } else if (t->k == EK::Member) {
                const Val b = eval(t->kids[0]);
                if (b.k != VComp) fail("unsupported assignment to ." + u_.names[t->name]);
                if (depth_ > 0) fail("a component's state changes under an input-dependent condition");
                auto& fs = comps_[b.i].fields;
                bool found = false;
                for (auto& [name, v] : fs)
                    if (name == t->name) {
                        v = nv;
                        found = true;
                    }
                if (!found) fs.emplace_back(t->name, nv);
            } else {
                fail("unsupported assignment target");
            }
            return e->k == EK::PostInc ? old : nv;
        }
        case EK::New: {
            const Val n = eval(e->kids[0]);
            if (n.k != VInt || n.i < 0 || n.i > (1 << 28)) fail("bad array size in new");
            int_heap_.emplace_back((std::size_t)n.i, 0);
            auto& r = int_heap_.back();
            for (std::size_t k = 1; k < e->kids.size() && k - 1 < r.size(); ++k) {
                const Val x = eval(e->kids[k]);
                if (x.k != VInt) fail("non-integer initialiser in new");
                r[k - 1] = x.i;
            }
            return Val{VIntArr, kHeapBit | (std::uint32_t)(int_heap_.size() - 1), 0, 0};
        }
        case EK::Call: break;
    }
    // Calls.
    const Expr* callee = e->kids[0];
    const std::size_t argc = e->kids.size() - 1;
    auto arg = [&](std::size_t k) { return eval(e->kids[k + 1]); };
    if (callee->k == EK::Member) {
        const Val b = eval(callee->kids[0]);
        const int m = names_[callee->name].member;
        if (b.k == VCtx && m == MGetTrace && argc == 1) {
            Val id = arg(0);
            if (id.k != VInt) fail("getTrace of a non-integer");
            auto field = [&](std::int64_t c, int fid) {
                for (const auto& [name, v] : comps_.at(c).fields)
                    if (name == fid) return v;
                return Val{VNull};
            };
            if (id.i < 0 || id.i >= (std::int64_t)comps_.size()) fail("getTrace: bad component");
            Val nm = field(id.i, name_component_name_);
            std::string trace = nm.k == VStr ? strs_[nm.i] : "";
            for (int guard = 0; id.i != 0 && guard < 1000000; ++guard) {
                const Val f = field(id.i, name_id_father_);
                if (f.k != VInt || f.i < 0 || f.i >= (std::int64_t)comps_.size()) break;
                id.i = f.i;
                nm = field(id.i, name_component_name_);
                trace = (nm.k == VStr ? strs_[nm.i] : "") + "." + trace;
            }
            strs_.push_back(trace);
            return Val{VStr, 0, (std::int64_t)strs_.size() - 1, 0};
        }
        if (b.k == VCtx && m == MGenPos && argc == 3) {
            const Val dims = arg(0), nd = arg(1), idx = arg(2);
            if (dims.k != VIntArr || nd.k != VInt || idx.k != VInt) fail("generate_position_array: bad arguments");
            auto& r = (dims.reg & kHeapBit) ? int_heap_[dims.reg & ~kHeapBit] : int_stack_[dims.reg];
            std::string pos;
            std::int64_t index = idx.i;
            for (std::int64_t i = nd.i; i-- > 0;) {
                const std::int64_t d = r.at(dims.i + i);
                if (d <= 0) fail("generate_position_array: bad dimension");
                pos = "[" + std::to_string(index % d) + "]" + pos;
                index /= d;
            }
            strs_.push_back(pos);
            return Val{VStr, 0, (std::int64_t)strs_.size() - 1, 0};
        }
        fail("unsupported call of ." + u_.names[callee->name]);
    }
    int b = BNone;
    std::uint32_t frop = 0;
    if (callee->k == EK::Global) {
        b = names_[callee->name].builtin;
        frop = names_[callee->name].frop;
    }
    auto name_of = [&]() { return callee->k == EK::Global ? u_.names[callee->name] : std::string(); };
    switch (b) {
        case BFrBin: {
            if (argc != 3) fail(name_of() + " with " + std::to_string(argc) + " arguments");
            const Val r = arg(0);
            const std::uint32_t x = read_fr(arg(1)), y = read_fr(arg(2));
            write_fr(r, op2(frop, x, y));
            return Val{};
        }
        case BFrUn: {
            if (argc != 2) fail(name_of() + " with " + std::to_string(argc) + " arguments");
            const Val r = arg(0);
            const std::uint32_t x = read_fr(arg(1));
            write_fr(r, op1(frop, x));
            return Val{};
        }
        case BCopy:
        case BToNormal: {
            if (argc != 2) fail(name_of() + " with " + std::to_string(argc) + " arguments");
            const Val r = arg(0);
            write_fr(r, read_fr(arg(1)));
            return Val{};
        }
        case BCopyN: {
            if (argc != 3) fail("Fr_copyn with " + std::to_string(argc) + " arguments");
            const Val r = arg(0), a = arg(1), n = arg(2);
            if (r.k != VFr || a.k != VFr || n.k != VInt) fail("unsupported Fr_copyn");
            std::vector<std::uint32_t> tmp;
            for (std::int64_t k = 0; k < n.i; ++k) tmp.push_back(read_fr(Val{VFr, a.reg, a.i + k, 0}));
            for (std::int64_t k = 0; k < n.i; ++k) write_fr(Val{VFr, r.reg, r.i + k, 0}, tmp[k]);
            return Val{};
        }
        case BIsTrue: {
            const std::uint32_t x = read_fr(arg(0));
            if (is_const(x)) {
                FrElement c = consts_[x];
                return int_val(Fr_isTrue(&c));
            }
            return Val{VSymBool, x, 0, 0};
        }
        case BToInt: {
            const std::uint32_t x = read_fr(arg(0));
            if (is_const(x)) {
                FrElement c = consts_[x];
                return int_val(Fr_toInt(&c));
            }
            return Val{VSymInt, x, 1, 0};
        }
        case BAssert: {
            if (argc != 1) fail("assert with " + std::to_string(argc) + " arguments");
            const Expr* a = e->kids[1];
            // assert(Fr_isTrue(x)) follows circom's `if (!Fr_isTrue(x)) std::cout << ...`, handled there.
            if (a->k == EK::Call && a->kids[0]->k == EK::Global && names_[a->kids[0]->name].builtin == BIsTrue) return Val{};
            const Val v = arg(0);
            if (v.k == VSymBool) fail("unsupported input-dependent assert");
            if (v.k == VInt && !v.i) fail("an internal assert of the generated code fails");
            return Val{};
        }
        case BMin:
        case BMax: {
            const Val x = arg(0), y = arg(1);
            if (x.k != VInt || y.k != VInt) fail("std::min/max of non-integers");
            return int_val(b == BMin ? std::min(x.i, y.i) : std::max(x.i, y.i));
        }
        case BRelease: return Val{};
        case BElement2Str: fail("log() is not supported by the graph engine");
        case BFrFail: fail("the generated code calls Fr_fail");
        default: break;
    }
    const Val f = eval(callee);
    if (f.k != VFunc) fail("call of a " + vk_name(f.k) + " (" + name_of() + ")");
    std::vector<Val> args(argc);
    for (std::size_t k = 0; k < argc; ++k) args[k] = arg(k);
    const Stmt* here = stmt_;
    const Val r = call_function((int)f.i, args);
    stmt_ = here;
    return r;
}

// What every name of the unit stands for.
void Builder::init_names() {
    names_.assign(u_.names.size(), NameInfo{});
    static const std::pair<const char*, int> kBuiltins[] = {
        {"Fr_copy", BCopy}, {"Fr_copyn", BCopyN}, {"Fr_isTrue", BIsTrue}, {"Fr_toInt", BToInt},
        {"Fr_toNormal", BToNormal}, {"Fr_toLongNormal", BToNormal}, {"Fr_toMontgomery", BToNormal},
        {"assert", BAssert}, {"std::min", BMin}, {"std::max", BMax}, {"std::cout", BCout}, {"std::endl", BEndl},
        {"release_memory_component", BRelease}, {"Fr_element2str", BElement2Str}, {"Fr_fail", BFrFail}};
    static const std::pair<const char*, int> kMembers[] = {
        {"signalValues", MSignalValues}, {"circuitConstants", MCircuitConstants}, {"componentMemory", MComponentMemory},
        {"templateInsId2IOSignalInfo", MTemplateIO}, {"busInsId2FieldInfo", MBusIO},
        {"listOfTemplateMessages", MTemplateMessages}, {"defs", MDefs}, {"len", MLen}, {"offset", MOffset},
        {"size", MSize}, {"busId", MBusId}, {"lengths", MLengths}, {"getTrace", MGetTrace},
        {"generate_position_array", MGenPos}};
    for (std::size_t i = 0; i < u_.names.size(); ++i) {
        const std::string& n = u_.names[i];
        NameInfo& ni = names_[i];
        for (const auto& f : kFrFns)
            if (n == f.name) ni.builtin = f.unary ? BFrUn : BFrBin, ni.frop = f.op;
        for (const auto& [name, code] : kBuiltins)
            if (n == name) ni.builtin = code;
        for (const auto& [name, code] : kMembers)
            if (n == name) ni.member = code;
        const auto f = u_.function_index.find(n);
        if (f != u_.function_index.end()) ni.fn = f->second;
        const auto t = u_.tables.find(n);
        if (t != u_.tables.end()) {
            ni.table = (int)tables_.size();
            tables_.emplace_back();
            for (const auto& entry : t->second) {
                const auto g = u_.function_index.find(entry);
                tables_.back().push_back(g == u_.function_index.end() ? -1 : g->second);
            }
        }
        if (n == "componentName") name_component_name_ = (int)i;
        if (n == "idFather") name_id_father_ = (int)i;
    }
}

}  // namespace peregrine::witness::graph::detail
