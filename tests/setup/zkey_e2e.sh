#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Phase-2 ceremony end to end against snarkjs 0.7.6:
#   - our `zkey contribute` is accepted by `snarkjs zkey verify`; snarkjs's contribution by ours;
#     chains mixing both; `zkey beacon` output equals snarkjs's byte for byte;
#   - the final key proves (`peregrine prove`) and `snarkjs groth16 verify` accepts the proof;
#   - tampered keys (a byte in each section, a broken or reordered chain, a truncated file, the key
#     of another circuit) get the same verdict from `peregrine zkey verify` and from snarkjs.
# The powers of tau are made with `peregrine ptau` (snarkjs takes a minute for them), the initial
# keys with `snarkjs groth16 setup`.
#
# Usage: zkey_e2e.sh <peregrine> [quick]
#   quick: only setup -> contribute -> beacon -> verify of the multiplier at power 4 with our own
#          tools (ASan/UBSan and qemu: slow machines).
set -uo pipefail
peregrine=$1
mode=${2:-full}
root=$(cd "$(dirname "$0")/../.." && pwd)
data=$root/tests/fixtures/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL $*"
    exit 1
}
t0=$(date +%s)

# Powers of tau prepared for phase 2: 2^10 (poseidon's domain), 2^4 in quick mode (multiplier only).
power=10
[ "$mode" = quick ] && power=4
"$peregrine" ptau new $power "$tmp/p0.ptau" > /dev/null || fail "ptau new"
"$peregrine" ptau contribute "$tmp/p0.ptau" "$tmp/p1.ptau" -e e2e > /dev/null || fail "ptau contribute"
"$peregrine" ptau prepare "$tmp/p1.ptau" "$tmp/pot.ptau" > /dev/null || fail "ptau prepare"
pot=$tmp/pot.ptau
mr1cs=$data/multiplier/circuit.r1cs pr1cs=$data/poseidon/circuit.r1cs

if [ "$mode" = quick ]; then
    "$peregrine" setup "$mr1cs" "$pot" "$tmp/m0.zkey" > /dev/null || fail "setup"
    "$peregrine" zkey contribute "$tmp/m0.zkey" "$tmp/m1.zkey" --name one > /dev/null || fail "contribute"
    "$peregrine" zkey beacon "$tmp/m1.zkey" "$tmp/m2.zkey" 0123456789abcdef 10 > /dev/null || fail "beacon"
    "$peregrine" zkey verify "$mr1cs" "$pot" "$tmp/m2.zkey" > /dev/null || fail "our verify of our chain"
    head -c 1000 "$tmp/m2.zkey" > "$tmp/trunc.zkey"
    "$peregrine" zkey verify "$mr1cs" "$pot" "$tmp/trunc.zkey" 2> /dev/null
    [ $? -eq 2 ] || fail "truncated key: exit status 2 expected"
    echo "PASS zkey quick ($(($(date +%s) - t0)) s)"
    exit 0
fi

bin=$(bash "$root/scripts/npm-tools.sh") || fail "cannot install snarkjs"
snarkjs=$bin/snarkjs
sj_ok() { # snarkjs zkey verify r1cs zkey: 0 when it prints ZKey Ok!
    "$snarkjs" zkey verify "$1" "$pot" "$2" 2>&1 | grep -q "ZKey Ok!"
}

# --- poseidon: ours -> snarkjs -> beacon (both tools), proof -------------------------------------
"$snarkjs" groth16 setup "$pr1cs" "$pot" "$tmp/z0.zkey" > /dev/null || fail "snarkjs groth16 setup"
"$peregrine" zkey contribute "$tmp/z0.zkey" "$tmp/z1.zkey" --name "ours first" -e abc > "$tmp/c1.out" ||
    fail "our contribute"
grep -q "Contribution Hash:" "$tmp/c1.out" || fail "no contribution hash printed"
sj_ok "$pr1cs" "$tmp/z1.zkey" || fail "snarkjs rejects our contribution"
"$snarkjs" zkey contribute "$tmp/z1.zkey" "$tmp/z2.zkey" --name=theirs -e=xyz > /dev/null || fail "snarkjs contribute"
"$peregrine" zkey verify "$pr1cs" "$pot" "$tmp/z2.zkey" > "$tmp/v2.out" || fail "we reject snarkjs's contribution"
grep -q "contribution #2 theirs:" "$tmp/v2.out" || fail "verify report lacks the contribution"
beacon=a1b2c3d4e5f60718293a4b5c6d7e8f90
"$peregrine" zkey beacon "$tmp/z2.zkey" "$tmp/z3.zkey" $beacon 10 --name final > /dev/null || fail "our beacon"
"$snarkjs" zkey beacon "$tmp/z2.zkey" "$tmp/z3s.zkey" $beacon 10 -n=final > /dev/null || fail "snarkjs beacon"
cmp -s "$tmp/z3.zkey" "$tmp/z3s.zkey" || fail "beacon output differs from snarkjs's"
"$peregrine" zkey verify "$pr1cs" "$pot" "$tmp/z3.zkey" > /dev/null || fail "we reject the beacon key"
"$peregrine" prove "$tmp/z3.zkey" "$data/poseidon/witness.wtns" "$tmp/proof.json" "$tmp/public.json" ||
    fail "prove with the contributed key"
"$peregrine" export vk "$tmp/z3.zkey" "$tmp/vk.json" || fail "export vk"
"$snarkjs" groth16 verify "$tmp/vk.json" "$tmp/public.json" "$tmp/proof.json" | grep -q "OK!" ||
    fail "snarkjs rejects the proof made with the contributed key"
echo "ok poseidon chain: ours -> snarkjs -> beacon (equal bytes), proof accepted"

# --- multiplier: chain, then tampered keys judged by both -----------------------------------------
"$snarkjs" groth16 setup "$mr1cs" "$pot" "$tmp/m0.zkey" > /dev/null || fail "snarkjs groth16 setup (multiplier)"
"$snarkjs" zkey contribute "$tmp/m0.zkey" "$tmp/m1.zkey" --name=s1 -e=q > /dev/null || fail "snarkjs contribute"
"$peregrine" zkey contribute "$tmp/m1.zkey" "$tmp/m2.zkey" --name o2 > /dev/null || fail "our contribute"
"$peregrine" zkey contribute "$tmp/m2.zkey" "$tmp/m3.zkey" --name o3 > /dev/null || fail "our contribute"

python3 - "$tmp" <<'PY' > "$tmp/cases" || fail "case generation"
import struct, sys
d = sys.argv[1]
key = open(f"{d}/m3.zkey", "rb").read()

def sections(b):
    n = struct.unpack_from("<I", b, 8)[0]; p = 12; out = []
    for _ in range(n):
        t, s = struct.unpack_from("<IQ", b, p); out.append((t, p + 12, s)); p += 12 + s
    return out

def body(b, sid):
    return next((o, s) for t, o, s in sections(b) if t == sid)

def with_section(b, sid, new):
    out = bytearray(b[:12])
    for t, o, s in sections(b):
        v = new if t == sid else b[o:o + s]
        out += struct.pack("<IQ", t, len(v)) + v
    return bytes(out)

def flip(sid, off):
    o, s = body(key, sid); b = bytearray(key); b[o + off] ^= 1; return bytes(b)

cases = {"valid": key}
for sid, off, name in [(2, 470, "delta1"), (2, 600, "delta2"), (2, 100, "alpha1"), (3, 70, "ic"), (4, 20, "coeffs"),
                       (5, 130, "a"), (6, 10, "b1"), (7, 140, "b2"), (8, 65, "c"), (9, 7, "h"),
                       (10, 3, "cshash"), (10, 68 + 64 + 5, "g1_s"), (10, 68 + 64 * 3 + 128 + 1, "transcript")]:
    cases["flip_" + name] = flip(sid, off)
# The chain: records of section 10 (variable size: parameters at the end of each).
o, s = body(key, 10); sec = key[o:o + s]
recs, p = [], 68
for _ in range(struct.unpack_from("<I", sec, 64)[0]):
    plen = struct.unpack_from("<I", sec, p + 388)[0]
    recs.append(sec[p:p + 392 + plen]); p += 392 + plen
def mpc(rs): return sec[:64] + struct.pack("<I", len(rs)) + b"".join(rs)
cases["chain_swapped"] = with_section(key, 10, mpc([recs[0], recs[2], recs[1]]))
cases["chain_dropped_middle"] = with_section(key, 10, mpc([recs[0], recs[2]]))
cases["chain_dropped_last"] = with_section(key, 10, mpc(recs[:2]))
cases["truncated"] = key[:len(key) - 100]
for name, b in cases.items():
    open(f"{d}/case_{name}.zkey", "wb").write(b)
    print(name)
PY
cp "$tmp/z3.zkey" "$tmp/case_other_circuit.zkey"
echo other_circuit >> "$tmp/cases"

# snarkjs's verdicts, in one Node process.
node - "$(dirname "$bin")/snarkjs" "$mr1cs" "$pot" "$tmp" > "$tmp/snarkjs.raw" 2> /dev/null <<'JS'
const snarkjs = require(process.argv[2]);
const fs = require("fs");
const [r1cs, pot, dir] = process.argv.slice(3);
(async () => {
  for (const name of fs.readFileSync(dir + "/cases", "utf8").split("\n").filter(Boolean)) {
    let ok = false;
    try { ok = (await snarkjs.zKey.verifyFromR1cs(r1cs, pot, `${dir}/case_${name}.zkey`)) === true; } catch (e) { ok = false; }
    console.log(`VERDICT ${name} ${ok ? 1 : 0}`);
  }
  process.exit(0);
})();
JS
n=0
grep "^VERDICT " "$tmp/snarkjs.raw" | cut -d' ' -f2- > "$tmp/snarkjs.out"
while read -r name sj; do
    "$peregrine" zkey verify "$mr1cs" "$pot" "$tmp/case_$name.zkey" > /dev/null 2> "$tmp/err"
    rc=$?
    ours=$([ $rc -eq 0 ] && echo 1 || echo 0)
    [ $rc -le 2 ] || fail "$name: exit status $rc"
    [ "$ours" = "$sj" ] || fail "$name: snarkjs says $sj, we say $ours ($(head -c 200 "$tmp/err"))"
    [ $rc -eq 0 ] || [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$name: error is not one line"
    n=$((n + 1))
done < "$tmp/snarkjs.out"
[ "$n" -eq "$(wc -l < "$tmp/cases")" ] || fail "snarkjs judged $n of $(wc -l < "$tmp/cases") cases"
grep -q "^valid 1$" "$tmp/snarkjs.out" || fail "the untampered key is not valid"
[ "$(grep -c ' 0$' "$tmp/snarkjs.out")" -eq $((n - 1)) ] || fail "a tampered key passed"
echo "ok $n keys: same verdicts as snarkjs"

# Errors: no output file, one line.
"$peregrine" zkey contribute "$tmp/case_truncated.zkey" "$tmp/out.zkey" 2> "$tmp/err" && fail "contribute on a truncated key"
[ ! -e "$tmp/out.zkey" ] || fail "output written on error"
[ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "contribute error is not one line"
"$peregrine" zkey beacon "$tmp/m3.zkey" "$tmp/out.zkey" 0x12 10 2> /dev/null && fail "beacon accepted 0x12"
[ ! -e "$tmp/out.zkey" ] || fail "output written on error"
echo "PASS zkey e2e ($(($(date +%s) - t0)) s)"
