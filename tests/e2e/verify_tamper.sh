#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Tampered Groth16 proofs: `peregrine verify` and the rapidsnark-style `verifier` must agree with
# snarkjs on every case, and must sort rejections into the right exit status:
#   0  valid proof
#   1  well-formed input, but the proof does not verify
#   2  bad input: malformed JSON, wrong curve, wrong number of public signals, a coordinate >= p,
#      a public signal >= r, a point off the curve, a G2 point outside the order-r subgroup
# Never a crash (status >= 128) or anything else.
#
# Usage: verify_tamper.sh <peregrine> <verifier>
# Cases are generated in a temporary directory by the embedded Python script, which also decides
# (with its own small BN254 arithmetic) whether each tampered point is still on the curve and in
# the subgroup, so the expected class of every case is computed, not assumed.
set -uo pipefail
peregrine=$1 verifier=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
data=$root/tests/fixtures/data
bin=$(bash "$root/scripts/npm-tools.sh") || { echo "FAIL cannot install snarkjs"; exit 1; }
snarkjs=$bin/snarkjs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$data" "$tmp" > "$tmp/manifest" <<'PY' || { echo "FAIL case generation"; exit 1; }
import copy, json, os, sys

data, out = sys.argv[1], sys.argv[2]
P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617

# ---- Fq2 = Fq[u]/(u^2 + 1), elements are (c0, c1) ----
def f2add(a, b): return ((a[0] + b[0]) % P, (a[1] + b[1]) % P)
def f2sub(a, b): return ((a[0] - b[0]) % P, (a[1] - b[1]) % P)
def f2mul(a, b):
    return ((a[0] * b[0] - a[1] * b[1]) % P, (a[0] * b[1] + a[1] * b[0]) % P)
def f2inv(a):
    n = pow(a[0] * a[0] + a[1] * a[1], P - 2, P)
    return (a[0] * n % P, -a[1] * n % P)
def f2sqrt(a):
    """A square root of a in Fq2, or None. P = 3 mod 4, so Fq square roots are a^((P+1)/4)."""
    def sqrt1(x):
        s = pow(x, (P + 1) // 4, P)
        return s if s * s % P == x % P else None
    n = sqrt1((a[0] * a[0] + a[1] * a[1]) % P)
    if n is None:
        return None
    for t in ((a[0] + n) * pow(2, P - 2, P) % P, (a[0] - n) * pow(2, P - 2, P) % P):
        c0 = sqrt1(t)
        if c0:
            x = (c0, a[1] * pow(2 * c0, P - 2, P) % P)
            if f2mul(x, x) == (a[0] % P, a[1] % P):
                return x
    return None

B1 = 3
B2 = f2mul((3, 0), f2inv((9, 1)))     # twist coefficient b' = 3 / (9 + u)

def g1_on_curve(x, y):
    return x < P and y < P and (y * y - x * x * x - B1) % P == 0

def g2_on_curve(x, y):
    return all(c < P for c in x + y) and f2sub(f2mul(y, y), f2add(f2mul(f2mul(x, x), x), B2)) == (0, 0)

def g2_add(p1, p2):                   # affine, None = point at infinity
    if p1 is None: return p2
    if p2 is None: return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2:
        if f2add(y1, y2) == (0, 0):
            return None
        xx = f2mul(x1, x1)
        lam = f2mul(f2add(f2add(xx, xx), xx), f2inv(f2add(y1, y1)))
    else:
        lam = f2mul(f2sub(y2, y1), f2inv(f2sub(x2, x1)))
    x3 = f2sub(f2sub(f2mul(lam, lam), x1), x2)
    return (x3, f2sub(f2mul(lam, f2sub(x1, x3)), y1))

def g2_mul(pt, k):
    acc = None
    for bit in bin(k)[2:]:
        acc = g2_add(acc, acc)
        if bit == '1':
            acc = g2_add(acc, pt)
    return acc

def g2_in_subgroup(x, y):
    return g2_mul((x, y), R) is None

def non_subgroup_g2():
    """A point on the twist y^2 = x^3 + b' that is not in the order-r subgroup."""
    for k in range(1, 1000):
        x = (k, 1)                    # x = k + u
        y = f2sqrt(f2add(f2mul(f2mul(x, x), x), B2))
        if y is not None and g2_on_curve(x, y) and not g2_in_subgroup(x, y):
            return x, y
    raise SystemExit("no non-subgroup G2 point found")

# ---- classification of a (possibly tampered) proof ----
def proof_class(proof):
    """'ok' if all three points are canonical, on the curve and (G2) in the subgroup, else 'bad'."""
    try:
        a = [int(v) for v in proof["pi_a"][:2]]
        b = [[int(v) for v in c] for c in proof["pi_b"][:2]]
        c = [int(v) for v in proof["pi_c"][:2]]
    except Exception:
        return "bad"
    if not g1_on_curve(*a) or not g1_on_curve(*c):
        return "bad"
    x, y = tuple(b[0]), tuple(b[1])
    if not g2_on_curve(x, y) or not g2_in_subgroup(x, y):
        return "bad"
    return "ok"

def load(name, f):
    with open(os.path.join(data, name, f)) as fh:
        return json.load(fh)

# Each case: files, the expected class and, optionally, a note that snarkjs is known to be more
# lenient than Peregrine for it. Classes: valid (0), wrong (1), bad (2), wrong|bad (1 or 2).
def emit(fixture, case, vk, pub, proof, cls, lenient="-", raw=None):
    d = os.path.join(out, fixture, case)
    os.makedirs(d)
    for fname, obj in (("verification_key.json", vk), ("public.json", pub), ("proof.json", proof)):
        with open(os.path.join(d, fname), "w") as fh:
            if raw and fname in raw:
                fh.write(raw[fname])
            else:
                json.dump(obj, fh, indent=1)
    print(fixture, case, cls, lenient, d)

def tampered(proof, mutate):
    p = copy.deepcopy(proof)
    mutate(p)
    return p

def build(fixture, other, full, pick=None):
    vk, pub, proof = (load(fixture, f) for f in ("verification_key.json", "public.json", "proof.json"))
    cases = []
    def add(case, *args, **kw):
        cases.append((case, args, kw))

    add("valid", vk, pub, proof, "valid")

    # every coordinate + 1 (mod p)
    coords = [("a_x", ("pi_a", 0)), ("a_y", ("pi_a", 1)),
              ("b_x0", ("pi_b", 0, 0)), ("b_x1", ("pi_b", 0, 1)),
              ("b_y0", ("pi_b", 1, 0)), ("b_y1", ("pi_b", 1, 1)),
              ("c_x", ("pi_c", 0)), ("c_y", ("pi_c", 1))]
    def bump(path, delta, modp=True):
        def m(p):
            node = p
            for k in path[:-1]:
                node = node[k]
            v = int(node[path[-1]]) + delta
            node[path[-1]] = str(v % P if modp else v)
        return m
    for name, path in coords:
        p = tampered(proof, bump(path, 1))
        add(name + "+1", vk, pub, p, "wrong" if proof_class(p) == "ok" else "bad")

    # every public signal + 1 (mod r): still a well-formed statement, but not the proven one
    for i in range(len(pub)):
        q = list(pub); q[i] = str((int(q[i]) + 1) % R)
        add("pub%d+1" % i, vk, q, proof, "wrong")

    add("swap_a_c", vk, pub, tampered(proof, lambda p: p.update(pi_a=p["pi_c"], pi_c=p["pi_a"])), "wrong")
    add("neg_a", vk, pub, tampered(proof, lambda p: p["pi_a"].__setitem__(1, str((P - int(p["pi_a"][1])) % P))), "wrong")
    add("proof_of_" + other, vk, pub, load(other, "proof.json"), "wrong")
    if fixture == "multiplier":
        add("off_curve_c", vk, pub, tampered(proof, lambda p: p.__setitem__("pi_c", ["1", "3", "1"])), "bad")
        # x + p: the same field element, but not in canonical form. ffjavascript reduces it.
        add("a_x_plus_p", vk, pub, tampered(proof, bump(("pi_a", 0), P, modp=False)), "bad", "noncanonical")
        # The point at infinity and (0, 0) (the EVM's encoding of infinity): never valid, but
        # whether they are "wrong" or "bad" is the implementation's choice.
        add("a_infinity", vk, pub, tampered(proof, lambda p: p.__setitem__("pi_a", ["0", "1", "0"])), "wrong|bad")
        add("a_zero_zero", vk, pub, tampered(proof, lambda p: p.__setitem__("pi_a", ["0", "0", "1"])), "wrong|bad")
    else:
        add("off_curve_b", vk, pub, tampered(proof, lambda p: p.__setitem__("pi_b", [["1", "0"], ["1", "0"], ["1", "0"]])), "bad")
        add("b_y1_plus_p", vk, pub, tampered(proof, bump(("pi_b", 1, 1), P, modp=False)), "bad", "noncanonical")
    (x0, x1), (y0, y1) = non_subgroup_g2()
    add("b_not_in_subgroup", vk, pub,
        tampered(proof, lambda p: p.__setitem__("pi_b", [[str(x0), str(x1)], [str(y0), str(y1)], ["1", "0"]])), "bad")
    if pub:
        add("pub_dropped", vk, pub[:-1], proof, "bad")
        add("pub_eq_r", vk, [str(R)] + pub[1:], proof, "bad")
    add("pub_extra", vk, pub + ["1"], proof, "bad")
    trunc_file = "proof.json" if fixture == "multiplier" else "verification_key.json"
    text = json.dumps({"proof.json": proof, "verification_key.json": vk}[trunc_file], indent=1)
    add("truncated_" + trunc_file.split(".")[0], vk, pub, proof, "bad", raw={trunc_file: text[:len(text) // 2]})
    add("curve_bls12381", dict(vk, curve="bls12381"), pub, proof, "bad")
    add("ic_short", dict(vk, IC=vk["IC"][:-1]), pub, proof, "bad")
    if fixture != "multiplier":
        # nPublic says one more than IC and public.json have; snarkjs never reads nPublic.
        add("npublic_plus1", dict(vk, nPublic=vk["nPublic"] + 1), pub, proof, "bad", "ignores-nPublic")

    for case, args, kw in cases:
        if full or case in pick:
            emit(fixture, case, *args, **kw)

build("multiplier", "poseidon", True)
build("multi_io", "big", True)
build("no_public", "multiplier", False, {"valid", "proof_of_multiplier", "b_not_in_subgroup", "pub_extra"})
build("poseidon", "multiplier", False, {"valid", "pub0+1", "proof_of_multiplier", "pub_eq_r"})
PY

passed=0 failed=0
start=$SECONDS
# snarkjs's verdicts, all cases in one Node process (its groth16.verify, as `snarkjs groth16 verify`
# calls it; malformed JSON is FAIL, as the command fails on it). The valid cases are also checked
# with the `snarkjs groth16 verify` command itself below.
python3 - "$tmp/manifest" > "$tmp/list.json" <<'PY'
import json, sys
print(json.dumps([[d + "/verification_key.json", d + "/public.json", d + "/proof.json"]
                  for d in (line.split()[4] for line in open(sys.argv[1]) if line.strip())]))
PY
node "$root/tests/e2e/snarkjs_verify_batch.js" "$(dirname "$bin")/snarkjs" "$tmp/list.json" > "$tmp/snarkjs.out"
[ "$(grep -cE '^[0-9]+ (OK|FAIL)' "$tmp/snarkjs.out")" = "$(grep -c . "$tmp/manifest")" ] ||
    { echo "FAIL snarkjs batch verification did not judge every case"; cat "$tmp/snarkjs.out"; exit 1; }
tail -n 1 "$tmp/snarkjs.out"
i=0
while read -r fixture case cls lenient dir; do
    vk=$dir/verification_key.json pub=$dir/public.json prf=$dir/proof.json
    sout=$(grep -E "^$i (OK|FAIL)" "$tmp/snarkjs.out")
    i=$((i+1))
    if [ "${sout#* }" = OK ]; then sj=OK; else sj=FAIL; fi
    if [ "$cls" = valid ]; then
        # the command itself: OK iff exit 0 and "OK!" in its output
        cout=$(timeout 120 "$snarkjs" groth16 verify "$vk" "$pub" "$prf" 2>&1 < /dev/null); crc=$?
        if [ $crc -ne 0 ] || ! grep -q 'OK!' <<< "$cout"; then sj=FAIL; sout=$cout; fi
    fi

    case $cls in
        valid) want="0" ;;
        wrong) want="1" ;;
        bad) want="2" ;;
        "wrong|bad") want="1 2" ;;
    esac
    problems=()
    # snarkjs must agree with the computed class, except where it is known to be more lenient
    # (then Peregrine is deliberately stricter and must still reject).
    if [ "$cls" = valid ] && [ $sj != OK ]; then
        problems+=("snarkjs rejects the valid case: fixture broken? $(tail -n 1 <<< "$sout")")
    elif [ "$cls" != valid ] && [ $sj = OK ] && [ "$lenient" = - ]; then
        problems+=("snarkjs accepts a case classed '$cls': generator wrong?")
    fi

    rcs=""
    for tool in peregrine verifier; do
        if [ $tool = peregrine ]; then cmd=("$peregrine" verify); else cmd=("$verifier"); fi
        timeout 120 "${cmd[@]}" "$vk" "$pub" "$prf" < /dev/null > "$tmp/out" 2> "$tmp/err"
        rc=$?
        rcs="$rcs $tool=$rc"
        if [ $rc -gt 2 ]; then
            problems+=("$tool exit $rc (crash, signal or timeout; want $want)")
        elif ! grep -qw "$rc" <<< "$want"; then
            problems+=("$tool exit $rc (want ${want// / or })")
        fi
        if [ $rc -ne 0 ] && [ $sj = OK ] && [ "$lenient" = - ]; then
            problems+=("$tool rejects what snarkjs accepts")
        fi
        if [ $rc -eq 0 ] && [ $sj != OK ]; then
            problems+=("$tool accepts what snarkjs rejects")
        fi
        if [ $rc -gt 2 ] || ! grep -qw "$rc" <<< "$want"; then
            [ -s "$tmp/err" ] && problems+=("$tool stderr: $(head -c 300 "$tmp/err" | tr '\n' ' ')")
        fi
    done

    note=""
    [ "$lenient" != - ] && [ $sj = OK ] && note=" (snarkjs lenient: $lenient)"
    if [ ${#problems[@]} -eq 0 ]; then
        echo "ok   $fixture $case snarkjs=$sj$rcs$note"; passed=$((passed+1))
    else
        echo "FAIL $fixture $case snarkjs=$sj$rcs$note"
        for p in "${problems[@]}"; do echo "       $p"; done
        failed=$((failed+1))
    fi
done < "$tmp/manifest"

echo "$passed passed, $failed failed ($((SECONDS-start)) s)"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
