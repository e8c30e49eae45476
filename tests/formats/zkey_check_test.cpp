// SPDX-License-Identifier: MIT OR Apache-2.0
// `zkey check` (check_zkey) and the checks made whenever a key is loaded, on tampered keys.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "fixtures.hpp"
#include "formats/zkey.hpp"
#include "util/thread_pool.hpp"

using namespace peregrine;
using namespace peregrine::test;

namespace {

std::string read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

// Offset of the (single) section `id` in an iden3 binary file image.
std::size_t section_offset(const std::string& b, std::uint32_t id) {
    std::uint32_t count;
    std::memcpy(&count, b.data() + 8, 4);
    std::size_t pos = 12;
    for (std::uint32_t i = 0; i < count; ++i) {
        std::uint32_t type;
        std::uint64_t size;
        std::memcpy(&type, b.data() + pos, 4);
        std::memcpy(&size, b.data() + pos + 4, 8);
        if (type == id) return pos + 12;
        pos += 12 + size;
    }
    ADD_FAILURE() << "no section " << id;
    return 0;
}

// Offsets inside section 2 (the header) of the verification-key points.
constexpr std::size_t kBeta1 = 148, kBeta2 = 212, kDelta1 = 468;

void put_fq(std::string& b, std::size_t off, const Fq& f) {
    for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 8; ++j) b[off + 8 * i + j] = char(f.v[i] >> (8 * j));
    }
}
void put_g1(std::string& b, std::size_t off, const G1Affine& p) {
    put_fq(b, off, p.x);
    put_fq(b, off + 32, p.y);
}
void put_g2(std::string& b, std::size_t off, const G2Affine& p) {
    put_fq(b, off, p.x.c0);
    put_fq(b, off + 32, p.x.c1);
    put_fq(b, off + 64, p.y.c0);
    put_fq(b, off + 96, p.y.c1);
}

// A point on the twist outside the order-r subgroup: x = k + u solved for y (p = 3 mod 4).
G2Affine twist_point_outside_subgroup() {
    Limbs e = FqParams::MOD;  // (p + 1) / 4 = (p >> 2) + 1
    for (int i = 0; i < 4; ++i) e[i] = (e[i] >> 2) | (i < 3 ? e[i + 1] << 62 : 0);
    e[0] += 1;
    auto fq_sqrt = [&](const Fq& v, Fq& out) {
        out = v.pow(e);
        return out.square() == v;
    };
    const Fq half = Fq::from_u64(2).inverse();
    for (std::uint64_t k = 1; k < 200; ++k) {
        const Fq2 x{Fq::from_u64(k), Fq::one()};
        const Fq2 rhs = x.square() * x + G2Cfg::b();
        Fq n, y0;
        if (!fq_sqrt(rhs.c0.square() + rhs.c1.square(), n)) continue;
        if (!fq_sqrt((rhs.c0 + n) * half, y0) && !fq_sqrt((rhs.c0 - n) * half, y0)) continue;
        if (y0.is_zero()) continue;
        const Fq2 y{y0, rhs.c1 * y0.dbl().inverse()};
        if (y.square() != rhs) continue;
        const G2Affine q{x, y};
        if (G2::on_curve(q) && !g2_in_subgroup(q)) return q;
    }
    ADD_FAILURE() << "no twist point found";
    return {};
}

// The error of loading and fully checking a key image; "" when it is valid.
std::string check_error(const std::string& image) {
    ThreadPool pool(2);
    try {
        Zkey z(image.data(), image.size(), "key.zkey");
        check_zkey(z, pool);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::string load_error(const std::string& image) {
    try {
        Zkey z(image.data(), image.size(), "key.zkey");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(ZkeyCheck, FixturesAreValid) {
    ThreadPool pool(2);
    for (const char* name : {"multiplier", "multi_io", "no_public"}) {
        Zkey z(fixture(name, "circuit.zkey"));
        const std::string report = check_zkey(z, pool);
        EXPECT_NE(report.find("all on the curve, G2 in the subgroup"), std::string::npos) << name << report;
        EXPECT_NE(report.find("nVars " + std::to_string(z.n_vars())), std::string::npos) << report;
    }
}

TEST(ZkeyCheck, VerificationKeyOutsideTheSubgroupIsRefusedAtLoad) {
    const std::string key = read_bytes(fixture("multiplier", "circuit.zkey"));
    ASSERT_EQ(load_error(key), "");
    const std::size_t h = section_offset(key, 2);
    std::string b = key;
    put_g2(b, h + kBeta2, twist_point_outside_subgroup());
    EXPECT_EQ(load_error(b), "key.zkey: vk_beta_2 is not in the order-r subgroup (bn128 G2)");
    b = key;
    put_fq(b, h + kBeta1, Fq::one());  // x = 1 (y unchanged): off the curve
    EXPECT_EQ(load_error(b), "key.zkey: vk_beta_1 is not on the curve (bn128 G1)");
    b = key;
    std::memset(&b[h + kBeta1], 0xff, 32);  // x >= p
    EXPECT_EQ(load_error(b), "key.zkey: vk_beta_1 has a coordinate not below p (bn128 G1)");
    b = key;
    put_fq(b, section_offset(key, 3) + 32, Fq::one());  // IC[0].y
    EXPECT_EQ(load_error(b), "key.zkey: IC point 0 is not on the curve (bn128 G1)");
}

TEST(ZkeyCheck, InconsistentVerificationKey) {
    const std::string key = read_bytes(fixture("multiplier", "circuit.zkey"));
    const std::size_t h = section_offset(key, 2);
    std::string b = key;
    put_g1(b, h + kDelta1, g1_generator());  // a valid point, but not delta * g1
    ASSERT_EQ(load_error(b), "");
    EXPECT_EQ(check_error(b), "key.zkey: vk_delta_1 and vk_delta_2 do not match (e(delta1, g2) != e(g1, delta2))");
    b = key;
    put_g1(b, h + kBeta1, G1Affine{});  // infinity
    EXPECT_EQ(check_error(b), "key.zkey: vk_beta_1 is the point at infinity");
    b = key;
    put_g1(b, h + kBeta1, g1_generator());
    EXPECT_EQ(check_error(b), "key.zkey: vk_beta_1 and vk_beta_2 do not match (e(beta1, g2) != e(g1, beta2))");
}

TEST(ZkeyCheck, TamperedPointSectionsAndCoefficients) {
    const std::string key = read_bytes(fixture("multiplier", "circuit.zkey"));
    ASSERT_EQ(check_error(key), "");
    Zkey z(key.data(), key.size());
    std::string b = key;
    put_g1(b, section_offset(key, 5) + 64 * 3, G1Affine{Fq::one(), Fq::one()});
    EXPECT_EQ(check_error(b), "key.zkey: section 5 (A points): point 3 is not on the curve");
    b = key;
    put_g2(b, section_offset(key, 7) + 128 * 2, twist_point_outside_subgroup());
    EXPECT_EQ(check_error(b), "key.zkey: section 7 (B2 points): point 2 is not in the order-r subgroup");
    b = key;
    std::memset(&b[section_offset(key, 9) + 64 * (z.domain_size() - 1) + 32], 0xff, 32);
    EXPECT_EQ(check_error(b), "key.zkey: section 9 (H points): point " + std::to_string(z.domain_size() - 1) +
                                  " has a coordinate not below p");
    b = key;
    put_g1(b, section_offset(key, 6), G1Affine{g1_generator().x, Fq::one()});
    EXPECT_EQ(check_error(b), "key.zkey: section 6 (B1 points): point 0 is not on the curve");
    b = key;
    put_g1(b, section_offset(key, 8), G1Affine{Fq::one(), Fq::zero()});
    EXPECT_EQ(check_error(b), "key.zkey: section 8 (C points): point 0 is not on the curve");
    // Coefficients: entry 0 (after the u32 count) with a bad matrix, constraint, signal or value.
    const std::size_t c = section_offset(key, 4) + 4;
    const std::uint32_t bad[] = {2, z.domain_size(), z.n_vars()};
    const std::string why[] = {"matrix 2 (expected 0 for A or 1 for B)",
                               "constraint " + std::to_string(z.domain_size()) + " outside the domain of " +
                                   std::to_string(z.domain_size()),
                               "signal " + std::to_string(z.n_vars()) + " not below nVars " + std::to_string(z.n_vars())};
    for (int field = 0; field < 3; ++field) {
        b = key;
        std::memcpy(&b[c + 4 * field], &bad[field], 4);
        EXPECT_EQ(check_error(b), "key.zkey: section 4 (coefficients): entry 0: " + why[field]);
    }
    b = key;
    std::memset(&b[c + 12], 0xff, 32);
    EXPECT_EQ(check_error(b), "key.zkey: section 4 (coefficients): entry 0: value not below r");
}

}  // namespace
