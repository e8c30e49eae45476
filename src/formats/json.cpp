// SPDX-License-Identifier: MIT OR Apache-2.0
#include "formats/json.hpp"

#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "util/json_depth.hpp"

namespace peregrine {

namespace {

// snarkjs prints points through toObject(toAffine(P)): [x, y, 1], or [0, 1, 0] at infinity.
void g1_lines(std::string& o, const G1Affine& p, const char* ind) {
    const bool inf = p.is_infinity();
    o += ind; o += " \"" + (inf ? std::string("0") : p.x.to_decimal()) + "\",\n";
    o += ind; o += " \"" + (inf ? std::string("1") : p.y.to_decimal()) + "\",\n";
    o += ind; o += inf ? " \"0\"\n" : " \"1\"\n";
}

void fq2_lines(std::string& o, const Fq2& v, const char* ind, bool last) {
    o += ind; o += "[\n";
    o += ind; o += " \"" + v.c0.to_decimal() + "\",\n";
    o += ind; o += " \"" + v.c1.to_decimal() + "\"\n";
    o += ind; o += last ? "]\n" : "],\n";
}

}  // namespace

std::string proof_to_json(const Proof& p) {
    std::string o = "{\n \"pi_a\": [\n";
    g1_lines(o, p.a, " ");
    o += " ],\n \"pi_b\": [\n";
    if (p.b.is_infinity()) {
        fq2_lines(o, Fq2::zero(), "  ", false);
        fq2_lines(o, Fq2::one(), "  ", false);
        fq2_lines(o, Fq2::zero(), "  ", true);
    } else {
        fq2_lines(o, p.b.x, "  ", false);
        fq2_lines(o, p.b.y, "  ", false);
        fq2_lines(o, Fq2::one(), "  ", true);
    }
    o += " ],\n \"pi_c\": [\n";
    g1_lines(o, p.c, " ");
    o += " ],\n \"protocol\": \"groth16\",\n \"curve\": \"bn128\"\n}";
    return o;
}

std::string public_to_json(const std::vector<Limbs>& signals) {
    // snarkjs writes through bfj, which prints an empty array as "[\n]".
    std::string o = "[\n";
    for (std::size_t i = 0; i < signals.size(); ++i) {
        o += " \"" + to_decimal(signals[i]) + "\"";
        o += i + 1 < signals.size() ? ",\n" : "\n";
    }
    o += "]";
    return o;
}

namespace {

using ojson = nlohmann::ordered_json;

ojson fq_str(const Fq& v) { return v.to_decimal(); }
ojson g1_obj(const G1Affine& p) {
    if (p.is_infinity()) return ojson::array({"0", "1", "0"});
    return ojson::array({fq_str(p.x), fq_str(p.y), "1"});
}
ojson fq2_obj(const Fq2& v) { return ojson::array({fq_str(v.c0), fq_str(v.c1)}); }
ojson g2_obj(const G2Affine& p) {
    if (p.is_infinity()) return ojson::array({fq2_obj(Fq2::zero()), fq2_obj(Fq2::one()), fq2_obj(Fq2::zero())});
    return ojson::array({fq2_obj(p.x), fq2_obj(p.y), fq2_obj(Fq2::one())});
}

ojson proof_obj(const Proof& p) {
    ojson o;
    o["pi_a"] = g1_obj(p.a);
    o["pi_b"] = g2_obj(p.b);
    o["pi_c"] = g1_obj(p.c);
    o["protocol"] = "groth16";
    o["curve"] = "bn128";
    return o;
}

// ---- parsing

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& what, const std::string& msg) { throw Error(what + ": " + msg); }

Limbs parse_number(const json& v, const std::string& what) {
    if (v.is_number_unsigned()) return Limbs{v.get<std::uint64_t>(), 0, 0, 0};
    if (v.is_number_integer()) {
        if (v.get<std::int64_t>() < 0) fail(what, "negative number");
        return Limbs{(u64)v.get<std::int64_t>(), 0, 0, 0};
    }
    if (!v.is_string()) fail(what, "expected a number as a string, got " + std::string(v.type_name()));
    const std::string s = v.get<std::string>();
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (s.size() > 66) fail(what, "number too large: " + s.substr(0, 80));
        Limbs r{0, 0, 0, 0};
        for (std::size_t i = 2; i < s.size(); ++i) {
            const char c = s[i];
            int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
            if (d < 0) fail(what, "not a number: \"" + s.substr(0, 80) + "\"");
            for (int k = 3; k > 0; --k) r[k] = (r[k] << 4) | (r[k - 1] >> 60);
            r[0] = (r[0] << 4) | (u64)d;
        }
        return r;
    }
    auto r = from_decimal(s);
    if (!r) fail(what, s.size() > 78 && s.find_first_not_of("0123456789") == std::string::npos
                           ? "number too large: " + s.substr(0, 80)
                           : "not a number: \"" + s.substr(0, 80) + "\"");
    return *r;
}

Fq parse_fq(const json& v, const std::string& what) {
    const Limbs l = parse_number(v, what);
    if (!Fq::is_canonical(l)) fail(what, "coordinate is not below the base field prime");
    return Fq::from_canonical(l);
}

Fq2 parse_fq2(const json& v, const std::string& what) {
    if (!v.is_array() || v.size() != 2) fail(what, "expected [c0, c1]");
    return {parse_fq(v[0], what), parse_fq(v[1], what)};
}

// snarkjs points are [x, y, z] in Jacobian coordinates (z = 1 for affine, z = 0 at infinity),
// or [x, y].
template <class J, class Parse>
typename J::Aff parse_point(const json& v, const std::string& what, Parse parse) {
    using F = typename J::Field;
    if (!v.is_array() || (v.size() != 3 && v.size() != 2)) fail(what, "expected a point [x, y, z]");
    const F x = parse(v[0], what), y = parse(v[1], what);
    const F z = v.size() == 3 ? parse(v[2], what) : F::one();
    typename J::Aff a;
    if (z.is_zero()) {
        a = J::infinity().to_affine();
    } else {
        a = J{x, y, z}.to_affine();
        if (!J::on_curve(a)) fail(what, "point is not on the curve");
    }
    return a;
}

G1Affine parse_g1(const json& v, const std::string& what) { return parse_point<G1>(v, what, parse_fq); }

G2Affine parse_g2(const json& v, const std::string& what) {
    G2Affine p = parse_point<G2>(v, what, parse_fq2);
    if (!g2_in_subgroup(p)) fail(what, "G2 point is not in the order-r subgroup");
    return p;
}

json parse_text(const std::string& text, const std::string& what) {
    if (!json_depth_ok(text)) fail(what, json_too_deep_message());
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) fail(what, "malformed JSON");
    return j;
}

const json& member(const json& o, const char* key, const std::string& what) {
    if (!o.is_object()) fail(what, "expected a JSON object");
    auto it = o.find(key);
    if (it == o.end()) fail(what, std::string("missing \"") + key + "\"");
    return *it;
}

void check_curve(const json& o, const std::string& what) {
    auto it = o.find("curve");
    if (it == o.end()) return;  // snarkjs proofs from older tools omit it
    if (!it->is_string()) fail(what, "\"curve\" is not a string");
    std::string c = it->get<std::string>();
    for (auto& ch : c) ch = (char)std::tolower((unsigned char)ch);
    if (c != "bn128" && c != "bn254" && c != "altbn128" && c != "alt_bn128") {
        fail(what, "curve \"" + it->get<std::string>() + "\" is not supported (only bn128)");
    }
}

void check_protocol(const json& o, const std::string& what) {
    auto it = o.find("protocol");
    if (it != o.end() && (!it->is_string() || it->get<std::string>() != "groth16")) {
        fail(what, "protocol is not groth16");
    }
}

}  // namespace

std::string proof_to_json_compact(const Proof& p) { return proof_obj(p).dump(); }

std::string public_to_json_compact(const std::vector<Limbs>& signals) {
    ojson a = ojson::array();
    for (const auto& s : signals) a.push_back(to_decimal(s));
    return a.dump();
}

std::string vk_to_json(const VerifyingKey& vk, const Fq12& alphabeta) {
    ojson o;
    o["protocol"] = "groth16";
    o["curve"] = "bn128";
    o["nPublic"] = vk.n_public();
    o["vk_alpha_1"] = g1_obj(vk.alpha1);
    o["vk_beta_2"] = g2_obj(vk.beta2);
    o["vk_gamma_2"] = g2_obj(vk.gamma2);
    o["vk_delta_2"] = g2_obj(vk.delta2);
    const auto c = alphabeta.coefficients();
    ojson ab = ojson::array();
    for (int i = 0; i < 2; ++i) {
        ojson f6 = ojson::array();
        for (int j = 0; j < 3; ++j) f6.push_back(ojson::array({fq_str(c[6 * i + 2 * j]), fq_str(c[6 * i + 2 * j + 1])}));
        ab.push_back(f6);
    }
    o["vk_alphabeta_12"] = ab;
    ojson ic = ojson::array();
    for (const auto& p : vk.ic) ic.push_back(g1_obj(p));
    o["IC"] = ic;
    return o.dump(1);
}

Proof proof_from_json(const std::string& text, const std::string& what) {
    const json j = parse_text(text, what);
    check_curve(j, what);
    check_protocol(j, what);
    Proof p;
    p.a = parse_g1(member(j, "pi_a", what), what + ": pi_a");
    p.b = parse_g2(member(j, "pi_b", what), what + ": pi_b");
    p.c = parse_g1(member(j, "pi_c", what), what + ": pi_c");
    return p;
}

std::vector<Limbs> public_from_json(const std::string& text, const std::string& what) {
    const json j = parse_text(text, what);
    if (!j.is_array()) fail(what, "expected a JSON array");
    std::vector<Limbs> out;
    for (std::size_t i = 0; i < j.size(); ++i) {
        const std::string w = what + ": signal " + std::to_string(i);
        Limbs v = parse_number(j[i], w);
        if (!Fr::is_canonical(v)) fail(w, "not below the scalar field prime");
        out.push_back(v);
    }
    return out;
}

VerifyingKey vk_from_json(const std::string& text, const std::string& what) {
    const json j = parse_text(text, what);
    check_protocol(j, what);
    check_curve(j, what);
    VerifyingKey vk;
    vk.alpha1 = parse_g1(member(j, "vk_alpha_1", what), what + ": vk_alpha_1");
    vk.beta2 = parse_g2(member(j, "vk_beta_2", what), what + ": vk_beta_2");
    vk.gamma2 = parse_g2(member(j, "vk_gamma_2", what), what + ": vk_gamma_2");
    vk.delta2 = parse_g2(member(j, "vk_delta_2", what), what + ": vk_delta_2");
    const json& ic = member(j, "IC", what);
    if (!ic.is_array() || ic.empty()) fail(what, "IC must be a non-empty array");
    if (ic.size() > (1u << 24)) fail(what, "IC is too large");
    for (std::size_t i = 0; i < ic.size(); ++i) vk.ic.push_back(parse_g1(ic[i], what + ": IC[" + std::to_string(i) + "]"));
    auto np = j.find("nPublic");
    if (np != j.end() && (!np->is_number_unsigned() || np->get<std::uint64_t>() != vk.n_public())) {
        fail(what, "nPublic does not match the number of IC points");
    }
    return vk;
}

}  // namespace peregrine
