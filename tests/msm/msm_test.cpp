// SPDX-License-Identifier: MIT OR Apache-2.0
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <functional>

#include "msm/msm.hpp"
#include "test_util.hpp"

using namespace peregrine;
using namespace peregrine::test;

namespace {

// Bases in the file layout (Montgomery limbs, (0,0) for infinity), as the MSM reads them.
template <class J>
std::vector<std::uint8_t> to_bytes(const std::vector<typename J::Aff>& pts) {
    std::vector<std::uint8_t> out(pts.size() * sizeof(typename J::Aff) + 1);
    // Offset by one byte: sections inside mmap'd files are not aligned.
    if (!pts.empty()) std::memcpy(out.data() + 1, pts.data(), pts.size() * sizeof(typename J::Aff));
    return out;
}

template <class J>
using MsmFn = std::function<J(const std::uint8_t*, const Limbs*, std::size_t, ThreadPool&)>;

template <class J>
void check_msm(std::size_t n, unsigned threads, std::uint64_t seed, MsmFn<J> msm, const typename J::Aff& gen,
               bool bit_heavy = false) {
    std::mt19937_64 rng(seed);
    const Limbs r = FrParams::MOD;
    std::vector<typename J::Aff> pts;
    std::vector<Limbs> ks;
    J base = J::from_affine(gen).mul(random_below(rng, r));
    for (std::size_t i = 0; i < n; ++i) {
        // A mix of ordinary points, repeated points, negations and infinity.
        if (i % 97 == 5) {
            pts.push_back(J::infinity().to_affine());
        } else if (i % 13 == 4 && i > 0) {
            pts.push_back(pts[i - 1]);
        } else if (i % 17 == 6 && i > 0) {
            pts.push_back(pts[i - 1].neg());
        } else {
            base = base.dbl().add(gen);
            pts.push_back(base.to_affine());
        }
        Limbs k;
        if (bit_heavy) {  // mostly 1 (runs of them, over repeated and negated points), some 0
            k = i % 10 == 9 ? random_below(rng, r) : Limbs{i % 3 == 0 ? 0u : 1u, 0, 0, 0};
            ks.push_back(k);
            continue;
        }
        switch (i % 11) {
            case 0: k = Limbs{0, 0, 0, 0}; break;
            case 1: k = Limbs{1, 0, 0, 0}; break;
            case 2: k = from_mpz(to_mpz(r) - 1); break;
            case 3: k = Limbs{rng() & 0xffff, 0, 0, 0}; break;
            default: k = random_below(rng, r);
        }
        ks.push_back(k);
    }
    J expect = J::infinity();
    for (std::size_t i = 0; i < n; ++i) expect = expect.add(J::from_affine(pts[i]).mul(ks[i]));
    auto bytes = to_bytes<J>(pts);
    ThreadPool pool(threads);
    J got = msm(bytes.data() + 1, ks.data(), n, pool);
    EXPECT_EQ(got, expect) << "n=" << n << " threads=" << threads;
}

TEST(Msm, G1MatchesNaiveSum) {
    for (std::size_t n : {0, 1, 2, 3, 10, 100, 1000, 2500}) check_msm<G1>(n, 2, n + 1, msm_g1, g1_generator());
    check_msm<G1>(700, 1, 99, msm_g1, g1_generator());
    check_msm<G1>(700, 3, 98, msm_g1, g1_generator());
}

TEST(Msm, G2MatchesNaiveSum) {
    for (std::size_t n : {0, 1, 5, 200, 600}) check_msm<G2>(n, 2, n + 7, msm_g2, g2_generator());
}

TEST(Msm, EveryStrategyAndWindowAgrees) {
    for (bool affine : {false, true}) {
        for (unsigned c : {2u, 5u, 8u, 9u, 11u, 13u, 15u, 16u}) {
            SCOPED_TRACE(testing::Message() << "c=" << c << (affine ? " affine" : " jacobian"));
            auto g1 = [=](const std::uint8_t* b, const Limbs* k, std::size_t n, ThreadPool& p) {
                return msm_g1_with(b, k, n, c, affine, p);
            };
            check_msm<G1>(1500, 2, c * 10 + affine, g1, g1_generator());
            auto g2 = [=](const std::uint8_t* b, const Limbs* k, std::size_t n, ThreadPool& p) {
                return msm_g2_with(b, k, n, c, affine, p);
            };
            check_msm<G2>(300, 2, c * 10 + affine + 100, g2, g2_generator());
        }
    }
    // Many equal points in few buckets: exercises doublings and deferred additions in a batch.
    std::vector<G1Affine> same(600, G1::from_affine(g1_generator()).mul(Limbs{99, 0, 0, 0}).to_affine());
    for (std::size_t i = 0; i < same.size(); i += 3) same[i] = same[i].neg();
    std::vector<Limbs> ks(same.size(), Limbs{5, 0, 0, 0});
    G1 expect = G1::infinity();
    for (std::size_t i = 0; i < same.size(); ++i) expect = expect.add(G1::from_affine(same[i]).mul(ks[i]));
    ThreadPool pool(2);
    auto bytes = to_bytes<G1>(same);
    // c = 9 and 13: the points crowd into one bucket of many, so they overflow into the Jacobian
    // buckets, which the segmented reduction folds back in.
    for (unsigned c : {4u, 9u, 13u}) EXPECT_EQ(msm_g1_with(bytes.data() + 1, ks.data(), ks.size(), c, true, pool), expect) << c;
    EXPECT_THROW(msm_g1_with(bytes.data() + 1, ks.data(), ks.size(), 17, true, pool), std::invalid_argument);
}

// MsmJob: tasks run in any order, from several threads, with points split into chunks.
template <class J>
MsmFn<J> job_fn(std::size_t chunks, bool reverse) {
    return [=](const std::uint8_t* b, const Limbs* k, std::size_t n, ThreadPool& p) {
        MsmJob<J> job(b, n, chunks);
        p.parallel_for(n, [&](std::size_t lo, std::size_t hi) { job.recode(k, lo, hi); });
        const std::size_t t = job.tasks();
        p.run(t, [&](std::size_t i) { job.run_task(reverse ? t - 1 - i : i); });
        return job.result();
    };
}

template <class J>
MsmFn<J> job_fn_fwd(std::size_t chunks) {
    return job_fn<J>(chunks, false);
}

TEST(Msm, JobTasksInAnyOrderAndChunks) {
    for (std::size_t chunks : {1, 3, 7}) {
        check_msm<G1>(900, 2, 300 + chunks, job_fn<G1>(chunks, chunks == 3), g1_generator());
        check_msm<G2>(250, 2, 400 + chunks, job_fn<G2>(chunks, chunks != 3), g2_generator());
    }
    check_msm<G1>(0, 2, 1, job_fn<G1>(2, false), g1_generator());
    check_msm<G1>(2, 2, 2, job_fn<G1>(5, false), g1_generator());
}

TEST(Msm, GlvSplitRecombines) {
    std::mt19937_64 rng(7);
    const mpz_class r = to_mpz(FrParams::MOD), lambda = to_mpz(glv_lambda());
    // Below 2^127 - 2^123, not just 2^127: the MSM's 16-bit windows need the margin (msm.cpp).
    const mpz_class bound = (mpz_class(1) << 127) - (mpz_class(1) << 123);
    std::vector<Limbs> ks = {Limbs{0, 0, 0, 0}, Limbs{1, 0, 0, 0}, from_mpz(r - 1), from_mpz(r - 2), from_mpz(r / 2),
                             from_mpz(r / 2 + 1), glv_lambda(), from_mpz(r - lambda), from_mpz(lambda + 1),
                             Limbs{~0ull, ~0ull, 0, 0}, Limbs{0, 0, 0, 1ull << 61}};
    for (int i = 0; i < 20000; ++i) ks.push_back(random_below(rng, FrParams::MOD));
    for (const Limbs& k : ks) {
        const GlvSplit s = glv_split(k);
        const mpz_class k1 = s.neg1 ? mpz_class(-to_mpz(s.k1)) : to_mpz(s.k1);
        const mpz_class k2 = s.neg2 ? mpz_class(-to_mpz(s.k2)) : to_mpz(s.k2);
        EXPECT_LT(to_mpz(s.k1), bound);
        EXPECT_LT(to_mpz(s.k2), bound);
        mpz_class d = k1 + k2 * lambda - to_mpz(k);
        mpz_class m = d % r;
        ASSERT_EQ(m, 0) << to_mpz(k).get_str(16);
    }
}

// phi(x, y) = (beta x, y) is lambda on both groups, with the cube roots of unity the MSM uses:
// beta on G1, beta^2 on G2.
// Width-w NAF digits (batch_mul, batch_sums, ptau prepare), dense and sparse, w = 2..8: odd digits below 2^(w-1)
// in magnitude, each followed by at least w - 1 zeros, summing back to the number, the top digit
// non-zero; 0, 1, 2^k, 2^127 - 1 and random numbers below 2^128.
TEST(Msm, WnafDigitsRecombine) {
    std::mt19937_64 rng(14);
    std::vector<Limbs> ks = {Limbs{0, 0, 0, 0}, Limbs{1, 0, 0, 0}, Limbs{31, 0, 0, 0}, Limbs{0, 1, 0, 0},
                             Limbs{~0ull, ~0ull >> 1, 0, 0}, Limbs{0, 1ull << 62, 0, 0}, Limbs{~0ull, 0, 0, 0}};
    for (int i = 0; i < 2000; ++i) ks.push_back(Limbs{rng(), rng() >> (i % 3 == 0 ? 1 : 40 + i % 24), 0, 0});
    for (unsigned w = 2; w <= 8; ++w)
        for (const Limbs& k : ks) {
            std::int8_t d[130];
            std::memset(d, 0x55, sizeof d);
            const std::size_t n = w == 5 ? wnaf5(k, d) : wnaf(k, w, d);
            ASSERT_LE(n, 130u);
            mpz_class sum = 0;
            for (std::size_t t = n; t-- > 0;) {
                sum = sum * 2 + d[t];
                if (d[t] != 0) {
                    ASSERT_TRUE(d[t] % 2 != 0 && std::abs(int(d[t])) < (1 << (w - 1))) << int(d[t]) << " w " << w;
                    for (std::size_t u = t + 1; u < std::min<std::size_t>(n, t + w); ++u) ASSERT_EQ(d[u], 0) << t;
                }
            }
            if (n > 0) EXPECT_NE(d[n - 1], 0);
            EXPECT_EQ(sum, to_mpz(k)) << "w " << w;
            // wnaf_sparse: exactly the non-zero digits, with their positions.
            std::uint8_t sp_pos[130];
            std::int8_t sp_dig[130];
            const std::size_t nz = wnaf_sparse(k, w, sp_pos, sp_dig);
            std::size_t j = 0;
            for (std::size_t t = 0; t < n; ++t) {
                if (d[t] == 0) continue;
                ASSERT_LT(j, nz);
                EXPECT_EQ(sp_pos[j], t);
                EXPECT_EQ(sp_dig[j], d[t]);
                ++j;
            }
            EXPECT_EQ(j, nz);
            EXPECT_LE(nz, 129 / w + 1);
        }
}

TEST(Msm, GlvEndomorphismIsLambda) {
    const Fq beta = *Fq::from_decimal("2203960485148121921418603742825762020974279258880205651966");
    EXPECT_EQ(beta * beta * beta, Fq::one());
    const G1 p1 = G1::from_affine(g1_generator()).mul(Limbs{12345, 0, 0, 0});
    const G1Affine a1 = p1.to_affine();
    EXPECT_EQ(p1.mul(glv_lambda()), G1::from_affine(G1Affine{a1.x * beta, a1.y}));
    const G2 p2 = G2::from_affine(g2_generator()).mul(Limbs{6789, 0, 0, 0});
    const G2Affine a2 = p2.to_affine();
    EXPECT_EQ(p2.mul(glv_lambda()), G2::from_affine(G2Affine{a2.x.scale(beta * beta), a2.y}));
}

// The twisted Frobenius psi is mu = p mod r on G2 (and mu = 6 x^2); the four-dimensional split
// recombines to k mod r with parts below 2^66, for edge and random scalars.
TEST(Msm, GlsPsiIsMuAndSplitRecombines) {
    const G2 p2 = G2::from_affine(g2_generator()).mul(Limbs{6789, 0, 0, 0});
    G2Affine a2 = p2.to_affine();
    gls_psi(a2.x, a2.y);
    EXPECT_EQ(p2.mul(gls_mu()), G2::from_affine(a2));
    const mpz_class r = to_mpz(FrParams::MOD), x("4965661367192848881");
    EXPECT_EQ(to_mpz(gls_mu()), 6 * x * x);
    EXPECT_EQ((to_mpz(Fq::MOD) - to_mpz(gls_mu())) % r, 0);
    const mpz_class lam = to_mpz(glv_lambda()), mu = to_mpz(gls_mu());
    const mpz_class e[4] = {1, lam, mu, lam * mu % r};
    std::mt19937_64 rng(21);
    std::vector<Limbs> ks = {Limbs{0, 0, 0, 0}, Limbs{1, 0, 0, 0}, Limbs{FrParams::MOD[0] - 1, FrParams::MOD[1],
                             FrParams::MOD[2], FrParams::MOD[3]}, glv_lambda(), gls_mu()};
    for (int i = 0; i < 3000; ++i) {
        Limbs k{rng(), rng(), rng(), rng() >> 2};
        while (cmp(k, FrParams::MOD) >= 0) k[3] >>= 1;
        ks.push_back(k);
    }
    for (const Limbs& k : ks) {
        const Gls4Split s = gls4_split(k);
        mpz_class sum = 0;
        for (int j = 0; j < 4; ++j) {
            ASSERT_EQ(s.k[j][2] | s.k[j][3], 0u);
            ASSERT_LT(s.k[j][1], 4u) << "part " << j << " above 2^66";
            const mpz_class v = to_mpz(s.k[j]);
            sum += (s.neg[j] ? -v : v) * e[j];
        }
        sum -= to_mpz(k);
        sum %= r;
        EXPECT_EQ(sum, 0) << to_mpz(k).get_str(16);
    }
}

// Jobs sharing one recoding (as the prover does for A, B and C): G1 and G2 bases, whole range and
// a suffix, against the plain MSM.
// Scalars 0 and 1 (a bit-heavy witness) take the separate tree sum of the scalar-1 points.
TEST(Msm, BitHeavyScalars) {
    for (std::size_t n : {50, 300, 3000}) {
        check_msm<G1>(n, 2, n + 5, msm_g1, g1_generator(), true);
        check_msm<G1>(n, 1, n + 6, job_fn_fwd<G1>(3), g1_generator(), true);
    }
    check_msm<G2>(700, 2, 11, msm_g2, g2_generator(), true);
    for (unsigned c : {4u, 13u}) {
        auto g1 = [=](const std::uint8_t* b, const Limbs* k, std::size_t n, ThreadPool& p) {
            return msm_g1_with(b, k, n, c, true, p);
        };
        check_msm<G1>(1000, 2, c, g1, g1_generator(), true);
    }
    // One point over and over, a third of them negated, every scalar 1: the pairwise sums meet
    // doublings and pairs that cancel to infinity.
    const G1Affine p = G1::from_affine(g1_generator()).mul(Limbs{7, 0, 0, 0}).to_affine();
    for (std::size_t n : {200, 1001, 5000}) {
        std::vector<G1Affine> same(n, p);
        for (std::size_t i = 0; i < n; i += 3) same[i] = same[i].neg();
        const std::vector<Limbs> ks(n, Limbs{1, 0, 0, 0});
        const std::size_t neg = (n + 2) / 3;
        const G1 expect = G1::from_affine(p).mul(Limbs{n - 2 * neg, 0, 0, 0});
        ThreadPool pool(2);
        auto bytes = to_bytes<G1>(same);
        EXPECT_EQ(msm_g1(bytes.data() + 1, ks.data(), n, pool), expect) << n;
    }
}

TEST(Msm, JobsShareDigits) {
    std::mt19937_64 rng(21);
    const std::size_t n = 700, first = 3;
    std::vector<Limbs> ks;
    for (std::size_t i = 0; i < n; ++i) {
        ks.push_back(i % 7 == 0 ? Limbs{i % 2, 0, 0, 0} : random_below(rng, FrParams::MOD));
    }
    std::vector<G1Affine> p1;
    std::vector<G2Affine> p2;
    G1 a = G1::from_affine(g1_generator());
    G2 b = G2::from_affine(g2_generator());
    for (std::size_t i = 0; i < n; ++i) {
        a = a.dbl().add(g1_generator());
        b = b.dbl().add(g2_generator());
        p1.push_back(a.to_affine());
        p2.push_back(b.to_affine());
    }
    auto b1 = to_bytes<G1>(p1), b2 = to_bytes<G2>(p2);
    ThreadPool pool(2);
    MsmJob<G1> src(b1.data() + 1, n, 2);
    MsmJob<G2> g2(b2.data() + 1, n, 1, src.window_bits(), src.affine_buckets());
    MsmJob<G1> suffix(b1.data() + 1 + first * sizeof(G1Affine), n - first, 3, src.window_bits(), src.affine_buckets());
    g2.share_digits(src, 0);
    suffix.share_digits(src, first);
    EXPECT_THROW(suffix.recode(ks.data()), std::logic_error);
    src.recode(ks.data());
    g2.prepare_bases(0, n);
    suffix.prepare_bases(0, n - first);
    for (auto* j : {&src, &suffix}) pool.run(j->tasks(), [&](std::size_t t) { j->run_task(t); });
    pool.run(g2.tasks(), [&](std::size_t t) { g2.run_task(t); });
    EXPECT_EQ(src.result(), msm_g1(b1.data() + 1, ks.data(), n, pool));
    EXPECT_EQ(g2.result(), msm_g2(b2.data() + 1, ks.data(), n, pool));
    EXPECT_EQ(suffix.result(), msm_g1(b1.data() + 1 + first * sizeof(G1Affine), ks.data() + first, n - first, pool));
    MsmJob<G1> other_c(b1.data() + 1, n, 1, src.window_bits() == 5 ? 6 : 5, true);
    EXPECT_THROW(other_c.share_digits(src, 0), std::invalid_argument);
    EXPECT_THROW(suffix.share_digits(src, first + 1), std::invalid_argument);
}

// 16-bit windows: digits of +-2^15 do not fit in int16_t, so the recoding carries around them,
// in both signs of a GLV half (a negative half once wrapped its -2^15 digit to -2^15 instead of
// +2^15 and gave a wrong sum). Random scalars are searched for halves of either sign that reach
// 2^15 in a window (about one in 2^12 does), plus the scalar that exposed the bug.
TEST(Msm, Window16DigitsAtTheLimit) {
    // Whether some window of k (16-bit, with the carries of a signed recoding) sums to 2^15.
    auto reaches_limit = [](const Limbs& k) {
        std::uint32_t carry = 0;
        for (unsigned w = 0; w < 8; ++w) {
            const std::uint32_t d = std::uint32_t((k[w / 4] >> (16 * (w % 4))) & 0xffff) + carry;
            if (d == 0x8000) return true;
            carry = d > 0x8000 ? 1 : 0;
        }
        return false;
    };
    std::mt19937_64 search(5);
    std::vector<Limbs> ks;
    int found[2][2] = {};  // [half][negative]
    for (int i = 0; i < 400000 && ks.size() < 12; ++i) {
        const Limbs k = random_below(search, FrParams::MOD);
        const GlvSplit s = glv_split(k);
        int& f1 = found[0][s.neg1];
        int& f2 = found[1][s.neg2];
        if ((reaches_limit(s.k1) && f1 < 3) || (reaches_limit(s.k2) && f2 < 3)) {
            if (reaches_limit(s.k1)) ++f1;
            if (reaches_limit(s.k2)) ++f2;
            ks.push_back(k);
        }
    }
    // (The split as implemented gives k1 >= 0 and k2 <= 0, so one sign per half occurs.)
    EXPECT_GT(found[0][0] + found[1][0], 0) << "no positive half reached 2^15";
    EXPECT_GT(found[0][1] + found[1][1], 0) << "no negative half reached 2^15";
    ks.push_back(Limbs{0x62ecaec7cfa739c5ull, 0xaeb6d66c0d56f3e7ull, 0x90e01cd78dcdc719ull, 0x285f8a263c5e4f2full});
    std::mt19937_64 rng(11);
    std::vector<G1Affine> p1;
    std::vector<G2Affine> p2;
    G1 e1 = G1::infinity();
    G2 e2 = G2::infinity();
    for (const Limbs& k : ks) {
        p1.push_back(G1::from_affine(g1_generator()).mul(random_below(rng, FrParams::MOD)).to_affine());
        p2.push_back(G2::from_affine(g2_generator()).mul(random_below(rng, FrParams::MOD)).to_affine());
        e1 = e1.add(G1::from_affine(p1.back()).mul(k));
        e2 = e2.add(G2::from_affine(p2.back()).mul(k));
    }
    const auto b1 = to_bytes<G1>(p1);
    const auto b2 = to_bytes<G2>(p2);
    ThreadPool pool(2);
    for (bool affine : {false, true}) {
        EXPECT_EQ(msm_g1_with(b1.data() + 1, ks.data(), ks.size(), 16, affine, pool), e1) << affine;
        EXPECT_EQ(msm_g2_with(b2.data() + 1, ks.data(), ks.size(), 16, affine, pool), e2) << affine;
        for (std::size_t i = 0; i < ks.size(); ++i) {  // one at a time: no other point to hide an error
            const G1 one = msm_g1_with(b1.data() + 1 + i * sizeof(G1Affine), &ks[i], 1, 16, affine, pool);
            EXPECT_EQ(one, G1::from_affine(p1[i]).mul(ks[i])) << i << " " << affine;
        }
    }
}

// The operation count behind the per-phase floors: one per point put into a bucket, two per
// bucket that holds a point (the reduction), one per scalar-1 point; empty buckets and zero
// scalars cost nothing.
TEST(Msm, AdditionsCountOnlyWorkDone) {
    std::vector<G1Affine> pts;
    G1 p = G1::from_affine(g1_generator());
    for (int i = 0; i < 10; ++i, p = p.dbl()) pts.push_back(p.to_affine());
    const auto bytes = to_bytes<G1>(pts);
    ThreadPool pool(2);
    auto count = [&](const Limbs& k, bool affine) {
        const std::vector<Limbs> ks(pts.size(), k);
        MsmJob<G1> job(bytes.data() + 1, pts.size(), 1, 5, affine);
        job.recode(ks.data());
        pool.run(job.tasks(), [&](std::size_t t) { job.run_task(t); });
        G1 expect = G1::infinity();
        for (const auto& q : pts) expect = expect.add(G1::from_affine(q).mul(k));
        EXPECT_EQ(job.result(), expect);
        return job.additions();
    };
    for (bool affine : {false, true}) {
        EXPECT_EQ(count(Limbs{0, 0, 0, 0}, affine), 0u);
        EXPECT_EQ(count(Limbs{1, 0, 0, 0}, affine), 10u);
        EXPECT_EQ(count(Limbs{2, 0, 0, 0}, affine), 12u);  // ten points into the bucket of digit 2, then its reduction
        EXPECT_EQ(count(Limbs{2 + (3u << 5), 0, 0, 0}, affine), 24u);  // two windows, one bucket each
    }
}

TEST(Msm, WindowGrowsWithSize) {
    EXPECT_LE(msm_window_bits(16), msm_window_bits(1 << 12));
    EXPECT_LE(msm_window_bits(1 << 12), msm_window_bits(1 << 20));
    EXPECT_LE(msm_window_bits(1 << 24), 16u);
}

}  // namespace
