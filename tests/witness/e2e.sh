#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Native witness generation end to end, judged by snarkjs.
#
# usage: e2e.sh <mode> <build_tool> <lib_test> <runtime_dir> <work_dir> [engine]
# engine: graph (default; `circuit build --engine graph`, no C++ compiler) or native (compiled).
#   compare    builds the circuits of tests/witness/circuits (native engine: ops only) and checks that
#              <name>-witness writes, for every input of <name>.inputs, a witness byte-identical to
#              `snarkjs wtns calculate` on the circuit's wasm; then that the shared library gives the
#              same witnesses from several threads at once; prints Poseidon-chain timings.
#   bad_input  every bad-input case of <name>-witness: exit status 1, one line on stderr naming the
#              problem, no output written (an existing output file is left untouched). With the
#              graph engine, also: a circuit with input-dependent control flow (circuits/loop.circom)
#              is refused by --engine graph, naming the loop, and compiled by --engine auto.
# WITNESS_OPT: the -O level circuits are compiled at (default 1, as circuit build's; the sanitizer build uses 0, since
# instrumented circuit code compiles slowly at -O2).
# WITNESS_EMULATOR: a command prefix to run the build tool and the built witness commands with
# (a cross build: "qemu-aarch64"), also the in-process library test.
set -euo pipefail
mode=$1 tool=$2 libtest=$3 runtime=$4 work=$5 engine=${6:-graph}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$(bash "$root/scripts/npm-tools.sh")
snarkjs="$bin/snarkjs"
node_modules=$(cd "$bin/.." && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)
failures=0
read -ra emu <<<"${WITNESS_EMULATOR:-}"
tool=("${emu[@]}" "$tool")

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

build() {  # name
  local name=$1 t=$SECONDS
  if ! "${tool[@]}" "$here/circuits/$name.circom" -l "$node_modules" -o "$work/$name" --runtime "$runtime" \
       --circom "$bin/circom2" -O "${WITNESS_OPT:-1}" --wasm --engine "$engine" >"$work/$name.build.log" 2>&1; then
    cat "$work/$name.build.log" >&2
    echo "FAIL: circuit build $name" >&2
    exit 1
  fi
  echo "built $name in $((SECONDS - t))s ($engine engine)"
  if [ "$engine" = graph ]; then
    [ -f "$work/$name/$name.graph" ] || fail "$name: no $name.graph"
    [ -e "$work/$name/lib$name-witness.so" ] || fail "$name: no lib$name-witness.so (the graph engine's C API)"
    return 0
  fi
  [ ! -e "$work/$name/$name.graph" ] || fail "$name: a graph next to the native library"
  # With GCC, the units are compiled against a precompiled header, which GCC did not refuse.
  local stage="$work/$name/${name}_cpp/peregrine-build" cxx
  cxx=$(sed -n 's/^cxx=//p' "$runtime/config.txt")
  if "$cxx" --version 2>/dev/null | grep -q "Free Software Foundation"; then
    compgen -G "$stage/pgw_pch_O*.hpp.gch" >/dev/null || fail "$name: no precompiled header in $stage"
    if grep -l "pch" "$stage"/u_*.o.log >/dev/null 2>&1; then
      fail "$name: the precompiled header was not used: $(grep -h "pch" "$stage"/u_*.o.log | head -1)"
    fi
  fi
}

median3() { sort -n | sed -n 2p; }

wall() {  # command...: wall seconds
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  e=$(date +%s.%N)
  printf '%.3f\n' "$(echo "$e - $s" | bc)"
}

compare() {
  # The graph engine on every circuit; the native engine (a C++ compile per circuit) on ops (every
  # field operation), its library from several threads (bad_input compiles fail natively too).
  local circuits=(ops fail sha256 poseidon) lib_circuits=(poseidon sha256)
  if [ "$engine" = native ]; then circuits=(ops); lib_circuits=(ops); fi
  for name in "${circuits[@]}"; do
    build "$name"
    local exe="$work/$name/$name-witness" wasm="$work/$name/${name}_js/$name.wasm" n=0
    while IFS= read -r line; do
      [ -n "$line" ] || continue
      n=$((n + 1))
      printf '%s\n' "$line" >"$work/in.json"
      rm -f "$work/ours.wtns" "$work/ref.wtns"
      if ! "${emu[@]}" "$exe" "$work/in.json" "$work/ours.wtns"; then fail "$name input $n: $name-witness failed"; continue; fi
      if ! "$snarkjs" wtns calculate "$wasm" "$work/in.json" "$work/ref.wtns" >"$work/snarkjs.log" 2>&1; then
        cat "$work/snarkjs.log" >&2
        fail "$name input $n: snarkjs failed"
        continue
      fi
      if cmp -s "$work/ours.wtns" "$work/ref.wtns"; then
        echo "ok   $name input $n: identical to snarkjs ($(stat -c %s "$work/ours.wtns") bytes)"
      else
        fail "$name input $n: the witness differs from snarkjs's: $line"
      fi
      # The portable Montgomery kernel (what CPUs without ADX/BMI2 run) gives the same.
      rm -f "$work/ours.wtns"
      if PEREGRINE_NO_ADX=1 "${emu[@]}" "$exe" "$work/in.json" "$work/ours.wtns" && cmp -s "$work/ours.wtns" "$work/ref.wtns"; then
        :
      else
        fail "$name input $n: the witness with PEREGRINE_NO_ADX=1 differs"
      fi
      cp "$work/in.json" "$work/$name/input$n.json"
      cp "$work/ref.wtns" "$work/$name/ref$n.wtns"
    done <"$here/circuits/$name.inputs"
  done

  # Bus inputs as nested objects (snarkjs only takes the "p.x" form): same witness.
  if [ -d "$work/fail" ]; then
    printf '%s\n' '{"a": 1, "b": 5, "v": [1, 2, 3], "m": [[1, 2], [3, 4]], "p": {"x": 5, "y": 6}}' >"$work/in.json"
    "${emu[@]}" "$work/fail/fail-witness" "$work/in.json" "$work/ours.wtns" && cmp -s "$work/ours.wtns" "$work/fail/ref1.wtns" &&
      echo "ok   fail: a nested bus object gives the same witness" || fail "fail: nested bus input"
  fi

  # In process, several threads at once.
  for name in "${lib_circuits[@]}"; do
    if "${emu[@]}" "$libtest" "$work/$name" "$work/$name/input1.json" "$work/$name/ref1.wtns" 4 8 >"$work/libtest.log" 2>&1; then
      sed "s/^/ok   $name library: /" "$work/libtest.log"
    else
      cat "$work/libtest.log" >&2
      fail "$name: witness library test"
    fi
  done

  # Timings: the 200-Poseidon chain, native command vs snarkjs (wall time, median of 3); not
  # meaningful under an emulator.
  [ ${#emu[@]} = 0 ] && [ -d "$work/poseidon" ] || return 0
  local ours ref
  ours=$(for i in 1 2 3; do wall "${emu[@]}" "$work/poseidon/poseidon-witness" "$work/poseidon/input1.json" "$work/t.wtns"; done | median3)
  ref=$(for i in 1 2 3; do wall "$snarkjs" wtns calculate "$work/poseidon/poseidon_js/poseidon.wasm" "$work/poseidon/input1.json" "$work/t.wtns"; done | median3)
  echo "timing: 200-Poseidon chain witness: poseidon-witness ($engine engine) ${ours}s, snarkjs wtns calculate ${ref}s (wall, median of 3)"
}

bad_input() {
  build fail
  local exe="$work/fail/fail-witness" out="$work/out.wtns"
  local run=("${emu[@]}" "$exe")
  local good='"b": 5, "v": [1, 2, 3], "m": [[1, 2], [3, 4]], "p": {"x": 5, "y": 6}'
  # expect_error <description> <expected part of the message> <command args...>
  expect_error() {
    local what=$1 want=$2 rc=0
    shift 2
    printf 'previous contents\n' >"$out"
    "${run[@]}" "$@" 2>"$work/err.txt" >/dev/null || rc=$?
    local msg
    msg=$(cat "$work/err.txt")
    if [ "$rc" != 1 ]; then fail "$what: exit status $rc, expected 1 ($msg)"; return; fi
    if [ "$(wc -l <"$work/err.txt")" != 1 ]; then fail "$what: expected one line on stderr, got: $msg"; return; fi
    case "$msg" in *"$want"*) ;; *) fail "$what: message '$msg' does not contain '$want'"; return ;; esac
    if [ "$(cat "$out")" != "previous contents" ]; then fail "$what: the output file was modified"; return; fi
    if ls "$out".tmp-* >/dev/null 2>&1; then fail "$what: a temporary file was left behind"; return; fi
    echo "ok   $what: $msg"
  }
  bad() {  # description, expected message part, input JSON
    printf '%s\n' "$3" >"$work/bad.json"
    expect_error "$1" "$2" "$work/bad.json" "$out"
  }
  bad "missing signal" "missing input signal 'a'" "{$good}"
  bad "missing signals" "missing input signals: 'v', 'm', 'p.x', 'p.y'" '{"a": 1, "b": 2}'
  bad "unknown signal" "unknown input signal 'c'" "{\"a\": 1, \"c\": 1, $good}"
  bad "extra signal (an output)" "unknown input signal 'out'" "{\"a\": 1, \"out\": 1, $good}"
  bad "an intermediate signal" "unknown input signal 'sum'" "{\"a\": 1, \"sum\": 1, $good}"
  bad "duplicate key" "the key 'a' appears twice" "{\"a\": 1, \"a\": 2, $good}"
  bad "signal given twice" "'p.x' is given twice" "{\"a\": 1, \"p.x\": 5, $good}"
  bad "array too short" "input signal 'v': expected 3 values, got 2" '{"a": 1, "b": 5, "v": [1, 2], "m": [1, 2, 3, 4], "p": [5, 6]}'
  bad "array too long" "input signal 'v': expected 3 values, got 4" '{"a": 1, "b": 5, "v": [1, 2, 3, 4], "m": [1, 2, 3, 4], "p": [5, 6]}'
  bad "matrix row too short" "input signal 'm[1]': expected 2 values" '{"a": 1, "b": 5, "v": [1, 2, 3], "m": [[1, 2], [3]], "p": [5, 6]}'
  bad "scalar for an array" "'v' is an array of 3 values" '{"a": 1, "b": 5, "v": 1, "m": [1, 2, 3, 4], "p": [5, 6]}'
  bad "array for a scalar" "input signal 'a': expected 1 value, got 2" "{\"a\": [1, 2], $good}"
  bad "non-numeric string" "input signal 'a': \"abc\" is not an integer" "{\"a\": \"abc\", $good}"
  bad "non-numeric element" "input signal 'v[2]': \"3x\" is not an integer" '{"a": 1, "b": 5, "v": [1, 2, "3x"], "m": [1, 2, 3, 4], "p": [5, 6]}'
  bad "empty string" "input signal 'a': an empty string is not a number" "{\"a\": \"\", $good}"
  bad "fraction" "input signal 'a': 1.5 is not an integer" "{\"a\": 1.5, $good}"
  bad "fraction as a string" "\"1.5\" is not an integer" "{\"a\": \"1.5\", $good}"
  bad "boolean" "input signal 'a': true is a boolean" "{\"a\": true, $good}"
  bad "null" "input signal 'a': null is not a number" "{\"a\": null, $good}"
  bad "number too large for JSON" "write it as a string: \"12345678901234567890123\"" "{\"a\": 12345678901234567890123, $good}"
  bad "integer above 2^53" "too large to be read exactly" "{\"a\": 9007199254740993, $good}"
  bad "invalid JSON" "input is not valid JSON" "{\"a\": 1, $good,}"
  bad "not an object" "input JSON must be an object" '[1, 2, 3]'
  bad "empty input" "input is not valid JSON" ''
  bad "failed assert" "assert or constraint failed: template Fail, line 18, component main" "{\"a\": 13, $good}"
  bad "failed constraint" "assert or constraint failed: template Fail, line 21, component main" "{\"a\": 55, $good}"
  bad "division by zero" "division by zero" '{"a": 1, "b": 1000, "v": [1, 2, 3], "m": [1, 2, 3, 4], "p": [5, 6]}'
  printf '%s\n' "{\"a\": 1, $good}" >"$work/good.json"
  expect_error "missing input file" "cannot read $work/nope.json" "$work/nope.json" "$out"
  expect_error "input file is a directory" "is a directory" "$work" "$out"
  expect_error "wrong number of arguments" "usage:" "$work/good.json"
  rm -f "$out"
  local rc=0
  "${run[@]}" "$work/good.json" "$work/no/such/dir/out.wtns" 2>"$work/err.txt" || rc=$?
  if [ "$rc" = 1 ] && grep -q "$work/no/such/dir/out.wtns: cannot write" "$work/err.txt"; then
    echo "ok   unwritable output: $(cat "$work/err.txt")"
  else
    fail "unwritable output: exit $rc, $(cat "$work/err.txt")"
  fi
  rc=0
  "${run[@]}" "$work/good.json" "$work" 2>"$work/err.txt" || rc=$?
  if [ "$rc" = 1 ] && grep -q "is a directory" "$work/err.txt"; then
    echo "ok   output is a directory: $(cat "$work/err.txt")"
  else
    fail "output is a directory: exit $rc, $(cat "$work/err.txt")"
  fi
  # And the good input still works, replacing an existing file.
  printf 'previous contents\n' >"$out"
  if "${run[@]}" "$work/good.json" "$out" && [ "$(head -c 4 "$out")" = wtns ]; then echo "ok   good input"; else fail "good input"; fi
  [ "$engine" = graph ] || return 0

  # Input-dependent control flow: --engine graph refuses it (exit 1, the loop's place), auto compiles it.
  rc=0
  "${tool[@]}" "$here/circuits/loop.circom" -o "$work/loop" --runtime "$runtime" --circom "$bin/circom2" \
    --engine graph >"$work/loop.log" 2>&1 || rc=$?
  if [ "$rc" = 1 ] && grep -q "graph engine cannot build this circuit: loop.cpp:[0-9]* (in Loop_0_run, circom line 10): a loop whose condition depends on an input signal" "$work/loop.log" &&
     [ ! -e "$work/loop/loop.graph" ]; then
    echo "ok   input-dependent loop refused by --engine graph: $(tail -1 "$work/loop.log")"
  else
    fail "input-dependent loop with --engine graph: exit $rc, $(cat "$work/loop.log")"
  fi
  if "${tool[@]}" "$here/circuits/loop.circom" -o "$work/loop" --runtime "$runtime" --circom "$bin/circom2" \
       -O "${WITNESS_OPT:-1}" --wasm --engine auto >"$work/loop.log" 2>&1 &&
     grep -q "compiling it (native engine)" "$work/loop.log" && [ ! -e "$work/loop/loop.graph" ] &&
     printf '{"n": 5}\n' >"$work/loop.json" && "${emu[@]}" "$work/loop/loop-witness" "$work/loop.json" "$out" &&
     "$snarkjs" wtns calculate "$work/loop/loop_js/loop.wasm" "$work/loop.json" "$work/ref.wtns" >/dev/null 2>&1 &&
     cmp -s "$out" "$work/ref.wtns"; then
    echo "ok   --engine auto compiled the loop circuit natively (witness identical to snarkjs)"
  else
    fail "--engine auto on the loop circuit: $(cat "$work/loop.log")"
  fi
}

case "$mode" in
  compare) compare ;;
  bad_input) bad_input ;;
  *) echo "e2e.sh: unknown mode $mode" >&2; exit 2 ;;
esac
if [ "$failures" != 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "all passed"
