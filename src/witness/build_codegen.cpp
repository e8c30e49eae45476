// SPDX-License-Identifier: MIT OR Apache-2.0
// Generated sources of `circuit build` (see build_codegen.hpp).
#include "witness/build_codegen.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>

#include "witness/build_util.hpp"

namespace peregrine::witness::detail {

std::uint64_t generated_constant(const std::string& code, const std::string& fn) {
    const std::string key = fn + "() {return ";
    const auto p = code.find(key);
    if (p == std::string::npos) throw Failure("unexpected generated code: no " + fn + "()");
    return std::strtoull(code.c_str() + p + key.size(), nullptr, 10);
}

namespace {

std::size_t replace_all(std::string& s, const std::string& from, const std::string& to) {
    std::size_t n = 0;
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
        s.replace(p, from.size(), to);
        ++n;
    }
    return n;
}

std::uint64_t fnv1a(const std::string& s) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001B3ull;
    }
    return h;
}

std::string c_string(const std::string& s) {
    std::string r = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') r += '\\', r += (char)c;
        else if (c < 0x20 || c >= 0x7f) {
            char b[8];
            std::snprintf(b, sizeof b, "\\%03o", c);
            r += b;
        } else r += (char)c;
    }
    return r + "\"";
}

}  // namespace

std::vector<InputKey> main_inputs(const std::string& sym_path, const std::string& dat_path, std::uint64_t start,
                                  std::uint64_t count, std::uint64_t hash_size) {
    // Element names by offset.
    std::vector<std::string> names(count);
    std::istringstream sym(read_text(sym_path));
    std::string line;
    while (std::getline(sym, line)) {
        // idx,witness_idx,component_idx,name
        const auto c1 = line.find(','), c2 = line.find(',', c1 + 1), c3 = line.find(',', c2 + 1);
        if (c3 == std::string::npos) continue;
        const std::uint64_t idx = std::strtoull(line.c_str(), nullptr, 10);
        if (idx < start || idx >= start + count) continue;
        std::string name = line.substr(c3 + 1);
        while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.pop_back();
        if (name.rfind("main.", 0) == 0) name = name.substr(5);
        names[idx - start] = name;
    }
    // Candidate keys: every prefix of an element name ending before '[' or '.', and the name.
    std::map<std::string, std::vector<std::uint32_t>> cand;
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::string& n = names[i];
        if (n.empty()) continue;
        for (std::size_t k = 1; k <= n.size(); ++k)
            if (k == n.size() || n[k] == '[' || n[k] == '.') cand[n.substr(0, k)].push_back(i);
    }
    // circom's input hash table from the .dat.
    const std::string dat = read_text(dat_path);
    if (dat.size() < hash_size * 24) throw Failure(dat_path + " is too short for its input hash table");
    std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> table;
    for (std::uint64_t i = 0; i < hash_size; ++i) {
        std::uint64_t e[3];
        std::memcpy(e, dat.data() + 24 * i, 24);
        if (e[1] != 0) table[e[0]] = {e[1], e[2]};
    }
    std::vector<InputKey> keys;
    for (const auto& [name, elems] : cand) {
        const auto it = table.find(fnv1a(name));
        if (it == table.end()) continue;
        const std::uint32_t lo = *std::min_element(elems.begin(), elems.end());
        if (it->second.first != start + lo || it->second.second != elems.size()) continue;
        InputKey k;
        k.name = name;
        k.offset = lo;
        k.size = (std::uint32_t)elems.size();
        // Dimensions when every element is name[i][j]...
        std::vector<std::uint32_t> dims;
        bool ok = true;
        for (std::uint32_t e : elems) {
            const std::string suffix = names[e].substr(name.size());
            std::size_t p = 0, level = 0;
            while (ok && p < suffix.size()) {
                if (suffix[p] != '[') {
                    ok = false;
                    break;
                }
                const auto q = suffix.find(']', p);
                if (q == std::string::npos) {
                    ok = false;
                    break;
                }
                const std::uint32_t v = (std::uint32_t)std::strtoul(suffix.c_str() + p + 1, nullptr, 10);
                if (level >= dims.size()) {
                    if (e != elems.front()) ok = false;
                    dims.push_back(0);
                }
                if (ok) dims[level] = std::max(dims[level], v + 1);
                ++level;
                p = q + 1;
            }
            if (ok && level != dims.size()) ok = false;
            if (!ok) break;
        }
        std::uint64_t prod = 1;
        for (auto d : dims) prod *= d;
        if (ok && prod == k.size) k.dims = dims;
        keys.push_back(k);
    }
    std::sort(keys.begin(), keys.end(), [](const InputKey& a, const InputKey& b) {
        return a.offset != b.offset ? a.offset < b.offset : a.size > b.size;
    });
    // Every table entry should have been named.
    if (keys.size() < table.size()) {
        std::fprintf(stderr,
                     "circuit build: warning: %zu of circom's %zu input names could not be recovered from %s; "
                     "those inputs will be reported by number\n",
                     table.size() - keys.size(), table.size(), sym_path.c_str());
    }
    return keys;
}

std::string inputs_inc(const std::string& circuit_name, const std::vector<InputKey>& keys) {
    std::string s = "// Generated by peregrine circuit build.\n";
    s += "static const char kCircuitName[] = " + c_string(circuit_name) + ";\n";
    s += "static const InputDef kInputDefs[] = {\n";
    for (const auto& k : keys) {
        std::string dims;
        for (std::size_t i = 0; i < k.dims.size(); ++i) {
            if (i) dims += ',';
            dims += std::to_string(k.dims[i]);
        }
        s += "    {" + c_string(k.name) + ", " + std::to_string(k.offset) + ", " + std::to_string(k.size) + ", " +
             c_string(dims) + "},\n";
    }
    if (keys.empty()) s += "    {\"\", 0, 0, \"\"},\n";
    s += "};\n";
    s += "static const std::size_t kInputDefCount = " + std::to_string(keys.size()) + ";\n";
    return s;
}

const char* const kVersionScript =
    "{\n  global:\n    pg_witness_abi_version;\n    pg_witness_circuit_name;\n    pg_witness_size;\n"
    "    pg_witness_calculate;\n    pg_witness_free;\n  local:\n    *;\n};\n";

const char* const kMainCpp =
    "// Generated by peregrine circuit build.\n"
    "extern \"C\" int pg_witness_main(int argc, char** argv);\n"
    "int main(int argc, char** argv) { return pg_witness_main(argc, argv); }\n";

void patch_circuit_code(std::string& code) {
    replace_all(code, "std::cout << \"Failed assert in template/function \"",
                "throw ::peregrine::witness::AssertFailure() << \"Failed assert in template/function \"");
    const std::string rel = "void release_memory_component(Circom_CalcWit* ctx, uint pos) {";
    if (replace_all(code, rel, rel + "pgw_release_component(ctx, pos); return;") != 1)
        throw Failure("unexpected generated code: release_memory_component not found");
}

std::string patch_circom_hpp(std::string code) {
    replace_all(code, "#include <gmp.h>\n", "");  // no GMP: Peregrine's fr.hpp does not use it
    return code;
}

namespace {

// One top-level item of the generated code: [begin, end) in the text; `open` is the offset of its
// first '{' (npos for a declaration or a preprocessor line).
struct Item {
    std::size_t begin = 0, end = 0, open = std::string::npos;
    bool preprocessor = false;
};

// Cuts the code into top-level items: a preprocessor line, or text up to a ';' at brace depth 0,
// or up to the '}' closing depth 1 (each extended to the end of its line). String and character
// literals and comments are skipped.
std::vector<Item> top_level_items(const std::string& s) {
    std::vector<Item> items;
    const std::size_t n = s.size();
    auto line_end = [&](std::size_t p) {
        const auto nl = s.find('\n', p);
        return nl == std::string::npos ? n : nl + 1;
    };
    Item cur;
    int depth = 0;
    for (std::size_t i = 0; i < n;) {
        const char c = s[i];
        if (c == '#' && depth == 0 && (i == 0 || s[i - 1] == '\n') && s.find_first_not_of(" \t\r\n", cur.begin) == i) {
            Item pp;
            pp.begin = cur.begin;
            pp.end = line_end(i);
            pp.preprocessor = true;
            items.push_back(pp);
            cur = Item{};
            cur.begin = i = pp.end;
            continue;
        }
        if (c == '"' || c == '\'') {
            std::size_t j = i + 1;
            while (j < n && s[j] != c && s[j] != '\n') j += s[j] == '\\' ? 2 : 1;
            if (j >= n || s[j] != c) throw Failure("unexpected generated code: unterminated literal");
            i = j + 1;
            continue;
        }
        if (c == '/' && i + 1 < n && s[i + 1] == '/') {
            i = line_end(i);
            continue;
        }
        if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            const auto e = s.find("*/", i + 2);
            if (e == std::string::npos) throw Failure("unexpected generated code: unterminated comment");
            i = e + 2;
            continue;
        }
        if (c == '{') {
            if (depth == 0 && cur.open == std::string::npos) cur.open = i;
            ++depth;
        } else if (c == '}') {
            if (--depth < 0) throw Failure("unexpected generated code: unbalanced braces");
        }
        if ((c == '}' || c == ';') && depth == 0) {
            cur.end = line_end(i);
            items.push_back(cur);
            cur = Item{};
            cur.begin = i = items.back().end;
            continue;
        }
        ++i;
    }
    if (depth != 0) throw Failure("unexpected generated code: unbalanced braces");
    if (s.find_first_not_of(" \t\r\n", cur.begin) != std::string::npos) {
        cur.end = n;
        items.push_back(cur);
    }
    return items;
}

// Text without the // comment lines.
std::string without_comment_lines(const std::string& s) {
    std::string r;
    std::istringstream in(s);
    std::string line;
    while (std::getline(in, line)) {
        const auto p = line.find_first_not_of(" \t\r");
        if (p != std::string::npos && line.compare(p, 2, "//") == 0) continue;
        r += line;
        r += '\n';
    }
    return r;
}

// The identifier just before the first '(' or '[' (or '=') of a definition's head.
std::string defined_name(const std::string& head) {
    std::size_t e = head.find_first_of("([=");
    if (e == std::string::npos) e = head.size();
    while (e > 0 && (head[e - 1] == ' ' || head[e - 1] == '\n' || head[e - 1] == '\t')) --e;
    std::size_t b = e;
    while (b > 0 && (std::isalnum((unsigned char)head[b - 1]) || head[b - 1] == '_')) --b;
    return head.substr(b, e - b);
}

}  // namespace

std::size_t unit_target_bytes(std::size_t total) {
    std::size_t t = 256 * 1024;
    while (t < 1024 * 1024 && t * 16 * 3 / 2 < total) t *= 2;  // the power of two nearest total/16
    return t;
}

SplitCode split_circuit_code(const std::string& code, const std::string& header_name, const std::string& base_name,
                             const std::string& prefix, std::size_t target, std::size_t huge) {
    const std::vector<Item> items = top_level_items(code);
    SplitCode out;
    std::string includes, decls, defined;
    struct Def {
        std::string name, text;
    };
    std::vector<Def> defs;
    std::string bookkeeping;
    for (const Item& it : items) {
        const std::string text = code.substr(it.begin, it.end - it.begin);
        if (it.preprocessor) {
            includes += text;
        } else if (it.open == std::string::npos) {
            decls += text;
        } else {
            std::string head = without_comment_lines(code.substr(it.begin, it.open - it.begin));
            while (!head.empty() && std::isspace((unsigned char)head.back())) head.pop_back();
            if (head.find("static ") != std::string::npos || head.find("inline ") != std::string::npos)
                throw Failure("unexpected generated code: a static or inline definition: " + head.substr(0, 80));
            if (!head.empty() && head.back() == '=') {  // a table: Circom_TemplateFunction _functionTable[76] = {
                head.pop_back();
                defined += "extern " + head + ";\n";
            } else {
                defined += head + ";\n";
            }
            const std::string fn = defined_name(head);
            // The tables and the circuit's sizes (get_total_signal_no() ...) change with almost
            // any edit of the circuit: they get a small unit of their own.
            if (head.empty() || head.back() != ')' || fn.rfind("get_", 0) == 0 || fn == "run") bookkeeping += text;
            else defs.push_back({fn, text});
        }
    }
    if (defs.empty()) throw Failure("unexpected generated code: no definitions");
    const std::string guard = "PGW_CIRCUIT_HPP_";
    out.base = "// Generated by peregrine circuit build: the headers every unit includes (precompiled).\n"
               "#ifndef PGW_BASE_HPP_\n#define PGW_BASE_HPP_\n" + includes + "#include \"pgw_prelude.hpp\"\n#endif\n";
    out.header = "// Generated by peregrine circuit build from circom's code: what every unit needs.\n#ifndef " + guard +
                 "\n#define " + guard + "\n#include \"" + base_name + "\"\n" + decls + defined + "#endif\n";
    const std::string include_line = "#include \"" + header_name + "\"\n";
    CodeUnit cur;
    std::size_t bytes = 0;
    auto flush = [&]() {
        if (bytes == 0) return;
        out.units.push_back(std::move(cur));
        cur = CodeUnit{};
        bytes = 0;
    };
    for (auto& d : defs) {
        if (d.text.size() >= huge) {
            flush();
            out.units.push_back({prefix + d.name, include_line + d.text, true});
            continue;
        }
        if (bytes == 0) {
            cur.stem = prefix + d.name;
            cur.text = include_line;
        }
        cur.text += d.text;
        bytes += d.text.size();
        if (bytes >= 2 * target || (bytes >= target && fnv1a(d.name) % 4 == 0)) flush();
    }
    // A small tail joins the unit before it rather than costing a compiler run.
    if (bytes > 0 && bytes < target / 4 && !out.units.empty() && !out.units.back().huge)
        out.units.back().text += cur.text.substr(include_line.size());
    else
        flush();
    if (!bookkeeping.empty()) out.units.push_back({prefix + "pgw_tables", include_line + bookkeeping, false});
    return out;
}

}  // namespace peregrine::witness::detail
