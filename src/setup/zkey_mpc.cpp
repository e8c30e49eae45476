// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/zkey_mpc.hpp"

#include <cstdio>
#include <cstring>

#include "util/error.hpp"

namespace peregrine::setup {

namespace {

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(std::uint8_t(v >> (8 * i)));
}

void put_g1(std::vector<std::uint8_t>& out, const G1Affine& p) {
    std::uint8_t b[64];
    g1_to_lem(p, b);
    out.insert(out.end(), b, b + 64);
}

void put_g2(std::vector<std::uint8_t>& out, const G2Affine& p) {
    std::uint8_t b[128];
    g2_to_lem(p, b);
    out.insert(out.end(), b, b + 128);
}

// Decodes UTF-8 leniently (as TextDecoder does: each invalid sequence becomes U+FFFD).
std::vector<char32_t> decode_utf8(const std::string& s) {
    std::vector<char32_t> cps;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned c = p[i];
        unsigned len = 0;
        char32_t cp = 0, min = 0;
        if (c < 0x80) {
            cps.push_back(c);
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        }
        bool ok = len != 0 && i + len <= n;
        for (unsigned k = 1; ok && k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) ok = false;
            else cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
        if (!ok) {
            cps.push_back(0xFFFD);
            ++i;
            while (i < n && (p[i] & 0xC0) == 0x80 && len > 1) ++i, --len;  // skip the broken tail
            continue;
        }
        cps.push_back(cp);
        i += len;
    }
    return cps;
}

void encode_utf8(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

}  // namespace

std::string truncate_contribution_name(const std::string& name) {
    std::string out;
    unsigned units = 0;
    for (char32_t cp : decode_utf8(name)) {
        const unsigned u = cp >= 0x10000 ? 2 : 1;
        if (units + u > 64) {
            // substring(0, 64) cuts a surrogate pair in half: the lone half encodes as U+FFFD.
            if (units < 64) encode_utf8(0xFFFD, out);
            break;
        }
        units += u;
        encode_utf8(cp, out);
    }
    return out;
}

MpcParams parse_mpc_params(Bytes section, const std::string& what) {
    const std::string ctx = what + ": MPC parameters (section 10)";
    Reader r(section, ctx);
    MpcParams p;
    std::memcpy(p.cs_hash.data(), r.take(64).data, 64);
    const std::uint32_t n = r.u32();
    // Each contribution takes at least 64*3 + 128 + 64 + 8 bytes: reject absurd counts early.
    if (std::size_t(n) * 392 > r.remaining()) {
        throw Error(ctx + ": " + std::to_string(n) + " contributions do not fit in the section");
    }
    p.contributions.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        ZkeyContribution& c = p.contributions[i];
        c.delta_after = g1_from_lem(r.take(64).data);
        c.g1_s = g1_from_lem(r.take(64).data);
        c.g1_sx = g1_from_lem(r.take(64).data);
        c.g2_spx = g2_from_lem(r.take(128).data);
        std::memcpy(c.transcript.data(), r.take(64).data, 64);
        c.type = r.u32();
        const std::uint32_t plen = r.u32();
        Bytes pb = r.take(plen);
        Reader pr(pb, ctx + ", contribution " + std::to_string(i + 1) + " parameters");
        unsigned last = 0;
        while (pr.remaining() > 0) {
            const unsigned id = pr.take(1).data[0];
            if (id <= last) {
                throw Error(ctx + ": contribution " + std::to_string(i + 1) + " has unsorted parameters");
            }
            last = id;
            if (id == 1) {
                const unsigned len = pr.take(1).data[0];
                Bytes s = pr.take(len);
                c.name.assign(reinterpret_cast<const char*>(s.data), s.size);
            } else if (id == 2) {
                c.has_exp = true;
                c.num_iterations_exp = pr.take(1).data[0];
            } else if (id == 3) {
                const unsigned len = pr.take(1).data[0];
                Bytes s = pr.take(len);
                c.has_beacon = true;
                c.beacon_hash.assign(s.data, s.data + s.size);
            } else {
                throw Error(ctx + ": contribution " + std::to_string(i + 1) + " has an unknown parameter " +
                            std::to_string(id));
            }
        }
    }
    if (r.remaining() != 0) {
        throw Error(ctx + ": " + std::to_string(r.remaining()) + " bytes after the last contribution");
    }
    return p;
}

std::vector<std::uint8_t> encode_mpc_params(const MpcParams& p) {
    std::vector<std::uint8_t> out(p.cs_hash.begin(), p.cs_hash.end());
    put_u32(out, (std::uint32_t)p.contributions.size());
    for (std::size_t i = 0; i < p.contributions.size(); ++i) {
        const ZkeyContribution& c = p.contributions[i];
        put_g1(out, c.delta_after);
        put_g1(out, c.g1_s);
        put_g1(out, c.g1_sx);
        put_g2(out, c.g2_spx);
        out.insert(out.end(), c.transcript.begin(), c.transcript.end());
        put_u32(out, c.type);
        std::vector<std::uint8_t> params;
        if (!c.name.empty()) {
            const std::string nm = truncate_contribution_name(c.name);
            params.push_back(1);
            params.push_back(std::uint8_t(nm.size()));
            params.insert(params.end(), nm.begin(), nm.end());
        }
        if (c.type == 1) {
            if (!c.has_exp || !c.has_beacon) {
                throw Error("contribution " + std::to_string(i + 1) + " is a beacon without its parameters");
            }
            params.push_back(2);
            params.push_back(c.num_iterations_exp);
            params.push_back(3);
            params.push_back(std::uint8_t(c.beacon_hash.size()));
            params.insert(params.end(), c.beacon_hash.begin(), c.beacon_hash.end());
        }
        put_u32(out, (std::uint32_t)params.size());
        out.insert(out.end(), params.begin(), params.end());
    }
    return out;
}

long mpc_first_bad_point(const MpcParams& p) {
    for (std::size_t i = 0; i < p.contributions.size(); ++i) {
        const ZkeyContribution& c = p.contributions[i];
        const bool ok = G1::on_curve(c.delta_after) && G1::on_curve(c.g1_s) && G1::on_curve(c.g1_sx) &&
                        G2::on_curve(c.g2_spx) && g2_in_subgroup(c.g2_spx);
        if (!ok) return (long)i;
    }
    return -1;
}

void hash_g1(Blake2b& h, const G1Affine& p) {
    std::uint8_t b[64];
    g1_to_uncompressed(p, b);
    h.update(b, sizeof b);
}

void hash_g2(Blake2b& h, const G2Affine& p) {
    std::uint8_t b[128];
    g2_to_uncompressed(p, b);
    h.update(b, sizeof b);
}

void hash_pub_key(Blake2b& h, const ZkeyContribution& c) {
    hash_g1(h, c.delta_after);
    hash_g1(h, c.g1_s);
    hash_g1(h, c.g1_sx);
    hash_g2(h, c.g2_spx);
    h.update(c.transcript.data(), c.transcript.size());
}

Hash64 contribution_hash(const ZkeyContribution& c) {
    Blake2b h(64);
    hash_pub_key(h, c);
    return h.digest64();
}

}  // namespace peregrine::setup
