#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Groth16 proving benchmark: Peregrine vs snarkjs (and rapidsnark, when RAPIDSNARK is set) on the
# cached Poseidon- or SHA-256-chain fixture (see bench/make-fixture.sh). Runs are interleaved round-robin in one
# invocation; each run is timed with /usr/bin/time (wall seconds, peak RSS). One warm-up run per
# tool is untimed; its proof and the last timed proof of each tool are checked with
# `snarkjs groth16 verify` outside the timing.
#
# usage: bench/bench.sh [--power 12..22] [--circuit C] [--runs N] [--threads N] [--kernel K] [--allow-missing]
#                       [--out DIR] [--csv FILE]
#   --power N        fixture size: FFT domain 2^N (default 16)
#   --circuit C      poseidon (default: full-size witness values), sha256 (mostly 0/1 values), or the
#                    circom-free synth / synthbits chains for 2^20 and up (see bench/make-fixture.sh)
#   --kernel K[,K]   Peregrine's field kernel(s): auto (default), adx (PEREGRINE_NO_IFMA=1: what a CPU
#                    without AVX-512 IFMA runs) or portable (also PEREGRINE_NO_ADX=1: what aarch64 runs);
#                    with several (e.g. adx,portable) each is a tool of its own, peregrine-<kernel>,
#                    interleaved with the others in the same rounds
#   --no-snarkjs     leave snarkjs out (the default above 2^18, where one snarkjs proof takes minutes;
#                    --snarkjs puts it back)
#   --runs N         timed rounds, at least 3 (default 5)
#   --threads N      passed to peregrine as --threads N, and as OMP_NUM_THREADS to rapidsnark
#                    (snarkjs cannot be limited; default: every tool uses all cores)
#   --allow-missing  skip Peregrine if build/release/peregrine does not exist and cannot be
#                    configured (no CMakePresets.json); without it that is an error
#   --out DIR        where proofs, logs, results.tsv and summary.csv go (default: a new /tmp/peregrine-bench.*)
#   --csv FILE       also append the summary rows (one per tool) to FILE, with a header if it is new
# env:
#   RAPIDSNARK=/path/to/prover   also benchmark rapidsnark's standalone prover
#   PEREGRINE=/path/to/binary    use this binary instead of build/release/peregrine
#   PEREGRINE_CACHE              fixture cache root (default ~/.cache/peregrine)
set -euo pipefail

power=16 runs=5 threads="" allow_missing=0 out="" kernel=auto circuit=poseidon csv="" with_snarkjs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --power) power=${2:?}; shift 2 ;;
    --power=*) power=${1#*=}; shift ;;
    --runs) runs=${2:?}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --threads) threads=${2:?}; shift 2 ;;
    --threads=*) threads=${1#*=}; shift ;;
    --kernel) kernel=${2:?}; shift 2 ;;
    --kernel=*) kernel=${1#*=}; shift ;;
    --allow-missing) allow_missing=1; shift ;;
    --no-snarkjs) with_snarkjs=0; shift ;;
    --snarkjs) with_snarkjs=1; shift ;;
    --out) out=${2:?}; shift 2 ;;
    --out=*) out=${1#*=}; shift ;;
    --circuit) circuit=${2:?}; shift 2 ;;
    --circuit=*) circuit=${1#*=}; shift ;;
    --csv) csv=${2:?}; shift 2 ;;
    --csv=*) csv=${1#*=}; shift ;;
    -h|--help) sed -n '3,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
die() { echo "bench: error: $*" >&2; exit 1; }
[[ "$runs" =~ ^[0-9]+$ ]] && [ "$runs" -ge 3 ] || die "--runs must be an integer >= 3 (got '$runs')"
[ -z "$threads" ] || [[ "$threads" =~ ^[1-9][0-9]*$ ]] || die "--threads must be a positive integer"
case "$circuit" in poseidon|sha256|synth|synthbits) ;; *) die "--circuit must be poseidon, sha256, synth or synthbits (got '$circuit')" ;; esac
[ -z "$csv" ] || csv=$(realpath -m "$csv")
IFS=, read -r -a kernels <<< "$kernel"
[ ${#kernels[@]} -gt 0 ] || die "--kernel needs a value"
kernel_env_of() { # the environment that selects kernel $1
  case "$1" in
    auto) ;;
    adx) echo PEREGRINE_NO_IFMA=1 ;;
    portable) echo PEREGRINE_NO_IFMA=1 PEREGRINE_NO_ADX=1 ;;
    *) die "--kernel must be auto, adx or portable, or a comma-separated list of them (got '$1')" ;;
  esac
}
for k in "${kernels[@]}"; do kernel_env_of "$k" > /dev/null; done
[ -n "$with_snarkjs" ] || { [ "$power" -le 18 ] && with_snarkjs=1 || with_snarkjs=0; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >&2 || die "could not install GNU time"
  else
    die "GNU time (/usr/bin/time) is needed: apt-get install time"
  fi
fi

# --- tools --------------------------------------------------------------------------------------
bin=$(bash scripts/npm-tools.sh)
snarkjs=$bin/snarkjs
[ -x "$snarkjs" ] || die "snarkjs not found at $snarkjs"

peregrine=${PEREGRINE:-$root/build/release/peregrine}
if [ ! -x "$peregrine" ] && [ -z "${PEREGRINE:-}" ]; then
  if [ -f CMakePresets.json ]; then
    echo "bench: $peregrine missing; building it (cmake --preset release)" >&2
    { cmake --preset release && cmake --build --preset release; } >&2 ||
      die "building Peregrine failed (cmake --preset release && cmake --build --preset release)"
    [ -x "$peregrine" ] || die "the release build did not produce $peregrine"
  fi
fi
if [ ! -x "$peregrine" ]; then
  if [ "$allow_missing" = 1 ] && [ -z "${PEREGRINE:-}" ] && [ ! -e "$peregrine" ]; then
    echo "bench: warning: $peregrine does not exist (no CMakePresets.json to build it); skipping Peregrine (--allow-missing)" >&2
    peregrine=""
  else
    die "Peregrine binary $peregrine is missing or not executable (pass --allow-missing to benchmark the others only)"
  fi
fi

rapidsnark=${RAPIDSNARK:-}
if [ -n "$rapidsnark" ] && [ ! -x "$rapidsnark" ]; then
  die "RAPIDSNARK=$rapidsnark is not an executable file"
fi

# --- fixture ------------------------------------------------------------------------------------
fixture=$(bash bench/make-fixture.sh --power "$power" --circuit "$circuit") || die "fixture generation failed"
zkey=$fixture/circuit.zkey wtns=$fixture/witness.wtns vkey=$fixture/verification_key.json
for f in "$zkey" "$wtns" "$vkey"; do [ -s "$f" ] || die "fixture file $f is missing"; done
constraints=$(sed -n 's/.*"constraints": *\([0-9]*\).*/\1/p' "$fixture/fixture.json")
n_hashes=$(sed -n 's/.*"n_hashes": *\([0-9]*\).*/\1/p' "$fixture/fixture.json")
chain=$(sed -n 's/.*"circuit": *"\([A-Za-z0-9]*\)(.*/\1/p' "$fixture/fixture.json")

[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/peregrine-bench.XXXXXX")
mkdir -p "$out"

tools=()
if [ -n "$peregrine" ]; then
  if [ ${#kernels[@]} = 1 ]; then tools+=(peregrine); else for k in "${kernels[@]}"; do tools+=("peregrine-$k"); done; fi
fi
[ "$with_snarkjs" = 1 ] && tools+=(snarkjs)
[ -n "$rapidsnark" ] && tools+=(rapidsnark)

# run_tool <tool> <tag>: one proof into $out/<tool>/<tag>.{proof,public}.json, timed by GNU time
# into $out/<tool>/<tag>.time ("<wall seconds> <max RSS KB>"); prover output goes to <tag>.log.
run_tool() {
  local tool=$1 tag=$2 d=$out/$1
  mkdir -p "$d"
  local proof=$d/$tag.proof.json public=$d/$tag.public.json
  rm -f "$proof" "$public"
  local cmd=()
  case "$tool" in
    peregrine|peregrine-*)
      local k=${tool#peregrine-}; [ "$tool" = peregrine ] && k=${kernels[0]}
      cmd=(env $(kernel_env_of "$k") "$peregrine" prove "$zkey" "$wtns" "$proof" "$public"); [ -z "$threads" ] || cmd+=(--threads "$threads") ;;
    snarkjs) cmd=("$snarkjs" groth16 prove "$zkey" "$wtns" "$proof" "$public") ;;
    rapidsnark) cmd=("$rapidsnark" "$zkey" "$wtns" "$proof" "$public") ;;
  esac
  local rc=0
  if [ "$tool" = rapidsnark ] && [ -n "$threads" ]; then
    OMP_NUM_THREADS=$threads /usr/bin/time -f "%e %M" -o "$d/$tag.time" "${cmd[@]}" >"$d/$tag.log" 2>&1 || rc=$?
  else
    /usr/bin/time -f "%e %M" -o "$d/$tag.time" "${cmd[@]}" >"$d/$tag.log" 2>&1 || rc=$?
  fi
  if [ "$rc" != 0 ] || [ ! -s "$proof" ] || [ ! -s "$public" ]; then
    echo "bench: error: $tool failed (exit $rc) on run '$tag': ${cmd[*]}" >&2
    tail -n 20 "$d/$tag.log" | sed 's/^/    /' >&2
    [ -s "$proof" ] || echo "    (no proof written to $proof)" >&2
    exit 1
  fi
}

verify_proof() { # verify_proof <tool> <tag>
  local d=$out/$1
  if ! "$snarkjs" groth16 verify "$vkey" "$d/$2.public.json" "$d/$2.proof.json" >"$d/$2.verify.log" 2>&1; then
    echo "bench: error: snarkjs groth16 verify REJECTED the $1 proof from run '$2' ($d/$2.proof.json)" >&2
    tail -n 5 "$d/$2.verify.log" | sed 's/^/    /' >&2
    exit 1
  fi
  # All tools must agree on the public signals.
  local norm
  norm=$(node -e 'console.log(JSON.stringify(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).map(String)))' "$d/$2.public.json")
  if [ -z "${expected_public:-}" ]; then
    expected_public=$norm
  elif [ "$norm" != "$expected_public" ]; then
    die "$1 public signals $norm differ from $expected_public"
  fi
}

# --- header -------------------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "Peregrine Groth16 benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "host:     $(nproc) cores, ${cpu:-unknown cpu}, load avg $(cut -d' ' -f1-3 /proc/loadavg)"
if rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null); then
  git -C "$root" diff --quiet HEAD -- src include CMakeLists.txt 2>/dev/null || rev="$rev (uncommitted changes in the sources)"
else
  rev=unknown
fi
echo "commit:   $rev"
echo "fixture:  $fixture"
echo "circuit:  $chain($n_hashes), $constraints constraints, domain 2^$power"
echo "runs:     $runs timed rounds (interleaved) + 1 warm-up per tool${threads:+, threads $threads}"
echo "tools:    ${tools[*]}"
[ -n "$peregrine" ] && echo "  peregrine:  $peregrine (kernel: $kernel; this CPU $(grep -q -m1 avx512ifma /proc/cpuinfo && echo has || echo has no) AVX-512 IFMA)"
[ "$with_snarkjs" = 1 ] && echo "  snarkjs:    $snarkjs ($(node -e 'console.log(require(process.argv[1]).version)' "$root/tools/node/node_modules/snarkjs/package.json"), node $(node --version))"
[ -n "$rapidsnark" ] && echo "  rapidsnark: $rapidsnark"
echo "output:   $out"
echo

# --- warm-up + correctness (untimed) ------------------------------------------------------------
expected_public=""
for t in "${tools[@]}"; do
  echo "warm-up: $t" >&2
  run_tool "$t" warmup
  verify_proof "$t" warmup
done

# --- timed rounds, interleaved; the starting tool rotates each round ---------------------------
results=$out/results.tsv
printf 'tool\tround\twall_s\tmaxrss_kb\n' > "$results"
n=${#tools[@]}
for ((r = 1; r <= runs; r++)); do
  for ((k = 0; k < n; k++)); do
    t=${tools[$(( (r - 1 + k) % n ))]}
    run_tool "$t" "run$r"
    read -r wall rss < <(tail -n 1 "$out/$t/run$r.time")
    printf '%s\t%d\t%s\t%s\n' "$t" "$r" "$wall" "$rss" >> "$results"
    printf 'round %d/%d  %-10s %8.2f s  %8.1f MB\n' "$r" "$runs" "$t" "$wall" "$(echo "$rss / 1024" | bc -l)" >&2
  done
done
for t in "${tools[@]}"; do verify_proof "$t" "run$runs"; done

# --- summary ------------------------------------------------------------------------------------
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
declare -A med peak
for t in "${tools[@]}"; do
  med[$t]=$(awk -F'\t' -v t="$t" '$1==t {print $3}' "$results" | median)
  peak[$t]=$(awk -F'\t' -v t="$t" '$1==t && $4>m {m=$4} END {print m}' "$results")
done
ref=${tools[0]}   # peregrine when present
echo
printf '%-11s %9s %9s %9s %12s %12s\n' tool "median s" "min s" "max s" "peak RSS MB" "time/$ref"
for t in "${tools[@]}"; do
  read -r mn mx < <(awk -F'\t' -v t="$t" '$1==t {if (mn=="" || $3<mn) mn=$3; if ($3>mx) mx=$3} END {print mn, mx}' "$results")
  printf '%-11s %9.2f %9.2f %9.2f %12.1f %11.2fx\n' "$t" "${med[$t]}" "$mn" "$mx" \
    "$(echo "${peak[$t]} / 1024" | bc -l)" "$(echo "${med[$t]} / ${med[$ref]}" | bc -l)"
done
echo
ratio() { # ratio <a> <b>: median(a)/median(b), time and peak RSS
  printf '%-22s %6.2fx time, %6.2fx peak RSS\n' "$1/$2:" "$(echo "${med[$1]} / ${med[$2]}" | bc -l)" \
    "$(echo "${peak[$1]} / ${peak[$2]}" | bc -l)"
}
if [ -n "$peregrine" ]; then
  for t in "${tools[@]}"; do
    case "$t" in peregrine*) ;; *) continue ;; esac
    [ "$with_snarkjs" = 1 ] && ratio snarkjs "$t"
    [ -n "$rapidsnark" ] && ratio "$t" rapidsnark
  done
else
  echo "(Peregrine skipped: no binary; ratios vs Peregrine unavailable)"
  [ -n "$rapidsnark" ] && ratio snarkjs rapidsnark
fi
# One CSV row per tool: the run's conditions, then the medians (ratio: this tool's time / the first's).
summary=$out/summary.csv
header='date,cpu,cores,load1,commit,circuit,power,constraints,kernel,threads,tool,runs,median_s,min_s,max_s,peak_rss_mib,time_vs_first_tool'
{
  echo "$header"
  for t in "${tools[@]}"; do
    read -r mn mx < <(awk -F'\t' -v t="$t" '$1==t {if (mn=="" || $3<mn) mn=$3; if ($3>mx) mx=$3} END {print mn, mx}' "$results")
    printf '%s,"%s",%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%.1f,%.3f\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
      "${cpu//\"/}" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" "${rev%% *}" "$circuit" "$power" "$constraints" \
      "$(case "$t" in peregrine) echo "${kernels[0]}" ;; peregrine-*) echo "${t#peregrine-}" ;; *) echo - ;; esac)" "$([ "$t" = snarkjs ] && echo all || echo "${threads:-all}")" "$t" "$runs" "${med[$t]}" "$mn" "$mx" \
      "$(echo "${peak[$t]} / 1024" | bc -l)" "$(echo "${med[$t]} / ${med[$ref]}" | bc -l)"
  done
} > "$summary"
if [ -n "$csv" ]; then
  [ -s "$csv" ] || echo "$header" > "$csv"
  tail -n +2 "$summary" >> "$csv"
fi
echo "all proofs verified with snarkjs groth16 verify; raw results: $results; summary: $summary${csv:+ (appended to $csv)}"
