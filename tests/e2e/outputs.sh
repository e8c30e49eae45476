#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Output safety (issue 15): proof and public are written as a pair (both or neither); a target
# that is not a regular file (device, FIFO, directory, symlink) gives one clear error and is
# never replaced; binary outputs (zkey contribute) likewise. Then `zkey check` on a valid and a
# tampered key. The multiplier fixture only: a few seconds, also under ASan and qemu.
set -uo pipefail
peregrine=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
m=$root/tests/fixtures/data/multiplier
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed+1)); }
fail() { echo "FAIL $1"; [ -f "$tmp/err" ] && cat "$tmp/err"; failed=$((failed+1)); }

# run_error <label> <text the message must contain> <command...>: exit 1, one line on stderr.
run_error() {
    local label=$1 want=$2; shift 2
    "$@" > "$tmp/out" 2> "$tmp/err"
    local rc=$?
    if [ $rc -ne 1 ]; then fail "$label: exit $rc (want 1)"; return 1; fi
    if ! grep -qF -- "$want" "$tmp/err"; then fail "$label: message lacks '$want'"; return 1; fi
    if [ "$(wc -l < "$tmp/err")" -ne 1 ]; then fail "$label: more than one line on stderr"; return 1; fi
    if compgen -G "$tmp/*.tmp.*" > /dev/null || compgen -G "$tmp/d/*.tmp.*" > /dev/null; then
        fail "$label: temporary files left"; return 1; fi
    return 0
}
prove() { timeout 120 "$peregrine" prove "$m/circuit.zkey" "$m/witness.wtns" "$@"; }

# A device: refused, still a device, and public.json not written either.
if run_error "device target" "/dev/null: exists and is a device; not replaced" prove /dev/null "$tmp/public.json"; then
    if [ -c /dev/null ] && [ ! -e "$tmp/public.json" ]; then ok "device proof target: error, /dev/null kept, no public.json"
    else fail "device proof target: /dev/null replaced or public.json written"; fi
fi
# A symlink (to a regular file): refused, the link and its target unchanged, no public.json.
echo OLD > "$tmp/real.json"
ln -s "$tmp/real.json" "$tmp/link.json"
if run_error "symlink target" "link.json: exists and is a symlink; not replaced" prove "$tmp/link.json" "$tmp/public.json"; then
    if [ -L "$tmp/link.json" ] && [ "$(cat "$tmp/real.json")" = OLD ] && [ ! -e "$tmp/public.json" ]; then
        ok "symlink proof target: error, link and file kept"
    else fail "symlink proof target: replaced or public.json written"; fi
fi
# A directory as the second file: the first (proof.json) is not written.
mkdir "$tmp/d" "$tmp/d/public.json"
if run_error "directory target" "public.json: exists and is a directory; not replaced" prove "$tmp/d/proof.json" "$tmp/d/public.json"; then
    if [ -d "$tmp/d/public.json" ] && [ ! -e "$tmp/d/proof.json" ]; then ok "directory public target: error, neither written"
    else fail "directory public target: proof.json written or directory replaced"; fi
fi
# A FIFO: refused at once (no hang waiting for a reader).
mkfifo "$tmp/fifo"
if run_error "fifo target" "fifo: exists and is a FIFO; not replaced" prove "$tmp/proof.json" "$tmp/fifo"; then
    if [ -p "$tmp/fifo" ] && [ ! -e "$tmp/proof.json" ]; then ok "FIFO public target: error, neither written"
    else fail "FIFO public target: proof.json written or FIFO replaced"; fi
fi
# The second file cannot be written (no such directory): an existing proof.json keeps its contents.
echo OLD > "$tmp/proof.json"
if run_error "second file fails" "cannot write" prove "$tmp/proof.json" "$tmp/missing/public.json"; then
    if [ "$(cat "$tmp/proof.json")" = OLD ]; then ok "second file fails: proof.json unchanged"
    else fail "second file fails: proof.json replaced"; fi
fi
# Both regular (one existing): written, no temporaries.
if prove "$tmp/proof.json" "$tmp/public.json" 2> "$tmp/err" && grep -q pi_a "$tmp/proof.json" && [ -s "$tmp/public.json" ] \
    && ! compgen -G "$tmp/*.tmp.*" > /dev/null; then ok "regular targets: both written"
else fail "regular targets"; fi
# Text output of another command (export vk) and a binary output (zkey contribute).
if run_error "export vk to a symlink" "link.json: exists and is a symlink; not replaced" \
    timeout 60 "$peregrine" export vk "$m/circuit.zkey" "$tmp/link.json"; then ok "export vk: symlink refused"; fi
ln -s "$tmp/real.json" "$tmp/link.zkey"
if run_error "zkey contribute to a symlink" "link.zkey: exists and is a symlink; not replaced" \
    timeout 60 "$peregrine" zkey contribute "$m/circuit.zkey" "$tmp/link.zkey" -e x; then
    if [ -L "$tmp/link.zkey" ] && [ "$(cat "$tmp/real.json")" = OLD ]; then ok "zkey contribute: symlink refused and kept"
    else fail "zkey contribute: symlink replaced"; fi
fi

# zkey check: the fixture is valid; a key with an A point moved off the curve is not.
if timeout 120 "$peregrine" zkey check "$m/circuit.zkey" > "$tmp/out" 2> "$tmp/err" && grep -q "ZKey check OK" "$tmp/out"; then
    ok "zkey check: valid key"
else fail "zkey check: valid key"; fi
python3 - "$m/circuit.zkey" "$tmp/bad.zkey" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
pos, count = 12, struct.unpack_from("<I", b, 8)[0]
for _ in range(count):
    t, size = struct.unpack_from("<IQ", b, pos)
    if t == 5:
        b[pos + 12 + 64 + 32] ^= 1  # A point 1, lowest byte of y
    pos += 12 + size
open(sys.argv[2], "wb").write(b)
PY
if run_error "zkey check: tampered key" "bad.zkey: section 5 (A points): point 1 is not on the curve" \
    timeout 120 "$peregrine" zkey check "$tmp/bad.zkey"; then ok "zkey check: tampered key refused"; fi

echo "outputs: $passed passed, $failed failed"
[ $failed -eq 0 ]
