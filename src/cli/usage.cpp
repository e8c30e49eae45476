// SPDX-License-Identifier: MIT OR Apache-2.0
#include "cli/usage.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <functional>
#include <vector>

namespace peregrine::cli {

namespace {

std::vector<CLI::App*> all_subcommands(CLI::App& app) {
    return app.get_subcommands(std::function<bool(CLI::App*)>{});
}

std::vector<const CLI::App*> all_subcommands(const CLI::App& app) {
    return app.get_subcommands(std::function<bool(const CLI::App*)>{});
}

bool has_options(const CLI::App& cmd) {
    const CLI::Option* help = cmd.get_help_ptr();
    for (const CLI::Option* o : cmd.get_options()) {
        if (o->nonpositional() && o != help) return true;
    }
    return false;
}

std::string bracketed(const std::string& name) { return name.rfind('<', 0) == 0 ? name : "<" + name + ">"; }

bool looks_like_option(const std::string& a) {
    return a.size() > 1 && a[0] == '-' && (a[1] == '-' || std::isalpha(static_cast<unsigned char>(a[1])));
}

std::string help_hint(const CLI::App& cmd) { return "'" + command_path(cmd) + " --help' describes the arguments"; }

// "did you mean ...?" when the closest of `candidates` is close enough to what was typed.
std::string did_you_mean(const std::string& typed, const std::vector<std::pair<std::string, std::string>>& candidates) {
    // candidates: (text compared, text suggested)
    std::size_t best = std::string::npos;
    std::string suggestion;
    for (const auto& [cmp, show] : candidates) {
        std::size_t d = edit_distance(typed, cmp);
        if (typed.size() >= 2 && cmp.rfind(typed, 0) == 0) d = std::min<std::size_t>(d, 1);
        if (d < best) {
            best = d;
            suggestion = show;
        }
    }
    if (best == std::string::npos || best > std::max<std::size_t>(1, typed.size() / 2)) return "";
    return "did you mean '" + suggestion + "'?";
}

// Every command below `app`, as (path relative to the root, command).
void collect_commands(const CLI::App& app, const std::string& prefix,
                      std::vector<std::pair<std::string, const CLI::App*>>& out) {
    for (const CLI::App* s : all_subcommands(app)) {
        const std::string path = prefix.empty() ? s->get_name() : prefix + " " + s->get_name();
        out.emplace_back(path, s);
        collect_commands(*s, path, out);
    }
}

std::string command_list(const CLI::App& level) {
    std::string s;
    for (const CLI::App* c : all_subcommands(level)) s += (s.empty() ? "" : ", ") + c->get_name();
    return s;
}

const CLI::App& root_of(const CLI::App& cmd) {
    const CLI::App* r = &cmd;
    while (r->get_parent()) r = r->get_parent();
    return *r;
}

// A word where a subcommand is expected that names none: "unknown command", with the closest one.
int unknown_command(const CLI::App& level, const std::string& word) {
    const std::string relative = command_path(level).substr(root_of(level).get_name().size());
    const std::string typed = (relative.empty() ? "" : relative.substr(1) + " ") + word;
    std::vector<std::pair<std::string, const CLI::App*>> cmds;
    collect_commands(root_of(level), "", cmds);
    std::vector<std::pair<std::string, std::string>> candidates;
    for (const auto& [path, c] : cmds) {
        candidates.emplace_back(path, path);
        candidates.emplace_back(c->get_name(), path);  // also `peregrine vk` -> `export vk`
    }
    // The commands of this level first (`export vkey` -> `export vk`, not `zkey`), then any command.
    std::vector<std::pair<std::string, std::string>> local;
    const std::size_t root_len = root_of(level).get_name().size() + 1;
    for (const CLI::App* c : all_subcommands(level)) local.emplace_back(c->get_name(), command_path(*c).substr(root_len));
    std::string hint = did_you_mean(word, local);
    if (hint.empty()) hint = did_you_mean(word, candidates);
    if (hint.empty()) hint = did_you_mean(typed, candidates);
    if (hint.empty()) hint = "commands: " + command_list(level) + " ('" + command_path(level) + " --help')";
    return report_usage_error(level, "unknown command '" + word + "'", hint);
}

// Before CLI11: each word that should name a subcommand must name one.
int check_command_words(CLI::App& app, int argc, char** argv) {
    CLI::App* level = &app;
    for (int i = 1; i < argc; ++i) {
        const std::string w = argv[i];
        const auto subs = all_subcommands(*level);
        if (subs.empty() || w.empty() || w[0] == '-') return -1;
        CLI::App* next = nullptr;
        for (CLI::App* s : subs) {
            if (s->check_name(w)) next = s;
        }
        if (!next) return level->get_require_subcommand_min() > 0 ? unknown_command(*level, w) : -1;
        level = next;
    }
    if (!all_subcommands(*level).empty() && level->get_require_subcommand_min() > 0) {
        return report_usage_error(*level, "missing command",
                                  "commands: " + command_list(*level) + " ('" + command_path(*level) + " --help')");
    }
    return -1;
}

int unknown_option(const CLI::App& cmd, const std::string& arg) {
    const std::string name = arg.substr(0, arg.find('='));
    std::vector<std::pair<std::string, std::string>> candidates;
    for (const CLI::Option* o : cmd.get_options()) {
        for (const auto& l : o->get_lnames()) candidates.emplace_back("--" + l, "--" + l);
        for (const auto& s : o->get_snames()) candidates.emplace_back("-" + s, "-" + s);
    }
    std::string hint = did_you_mean(name, candidates);
    if (hint.empty()) hint = "'" + command_path(cmd) + " --help' lists the options";
    return report_usage_error(cmd, "unknown option '" + name + "'", hint);
}

std::size_t positional_count(const CLI::App& cmd) {
    std::size_t n = 0;
    for (const CLI::Option* o : cmd.get_options()) n += o->get_positional() ? 1 : 0;
    return n;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string command_path(const CLI::App& cmd) {
    return cmd.get_parent() ? command_path(*cmd.get_parent()) + " " + cmd.get_name() : cmd.get_name();
}

std::string usage_line(const CLI::App& cmd) {
    std::string s = "usage: " + command_path(cmd);
    if (has_options(cmd)) s += " [options]";
    for (const CLI::Option* o : cmd.get_options()) {
        if (!o->get_positional()) continue;
        std::string n = bracketed(o->get_name());
        if (o->get_items_expected_max() > 1) n += "...";
        s += " " + (o->get_required() ? n : "[" + n + "]");
    }
    if (!all_subcommands(cmd).empty()) s += " <command>";
    return s;
}

int report_usage_error(const CLI::App& cmd, const std::string& msg, const std::string& hint) {
    const std::string where = cmd.get_parent() ? command_path(cmd).substr(root_of(cmd).get_name().size() + 1) + ": " : "";
    std::fprintf(stderr, "%s: error: %s%s\n", root_of(cmd).get_name().c_str(), where.c_str(), msg.c_str());
    std::fprintf(stderr, "hint: %s\n", (hint.empty() ? help_hint(cmd) : hint).c_str());
    std::fprintf(stderr, "%s\n", usage_line(cmd).c_str());
    return 2;
}

void finish_setup(CLI::App& app) {
    app.get_formatter()->column_width(34);
    std::function<void(CLI::App&)> visit = [&](CLI::App& a) {
        for (CLI::Option* o : a.get_options()) {
            if (o->get_positional()) o->type_name("");
        }
        for (CLI::App* s : all_subcommands(a)) visit(*s);
    };
    visit(app);
}

CLI::App& chosen_command(CLI::App& app) {
    CLI::App* c = &app;
    while (!c->get_subcommands().empty()) c = c->get_subcommands().back();
    return *c;
}

int parse_command_line(CLI::App& app, int argc, char** argv) {
    if (const int rc = check_command_words(app, argc, argv); rc >= 0) return rc;
    try {
        app.parse(argc, argv);
        return -1;
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        CLI::App& cmd = chosen_command(app);
        const std::vector<std::string> rest = cmd.remaining();
        for (const auto& r : rest) {
            if (looks_like_option(r)) return unknown_option(cmd, r);
        }
        const std::string what = e.what();
        const std::string req = " is required";
        if (what == "A subcommand is required") {
            return report_usage_error(cmd, "missing command", "commands: " + command_list(cmd));
        }
        if (what.size() > req.size() && what.compare(what.size() - req.size(), req.size(), req) == 0) {
            const std::string name = what.substr(0, what.size() - req.size());
            for (const CLI::Option* o : cmd.get_options()) {
                if (o->get_positional() && o->get_name() == name) {
                    return report_usage_error(cmd, "missing " + bracketed(name), "");
                }
            }
            return report_usage_error(cmd, "missing option " + name, "");
        }
        if (!rest.empty()) {
            const std::size_t n = positional_count(cmd);
            return report_usage_error(cmd, "unexpected argument '" + rest.front() + "'",
                                      "'" + command_path(cmd) + "' takes " + std::to_string(n) + " argument" +
                                          (n == 1 ? "" : "s") + "; " + help_hint(cmd));
        }
        const std::string conv = "Could not convert: ";
        if (what.rfind(conv, 0) == 0 && what.find(" = ") != std::string::npos) {
            const std::string body = what.substr(conv.size());
            const auto eq = body.find(" = ");
            return report_usage_error(cmd, "invalid value '" + body.substr(eq + 3) + "' for " + body.substr(0, eq), "");
        }
        return report_usage_error(cmd, what, "");
    }
}

std::string sniff_argument(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return "missing";
    if (S_ISDIR(st.st_mode)) return "directory";
    std::ifstream f(path, std::ios::binary);
    std::string head(4096, '\0');
    f.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(f.gcount()));
    const std::string magic = head.substr(0, 4);
    for (const char* m : {"zkey", "wtns", "r1cs", "ptau"}) {
        if (magic == m) return m;
    }
    if (magic == "\x7f" "ELF") return "elf";
    const auto p = head.find_first_not_of(" \t\r\n");
    if (p == std::string::npos) return "";
    if (head[p] == '[') return "json-array";
    if (head[p] != '{') return "";
    if (head.find("\"pi_a\"") != std::string::npos) return "proof";
    if (head.find("\"vk_alpha_1\"") != std::string::npos) return "vk";
    return "json";
}

}  // namespace peregrine::cli
