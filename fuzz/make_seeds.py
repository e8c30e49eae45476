#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
# Writes the seed corpora of the fuzz targets into <out>/<target>/ from the test fixtures (small
# files only) and a few synthesized inputs (a .ptau of power 1, inputs for fuzz_input's signals,
# raw HTTP requests for fuzz_http).
# Usage: fuzz/make_seeds.py <out-dir>
import os
import shutil
import struct
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
data = os.path.join(root, "tests", "fixtures", "data")
out = sys.argv[1]
MAX = 64 * 1024  # seeds stay small: libFuzzer mutates faster

Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583


def put(target, name, blob):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(blob)


def copy(target, path):
    if os.path.isfile(path) and os.path.getsize(path) <= MAX:
        rel = os.path.relpath(path, data).replace(os.sep, "_")
        os.makedirs(os.path.join(out, target), exist_ok=True)
        shutil.copyfile(path, os.path.join(out, target, rel))


circuits = sorted(d for d in os.listdir(data) if os.path.isdir(os.path.join(data, d)))
for c in circuits:
    for target, file in [("zkey", "circuit.zkey"), ("wtns", "witness.wtns"), ("r1cs", "circuit.r1cs"),
                         ("json_vk", "verification_key.json"), ("json_proof", "proof.json"),
                         ("json_public", "public.json"), ("input", "input.json")]:
        copy(target, os.path.join(data, c, file))
    for f in os.listdir(os.path.join(data, c)):
        if f.endswith(".zkey"):
            copy("zkey", os.path.join(data, c, f))
        if f.endswith(".wtns"):
            copy("wtns", os.path.join(data, c, f))


def section(sid, body):
    return struct.pack("<IQ", sid, len(body)) + body


def ptau(power, contributions):
    n = 1 << power
    g1, g2 = 64, 128
    secs = [section(1, struct.pack("<I", 32) + Q.to_bytes(32, "little") + struct.pack("<II", power, power)),
            section(2, bytes(((2 << power) - 1) * g1)), section(3, bytes(n * g2)), section(4, bytes(n * g1)),
            section(5, bytes(n * g1)), section(6, bytes(g2))]
    c7 = struct.pack("<I", len(contributions))
    for params in contributions:
        # points (3 G1 + 2 G2), public key (3 x (2 G1) + 3 G2), partial hash, next challenge, type
        c7 += bytes(3 * g1 + 2 * g2 + 6 * g1 + 3 * g2 + 216 + 64) + struct.pack("<II", 0, len(params)) + params
    secs.append(section(7, c7))
    return b"ptau" + struct.pack("<II", 1, len(secs)) + b"".join(secs)


put("ptau", "power1_empty.ptau", ptau(1, []))
put("ptau", "power1_named.ptau", ptau(1, [b"\x01\x05hello"]))
put("ptau", "power1_beacon.ptau", ptau(1, [b"\x01\x01b\x02\x0a\x03\x04\xde\xad\xbe\xef"]))

# fuzz_input's main inputs: in, m[2][3], bus p {x, y[2]}.
for i, text in enumerate([
        '{"in": "1", "m": [["1","2","3"],["4","5","6"]], "p": {"x": "7", "y": ["8", "9"]}}',
        '{"in": 1, "m": [1,2,3,4,5,6], "p.x": "0x10", "p.y": ["-1", "0b101"]}',
        '{"in": ["0o17"], "m": [[1,2,3],[4,5,6]], "p": {"x": 1, "y": [2, 3]}}',
        '{"in": "21888242871839275222246405745257275088548364400416034343698204186575808495617",'
        ' "m": [], "p": {}}']):
    put("input", "synth%d.json" % i, text.encode())

# fuzz_http: one connection's bytes to serve's routes for the circuit "multiplier" (fixture
# input.json), after a schedule byte (fuzz/fuzz_http.cpp: chunk size index | time step index << 3).
with open(os.path.join(data, "multiplier", "input.json"), "rb") as f:
    job = f.read()
JOB_ID = b"0123456789abcdef0123456789abcdef"


def request(method, path, body=None, headers=(), length=None):
    head = [b"%s %s HTTP/1.1" % (method, path), b"Host: localhost:9080"] + list(headers)
    if body is not None:
        head += [b"Content-Type: application/json", b"Content-Length: %d" % (len(body) if length is None else length)]
    return b"\r\n".join(head) + b"\r\n\r\n" + (body or b"")


def chunked(body, size=16):
    parts = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


for name, blob in [
        ("post_job", request(b"POST", b"/v1/circuits/multiplier/proofs", job)),
        ("post_bad_input", request(b"POST", b"/v1/circuits/multiplier/proofs", b'{"a": "1", "b": [2]}')),
        ("post_unknown_circuit", request(b"POST", b"/v1/circuits/nope/proofs", job)),
        ("post_form", request(b"POST", b"/v1/circuits/multiplier/proofs", b"a=1&b=2",
                              [b"Content-Type: application/x-www-form-urlencoded"])),
        ("post_chunked", request(b"POST", b"/v1/circuits/multiplier/proofs", None,
                                 [b"Content-Type: application/json", b"Transfer-Encoding: chunked"]) + chunked(job)),
        ("post_length_short", request(b"POST", b"/v1/circuits/multiplier/proofs", job, length=len(job) + 40)),
        ("post_length_negative", request(b"POST", b"/v1/circuits/multiplier/proofs", job, length=-1)),
        ("post_rapidsnark", request(b"POST", b"/input/multiplier", job)),
        ("get_job", request(b"GET", b"/v1/proofs/" + JOB_ID)),
        ("delete_job", request(b"DELETE", b"/v1/proofs/" + JOB_ID)),
        ("get_circuits", request(b"GET", b"/v1/circuits", headers=[b"Accept: application/json"])),
        ("get_healthz", request(b"GET", b"/healthz", headers=[b"Connection: close"])),
        ("get_metrics", request(b"GET", b"/metrics", headers=[b"Authorization: Bearer 0123456789abcdef"])),
        ("get_status", request(b"GET", b"/status")),
        ("post_cancel", request(b"POST", b"/cancel", b"")),
        ("get_query_range", request(b"GET", b"/v1/proofs/x%2Fy?a=1&b=%zz", headers=[b"Range: bytes=0-10,20-"])),
        ("http10", b"GET /healthz HTTP/1.0\r\n\r\n"),
]:
    put("http", name + ".http", bytes([7]) + blob)  # all at once


def schedule(chunk, step):
    return bytes([chunk | step << 3])


post = request(b"POST", b"/v1/circuits/multiplier/proofs", job)
health = request(b"GET", b"/healthz")
for name, blob in [
        # pipelined: a job, then its status and the health check on the same connection
        ("pipelined", schedule(7, 0) + post + request(b"GET", b"/v1/proofs/" + JOB_ID) + health),
        # in small pieces, quickly (a slow network): served
        ("pieces", schedule(2, 2) + post + health),
        # a byte a second: the headers take longer than 10 s (408)
        ("trickle_headers", schedule(0, 3) + health),
        # headers at once, then the body in pieces 6 s apart: past the request timeout (408)
        ("slow_body", schedule(4, 5) + post),
        # keep-alive, then silence past the idle timeout
        ("idle_between", schedule(3, 4) + health + health),
        ("expect_continue", schedule(4, 2) + request(b"POST", b"/v1/circuits/multiplier/proofs", job,
                                                       [b"Expect: 100-continue"])),
        ("too_long_header", schedule(6, 0) + request(b"GET", b"/healthz", headers=[b"X-Pad: " + b"a" * 17000])),
        ("two_lengths", schedule(7, 0) + request(b"POST", b"/v1/circuits/multiplier/proofs", job,
                                                   [b"Content-Length: 3"])),
        ("huge_length", schedule(7, 0) + request(b"POST", b"/v1/circuits/multiplier/proofs", job, length=1 << 40)),
        ("blank_lines", schedule(7, 0) + b"\r\n\r\n" + health),
]:
    put("http", name + ".http", blob)
