#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Every fixture proved by `peregrine prove` and by `prover` must pass `snarkjs groth16 verify`,
# and public.json must be byte-identical to the one snarkjs wrote.
set -euo pipefail
peregrine=$1 prover=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
data=$root/tests/fixtures/data
bin=$(bash "$root/scripts/npm-tools.sh")
snarkjs="$bin/snarkjs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

numbers_out() { sed -E 's/"[0-9]+"/"N"/g' "$1"; }
failed=0 passed=0
check() {  # name, proof, public
    local name=$1 proof=$2 pub=$3 d=$data/$1
    if ! "$snarkjs" groth16 verify "$d/verification_key.json" "$pub" "$proof" > "$tmp/verify.log" 2>&1 \
        || ! grep -q "OK!" "$tmp/verify.log"; then
        echo "FAIL $name: snarkjs rejected $proof"; cat "$tmp/verify.log"; failed=$((failed+1)); return
    fi
    if ! cmp -s "$pub" "$d/public.json"; then
        echo "FAIL $name: public.json differs from snarkjs's"; diff "$pub" "$d/public.json" || true
        failed=$((failed+1)); return
    fi
    if [ "$(numbers_out "$proof")" != "$(numbers_out "$d/proof.json")" ]; then
        echo "FAIL $name: proof.json layout differs from snarkjs's"; failed=$((failed+1)); return
    fi
    echo "ok   $name ($(basename "$proof"))"; passed=$((passed+1))
}

for d in "$data"/*/; do
    name=$(basename "$d")
    [ -f "$d/circuit.zkey" ] || continue
    "$peregrine" prove "$d/circuit.zkey" "$d/witness.wtns" "$tmp/$name.proof.json" "$tmp/$name.public.json"
    check "$name" "$tmp/$name.proof.json" "$tmp/$name.public.json"
    "$peregrine" prove --threads 1 "$d/circuit.zkey" "$d/witness.wtns" "$tmp/$name.t1.proof.json" "$tmp/$name.t1.public.json"
    check "$name" "$tmp/$name.t1.proof.json" "$tmp/$name.t1.public.json"
    "$prover" "$d/circuit.zkey" "$d/witness.wtns" "$tmp/$name.rs.proof.json" "$tmp/$name.rs.public.json"
    check "$name" "$tmp/$name.rs.proof.json" "$tmp/$name.rs.public.json"
    # peregrine verify agrees, and the exported verification key equals snarkjs's (as JSON).
    if "$peregrine" verify "$d/verification_key.json" "$tmp/$name.public.json" "$tmp/$name.proof.json" > /dev/null; then
        echo "ok   $name (peregrine verify)"; passed=$((passed+1))
    else
        echo "FAIL $name: peregrine verify rejects its own proof"; failed=$((failed+1))
    fi
    "$peregrine" export vk "$d/circuit.zkey" "$tmp/$name.vk.json"
    if python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
        "$tmp/$name.vk.json" "$d/verification_key.json"; then
        echo "ok   $name (export vk equals snarkjs zkey export verificationkey)"; passed=$((passed+1))
    else
        echo "FAIL $name: exported verification key differs from snarkjs's"; failed=$((failed+1))
    fi
done
echo "$passed passed, $failed failed"
[ "$passed" -ge 25 ] && [ "$failed" -eq 0 ]
