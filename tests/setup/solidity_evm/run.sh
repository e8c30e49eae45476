#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# End to end: `peregrine export solidity` and `peregrine export calldata` against snarkjs 0.7.6.
#   run.sh <peregrine> full    every fixture; contracts compiled with solc and run in an in-process
#                              EVM (evm_test.mjs): verdicts on valid and tampered proofs, gas
#   run.sh <peregrine> quick   (ASan) the generator and calldata on one fixture and the bad inputs;
#                              the EVM part runs no C++ code, so it is skipped
# Checks, per fixture: the contract from the .zkey and from verification_key.json are identical;
# the calldata for a proof made by `peregrine prove` (and for the fixture's snarkjs proof) is
# byte-identical to `snarkjs zkey export soliditycalldata`. Bad inputs: one error line, exit 1,
# no output file and nothing on stdout.
# The npm packages of the EVM test (solc, @ethereumjs/evm, pinned in package.json and
# package-lock.json) are installed into tests/setup/solidity_evm/node_modules when missing.
set -uo pipefail
peregrine=$1 mode=${2:-full}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
data=$root/tests/fixtures/data
bin=$(bash "$root/scripts/npm-tools.sh") || { echo "FAIL cannot install snarkjs"; exit 1; }
snarkjs=$bin/snarkjs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

fixtures="multiplier poseidon multi_io no_public"
[ "$mode" = quick ] && fixtures=multiplier

for c in $fixtures; do
  d=$tmp/cases/$c f=$data/$c
  mkdir -p "$d"
  "$peregrine" export solidity "$f/circuit.zkey" "$d/ours.sol" || { fail "$c: export solidity"; continue; }
  "$peregrine" export solidityverifier "$f/verification_key.json" "$d/ours_vk.sol" || fail "$c: export solidity from verification_key.json"
  cmp -s "$d/ours.sol" "$d/ours_vk.sol" || fail "$c: contracts from the .zkey and from verification_key.json differ"
  "$snarkjs" zkey export solidityverifier "$f/circuit.zkey" "$d/snarkjs.sol" >/dev/null || fail "$c: snarkjs solidityverifier"
  "$peregrine" prove "$f/circuit.zkey" "$f/witness.wtns" "$d/proof.json" "$d/public.json" || { fail "$c: prove"; continue; }
  for p in "$d" "$f"; do
    "$peregrine" export calldata "$p/public.json" "$p/proof.json" > "$d/calldata.out" || fail "$c: export calldata $p"
    "$snarkjs" zkey export soliditycalldata "$p/public.json" "$p/proof.json" > "$d/calldata.snarkjs" || fail "$c: snarkjs soliditycalldata"
    cmp -s "$d/calldata.out" "$d/calldata.snarkjs" || fail "$c: calldata for $p/proof.json differs from snarkjs's"
  done
  "$peregrine" export soliditycalldata "$d/public.json" "$d/proof.json" > "$d/calldata.txt" || fail "$c: export soliditycalldata"
  echo "ok $c: contract $(wc -c < "$d/ours.sol") bytes, calldata identical to snarkjs's"
done

# Bad inputs.
b=$tmp/bad
mkdir -p "$b"
m=$data/multiplier
printf '{"protocol": "groth16", "curve": "bn128", "IC": [' > "$b/truncated.json"
sed 's/"groth16"/"plonk"/' "$m/verification_key.json" > "$b/plonk_vk.json"
sed 's/"groth16"/"fflonk"/' "$m/proof.json" > "$b/fflonk_proof.json"
grep -v '"protocol"' "$m/proof.json" > "$b/no_protocol_proof.json"
sed 's/"bn128"/"bls12381"/' "$m/verification_key.json" > "$b/bls_vk.json"
python3 - "$m/proof.json" "$b/offcurve_proof.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["pi_a"][1] = str(int(p["pi_a"][1]) + 1)
json.dump(p, open(sys.argv[2], "w"))
PY
echo '["1", "x"]' > "$b/bad_public.json"
echo '["21888242871839275222246405745257275088548364400416034343698204186575808495617"]' > "$b/big_public.json"

expect_error() {  # label, then the command; output file (if any) is $b/out.sol
  local label=$1; shift
  rm -f "$b/out.sol"
  "$@" > "$b/stdout" 2> "$b/stderr"
  local rc=$?
  if [ $rc -ne 1 ]; then fail "bad input $label: exit $rc, expected 1"; return; fi
  [ "$(wc -l < "$b/stderr")" -eq 1 ] || fail "bad input $label: stderr is not one line: $(cat "$b/stderr")"
  [ -s "$b/stdout" ] && fail "bad input $label: output on stdout"
  [ -e "$b/out.sol" ] && fail "bad input $label: output file written"
  ls "$b" | grep -q '\.tmp' && fail "bad input $label: temporary file left"
  echo "ok bad input $label: $(cat "$b/stderr")"
}
expect_error "wtns as key" "$peregrine" export solidity "$m/witness.wtns" "$b/out.sol"
expect_error "r1cs as key" "$peregrine" export solidity "$m/circuit.r1cs" "$b/out.sol"
expect_error "plonk zkey" "$peregrine" export solidity "$data/bad/plonk_multiplier.zkey" "$b/out.sol"
expect_error "bls12-381 zkey" "$peregrine" export solidity "$data/bad/bls_multiplier.zkey" "$b/out.sol"
expect_error "plonk vk" "$peregrine" export solidity "$b/plonk_vk.json" "$b/out.sol"
expect_error "bls12-381 vk" "$peregrine" export solidity "$b/bls_vk.json" "$b/out.sol"
expect_error "truncated vk" "$peregrine" export solidity "$b/truncated.json" "$b/out.sol"
expect_error "proof as key" "$peregrine" export solidity "$m/proof.json" "$b/out.sol"
expect_error "public as key" "$peregrine" export solidity "$m/public.json" "$b/out.sol"
expect_error "missing key" "$peregrine" export solidity "$b/nonexistent.zkey" "$b/out.sol"
expect_error "output dir missing" "$peregrine" export solidity "$m/circuit.zkey" "$b/no/such/dir/out.sol"
expect_error "calldata: fflonk proof" "$peregrine" export calldata "$m/public.json" "$b/fflonk_proof.json"
expect_error "calldata: no protocol" "$peregrine" export calldata "$m/public.json" "$b/no_protocol_proof.json"
expect_error "calldata: proof off the curve" "$peregrine" export calldata "$m/public.json" "$b/offcurve_proof.json"
expect_error "calldata: truncated proof" "$peregrine" export calldata "$m/public.json" "$b/truncated.json"
expect_error "calldata: files swapped" "$peregrine" export calldata "$m/proof.json" "$m/public.json"
expect_error "calldata: bad signal" "$peregrine" export calldata "$b/bad_public.json" "$m/proof.json"
expect_error "calldata: signal >= r" "$peregrine" export calldata "$b/big_public.json" "$m/proof.json"
expect_error "calldata: zkey as proof" "$peregrine" export calldata "$m/public.json" "$m/circuit.zkey"

if [ "$mode" != quick ]; then
  # The EVM test's npm packages, installed (once, under a lock) when missing or not the pinned ones.
  (
    flock 9
    if ! node -e '
      const p = require(process.argv[1] + "/package.json");
      for (const [k, v] of Object.entries(p.dependencies))
        if (require(process.argv[1] + "/node_modules/" + k + "/package.json").version !== v) process.exit(1);
    ' "$here" 2>/dev/null; then
      (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
    fi
  ) 9> "${TMPDIR:-/tmp}/peregrine-solidity-evm-$(id -u).lock" || { fail "npm ci in $here"; exit 1; }
  (cd "$here" && node evm_test.mjs "$tmp"/cases/*) || fail "EVM test"
fi

if [ $fails -ne 0 ]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "all passed ($mode)"
