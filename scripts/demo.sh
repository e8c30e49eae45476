#!/usr/bin/env bash
# The main job, end to end, on the bundled example circuit (examples/preimage):
# compile (circom) -> trusted setup (snarkjs, cached) -> witness -> prove (peregrine) -> verify,
# printing the time of each step, with snarkjs's prover timed alongside for comparison.
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
    steps+=("$(printf '%-34s %9.0f ms' "$label" "$ms")")
}

echo "== setup"
bash scripts/deps.sh
command -v bc >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bc >/dev/null; }
bin=$(bash scripts/npm-tools.sh)
snarkjs=$bin/snarkjs
bash scripts/build.sh release > "$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
peregrine=$root/build/release/peregrine

echo "== compile $ex/circuit.circom"
# circom2 runs under WASI and sees only paths relative to its working directory.
timed "compile (circom2)" "$bin/circom2" "$ex/circuit.circom" --r1cs --wasm -l tools/node/node_modules \
    -o "$(realpath --relative-to="$root" "$work")" > "$work/circom.log"
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
timed "witness (snarkjs wtns calculate)" "$snarkjs" wtns calculate "$work/circuit_js/circuit.wasm" "$ex/input.json" "$work/witness.wtns"
timed "prove (peregrine)" "$peregrine" prove "$work/circuit.zkey" "$work/witness.wtns" "$work/proof.json" "$work/public.json" --verbose
timed "verify (snarkjs groth16 verify)" "$snarkjs" groth16 verify "$work/verification_key.json" "$work/public.json" "$work/proof.json"
timed "prove (snarkjs, for comparison)" "$snarkjs" groth16 prove "$work/circuit.zkey" "$work/witness.wtns" "$work/proof.snarkjs.json" "$work/public.snarkjs.json"
cmp -s "$work/public.json" "$work/public.snarkjs.json" || { echo "public.json differs from snarkjs's"; exit 1; }

echo
echo "== done: $work/proof.json, public signals $(tr -d ' \n' < "$work/public.json")"
printf '%s\n' "${steps[@]}"
