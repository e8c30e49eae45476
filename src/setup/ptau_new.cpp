// SPDX-License-Identifier: MIT OR Apache-2.0
// ptau new and info.
#include <cstring>
#include <sstream>

#include "formats/binwriter.hpp"
#include "setup/ptau.hpp"
#include "setup/ptau_file.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace peregrine::setup {

namespace {

void write_repeated(BinWriter& w, const std::uint8_t* pt, std::size_t sz, std::size_t n) {
    constexpr std::size_t kRep = 4096;
    std::vector<std::uint8_t> b(sz * kRep);
    for (std::size_t i = 0; i < kRep; ++i) std::memcpy(&b[sz * i], pt, sz);
    for (std::size_t i = 0; i < n; i += kRep) w.write(b.data(), sz * std::min(kRep, n - i));
}

}  // namespace

Hash64 ptau_new(unsigned power, const std::string& out_path, const PtauRunOptions& o) {
    if (power < 1 || power > 28) throw Error("ptau new: power must be 1..28 (got " + std::to_string(power) + ")");
    Progress prog("new", 5, o.progress);
    std::uint8_t g1[64], g2[128];
    g1_to_lem(g1_generator(), g1);
    g2_to_lem(g2_generator(), g2);
    const std::size_t n = std::size_t(1) << power;
    BinWriter w(out_path, "ptau", 1, 7);
    write_ptau_header(w, power, power);
    const std::pair<std::uint32_t, std::size_t> secs[] = {{2, 2 * n - 1}, {3, n}, {4, n}, {5, n}, {6, 1}};
    for (auto [id, cnt] : secs) {
        w.begin_section(id);
        if (id == 3 || id == 6) write_repeated(w, g2, 128, cnt);
        else write_repeated(w, g1, 64, cnt);
        w.end_section();
        prog.advance();
    }
    write_contributions(w, {});
    w.commit();
    prog.done();
    return first_challenge_hash(power);
}

std::string ptau_info(const std::string& path) {
    PtauFile f(path);
    std::ostringstream s;
    s << "file: " << path << "\n";
    s << "curve: bn128\n";
    s << "power: " << f.power() << "\n";
    s << "ceremony power: " << f.ceremony_power() << "\n";
    s << "prepared for phase 2: " << (f.prepared() ? "yes" : "no") << "\n";
    s << "contributions: " << f.contributions().size() << "\n";
    std::size_t i = 0;
    for (const PtauContribution& c : f.contributions()) {
        ++i;
        s << "  #" << i << " " << (c.type == 1 ? "beacon" : "contribution");
        if (!c.name.empty()) s << " \"" << c.name << "\"";
        s << "\n";
        if (c.type == 1) {
            s << "    beacon hash: ";
            for (std::uint8_t b : c.beacon_hash) {
                char h[3];
                std::snprintf(h, sizeof h, "%02x", b);
                s << h;
            }
            s << ", iterations exponent " << c.num_iterations_exp << "\n";
        }
        s << "    response hash:\n" << format_hash(c.response_hash) << "\n";
        s << "    next challenge:\n" << format_hash(c.next_challenge) << "\n";
    }
    return s.str();
}

}  // namespace peregrine::setup
