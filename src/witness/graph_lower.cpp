// SPDX-License-Identifier: MIT OR Apache-2.0
// The graph engine's builder: field values (constant folding with the runtime's Fr_* functions,
// nodes), input-dependent branches (select nodes, guarded operations), the circuit data, and the
// lowering of the node list to a Program (see graph_eval.hpp).
#include <cstring>
#include <map>

#include "graph_eval.hpp"

namespace peregrine::witness::graph {

namespace detail {

namespace {

bool can_fail(std::uint32_t op) { return op == kDiv || op == kIdiv || op == kMod || op == kInv || op == kLoad; }

void apply(std::uint32_t op, FrElement* r, FrElement* a, FrElement* b) {
    switch (op) {
        case kAdd: Fr_add(r, a, b); break;
        case kSub: Fr_sub(r, a, b); break;
        case kMul: Fr_mul(r, a, b); break;
        case kDiv: Fr_div(r, a, b); break;
        case kIdiv: Fr_idiv(r, a, b); break;
        case kMod: Fr_mod(r, a, b); break;
        case kPow: Fr_pow(r, a, b); break;
        case kShl: Fr_shl(r, a, b); break;
        case kShr: Fr_shr(r, a, b); break;
        case kBand: Fr_band(r, a, b); break;
        case kBor: Fr_bor(r, a, b); break;
        case kBxor: Fr_bxor(r, a, b); break;
        case kEq: Fr_eq(r, a, b); break;
        case kNeq: Fr_neq(r, a, b); break;
        case kLt: Fr_lt(r, a, b); break;
        case kGt: Fr_gt(r, a, b); break;
        case kLeq: Fr_leq(r, a, b); break;
        case kGeq: Fr_geq(r, a, b); break;
        case kLand: Fr_land(r, a, b); break;
        case kLor: Fr_lor(r, a, b); break;
        case kNeg: Fr_neg(r, a); break;
        case kSquare: Fr_square(r, a); break;
        case kInv: Fr_inv(r, a); break;
        case kBnot: Fr_bnot(r, a); break;
        case kLnot: Fr_lnot(r, a); break;
        default: throw GraphError("internal error: no constant folding for operation " + std::to_string(op));
    }
}

}  // namespace

std::uint32_t Builder::intern(const FrElement& v) {
    std::array<std::uint64_t, 4> key;
    fr_to_canonical(key.data(), &v);
    const auto it = const_index_.find(key);
    if (it != const_index_.end()) return it->second;
    const std::uint32_t id = (std::uint32_t)consts_.size();
    if (id >= kNodeBit) fail("too many constants");
    FrElement norm;
    fr_from_canonical(&norm, key.data());
    consts_.push_back(norm);
    const_index_.emplace(key, id);
    return id;
}

std::uint32_t Builder::push_node(Node n) {
    if (nodes_.size() >= kNodeBit - 1) fail("too many operations");
    nodes_.push_back(n);
    return kNodeBit | (std::uint32_t)(nodes_.size() - 1);
}

std::uint32_t Builder::op2(std::uint32_t op, std::uint32_t a, std::uint32_t b) {
    if (is_const(a) && is_const(b)) {
        FrElement x = consts_[a], y = consts_[b], r;
        try {
            apply(op, &r, &x, &y);
            return intern(r);
        } catch (const CircuitError& e) {
            // Fails for every input: outside an input-dependent branch, so would the native code.
            if (guard_ == kNone) fail(std::string("an operation on constants fails: ") + e.what());
        }
    }
    return push_node(Node{op, a, b, 0, can_fail(op) ? guard_ : kNone});
}

std::uint32_t Builder::op1(std::uint32_t op, std::uint32_t a) {
    if (is_const(a)) {
        FrElement x = consts_[a], r;
        try {
            apply(op, &r, &x, nullptr);
            return intern(r);
        } catch (const CircuitError& e) {
            if (guard_ == kNone) fail(std::string("an operation on a constant fails: ") + e.what());
        }
    }
    return push_node(Node{op, a, 0, 0, can_fail(op) ? guard_ : kNone});
}

std::uint32_t Builder::read_fr(const Val& p) {
    if (p.k == VFrDyn) {
        const std::uint32_t base = (std::uint32_t)p.i;
        if (p.i < 0 || p.i >= (std::int64_t)fr_[0].size() || p.j < INT32_MIN || p.j > INT32_MAX)
            fail("indexed signal out of range");
        return push_node(Node{kLoad, p.reg, base, (std::uint32_t)(std::int32_t)p.j, guard_});
    }
    if (p.k != VFr) fail("a field element was expected");
    auto& r = fr_[p.reg];
    if (p.i < 0 || p.i >= (std::int64_t)r.size()) fail("field element index out of range");
    return r[p.i];
}

void Builder::write_fr(const Val& p, std::uint32_t id) {
    if (p.k == VFrDyn) fail("a signal is written at an index that depends on an input signal");
    if (p.k != VFr) fail("a field element destination was expected");
    if (p.reg == 1) fail("a write to the circuit's constants");
    if (p.i < 0 || p.i >= (std::int64_t)fr_[p.reg].size()) fail("field element index out of range");
    set_fr(p.reg, (std::uint32_t)p.i, id);
}

void Builder::set_fr(std::uint32_t reg, std::uint32_t off, std::uint32_t id) {
    auto& cell = fr_[reg][off];
    if (depth_ > 0 && reg < fr_floor_) fr_journal_.push_back({reg, off, cell});
    cell = id;
    if (reg == 0 && depth_ == 0) push_node(Node{kSigSet, id, off, 0, kNone});
}

void Builder::assert_node(std::uint32_t cond, const std::string& message) {
    auto it = message_index_.find(message);
    if (it == message_index_.end()) {
        it = message_index_.emplace(message, (std::uint32_t)messages_.size()).first;
        messages_.push_back(message);
    }
    push_node(Node{kAssert, cond, 0, it->second, guard_});
}

Builder::Flow Builder::exec_symbolic_if(std::uint32_t cond, bool negated, const Stmt* then_s, const Stmt* else_s) {
    if (is_const(cond)) fail("internal error: a constant symbolic condition");
    const std::uint32_t nc = op1(kLnot, cond);  // !cond
    const std::uint32_t c_then = negated ? nc : cond;
    const std::uint32_t c_else = negated ? cond : nc;
    const std::uint32_t outer = guard_;
    const std::size_t saved_fr_floor = fr_floor_, saved_v_floor = v_floor_;
    const std::size_t fj0 = fr_journal_.size(), ij0 = int_journal_.size();
    ++depth_;
    fr_floor_ = fr_top_;
    v_floor_ = vstack_.size();
    struct Side {
        std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> fr;
        std::map<std::size_t, Val> ints;
    } side[2];
    const Stmt* sides[2] = {then_s, else_s};
    const std::uint32_t conds[2] = {c_then, c_else};
    for (int k = 0; k < 2; ++k) {
        guard_ = outer == kNone ? conds[k] : op2(kLand, outer, conds[k]);
        if (sides[k] && exec(sides[k]) == Flow::Return) fail("return under an input-dependent condition");
        // Record the side's final values, then undo its writes (newest first).
        for (std::size_t j = fr_journal_.size(); j-- > fj0;) {
            const FrJ& w = fr_journal_[j];
            side[k].fr.emplace(std::make_pair(w.reg, w.off), fr_[w.reg][w.off]);  // keeps the first seen: the final
        }
        for (std::size_t j = fr_journal_.size(); j-- > fj0;) fr_[fr_journal_[j].reg][fr_journal_[j].off] = fr_journal_[j].old;
        fr_journal_.resize(fj0);
        for (std::size_t j = int_journal_.size(); j-- > ij0;) side[k].ints.emplace(int_journal_[j].idx, vstack_[int_journal_[j].idx]);
        for (std::size_t j = int_journal_.size(); j-- > ij0;) vstack_[int_journal_[j].idx] = int_journal_[j].old;
        int_journal_.resize(ij0);
    }
    guard_ = outer;
    --depth_;
    fr_floor_ = saved_fr_floor;
    v_floor_ = saved_v_floor;
    // Integers must not depend on the branch taken.
    for (int k = 0; k < 2; ++k) {
        for (const auto& [idx, v] : side[k].ints) {
            const auto o = side[1 - k].ints.find(idx);
            const Val other = o == side[1 - k].ints.end() ? vstack_[idx] : o->second;
            if (other.k != v.k || other.i != v.i || other.j != v.j || other.reg != v.reg)
                fail("an integer variable gets a value that depends on an input signal");
        }
    }
    for (const auto& [idx, v] : side[0].ints) {
        if (depth_ > 0 && idx < v_floor_) int_journal_.push_back({idx, vstack_[idx]});
        vstack_[idx] = v;
    }
    for (const auto& [idx, v] : side[1].ints) {
        if (depth_ > 0 && idx < v_floor_) int_journal_.push_back({idx, vstack_[idx]});
        vstack_[idx] = v;
    }
    // Field values: select(cond, then, else), with the value before the branch for a side that did not write.
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::pair<std::uint32_t, std::uint32_t>> merged;
    for (int k = 0; k < 2; ++k)
        for (const auto& [loc, v] : side[k].fr) {
            auto it = merged.find(loc);
            if (it == merged.end()) {
                const std::uint32_t before = fr_[loc.first][loc.second];
                it = merged.emplace(loc, std::make_pair(before, before)).first;
            }
            (k == 0 ? it->second.first : it->second.second) = v;
        }
    for (const auto& [loc, tv] : merged) {
        const auto [t, e] = tv;
        const std::uint32_t v = t == e ? t : push_node(Node{kSelect, negated ? e : t, negated ? t : e, cond, kNone});
        set_fr(loc.first, loc.second, v);
    }
    return Flow::Normal;
}

}  // namespace detail
}  // namespace peregrine::witness::graph
