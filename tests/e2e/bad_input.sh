#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Bad input: one clear error line naming the file, exit status 1 (never a crash), and no
# output files written or modified.
set -uo pipefail
peregrine=$1 prover=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
data=$root/tests/fixtures/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
m=$data/multiplier
passed=0 failed=0

# expect_error <label> <text the message must contain> <command...>
expect_error() {
    local label=$1 want=$2; shift 2
    echo OLD > "$tmp/proof.json"; echo OLD > "$tmp/public.json"
    "$@" > "$tmp/out" 2> "$tmp/err"
    local rc=$?
    local lines; lines=$(wc -l < "$tmp/err")
    if [ $rc -ne 1 ]; then echo "FAIL $label: exit $rc (want 1)"; cat "$tmp/err"; failed=$((failed+1)); return; fi
    if ! grep -qF -- "$want" "$tmp/err"; then echo "FAIL $label: message lacks '$want'"; cat "$tmp/err"; failed=$((failed+1)); return; fi
    if [ "$lines" -ne 1 ]; then echo "FAIL $label: $lines lines on stderr"; cat "$tmp/err"; failed=$((failed+1)); return; fi
    if [ "$(cat "$tmp/proof.json")" != OLD ] || [ "$(cat "$tmp/public.json")" != OLD ]; then
        echo "FAIL $label: output files were touched"; failed=$((failed+1)); return; fi
    if compgen -G "$tmp/*.tmp.*" > /dev/null; then echo "FAIL $label: temporary files left"; failed=$((failed+1)); return; fi
    echo "ok   $label: $(cat "$tmp/err")"; passed=$((passed+1))
}

head -c 3000 "$m/circuit.zkey" > "$tmp/trunc.zkey"
head -c 100 "$m/witness.wtns" > "$tmp/trunc.wtns"
head -c 2 "$m/circuit.zkey" > "$tmp/tiny.zkey"
printf 'this is not a zkey at all' > "$tmp/text.zkey"
# A witness with one wrong value (the last private input + 1): it no longer satisfies the circuit.
python3 - "$m/witness.wtns" "$tmp/wrong.wtns" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[-32] = (b[-32] + 1) % 256
open(sys.argv[2], 'wb').write(bytes(b))
PY

for tool in "$peregrine prove" "$prover"; do
    t=${tool##*/}
    expect_error "$t truncated zkey" "trunc.zkey: truncated" $tool "$tmp/trunc.zkey" "$m/witness.wtns" "$tmp/proof.json" "$tmp/public.json"
    expect_error "$t tiny zkey" "tiny.zkey: not a .zkey file" $tool "$tmp/tiny.zkey" "$m/witness.wtns" "$tmp/proof.json" "$tmp/public.json"
    expect_error "$t text zkey" "text.zkey: not a .zkey file" $tool "$tmp/text.zkey" "$m/witness.wtns" "$tmp/proof.json" "$tmp/public.json"
    expect_error "$t truncated wtns" "trunc.wtns" $tool "$m/circuit.zkey" "$tmp/trunc.wtns" "$tmp/proof.json" "$tmp/public.json"
    expect_error "$t missing zkey" "nope.zkey: cannot open" $tool "$tmp/nope.zkey" "$m/witness.wtns" "$tmp/proof.json" "$tmp/public.json"
    expect_error "$t wtns of another circuit" "invalid witness length" $tool "$m/circuit.zkey" "$data/poseidon/witness.wtns" "$tmp/proof.json" "$tmp/public.json"
    expect_error "$t bls12-381 zkey" "another curve" $tool "$data/bad/bls_multiplier.zkey" "$m/witness.wtns" "$tmp/proof.json" "$tmp/public.json"
    expect_error "$t bls12-381 wtns" "another curve" $tool "$m/circuit.zkey" "$data/bad/bls_multiplier.wtns" "$tmp/proof.json" "$tmp/public.json"
    expect_error "$t plonk zkey" "not a Groth16 zkey" $tool "$data/bad/plonk_multiplier.zkey" "$m/witness.wtns" "$tmp/proof.json" "$tmp/public.json"
    # (peregrine prove recognises the swap as a usage error: tests/e2e/cli_usage.sh)
    [ "$t" = prover ] && expect_error "$t zkey and wtns swapped" "not a .zkey file" $tool "$m/witness.wtns" "$m/circuit.zkey" "$tmp/proof.json" "$tmp/public.json"
    expect_error "$t unsatisfied witness" "does not satisfy the circuit" $tool "$m/circuit.zkey" "$tmp/wrong.wtns" "$tmp/proof.json" "$tmp/public.json"
    expect_error "$t unwritable public.json" "missing/public.json: cannot write" $tool "$m/circuit.zkey" "$m/witness.wtns" "$tmp/proof.json" "$tmp/missing/public.json"
done
expect_error "prover usage" "Usage: prover" "$prover" "$m/circuit.zkey"
expect_error "info on garbage" "not a .zkey, .wtns or .r1cs file" "$peregrine" info "$tmp/text.zkey"
expect_error "info on missing file" "cannot open" "$peregrine" info "$tmp/none"

# --no-verify writes what the key and witness give, as rapidsnark would: snarkjs must reject it.
if "$peregrine" prove --no-verify "$m/circuit.zkey" "$tmp/wrong.wtns" "$tmp/nv.proof.json" "$tmp/nv.public.json" 2>/dev/null \
   && ! "$(bash "$root/scripts/npm-tools.sh")/snarkjs" groth16 verify "$m/verification_key.json" "$tmp/nv.public.json" "$tmp/nv.proof.json" >/dev/null 2>&1; then
    echo "ok   --no-verify writes the unverifiable proof, which snarkjs rejects"; passed=$((passed+1))
else
    echo "FAIL --no-verify"; failed=$((failed+1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
