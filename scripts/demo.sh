#!/usr/bin/env bash
# The main job, end to end, on the bundled example circuit (examples/preimage):
# compile (peregrine circuit build: circom + a native witness generator) -> trusted setup (snarkjs,
# cached) -> witness (native, checked against snarkjs's) -> prove (peregrine) -> verify (peregrine
# and snarkjs) -> witness + proof in one process (fullprove), printing the time of each step, with
# snarkjs's witness calculator and prover timed alongside for comparison.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
ex=${1:-examples/preimage}
name=$(basename "$ex")
cache=${PEREGRINE_CACHE:-$HOME/.cache/peregrine}
work=$root/build/demo/$name
mkdir -p "$work" "$cache/ptau"

declare -a steps=()
timed() {  # label, command...
    local label=$1; shift
    local t0; t0=$(date +%s.%N)
    "$@"
    local ms; ms=$(echo "($(date +%s.%N) - $t0) * 1000" | bc)
    steps+=("$(printf '%-40s %9.0f ms' "$label" "$ms")")
}

echo "== setup"
bash scripts/deps.sh
command -v bc >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bc >/dev/null; }
bin=$(bash scripts/npm-tools.sh)
snarkjs=$bin/snarkjs
bash scripts/build.sh release > "$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
peregrine=$root/build/release/peregrine

echo "== compile $ex/circuit.circom (circom, then the native witness generator at -O1)"
timed "compile (peregrine circuit build)" "$peregrine" circuit build "$ex/circuit.circom" -l tools/node/node_modules \
    -o "$work" -O1 --circom "$bin/circom2"
"$peregrine" info "$work/circuit.r1cs" | sed -n '3,$p' | grep -E "nConstraints|nWires"

ptau=$cache/ptau/pot11_bn128_demo_final.ptau
if [ ! -s "$ptau" ]; then
    echo "== powers of tau 2^11 (once; cached in $ptau)"
    timed "powers of tau (snarkjs, once)" bash -c "
        '$snarkjs' powersoftau new bn128 11 '$work/pot0.ptau' >/dev/null &&
        '$snarkjs' powersoftau beacon '$work/pot0.ptau' '$work/pot1.ptau' \
            \$(printf 'peregrine demo ptau' | sha256sum | cut -c1-64) 10 -n=demo >/dev/null &&
        '$snarkjs' powersoftau prepare phase2 '$work/pot1.ptau' '$ptau.tmp' >/dev/null &&
        mv '$ptau.tmp' '$ptau' && rm -f '$work/pot0.ptau' '$work/pot1.ptau'"
fi
key=$(cat "$work/circuit.r1cs" "$ptau" | sha256sum | cut -c1-16)
if [ ! -s "$work/circuit.zkey" ] || [ "$(cat "$work/zkey.id" 2>/dev/null)" != "$key" ]; then
    echo "== groth16 setup"
    timed "groth16 setup (snarkjs)" bash -c "
        '$snarkjs' groth16 setup '$work/circuit.r1cs' '$ptau' '$work/c0.zkey' >/dev/null &&
        '$snarkjs' zkey beacon '$work/c0.zkey' '$work/circuit.zkey' \
            \$(printf 'peregrine demo zkey' | sha256sum | cut -c1-64) 10 -n=demo >/dev/null &&
        '$snarkjs' zkey export verificationkey '$work/circuit.zkey' '$work/verification_key.json' >/dev/null &&
        rm -f '$work/c0.zkey'"
    echo "$key" > "$work/zkey.id"
fi

echo "== witness, prove, verify"
timed "witness (peregrine witness)" "$peregrine" witness "$work" "$ex/input.json" "$work/witness.wtns"
timed "witness (snarkjs, for comparison)" "$snarkjs" wtns calculate "$work/circuit_js/circuit.wasm" "$ex/input.json" "$work/witness.snarkjs.wtns"
cmp -s "$work/witness.wtns" "$work/witness.snarkjs.wtns" || { echo "the witness differs from snarkjs's"; exit 1; }
echo "witness identical to snarkjs's"
timed "prove (peregrine)" "$peregrine" prove "$work/circuit.zkey" "$work/witness.wtns" "$work/proof.json" "$work/public.json" --verbose
timed "verify (peregrine verify)" "$peregrine" verify "$work/verification_key.json" "$work/public.json" "$work/proof.json"
timed "verify (snarkjs groth16 verify)" "$snarkjs" groth16 verify "$work/verification_key.json" "$work/public.json" "$work/proof.json"
timed "witness + prove (peregrine fullprove)" "$peregrine" fullprove "$work" "$work/circuit.zkey" "$ex/input.json" \
    "$work/proof.full.json" "$work/public.full.json"
"$snarkjs" groth16 verify "$work/verification_key.json" "$work/public.full.json" "$work/proof.full.json" | grep -q "OK!" ||
    { echo "snarkjs rejected the fullprove proof"; exit 1; }
timed "prove (snarkjs, for comparison)" "$snarkjs" groth16 prove "$work/circuit.zkey" "$work/witness.wtns" "$work/proof.snarkjs.json" "$work/public.snarkjs.json"
cmp -s "$work/public.json" "$work/public.snarkjs.json" || { echo "public.json differs from snarkjs's"; exit 1; }

echo
echo "== done: $work/proof.json, public signals $(tr -d ' \n' < "$work/public.json")"
printf '%s\n' "${steps[@]}"
