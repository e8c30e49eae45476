#!/usr/bin/env bash
# Native witness generation for aarch64, cross-compiled on x86-64 and run under qemu-aarch64:
# builds an aarch64 witness runtime directory with aarch64-linux-gnu-g++, then the test circuits
# with `circuit build --cxx aarch64-linux-gnu-g++ --runtime <it>`, and checks that the aarch64
# <name>-witness writes witnesses byte-identical to snarkjs's.
#
# usage: aarch64.sh <build_tool> <work_dir> [circuit...]   (default circuits: ops fail sha256)
# Needs g++-aarch64-linux-gnu and qemu-user (Debian packages); skips (exit 77) without them.
set -euo pipefail
tool=$1 work=$2
shift 2
circuits=("$@")
[ ${#circuits[@]} -gt 0 ] || circuits=(ops fail sha256)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cxx=aarch64-linux-gnu-g++
for t in "$cxx" qemu-aarch64; do
  command -v "$t" >/dev/null || { echo "aarch64.sh: $t not found (apt-get install g++-aarch64-linux-gnu qemu-user): skipped"; exit 77; }
done
sysroot=/usr/aarch64-linux-gnu
bin=$(bash "$root/scripts/npm-tools.sh")
snarkjs="$bin/snarkjs"
node_modules=$(cd "$bin/.." && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)
rt="$work/runtime"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# 1. The runtime, as src/witness/witness.cmake lays it out.
echo "== aarch64 witness runtime"
rm -rf "$rt"
mkdir -p "$rt/include" "$rt/src" "$rt/lib" "$rt/obj"
w="$root/src/witness"
cp "$w/fr.hpp" "$w/runtime.hpp" "$w/pg_witness.h" "$w/pgw_prelude.hpp" "$rt/include/"
cp "$w/glue.cpp" "$rt/src/"
launcher=()
command -v ccache >/dev/null && launcher=(ccache)
for src in "$w/fr.cpp" "$w/runtime.cpp" "$w/witness_main.cpp" "$root/src/field/kernels.cpp" "$root/src/field/bigint.cpp"; do
  "${launcher[@]}" "$cxx" -std=c++20 -O2 -fPIC -fvisibility=hidden -Wall -Wextra -I"$w" -I"$root/src" \
    -c "$src" -o "$rt/obj/$(basename "$src" .cpp).o"
done
aarch64-linux-gnu-ar rcs "$rt/lib/libperegrine_witness_rt.a" "$rt"/obj/*.o
printf 'cxx=%s\ncxxflags=\nldflags=\nsource_dir=%s\n' "$cxx" "$root" >"$rt/config.txt"

# 2. Circuits, compared with snarkjs under qemu.
for name in "${circuits[@]}"; do
  t=$SECONDS
  if ! "$tool" "$here/circuits/$name.circom" -l "$node_modules" -o "$work/$name" --runtime "$rt" --cxx "$cxx" \
       --circom "$bin/circom2" >"$work/$name.build.log" 2>&1; then
    cat "$work/$name.build.log" >&2
    fail "circuit build $name for aarch64"
    continue
  fi
  file "$work/$name/$name-witness" | grep -q "ARM aarch64" || fail "$name-witness is not an aarch64 executable"
  echo "built $name for aarch64 in $((SECONDS - t))s"
  n=0
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    n=$((n + 1))
    printf '%s\n' "$line" >"$work/in.json"
    rm -f "$work/ours.wtns" "$work/ref.wtns"
    if ! qemu-aarch64 -L "$sysroot" "$work/$name/$name-witness" "$work/in.json" "$work/ours.wtns"; then
      fail "$name input $n: $name-witness (aarch64) failed"
      continue
    fi
    "$snarkjs" wtns calculate "$work/$name/${name}_js/$name.wasm" "$work/in.json" "$work/ref.wtns" >/dev/null 2>&1 ||
      { fail "$name input $n: snarkjs failed"; continue; }
    if cmp -s "$work/ours.wtns" "$work/ref.wtns"; then
      echo "ok   $name input $n (aarch64, qemu): identical to snarkjs"
    else
      fail "$name input $n (aarch64): the witness differs from snarkjs's"
    fi
  done <"$here/circuits/$name.inputs"
done
# A bad input is an error with exit status 1 there too.
printf '%s\n' '{"a": 13, "b": 5, "v": [1, 2, 3], "m": [1, 2, 3, 4], "p": [5, 6]}' >"$work/bad.json"
if [ -x "$work/fail/fail-witness" ]; then
  rc=0
  qemu-aarch64 -L "$sysroot" "$work/fail/fail-witness" "$work/bad.json" "$work/bad.wtns" 2>"$work/err.txt" || rc=$?
  if [ "$rc" = 1 ] && grep -q "assert or constraint failed: template Fail, line 18" "$work/err.txt"; then
    echo "ok   failed assert (aarch64): $(cat "$work/err.txt")"
  else
    fail "failed assert (aarch64): exit $rc, $(cat "$work/err.txt")"
  fi
fi
if [ "$failures" != 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "all passed"
