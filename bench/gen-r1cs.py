#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Writes a synthetic BN254 .r1cs whose Groth16 domain is exactly 2^POWER, for setup benchmarks at
sizes where compiling a real circuit would take longer than the benchmark itself.

Shape: one public input a, one private input b, one output; a chain of squarings with an added
constant, x[i+1] = (x[i] + k_i) * x[i], where every k_i is a full-size field element (like
Poseidon's round constants), so A has two terms, B and C one each. The last value is the output.

usage: bench/gen-r1cs.py POWER OUT.r1cs
"""
import struct
import sys

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617


def main():
    power, out = int(sys.argv[1]), sys.argv[2]
    n_pub_in, n_out = 1, 1
    # snarkjs: domain = next power of two above nConstraints + nPublic + nOutputs (+1 for the one)
    m = (1 << power) - n_pub_in - n_out - 1
    # wires: 0 = one, 1 = out, 2 = a (public), 3 = b (private), 4.. = chain values x[1..m-1]
    n_wires = 4 + (m - 1)
    chain = lambda i: 3 if i == 0 else (1 if i == m else 3 + i)  # wire of x[i]; x[0] = b
    k = 0x1234567890ABCDEF
    one = (1).to_bytes(32, "little")
    with open(out + ".tmp", "wb") as f:
        f.write(b"r1cs" + struct.pack("<II", 1, 3))
        hdr = struct.pack("<I", 32) + R.to_bytes(32, "little") + struct.pack("<IIIIQI", n_wires, n_out, n_pub_in, 1,
                                                                                 n_wires, m)
        f.write(struct.pack("<IQ", 1, len(hdr)) + hdr)
        size = 0
        body = []
        for i in range(m):
            k = (k * 6364136223846793005 + 1442695040888963407) % R
            w = chain(i)
            a = struct.pack("<II", 2, 0) + k.to_bytes(32, "little") + struct.pack("<I", w) + one
            # the first constraint also ties in the public input: (b + k) * b = x1 + 0*a is not
            # allowed to drop a, so A of constraint 0 carries a as well
            if i == 0:
                a = struct.pack("<II", 3, 0) + k.to_bytes(32, "little") + struct.pack("<I", w) + one + \
                    struct.pack("<I", 2) + one
            b = struct.pack("<II", 1, w) + one
            c = struct.pack("<II", 1, chain(i + 1)) + one
            body.append(a + b + c)
            size += len(a) + len(b) + len(c)
        f.write(struct.pack("<IQ", 2, size))
        f.write(b"".join(body))
        labels = b"".join(struct.pack("<Q", i) for i in range(n_wires))
        f.write(struct.pack("<IQ", 3, len(labels)) + labels)
    import os
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
