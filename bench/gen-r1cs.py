#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Writes a synthetic BN254 .r1cs whose Groth16 domain is exactly 2^POWER, for setup benchmarks at
sizes where compiling a real circuit would take longer than the benchmark itself, and optionally a
witness (.wtns) that satisfies it, for prover benchmarks (bench/make-fixture.sh --circuit synth or
synthbits).

Shape: one public input a, one private input b, one output; a chain of squarings with an added
constant, x[i+1] = (x[i] + k_i) * x[i], where every k_i is a full-size field element (like
Poseidon's round constants), so A has two terms, B and C one each. The last value is the output.
Witness values are full-size field elements.

--bits: a bit-heavy variant (like a SHA-256 chain's witness, mostly 0/1): constraint 0 and every
16th are the squaring chain; the others check a fresh private bit b_j as (b_j + k_i) * b_j =
(1 + k_i) b_j (true exactly for b_j in {0, 1}; A and C carry a full-size coefficient, as in the
chain). Bit values come from a fixed pseudo-random sequence.

usage: bench/gen-r1cs.py POWER OUT.r1cs [--wtns OUT.wtns] [--bits]
"""
import struct
import sys

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617


def main():
    args = sys.argv[1:]
    wtns_out = None
    bits = False
    pos = []
    i = 0
    while i < len(args):
        if args[i] == "--wtns":
            wtns_out = args[i + 1]
            i += 2
        elif args[i] == "--bits":
            bits = True
            i += 1
        else:
            pos.append(args[i])
            i += 1
    if len(pos) != 2:
        sys.exit("usage: gen-r1cs.py POWER OUT.r1cs [--wtns OUT.wtns] [--bits]")
    power, out = int(pos[0]), pos[1]
    n_pub_in, n_out = 1, 1
    # snarkjs: domain = next power of two above nConstraints + nPublic + nOutputs (+1 for the one)
    m = (1 << power) - n_pub_in - n_out - 1
    one = (1).to_bytes(32, "little")
    le = lambda v: v.to_bytes(32, "little")
    k = 0x1234567890ABCDEF
    bit_state = 0x9E3779B97F4A7C15
    a_val, b_val = 1, 2
    # Constraint list: ("chain", i) or ("bit", j); wires: 0 one, 1 out, 2 a, 3 b, then the chain
    # values x[1..steps-1], then the bits.
    kinds = []
    if bits:
        steps = 0
        for c in range(m):
            if c % 16 == 15 or c == 0:
                kinds.append(("chain", steps))
                steps += 1
            else:
                kinds.append(("bit", c - steps))
        n_bits = m - steps
    else:
        steps, n_bits = m, 0
        kinds = [("chain", i) for i in range(m)]
    n_wires = 4 + (steps - 1) + n_bits
    chain = lambda i: 3 if i == 0 else (1 if i == steps else 3 + i)  # wire of x[i]; x[0] = b
    bit_wire = lambda j: 4 + (steps - 1) + j
    values = [0] * n_wires if wtns_out else None
    if values is not None:
        values[0], values[2], values[3] = 1, a_val, b_val
    x = b_val
    with open(out + ".tmp", "wb") as f:
        f.write(b"r1cs" + struct.pack("<II", 1, 3))
        hdr = struct.pack("<I", 32) + R.to_bytes(32, "little") + struct.pack("<IIIIQI", n_wires, n_out, n_pub_in, 1,
                                                                                 n_wires, m)
        f.write(struct.pack("<IQ", 1, len(hdr)) + hdr)
        size = 0
        body = []
        for kind, i in kinds:
            k = (k * 6364136223846793005 + 1442695040888963407) % R
            if kind == "chain":
                w = chain(i)
                a = struct.pack("<II", 2, 0) + le(k) + struct.pack("<I", w) + one
                # the first constraint also ties in the public input: (b + k) * b = x1 + 0*a is not
                # allowed to drop a, so A of constraint 0 carries a as well
                if i == 0:
                    a = struct.pack("<II", 3, 0) + le(k) + struct.pack("<I", w) + one + struct.pack("<I", 2) + one
                b = struct.pack("<II", 1, w) + one
                c = struct.pack("<II", 1, chain(i + 1)) + one
                if values is not None:
                    x = ((x + k + (a_val if i == 0 else 0)) * x) % R
                    values[chain(i + 1)] = x
            else:
                # (b_j + k) * b_j = (1 + k) b_j holds exactly when b_j is 0 or 1
                w = bit_wire(i)
                a = struct.pack("<II", 2, 0) + le(k) + struct.pack("<I", w) + one
                b = struct.pack("<II", 1, w) + one
                c = struct.pack("<II", 1, w) + le((1 + k) % R)
                if values is not None:
                    bit_state = (bit_state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
                    values[w] = (bit_state >> 33) & 1
            body.append(a + b + c)
            size += len(a) + len(b) + len(c)
        f.write(struct.pack("<IQ", 2, size))
        f.write(b"".join(body))
        labels = b"".join(struct.pack("<Q", i) for i in range(n_wires))
        f.write(struct.pack("<IQ", 3, len(labels)) + labels)
    import os
    os.replace(out + ".tmp", out)
    if wtns_out:
        with open(wtns_out + ".tmp", "wb") as f:
            f.write(b"wtns" + struct.pack("<II", 2, 2))
            hdr = struct.pack("<I", 32) + R.to_bytes(32, "little") + struct.pack("<I", n_wires)
            f.write(struct.pack("<IQ", 1, len(hdr)) + hdr)
            f.write(struct.pack("<IQ", 2, 32 * n_wires))
            f.write(b"".join(le(v) for v in values))
        os.replace(wtns_out + ".tmp", wtns_out)


if __name__ == "__main__":
    main()
