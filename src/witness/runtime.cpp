// SPDX-License-Identifier: MIT OR Apache-2.0
// Input JSON, .wtns encoding and file helpers of the native witness generators.
#include "runtime.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "field/bn254.hpp"
#include "util/error.hpp"
#include "util/io.hpp"
#include "util/json_depth.hpp"

namespace peregrine::witness {

namespace {

using json = nlohmann::json;
using Limbs = peregrine::Limbs;
using u64 = std::uint64_t;

constexpr u64 kMaxSafeInteger = (u64(1) << 53) - 1;  // JavaScript's Number.MAX_SAFE_INTEGER
const char kRawNumber = '\x01';                       // marks the text of a non-integer JSON number (see Sax)

std::string quote(const std::string& s) { return "'" + s + "'"; }

// Shortened JSON text of a value for messages.
std::string show(const json& v) {
    std::string s = v.is_string() && !v.get_ref<const std::string&>().empty() && v.get_ref<const std::string&>()[0] == kRawNumber
                        ? v.get_ref<const std::string&>().substr(1)
                        : v.dump();
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
}

// Parses an integer string as BigInt() does for snarkjs: optional surrounding whitespace, then
// either [+-]decimal digits or a 0x/0o/0b prefixed unsigned number. Reduced mod p.
bool parse_integer(const std::string& text, Fr& out) {
    std::size_t b = 0, e = text.size();
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (b < e && space(text[b])) ++b;
    while (e > b && space(text[e - 1])) --e;
    if (b == e) return false;
    bool neg = false;
    unsigned base = 10;
    if (e - b > 2 && text[b] == '0' && std::strchr("xXoObB", text[b + 1])) {
        const char p = (char)(text[b + 1] | 0x20);
        base = p == 'x' ? 16 : (p == 'o' ? 8 : 2);
        b += 2;
    } else if (text[b] == '+' || text[b] == '-') {
        neg = text[b] == '-';
        ++b;
        if (b == e) return false;
    }
    Fr acc = Fr::zero();
    while (b < e) {
        u64 chunk = 0, scale = 1;
        for (int i = 0; i < 12 && b < e; ++i, ++b) {
            const char c = text[b];
            unsigned d;
            if (c >= '0' && c <= '9') d = unsigned(c - '0');
            else if (c >= 'a' && c <= 'f') d = unsigned(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') d = unsigned(c - 'A' + 10);
            else return false;
            if (d >= base) return false;
            chunk = chunk * base + d;
            scale *= base;
        }
        acc = acc * Fr::from_u64(scale) + Fr::from_u64(chunk);
    }
    out = neg ? -acc : acc;
    return true;
}

Fr from_magnitude(u64 mag, bool neg) {
    const Fr v = Fr::from_u64(mag);
    return neg ? -v : v;
}

std::string too_large(const std::string& path, const std::string& text) {
    return "input signal " + quote(path) + ": the JSON number " + text +
           " is too large to be read exactly (JSON numbers are exact only up to 2^53 - 1); write it as a string: \"" +
           text + "\"";
}

// A JSON number that is not a 64-bit integer, as written: accepted when it is an integer of
// magnitude at most 2^53 - 1 (1e3, 2.0), as JavaScript would read it exactly.
Fr raw_number(const std::string& text, const std::string& path) {
    const double d = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(d) || std::fabs(d) > (double)kMaxSafeInteger) throw InputError(too_large(path, text));
    if (std::floor(d) != d) throw InputError("input signal " + quote(path) + ": " + text + " is not an integer");
    return from_magnitude((u64)std::fabs(d), d < 0);
}

// One value: a number or a numeric string.
Fr leaf_value(const json& v, const std::string& path) {
    switch (v.type()) {
    case json::value_t::string: {
        Fr out;
        const std::string& s = v.get_ref<const std::string&>();
        if (!s.empty() && s[0] == kRawNumber) return raw_number(s.substr(1), path);
        if (!parse_integer(s, out)) {
            if (s.find_first_not_of(" \t\r\n") == std::string::npos)
                throw InputError("input signal " + quote(path) + ": an empty string is not a number");
            throw InputError("input signal " + quote(path) + ": " + show(v) +
                             " is not an integer (expected decimal digits, or a 0x/0o/0b prefixed number)");
        }
        return out;
    }
    case json::value_t::number_integer: {
        const std::int64_t i = v.get<std::int64_t>();
        const u64 mag = i < 0 ? 0 - (u64)i : (u64)i;
        if (mag > kMaxSafeInteger) throw InputError(too_large(path, v.dump()));
        return from_magnitude(mag, i < 0);
    }
    case json::value_t::number_unsigned: {
        const u64 u = v.get<u64>();
        if (u > kMaxSafeInteger) throw InputError(too_large(path, v.dump()));
        return from_magnitude(u, false);
    }
    case json::value_t::boolean:
        throw InputError("input signal " + quote(path) + ": " + show(v) +
                         " is a boolean; expected a number or a numeric string");
    case json::value_t::null:
        throw InputError("input signal " + quote(path) + ": null is not a number");
    default:
        throw InputError("input signal " + quote(path) + ": " + show(v) + " is not a number");
    }
}

std::string shape_text(const std::vector<std::uint32_t>& dims) {
    std::string s;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (i) s += 'x';
        s += std::to_string(dims[i]);
    }
    return s;
}

std::string count_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " value" : " values"); }

bool contains_object(const json& v) {
    if (v.is_object()) return true;
    if (v.is_array())
        for (const auto& e : v)
            if (contains_object(e)) return true;
    return false;
}

std::size_t flat_count(const json& v) {
    if (!v.is_array()) return 1;
    std::size_t n = 0;
    for (const auto& e : v) n += flat_count(e);
    return n;
}

bool is_flat(const json& v) {
    for (const auto& e : v)
        if (e.is_array()) return false;
    return true;
}

class Reader {
public:
    Reader(const std::vector<InputSignal>& signals, std::uint32_t n_inputs, FrElement* out)
        : signals_(signals), n_(n_inputs), out_(out), owner_(n_inputs, nullptr) {
        for (const auto& s : signals_) by_name_.emplace(s.name, &s);
    }

    void assign(const std::string& name, const json& v) {
        if (v.is_object()) {
            if (v.empty()) throw InputError("input signal " + quote(name) + ": an empty object has no values");
            for (const auto& [k, e] : v.items()) assign(name + "." + k, e);
            return;
        }
        if (v.is_array() && contains_object(v)) {
            for (std::size_t i = 0; i < v.size(); ++i) assign(name + "[" + std::to_string(i) + "]", v[i]);
            return;
        }
        const auto it = by_name_.find(name);
        if (it == by_name_.end()) throw InputError(unknown(name));
        const InputSignal& s = *it->second;
        std::size_t k = 0;
        if (!v.is_array()) {
            if (s.size != 1)
                throw InputError("input signal " + quote(name) + " is an array of " + count_text(s.size) +
                                 (s.dims.size() > 1 ? " (" + shape_text(s.dims) + ")" : "") + "; got a single value");
            set(s, k, v, name);
        } else if (is_flat(v) && v.size() == s.size) {
            for (std::size_t i = 0; i < v.size(); ++i)
                set(s, k, v[i], s.dims.empty() ? name : name + "[" + std::to_string(i) + "]");
        } else if (!s.dims.empty()) {
            nested(s, 0, v, name, k);
        } else {
            throw InputError("input signal " + quote(name) + ": expected " + count_text(s.size) + ", got " +
                             count_text(flat_count(v)));
        }
    }

    void check_complete() const {
        std::vector<std::string> missing;
        for (const auto& s : signals_) {
            if (!is_leaf(s)) continue;
            bool any = false, all = true;
            for (std::uint32_t i = 0; i < s.size; ++i) {
                if (owner_[s.offset + i]) any = true;
                else all = false;
            }
            if (all) continue;
            missing.push_back(any ? quote(s.name) + " (partly)" : quote(s.name));
        }
        for (std::uint32_t i = 0; i < n_; ++i) {
            if (owner_[i] || covered(i)) continue;
            missing.push_back("#" + std::to_string(i));
        }
        if (missing.empty()) return;
        std::string msg = missing.size() == 1 ? "missing input signal " : "missing input signals: ";
        for (std::size_t i = 0; i < missing.size() && i < 8; ++i) {
            if (i) msg += ", ";
            msg += missing[i];
        }
        if (missing.size() > 8) msg += ", ... (" + std::to_string(missing.size()) + " in all)";
        throw InputError(msg);
    }

private:
    void nested(const InputSignal& s, std::size_t depth, const json& v, const std::string& path, std::size_t& k) {
        const std::uint32_t want = s.dims[depth];
        if (!v.is_array())
            throw InputError("input signal " + quote(path) + ": expected an array of " + count_text(want) +
                             ", got " + show(v));
        if (v.size() != want)
            throw InputError("input signal " + quote(path) + ": expected " + count_text(want) +
                             (s.dims.size() > 1 ? " (" + quote(s.name) + " is " + shape_text(s.dims) + ")" : "") +
                             ", got " + count_text(v.size()));
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string p = path + "[" + std::to_string(i) + "]";
            if (depth + 1 < s.dims.size()) {
                nested(s, depth + 1, v[i], p, k);
            } else {
                if (v[i].is_array())
                    throw InputError("input signal " + quote(p) + ": expected a single value, got an array");
                set(s, k, v[i], p);
            }
        }
    }

    void set(const InputSignal& s, std::size_t& k, const json& v, const std::string& path) {
        const Fr f = leaf_value(v, path);
        const std::uint32_t idx = s.offset + (std::uint32_t)k++;
        if (owner_[idx]) {
            if (owner_[idx] == &s) throw InputError("input signal " + quote(path) + " is given twice");
            throw InputError("input signal " + quote(path) + " is given twice (through " + quote(owner_[idx]->name) +
                             " and " + quote(s.name) + ")");
        }
        owner_[idx] = &s;
        const Limbs c = f.to_canonical();
        fr_from_canonical(&out_[idx], c.data());
    }

    bool is_leaf(const InputSignal& s) const {
        for (const auto& o : signals_)
            if (&o != &s && o.offset >= s.offset && o.offset + o.size <= s.offset + s.size && o.size < s.size)
                return false;
        return true;
    }

    bool covered(std::uint32_t i) const {
        for (const auto& s : signals_)
            if (i >= s.offset && i < s.offset + s.size) return true;
        return false;
    }

    std::string unknown(const std::string& name) const {
        std::string msg = "unknown input signal " + quote(name);
        if (signals_.empty()) return msg + " (the circuit has no inputs)";
        msg += " (the circuit's inputs are: ";
        std::size_t shown = 0;
        for (const auto& s : signals_) {
            if (!is_leaf(s)) continue;
            if (shown == 12) {
                msg += ", ...";
                break;
            }
            if (shown++) msg += ", ";
            msg += s.name;
        }
        return msg + ")";
    }

    const std::vector<InputSignal>& signals_;
    std::uint32_t n_;
    FrElement* out_;
    std::vector<const InputSignal*> owner_;
    std::unordered_map<std::string, const InputSignal*> by_name_;
};

std::string strip_json_prefix(const char* what) {
    // "[json.exception.parse_error.101] parse error at ..." -> "parse error at ..."
    std::string s = what;
    if (!s.empty() && s[0] == '[') {
        const auto p = s.find("] ");
        if (p != std::string::npos) s = s.substr(p + 2);
    }
    return s;
}


// JSON to a DOM, as json::parse would, except that it refuses duplicate keys and keeps the text of
// numbers that are not exact integers (fractions, exponents, integers beyond 64 bits) as strings
// marked with kRawNumber, so that messages can quote them as written.

class Sax {
public:
    explicit Sax(json& root) : root_(root) {}
    bool null() { return put(nullptr); }
    bool boolean(bool b) { return put(b); }
    bool number_integer(json::number_integer_t v) { return put(v); }
    bool number_unsigned(json::number_unsigned_t v) { return put(v); }
    bool number_float(json::number_float_t, const std::string& text) { return put(std::string(1, kRawNumber) + text); }
    bool string(std::string& v) { return put(std::move(v)); }
    bool binary(json::binary_t&) { return false; }
    bool start_object(std::size_t) {
        put(json::object());
        keys_.emplace_back();
        return true;
    }
    bool key(std::string& k) {
        if (!keys_.back().insert(k).second) throw InputError("input JSON: the key " + quote(k) + " appears twice");
        key_ = k;
        return true;
    }
    bool end_object() {
        stack_.pop_back();
        keys_.pop_back();
        return true;
    }
    bool start_array(std::size_t) {
        put(json::array());
        return true;
    }
    bool end_array() {
        stack_.pop_back();
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const json::exception& e) {
        throw InputError("input is not valid JSON: " + strip_json_prefix(e.what()));
    }

private:
    bool put(json v) {
        const bool container = v.is_object() || v.is_array();
        json* slot;
        if (stack_.empty()) {
            root_ = std::move(v);
            slot = &root_;
        } else if (stack_.back()->is_array()) {
            stack_.back()->push_back(std::move(v));
            slot = &stack_.back()->back();
        } else {
            slot = &(*stack_.back())[key_];
            *slot = std::move(v);
        }
        if (container) stack_.push_back(slot);
        return true;
    }

    json& root_;
    std::vector<json*> stack_;
    std::vector<std::set<std::string>> keys_;
    std::string key_;
};

}  // namespace

void internal_check_failed(const char* expr, const char* file, int line) {
    throw CircuitError(std::string("internal check failed in the generated witness code: ") + expr + " (" + file +
                       ":" + std::to_string(line) + ")");
}

void read_inputs(std::string_view text, const std::vector<InputSignal>& signals, std::uint32_t n_inputs,
                 FrElement* out) {
    // The DOM and the Reader below recurse once per level: bound the depth first.
    if (!peregrine::json_depth_ok(text)) throw InputError(peregrine::json_too_deep_message());
    json doc;
    Sax sax(doc);
    json::sax_parse(text.begin(), text.end(), &sax);
    if (!doc.is_object())
        throw InputError("input JSON must be an object mapping input signal names to values, got " + show(doc));
    Reader r(signals, n_inputs, out);
    for (const auto& [k, v] : doc.items()) r.assign(k, v);
    r.check_complete();
}

void write_wtns_header(std::uint8_t* out, std::uint32_t n) {
    auto u32 = [&out](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) *out++ = (std::uint8_t)(v >> (8 * i));
    };
    auto u64v = [&out](u64 v) {
        for (int i = 0; i < 8; ++i) *out++ = (std::uint8_t)(v >> (8 * i));
    };
    std::memcpy(out, "wtns", 4);
    out += 4;
    u32(2);   // version
    u32(2);   // sections
    u32(1);   // section 1: header
    u64v(40); // n8 (4) + prime (32) + count (4)
    u32(32);
    peregrine::limbs_to_le(Fr::MOD, out);
    out += 32;
    u32(n);
    u32(2);  // section 2: values
    u64v((u64)32 * n);
}

void write_wtns_value(std::uint8_t* out, const FrElement* v) {
    Limbs c;
    fr_to_canonical(c.data(), v);
    peregrine::limbs_to_le(c, out);
}

namespace {

// Placed just below the pointer alloc_large returns.
struct LargeHeader {
    void* base;
    std::size_t length;  // of the mapping; 0 for malloc
    std::uint64_t magic;
};
constexpr std::uint64_t kLargeMagic = 0x70677769746e6573ull;
constexpr std::size_t kHuge = std::size_t(2) << 20;
constexpr std::size_t kHeaderRoom = 64;
static_assert(sizeof(LargeHeader) <= kHeaderRoom, "header room");

// A few freed mappings kept for reuse, so that repeated calculations in one process do not fault
// their memory in again (what glibc's malloc does for its heap). Unmapped at exit or unload.
class MappingCache {
public:
    ~MappingCache() {
        for (const auto& m : free_) ::munmap(m.base, m.length);
    }
    // A cached mapping of at least `length` bytes (and not much more), or {nullptr, 0}.
    LargeHeader take(std::size_t length) {
        std::lock_guard<std::mutex> lock(mu_);
        for (std::size_t i = 0; i < free_.size(); ++i) {
            if (free_[i].length >= length && free_[i].length / 4 <= length) {
                const LargeHeader m = free_[i];
                free_.erase(free_.begin() + (long)i);
                return m;
            }
        }
        return LargeHeader{nullptr, 0, 0};
    }
    bool give(const LargeHeader& m) {
        if (m.length > kMaxCached) return false;
        std::lock_guard<std::mutex> lock(mu_);
        if (free_.size() >= kSlots) return false;
        free_.push_back(m);
        return true;
    }

private:
    static constexpr std::size_t kSlots = 6;
    static constexpr std::size_t kMaxCached = std::size_t(1) << 30;
    std::mutex mu_;
    std::vector<LargeHeader> free_;
};

MappingCache& mapping_cache() {
    static MappingCache c;
    return c;
}

}  // namespace

void* alloc_large(std::size_t bytes) {
    if (bytes < kHuge / 2) {
        void* raw = std::malloc(bytes + kHeaderRoom);
        if (!raw) throw std::bad_alloc();
        auto* p = static_cast<unsigned char*>(raw) + kHeaderRoom;
        *reinterpret_cast<LargeHeader*>(p - sizeof(LargeHeader)) = LargeHeader{raw, 0, kLargeMagic};
        return p;
    }
    std::size_t length = bytes + kHuge + kHeaderRoom;
    LargeHeader m = mapping_cache().take(length);
    if (!m.base) {
        m.base = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m.base == MAP_FAILED) throw std::bad_alloc();
        m.length = length;
    }
    const auto start = reinterpret_cast<std::uintptr_t>(m.base) + kHeaderRoom;
    auto* p = reinterpret_cast<unsigned char*>((start + kHuge - 1) & ~(std::uintptr_t)(kHuge - 1));
#ifdef MADV_HUGEPAGE
    ::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: fine if unsupported
#endif
    *reinterpret_cast<LargeHeader*>(p - sizeof(LargeHeader)) = LargeHeader{m.base, m.length, kLargeMagic};
    return p;
}

void free_large(void* p) {
    if (!p) return;
    const LargeHeader h = *reinterpret_cast<const LargeHeader*>(static_cast<unsigned char*>(p) - sizeof(LargeHeader));
    if (h.magic != kLargeMagic) std::abort();  // not from alloc_large: memory corruption
    if (!h.length) {
        std::free(h.base);
    } else if (!mapping_cache().give(h)) {
        ::munmap(h.base, h.length);
    }
}

std::string read_file(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        throw InputError("cannot read " + path + ": it is a directory");
    std::ifstream f(path, std::ios::binary);
    if (!f) throw InputError("cannot read " + path + ": " + std::strerror(errno));
    std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (f.bad()) throw InputError("cannot read " + path + ": read error");
    return s;
}

// Through the shared writer (util/io): a symlink, directory, device or FIFO target is refused and
// left as it is; the file is fsynced before the rename and its directory after.
void write_file_atomically(const std::string& path, const void* data, std::size_t size) {
    try {
        peregrine::write_file_atomically(path, std::string_view(static_cast<const char*>(data), size));
    } catch (const peregrine::Error& e) {
        throw InputError(e.what());
    }
}

void copy_message(const std::string& msg, char* err, std::size_t errmax) {
    if (!err || errmax == 0) return;
    const std::size_t n = msg.size() < errmax - 1 ? msg.size() : errmax - 1;
    std::memcpy(err, msg.data(), n);
    err[n] = '\0';
}

}  // namespace peregrine::witness
