// SPDX-License-Identifier: MIT OR Apache-2.0
// SHA-256, the ffjavascript ChaCha generator and the snarkjs key derivation, against reference
// values. The SHA-256 digests come from `sha256sum`; every other reference value below was
// printed by a small node script run against tools/node/node_modules/ffjavascript (ChaCha,
// buildBn128: Fr/G1/G2.fromRng) and snarkjs/src/keypair.js (hashToG2, createPTauKey) and
// snarkjs/src/misc.js (rngFromBeaconParams), with the inputs written next to each value.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "curve/batch_mul.hpp"
#include "setup/keys.hpp"
#include "setup/ptau_file.hpp"
#include "setup/rng.hpp"
#include "setup/sha256.hpp"
#include "util/error.hpp"

#include "test_util.hpp"

using namespace peregrine;
using namespace peregrine::setup;

namespace {

using test::to_hex;

std::string sha_hex(const std::string& m, std::size_t chunk) {
    Sha256 h;
    for (std::size_t i = 0; i < m.size(); i += chunk) h.update(m.data() + i, std::min(chunk, m.size() - i));
    auto d = h.digest();
    return to_hex(d.data(), 32);
}

std::string g1s(const G1Affine& p) { return p.x.to_decimal() + " " + p.y.to_decimal(); }
std::string g2s(const G2Affine& p) {
    return p.x.c0.to_decimal() + " " + p.x.c1.to_decimal() + " " + p.y.c0.to_decimal() + " " + p.y.c1.to_decimal();
}

}  // namespace

TEST(PtauSha256, MatchesSha256sum) {
    for (std::size_t chunk : {1, 7, 64, 1000}) {
        EXPECT_EQ(sha_hex("", chunk), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        EXPECT_EQ(sha_hex("abc", chunk), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        EXPECT_EQ(sha_hex(std::string(1000, 'a'), chunk),
                  "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
        std::string alpha;
        for (int i = 0; i < 119; ++i) alpha += char('a' + i % 26);  // crosses the 55/56-byte padding edge
        EXPECT_EQ(sha_hex(alpha, chunk), "faef67da856d6fd9c8d12f9ed0a4fefd3cf0ce085ab43e2907418d457e3c354b");
    }
}

TEST(PtauRng, ChaChaWordsMatchFfjavascript) {
    // new ChaCha([1..8]).nextU32() x 20
    const std::uint32_t want[20] = {2291208717u, 2715286880u, 1416238553u, 4170631896u, 311912724u,
                                    2096473245u, 2663528302u, 2947898305u, 1171138527u, 4066554118u,
                                    1598815824u, 1331018903u, 4275377581u, 2401186972u, 3977139214u,
                                    1817675323u, 4002199677u, 2558236986u, 2290969732u, 3530802522u};
    ChaCha rng({1, 2, 3, 4, 5, 6, 7, 8});
    for (std::uint32_t w : want) EXPECT_EQ(rng.next_u32(), w);
}

TEST(PtauRng, FieldAndPointsMatchFfjavascript) {
    // From one ChaCha([1..8]): Fr.fromRng, then G1.fromRng, then G2.fromRng (affine).
    ChaCha rng({1, 2, 3, 4, 5, 6, 7, 8});
    EXPECT_EQ(fr_from_rng(rng).to_decimal(),
              "11421152797359801513699257512876826534900512878648310510227136947029091328776");
    const G1Affine p = g1_from_rng(rng);
    EXPECT_EQ(g1s(p), "5217210202433667727191898282504136790707584920818966276224927002650483462798 "
                      "15329941312121016545992532075626365884228451898446262084449300681562396985945");
    const G2Affine q = g2_from_rng(rng);
    EXPECT_EQ(g2s(q), "1996973846761408952709743206232273325766221402180846812791047873222079628840 "
                      "20896014760810184847783399240781224917845229803520210671865291355729529628958 "
                      "11775881206310937766160975417337862501296105312646585348996934055966500869359 "
                      "9344702282622745326555015052443147536161980720492015874433482481257977714285");
    EXPECT_TRUE(g2_in_subgroup(q));
}

TEST(PtauRng, BeaconMatchesSnarkjs) {
    // rngFromBeaconParams(deadbeef, 10): the first two words.
    const std::uint8_t beacon[4] = {0xde, 0xad, 0xbe, 0xef};
    ChaCha rng = rng_from_beacon(beacon, 4, 10);
    EXPECT_EQ(rng.next_u32(), 3248129660u);
    EXPECT_EQ(rng.next_u32(), 2601796637u);
}

TEST(PtauKeys, HashToG2AndPtauKeyMatchSnarkjs) {
    std::uint8_t hash[64];
    for (int i = 0; i < 64; ++i) hash[i] = std::uint8_t(i * 3 + 1);
    EXPECT_EQ(g2s(hash_to_g2(hash)),
              "21168672339795759264272287904719444495314192872780897570087017090421376725882 "
              "11872279062804972446424416868875243537004629471358430044226148197242646134897 "
              "5111680669955420261823751125225564638561046524560184586850272789824787752713 "
              "3709218036831258624535748897836269267518970033661707903054514502542523921953");
    // createPTauKey(curve, hash, new ChaCha([11, 22, ..., 88]))
    ChaCha rng({11, 22, 33, 44, 55, 66, 77, 88});
    const PtauKey k = create_ptau_key(hash, rng);
    EXPECT_EQ(k.tau.prv.to_decimal(), "19652203389671788532904671960917658623829100600961353780224262974514300846245");
    EXPECT_EQ(g1s(k.beta.g1_sx), "20955051768640137873749132992470926667381235697596076399898465222511026081357 "
                                 "11487513187914952340520024068115332120408713942907468541719783494393617173028");
    EXPECT_EQ(g2s(k.alpha.g2_spx), "1003305794995805292904604357835151096614602985776690589262615882941397159567 "
                                   "10367544611165829100438170002187303327250729851069024391767944348239746056931 "
                                   "21257166223782779152437051231330029192987797114564886729648065230909814662330 "
                                   "17840413713829872469025540067590504669700245266496702266886406175498688742445");
    // The proofs of knowledge verify, and fail when crossed.
    for (const KeyPart* p : {&k.tau, &k.alpha, &k.beta}) EXPECT_TRUE(same_ratio(p->g1_s, p->g1_sx, p->g2_sp, p->g2_spx));
    EXPECT_FALSE(same_ratio(k.tau.g1_s, k.tau.g1_sx, k.alpha.g2_sp, k.alpha.g2_spx));
    EXPECT_FALSE(same_ratio(k.tau.g1_s, k.alpha.g1_sx, k.tau.g2_sp, k.tau.g2_spx));
    EXPECT_FALSE(same_ratio(G1Affine{}, k.tau.g1_sx, k.tau.g2_sp, k.tau.g2_spx));  // infinity refused
}

TEST(PtauKeys, RandomLinearCombinationChecks) {
    ThreadPool pool(2);
    const std::size_t n = 300;
    const Fr x = Fr::from_u64(123456789);
    std::vector<std::uint8_t> g1(64 * (n + 1)), g2(128 * (n + 1));
    std::uint8_t p1[64], p2[128];
    g1_to_lem(g1_generator(), p1);
    g2_to_lem(g2_generator(), p2);
    for (std::size_t i = 0; i <= n; ++i) {
        std::memcpy(&g1[64 * i], p1, 64);
        std::memcpy(&g2[128 * i], p2, 128);
    }
    g1_mul_powers(g1.data(), g1.data(), n + 1, Fr::one(), x, pool);  // x^i G1
    g2_mul_powers(g2.data(), g2.data(), n + 1, Fr::one(), x, pool);
    EXPECT_EQ(g1_from_lem(&g1[64 * 3]), G1::from_affine(g1_generator()).mul(x.pow(3).to_canonical()).to_affine());
    EXPECT_TRUE(g1_lem_all_on_curve(g1.data(), n + 1, pool));
    EXPECT_TRUE(g2_lem_all_on_curve(g2.data(), n + 1, pool));
    const G2Affine xg2 = g2_from_lem(&g2[128]);
    auto [a, b] = rlc_g1(g1.data(), g1.data() + 64, n, pool);
    EXPECT_TRUE(same_ratio(a, b, g2_generator(), xg2));
    auto [c, d] = rlc_g2(g2.data(), g2.data() + 128, n, pool);
    EXPECT_TRUE(same_ratio(g1_generator(), g1_from_lem(&g1[64]), c, d));
    // One wrong point (x^7 replaced by x^8) breaks the sequence.
    std::memcpy(&g1[64 * 7], &g1[64 * 8], 64);
    auto [e, f] = rlc_g1(g1.data(), g1.data() + 64, n, pool);
    EXPECT_FALSE(same_ratio(e, f, g2_generator(), xg2));
    g1[64 * 7 + 5] ^= 1;  // off the curve
    EXPECT_FALSE(g1_lem_all_on_curve(g1.data(), n + 1, pool));
}

TEST(PtauKeys, EncodingsMatchFfjavascriptConventions) {
    std::uint8_t u[128], c[64];
    g1_to_uncompressed(g1_generator(), u);
    EXPECT_EQ(to_hex(u, 64), std::string(63, '0') + "1" + std::string(63, '0') + "2");
    g1_to_compressed(g1_generator(), c);  // y = 2 is "positive"
    EXPECT_EQ(to_hex(c, 32), std::string(63, '0') + "1");
    g1_to_compressed(g1_generator().neg(), c);
    EXPECT_EQ(to_hex(c, 1), "80");
    g1_to_compressed(G1Affine{}, c);
    EXPECT_EQ(to_hex(c, 32), "40" + std::string(62, '0'));
    g2_to_uncompressed(g2_generator(), u);  // x.c1 first
    EXPECT_EQ(to_hex(u, 4), "198e9393");
}


TEST(PtauFileHash, PartialStateResumes) {
    // A transcript saved after some input and resumed from its 216-byte state gives the digest
    // of the whole input, whatever the chunking (buffer empty, partly full, exactly full).
    std::vector<std::uint8_t> msg(1000);
    for (std::size_t i = 0; i < msg.size(); ++i) msg[i] = std::uint8_t(i * 7 + 3);
    for (std::size_t cut : {0, 64, 100, 128, 256, 300, 640}) {
        TranscriptHasher t;
        t.update(msg.data(), 64);
        if (cut > 64) t.update(msg.data() + 64, cut - 64);
        const auto st = t.partial();
        Blake2b r = blake2b_from_partial(st.data());
        const std::size_t from = std::max<std::size_t>(cut, 64);
        r.update(msg.data() + from, msg.size() - from);
        Blake2b whole(64);
        whole.update(msg.data(), msg.size());
        EXPECT_EQ(r.digest64(), whole.digest64()) << "cut " << cut;
    }
    std::array<std::uint8_t, 216> bad{};
    bad[200] = 129;  // more than a block buffered
    EXPECT_THROW(blake2b_from_partial(bad.data()), Error);
}

TEST(PtauFileHash, FirstChallengeOfPower8) {
    // `snarkjs powersoftau new bn128 8` prints this "First Contribution Hash".
    EXPECT_EQ(format_hash(first_challenge_hash(8)),
              "\t\t219cd1f3 eab9d2a7 0ebec1e8 9ce41ade\n\t\t8d761eb3 9fd6702a cda57762 83026ac8\n"
              "\t\t81746bea c81c214b 887e9102 e84c8341\n\t\t824fd983 f4e7df84 4d150ddf 5fd2fe48");
}
