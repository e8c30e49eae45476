#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# `peregrine ptau` against snarkjs 0.7.6 (powersoftau), in both directions:
#   - our new -> contribute -> beacon is accepted by `snarkjs powersoftau verify`;
#   - snarkjs's new -> contribute -> beacon is accepted by `peregrine ptau verify`;
#   - mixed chains (snarkjs contributes on our file and we on its file) verify with both;
#   - our beacon output equals snarkjs's byte for byte for the same input and beacon;
#   - a snarkjs-prepared file (sections 12-15) verifies with us (Lagrange sections checked);
#   - tampered files (a byte flipped in each section and in the contribution records, truncated,
#     wrong header power, wrong curve prime, broken hashes) get the same verdict from both, and
#     our exit status is 0, 1 or 2, never a crash;
#   - a failed contribute leaves no output file;
#   - `contribute|beacon --prepare` on a fresh file equals contribute + prepare and snarkjs accepts it.
# Usage: ptau_e2e.sh <peregrine> [full|minimal]
#   minimal (qemu): new -> contribute -> beacon -> verify at power 4 with our verify only.
#   PEREGRINE_SANITIZE=1 (ASan build): powers 6 and 4 instead of 8 and 5.
set -uo pipefail
peregrine=$1
case $peregrine in /*) ;; *) peregrine=$PWD/$peregrine ;; esac
mode=${2:-full}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
ok() { echo "ok   $*"; }
run() { "$@" > /dev/null 2> "$tmp/last.err"; }

if [ "$mode" = minimal ]; then
  run "$peregrine" ptau new 4 m0.ptau || fail "new"
  run "$peregrine" ptau contribute m0.ptau m1.ptau --name q -e qemu || fail "contribute"
  run "$peregrine" ptau beacon m1.ptau m2.ptau 0badcafe 10 || fail "beacon"
  run "$peregrine" ptau verify m2.ptau && ok "minimal chain verifies" || fail "verify: $(cat last.err)"
  cp m2.ptau bad.ptau && printf '\x01' | dd of=bad.ptau bs=1 seek=200 conv=notrunc 2> /dev/null
  run "$peregrine" ptau verify bad.ptau; [ $? = 1 ] && ok "tampered rejected" || fail "tampered file accepted"
  exit $((failures > 0))
fi

bin=$(bash "$root/scripts/npm-tools.sh") || { echo "FAIL cannot install snarkjs"; exit 1; }
snarkjs=$bin/snarkjs
nm=$root/tools/node/node_modules
P=8 PP=5
if [ -n "${PEREGRINE_SANITIZE:-}" ]; then P=6 PP=4; fi
beacon=0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f

# snarkjs verdicts for many files in one node process: prints "<file> 0|1" (1: invalid or error).
sverify() {
  node --input-type=module - "$nm" "$@" <<'JS'
const nm = process.argv[2];
const snarkjs = await import(nm + "/snarkjs/main.js");
for (const f of process.argv.slice(3)) {
  let ok = false;
  try { ok = (await snarkjs.powersOfTau.verify(f)) === true; } catch (e) { ok = false; }
  console.log(f + " " + (ok ? 0 : 1));
}
process.exit(0);
JS
}
pverify() { "$peregrine" ptau verify "$1" > /dev/null 2> "$tmp/last.err"; }

# A. ours: new -> contribute -> beacon
run "$peregrine" ptau new $P a0.ptau || fail "new: $(cat last.err)"
run "$snarkjs" powersoftau new bn128 $P s0.ptau || fail "snarkjs new"
cmp -s a0.ptau s0.ptau && ok "new equals snarkjs's bytes" || fail "new differs from snarkjs"
run "$peregrine" ptau contribute a0.ptau a1.ptau --name "ours 1" -e "some entropy" || fail "contribute: $(cat last.err)"
run "$peregrine" ptau beacon a1.ptau a2.ptau $beacon 10 --name "our beacon" || fail "beacon: $(cat last.err)"
pverify a2.ptau && ok "ours verifies our chain" || fail "ours rejects our chain: $(cat last.err)"

# B. snarkjs: new -> contribute -> beacon; C. mixed; D. beacon bytes
run "$snarkjs" powersoftau contribute s0.ptau s1.ptau -n="snarkjs 1" -e="other entropy" || fail "snarkjs contribute"
run "$snarkjs" powersoftau beacon s1.ptau s2.ptau $beacon 10 -n="their beacon" || fail "snarkjs beacon"
run "$snarkjs" powersoftau contribute a1.ptau m1.ptau -n="snarkjs on ours" -e="e2" || fail "snarkjs contribute on ours"
run "$peregrine" ptau contribute s1.ptau m2.ptau --name "ours on snarkjs" || fail "contribute on snarkjs: $(cat last.err)"
run "$snarkjs" powersoftau beacon a1.ptau sb.ptau $beacon 10 -n="our beacon" || fail "snarkjs beacon on ours"
cmp -s a2.ptau sb.ptau && ok "beacon bytes equal snarkjs's (our contribution)" || fail "beacon differs from snarkjs (on a1)"
run "$peregrine" ptau beacon s1.ptau ob.ptau $beacon 10 --name "their beacon" || fail "beacon on snarkjs: $(cat last.err)"
cmp -s ob.ptau s2.ptau && ok "beacon bytes equal snarkjs's (snarkjs contribution)" || fail "beacon differs from snarkjs (on s1)"
for f in s1 s2 m1 m2; do
  pverify $f.ptau && ok "ours verifies $f" || fail "ours rejects $f: $(cat last.err)"
done

# E. prepared files and the tampered cases, at a smaller power.
run "$peregrine" ptau new $PP t0.ptau || fail "new $PP"
run "$peregrine" ptau contribute t0.ptau t1.ptau --name first || fail "contribute t1"
run "$snarkjs" powersoftau contribute t1.ptau t2.ptau -n="second" -e="x" || fail "snarkjs contribute t2"
run "$peregrine" ptau beacon t2.ptau t3.ptau cafe 10 --name final || fail "beacon t3"
run "$snarkjs" powersoftau prepare phase2 t3.ptau t3p.ptau || fail "snarkjs prepare phase2"
pverify t3p.ptau && ok "ours verifies a snarkjs-prepared file" || fail "ours rejects the prepared file: $(cat last.err)"

python3 - t3p.ptau tam <<'PY' || fail "case generation"
import struct, sys
src, out = sys.argv[1], sys.argv[2]
d = bytearray(open(src, "rb").read())
secs, pos = {}, 12
while pos < len(d):
    t, n = struct.unpack_from("<IQ", d, pos)
    secs[t] = (pos + 12, n)
    pos += 12 + n
def rec_starts():
    s, _ = secs[7]
    cnt = struct.unpack_from("<I", d, s)[0]
    p, r = s + 4, []
    for _ in range(cnt):
        r.append(p)
        plen = struct.unpack_from("<I", d, p + 1500)[0]
        p += 1504 + plen
    return r
recs = rec_starts()
cases = {
    "sec2": secs[2][0] + 64 * 3 + 5, "sec3": secs[3][0] + 128 * 2 + 40, "sec4": secs[4][0] + 64 * 4 + 1,
    "sec5": secs[5][0] + 64 * 7 + 33, "sec6": secs[6][0] + 9,
    "last_tauG1": recs[-1] + 7, "last_pubkey": recs[-1] + 448 + 64 * 2 + 3,
    "last_partial_state": recs[-1] + 1216 + 130, "last_next_challenge": recs[-1] + 1432 + 5,
    "first_next_challenge": recs[0] + 1432 + 60, "first_partial_state": recs[0] + 1216 + 140,
    "beacon_hash_param": recs[-1] + 1504 + struct.unpack_from("<I", d, recs[-1] + 1500)[0] - 1,
    "sec12": secs[12][0] + 64 * 5 + 2, "sec13": secs[13][0] + 128 * 3 + 70,
    "sec14": secs[14][0] + 64 * 6 + 10, "sec15": secs[15][0] + 64 * 2 + 50,
    "header_power": secs[1][0] + 4 + 32, "curve_prime": secs[1][0] + 4,
    "contribution_count": secs[7][0],
}
for name, off in cases.items():
    e = bytearray(d)
    e[off] ^= 0x01
    open(f"{out}_{name}.ptau", "wb").write(e)
open(f"{out}_truncated.ptau", "wb").write(d[:-1000])
open(f"{out}_empty.ptau", "wb").write(b"")
PY
cp t3p.ptau tam_valid.ptau
cp t0.ptau tam_no_contributions.ptau
sverify tam_*.ptau > snark.verdicts 2> /dev/null
while read -r f sv; do
  "$peregrine" ptau verify "$f" > /dev/null 2> "$tmp/last.err"
  pv=$?
  [ $pv -ge 3 ] && { fail "$f: exit status $pv"; continue; }
  mine=$((pv != 0))
  if [ "$mine" = "$sv" ]; then ok "$f: same verdict ($( [ $sv = 0 ] && echo valid || echo invalid), our exit $pv)"
  else fail "$f: snarkjs $sv, ours exit $pv: $(head -c 200 last.err)"; fi
done < snark.verdicts
[ "$(wc -l < snark.verdicts)" -ge 23 ] || fail "snarkjs verdicts missing ($(wc -l < snark.verdicts))"
# snarkjs's verdict on our own chain, from the same node process run.
sverify a2.ptau m2.ptau > ours.verdicts 2> /dev/null
grep -q "a2.ptau 0" ours.verdicts && ok "snarkjs verifies our chain" || fail "snarkjs rejects our chain"
grep -q "m2.ptau 0" ours.verdicts && ok "snarkjs verifies our contribution on its file" || fail "snarkjs rejects m2"

# info: power, contributions with names, prepared or not.
"$peregrine" ptau info t3p.ptau > info.txt 2> last.err || fail "info: $(cat last.err)"
grep -q "^power: $PP" info.txt && grep -q "^contributions: 3" info.txt && grep -q '"second"' info.txt &&
  grep -q "beacon hash: cafe, iterations exponent 10" info.txt && grep -q "prepared for phase 2: yes" info.txt &&
  ok "info" || fail "info output: $(cat info.txt)"

# --prepare (first contribution to a fresh file, prepared from its secrets): the same bytes as
# beacon + prepare, accepted by snarkjs (with its Lagrange sections), refused on a non-fresh file.
run "$peregrine" ptau new $P f0.ptau || fail "new $P"
run "$peregrine" ptau beacon f0.ptau fb.ptau 0a0b 10 -n first && run "$peregrine" ptau prepare fb.ptau fbp.ptau ||
  fail "beacon + prepare"
run "$peregrine" ptau beacon f0.ptau fbq.ptau 0a0b 10 -n first --prepare || fail "beacon --prepare: $(cat last.err)"
cmp -s fbp.ptau fbq.ptau && ok "beacon --prepare = beacon + prepare, byte for byte" || fail "beacon --prepare differs from beacon + prepare"
run "$peregrine" ptau contribute f0.ptau fc.ptau --prepare -n first -e e2e || fail "contribute --prepare: $(cat last.err)"
"$snarkjs" powersoftau verify fc.ptau > fc.log 2>&1 && grep -q "Powers of Tau Ok" fc.log && ok "snarkjs verifies contribute --prepare" ||
  fail "snarkjs rejects contribute --prepare: $(tail -3 fc.log)"
run "$peregrine" ptau contribute fb.ptau fd.ptau --prepare; rc=$?
[ $rc = 1 ] && [ ! -e fd.ptau ] && grep -q "fresh file" last.err && ok "--prepare on a contributed file: exit 1, no output" ||
  fail "--prepare on a contributed file: exit $rc"

# Errors leave no output file.
run "$peregrine" ptau contribute tam_truncated.ptau out1.ptau; rc=$?
[ $rc = 1 ] && [ ! -e out1.ptau ] && ok "contribute on a truncated file: exit 1, no output" || fail "contribute on a truncated file: exit $rc"
run "$peregrine" ptau beacon t3.ptau out2.ptau xyz 10; rc=$?
[ $rc = 1 ] && [ ! -e out2.ptau ] && ok "beacon with a bad hex: exit 1, no output" || fail "bad beacon: exit $rc"
ls "$tmp" | grep -q '\.tmp' && fail "temporary files left behind"

echo "$failures failure(s)"
exit $((failures > 0))
