#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Times the trusted-setup commands of Peregrine against snarkjs on the same inputs, interleaved:
#   ptau new, ptau contribute, ptau prepare (phase 2), ptau verify, setup (zkey new),
#   zkey contribute, zkey verify
# at --powers (compared with snarkjs) and --solo powers (Peregrine alone). Each run records wall
# time and peak RSS (/usr/bin/time). The circuit is synthetic (bench/gen-r1cs.py: a chain of
# squarings with full-size constants whose Groth16 domain is exactly 2^N), so that large sizes do not
# need a long circom compile. At the compared powers snarkjs works on Peregrine's files, so its
# `powersoftau verify` and `zkey verify` runs also check them, and the deterministic steps (prepare,
# setup) must give byte-identical files.
#
# usage: bench/setup.sh [--powers "12 14"] [--solo "18 20"] [--runs N] [--snarkjs-runs N]
#                       [--threads N] [--out DIR]
# Output: a table of medians, ratios (snarkjs / peregrine) and peak RSS; raw rows in DIR/results.tsv.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
powers="12 14"
solo=""
runs=3
sjs_runs=""
threads=""
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --powers) powers=$2; shift 2 ;;
        --solo) solo=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --snarkjs-runs) sjs_runs=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup bench: unknown argument: $1" >&2; exit 2 ;;
    esac
done
sjs_runs=${sjs_runs:-$runs}
out=${out:-$root/build/bench-setup}
mkdir -p "$out"
pg=${PEREGRINE:-$root/build/release/peregrine}
[ -x "$pg" ] || { echo "setup bench: no $pg (build it: cmake --build --preset release)" >&2; exit 1; }
bin=$(bash "$root/scripts/npm-tools.sh")
snarkjs=$bin/snarkjs
export NODE_OPTIONS="${NODE_OPTIONS:---max-old-space-size=16384}"
topt=()
[ -n "$threads" ] && topt=(--threads "$threads")
results=$out/results.tsv
printf 'power\tstep\ttool\trun\twall_s\tpeak_rss_kb\n' > "$results"
log() { echo "setup bench $(date +%H:%M:%S): $*" >&2; }

# measure <power> <step> <tool> <run> <command...>: one timed run, appended to results.tsv
measure() {
    local p=$1 s=$2 t=$3 r=$4; shift 4
    local tf; tf=$(mktemp)
    if ! /usr/bin/time -f '%e %M' -o "$tf" "$@" > "$out/last.log" 2>&1; then
        tail -20 "$out/last.log" >&2
        echo "setup bench: $t $s (2^$p) failed" >&2
        exit 1
    fi
    read -r wall rss < <(tail -1 "$tf")
    rm -f "$tf"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$s" "$t" "$r" "$wall" "$rss" >> "$results"
    log "2^$p $s $t run $r: ${wall} s, $((rss / 1024)) MiB"
}

bench_power() {  # bench_power <power> <compare: 0|1>
    local p=$1 cmp=$2 d=$out/p$1
    mkdir -p "$d"
    [ -s "$d/circuit.r1cs" ] || python3 "$root/bench/gen-r1cs.py" "$p" "$d/circuit.r1cs"
    # Inputs shared by both tools come from Peregrine's first run, so both work on the same files.
    local n=$runs
    [ "$cmp" = 1 ] && [ "$sjs_runs" -gt "$n" ] && n=$sjs_runs
    for r in $(seq 1 "$n"); do
        local ours=1 theirs=0
        [ "$cmp" = 1 ] && [ "$r" -le "$sjs_runs" ] && theirs=1
        [ "$r" -gt "$runs" ] && ours=0
        # alternate which tool goes first
        local order="ours snarkjs"
        [ $((r % 2)) = 0 ] && order="snarkjs ours"
        for tool in $order; do
            if [ "$tool" = ours ] && [ $ours = 1 ]; then
                measure "$p" "ptau new" peregrine "$r" "$pg" ptau new "$p" "$d/pg0.ptau" "${topt[@]}"
                measure "$p" "ptau contribute" peregrine "$r" "$pg" ptau contribute "$d/pg0.ptau" "$d/pg1.ptau" \
                    --name bench --entropy "bench $p $r" "${topt[@]}"
                measure "$p" "ptau prepare" peregrine "$r" "$pg" ptau prepare "$d/pg1.ptau" "$d/pg.ptau" "${topt[@]}"
                measure "$p" "ptau verify" peregrine "$r" "$pg" ptau verify "$d/pg.ptau" "${topt[@]}"
                measure "$p" "setup" peregrine "$r" "$pg" setup "$d/circuit.r1cs" "$d/pg.ptau" "$d/pg0.zkey" "${topt[@]}"
                measure "$p" "zkey contribute" peregrine "$r" "$pg" zkey contribute "$d/pg0.zkey" "$d/pg1.zkey" \
                    --name bench --entropy "bench $p $r" "${topt[@]}"
                measure "$p" "zkey verify" peregrine "$r" "$pg" zkey verify "$d/circuit.r1cs" "$d/pg.ptau" "$d/pg1.zkey" "${topt[@]}"
            fi
            if [ "$tool" = snarkjs ] && [ $theirs = 1 ]; then
                # snarkjs works on copies of Peregrine's files where it has an input
                [ -s "$d/pg1.ptau" ] || { echo "setup bench: run Peregrine first" >&2; exit 1; }
                measure "$p" "ptau new" snarkjs "$r" "$snarkjs" powersoftau new bn128 "$p" "$d/sj0.ptau"
                measure "$p" "ptau contribute" snarkjs "$r" "$snarkjs" powersoftau contribute "$d/pg0.ptau" "$d/sj1.ptau" \
                    --name=bench -e="bench $p $r"
                measure "$p" "ptau prepare" snarkjs "$r" "$snarkjs" powersoftau prepare phase2 "$d/pg1.ptau" "$d/sj.ptau"
                measure "$p" "ptau verify" snarkjs "$r" "$snarkjs" powersoftau verify "$d/pg.ptau"
                measure "$p" "setup" snarkjs "$r" "$snarkjs" groth16 setup "$d/circuit.r1cs" "$d/pg.ptau" "$d/sj0.zkey"
                measure "$p" "zkey contribute" snarkjs "$r" "$snarkjs" zkey contribute "$d/pg0.zkey" "$d/sj1.zkey" \
                    --name=bench -e="bench $p $r"
                measure "$p" "zkey verify" snarkjs "$r" "$snarkjs" zkey verify "$d/circuit.r1cs" "$d/pg.ptau" "$d/pg1.zkey"
                # deterministic steps: snarkjs's bytes must equal ours
                cmp -s "$d/sj.ptau" "$d/pg.ptau" || { echo "setup bench: prepared ptau differs from snarkjs's" >&2; exit 1; }
                cmp -s "$d/sj0.zkey" "$d/pg0.zkey" || { echo "setup bench: zkey differs from snarkjs's" >&2; exit 1; }
                rm -f "$d"/sj*.ptau "$d"/sj*.zkey
            fi
        done
    done
    rm -f "$d/pg0.ptau"
}

log "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
    "IFMA: $(grep -q avx512ifma /proc/cpuinfo && echo yes || echo no), load $(cut -d' ' -f1-3 /proc/loadavg)"
for p in $powers; do bench_power "$p" 1; done
for p in $solo; do bench_power "$p" 0; done

python3 - "$results" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
steps = ["ptau new", "ptau contribute", "ptau prepare", "ptau verify", "setup", "zkey contribute", "zkey verify"]
powers = sorted({int(r["power"]) for r in rows})
def med(p, s, t, key):
    v = [float(r[key]) for r in rows if int(r["power"]) == p and r["step"] == s and r["tool"] == t]
    return statistics.median(v) if v else None
print(f"{'power':>5}  {'step':<16} {'peregrine s':>11} {'snarkjs s':>10} {'ratio':>7}  {'RSS MiB ours':>12} {'snarkjs':>8}")
for p in powers:
    for s in steps:
        a, b = med(p, s, "peregrine", "wall_s"), med(p, s, "snarkjs", "wall_s")
        ra, rb = med(p, s, "peregrine", "peak_rss_kb"), med(p, s, "snarkjs", "peak_rss_kb")
        if a is None: continue
        ratio = f"{b / a:6.1f}x" if b is not None and a > 0 else "      -"
        print(f"{p:>5}  {s:<16} {a:>11.2f} {b if b is not None else float('nan'):>10.2f} {ratio:>7}  "
              f"{ra / 1024:>12.0f} {rb / 1024 if rb else float('nan'):>8.0f}")
EOF
