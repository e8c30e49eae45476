#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Usage errors of `peregrine` (issue 12): exit status 2 (never CLI11's 1xx codes), a first line
# "peregrine: error: ...", a hint line, the subcommand's usage line, and no output file; argument-order
# mistakes recognised with a hint; one help layout for every subcommand; "1 thread" in --verbose.
#
# usage: cli_usage.sh <peregrine>   (<peregrine> may be an emulator wrapper)
set -uo pipefail
peregrine=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
data=$root/tests/fixtures/data
m=$data/multiplier
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# expect_usage <label> <text the hint or message must contain> <usage line start> <peregrine args...>
expect_usage() {
    local label=$1 want=$2 usage=$3 rc=0
    shift 3
    rm -f "$tmp"/out*
    "$peregrine" "$@" > "$tmp/stdout" 2> "$tmp/err" || rc=$?
    if [ "$rc" != 2 ]; then fail "$label: exit $rc (want 2): $(cat "$tmp/err")"; return; fi
    if [ "$(wc -l < "$tmp/err")" != 3 ]; then fail "$label: want 3 lines on stderr, got: $(cat "$tmp/err")"; return; fi
    if ! sed -n 1p "$tmp/err" | grep -q "^peregrine: error: "; then fail "$label: first line: $(sed -n 1p "$tmp/err")"; return; fi
    if ! sed -n 2p "$tmp/err" | grep -q "^hint: "; then fail "$label: no hint line: $(cat "$tmp/err")"; return; fi
    if ! sed -n 3p "$tmp/err" | grep -qF -- "usage: $usage"; then fail "$label: usage line: $(sed -n 3p "$tmp/err")"; return; fi
    if ! grep -qF -- "$want" "$tmp/err"; then fail "$label: lacks '$want': $(cat "$tmp/err")"; return; fi
    if compgen -G "$tmp/out*" > /dev/null; then fail "$label: an output file was written"; return; fi
    echo "ok   $label: $(head -2 "$tmp/err" | tr '\n' ' ')"; passed=$((passed + 1))
}

P="peregrine prove [options] <circuit.zkey> <witness.wtns> <proof.json> <public.json>"
expect_usage "bare peregrine" "commands: prove" "peregrine" 
expect_usage "missing positional" "missing <witness.wtns>" "$P" prove "$m/circuit.zkey"
expect_usage "--thread" "did you mean '--threads'?" "$P" prove "$m/circuit.zkey" "$m/witness.wtns" "$tmp/out.p" "$tmp/out.q" --thread 2
expect_usage "--thread before the files" "did you mean '--threads'?" "$P" prove --thread 2 "$m/circuit.zkey" "$m/witness.wtns" "$tmp/out.p" "$tmp/out.q"
expect_usage "--threads x" "--threads" "$P" prove "$m/circuit.zkey" "$m/witness.wtns" "$tmp/out.p" "$tmp/out.q" --threads x
expect_usage "extra argument" "unexpected argument '$tmp/out.r'" "$P" prove "$m/circuit.zkey" "$m/witness.wtns" "$tmp/out.p" "$tmp/out.q" "$tmp/out.r"
expect_usage "mistyped command" "did you mean 'prove'?" "peregrine" proof "$m/circuit.zkey" "$m/witness.wtns" "$tmp/out.p" "$tmp/out.q"
sed -n 1,2p "$tmp/err" | tr '\n' ' ' | grep -q "unknown command 'proof' hint: did you mean 'prove'?" || fail "mistyped command: message and hint"
expect_usage "mistyped nested command" "did you mean 'export vk'?" "peregrine export <command>" export vkey "$m/circuit.zkey" "$tmp/out.vk"
expect_usage "nested command at the top" "did you mean 'export vk'?" "peregrine" vk "$m/circuit.zkey" "$tmp/out.vk"
# The setup commands (src/cli/{ptau,setup,zkey,solidity}_cmds.cpp) get the same treatment.
if "$peregrine" ptau --help > /dev/null 2>&1; then
    expect_usage "ptau: mistyped subcommand" "did you mean 'ptau new'?" "peregrine ptau <command>" ptau nwe 4 "$tmp/out.ptau"
    expect_usage "ptau new: missing argument" "missing <" "peregrine ptau new" ptau new 4
    expect_usage "ptau contribute: --nme" "did you mean '--name'?" "peregrine ptau contribute" ptau contribute a "$tmp/out.ptau" --nme x
fi
expect_usage "missing nested command" "commands: build" "peregrine circuit <command>" circuit
expect_usage "serve without --circuits" "missing option --circuits" "peregrine serve [options]" serve
expect_usage "circuit build without -o" "no output directory" "peregrine circuit build [options] <circuit.circom>" circuit build x.circom
expect_usage "circuit build unknown option" "did you mean '--circom'?" "peregrine circuit build" circuit build x.circom -o "$tmp/out.d" --circon c

# Argument-order mistakes, recognised from the files.
expect_usage "prove: zkey and wtns swapped" "did you swap the arguments?" "$P" prove "$m/witness.wtns" "$m/circuit.zkey" "$tmp/out.p" "$tmp/out.q"
expect_usage "witness: input.json first" "expected the circuit directory" "peregrine witness" witness "$m/input.json" "$data/multi_io" "$tmp/out.wtns"
expect_usage "fullprove: input.json first" "did you swap the arguments?" "peregrine fullprove" fullprove "$m/input.json" "$data/multi_io" "$m/circuit.zkey" "$tmp/out.p" "$tmp/out.q"
V="peregrine verify <verification_key.json> <public.json> <proof.json>"
W="expected the order <verification_key.json> <public.json> <proof.json>"
expect_usage "verify: proof and public swapped" "$W" "$V" verify "$m/verification_key.json" "$m/proof.json" "$m/public.json"
grep -q "proof.json is a proof, not the public signals" "$tmp/err" || fail "verify swap: message names the file: $(head -1 "$tmp/err")"
expect_usage "verify: vk last" "$W" "$V" verify "$m/public.json" "$m/proof.json" "$m/verification_key.json"
expect_usage "verify: proof first" "$W" "$V" verify "$m/proof.json" "$m/verification_key.json" "$m/public.json"

# The right order still works (0 valid), and runtime errors keep their status (1; verify: 2).
"$peregrine" verify "$m/verification_key.json" "$m/public.json" "$m/proof.json" > /dev/null 2>&1 && { echo "ok   verify in order: 0"; passed=$((passed + 1)); } || fail "verify in order"
rc=0; "$peregrine" prove "$tmp/none.zkey" "$m/witness.wtns" "$tmp/out.p" "$tmp/out.q" 2> "$tmp/err" || rc=$?
[ "$rc" = 1 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && { echo "ok   missing file: exit 1, one line"; passed=$((passed + 1)); } || fail "missing file: exit $rc: $(cat "$tmp/err")"

# One help layout: CLI11's, for every subcommand (circuit build included), exit 0.
for cmd in "prove" "verify" "export vk" "info" "circuit build" "witness" "fullprove" "serve"; do
    rc=0; "$peregrine" $cmd --help > "$tmp/help" 2>&1 || rc=$?
    if [ "$rc" = 0 ] && grep -q "^Usage: peregrine $cmd \[OPTIONS\]" "$tmp/help" && grep -q "^Options:" "$tmp/help" &&
       grep -q -- "-h,--help" "$tmp/help"; then
        echo "ok   $cmd --help"; passed=$((passed + 1))
    else
        fail "$cmd --help (exit $rc): $(head -3 "$tmp/help")"
    fi
done
"$peregrine" circuit build --help > "$tmp/help" 2>&1
grep -q "tools/node/node_modules/.bin/circom2" "$tmp/help" && grep -q -- "--circom PATH" "$tmp/help" &&
    { echo "ok   circuit build --help names the circom lookup"; passed=$((passed + 1)); } || fail "circuit build --help: circom lookup"
for opt in --threads --keep-results --shutdown-grace --strict --workers --queue --max-body --bind --port; do
    "$peregrine" serve --help | grep -q -- "$opt" || fail "serve --help lacks $opt"
done

# No CLI11 exit code ever: a sweep of malformed command lines exits 2.
for args in "prove" "prove -t" "verify a" "export" "export vk" "info" "witness a b" "fullprove a" "serve --port x" \
            "serve --circuits d --workers 0" "--bogus" "circuit build" "circuit build -O" "info a b"; do
    rc=0; "$peregrine" $args > /dev/null 2>&1 || rc=$?
    [ "$rc" = 2 ] || fail "'peregrine $args': exit $rc (want 2)"
done

# "1 thread", not "1 threads".
"$peregrine" prove "$m/circuit.zkey" "$m/witness.wtns" "$tmp/p.json" "$tmp/q.json" --threads 1 --verbose 2> "$tmp/err" > /dev/null
grep -q ", 1 thread$" "$tmp/err" && { echo "ok   --verbose: 1 thread"; passed=$((passed + 1)); } || fail "--verbose: $(head -1 "$tmp/err")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
