// SPDX-License-Identifier: MIT OR Apache-2.0
#include "setup/zkey_verify.hpp"

#include <cstring>

#include "formats/binfile.hpp"
#include "formats/zkey.hpp"
#include "setup/blake2b.hpp"
#include "setup/keys.hpp"
#include "setup/rng.hpp"
#include "setup/zkey_mpc.hpp"
#include "util/error.hpp"
#include "util/io.hpp"
#include "util/progress.hpp"

namespace peregrine::setup {

namespace {

ZkeyVerifyResult invalid(std::string why) {
    ZkeyVerifyResult r;
    r.ok = false;
    r.reason = std::move(why);
    return r;
}

std::string hex(const std::vector<std::uint8_t>& b) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (std::uint8_t x : b) {
        s += d[x >> 4];
        s += d[x & 15];
    }
    return s;
}

bool section_equal(const BinFile& a, const BinFile& b, std::uint32_t id) {
    const Bytes x = a.section(id), y = b.section(id);
    return x.size == y.size && (x.size == 0 || std::memcmp(x.data, y.data, x.size) == 0);
}

// The chain of contributions: each transcript extends the previous ones, each key proves
// knowledge of its secret, each deltaAfter is the previous delta times that secret, and beacon
// keys are the ones their beacon determines. Returns the final delta (G1) through `delta`.
std::string check_chain(const MpcParams& mpc, G1Affine& delta) {
    const long bad = mpc_first_bad_point(mpc);
    if (bad >= 0) return "contribution " + std::to_string(bad + 1) + " has a point that is not on its curve";
    Blake2b acc(64);
    acc.update(mpc.cs_hash.data(), mpc.cs_hash.size());
    delta = g1_generator();
    for (std::size_t i = 0; i < mpc.contributions.size(); ++i) {
        const ZkeyContribution& c = mpc.contributions[i];
        const std::string at = "contribution " + std::to_string(i + 1) + ": ";
        Blake2b ours = acc;
        hash_g1(ours, c.g1_s);
        hash_g1(ours, c.g1_sx);
        if (ours.digest64() != c.transcript) return at + "inconsistent transcript";
        const G2Affine sp = hash_to_g2(c.transcript.data());
        if (!same_ratio(c.g1_s, c.g1_sx, sp, c.g2_spx)) {
            return at + "the G1 and G2 parts of the public key do not have the same ratio";
        }
        if (!same_ratio(delta, c.delta_after, sp, c.g2_spx)) return at + "deltaAfter does not follow the public key";
        if (c.type == 1) {
            if (!c.has_exp || !c.has_beacon) return at + "a beacon without its parameters";
            ChaCha rng = rng_from_beacon(c.beacon_hash.data(), c.beacon_hash.size(), c.num_iterations_exp);
            const Fr prv = fr_from_rng(rng);
            const G1Affine s = g1_from_rng(rng);
            const G1Affine sx = G1::from_affine(s).mul(prv.to_canonical()).to_affine();
            if (!(s == c.g1_s)) return at + "the key does not match the beacon (g1_s)";
            if (!(sx == c.g1_sx)) return at + "the key does not match the beacon (g1_sx)";
        }
        hash_pub_key(acc, c);
        delta = c.delta_after;
    }
    return "";
}

std::string report_for(const MpcParams& mpc) {
    std::string s = format_hash(mpc.cs_hash, "Circuit Hash: ") + "\n";
    for (std::size_t i = mpc.contributions.size(); i-- > 0;) {
        const ZkeyContribution& c = mpc.contributions[i];
        s += "-------------------------\n";
        s += format_hash(contribution_hash(c), "contribution #" + std::to_string(i + 1) + " " + c.name + ":") + "\n";
        if (c.type == 1) {
            s += "Beacon generator: " + hex(c.beacon_hash) + "\n";
            s += "Beacon iterations Exp: " + std::to_string(c.num_iterations_exp) + "\n";
        }
    }
    s += "-------------------------\n";
    return s;
}

}  // namespace

ZkeyVerifyResult zkey_verify_from_init(const void* init_data, std::size_t init_size, const std::string& init_name,
                                       const std::string& zkey_path, ThreadPool& pool, bool progress) {
    StepTimer tm("zkey verify", progress);
    const Zkey zk(zkey_path);
    const BinFile f(zkey_path, "zkey", 2);
    if (!f.has(10)) return invalid("no MPC parameters (section 10)");
    const MpcParams mpc = parse_mpc_params(f.section(10), zkey_path);

    G1Affine delta;
    if (std::string why = check_chain(mpc, delta); !why.empty()) return invalid(why);

    const Zkey init(init_data, init_size, init_name);
    const BinFile fi(init_data, init_size, init_name, "zkey", 2);
    if (!fi.has(10)) throw Error(init_name + ": initial key without MPC parameters (section 10)");
    const MpcParams mpc_init = parse_mpc_params(fi.section(10), init_name);

    if (zk.n_vars() != init.n_vars() || zk.n_public() != init.n_public() || zk.domain_size() != init.domain_size()) {
        return invalid("different circuit parameters (nVars " + std::to_string(zk.n_vars()) + " vs " +
                       std::to_string(init.n_vars()) + ", nPublic " + std::to_string(zk.n_public()) + " vs " +
                       std::to_string(init.n_public()) + ", domain " + std::to_string(zk.domain_size()) + " vs " +
                       std::to_string(init.domain_size()) + ")");
    }
    if (!(zk.alpha1() == init.alpha1())) return invalid("invalid alpha1");
    if (!(zk.beta1() == init.beta1())) return invalid("invalid beta1");
    if (!(zk.beta2() == init.beta2())) return invalid("invalid beta2");
    if (!(zk.gamma2() == init.gamma2())) return invalid("invalid gamma2");
    if (!(zk.delta1() == delta)) return invalid("invalid delta1 (not the last contribution's deltaAfter)");
    if (!same_ratio(g1_generator(), delta, g2_generator(), zk.delta2())) return invalid("invalid delta2");
    if (mpc.cs_hash != mpc_init.cs_hash) return invalid("circuit hash does not match the circuit");

    static const char* names[] = {"", "", "", "IC", "coefficients", "A", "B1", "B2"};
    for (std::uint32_t id = 3; id <= 7; ++id) {
        if (!section_equal(f, fi, id)) {
            return invalid(std::string(names[id]) + " section (" + std::to_string(id) + ") is not identical");
        }
    }

    tm.step("chain, header, sections");
    const std::size_t n_c = std::size_t(zk.n_vars()) - zk.n_public() - 1, n_h = zk.domain_size();
    Progress prog("zkey verify: C and H points", n_c + n_h, progress);
    // C (L in snarkjs): C_i = C0_i / delta  <=>  (sum r_i C0_i, sum r_i C_i) have ratio 1/delta.
    if (!g1_lem_all_on_curve(zk.points_c(), n_c, pool)) return invalid("C section has a point off the curve");
    if (n_c > 0) {
        const auto [r0, r1] = rlc_g1(init.points_c(), zk.points_c(), n_c, pool);
        if (!same_ratio(r0, r1, zk.delta2(), init.delta2())) return invalid("C section does not match");
    }
    prog.advance(n_c);
    if (!g1_lem_all_on_curve(zk.points_h(), n_h, pool)) return invalid("H section has a point off the curve");
    {
        const auto [r0, r1] = rlc_g1(init.points_h(), zk.points_h(), n_h, pool);
        if (!same_ratio(r0, r1, zk.delta2(), init.delta2())) return invalid("H section does not match");
    }
    prog.advance(n_h);
    prog.done();
    tm.step("C and H points");

    ZkeyVerifyResult r;
    r.ok = true;
    r.report = report_for(mpc);
    return r;
}

ZkeyVerifyResult zkey_verify_from_init_file(const std::string& init, const std::string& zkey, ThreadPool& pool,
                                            bool progress) {
    const MappedFile m(init);
    return zkey_verify_from_init(m.data(), m.size(), init, zkey, pool, progress);
}

}  // namespace peregrine::setup
