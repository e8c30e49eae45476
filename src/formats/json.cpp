#include "formats/json.hpp"

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

}  // namespace peregrine
