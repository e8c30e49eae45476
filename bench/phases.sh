#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Where a proof's time goes, and how far each part is from its floor. Runs `peregrine prove
# --verbose` on a cached fixture (bench/make-fixture.sh) a few times and takes, per phase, the
# median of its time and the operations it reported; measures the kernels' cost per field product
# with micro_bench (throughput of independent products, as the MSMs and NTTs run them); and prints
# for each phase: time, operation count, floor = operations x kernel cost, and time/floor.
#   MSM G1 (A, B1, C) and H: point additions x 6 Fq products (a batched affine addition: three
#     products for its share of the batch inversion, the slope, its square, the new y).
#   MSM G2 (B2): point additions x 6 Fq2 products.
#   QAP, NTT: Fr products (one per coefficient; n/2 log n per transform, scalings, A*B-C).
# Phase times are CPU time of the threads that ran them (the MSMs run concurrently, the QAP and NTT
# as three tasks beside them); load and self-verify are wall time and have no floor here.
#
# usage: bench/phases.sh [--power N] [--circuit poseidon|sha256] [--kernel auto|adx|portable]
#                        [--threads N] [--runs N]
# env: PEREGRINE=/path/to/peregrine (default build/release/peregrine),
#      MICRO_BENCH=/path/to/micro_bench (default next to it, bench/micro_bench)
set -euo pipefail

power=16 circuit=poseidon kernel=auto threads=2 runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --power) power=${2:?}; shift 2 ;;
    --circuit) circuit=${2:?}; shift 2 ;;
    --kernel) kernel=${2:?}; shift 2 ;;
    --threads) threads=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    -h|--help) sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "phases: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
die() { echo "phases: error: $*" >&2; exit 1; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer"
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || die "--threads must be a positive integer"
kernel_env=()
case "$kernel" in
  auto) ;;
  adx) kernel_env=(PEREGRINE_NO_IFMA=1) ;;
  portable) kernel_env=(PEREGRINE_NO_IFMA=1 PEREGRINE_NO_ADX=1) ;;
  *) die "--kernel must be auto, adx or portable (got '$kernel')" ;;
esac
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
peregrine=${PEREGRINE:-$root/build/release/peregrine}
micro=${MICRO_BENCH:-$(dirname "$peregrine")/bench/micro_bench}
[ -x "$peregrine" ] || die "$peregrine is missing (cmake --preset release && cmake --build --preset release)"
[ -x "$micro" ] || die "$micro is missing (it is built with the release preset)"
fixture=$(bash "$root/bench/make-fixture.sh" --power "$power" --circuit "$circuit") || die "no fixture"
out=$(mktemp -d "${TMPDIR:-/tmp}/peregrine-phases.XXXXXX")
trap 'rm -rf "$out"' EXIT

# Kernel costs: ns per product, from items_per_second.
env "${kernel_env[@]}" "$micro" --benchmark_filter='BM_(Fq|Fq2|Fr)MulN$' --benchmark_min_time=0.3 \
  --benchmark_format=json > "$out/micro.json" 2> /dev/null || die "micro_bench failed"
cost() { python3 -c 'import json,sys; b={x["name"]:x for x in json.load(open(sys.argv[1]))["benchmarks"]}; print(1e9/b[sys.argv[2]]["items_per_second"])' "$out/micro.json" "$1"; }
ns_fq=$(cost BM_FqMulN) ns_fq2=$(cost BM_Fq2MulN) ns_fr=$(cost BM_FrMulN)

for ((r = 1; r <= runs; r++)); do
  env "${kernel_env[@]}" "$peregrine" prove "$fixture/circuit.zkey" "$fixture/witness.wtns" "$out/proof.json" \
    "$out/public.json" --threads "$threads" --verbose 2> "$out/run$r.log" > /dev/null || { cat "$out/run$r.log" >&2; die "prove failed"; }
done

python3 - "$out" "$runs" "$ns_fq" "$ns_fq2" "$ns_fr" "$power" "$circuit" "$kernel" "$threads" <<'EOF'
import re, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
ns_fq, ns_fq2, ns_fr = map(float, sys.argv[3:6])
power, circuit, kernel, threads = sys.argv[6:10]
rows = []
for r in range(1, runs + 1):
    text = open(f"{out}/run{r}.log").read()
    t = dict(re.findall(r"(load|qap|ntt|msm|self-verify|prove|total) ([0-9.]+)", text.split("timings (ms):")[1].split("\n")[0]))
    c = dict(re.findall(r"(qap|ntt|msm-g1|msm-g2|msm-h) ([0-9.]+)", text.split("cpu (ms):")[1].split(";")[0]))
    w = dict(re.findall(r"(g1|g2|h) ([0-9]+) additions", text))
    w.update(re.findall(r"(qap|ntt) ([0-9]+) products", text))
    rows.append((t, c, w))
med = lambda xs: statistics.median(float(x) for x in xs)
T = {k: med(r[0][k] for r in rows) for k in rows[0][0]}
C = {k: med(r[1][k] for r in rows) for k in rows[0][1]}
W = {k: med(r[2][k] for r in rows) for k in rows[0][2]}
print(f"phases of one proof: {circuit}, domain 2^{power}, kernel {kernel}, {threads} threads, median of {runs} runs")
print(f"kernel cost per product (micro_bench, independent products): Fq {ns_fq:.2f} ns, Fq2 {ns_fq2:.2f} ns, Fr {ns_fr:.2f} ns")
print(f"{'phase':<12} {'time ms':>9} {'kind':>6} {'operations':>14} {'floor ms':>9} {'time/floor':>10}")
def line(name, ms, kind, ops, floor):
    f = f"{floor:9.1f} {ms / floor:9.2f}x" if floor else f"{'-':>9} {'-':>10}"
    print(f"{name:<12} {ms:9.1f} {kind:>6} {('%d' % ops) if ops else '-':>14} {f}")
line("load", T["load"], "wall", 0, 0)
line("qap", C["qap"], "cpu", W["qap"], W["qap"] * ns_fr / 1e6)
line("ntt", C["ntt"], "cpu", W["ntt"], W["ntt"] * ns_fr / 1e6)
line("msm g1", C["msm-g1"], "cpu", W["g1"], W["g1"] * 6 * ns_fq / 1e6)
line("msm g2", C["msm-g2"], "cpu", W["g2"], W["g2"] * 6 * ns_fq2 / 1e6)
line("msm h", C["msm-h"], "cpu", W["h"], W["h"] * 6 * ns_fq / 1e6)
line("self-verify", T["self-verify"], "wall", 0, 0)
cpu = C["qap"] + C["ntt"] + C["msm-g1"] + C["msm-g2"] + C["msm-h"]
floor = (W["qap"] + W["ntt"]) * ns_fr / 1e6 + (W["g1"] + W["h"]) * 6 * ns_fq / 1e6 + W["g2"] * 6 * ns_fq2 / 1e6
print(f"{'all compute':<12} {cpu:9.1f} {'cpu':>6} {'':>14} {floor:9.1f} {cpu / floor:9.2f}x")
print(f"proof wall time {T['total']:.1f} ms (prove {T['prove']:.1f} ms) on {threads} threads")
EOF
