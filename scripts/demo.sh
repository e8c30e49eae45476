#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# The main job, end to end, on the bundled example circuit (examples/preimage), with Peregrine's own
# tools only (snarkjs is used to check the results):
#   build peregrine -> compile the circuit (circom + native witness generator) -> powers of tau
#   (new, contribute, prepare) -> Groth16 key (setup, contribute, verify) -> witness -> prove ->
#   verify (peregrine and snarkjs) -> Solidity verifier.
# Every step prints when it starts and how long it took; a summary table ends the run.
# Usage: scripts/demo.sh [example-dir]   (PEREGRINE_DEMO_THREADS=N to choose the thread count)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
ex=${1:-examples/preimage}
name=$(basename "$ex")
work=$root/build/demo/$name
mkdir -p "$work"
export NO_COLOR=1 FORCE_COLOR=0  # plain logs from npm
# snarkjs and circom colour their messages regardless: strip the escape codes when the output is a
# log file rather than a terminal.
if [ ! -t 1 ]; then exec > >(sed -u 's/\x1b\[[0-9;]*m//g') 2>&1; fi
threads=()
[ -n "${PEREGRINE_DEMO_THREADS:-}" ] && threads=(--threads "$PEREGRINE_DEMO_THREADS")

declare -a summary=()
nsteps=11
step=0
t_start=$(date +%s.%N)
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
begin() { step=$((step + 1)); label=$1; t0=$(now); echo "[$step/$nsteps] $label ..."; }
end() {
    local s; s=$(secs "$t0")
    echo "[$step/$nsteps] $label: done in ${s} s${1:+ ($1)}"
    summary+=("$(printf '%-62s %8s s' "$label" "$s")")
}
fail() { echo "demo: $*" >&2; exit 1; }

begin "install the missing Debian packages (apt)"
bash scripts/deps.sh
end

# The reference tools (snarkjs, circom2, circomlib) download from npm in the background while
# peregrine builds: one "npm:" line says when they are ready, step 3 waits for them if need be.
npm_t0=$(now)
(
    if bash scripts/npm-tools.sh > "$work/npm-bin.txt" 2> "$work/npm.log"; then
        echo "  npm: snarkjs, circom2 and circomlib ready in $(secs "$npm_t0") s"
    else
        echo "  npm: failed after $(secs "$npm_t0") s (log: $work/npm.log)"; exit 1
    fi
) &
npm_pid=$!
trap 'kill "$npm_pid" 2>/dev/null || true' EXIT
echo "  npm: installing snarkjs, circom2 and circomlib into tools/node in the background"

begin "build peregrine (only the command-line tool; npm alongside)"
[ -f build/release/build.ninja ] || cmake --preset release >/dev/null
# ninja prints one "[done/total] ..." line per compiled file: a counter of the build's progress.
set +o pipefail
cmake --build build/release --target peregrine_cli -- -j"$(nproc)" 2>&1 | tee "$work/build.log" |
    { grep --line-buffered -E '^\[[0-9]+/[0-9]+\]' || true; } | sed -u -E 's/^(\[[0-9]+\/[0-9]+\]).* ([^ ]+)$/  build \1 \2/'
status=${PIPESTATUS[0]}
set -o pipefail
[ "$status" = 0 ] || { tail -30 "$work/build.log"; fail "build failed"; }
pg=$root/build/release/peregrine
end

begin "reference tools from npm (started before the build)"
wait "$npm_pid" || { tail -20 "$work/npm.log"; fail "installing the npm tools failed (scripts/npm-tools.sh)"; }
trap - EXIT
bin=$(cat "$work/npm-bin.txt")
snarkjs=$bin/snarkjs
end "waited for them after the build"

begin "compile $ex/circuit.circom (circom + native witness generator)"
"$pg" circuit build "$ex/circuit.circom" -l tools/node/node_modules -o "$work" -O1 --wasm --circom "$bin/circom2"
info=$("$pg" info "$work/circuit.r1cs")
constraints=$(echo "$info" | awk '/^nConstraints/ {print $2}')
end "$constraints constraints"

begin "powers of tau 2^11: new, contribute, prepare"
"$pg" ptau new 11 "$work/pot0.ptau" "${threads[@]}"
"$pg" ptau contribute "$work/pot0.ptau" "$work/pot1.ptau" --name "demo contribution" "${threads[@]}"
"$pg" ptau prepare "$work/pot1.ptau" "$work/pot.ptau" "${threads[@]}"
rm -f "$work/pot0.ptau" "$work/pot1.ptau"
end

begin "Groth16 key: setup, contribute, export vk"
"$pg" setup "$work/circuit.r1cs" "$work/pot.ptau" "$work/c0.zkey" "${threads[@]}"
"$pg" zkey contribute "$work/c0.zkey" "$work/circuit.zkey" --name "demo key contribution" "${threads[@]}"
"$pg" export vk "$work/circuit.zkey" "$work/verification_key.json"
rm -f "$work/c0.zkey"
end

begin "check the key (peregrine zkey verify, snarkjs zkey verify)"
"$pg" zkey verify "$work/circuit.r1cs" "$work/pot.ptau" "$work/circuit.zkey" "${threads[@]}" >/dev/null
"$snarkjs" zkey verify "$work/circuit.r1cs" "$work/pot.ptau" "$work/circuit.zkey" > "$work/snarkjs-zkey-verify.log" 2>&1 ||
    { tail -5 "$work/snarkjs-zkey-verify.log"; fail "snarkjs rejected the key"; }
end "both accept it"

begin "witness (peregrine witness; snarkjs's for comparison)"
"$pg" witness "$work" "$ex/input.json" "$work/witness.wtns"
"$snarkjs" wtns calculate "$work/circuit_js/circuit.wasm" "$ex/input.json" "$work/witness.snarkjs.wtns"
cmp -s "$work/witness.wtns" "$work/witness.snarkjs.wtns" || fail "the witness differs from snarkjs's"
end "identical to snarkjs's"

begin "prove (peregrine prove)"
"$pg" prove "$work/circuit.zkey" "$work/witness.wtns" "$work/proof.json" "$work/public.json" --verbose "${threads[@]}"
end

begin "verify (peregrine verify, snarkjs groth16 verify)"
"$pg" verify "$work/verification_key.json" "$work/public.json" "$work/proof.json" >/dev/null
"$snarkjs" groth16 verify "$work/verification_key.json" "$work/public.json" "$work/proof.json" | grep -q "OK!" ||
    fail "snarkjs rejected the proof"
end "both accept it"

begin "Solidity verifier and calldata"
"$pg" export solidity "$work/circuit.zkey" "$work/Verifier.sol"
"$pg" export calldata "$work/public.json" "$work/proof.json" > "$work/calldata.txt"
end "$work/Verifier.sol"

echo
echo "== done in $(secs "$t_start") s: $work/proof.json, public signals $(tr -d ' \n' < "$work/public.json")"
printf '%s\n' "${summary[@]}"
