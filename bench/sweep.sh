#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# The prover benchmark across sizes: for every power and circuit, bench/bench.sh with Peregrine's
# kernels side by side (interleaved in the same rounds), rapidsnark and (up to 2^18) snarkjs, on 2
# threads and on 1 (for the scaling). Appends everything to one CSV, then draws
# time and peak RSS against size (bench/plot.gp, gnuplot) and prints a Markdown table of the
# 2-thread medians with the ratios to rapidsnark.
#
# usage: RAPIDSNARK=/path/to/prover bench/sweep.sh [--powers 16,18,20,22] [--circuits poseidon,sha256]
#            [--kernels adx,portable] [--runs N] [--threads-list 2,1] [--out DIR]
# The fixtures come from bench/make-fixture.sh (built once, cached). Default kernels: adx,portable,
# plus auto (IFMA) on a CPU that has AVX-512 IFMA.
set -euo pipefail

powers=16,18,20,22 circuits=poseidon,sha256 kernels="" runs=5 threads_list=2,1 out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --powers) powers=${2:?}; shift 2 ;;
    --circuits) circuits=${2:?}; shift 2 ;;
    --kernels) kernels=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --threads-list) threads_list=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    -h|--help) sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "sweep: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
die() { echo "sweep: error: $*" >&2; exit 1; }
[ -n "${RAPIDSNARK:-}" ] || die "set RAPIDSNARK to rapidsnark's prover (bench/build-rapidsnark.sh builds it)"
if [ -z "$kernels" ]; then
  kernels=adx,portable
  grep -q -m1 avx512ifma /proc/cpuinfo && kernels=auto,$kernels
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/peregrine-sweep.XXXXXX")
mkdir -p "$out"
csv=$out/sweep.csv
rm -f "$csv"

IFS=, read -r -a P <<< "$powers"
IFS=, read -r -a C <<< "$circuits"
IFS=, read -r -a T <<< "$threads_list"
for p in "${P[@]}"; do
  for c in "${C[@]}"; do
    for t in "${T[@]}"; do
      echo "sweep: $c 2^$p, $t thread(s)" >&2
      # One thread: Peregrine's kernels and rapidsnark only (the scaling figure).
      extra=()
      [ "$t" = 1 ] && extra=(--no-snarkjs)
      bash "$root/bench/bench.sh" --power "$p" --circuit "$c" --kernel "$kernels" --runs "$runs" --threads "$t" \
        "${extra[@]}" --out "$out/$c-$p-t$t" --csv "$csv" | tee "$out/$c-$p-t$t.txt" >&2
    done
  done
done

# --- plot ---------------------------------------------------------------------------------------
# One data file per (circuit, tool) at 2 threads: power, median s, peak RSS MiB.
for c in "${C[@]}"; do
  for tool in $(awk -F, 'NR>1 {print $11}' "$csv" | sort -u); do
    awk -F, -v c="$c" -v t="$tool" 'NR>1 && $6==c && $11==t && $10!="1" {print $7, $13, $16}' "$csv" | sort -n \
      > "$out/$c.$tool.dat"
  done
done
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
if command -v gnuplot > /dev/null; then
  gnuplot -e "dir='$out'; circuits='${C[*]}'; tools='$(awk -F, 'NR>1 {print $11}' "$csv" | sort -u | tr '\n' ' ')'; cpu='${cpu//\'/}'" \
    "$root/bench/plot.gp" && echo "sweep: plot: $out/sweep.png" >&2
else
  echo "sweep: gnuplot not installed (apt-get install gnuplot-nox): no plot" >&2
fi

# --- table --------------------------------------------------------------------------------------
python3 - "$csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
key = lambda r: (r["circuit"], int(r["power"]), r["threads"])
groups = {}
for r in rows:
    groups.setdefault(key(r), {})[r["tool"]] = r
tools = sorted({r["tool"] for r in rows if r["tool"].startswith("peregrine")})
print(f"CPU: {rows[0]['cpu']}, {rows[0]['cores']} cores")
print("| circuit | size | threads | rapidsnark s (MiB) | " + " | ".join(f"{t} s (MiB) | /rapidsnark" for t in tools) + " |")
print("|---|---|---|---|" + "---|---|" * len(tools))
for (c, p, th), g in sorted(groups.items()):
    rs = g.get("rapidsnark")
    cells = [c, f"2^{p}", th, f"{float(rs['median_s']):.2f} ({float(rs['peak_rss_mib']):.0f})" if rs else "-"]
    for t in tools:
        r = g.get(t)
        if not r:
            cells += ["-", "-"]
            continue
        cells.append(f"{float(r['median_s']):.2f} ({float(r['peak_rss_mib']):.0f})")
        cells.append(f"{float(r['median_s']) / float(rs['median_s']):.2f}x" if rs else "-")
    print("| " + " | ".join(cells) + " |")
# 1 -> 2 threads
for (c, p, th), g in sorted(groups.items()):
    if th != "2" or (c, p, "1") not in groups:
        continue
    for t, r in g.items():
        one = groups[(c, p, "1")].get(t)
        if one:
            print(f"scaling {c} 2^{p} {t}: 1 -> 2 threads {float(one['median_s']) / float(r['median_s']):.2f}x")
EOF
echo "sweep: CSV $csv" >&2
