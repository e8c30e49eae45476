#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# `peregrine circuit build` against circom alone (issue 18), in one run, on the example circuit and
# circomlib's own test circuits. For each circuit:
#   circom      `circom --c` alone (what circuit build must stay within 3x of)
#   cold        `circuit build` with an empty compiler cache (a private CCACHE_DIR) and an empty
#               precompiled-header cache (a private PEREGRINE_WITNESS_PCH_CACHE, emptied before each
#               circuit's cold build: it does not depend on the circuit, so in use it is made once)
#   edit        `circuit build` again after a one-line change of the main template (circuits with
#               their own main template only): only the changed unit is recompiled
#   witness     median wall time of RUNS runs (default 5) of <name>-witness, and, for the circuits
#               named in CIRCOM_CPP ("all" for every one), of circom's own C++ runtime built by its Makefile (`circom --c --no_asm`, g++ -O3,
#               GMP; slow to build) on the same input; every witness is checked byte for byte
#               against `snarkjs wtns calculate`.
# Times are wall seconds, with the user+system CPU seconds of all processes in parentheses; the
# machine's load average is printed with each circuit (the numbers mean little on a busy machine).
#
# usage: bench/circuit-build.sh [--engine graph|native|auto] [build_dir (default build/release)] [work_dir (default ~/.cache/peregrine/bench/circuit-build)]
# --engine: circuit build's engine (default: its own, auto); graph runs no C++ compiler (the cold and
#           edit builds are then the same work), native compiles the generated C++.
# CIRCUITS: names among preimage sha256_2 eddsaposeidon poseidon6 poseidonex smtverifier10 semaphore
#           (default: all). semaphore is Semaphore v4 (depth 10) from npm's @semaphore-protocol/circuits,
#           installed into <work_dir>/npm on first use (npm's registry is the only network it needs).
# OPT: the -O level of circuit build (default: its own default)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
engine=()
if [ "${1:-}" = --engine ]; then
  engine=(--engine "$2")
  shift 2
fi
build=$(cd "${1:-$root/build/release}" && pwd)
work=${2:-$HOME/.cache/peregrine/bench/circuit-build}
runs=${RUNS:-5}
bin=$(bash "$root/scripts/npm-tools.sh")
snarkjs="$bin/snarkjs"
circom="$bin/circom2"
node_modules=$(cd "$bin/.." && pwd)
circomlib=$node_modules/circomlib
mkdir -p "$work"
work=$(cd "$work" && pwd)
export CCACHE_DIR=$work/ccache PEREGRINE_WITNESS_PCH_CACHE=$work/pch
rm -rf "$CCACHE_DIR" "$PEREGRINE_WITNESS_PCH_CACHE"
opt=()
[ -n "${OPT:-}" ] && opt=(-O "$OPT")
rel() { realpath --relative-to=/ "$1"; }

# timed <label> <command...>: runs it, prints "<wall>s (<cpu>s cpu)" into $timed_out.
timed() {
  local label=$1 log
  shift
  log=$work/time.log
  if ! /usr/bin/time -f "%e %U %S" -o "$log" "$@" >"$work/$label.log" 2>&1; then
    tail -20 "$work/$label.log" >&2
    echo "FAIL: $label: $*" >&2
    exit 1
  fi
  timed_out=$(awk '{printf "%.1fs (%.1fs cpu)", $1, $2 + $3}' "$log")
  timed_wall=$(awk '{print $1}' "$log")
}

median_ms() {  # command...: median wall milliseconds of $runs runs
  local i s e
  for ((i = 0; i < runs; i++)); do
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s%N)
    echo $(((e - s) / 1000000))
  done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# The circuits: source, input JSON, and a sed edit of the main template (empty: none).
B8x=5299619240641551281634865583518297030282874472190772894086521144482721001553
B8y=16950150798460657717958625567821834550301663161624707787222815936182638968203
declare -A src input edit
src[preimage]=$root/examples/preimage/circuit.circom
input[preimage]=$(cat "$root/examples/preimage/input.json")
edit[preimage]='s/^    ge.out === 1;/    ge.out === 1;\n    signal bench_extra <== balance * min;/'
src[sha256_2]=$circomlib/test/circuits/sha256_2_test.circom
input[sha256_2]='{"a": "1", "b": "2"}'
edit[sha256_2]='s/^    out <== sha256_2.out;/    out <== sha256_2.out;\n    signal bench_extra <== a * b;/'
src[eddsaposeidon]=$circomlib/test/circuits/eddsaposeidon_test.circom
input[eddsaposeidon]="{\"enabled\": \"0\", \"Ax\": \"$B8x\", \"Ay\": \"$B8y\", \"S\": \"3\", \"R8x\": \"$B8x\", \"R8y\": \"$B8y\", \"M\": \"7\"}"
src[poseidonex]=$circomlib/test/circuits/poseidonex_test.circom
input[poseidonex]='{"inputs": ["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16"], "initialState": "17"}'
src[poseidon6]=$circomlib/test/circuits/poseidon6_test.circom
input[poseidon6]='{"inputs": ["1","2","3","4","5"]}'
src[smtverifier10]=$circomlib/test/circuits/smtverifier10_test.circom
input[smtverifier10]='{"enabled": "0", "fnc": "0", "root": "0", "siblings": ["0","0","0","0","0","0","0","0","0","0"], "oldKey": "0", "oldValue": "0", "isOld0": "0", "key": "0", "value": "0"}'

# Semaphore: its package (with @zk-kit's Merkle root and its own circomlib) and a main component.
declare -A libs
if [[ " ${CIRCUITS:-semaphore} " == *" semaphore "* ]]; then
  sema=$work/npm/node_modules
  [ -f "$sema/@semaphore-protocol/circuits/src/semaphore.circom" ] ||
    npm install --silent --no-audit --no-fund --prefix "$work/npm" @semaphore-protocol/circuits@4.14.2 >/dev/null
  mkdir -p "$work/semaphore-src"
  printf '%s\n' 'pragma circom 2.1.5;' 'include "@semaphore-protocol/circuits/src/semaphore.circom";' \
    'component main {public [message, scope]} = Semaphore(10);' >"$work/semaphore-src/semaphore.circom"
  src[semaphore]=$work/semaphore-src/semaphore.circom
  input[semaphore]='{"secret": "123456789", "merkleProofLength": "7", "merkleProofIndex": "37", "merkleProofSiblings": ["1","2","3","4","5","6","7","8","9","10"], "message": "42", "scope": "7"}'
  libs[semaphore]="$sema $sema/@zk-kit/binary-merkle-root.circom/src $sema/circomlib/circuits"
fi

echo "peregrine: $build/peregrine${engine[*]:+ (${engine[*]})}; circom: $("$circom" --version); $(nproc) CPUs"
printf '%-14s %6s %-22s %-22s %-7s %-22s %-7s %s\n' circuit "C++" "circom --c" "circuit build (cold)" ratio "after a 1-line edit" "/cold" "witness: peregrine vs circom C++ (ms)"
for name in ${CIRCUITS:-preimage sha256_2 eddsaposeidon poseidon6 poseidonex smtverifier10 semaphore}; do
  d=$work/$name
  rm -rf "$d"
  mkdir -p "$d/src"
  # A copy whose relative includes still resolve (circomlib's tests include ../../circuits/...).
  cp "${src[$name]}" "$d/src/$name.circom"
  sed -i "s#include \"\\.\\./\\.\\./circuits/#include \"$circomlib/circuits/#" "$d/src/$name.circom"
  printf '%s\n' "${input[$name]}" >"$d/input.json"
  lib_args=(-l "$node_modules") circom_libs="-l '$(rel "$node_modules")'"
  for l in ${libs[$name]:-}; do
    lib_args+=(-l "$l")
    circom_libs+=" -l '$(rel "$l")'"
  done
  load=$(cut -d' ' -f1 /proc/loadavg)

  timed "$name.circom" bash -c "cd / && '$circom' '$(rel "$d/src/$name.circom")' --c $circom_libs -o '$(rel "$d")'"
  t_circom=$timed_out w_circom=$timed_wall
  size=$(stat -c %s "$d/${name}_cpp/$name.cpp")
  rm -rf "$d/${name}_cpp"

  rm -rf "$PEREGRINE_WITNESS_PCH_CACHE"
  timed "$name.build" "$build/peregrine" circuit build "$d/src/$name.circom" "${lib_args[@]}" -o "$d/pg" --circom "$circom" "${opt[@]}" "${engine[@]}"
  t_cold=$timed_out w_cold=$timed_wall
  ratio=$(echo "$w_cold / $w_circom" | bc -l)

  t_edit="-" r_edit="-"
  if [ -n "${edit[$name]:-}" ]; then
    cp "$d/src/$name.circom" "$d/src/orig.circom"
    sed -i "${edit[$name]}" "$d/src/$name.circom"
    cmp -s "$d/src/$name.circom" "$d/src/orig.circom" && { echo "FAIL: the edit of $name changed nothing" >&2; exit 1; }
    timed "$name.edit" "$build/peregrine" circuit build "$d/src/$name.circom" "${lib_args[@]}" -o "$d/pg-edit" --circom "$circom" "${opt[@]}" "${engine[@]}"
    t_edit=$timed_out
    r_edit=$(printf '%.2f' "$(echo "$timed_wall / $w_cold" | bc -l)")
  fi

  # Witness: byte identity with snarkjs, then timing.
  mkdir -p "$d/ref" "$d/cc"
  ref_src=$d/src/$name.circom wasm=$d/ref/${name}_js/$name.wasm
  [ -n "${edit[$name]:-}" ] && ref_src=$d/src/orig.circom wasm=$d/ref/orig_js/orig.wasm
  (cd / && eval "'$circom' '$(rel "$ref_src")' --wasm $circom_libs -o '$(rel "$d/ref")'" >"$d/ref.log" 2>&1) &&
    [ -e "$wasm" ] || { cat "$d/ref.log" >&2; echo "FAIL: circom --wasm $name" >&2; exit 1; }
  "$snarkjs" wtns calculate "$wasm" "$d/input.json" "$d/ref.wtns" >"$d/snarkjs.log" 2>&1 || { cat "$d/snarkjs.log" >&2; exit 1; }
  "$d/pg/$name-witness" "$d/input.json" "$d/pg.wtns"
  cmp -s "$d/pg.wtns" "$d/ref.wtns" || { echo "FAIL: $name: the witness differs from snarkjs's" >&2; exit 1; }
  w_pg=$(median_ms "$d/pg/$name-witness" "$d/input.json" "$d/pg.wtns")
  w_circ="-"
  if [[ " ${CIRCOM_CPP:-} " == *" $name "* || "${CIRCOM_CPP:-}" == all ]]; then
    (cd / && eval "'$circom' '$(rel "$ref_src")' --c --no_asm $circom_libs -o '$(rel "$d/cc")'" >"$d/cc.log" 2>&1) ||
      { cat "$d/cc.log" >&2; exit 1; }
    cc=$(basename "$ref_src" .circom)
    timed "$name.circom-make" make -C "$d/cc/${cc}_cpp" -j"$(nproc)"
    "$d/cc/${cc}_cpp/$cc" "$d/input.json" "$d/cc.wtns" >/dev/null
    cmp -s "$d/cc.wtns" "$d/ref.wtns" || echo "note: $name: circom's C++ witness differs from snarkjs's" >&2
    w_circ="$(median_ms "$d/cc/${cc}_cpp/$cc" "$d/input.json" "$d/cc.wtns") (its build: $timed_out)"
  fi
  printf '%-14s %5.1fM %-22s %-22s %-7s %-22s %-7s %s vs %s   [load %s]\n' "$name" "$(echo "$size / 1000000" | bc -l)" \
    "$t_circom" "$t_cold" "$(printf '%.1fx' "$ratio")" "$t_edit" "$r_edit" "$w_pg" "$w_circ" "$load"
done
echo "all witnesses identical to snarkjs's"
