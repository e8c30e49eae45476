#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Builds (once) and caches a benchmark fixture: a chain of circomlib hashes sized so that its
# Groth16 FFT domain is exactly 2^POWER, with its powers-of-tau file, zkey, verification key, input
# and witness. --circuit poseidon (default): Poseidon(2) hashes, full-size witness values;
# --circuit sha256: Sha256(256) digests (one compression block each, ~29.4k constraints), a
# bit-heavy witness (most values 0/1); --circuit synth|synthbits: no circom compile, the r1cs and
# witness from bench/gen-r1cs.py (a squaring chain with full-size constants; synthbits: 15 of 16
# constraints check a 0/1 value), for sizes where circom2 (WebAssembly, 4 GiB of memory) is too
# slow or too small: see bench/README.md. Everything lives outside the repo, in
#   ${PEREGRINE_CACHE:-$HOME/.cache/peregrine}/bench/poseidon<POWER>/ or .../bench/sha256_<POWER>/
# and is reused when present. Prints that directory on stdout (logs go to stderr).
#
# usage: bench/make-fixture.sh [--power 10..22] [--circuit poseidon|sha256|synth|synthbits]
#        (default 16, poseidon)
#
# The powers of tau and the key are made with Peregrine's setup tools (`ptau new|contribute|prepare`,
# `setup`, `zkey contribute`), and the key is checked once with `snarkjs zkey verify`; with
# PEREGRINE_FIXTURE_TOOL=snarkjs they come from snarkjs instead (its prepare phase2 takes 30+ minutes
# at 2^16). The circom compile of large chains takes a while too. Steps are resumable: each one writes to a temporary file and renames
# it, so an interrupted run continues where it stopped. Only one fixture build (hence one snarkjs
# job) runs at a time: builds take a lock in the cache directory.
set -euo pipefail

power=16
circuit=poseidon
while [ $# -gt 0 ]; do
  case "$1" in
    --power) power=${2:?--power needs a value}; shift 2 ;;
    --power=*) power=${1#--power=}; shift ;;
    --circuit) circuit=${2:?--circuit needs a value}; shift 2 ;;
    --circuit=*) circuit=${1#--circuit=}; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make-fixture: unknown argument: $1" >&2; exit 2 ;;
  esac
done
case "$power" in
  1[0-9]|2[0-2]) ;;
  *) echo "make-fixture: --power must be between 10 and 22 (got '$power')" >&2; exit 2 ;;
esac

case "$circuit" in
  poseidon|sha256|synth|synthbits) ;;
  *) echo "make-fixture: --circuit must be poseidon, sha256, synth or synthbits (got '$circuit')" >&2; exit 2 ;;
esac
if [ "$circuit" = sha256 ] && [ "$power" -lt 15 ]; then
  echo "make-fixture: a SHA-256 chain needs at least --power 15 (one block is ~29.4k constraints)" >&2
  exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${PEREGRINE_CACHE:-$HOME/.cache/peregrine}/bench
if [ "$circuit" = poseidon ]; then
  dir=$cache/poseidon$power
else
  dir=$cache/${circuit}_$power   # sha256_16: the digits of the name stay apart from the power
fi
ptau=$cache/ptau/pot${power}_final.ptau

if [ -f "$dir/.complete" ]; then
  echo "$dir"
  exit 0
fi

mkdir -p "$cache/ptau" "$dir"
exec 9>"$cache/.lock"
if ! flock -n 9; then
  echo "make-fixture: another fixture build holds $cache/.lock; waiting for it..." >&2
  flock 9
fi
if [ -f "$dir/.complete" ]; then
  echo "$dir"
  exit 0
fi

bin=$(bash "$root/scripts/npm-tools.sh")
circomlib=$root/tools/node/node_modules/circomlib/circuits
export NODE_OPTIONS="${NODE_OPTIONS:---max-old-space-size=8192}"
snarkjs() { "$bin/snarkjs" "$@"; }
log() { echo "make-fixture[$circuit $power] $(date +%H:%M:%S): $*" >&2; }
step() { # step <output> <description> <command...>: runs command unless output exists
  local out=$1 what=$2; shift 2
  if [ -s "$out" ]; then log "have $what ($out)"; return 0; fi
  log "$what..."
  local t0=$SECONDS
  "$@"
  [ -s "$out" ] || { echo "make-fixture: $what did not produce $out" >&2; exit 1; }
  log "$what done in $((SECONDS - t0))s"
}

# --- powers of tau (phase 1), shared by every fixture of this power -------------------------------
# Made with Peregrine's own setup tools (minutes even at 2^22); PEREGRINE_FIXTURE_TOOL=snarkjs, or a
# Peregrine binary without them, falls back to snarkjs (whose prepare phase2 takes 40+ min at 2^16).
# Contributions use fixed entropy text; the file is not meant to be reproducible.
pg=${PEREGRINE:-$root/build/release/peregrine}
tool=${PEREGRINE_FIXTURE_TOOL:-peregrine}
if [ "$tool" = peregrine ] && ! { [ -x "$pg" ] && "$pg" setup --help >/dev/null 2>&1; }; then
  log "no Peregrine setup tools in $pg: using snarkjs"
  tool=snarkjs
fi
pt=$cache/ptau/pot$power
if [ "$tool" = peregrine ]; then
  ptau_new() { "$pg" ptau new "$power" "$pt.0000.tmp" >&2 && mv "$pt.0000.tmp" "$pt.0000.ptau"; }
  ptau_contribute() {
    "$pg" ptau contribute "$pt.0000.ptau" "$pt.0001.tmp" --name "peregrine bench" \
      --entropy "peregrine bench fixed entropy $power" >&2 && mv "$pt.0001.tmp" "$pt.0001.ptau"
  }
  ptau_prepare() { "$pg" ptau prepare "$pt.0001.ptau" "$ptau.tmp" >&2 && mv "$ptau.tmp" "$ptau"; }
  # From 2^18 on (or PEREGRINE_FIXTURE_FAST_PTAU=1; =0 never), the single contribution is made with
  # `ptau contribute --prepare`: the first contributor to a fresh file knows the secrets, so the
  # prepared sections come from O(n) fixed-base products instead of `ptau prepare`'s O(n log n)
  # transforms. Same bytes as contribute + prepare with the same secrets (tests/setup/ptau_first_test).
  ptau_contribute_prepared() {
    "$pg" ptau contribute "$pt.0000.ptau" "$ptau.tmp" --prepare --name "peregrine bench" \
      --entropy "peregrine bench fixed entropy $power" >&2 && mv "$ptau.tmp" "$ptau"
  }
  fast=${PEREGRINE_FIXTURE_FAST_PTAU:-}
  [ -z "$fast" ] && { [ "$power" -ge 18 ] && fast=1 || fast=0; }
  if [ "$fast" = 1 ] && ! "$pg" ptau contribute --help 2>&1 | grep -q -- --prepare; then
    log "$pg has no 'ptau contribute --prepare': using contribute + prepare"
    fast=0
  fi
else
  fast=0
  ptau_new() { snarkjs powersoftau new bn128 "$power" "$pt.0000.tmp" >&2 && mv "$pt.0000.tmp" "$pt.0000.ptau"; }
  ptau_contribute() {
    snarkjs powersoftau contribute "$pt.0000.ptau" "$pt.0001.tmp" \
      --name="peregrine bench" -e="peregrine bench fixed entropy $power" >&2 && mv "$pt.0001.tmp" "$pt.0001.ptau"
  }
  ptau_prepare() { snarkjs powersoftau prepare phase2 "$pt.0001.ptau" "$ptau.tmp" >&2 && mv "$ptau.tmp" "$ptau"; }
fi
if [ ! -s "$ptau" ] && [ "$fast" = 1 ] && [ ! -s "$pt.0001.ptau" ]; then
  step "$pt.0000.ptau" "powersoftau new (2^$power)" ptau_new
  step "$ptau" "powersoftau contribute --prepare (2^$power)" ptau_contribute_prepared
  rm -f "$pt.0000.ptau"
fi
if [ ! -s "$ptau" ]; then
  [ -s "$pt.0001.ptau" ] || step "$pt.0000.ptau" "powersoftau new (2^$power)" ptau_new
  step "$pt.0001.ptau" "powersoftau contribute (2^$power)" ptau_contribute
  step "$ptau" "powersoftau prepare phase2 (2^$power, $tool)" ptau_prepare
  rm -f "$pt.0000.ptau" "$pt.0001.ptau"
fi

# --- circuit ----------------------------------------------------------------------------------------
# circom2 runs under WASI and only sees paths below its working directory, so the circomlib files
# the circuit needs are copied next to it and included by relative path.
cd "$dir"
if [ "$circuit" = synth ] || [ "$circuit" = synthbits ]; then
  libfiles=()
  hash_name="" chain_name=$([ "$circuit" = synth ] && echo SyntheticChain || echo SyntheticBits)
elif [ "$circuit" = poseidon ]; then
  cp "$circomlib/poseidon.circom" "$circomlib/poseidon_constants.circom" .
  libfiles=(poseidon.circom poseidon_constants.circom)
  hash_name="Poseidon(2)" chain_name=PoseidonChain
else
  mkdir -p lib/sha256
  cp "$circomlib"/sha256/*.circom lib/sha256/
  cp "$circomlib"/{binsum,bitify,comparators,aliascheck,compconstant}.circom lib/
  libfiles=(lib)
  hash_name="Sha256(256)" chain_name=Sha256Chain
fi
write_circuit() { # write_circuit <n> <file>
  if [ "$circuit" = poseidon ]; then
    cat > "$2" <<EOF
pragma circom 2.0.0;
include "poseidon.circom";

// A chain of n Poseidon(2) hashes: s[i+2] = Poseidon(s[i+1], s[i]), s[0] = a, s[1] = b.
template PoseidonChain(n) {
    signal input a;
    signal input b;
    signal output out;
    component h[n];
    signal s[n + 2];
    s[0] <== a;
    s[1] <== b;
    for (var i = 0; i < n; i++) {
        h[i] = Poseidon(2);
        h[i].inputs[0] <== s[i + 1];
        h[i].inputs[1] <== s[i];
        s[i + 2] <== h[i].out;
    }
    out <== s[n + 1];
}

component main {public [a]} = PoseidonChain($1);
EOF
  else
    cat > "$2" <<EOF
pragma circom 2.0.0;
include "lib/sha256/sha256.circom";
include "lib/bitify.circom";

// A chain of n SHA-256 digests of 256-bit messages: d[0] = SHA-256(in), d[i+1] = SHA-256(d[i]).
// Almost every witness value is a bit. The output packs the first 248 bits of the last digest.
template Sha256Chain(n) {
    signal input in[256];
    signal output out;
    component h[n];
    for (var i = 0; i < n; i++) {
        h[i] = Sha256(256);
        for (var k = 0; k < 256; k++) {
            if (i == 0) {
                h[i].in[k] <== in[k];
            } else {
                h[i].in[k] <== h[i - 1].out[k];
            }
        }
    }
    component pack = Bits2Num(248);
    for (var k = 0; k < 248; k++) {
        pack.in[k] <== h[n - 1].out[k];
    }
    out <== pack.out;
}

component main = Sha256Chain($1);
EOF
  fi
}
r1cs_constraints() { snarkjs r1cs info "$1" 2>&1 | sed -n 's/.*# of Constraints: *\([0-9]*\).*/\1/p'; }
if [ "$circuit" != sha256 ]; then
  npub=1 nout=1   # public input a, output out
else
  npub=0 nout=1   # output out
fi

if [ -n "${libfiles[*]}" ] && { [ ! -s circuit.r1cs ] || [ ! -s circuit_js/circuit.wasm ]; }; then
  # Measure the constraints of one hash, then fit as many as the 2^power domain holds. snarkjs
  # sizes the domain as the next power of two above nConstraints + nPubInputs + nOutputs, so
  # nConstraints must be at most 2^power - nPubInputs - nOutputs - 1.
  mkdir -p probe
  write_circuit 1 probe/probe.circom
  cp -r "${libfiles[@]}" probe/
  (cd probe && "$bin/circom2" probe.circom --r1cs --O2 -o . >/dev/null)
  per_hash=$(r1cs_constraints probe/probe.r1cs)
  rm -rf probe
  [ -n "$per_hash" ] && [ "$per_hash" -gt 0 ] || { echo "make-fixture: could not measure $hash_name constraints" >&2; exit 1; }
  n=$(( ((1 << power) - npub - nout - 1) / per_hash ))
  log "$hash_name = $per_hash constraints; chaining $n hashes"
  write_circuit "$n" circuit.circom
  echo "$n" > n_hashes
  log "compiling circuit (circom2 --O2)..."
  rm -rf circuit_js circuit.r1cs
  "$bin/circom2" circuit.circom --r1cs --wasm --O2 -o . >&2
fi
if [ -z "${libfiles[*]}" ] && { [ ! -s circuit.r1cs ] || [ ! -s witness.wtns ]; }; then
  log "synthetic r1cs and witness (bench/gen-r1cs.py)..."
  rm -f witness.wtns
  python3 "$root/bench/gen-r1cs.py" "$power" circuit.r1cs --wtns witness.unchecked $([ "$circuit" = synthbits ] && echo --bits)
  echo $(( (1 << power) - npub - nout - 1 )) > n_hashes   # "hashes": constraints
fi
constraints=$(r1cs_constraints circuit.r1cs)
total=$((constraints + npub + nout))
domain_power=0; while [ $((1 << domain_power)) -le "$total" ]; do domain_power=$((domain_power + 1)); done
if [ "$domain_power" != "$power" ]; then
  echo "make-fixture: circuit has $constraints constraints -> domain 2^$domain_power, wanted 2^$power" >&2
  exit 1
fi
log "circuit: $constraints constraints, domain 2^$domain_power"

# --- Groth16 setup (phase 2) ------------------------------------------------------------------------
if [ "$tool" = peregrine ]; then
  zkey_setup() { "$pg" setup circuit.r1cs "$ptau" circuit_0000.tmp >&2 && mv circuit_0000.tmp circuit_0000.zkey; }
  zkey_contribute() {
    "$pg" zkey contribute circuit_0000.zkey circuit.zkey.tmp --name "peregrine bench" \
      --entropy "peregrine bench fixed entropy phase2 $power" >&2 && mv circuit.zkey.tmp circuit.zkey
  }
else
  zkey_setup() { snarkjs groth16 setup circuit.r1cs "$ptau" circuit_0000.tmp >&2 && mv circuit_0000.tmp circuit_0000.zkey; }
  zkey_contribute() {
    snarkjs zkey contribute circuit_0000.zkey circuit.zkey.tmp --name="peregrine bench" \
      -e="peregrine bench fixed entropy phase2 $power" >&2 && mv circuit.zkey.tmp circuit.zkey
  }
fi
if [ ! -s circuit.zkey ]; then
  step circuit_0000.zkey "groth16 setup" zkey_setup
  step circuit.zkey "zkey contribute" zkey_contribute
  rm -f circuit_0000.zkey
  # Keys made by our tools are checked once (PEREGRINE_FIXTURE_CHECK=0 skips it): by snarkjs up to
  # 2^16; above, `snarkjs zkey verify` redoes the whole setup in JavaScript (hours), so our own
  # `zkey verify` checks them (PEREGRINE_FIXTURE_CHECK=snarkjs forces snarkjs).
  check=${PEREGRINE_FIXTURE_CHECK:-1}
  if [ "$tool" = peregrine ] && [ "$check" != 0 ]; then
    if [ "$power" -le 16 ] || [ "$check" = snarkjs ]; then
      log "snarkjs zkey verify (checks our ptau and key)..."
      snarkjs zkey verify circuit.r1cs "$ptau" circuit.zkey >&2 || { echo "make-fixture: snarkjs rejects the key" >&2; rm -f circuit.zkey; exit 1; }
    else
      log "peregrine zkey verify (checks our ptau and key)..."
      "$pg" zkey verify circuit.r1cs "$ptau" circuit.zkey >&2 || { echo "make-fixture: zkey verify rejects the key" >&2; rm -f circuit.zkey; exit 1; }
    fi
  fi
fi
vkey_export() { snarkjs zkey export verificationkey circuit.zkey vk.tmp >&2 && mv vk.tmp verification_key.json; }
step verification_key.json "export verification key" vkey_export

# --- input and witness ------------------------------------------------------------------------------
if [ ! -s input.json ]; then
  if [ "$circuit" != sha256 ]; then
    echo '{"a": "1", "b": "2"}' > input.json
  else # the bits of the bytes 0, 1, ..., 31 (least significant bit first)
    python3 -c 'import json; print(json.dumps({"in": [str((i // 8 >> (i % 8)) & 1) for i in range(256)]}))' > input.json
  fi
fi
wtns_calc() {
  if [ -z "${libfiles[*]}" ]; then
    snarkjs wtns check circuit.r1cs witness.unchecked >&2 && mv witness.unchecked witness.wtns
    return
  fi
  snarkjs wtns calculate circuit_js/circuit.wasm input.json witness.tmp >&2 &&
    snarkjs wtns check circuit.r1cs witness.tmp >&2 && mv witness.tmp witness.wtns
}
step witness.wtns "witness calculate + check" wtns_calc

cat > fixture.json <<EOF
{
  "circuit": "$chain_name($(cat n_hashes))",
  "power": $power,
  "n_hashes": $(cat n_hashes),
  "constraints": $constraints,
  "public_inputs": $npub,
  "outputs": $nout,
  "domain_size": $((1 << power)),
  "zkey": "circuit.zkey",
  "witness": "witness.wtns",
  "verification_key": "verification_key.json"
}
EOF
touch .complete
log "fixture ready in $dir"
echo "$dir"
