// SPDX-License-Identifier: MIT OR Apache-2.0
// Micro-benchmarks of the kernels behind the prover (Google Benchmark). Not tests: run with
// build/release/bench/micro_bench [--benchmark_filter=...]. CPU time is the number to read on a
// shared machine.
#include <benchmark/benchmark.h>

#include <random>
#include <type_traits>

#include "curve/affine_batch.hpp"
#include "curve/batch_mul.hpp"
#include "curve/bn254.hpp"
#include "msm/msm.hpp"
#include "poly/ntt.hpp"

using namespace peregrine;

namespace {

Limbs random_scalar(std::mt19937_64& rng) {
    for (;;) {
        Limbs x{rng(), rng(), rng(), rng() & 0x3fffffffffffffffull};
        if (Fr::is_canonical(x)) return x;
    }
}

template <class J>
std::vector<typename J::Aff> random_points(std::size_t n, const typename J::Aff& gen) {
    std::vector<J> pts;
    pts.reserve(n);
    J p = J::from_affine(gen).mul(Limbs{0x1234567, 0, 0, 0});
    for (std::size_t i = 0; i < n; ++i) {
        p = p.dbl().add(gen);
        pts.push_back(p);
    }
    return batch_to_affine(pts);
}

void BM_FqMul(benchmark::State& st) {
    Fq a = Fq::from_u64(3), b = Fq::from_u64(5);
    for (auto _ : st) {
        a = a * b;
        benchmark::DoNotOptimize(a);
    }
}
BENCHMARK(BM_FqMul);

// One field inversion: Fermat's exponentiation (constant time) against the binary extended
// Euclid (variable time) that the batch inversions use.
void BM_FqInverse(benchmark::State& st) {
    Fq a = Fq::from_u64(3);
    for (auto _ : st) {
        a = (st.range(0) ? a.inverse_vartime() : a.inverse()) + Fq::one();
        benchmark::DoNotOptimize(a);
    }
}
BENCHMARK(BM_FqInverse)->ArgName("vartime")->Arg(0)->Arg(1);

// Throughput of independent products, as the MSM's batched additions and the NTT run them; the
// per-product cost (1 / items_per_second) is what bench/phases.sh multiplies the operation counts by.
template <class F>
F sample(std::size_t i) {
    if constexpr (std::is_same_v<F, Fq2>) {
        return Fq2{Fq::from_u64(3 * i + 1), Fq::from_u64(5 * i + 2)};
    } else {
        return F::from_u64(3 * i + 1);
    }
}
template <class F>
void BM_MulN(benchmark::State& st) {
    constexpr std::size_t n = 1024;
    std::vector<F> a(n), b(n), r(n);
    for (std::size_t i = 0; i < n; ++i) a[i] = sample<F>(i), b[i] = sample<F>(i + n);
    for (auto _ : st) {
        mul_n(r.data(), a.data(), b.data(), n);
        benchmark::DoNotOptimize(r.data());
        std::swap(a, r);
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(n));
}
BENCHMARK(BM_MulN<Fq>)->Name("BM_FqMulN");
BENCHMARK(BM_MulN<Fq2>)->Name("BM_Fq2MulN");
BENCHMARK(BM_MulN<Fr>)->Name("BM_FrMulN");

void BM_G1MixedAdd(benchmark::State& st) {
    G1 acc = G1::from_affine(g1_generator()).dbl();
    G1Affine g = G1::from_affine(g1_generator()).mul(Limbs{77, 0, 0, 0}).to_affine();
    for (auto _ : st) {
        acc = acc.add(g);
        benchmark::DoNotOptimize(acc);
    }
}
BENCHMARK(BM_G1MixedAdd);

template <class J>
void BM_Msm(benchmark::State& st, const typename J::Aff& gen,
            J (*fn)(const std::uint8_t*, const Limbs*, std::size_t, unsigned, bool, ThreadPool&)) {
    const std::size_t n = (std::size_t)st.range(0);
    const unsigned c = (unsigned)st.range(1);
    const bool affine = st.range(2) != 0;
    static std::vector<typename J::Aff> pts;
    if (pts.size() < n) pts = random_points<J>(n, gen);
    std::mt19937_64 rng(1);
    std::vector<Limbs> ks(n);
    for (auto& k : ks) k = random_scalar(rng);
    ThreadPool pool(1);
    for (auto _ : st) {
        J r = fn(reinterpret_cast<const std::uint8_t*>(pts.data()), ks.data(), n, c ? c : msm_window_bits(n), affine,
                 pool);
        benchmark::DoNotOptimize(r);
    }
    st.SetLabel(std::string(affine ? "affine" : "jacobian") + " c=" + std::to_string(c ? c : msm_window_bits(n)));
}

void BM_MsmG1(benchmark::State& st) { BM_Msm<G1>(st, g1_generator(), msm_g1_with); }
void BM_MsmG2(benchmark::State& st) { BM_Msm<G2>(st, g2_generator(), msm_g2_with); }
BENCHMARK(BM_MsmG1)->Args({1 << 12, 0, 0})->Args({1 << 12, 0, 1})->Args({1 << 16, 12, 0})->Args({1 << 16, 0, 1})->Args({1 << 16, 12, 1})->Args({1 << 14, 11, 1})->Args({1 << 16, 13, 1})
    ->Args({1 << 16, 14, 1})->Args({1 << 16, 15, 1})->Args({1 << 16, 16, 1})->Args({1 << 18, 15, 1})
    ->Args({1 << 18, 16, 1})->Args({1 << 20, 15, 1})->Args({1 << 20, 16, 1})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MsmG2)->Args({1 << 16, 13, 0})->Args({1 << 16, 13, 1})->Unit(benchmark::kMillisecond);

// k * P_i for n points and one scalar (zkey contribute's inner loop), per point.
template <class J>
void BM_MulFixed(benchmark::State& st, const typename J::Aff& gen,
                 void (*fn)(const std::uint8_t*, std::uint8_t*, std::size_t, const Fr&, ThreadPool&)) {
    const std::size_t n = (std::size_t)st.range(0);
    const std::vector<typename J::Aff> pts = random_points<J>(n, gen);
    std::vector<typename J::Aff> out(n);
    std::mt19937_64 rng(2);
    const Fr k = Fr::from_canonical(random_scalar(rng));
    ThreadPool pool(1);
    for (auto _ : st) {
        fn(reinterpret_cast<const std::uint8_t*>(pts.data()), reinterpret_cast<std::uint8_t*>(out.data()), n, k, pool);
        benchmark::DoNotOptimize(out.data());
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(n));
}
void BM_G1MulFixed(benchmark::State& st) { BM_MulFixed<G1>(st, g1_generator(), g1_mul_fixed); }
void BM_G2MulFixed(benchmark::State& st) { BM_MulFixed<G2>(st, g2_generator(), g2_mul_fixed); }
BENCHMARK(BM_G1MulFixed)->Arg(1 << 14)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_G2MulFixed)->Arg(1 << 12)->Unit(benchmark::kMillisecond);

// One lockstep affine addition step of n independent G1 points (curve/affine_batch: setup's
// sums, ptau prepare), per addition; the points are restored between steps outside the timing.
void BM_G1AffineAddN(benchmark::State& st) {
    const std::size_t n = (std::size_t)st.range(0);
    const std::vector<G1Affine> pts = random_points<G1>(2 * n, g1_generator());
    std::vector<Fq> x(n), y(n), bx(n), by(n);
    for (std::size_t i = 0; i < n; ++i) {
        bx[i] = pts[n + i].x;
        by[i] = pts[n + i].y;
    }
    std::vector<std::uint8_t> special(n);
    AffineScratch<Fq> s;
    for (auto _ : st) {
        st.PauseTiming();
        for (std::size_t i = 0; i < n; ++i) {
            x[i] = pts[i].x;
            y[i] = pts[i].y;
        }
        st.ResumeTiming();
        affine_add_n(x.data(), y.data(), bx.data(), by.data(), n, special.data(), s);
        benchmark::DoNotOptimize(x.data());
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(n));
}
BENCHMARK(BM_G1AffineAddN)->Arg(64)->Arg(512)->Arg(4096);

void BM_Ntt(benchmark::State& st) {
    Domain d((unsigned)st.range(0));
    std::vector<Fr> v(d.size(), Fr::from_u64(7));
    ThreadPool pool(1);
    for (auto _ : st) d.fft(v.data(), pool);
}
BENCHMARK(BM_Ntt)->Arg(16)->Arg(20)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
