#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Witness benchmark of issue 4, in one run, on the 200-Poseidon chain (tests/witness/circuits/poseidon.circom):
#   Peregrine's <name>-witness  vs  circom's own C++ runtime with fr.asm (x86-64 only; needs nasm
#   and libgmp-dev)  vs  circom --no_asm  vs  snarkjs wtns calculate.
# Each command runs end to end (process start, input, witness, .wtns write); median wall time of
# RUNS runs (default 7), interleaved; also `peregrine witness` (in process, loading the library)
# and the library's own in-process time (witness_lib_test).
#
# usage: bench/witness.sh [build_dir (default build/release)] [work_dir (default ~/.cache/peregrine/bench/witness)]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
here=$root/tests/witness
build=$(cd "${1:-$root/build/release}" && pwd)
work=${2:-$HOME/.cache/peregrine/bench/witness}
tool=("$build/peregrine" circuit build)
libtest=$build/tests/witness_lib_test
runtime=$build/witness-runtime
runs=${RUNS:-7}
bin=$(bash "$root/scripts/npm-tools.sh")
snarkjs="$bin/snarkjs"
circom="$bin/circom2"
node_modules=$(cd "$bin/.." && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)
name=poseidon
input="$work/input.json"
printf '{"x": "123", "y": "456"}\n' >"$input"

echo "== building (Peregrine, -O2)"
"${tool[@]}" "$here/circuits/$name.circom" -l "$node_modules" -o "$work/pg" --runtime "$runtime" --circom "$circom" >/dev/null 2>"$work/pg.log" ||
  { cat "$work/pg.log" >&2; exit 1; }
cmds=("peregrine|$work/pg/$name-witness $input $work/out-pg.wtns"
      "peregrine-witness|$build/peregrine witness $work/pg $input $work/out-pgw.wtns")

have_circom_native=0
if [ "$(uname -m)" = x86_64 ] && command -v nasm >/dev/null &&
   { [ -e /usr/include/gmp.h ] || [ -e /usr/include/x86_64-linux-gnu/gmp.h ]; }; then
  have_circom_native=1
fi
if [ "$have_circom_native" = 1 ]; then
  echo "== building circom's runtime (fr.asm, -O3, its Makefile)"
  rm -rf "$work/asm"
  cp -r "$work/pg/${name}_cpp" "$work/asm"
  rm -rf "$work/asm/peregrine-build"
  make -C "$work/asm" -j"$(nproc)" >"$work/asm.log" 2>&1 || { tail -20 "$work/asm.log" >&2; exit 1; }
  cmds+=("circom-asm|$work/asm/$name $input $work/out-asm.wtns")
  echo "== building circom's runtime (--no_asm, -O3)"
  rm -rf "$work/noasm"
  mkdir -p "$work/noasm"
  (cd / && "$circom" "$(realpath --relative-to=/ "$here/circuits/$name.circom")" --c --no_asm -o "${work#/}/noasm" \
     -l "$(realpath --relative-to=/ "$node_modules")" >"$work/noasm.log" 2>&1)
  make -C "$work/noasm/${name}_cpp" -j"$(nproc)" >>"$work/noasm.log" 2>&1 || { tail -20 "$work/noasm.log" >&2; exit 1; }
  cmds+=("circom-no_asm|$work/noasm/${name}_cpp/$name $input $work/out-noasm.wtns")
else
  echo "(circom's native runtimes skipped: they need x86-64, nasm and libgmp-dev)"
fi
cmds+=("snarkjs|$snarkjs wtns calculate $work/pg/${name}_js/$name.wasm $input $work/out-snarkjs.wtns")

for c in "${cmds[@]}"; do eval "${c#*|}" >/dev/null 2>&1 || { echo "failed: ${c#*|}" >&2; exit 1; }; done
for f in "$work"/out-*.wtns; do cmp "$f" "$work/out-snarkjs.wtns" || { echo "$f differs from snarkjs's witness" >&2; exit 1; }; done
echo "== all witnesses identical; timing $runs runs each, interleaved"

declare -A times
for ((i = 0; i < runs; i++)); do
  for c in "${cmds[@]}"; do
    s=$(date +%s%N)
    eval "${c#*|}" >/dev/null 2>&1
    e=$(date +%s%N)
    times[${c%%|*}]+="$(( (e - s) / 1000 )) "
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
pg=$(echo "${times[peregrine]}" | median)
for c in "${cmds[@]}"; do
  k=${c%%|*}
  m=$(echo "${times[$k]}" | median)
  printf '%-18s %8.1f ms   %5.2fx Peregrine\n' "$k" "$(echo "$m / 1000" | bc -l)" "$(echo "$m / $pg" | bc -l)"
done
"$libtest" "$work/pg" "$input" "$work/out-snarkjs.wtns" 1 1 | grep "one witness" | sed 's/^/peregrine in process: /'
