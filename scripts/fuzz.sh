#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Builds the libFuzzer targets (fuzz/, clang + ASan/UBSan) and runs each for N seconds from the
# seed corpora (fuzz/make_seeds.py, from the test fixtures) and the corpus kept in the build
# directory. Fails on any crash, leak, timeout or out-of-memory; the input is left in
# <build>/artifacts/ (turn it into a regression test: docs/fuzzing.md).
# Usage: scripts/fuzz.sh [seconds per target (default 30)] [target ...]
#   targets: zkey wtns r1cs ptau json_vk json_proof json_public input http (default: all)
# Environment: FUZZ_BUILD (build directory, default build/fuzz-clang), FUZZ_JOBS (build jobs, 2),
#   FUZZ_NICE (niceness of the runs, 10), FUZZ_PARALLEL (targets run at once, 1; CI: 2).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
secs=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(zkey wtns r1cs ptau json_vk json_proof json_public input http)
parallel=${FUZZ_PARALLEL:-1}
build=${FUZZ_BUILD:-$root/build/fuzz-clang}
command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (scripts/deps.sh --fuzz installs it)" >&2; exit 1; }

t0=$(date +%s)
CC=clang CXX=clang++ cmake -S "$root/fuzz" -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j"${FUZZ_JOBS:-2}" >/dev/null
echo "fuzz: built in $(( $(date +%s) - t0 ))s"
rm -rf "$build/seeds"
python3 "$root/fuzz/make_seeds.py" "$build/seeds"
mkdir -p "$build/artifacts"

# One target: its log in $build/fuzz_<t>.log, its result line in $build/fuzz_<t>.result.
run_target() {
    local t=$1 dict=binary.dict extra=() rc=0
    case $t in
        json_* | input) dict=json.dict ;;
        http) dict=http.dict; extra=(-close_fd_mask=2) ;;  # the service logs a line per request on stderr
    esac
    mkdir -p "$build/corpus/$t" "$build/seeds/$t"
    local log="$build/fuzz_$t.log"
    nice -n "${FUZZ_NICE:-10}" timeout $((secs + 120)) "$build/fuzz_$t" -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -dict="$root/fuzz/dict/$dict" "${extra[@]}" \
        -artifact_prefix="$build/artifacts/$t-" "$build/corpus/$t" "$build/seeds/$t" >"$log" 2>&1 || rc=$?
    local execs speed cov ft result=ok
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1 || true)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
    if [ $rc -ne 0 ]; then
        result="FAILED (exit $rc, see $log)"
        grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5 >&2 || true
    fi
    printf '%-12s %6s %10s %8s %6s %6s %s\n' "$t" "$secs" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$result" \
        >"$build/fuzz_$t.result"
}

printf '%-12s %6s %10s %8s %6s %6s %s\n' target secs execs exec/s cov ft result
running=0
for t in "${targets[@]}"; do
    rm -f "$build/fuzz_$t.result"
    if [ "$parallel" -le 1 ]; then
        run_target "$t"
        cat "$build/fuzz_$t.result"
        continue
    fi
    run_target "$t" &
    running=$((running + 1))
    if [ $running -ge "$parallel" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait || true
fail=0
for t in "${targets[@]}"; do
    [ "$parallel" -le 1 ] || cat "$build/fuzz_$t.result" 2>/dev/null || echo "$t: no result" >&2
    grep -q ' ok$' "$build/fuzz_$t.result" 2>/dev/null || fail=1
done
echo "fuzz: total $(( $(date +%s) - t0 ))s"
exit $fail
