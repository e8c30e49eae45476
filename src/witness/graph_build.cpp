// SPDX-License-Identifier: MIT OR Apache-2.0
// The graph engine's builder: the circuit data (.dat), the interpretation of run(), and the
// lowering of the node list to a Program: dead operations dropped, each operation's result in the
// signal it is assigned to when it can be, else in a temporary slot reused once the value is dead.
#include <cstring>

#include "graph_eval.hpp"

namespace peregrine::witness::graph {

namespace detail {

namespace {

class DatReader {
public:
    DatReader(const std::string& d, const std::string& what) : d_(d), what_(what) {}
    const char* take(std::size_t n, const char* part) {
        if (n > d_.size() - pos_) throw GraphError(what_ + ": circuit data truncated (" + part + ")");
        const char* p = d_.data() + pos_;
        pos_ += n;
        return p;
    }
    std::uint32_t u32(const char* part) {
        std::uint32_t v;
        std::memcpy(&v, take(4, part), 4);
        return v;
    }
    std::size_t left() const { return d_.size() - pos_; }

private:
    const std::string& d_;
    std::string what_;
    std::size_t pos_ = 0;
};

}  // namespace

Program Builder::build(const std::string& dat, const std::string& name, const std::vector<InputSignal>& inputs) {
    init_names();
    strs_ = u_.strings;  // literals keep their indices; strings made while running follow
    auto size_of = [&](const char* fn) -> std::uint64_t {
        const auto f = u_.function_index.find(fn);
        if (f == u_.function_index.end()) throw GraphError(file_ + ": no " + fn + "() in the generated code");
        const Val v = call_function(f->second, {});
        if (v.k != VInt || v.i < 0 || v.i > (1ll << 31)) throw GraphError(file_ + ": bad " + fn + "()");
        return (std::uint64_t)v.i;
    };
    const std::uint64_t in_start = size_of("get_main_input_signal_start"), in_no = size_of("get_main_input_signal_no");
    const std::uint64_t n_sig = size_of("get_total_signal_no"), n_comp = size_of("get_number_of_components");
    const std::uint64_t nh = size_of("get_size_of_input_hashmap"), nw = size_of("get_size_of_witness");
    const std::uint64_t nc = size_of("get_size_of_constants"), nio = size_of("get_size_of_io_map");
    const std::uint64_t nbus = size_of("get_size_of_bus_field_map");
    if (n_sig == 0 || in_start + in_no > n_sig) throw GraphError(file_ + ": inconsistent signal counts");

    // Constants 0 and 1 first (ids 0 and 1).
    FrElement zero{}, one{};
    one.shortVal = 1;
    intern(zero);
    intern(one);

    DatReader r(dat, file_);
    r.take(nh * 24, "input hash map");
    std::vector<std::uint32_t> witness(nw);
    for (auto& w : witness) {
        std::uint64_t s;
        std::memcpy(&s, r.take(8, "witness list"), 8);
        if (s >= n_sig) throw GraphError(file_ + ": witness list out of range");
        w = (std::uint32_t)s;
    }
    fr_.resize(2);
    fr_[1].resize(nc);
    for (std::uint64_t k = 0; k < nc; ++k) {
        FrElement c;
        std::memcpy(&c, r.take(sizeof c, "constants"), sizeof c);
        fr_[1][k] = intern(c);  // intern() reads it through fr_to_canonical, whatever its form
    }
    io_[0].clear();
    io_[1].clear();
    int_heap_.emplace_back();  // heap region 0: the IO map's lengths arrays
    if (nio > 0) {
        std::vector<std::uint32_t> ids(nio);
        std::uint32_t max_id = 0;
        for (auto& id : ids) {
            id = r.u32("IO map");
            max_id = std::max(max_id, id);
        }
        if (max_id > (1u << 24)) throw GraphError(file_ + ": bad IO map");
        io_[0].resize(max_id + 1);
        auto read_defs = [&](std::vector<IODef>& out) {
            const std::uint32_t len = r.u32("IO map");
            if (len > r.left() / 16) throw GraphError(file_ + ": bad IO map");
            out.resize(len);
            for (auto& d : out) {
                d.offset = r.u32("IO map");
                d.len = r.u32("IO map");
                if (d.len > r.left() / 4) throw GraphError(file_ + ": bad IO map");
                d.lengths = (std::uint32_t)int_heap_[0].size();
                for (std::uint32_t k = 0; k < d.len; ++k) int_heap_[0].push_back(r.u32("IO map"));
                d.size = r.u32("IO map");
                d.bus = r.u32("IO map");
            }
        };
        for (std::uint64_t i = 0; i < nio; ++i) read_defs(io_[0][ids[i]]);
        io_[1].resize(nbus);
        for (std::uint64_t i = 0; i < nbus; ++i) read_defs(io_[1][i]);
    }

    fr_[0].assign(n_sig, 0);
    fr_[0][0] = 1;  // signal 0 is the constant 1
    for (std::uint64_t k = 0; k < in_no; ++k)
        fr_[0][in_start + k] = push_node(Node{kInputNode, (std::uint32_t)(in_start + k), 0, 0, kNone});
    comps_.assign(n_comp, Component{});
    const auto run = u_.function_index.find("run");
    if (run == u_.function_index.end()) throw GraphError(file_ + ": no run() in the generated code");
    call_function(run->second, {Val{VCtx}});

    // ---- Lowering ----
    Program p;
    p.name = name;
    p.n_signals = (std::uint32_t)n_sig;
    p.input_start = (std::uint32_t)in_start;
    p.n_inputs = (std::uint32_t)in_no;
    p.inputs = inputs;
    p.witness = witness;
    p.messages = messages_;
    const std::size_t n = nodes_.size();
    std::vector<std::uint8_t> is_witness(n_sig, 0);
    for (auto w : witness) is_witness[w] = 1;
    bool any_load = false;
    for (const Node& x : nodes_) any_load |= x.op == kLoad;
    auto operands = [](const Node& x, std::uint32_t out[4]) {
        int k = 0;
        if (x.op == kSigSet || x.op == kAssert || x.op == kLoad || (x.op >= kNeg && x.op <= kLnot)) out[k++] = x.a;
        else if (x.op >= kAdd && x.op <= kLor) out[k++] = x.a, out[k++] = x.b;
        else if (x.op == kSelect) out[k++] = x.a, out[k++] = x.b, out[k++] = x.c;
        if (x.guard != kNone) out[k++] = x.guard;
        return k;
    };
    std::vector<std::uint8_t> live(n, 0);
    std::vector<std::uint32_t> last_use(n, kNone);
    std::vector<std::uint32_t> sets(n_sig, 0);
    for (std::size_t i = n; i-- > 0;) {
        const Node& x = nodes_[i];
        if (x.op == kAssert || x.op == kInputNode) live[i] = 1;
        if (x.op == kSigSet && (any_load || is_witness[x.b])) {
            live[i] = 1;
            ++sets[x.b];
        }
        if (!live[i]) continue;
        std::uint32_t ops[4];
        const int k = operands(x, ops);
        for (int j = 0; j < k; ++j) {
            if (is_const(ops[j])) continue;
            const std::uint32_t d = ops[j] & ~kNodeBit;
            live[d] = 1;
            if (last_use[d] == kNone) last_use[d] = (std::uint32_t)i;
        }
    }
    // Results that go to exactly one signal are computed there.
    std::vector<std::uint32_t> home(n, kNone);
    for (std::size_t i = 0; i < n; ++i) {
        const Node& x = nodes_[i];
        if (!live[i] || x.op != kSigSet || is_const(x.a)) continue;
        const std::uint32_t v = x.a & ~kNodeBit, s = x.b;
        const Node& d = nodes_[v];
        if (sets[s] != 1 || s == 0 || (s >= in_start && s < in_start + in_no) || d.op == kInputNode ||
            d.guard != kNone || home[v] != kNone)
            continue;
        home[v] = s;
    }
    // Constants used, then temporaries.
    std::vector<std::uint32_t> const_slot(consts_.size(), kNone);
    auto use_const = [&](std::uint32_t id) {
        if (const_slot[id] == kNone) {
            const_slot[id] = (std::uint32_t)(n_sig + p.constants.size());
            std::array<std::uint64_t, 4> c;
            fr_to_canonical(c.data(), &consts_[id]);
            p.constants.push_back(c);
        }
    };
    for (std::size_t i = 0; i < n; ++i) {
        if (!live[i]) continue;
        std::uint32_t ops[4];
        const int k = operands(nodes_[i], ops);
        for (int j = 0; j < k; ++j)
            if (is_const(ops[j])) use_const(ops[j]);
    }
    // Witness values no operation writes (none in circuits circom accepts) are 0, not whatever the
    // memory held.
    for (const auto w : witness)
        if (w != 0 && !(w >= in_start && w < in_start + in_no) && sets[w] == 0) {
            use_const(0);
            p.code.push_back(Instr{kCopy, w, const_slot[0], 0, 0, kNoGuard});
        }
    const std::uint32_t first_temp = (std::uint32_t)(n_sig + p.constants.size());
    std::uint32_t next_temp = first_temp;
    std::vector<std::uint32_t> free_slots, slot_of(n, kNone);
    auto sl = [&](std::uint32_t id) { return is_const(id) ? const_slot[id] : slot_of[id & ~kNodeBit]; };
    for (std::size_t i = 0; i < n; ++i) {
        if (!live[i]) continue;
        const Node& x = nodes_[i];
        std::uint32_t ops[4];
        const int k = operands(x, ops);
        if (x.op == kInputNode) {
            slot_of[i] = x.a;
            continue;
        }
        std::uint32_t dst = kNone;
        if (x.op == kSigSet) {
            const std::uint32_t src = sl(x.a);
            if (src != x.b) p.code.push_back(Instr{kCopy, x.b, src, 0, 0, kNoGuard});
        } else if (x.op == kAssert) {
            p.code.push_back(Instr{kAssert, 0, sl(x.a), 0, x.c, x.guard == kNone ? kNoGuard : sl(x.guard)});
        } else {
            if (home[i] != kNone) {
                dst = home[i];
            } else if (!free_slots.empty()) {
                dst = free_slots.back();
                free_slots.pop_back();
            } else {
                dst = next_temp++;
            }
            slot_of[i] = dst;
            Instr in{x.op, dst, sl(x.a), 0, 0, x.guard == kNone ? kNoGuard : sl(x.guard)};
            if (x.op >= kAdd && x.op <= kLor) in.b = sl(x.b);
            if (x.op == kSelect) in.b = sl(x.b), in.c = sl(x.c);
            if (x.op == kLoad) in.b = x.b, in.c = x.c;
            p.code.push_back(in);
            if (last_use[i] == kNone && home[i] == kNone) free_slots.push_back(dst);  // computed for nothing
        }
        // Operands dead after this operation free their temporaries (after dst was chosen: no aliasing).
        for (int j = 0; j < k; ++j) {
            if (is_const(ops[j])) continue;
            const std::uint32_t d = ops[j] & ~kNodeBit;
            if (last_use[d] == i && home[d] == kNone && nodes_[d].op != kInputNode && slot_of[d] >= first_temp) {
                free_slots.push_back(slot_of[d]);
                slot_of[d] = kNone - 1;  // freed once (an operand may appear twice)
                last_use[d] = kNone - 1;
            }
        }
    }
    p.n_slots = next_temp;
    return p;
}

}  // namespace detail

Program build_program(const std::string& code, const std::string& file, const std::string& dat,
                      const std::string& name, const std::vector<InputSignal>& inputs) {
    const std::unique_ptr<Unit> u = parse_unit(code, file);
    detail::Builder b(*u, file);
    return b.build(dat, name, inputs);
}

}  // namespace peregrine::witness::graph
