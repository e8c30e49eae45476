#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# `peregrine circuit build`, `peregrine witness` and `peregrine fullprove` end to end on a fixture
# circuit, judged by the fixture's snarkjs outputs and by `snarkjs groth16 verify`; and their bad
# inputs (exit status 1, one error line, no output file written or modified).
#
# usage: witness_cli.sh <peregrine> <work_dir>   (<peregrine> may be an emulator wrapper)
# WITNESS_OPT: -O level for the circuit's C++ (default 1).
set -euo pipefail
peregrine=$1 work=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
data=$root/tests/fixtures/data
bin=$(bash "$root/scripts/npm-tools.sh")
snarkjs="$bin/snarkjs"
node_modules=$(cd "$bin/.." && pwd)
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
failures=0 passed=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok   $*"; passed=$((passed + 1)); }

# 1. circuit build, with paths relative to the working directory (circom2 runs under WASI, which
#    only sees paths below its working directory: the command must handle that itself).
rel() { realpath --relative-to="$root" "$1"; }
t=$SECONDS
if ! (cd "$root" && "$peregrine" circuit build "$(rel "$root/tests/fixtures/circuits/multi_io.circom")" \
        -l "$(rel "$node_modules")" -o "$(rel "$work/multi_io")" -O "${WITNESS_OPT:-1}" \
        --circom "$bin/circom2") >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  echo "FAIL: peregrine circuit build multi_io" >&2
  exit 1
fi
echo "built multi_io in $((SECONDS - t))s"
dir=$work/multi_io
for f in multi_io-witness libmulti_io-witness.so multi_io.r1cs multi_io.sym; do
  [ -e "$dir/$f" ] && ok "circuit build wrote $f" || fail "circuit build did not write $f"
done
[ ! -e "$dir/multi_io_js" ] && ok "circuit build wrote no wasm (only with --wasm)" || fail "circuit build wrote multi_io_js without --wasm"
cmp -s "$dir/multi_io.r1cs" "$data/multi_io/circuit.r1cs" && ok "r1cs identical to the fixture's" ||
  fail "r1cs differs from the fixture's (the zkey would not match)"

# 2. peregrine witness: byte-identical to the witness snarkjs computed for the fixture.
input=$data/multi_io/input.json
if "$peregrine" witness "$dir" "$input" "$work/w.wtns" && cmp -s "$work/w.wtns" "$data/multi_io/witness.wtns"; then
  ok "peregrine witness: identical to snarkjs wtns calculate"
else
  fail "peregrine witness: differs from snarkjs's witness"
fi
# the library path itself works too
"$peregrine" witness "$dir/libmulti_io-witness.so" "$input" "$work/w2.wtns" && cmp -s "$work/w2.wtns" "$work/w.wtns" &&
  ok "peregrine witness <lib.so>" || fail "peregrine witness <lib.so>"

# 3. fullprove: the proof passes snarkjs; public.json is byte-identical to snarkjs's.
for threads in 0 1; do
  rm -f "$work/proof.json" "$work/public.json"
  if ! "$peregrine" fullprove "$dir" "$data/multi_io/circuit.zkey" "$input" "$work/proof.json" "$work/public.json" \
       --threads $threads --verbose 2>"$work/fp.log"; then
    cat "$work/fp.log" >&2
    fail "fullprove (threads $threads) failed"
    continue
  fi
  grep -q "timings (ms): witness" "$work/fp.log" || fail "fullprove --verbose printed no witness timing"
  if "$snarkjs" groth16 verify "$data/multi_io/verification_key.json" "$work/public.json" "$work/proof.json" \
       >"$work/v.log" 2>&1 && grep -q "OK!" "$work/v.log"; then
    ok "fullprove (threads $threads): snarkjs groth16 verify OK"
  else
    cat "$work/v.log" >&2
    fail "fullprove (threads $threads): snarkjs rejected the proof"
  fi
  cmp -s "$work/public.json" "$data/multi_io/public.json" && ok "fullprove: public.json identical to snarkjs's" ||
    fail "fullprove: public.json differs"
done
"$peregrine" verify "$data/multi_io/verification_key.json" "$work/public.json" "$work/proof.json" >/dev/null &&
  ok "peregrine verify accepts the fullprove proof" || fail "peregrine verify rejected the fullprove proof"

# 4. Bad inputs: exit 1, one line on stderr containing <want>, outputs untouched, no temporaries.
expect_error() {  # description, expected message part, peregrine args...
  local what=$1 want=$2 rc=0 msg
  shift 2
  printf 'previous\n' >"$work/o1"
  printf 'previous\n' >"$work/o2"
  "$peregrine" "$@" >/dev/null 2>"$work/err.txt" || rc=$?
  msg=$(cat "$work/err.txt")
  if [ "$rc" != 1 ]; then fail "$what: exit status $rc, expected 1 ($msg)"; return; fi
  if [ "$(wc -l <"$work/err.txt")" != 1 ]; then fail "$what: expected one line on stderr, got: $msg"; return; fi
  case "$msg" in *"$want"*) ;; *) fail "$what: message '$msg' does not contain '$want'"; return ;; esac
  if [ "$(cat "$work/o1")" != previous ] || [ "$(cat "$work/o2")" != previous ]; then
    fail "$what: an output file was modified"; return
  fi
  if ls "$work"/o1.tmp* "$work"/o2.tmp* >/dev/null 2>&1; then fail "$what: a temporary file was left"; return; fi
  ok "$what: $msg"
}
zkey=$data/multi_io/circuit.zkey
printf '{"pubX": "7", "pubY": "12345", "bound": "1000000", "secret": "424242"}\n' >"$work/missing.json"
printf '{"pubX": "7", "pubY": "12345", "bound": "1000000", "secret": "1099511627776", "k": ["5", "12345", "99"]}\n' >"$work/unsat.json"
printf '{"pubX": "7", "pubY": "12345", "bound": 1.5, "secret": "424242", "k": ["5", "12345", "99"]}\n' >"$work/frac.json"
printf '{"pubX": "7", ' >"$work/trunc.json"
expect_error "witness: missing signal" "missing input signal 'k'" witness "$dir" "$work/missing.json" "$work/o1"
expect_error "witness: failed constraint" "template Num2Bits" witness "$dir" "$work/unsat.json" "$work/o1"
expect_error "witness: non-integer" "'bound'" witness "$dir" "$work/frac.json" "$work/o1"
expect_error "witness: truncated JSON" "trunc.json" witness "$dir" "$work/trunc.json" "$work/o1"
# ~120 KB of nesting (issue 15) used to overflow the stack: now refused before parsing, by the CLI
# and by the circuit's own runtime (its <name>-witness driver), with no output file.
{ printf '{"k": '; head -c 60000 /dev/zero | tr '\0' '['; head -c 60000 /dev/zero | tr '\0' ']'; printf '}\n'; } >"$work/deep.json"
expect_error "witness: deeply nested JSON" "deep.json: JSON nested deeper than 64 levels" witness "$dir" "$work/deep.json" "$work/o1"
expect_error "fullprove: deeply nested JSON" "deep.json: JSON nested deeper than 64 levels" fullprove "$dir" "$zkey" "$work/deep.json" "$work/o1" "$work/o2"
rc=0
"$peregrine" witness "$dir" "$work/deep.json" "$work/deep_cli.wtns" 2>/dev/null || rc=$?
[ "$rc" = 1 ] && [ ! -e "$work/deep_cli.wtns" ] && ok "witness: deeply nested JSON: no output file created" ||
  fail "witness: deeply nested JSON: exit $rc, or $work/deep_cli.wtns created"
if [ "$(head -c 2 "$peregrine")" != "#!" ]; then  # skipped when <peregrine> is an emulator wrapper (aarch64)
  rm -f "$work/deep.wtns"
  rc=0
  "$dir/multi_io-witness" "$work/deep.json" "$work/deep.wtns" >/dev/null 2>"$work/err.txt" || rc=$?
  [ "$rc" = 1 ] && grep -q "JSON nested deeper than 64 levels" "$work/err.txt" && [ ! -e "$work/deep.wtns" ] &&
    ok "multi_io-witness: deeply nested JSON refused ($(head -1 "$work/err.txt"))" ||
    fail "multi_io-witness on deeply nested JSON: exit $rc, $(head -c 300 "$work/err.txt")"
fi
expect_error "witness: missing input file" "nonexistent.json" witness "$dir" "$work/nonexistent.json" "$work/o1"
expect_error "witness: no circuit library" "no_such_dir" witness "$work/no_such_dir" "$input" "$work/o1"
expect_error "witness: not a witness library" "circuit.zkey" witness "$zkey" "$input" "$work/o1"
expect_error "witness: unwritable output" "no_dir/out.wtns" witness "$dir" "$input" "$work/no_dir/out.wtns"
# Outputs that are not regular files (issue 15): refused with one error line and exit status 1,
# left exactly as they were, no temporary beside them; by `peregrine witness` and by the circuit's
# own driver (<name>-witness, the runtime's writer). timeout: a writer that opened a FIFO would hang.
# The device is a node of our own (what /dev/null is: char 1,3), never the system's /dev/null: a
# writer without the check would replace it. Without the right to mknod, the device case is skipped.
mkfifo "$work/fifo.wtns"
mkdir "$work/dir.wtns"
printf 'kept\n' >"$work/real.wtns"
ln -s "$work/real.wtns" "$work/link.wtns"
dev=""
mknod "$work/dev.wtns" c 1 3 2>/dev/null && [ -c "$work/dev.wtns" ] && dev=$work/dev.wtns
target_intact() {
  [ -p "$work/fifo.wtns" ] && [ -d "$work/dir.wtns" ] && [ -z "$(ls -A "$work/dir.wtns")" ] && [ -L "$work/link.wtns" ] &&
    [ "$(readlink "$work/link.wtns")" = "$work/real.wtns" ] && [ "$(cat "$work/real.wtns")" = kept ] &&
    { [ -z "$dev" ] || [ -c "$dev" ]; } && ! ls "$work"/*.wtns.tmp* >/dev/null 2>&1
}
refused_target() {  # description, expected message part, command...
  local what=$1 want=$2 rc=0 msg
  shift 2
  timeout 60 "$@" </dev/null >/dev/null 2>"$work/err.txt" || rc=$?
  msg=$(cat "$work/err.txt")
  if [ "$rc" != 1 ]; then fail "$what: exit status $rc, expected 1 ($msg)"; return; fi
  if [ "$(wc -l <"$work/err.txt")" != 1 ]; then fail "$what: expected one line on stderr, got: $msg"; return; fi
  case "$msg" in *"$want"*) ;; *) fail "$what: message '$msg' does not contain '$want'"; return ;; esac
  target_intact && ok "$what: $msg" || fail "$what: the target was changed or a temporary left"
}
refused_targets() {  # name, command writing <input> to the output given last
  local name=$1
  shift
  refused_target "$name: FIFO output" "fifo.wtns: exists and is a FIFO; not replaced" "$@" "$input" "$work/fifo.wtns"
  refused_target "$name: directory output" "dir.wtns: exists and is a directory; not replaced" "$@" "$input" "$work/dir.wtns"
  refused_target "$name: symlink output" "link.wtns: exists and is a symlink; not replaced" "$@" "$input" "$work/link.wtns"
  [ -z "$dev" ] ||
    refused_target "$name: device output" "dev.wtns: exists and is a device; not replaced" "$@" "$input" "$dev"
}
refused_targets "peregrine witness" "$peregrine" witness "$dir"
# not under an emulator wrapper (aarch64)
[ "$(head -c 2 "$peregrine")" = "#!" ] || refused_targets multi_io-witness "$dir/multi_io-witness"
expect_error "fullprove: missing signal" "missing input signal 'k'" fullprove "$dir" "$zkey" "$work/missing.json" "$work/o1" "$work/o2"
expect_error "fullprove: failed constraint" "template Num2Bits" fullprove "$dir" "$zkey" "$work/unsat.json" "$work/o1" "$work/o2"
expect_error "fullprove: another circuit's zkey" "not the key of this circuit" fullprove "$dir" "$data/poseidon/circuit.zkey" "$input" "$work/o1" "$work/o2"
head -c 3000 "$zkey" >"$work/trunc.zkey"
expect_error "fullprove: truncated zkey" "trunc.zkey" fullprove "$dir" "$work/trunc.zkey" "$input" "$work/o1" "$work/o2"
expect_error "fullprove: unwritable public.json" "no_dir/public.json" fullprove "$dir" "$zkey" "$input" "$work/o1" "$work/no_dir/public.json"

# circuit build errors: one line naming the problem, exit 1 or 2 (usage).
rc=0
"$peregrine" circuit build "$work/none.circom" -o "$work/none" --circom "$bin/circom2" 2>"$work/err.txt" || rc=$?
[ "$rc" != 0 ] && grep -q "none.circom" "$work/err.txt" && ok "circuit build: missing source ($(head -1 "$work/err.txt"))" ||
  fail "circuit build: missing source: exit $rc, $(cat "$work/err.txt")"
rc=0
"$peregrine" circuit build "$root/tests/fixtures/circuits/multi_io.circom" 2>"$work/err.txt" || rc=$?
[ "$rc" = 2 ] && grep -q "no output directory" "$work/err.txt" && ok "circuit build: usage error (exit 2)" ||
  fail "circuit build without -o: exit $rc, $(cat "$work/err.txt")"

echo "$passed passed, $failures failed"
[ "$failures" = 0 ]
