#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# `peregrine ptau prepare` and `peregrine setup` against snarkjs 0.7.6: the prepared ptau and the
# initial zkeys must be byte-identical to snarkjs's; a key made by `setup` must prove (peregrine
# prove) and the proof must pass `snarkjs groth16 verify` with the exported verification key;
# bad inputs give one error line, exit 1 and no output file.
#   setup_e2e.sh <peregrine> <mode>
#   mode full:    power 7 (multiplier, no_public, multi_io: multi_io needs exactly 2^7), errors
#   mode small:   power 6 (multiplier, no_public), errors (ASan/UBSan)
#   mode minimal: power 4, multiplier, byte identity of prepare and setup only (qemu)
set -euo pipefail
peregrine=$1 mode=${2:-full}
root=$(cd "$(dirname "$0")/../.." && pwd)
data=$root/tests/fixtures/data
bin=$(bash "$root/scripts/npm-tools.sh")
snarkjs="$bin/snarkjs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case $mode in
    full) power=7 fixtures="multiplier no_public multi_io" ;;
    small) power=6 fixtures="multiplier no_public" ;;
    minimal) power=4 fixtures="multiplier" ;;
    *) echo "unknown mode $mode"; exit 2 ;;
esac
failed=0
fail() { echo "FAIL $*"; failed=$((failed+1)); }

# A ptau with one contribution, made by snarkjs, prepared by both.
"$snarkjs" powersoftau new bn128 $power "$tmp/p0.ptau" > /dev/null
"$snarkjs" powersoftau contribute "$tmp/p0.ptau" "$tmp/p1.ptau" -name=e2e -e=setup-e2e > /dev/null
"$snarkjs" powersoftau prepare phase2 "$tmp/p1.ptau" "$tmp/ref.ptau" > /dev/null
"$peregrine" ptau prepare "$tmp/p1.ptau" "$tmp/ours.ptau"
if cmp "$tmp/ref.ptau" "$tmp/ours.ptau"; then echo "ok   ptau prepare 2^$power: identical to snarkjs"; else fail "ptau prepare 2^$power differs from snarkjs"; fi
"$peregrine" ptau prepare --threads 1 "$tmp/p1.ptau" "$tmp/ours1.ptau"
cmp -s "$tmp/ref.ptau" "$tmp/ours1.ptau" || fail "ptau prepare --threads 1 differs from snarkjs"
# Preparing a prepared file gives the same file.
"$peregrine" ptau prepare "$tmp/ours.ptau" "$tmp/ours2.ptau"
cmp -s "$tmp/ref.ptau" "$tmp/ours2.ptau" || fail "ptau prepare of a prepared file differs"

for f in $fixtures; do
    d=$data/$f
    "$snarkjs" groth16 setup "$d/circuit.r1cs" "$tmp/ref.ptau" "$tmp/$f.ref.zkey" > /dev/null
    "$peregrine" setup "$d/circuit.r1cs" "$tmp/ours.ptau" "$tmp/$f.zkey" > "$tmp/$f.out"
    if cmp "$tmp/$f.ref.zkey" "$tmp/$f.zkey"; then echo "ok   setup $f: identical to snarkjs"; else fail "setup $f differs from snarkjs"; continue; fi
    [ "$mode" = minimal ] && continue
    "$peregrine" setup --threads 1 "$d/circuit.r1cs" "$tmp/ours.ptau" "$tmp/$f.t1.zkey" > /dev/null
    cmp -s "$tmp/$f.ref.zkey" "$tmp/$f.t1.zkey" || fail "setup --threads 1 $f differs from snarkjs"
    "$peregrine" prove "$tmp/$f.zkey" "$d/witness.wtns" "$tmp/$f.proof.json" "$tmp/$f.public.json"
    "$peregrine" export vk "$tmp/$f.zkey" "$tmp/$f.vk.json"
    if "$snarkjs" groth16 verify "$tmp/$f.vk.json" "$tmp/$f.public.json" "$tmp/$f.proof.json" 2>&1 | grep -q "OK!"; then
        echo "ok   setup $f: the key proves, snarkjs verifies"
    else
        fail "setup $f: snarkjs rejected the proof"
    fi
done

# expect_error <what> <grep pattern> <output that must not exist> -- command...
expect_error() {
    local what=$1 pattern=$2 out=$3; shift 4
    local rc=0
    "$@" > "$tmp/err.out" 2> "$tmp/err.log" || rc=$?
    if [ $rc -ne 1 ]; then fail "$what: exit status $rc, expected 1"; cat "$tmp/err.log"; return; fi
    if [ "$(wc -l < "$tmp/err.log")" -ne 1 ] || ! grep -q -- "$pattern" "$tmp/err.log"; then
        fail "$what: expected one line matching '$pattern'"; cat "$tmp/err.log"; return
    fi
    if [ -e "$out" ]; then fail "$what: $out was written"; return; fi
    echo "ok   error: $what: $(cat "$tmp/err.log")"
}

if [ "$mode" != minimal ]; then
    m=$data/multiplier/circuit.r1cs
    expect_error "ptau too small" "need power 10" "$tmp/x.zkey" -- \
        "$peregrine" setup "$data/poseidon/circuit.r1cs" "$tmp/ours.ptau" "$tmp/x.zkey"
    expect_error "unprepared ptau" "ptau prepare" "$tmp/x.zkey" -- "$peregrine" setup "$m" "$tmp/p1.ptau" "$tmp/x.zkey"
    # The r1cs with the BLS12-381 scalar field in its header.
    node -e '
        const fs = require("fs"); const b = fs.readFileSync(process.argv[1]);
        let p = 12;
        while (b.readUInt32LE(p) !== 1) p += 12 + Number(b.readBigUInt64LE(p + 4));
        const r = BigInt("0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
        for (let i = 0; i < 32; i++) b[p + 16 + i] = Number((r >> BigInt(8 * i)) & 0xffn);
        fs.writeFileSync(process.argv[2], b);' "$m" "$tmp/bls.r1cs"
    expect_error "r1cs of another curve" "another curve" "$tmp/x.zkey" -- "$peregrine" setup "$tmp/bls.r1cs" "$tmp/ours.ptau" "$tmp/x.zkey"
    head -c 200 "$m" > "$tmp/trunc.r1cs"
    expect_error "truncated r1cs" "trunc.r1cs" "$tmp/x.zkey" -- "$peregrine" setup "$tmp/trunc.r1cs" "$tmp/ours.ptau" "$tmp/x.zkey"
    head -c 3000 "$tmp/ours.ptau" > "$tmp/trunc.ptau"
    expect_error "truncated ptau (setup)" "trunc.ptau" "$tmp/x.zkey" -- "$peregrine" setup "$m" "$tmp/trunc.ptau" "$tmp/x.zkey"
    expect_error "truncated ptau (prepare)" "trunc.ptau" "$tmp/x.ptau" -- "$peregrine" ptau prepare "$tmp/trunc.ptau" "$tmp/x.ptau"
    expect_error "not a ptau" "circuit.r1cs" "$tmp/x.ptau" -- "$peregrine" ptau prepare "$m" "$tmp/x.ptau"
    expect_error "missing r1cs" "nope.r1cs" "$tmp/x.zkey" -- "$peregrine" setup "$tmp/nope.r1cs" "$tmp/ours.ptau" "$tmp/x.zkey"
fi

if [ $failed -ne 0 ]; then echo "$failed failure(s)"; exit 1; fi
echo "all setup e2e checks passed ($mode)"
