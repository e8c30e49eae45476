// SPDX-License-Identifier: MIT OR Apache-2.0
#include "groth16/prover.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <latch>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <ctime>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "groth16/verifier.hpp"
#include "msm/msm.hpp"
#include "poly/ntt.hpp"
#include "util/big_array.hpp"
#include "util/random.hpp"

namespace peregrine {

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// CPU time of the calling thread: what a part of the proof costs, whatever else the machine runs.
std::int64_t thread_cpu_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Evaluations of A.w and B.w on the domain, from the zkey's coefficient list. Each stored
// coefficient is k*R^2 mod r (R = 2^256), so a Montgomery product with the canonical witness
// value yields k*w in Montgomery form directly.
// Only the constraints in [lo, hi) are evaluated (every coefficient is checked), so that ranges can
// be evaluated at once on several threads.
// Returns the number of products done (coefficients of non-zero witness values in the range).
std::size_t evaluate_ab(const Zkey& zk, const std::vector<Limbs>& w, Fr* a, Fr* b, std::uint32_t lo, std::uint32_t hi) {
    std::size_t products = 0;
    const std::uint8_t* p = zk.coeffs();
    const std::uint32_t n = zk.n_coeffs(), dom = zk.domain_size(), nv = zk.n_vars();
    for (std::uint32_t i = 0; i < n; ++i, p += Zkey::kCoeffSize) {
        std::uint32_t m, c, s;
        std::memcpy(&m, p, 4);
        std::memcpy(&c, p + 4, 4);
        std::memcpy(&s, p + 8, 4);
        if (m > 1 || c >= dom || s >= nv) {
            throw Error(zk.path() + ": coefficient " + std::to_string(i) + " is out of range (matrix " + std::to_string(m) +
                        ", constraint " + std::to_string(c) + ", signal " + std::to_string(s) + ")");
        }
        if (c < lo || c >= hi) continue;
        const Limbs& ws = w[s];
        if ((ws[0] | ws[1] | ws[2] | ws[3]) == 0) continue;  // most signals of a bit-heavy witness
        const Fr k = Fr::from_mont(limbs_from_le(p + 12));
        const Fr term = k * Fr::from_mont(ws);
        ++products;
        if (m == 0) {
            a[c] += term;
        } else {
            b[c] += term;
        }
    }
    return products;
}

// Whether p lies in a read-only mapping of a file (the zkey's memory map rather than a buffer that
// a caller owns): only then may its pages be dropped, as they cannot have been modified.
bool in_readonly_file_mapping(const void* p) {
#if defined(__linux__)
    std::ifstream maps("/proc/self/maps");
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    std::string line;
    while (std::getline(maps, line)) {
        unsigned long long lo = 0, hi = 0, off = 0, inode = 0;
        char perms[8] = {}, dev[32] = {};
        if (std::sscanf(line.c_str(), "%llx-%llx %7s %llx %31s %llu", &lo, &hi, perms, &off, dev, &inode) != 6) continue;
        if (a >= lo && a < hi) return inode != 0 && perms[1] == '-';
    }
#else
    (void)p;
#endif
    return false;
}

// Drops this process's copies of the pages wholly inside [p, p + len) of a read-only file mapping;
// a later access reads them again from the page cache.
void drop_pages([[maybe_unused]] const void* p, [[maybe_unused]] std::size_t len) {
#if defined(__linux__) && defined(MADV_DONTNEED)
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const std::uintptr_t lo = (reinterpret_cast<std::uintptr_t>(p) + page - 1) & ~(page - 1);
    const std::uintptr_t hi = (reinterpret_cast<std::uintptr_t>(p) + len) & ~(page - 1);
    if (hi > lo) ::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_DONTNEED);  // a hint: failure is harmless
#endif
}

// A step split into pieces that whichever threads arrive share: each takes pieces until none is
// left, then waits for the others' (a thread that needs the result never idles while part of it
// is undone). An exception from a piece is rethrown to every caller.
class SharedStep {
public:
    explicit SharedStep(std::size_t pieces) : pieces_(pieces) {}
    template <class F>
    void run(F&& piece) {
        for (std::size_t k; (k = next_.fetch_add(1)) < pieces_;) {
            try {
                piece(k);
            } catch (...) {
                const std::lock_guard<std::mutex> lock(mu_);
                if (!error_) error_ = std::current_exception();
            }
            done_.fetch_add(1, std::memory_order_release);
        }
        while (done_.load(std::memory_order_acquire) < pieces_) std::this_thread::yield();
        if (error_) std::rethrow_exception(error_);
    }

private:
    std::size_t pieces_;
    std::atomic<std::size_t> next_{0}, done_{0};
    std::mutex mu_;
    std::exception_ptr error_;
};

// Earliest start and latest end of the pieces of a step, as wall-clock times.
struct Span {
    std::atomic<Clock::rep> first{std::numeric_limits<Clock::rep>::max()}, last{0};
    void add(Clock::time_point b, Clock::time_point e) {
        Clock::rep v = first.load();
        while (b.time_since_epoch().count() < v && !first.compare_exchange_weak(v, b.time_since_epoch().count())) {
        }
        v = last.load();
        while (e.time_since_epoch().count() > v && !last.compare_exchange_weak(v, e.time_since_epoch().count())) {
        }
    }
    Clock::time_point begin() const { return Clock::time_point(Clock::duration(first.load())); }
    Clock::time_point end() const { return Clock::time_point(Clock::duration(last.load())); }
};

// One MSM of the proof, prepared when its first task starts (by every thread that arrives,
// in pieces) and released after its last: its endomorphism images and base pages are in memory
// only while it runs, not for the whole proof.
template <class J>
struct LazyJob {
    MsmJob<J>& job;
    const std::uint8_t* bases;
    std::size_t n, pieces;
    bool drop;  // drop the bases' file pages at the end
    std::atomic<std::size_t> next{0}, done{0}, left;

    LazyJob(MsmJob<J>& j, const std::uint8_t* b, std::size_t npts, bool drop_pages_after)
        : job(j), bases(b), n(npts), pieces(std::clamp<std::size_t>(npts / 2048, 1, 64)), drop(drop_pages_after),
          left(j.tasks()) {}

    void run_task(std::size_t t) {
        for (std::size_t k; (k = next.fetch_add(1)) < pieces;) {
            job.prepare_bases(n * k / pieces, n * (k + 1) / pieces);
            done.fetch_add(1, std::memory_order_release);
        }
        while (done.load(std::memory_order_acquire) < pieces) std::this_thread::yield();
        job.run_task(t);
        if (left.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            job.release_bases();
            if (drop) drop_pages(bases, n * sizeof(typename J::Aff));
        }
    }
};

}  // namespace

std::vector<Limbs> public_signals(const Zkey& zk, const std::vector<Limbs>& witness) {
    return std::vector<Limbs>(witness.begin() + 1, witness.begin() + 1 + zk.n_public());
}

Proof groth16_prove(const Zkey& zk, const std::vector<Limbs>& w, ThreadPool& pool, const ProveOptions& opts) {
    const auto t0 = Clock::now();
    // Every parallel loop below checks opts.cancel between its tasks.
    const ThreadPool::CancelScope cancel_scope(opts.cancel);
    auto phase = [&](const char* name) {
        ThreadPool::check_cancelled();
        if (opts.on_phase) opts.on_phase(name);
    };
    if (w.size() != zk.n_vars()) {
        throw WitnessLengthMismatch("invalid witness length: the circuit has " + std::to_string(zk.n_vars()) + " signals, the witness " +
                    std::to_string(w.size()));
    }
    for (const Limbs& v : w) {
        if (!Fr::is_canonical(v)) throw Error("witness value is not below the scalar field prime");
    }
    if (w[0] != Limbs{1, 0, 0, 0}) throw Error("invalid witness: signal 0 must be 1");

    const std::size_t n = zk.domain_size();
    const std::size_t nv = zk.n_vars(), np = zk.n_public();

    // Everything runs as one batch of tasks on the pool, so that no core waits at a phase
    // boundary. Tasks 0-2 are the polynomial part (QAP evaluation, then one NTT round trip each
    // for A, B and C); the other threads meanwhile work through the windows of the MSMs (order
    // below). A thread that reaches an H window before the round trips are done helps with them.
    // The three phases therefore start together; they are announced (and checked for
    // cancellation) in their old order.
    phase("qap");
    phase("ntt");
    phase("msm");
    // A, B (G1 and G2) and C all have witness scalars (C a suffix of them): one recoding.
    const std::size_t nc = nv - np - 1;
    MsmJob<G1> job_a(zk.points_a(), nv), job_b1(zk.points_b1(), nv);
    MsmJob<G2> job_b2(zk.points_b2(), nv, 1, job_a.window_bits(), job_a.affine_buckets());
    MsmJob<G1> job_c(zk.points_c(), nc, 1, job_a.window_bits(), job_a.affine_buckets());
    MsmJob<G1> job_h(zk.points_h(), n);
    job_b1.share_digits(job_a, 0);
    job_b2.share_digits(job_a, 0);
    job_c.share_digits(job_a, np + 1);
    pool.parallel_for(nv, [&](std::size_t lo, std::size_t hi) { job_a.recode_digits(w.data(), lo, hi); });
    const bool drop = opts.release_key_pages && in_readonly_file_mapping(zk.points_a());
    if (drop) {
        // Only B2's points (the first MSM) and the coefficients are needed now: pages of the
        // other sections that are mapped (touched by an earlier proof with this key) are let go.
        // They are faulted back in (from the page cache, many pages per fault) when their MSM
        // starts.
        drop_pages(zk.points_a(), nv * sizeof(G1Affine));
        drop_pages(zk.points_b1(), nv * sizeof(G1Affine));
        drop_pages(zk.points_c(), nc * sizeof(G1Affine));
        drop_pages(zk.points_h(), n * sizeof(G1Affine));
    }
    LazyJob<G2> lz_b2(job_b2, zk.points_b2(), nv, drop);
    LazyJob<G1> lz_a(job_a, zk.points_a(), nv, drop), lz_b1(job_b1, zk.points_b1(), nv, drop);
    LazyJob<G1> lz_c(job_c, zk.points_c(), nc, drop), lz_h(job_h, zk.points_h(), n, drop);
    const std::size_t n_b2 = job_b2.tasks(), n_a = job_a.tasks(), n_b1 = job_b1.tasks(), n_c = job_c.tasks();
    std::atomic<std::size_t> witness_tasks_left{n_b2 + n_a + n_b1 + n_c};
    auto witness_task_done = [&] {
        if (witness_tasks_left.fetch_sub(1, std::memory_order_acq_rel) == 1) job_a.release_digits();
    };

    // The polynomial part. The QAP evaluation (A and B on the domain by ranges of constraints,
    // C = A*B, and the domain's twiddles) is a shared step: the round trips need it, and every
    // thread that starts one helps with it. The NTT round trips of A, B and C are three tasks
    // (0-2), so that two cores share them when the MSMs leave one idle (a bit-heavy witness, whose
    // MSMs are mostly skipped); each is a CosetRoundTrip whose steps come in pieces, and an H task
    // that has to wait for one helps with it (on two cores the third round trip is otherwise one
    // thread's while the other idles). H = A*B - C and its recoding are a shared step of the H
    // tasks, after all three; an H task that finds a round trip not yet started (the pool skipped
    // its task on cancellation) runs it itself.
    const unsigned threads = pool.size();
    double t_ntt_ms = 0;
    std::atomic<std::int64_t> ns_ntt{0}, ns_qap{0};
    std::atomic<std::uint64_t> qap_products{0};  // A and B's terms (zero witness values skipped), C = A*B
    std::atomic<Clock::rep> last_round_trip{0};  // when the last round trip ended
    // A, B and C on the domain (then on the coset, then H): uninitialised, on huge pages where the
    // kernel gives them; the QAP step zeroes its ranges of A and B, in parallel, and writes all of
    // C. (Zero-filled vectors cost 4-5 ms of one thread before the proof at 2^16.)
    BigArray<Fr> a_buf = alloc_big_array<Fr>(n), b_buf = alloc_big_array<Fr>(n), c_buf = alloc_big_array<Fr>(n);
    Fr *a = a_buf.get(), *b = b_buf.get(), *c = c_buf.get();
    std::optional<Domain> dom;
    Span qap_span, combine_span;
    const std::size_t qap_ranges = std::min<std::size_t>({threads, 4, std::max<std::size_t>(1, n / 4096)});
    const std::size_t combine_pieces = std::min<std::size_t>(4 * threads, std::max<std::size_t>(1, n / 4096));
    SharedStep qap(qap_ranges + 1), combine(combine_pieces);
    std::once_flag drop_coeffs_once, free_once;
    std::exception_ptr poly_error;
    std::mutex poly_mu;
    auto fail = [&] {
        const std::lock_guard<std::mutex> lock(poly_mu);
        if (!poly_error) poly_error = std::current_exception();
    };
    auto ensure_qap = [&] {
        qap.run([&](std::size_t k) {
            const auto tp = Clock::now();
            const std::int64_t cp = thread_cpu_ns();
            if (k == qap_ranges) {
                dom.emplace(zk.log_domain_size());
                ns_ntt.fetch_add(thread_cpu_ns() - cp, std::memory_order_relaxed);
                return;
            }
            const std::size_t lo = n * k / qap_ranges, hi = n * (k + 1) / qap_ranges;
            std::fill(a + lo, a + hi, Fr::zero());
            std::fill(b + lo, b + hi, Fr::zero());
            qap_products.fetch_add(evaluate_ab(zk, w, a, b, std::uint32_t(lo), std::uint32_t(hi)) + (hi - lo),
                                   std::memory_order_relaxed);
            with_mul<Fr>([&](auto mul) {
                for (std::size_t i = lo; i < hi; ++i) c[i] = mul(a[i], b[i]);
            });
            ns_qap.fetch_add(thread_cpu_ns() - cp, std::memory_order_relaxed);
            qap_span.add(tp, Clock::now());
        });
        if (drop) std::call_once(drop_coeffs_once, [&] { drop_pages(zk.coeffs(), std::size_t(zk.n_coeffs()) * Zkey::kCoeffSize); });
    };
    // Moves a polynomial from its evaluations on the n-th roots to the odd 2n-th roots (the coset
    // shifted by a primitive 2n-th root), where the vanishing polynomial is constant.
    const Fr shift = fr_root_of_unity(zk.log_domain_size() + 1);
    std::atomic<bool> claimed[3] = {false, false, false}, started[3] = {false, false, false};
    std::optional<CosetRoundTrip> trips[3];
    std::latch transformed(3);
    // Helps with the round trips in progress (a thread with nothing else to do).
    auto help_round_trips = [&] {
        const std::int64_t ct = thread_cpu_ns();
        for (int i = 0; i < 3; ++i) {
            if (started[i].load(std::memory_order_acquire)) trips[i]->work();
        }
        ns_ntt.fetch_add(thread_cpu_ns() - ct, std::memory_order_relaxed);
    };
    auto round_trip = [&](int i) {
        if (claimed[i].exchange(true)) return;
        try {
            const ThreadPool::CancelScope scope(opts.cancel);  // also when a worker thread runs this
            ensure_qap();
            ThreadPool::check_cancelled();
            const std::int64_t ct = thread_cpu_ns();
            Fr* v = i == 0 ? a : i == 1 ? b : c;
            // Pieces small enough that an idle thread can join a round trip late and share it.
            trips[i].emplace(*dom, v, shift, threads == 1 ? 1 : 4 * std::size_t(threads));
            started[i].store(true, std::memory_order_release);
            trips[i]->work();
            ns_ntt.fetch_add(thread_cpu_ns() - ct, std::memory_order_relaxed);
            const Clock::rep end = Clock::now().time_since_epoch().count();
            Clock::rep seen = last_round_trip.load();
            while (seen < end && !last_round_trip.compare_exchange_weak(seen, end)) {
            }
        } catch (...) {
            fail();
        }
        transformed.count_down();
    };
    auto ensure_polynomial_part = [&] {
        for (int i = 0; i < 3; ++i) round_trip(i);
        while (!transformed.try_wait()) {
            help_round_trips();
            std::this_thread::yield();
        }
        {
            const std::lock_guard<std::mutex> lock(poly_mu);
            if (poly_error) std::rethrow_exception(poly_error);
        }
        const ThreadPool::CancelScope scope(opts.cancel);
        ThreadPool::check_cancelled();
        combine.run([&](std::size_t k) {
            const auto tc = Clock::now();
            const std::int64_t ct = thread_cpu_ns();
            const std::size_t lo = n * k / combine_pieces, hi = n * (k + 1) / combine_pieces;
            // H's canonical values replace A's (no more memory than the round trips had).
            with_mul<Fr>([&](auto mul) {
                for (std::size_t i = lo; i < hi; ++i) a[i].v = (mul(a[i], b[i]) - c[i]).to_canonical();
            });
            static_assert(sizeof(Fr) == sizeof(Limbs), "an Fr array is read as an array of limbs");
            job_h.recode_digits(&a[0].v, lo, hi);
            ns_ntt.fetch_add(thread_cpu_ns() - ct, std::memory_order_relaxed);
            combine_span.add(tc, Clock::now());
        });
        std::call_once(free_once, [&] {
            a_buf.reset();
            b_buf.reset();
            c_buf.reset();
            // Wall time of the round trips (from the QAP's end to the last one's end; the H
            // tasks may start much later) plus that of this step.
            const Clock::time_point last{Clock::duration(last_round_trip.load())};
            t_ntt_ms = std::chrono::duration<double, std::milli>(last - qap_span.end()).count() +
                       std::chrono::duration<double, std::milli>(combine_span.end() - combine_span.begin()).count();
        });
    };

    // Task order: the round trips, B2 (G2, the largest per task), H (one task per window: the
    // windows are few and equal, so they must not come last), then A, B1 and C, whose many small
    // tasks (mostly skipped ones on bit-heavy witnesses) even out the threads' finishing times.
    const std::size_t n_h = job_h.tasks();
    const std::size_t total = 3 + n_b2 + n_h + n_a + n_b1 + n_c;
    // CPU time per group of MSMs (G1: A, B1, C; G2: B2; H), in nanoseconds summed over tasks.
    std::atomic<std::int64_t> ns_g1{0}, ns_g2{0}, ns_h{0};
    auto timed = [](std::atomic<std::int64_t>& acc, auto&& fn) {
        const std::int64_t ts = thread_cpu_ns();
        fn();
        acc.fetch_add(thread_cpu_ns() - ts, std::memory_order_relaxed);
    };
    pool.run(total, [&](std::size_t t) {
        if (t < 3) return round_trip((int)t);
        t -= 3;
        if (t < n_b2) return timed(ns_g2, [&] { lz_b2.run_task(t); }), witness_task_done();
        t -= n_b2;
        if (t < n_h) {
            ensure_polynomial_part();
            return timed(ns_h, [&] { lz_h.run_task(t); });
        }
        t -= n_h;
        if (t < n_a) return timed(ns_g1, [&] { lz_a.run_task(t); }), witness_task_done();
        t -= n_a;
        if (t < n_b1) return timed(ns_g1, [&] { lz_b1.run_task(t); }), witness_task_done();
        t -= n_b1;
        timed(ns_g1, [&] { lz_c.run_task(t); });
        witness_task_done();
    });
    const G1 pa = job_a.result(), pb1 = job_b1.result(), pc = job_c.result(), ph = job_h.result();
    const G2 pb = job_b2.result();
    const auto t_msm = Clock::now();

    phase("finish");
    const Limbs r = opts.r ? *opts.r : random_below(FrParams::MOD);
    const Limbs s = opts.s ? *opts.s : random_below(FrParams::MOD);
    const Limbs neg_rs = (-(Fr::from_canonical(r) * Fr::from_canonical(s))).to_canonical();
    const G1 delta1 = G1::from_affine(zk.delta1());

    const G1 A = pa.add(zk.alpha1()).add(delta1.mul(r));
    const G2 B = pb.add(zk.beta2()).add(G2::from_affine(zk.delta2()).mul(s));
    const G1 B1 = pb1.add(zk.beta1()).add(delta1.mul(s));
    const G1 C = pc.add(ph).add(A.mul(s)).add(B1.mul(r)).add(delta1.mul(neg_rs));

    Proof proof{A.to_affine(), B.to_affine(), C.to_affine()};
    const auto t_fin = Clock::now();
    if (opts.verify) {
        phase("verify");
        if (!groth16_verify(verifying_key(zk), public_signals(zk, w), proof)) {
            throw UnsatisfiedWitness("the witness does not satisfy the circuit's constraints (its proof does not verify)");
        }
    }
    if (opts.timings) {
        opts.timings->verify_ms = ms_since(t_fin);
        // QAP and NTT run inside the MSM phase, concurrently with MSM windows.
        opts.timings->qap_ms = std::chrono::duration<double, std::milli>(qap_span.end() - qap_span.begin()).count();
        opts.timings->ntt_ms = t_ntt_ms;
        opts.timings->msm_ms = std::chrono::duration<double, std::milli>(t_msm - t0).count();
        opts.timings->qap_cpu_ms = double(ns_qap.load()) / 1e6;
        opts.timings->ntt_cpu_ms = double(ns_ntt.load()) / 1e6;
        opts.timings->g1_cpu_ms = double(ns_g1.load()) / 1e6;
        opts.timings->g2_cpu_ms = double(ns_g2.load()) / 1e6;
        opts.timings->h_cpu_ms = double(ns_h.load()) / 1e6;
        opts.timings->g1_adds = job_a.additions() + job_b1.additions() + job_c.additions();
        opts.timings->g2_adds = job_b2.additions();
        opts.timings->h_adds = job_h.additions();
        // QAP: one product per coefficient of a non-zero witness value, one per constraint for C.
        // NTT: per polynomial an inverse transform with its coset scaling and a forward one,
        // n/2 log n products each (twiddles of 1 skipped or not), then A*B - C.
        const std::uint64_t log_n = zk.log_domain_size();
        opts.timings->qap_muls = qap_products.load();
        opts.timings->ntt_muls = 3 * (n * log_n + n) + n;
        opts.timings->total_ms = ms_since(t0);
    }
    return proof;
}

}  // namespace peregrine
