// SPDX-License-Identifier: MIT OR Apache-2.0
// Tokenizer and parser of circom's generated C++ (see graph_parse.hpp).
#include "graph_parse.hpp"

#include <cctype>
#include <cstring>
#include <unordered_set>

namespace peregrine::witness::graph {

Expr* Unit::new_expr(EK k) {
    constexpr std::size_t kBlock = 4096;
    if (expr_blocks.empty() || expr_used == kBlock) {
        expr_blocks.emplace_back(new Expr[kBlock]);
        expr_used = 0;
    }
    Expr* e = &expr_blocks.back()[expr_used++];
    e->k = k;
    return e;
}

Stmt* Unit::new_stmt(SK k) {
    constexpr std::size_t kBlock = 4096;
    if (stmt_blocks.empty() || stmt_used == kBlock) {
        stmt_blocks.emplace_back(new Stmt[kBlock]);
        stmt_used = 0;
    }
    Stmt* s = &stmt_blocks.back()[stmt_used++];
    s->k = k;
    return s;
}

int Unit::name_id(const std::string& s) {
    const auto it = name_map.find(s);
    if (it != name_map.end()) return it->second;
    names.push_back(s);
    return name_map[s] = (int)names.size() - 1;
}

namespace {

enum class TT : std::uint8_t { Ident, Num, Str, Punct, End };

// A punctuator's code: its characters packed into an integer (at most 3).
constexpr std::uint32_t pcode(const char* p) {
    std::uint32_t c = 0;
    for (int i = 0; i < 3 && p[i]; ++i) c |= (std::uint32_t)(unsigned char)p[i] << (8 * i);
    return c;
}

struct Tok {
    TT t;
    std::string text;  // Ident, Str (unescaped), Punct
    std::uint32_t code = 0;  // Punct: pcode(text)
    std::int64_t num = 0;
    int line = 0, circom_line = 0;
};

std::vector<Tok> tokenize(const std::string& s, const std::string& file) {
    std::vector<Tok> out;
    out.reserve(s.size() / 4);
    int line = 1, circom_line = 0;
    std::size_t i = 0;
    const std::size_t n = s.size();
    auto err = [&](const std::string& m) { throw GraphError(file + ":" + std::to_string(line) + ": " + m); };
    bool line_start = true;
    while (i < n) {
        const char c = s[i];
        if (c == '\n') {
            ++line;
            ++i;
            line_start = true;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            ++i;
            continue;
        }
        if (c == '#' && line_start) {  // preprocessor line
            while (i < n && s[i] != '\n') ++i;
            continue;
        }
        line_start = false;
        if (c == '/' && i + 1 < n && s[i + 1] == '/') {
            const std::size_t e = s.find('\n', i);
            const std::size_t end = e == std::string::npos ? n : e;
            static const char kLine[] = "// line circom ";
            if (s.compare(i, sizeof kLine - 1, kLine) == 0) circom_line = std::atoi(s.c_str() + i + sizeof kLine - 1);
            i = end;
            continue;
        }
        if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            const std::size_t e = s.find("*/", i + 2);
            if (e == std::string::npos) err("unterminated comment");
            for (std::size_t k = i; k < e; ++k) line += s[k] == '\n';
            i = e + 2;
            continue;
        }
        Tok t;
        t.line = line;
        t.circom_line = circom_line;
        if (std::isalpha((unsigned char)c) || c == '_') {
            std::size_t j = i;
            for (;;) {
                while (j < n && (std::isalnum((unsigned char)s[j]) || s[j] == '_')) ++j;
                if (j + 2 < n && s[j] == ':' && s[j + 1] == ':' && (std::isalpha((unsigned char)s[j + 2]) || s[j + 2] == '_')) {
                    j += 2;
                    continue;
                }
                break;
            }
            t.t = TT::Ident;
            t.text = s.substr(i, j - i);
            i = j;
        } else if (std::isdigit((unsigned char)c)) {
            std::size_t j = i;
            std::uint64_t v = 0;
            if (c == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
                j = i + 2;
                while (j < n && std::isxdigit((unsigned char)s[j])) {
                    const char d = s[j++];
                    v = v * 16 + (std::isdigit((unsigned char)d) ? d - '0' : (std::tolower(d) - 'a' + 10));
                }
            } else {
                while (j < n && std::isdigit((unsigned char)s[j])) {
                    if (v > (std::uint64_t)INT64_MAX / 10) err("integer literal too large");
                    v = v * 10 + (s[j++] - '0');
                }
            }
            while (j < n && (s[j] == 'u' || s[j] == 'U' || s[j] == 'l' || s[j] == 'L')) ++j;
            if (v > (std::uint64_t)INT64_MAX) err("integer literal too large");
            t.t = TT::Num;
            t.num = (std::int64_t)v;
            i = j;
        } else if (c == '"') {
            std::size_t j = i + 1;
            std::string v;
            while (j < n && s[j] != '"') {
                if (s[j] == '\n') err("newline in a string literal");
                if (s[j] == '\\' && j + 1 < n) {
                    const char e = s[j + 1];
                    v += e == 'n' ? '\n' : e == 't' ? '\t' : e;
                    j += 2;
                } else {
                    v += s[j++];
                }
            }
            if (j >= n) err("unterminated string literal");
            t.t = TT::Str;
            t.text = std::move(v);
            i = j + 1;
        } else {
            static const char* kOps3[] = {"<<=", ">>="};
            static const char* kOps2[] = {"->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=", "/=", "::"};
            t.t = TT::Punct;
            for (const char* o : kOps3)
                if (s.compare(i, 3, o) == 0) t.text = o;
            if (t.text.empty())
                for (const char* o : kOps2)
                    if (s.compare(i, 2, o) == 0) t.text = o;
            if (t.text.empty()) {
                if (!std::strchr("{}()[];,.+-*/%<>=!&|^~?:", c)) err(std::string("unexpected character '") + c + "'");
                t.text = std::string(1, c);
            }
            i += t.text.size();
            t.code = pcode(t.text.c_str());
        }
        out.push_back(std::move(t));
    }
    Tok e;
    e.t = TT::End;
    e.line = line;
    out.push_back(e);
    return out;
}

const std::unordered_set<std::string>& type_names() {
    static const std::unordered_set<std::string> k = {
        "uint", "int", "u64", "u32", "u8", "bool", "FrElement", "PFrElement", "std::string", "Circom_CalcWit",
        "Circom_TemplateFunction", "size_t", "unsigned", "char", "auto", "void", "uint64_t", "uint32_t", "int64_t",
        "int32_t", "const", "IOFieldDef", "IOFieldDefPair"};
    return k;
}

class Parser {
public:
    Parser(std::vector<Tok> toks, Unit& u, std::string file) : t_(std::move(toks)), u_(u), file_(std::move(file)) {}

    void unit() {
        while (cur().t != TT::End) top_item();
    }

private:
    std::vector<Tok> t_;
    std::size_t p_ = 0;
    Unit& u_;
    std::string file_;
    std::vector<std::unordered_map<std::string, int>> scopes_;
    int n_slots_ = 0;

    const Tok& cur() const { return t_[p_]; }
    const Tok& peek(std::size_t k) const { return t_[std::min(p_ + k, t_.size() - 1)]; }
    [[noreturn]] void err(const std::string& m) const {
        throw GraphError(file_ + ":" + std::to_string(cur().line) + ": " + m + " (near '" +
                         (cur().t == TT::End ? std::string("end of file") : cur().text) + "')");
    }
    bool is(const char* punct) const { return cur().t == TT::Punct && cur().code == pcode(punct); }
    bool accept(const char* punct) {
        if (!is(punct)) return false;
        ++p_;
        return true;
    }
    void expect(const char* punct) {
        if (!accept(punct)) err(std::string("expected '") + punct + "'");
    }
    std::string ident() {
        if (cur().t != TT::Ident) err("expected a name");
        return t_[p_++].text;
    }
    bool at_type() const {
        if (cur().t != TT::Ident || !type_names().count(cur().text)) return false;
        std::size_t k = 1;
        while (peek(k).t == TT::Ident && type_names().count(peek(k).text)) ++k;  // "const uint", "unsigned int"
        while (peek(k).t == TT::Punct && peek(k).text == "*") ++k;
        return peek(k).t == TT::Ident;
    }
    // Type: returns whether it is a plain FrElement (not a pointer).
    bool type() {
        std::string base;
        while (cur().t == TT::Ident && type_names().count(cur().text)) base = t_[p_++].text;
        if (base.empty()) base = ident();
        bool ptr = false;
        while (accept("*")) ptr = true;
        return base == "FrElement" && !ptr;
    }
    int declare(const std::string& name) {
        scopes_.back()[name] = n_slots_;
        return n_slots_++;
    }

    void top_item() {
        if (cur().t != TT::Ident) err("expected a declaration");
        type();
        const std::string name = ident();
        if (accept("[")) {  // a table: T name[n] = { a, b, ... };
            while (!is("]") && cur().t != TT::End) ++p_;
            expect("]");
            expect("=");
            expect("{");
            std::vector<std::string> items;
            while (!is("}")) {
                if (cur().t == TT::Ident) items.push_back(ident());
                else err("unsupported table entry");
                if (!accept(",")) break;
            }
            expect("}");
            expect(";");
            u_.tables[name] = std::move(items);
            return;
        }
        expect("(");
        scopes_.assign(1, {});
        n_slots_ = 0;
        int n_params = 0;
        if (!is(")")) {
            for (;;) {
                type();
                declare(ident());
                ++n_params;
                if (!accept(",")) break;
            }
        }
        expect(")");
        if (accept(";")) return;  // a declaration
        Function f;
        f.name = name;
        f.line = cur().line;
        f.n_params = n_params;
        f.body = block();
        f.n_slots = n_slots_;
        if (u_.function_index.count(name)) err("function " + name + " defined twice");
        u_.function_index[name] = (int)u_.functions.size();
        u_.functions.push_back(std::move(f));
    }

    Stmt* block() {
        Stmt* s = u_.new_stmt(SK::Block);
        s->line = cur().line;
        expect("{");
        scopes_.emplace_back();
        while (!accept("}")) {
            if (cur().t == TT::End) err("unterminated block");
            s->list.push_back(statement());
        }
        scopes_.pop_back();
        return s;
    }

    Stmt* statement() {
        const Tok& t0 = cur();
        const int line = t0.line, cline = t0.circom_line;
        Stmt* s = nullptr;
        if (is("{")) {
            s = block();
        } else if (accept(";")) {
            s = u_.new_stmt(SK::Nop);
        } else if (t0.t == TT::Ident && t0.text == "if") {
            ++p_;
            s = u_.new_stmt(SK::If);
            expect("(");
            s->e = expr();
            expect(")");
            s->a = scoped_statement();
            if (cur().t == TT::Ident && cur().text == "else") {
                ++p_;
                s->b = scoped_statement();
            }
        } else if (t0.t == TT::Ident && t0.text == "while") {
            ++p_;
            s = u_.new_stmt(SK::While);
            expect("(");
            s->e = expr();
            expect(")");
            s->a = scoped_statement();
        } else if (t0.t == TT::Ident && t0.text == "for") {
            ++p_;
            s = u_.new_stmt(SK::For);
            scopes_.emplace_back();
            expect("(");
            s->b = statement();  // init (a declaration or an expression statement, with its ';')
            s->e = is(";") ? nullptr : expr();
            expect(";");
            s->step = is(")") ? nullptr : expr();
            expect(")");
            s->a = scoped_statement();
            scopes_.pop_back();
        } else if (t0.t == TT::Ident && t0.text == "return") {
            ++p_;
            s = u_.new_stmt(SK::Return);
            if (!is(";")) s->e = expr();
            expect(";");
        } else if (t0.t == TT::Ident && t0.text == "delete") {  // delete []p; (only in release_memory_component)
            ++p_;
            if (accept("[")) expect("]");
            expr();
            expect(";");
            s = u_.new_stmt(SK::Nop);
        } else if (at_type()) {
            s = declaration();
        } else {
            s = u_.new_stmt(SK::Expr);
            s->e = expr();
            expect(";");
        }
        s->line = line;
        s->circom_line = cline;
        return s;
    }

    Stmt* scoped_statement() {
        scopes_.emplace_back();
        Stmt* s = statement();
        scopes_.pop_back();
        return s;
    }

    Stmt* declaration() {
        Stmt* s = u_.new_stmt(SK::Decl);
        s->fr = type();
        const std::string name = ident();
        if (accept("[")) {
            s->array_size = expr();
            expect("]");
        }
        // The initialiser is evaluated before the name is in scope (as for `uint x = x + 1` in C++,
        // which circom does not write anyway).
        if (accept("=")) {
            if (accept("{")) {
                s->has_init_list = true;
                while (!is("}")) {
                    s->init_list.push_back(expr());
                    if (!accept(",")) break;
                }
                expect("}");
            } else {
                s->e = expr();
            }
        }
        if (is(",")) err("several declarators in one declaration are not supported");
        expect(";");
        s->slot = declare(name);
        return s;
    }

    Expr* mk(EK k, int line) {
        Expr* e = u_.new_expr(k);
        e->line = line;
        return e;
    }

    Expr* expr() { return assignment(); }

    Expr* assignment() {
        Expr* l = binary(0);
        const int line = cur().line;
        static const char* kAssign[] = {"=", "+=", "-=", "*=", "/=", "<<=", ">>="};
        for (const char* a : kAssign) {
            if (is(a)) {
                ++p_;
                Expr* e = mk(EK::Assign, line);
                e->op = a[1] == 0 ? 0 : a[0] == '<' ? (int)kOpShl : a[0] == '>' ? (int)kOpShr : (int)a[0];
                e->kids = {l, assignment()};
                return e;
            }
        }
        if (is("?")) err("the ?: operator is not supported");
        return l;
    }

    // Binary operators by precedence level (lowest first).
    Expr* binary(int level) {
        static const std::vector<std::vector<std::pair<const char*, int>>> kLevels = {
            {{"||", kOpLOr}},
            {{"&&", kOpLAnd}},
            {{"|", kOpOr}},
            {{"^", kOpXor}},
            {{"&", kOpAnd}},
            {{"==", kOpEq}, {"!=", kOpNe}},
            {{"<", kOpLt}, {">", kOpGt}, {"<=", kOpLe}, {">=", kOpGe}},
            {{"<<", kOpShl}, {">>", kOpShr}},
            {{"+", kOpAdd}, {"-", kOpSub}},
            {{"*", kOpMul}, {"/", kOpDiv}, {"%", kOpMod}},
        };
        if (level == (int)kLevels.size()) return unary();
        Expr* l = binary(level + 1);
        for (;;) {
            int op = -1;
            if (cur().t == TT::Punct)
                for (const auto& [text, code] : kLevels[level])
                    if (cur().code == pcode(text)) op = code;
            if (op < 0) return l;
            const int line = cur().line;
            ++p_;
            Expr* e = mk(EK::Binary, line);
            e->op = op;
            e->kids = {l, binary(level + 1)};
            l = e;
        }
    }

    Expr* unary() {
        const int line = cur().line;
        for (const char* u : {"!", "-", "&", "*", "~"}) {
            if (is(u)) {
                ++p_;
                Expr* e = mk(EK::Unary, line);
                e->op = u[0];
                e->kids = {unary()};
                return e;
            }
        }
        if (is("++") || is("--")) err("prefix ++/-- is not supported");
        if (cur().t == TT::Ident && cur().text == "new") {
            ++p_;
            type();
            Expr* e = mk(EK::New, line);
            expect("[");
            e->kids.push_back(expr());
            expect("]");
            if (accept("{")) {
                while (!is("}")) {
                    e->kids.push_back(expr());
                    if (!accept(",")) break;
                }
                expect("}");
            }
            return e;
        }
        return postfix(primary());
    }

    Expr* postfix(Expr* e) {
        for (;;) {
            const int line = cur().line;
            if (accept("[")) {
                Expr* x = mk(EK::Index, line);
                x->kids = {e, expr()};
                expect("]");
                e = x;
            } else if (is(".") || is("->")) {
                ++p_;
                Expr* x = mk(EK::Member, line);
                x->kids = {e};
                x->name = u_.name_id(ident());
                e = x;
            } else if (accept("(")) {
                Expr* x = mk(EK::Call, line);
                x->kids = {e};
                if (!is(")")) {
                    for (;;) {
                        x->kids.push_back(expr());
                        if (!accept(",")) break;
                    }
                }
                expect(")");
                e = x;
            } else if (is("++") || is("--")) {
                Expr* x = mk(EK::PostInc, line);
                x->op = cur().text[0];
                ++p_;
                x->kids = {e};
                e = x;
            } else {
                return e;
            }
        }
    }

    Expr* primary() {
        const Tok& t = cur();
        const int line = t.line;
        if (t.t == TT::Num) {
            Expr* e = mk(EK::Num, line);
            e->num = t.num;
            ++p_;
            return e;
        }
        if (t.t == TT::Str) {
            Expr* e = mk(EK::Str, line);
            e->str = (int)u_.strings.size();
            u_.strings.push_back(t.text);
            ++p_;
            return e;
        }
        if (t.t == TT::Ident) {
            if (t.text == "true" || t.text == "false") {
                Expr* e = mk(EK::Num, line);
                e->num = t.text == "true";
                ++p_;
                return e;
            }
            const std::string name = t.text;
            ++p_;
            for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
                const auto f = it->find(name);
                if (f != it->end()) {
                    Expr* e = mk(EK::Local, line);
                    e->slot = f->second;
                    return e;
                }
            }
            Expr* e = mk(EK::Global, line);
            e->name = u_.name_id(name);
            return e;
        }
        if (accept("(")) {
            if (at_type()) err("casts are not supported");
            Expr* e = expr();
            expect(")");
            return e;
        }
        err("expected an expression");
    }
};

}  // namespace

std::unique_ptr<Unit> parse_unit(const std::string& code, const std::string& file) {
    auto u = std::make_unique<Unit>();
    Parser p(tokenize(code, file), *u, file);
    p.unit();
    return u;
}

}  // namespace peregrine::witness::graph
