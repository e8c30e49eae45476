// SPDX-License-Identifier: MIT OR Apache-2.0
// The graph engine's program: file format and runner (see graph_program.hpp).
#include "graph_program.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>

#include "pg_witness.h"

namespace peregrine::witness::graph {

namespace {

constexpr char kMagic[8] = {'P', 'G', 'W', 'G', 'R', 'A', 'P', 'H'};
constexpr char kEnd[8] = {'P', 'G', 'W', 'E', 'N', 'D', 0, 0};

void put32(std::string& s, std::uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
void put_str(std::string& s, const std::string& v) {
    put32(s, (std::uint32_t)v.size());
    s += v;
}

class Reader {
public:
    Reader(std::string_view b, const std::string& what) : b_(b), what_(what) {}
    [[noreturn]] void bad(const std::string& why) const {
        throw std::runtime_error(what_ + ": not a valid witness graph (" + why + ")");
    }
    const char* take(std::size_t n, const char* what) {
        if (n > b_.size() - pos_) bad(std::string("truncated in ") + what);
        const char* p = b_.data() + pos_;
        pos_ += n;
        return p;
    }
    std::uint32_t u32(const char* what) {
        std::uint32_t v;
        std::memcpy(&v, take(4, what), 4);
        return v;
    }
    // A count of items of at least `min_bytes` each: bounded by what is left of the file.
    std::uint32_t count(const char* what, std::size_t min_bytes) {
        const std::uint32_t n = u32(what);
        if ((std::size_t)n * min_bytes > b_.size() - pos_) bad(std::string("bad count of ") + what);
        return n;
    }
    std::string str(const char* what) {
        const std::uint32_t n = u32(what);
        return std::string(take(n, what), n);
    }
    bool at_end() const { return pos_ == b_.size(); }

private:
    std::string_view b_;
    std::string what_;
    std::size_t pos_ = 0;
};

}  // namespace

std::string read_graph_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError("cannot read " + path + ": " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw InputError("cannot read " + path + ": not a regular file");
    }
    std::string s((std::size_t)st.st_size, '\0');
    std::size_t got = 0;
    while (got < s.size()) {
        const ssize_t n = ::read(fd, &s[got], s.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            throw InputError("cannot read " + path + ": " + (n < 0 ? std::strerror(errno) : "file shrank while read"));
        }
        got += (std::size_t)n;
    }
    ::close(fd);
    return s;
}

std::string encode(const Program& p) {
    std::string s(kMagic, 8);
    put32(s, kFormatVersion);
    put_str(s, p.name);
    put32(s, p.n_signals);
    put32(s, p.input_start);
    put32(s, p.n_inputs);
    put32(s, (std::uint32_t)p.inputs.size());
    for (const auto& in : p.inputs) {
        put_str(s, in.name);
        put32(s, in.offset);
        put32(s, in.size);
        put32(s, (std::uint32_t)in.dims.size());
        for (auto d : in.dims) put32(s, d);
    }
    put32(s, (std::uint32_t)p.witness.size());
    for (auto w : p.witness) put32(s, w);
    put32(s, (std::uint32_t)p.constants.size());
    for (const auto& c : p.constants) s.append(reinterpret_cast<const char*>(c.data()), 32);
    put32(s, p.n_slots);
    put32(s, (std::uint32_t)p.messages.size());
    for (const auto& m : p.messages) put_str(s, m);
    put32(s, (std::uint32_t)p.code.size());
    for (const auto& i : p.code) {
        for (std::uint32_t v : {i.op, i.dst, i.a, i.b, i.c, i.guard}) put32(s, v);
    }
    s.append(kEnd, 8);
    return s;
}

Program decode(std::string_view bytes, const std::string& what) {
    Reader r(bytes, what);
    if (std::memcmp(r.take(8, "header"), kMagic, 8) != 0) r.bad("no PGWGRAPH header");
    const std::uint32_t v = r.u32("version");
    if (v != kFormatVersion)
        throw std::runtime_error(what + ": witness graph format version " + std::to_string(v) + ", expected " +
                                 std::to_string(kFormatVersion) + " (rebuild it with this Peregrine)");
    Program p;
    p.name = r.str("name");
    p.n_signals = r.u32("signal count");
    p.input_start = r.u32("input start");
    p.n_inputs = r.u32("input count");
    if (p.n_signals == 0 || (std::uint64_t)p.input_start + p.n_inputs > p.n_signals) r.bad("inputs out of range");
    const std::uint32_t nk = r.count("inputs", 16);
    for (std::uint32_t k = 0; k < nk; ++k) {
        InputSignal in;
        in.name = r.str("input name");
        in.offset = r.u32("input offset");
        in.size = r.u32("input size");
        if ((std::uint64_t)in.offset + in.size > p.n_inputs) r.bad("input " + in.name + " out of range");
        const std::uint32_t nd = r.count("input dimensions", 4);
        for (std::uint32_t d = 0; d < nd; ++d) in.dims.push_back(r.u32("input dimension"));
        p.inputs.push_back(std::move(in));
    }
    const std::uint32_t nw = r.count("witness", 4);
    p.witness.resize(nw);
    for (auto& w : p.witness) {
        w = r.u32("witness");
        if (w >= p.n_signals) r.bad("witness signal out of range");
    }
    const std::uint32_t nc = r.count("constants", 32);
    p.constants.resize(nc);
    for (auto& c : p.constants) std::memcpy(c.data(), r.take(32, "constants"), 32);
    p.n_slots = r.u32("slot count");
    if ((std::uint64_t)p.n_signals + nc > p.n_slots) r.bad("slot count");
    const std::uint32_t nm = r.count("messages", 4);
    for (std::uint32_t m = 0; m < nm; ++m) p.messages.push_back(r.str("message"));
    const std::uint32_t ni = r.count("instructions", 24);
    p.code.resize(ni);
    const std::uint32_t first_temp = p.n_signals + nc;
    static_assert(sizeof(Instr) == 24, "instructions are stored as six 32-bit words");
    if (ni) std::memcpy(p.code.data(), r.take((std::size_t)ni * 24, "instructions"), (std::size_t)ni * 24);
    for (auto& in : p.code) {
        if (in.op >= kOpCount) r.bad("unknown operation");
        const bool binary = in.op >= kAdd && in.op <= kLor;
        const bool unary = in.op == kCopy || (in.op >= kNeg && in.op <= kLnot);
        auto slot = [&](std::uint32_t s) {
            if (s >= p.n_slots) r.bad("slot out of range");
        };
        if (in.op != kAssert) {
            slot(in.dst);
            // Signals below the inputs' end and constants are never written (slot 0 is 1).
            if (in.dst < p.n_signals ? in.dst == 0 || (in.dst >= p.input_start && in.dst < p.input_start + p.n_inputs)
                                     : in.dst < first_temp)
                r.bad("write to a read-only slot");
        }
        slot(in.a);
        if (binary || in.op == kSelect) slot(in.b);
        if (in.op == kSelect) slot(in.c);
        if (in.op == kAssert && in.c >= nm) r.bad("message out of range");
        if (in.op == kLoad && (in.b >= p.n_signals)) r.bad("load base out of range");
        if (in.guard != kNoGuard) slot(in.guard);
        (void)unary;
    }
    if (std::memcmp(r.take(8, "end marker"), kEnd, 8) != 0 || !r.at_end()) r.bad("bad end marker");
    return p;
}

std::string describe_assert(const std::string& m) {
    const std::string a = "Failed assert in template/function ", b = " line ", c = ". Followed trace of components: ";
    const auto pb = m.find(b, a.size()), pc = m.find(c);
    if (m.rfind(a, 0) != 0 || pb == std::string::npos || pc == std::string::npos || pc < pb) return m;
    return "assert or constraint failed: template " + m.substr(a.size(), pb - a.size()) + ", line " +
           m.substr(pb + b.size(), pc - pb - b.size()) + ", component " + m.substr(pc + c.size());
}

namespace {

struct FreeLarge {
    void operator()(void* p) const { free_large(p); }
};

}  // namespace

void run(const Program& p, std::string_view input_json, std::uint8_t** out, std::size_t* out_len) {
    std::unique_ptr<FrElement, FreeLarge> mem_owner(
        static_cast<FrElement*>(alloc_large(sizeof(FrElement) * (std::size_t)p.n_slots)));
    FrElement* m = mem_owner.get();
    m[0].shortVal = 1;
    m[0].type = Fr_SHORT;
    for (std::size_t k = 0; k < p.constants.size(); ++k) fr_from_canonical(&m[p.n_signals + k], p.constants[k].data());
    read_inputs(input_json, p.inputs, p.n_inputs, m + p.input_start);
    FrElement zero{};
    for (const Instr& in : p.code) {
        FrElement* d = &m[in.dst];
        FrElement* a = &m[in.a];
        if (in.guard != kNoGuard && !Fr_isTrue(&m[in.guard])) {
            if (in.op != kAssert) *d = zero;
            continue;
        }
        switch (in.op) {
            case kCopy: *d = *a; break;
            case kAdd: Fr_add(d, a, &m[in.b]); break;
            case kSub: Fr_sub(d, a, &m[in.b]); break;
            case kMul: Fr_mul(d, a, &m[in.b]); break;
            case kDiv: Fr_div(d, a, &m[in.b]); break;
            case kIdiv: Fr_idiv(d, a, &m[in.b]); break;
            case kMod: Fr_mod(d, a, &m[in.b]); break;
            case kPow: Fr_pow(d, a, &m[in.b]); break;
            case kShl: Fr_shl(d, a, &m[in.b]); break;
            case kShr: Fr_shr(d, a, &m[in.b]); break;
            case kBand: Fr_band(d, a, &m[in.b]); break;
            case kBor: Fr_bor(d, a, &m[in.b]); break;
            case kBxor: Fr_bxor(d, a, &m[in.b]); break;
            case kEq: Fr_eq(d, a, &m[in.b]); break;
            case kNeq: Fr_neq(d, a, &m[in.b]); break;
            case kLt: Fr_lt(d, a, &m[in.b]); break;
            case kGt: Fr_gt(d, a, &m[in.b]); break;
            case kLeq: Fr_leq(d, a, &m[in.b]); break;
            case kGeq: Fr_geq(d, a, &m[in.b]); break;
            case kLand: Fr_land(d, a, &m[in.b]); break;
            case kLor: Fr_lor(d, a, &m[in.b]); break;
            case kNeg: Fr_neg(d, a); break;
            case kSquare: Fr_square(d, a); break;
            case kInv: Fr_inv(d, a); break;
            case kBnot: Fr_bnot(d, a); break;
            case kLnot: Fr_lnot(d, a); break;
            case kSelect: *d = Fr_isTrue(&m[in.c]) ? *a : m[in.b]; break;
            case kAssert:
                if (!Fr_isTrue(a)) {
                    AssertFailure f;
                    f << p.messages[in.c];
                    throw f;
                }
                break;
            case kLoad: {
                // c is the signed scale (circom's index expressions are affine: b + c * i).
                const std::int64_t i = (std::int64_t)in.b + (std::int64_t)(std::int32_t)in.c * (std::int64_t)Fr_toInt(a);
                if (i < 0 || i >= (std::int64_t)p.n_signals) throw CircuitError("signal index out of range");
                *d = m[i];
                break;
            }
            default: throw CircuitError("internal error: unknown graph operation");
        }
    }
    const std::uint32_t n = (std::uint32_t)p.witness.size();
    const std::size_t size = wtns_header_size() + (std::size_t)32 * n;
    auto* buf = static_cast<std::uint8_t*>(alloc_large(size));
    write_wtns_header(buf, n);
    std::uint8_t* o = buf + wtns_header_size();
    for (std::uint32_t i = 0; i < n; ++i, o += 32) write_wtns_value(o, &m[p.witness[i]]);
    *out = buf;
    *out_len = size;
}

int calculate(const Program& p, const char* json, std::size_t len, std::uint8_t** out, std::size_t* out_len, char* err,
              std::size_t errmax) {
    if (out) *out = nullptr;
    if (out_len) *out_len = 0;
    copy_message("", err, errmax);
    if (!out || !out_len || (!json && len)) {
        copy_message("pg_witness_calculate: invalid arguments", err, errmax);
        return PG_WITNESS_INTERNAL_ERROR;
    }
    try {
        run(p, std::string_view(json ? json : "", len), out, out_len);
        return PG_WITNESS_OK;
    } catch (const InputError& e) {
        copy_message(e.what(), err, errmax);
        return PG_WITNESS_BAD_INPUT;
    } catch (const AssertFailure& e) {
        copy_message("circuit " + p.name + ": " + describe_assert(e.what()), err, errmax);
        return PG_WITNESS_CIRCUIT_ERROR;
    } catch (const CircuitError& e) {
        copy_message("circuit " + p.name + ": " + e.what(), err, errmax);
        return PG_WITNESS_CIRCUIT_ERROR;
    } catch (const std::bad_alloc&) {
        copy_message("out of memory", err, errmax);
        return PG_WITNESS_INTERNAL_ERROR;
    } catch (const std::exception& e) {
        copy_message("circuit " + p.name + ": " + e.what(), err, errmax);
        return PG_WITNESS_INTERNAL_ERROR;
    }
}

}  // namespace peregrine::witness::graph
