#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""`peregrine serve`: the limits of the connection layer and access control (issue 15).

usage: limits_test.py <peregrine> <work_dir>

Slow clients trickling header bytes, lying Content-Length headers, form bodies, the connection
limit, a connection burst, bearer-token authentication, the per-client rate limit and the
rapidsnark routes (off by default; one slot per client address). Uses serve_test.py's helpers.
"""
import json
import os
import select
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_harness as H  # noqa: E402
import serve_test as T  # noqa: E402  (its main() does not run on import)
from serve_test import Server, check  # noqa: E402


def raw(port, data, timeout=10, src=None):
    """Sends bytes on a new connection, returns (status, body text, seconds) of the answer."""
    t = time.time()
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(src, 0) if src else None)
    try:
        s.sendall(data)
        resp = b""
        while True:
            try:
                k = s.recv(65536)
            except socket.timeout:
                break
            if not k:
                break
            resp += k
            if b"\r\n\r\n" in resp:
                head, _, body = resp.partition(b"\r\n\r\n")
                cl = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                if cl and len(body) >= cl[0]:
                    break
    finally:
        s.close()
    dt = time.time() - t
    if not resp:
        return None, "", dt
    head, _, body = resp.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", "replace"), dt


def test_slow_clients(srv):
    """50 clients trickle header bytes (one every 0.3 s); others are still served at once, and the
    slow ones get 408 once --header-timeout has passed since their first byte."""
    n = 50
    socks, results = [], [None] * n
    stop = threading.Event()

    def trickle(i, s):
        msg = b"POST /v1/circuits/multiplier/proofs HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
        t = time.time()
        try:
            for b in msg:
                if stop.is_set() or select.select([s], [], [], 0)[0]:
                    break  # answered (sending on would meet a reset that loses the answer)
                s.send(bytes([b]))
                time.sleep(0.3)
        except OSError:
            pass
        try:
            data = s.recv(4096)
            results[i] = (data.split(b" ")[1].decode() if data else "closed", time.time() - t, data)
        except OSError as e:
            results[i] = (repr(e), time.time() - t, b"")

    threads = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
        socks.append(s)
        th = threading.Thread(target=trickle, args=(i, s), daemon=True)
        th.start()
        threads.append(th)
    time.sleep(0.5)
    lat = []
    for _ in range(10):
        t = time.time()
        st, _, _ = srv.json("GET", "/healthz", timeout=5)
        lat.append((time.time() - t) * 1000)
    t = time.time()
    st, _, j = srv.json("POST", "/v1/circuits/multiplier/proofs", {"a": "3", "b": "5"}, timeout=5)
    st2, j2 = srv.wait_final(j["id"], timeout=30) if st == 202 else (st, j)
    job_ms = (time.time() - t) * 1000
    check(max(lat) < 500 and j2 and j2["status"] == "succeeded",
          "50 slow clients: /healthz answered in max %.0f ms (median %.0f), a proof submitted and fetched in %.0f ms"
          % (max(lat), sorted(lat)[5], job_ms))
    for th in threads:
        th.join(15)
    stop.set()
    codes = [r[0] if r else None for r in results]
    times = [r[1] for r in results if r]
    check(all(c == "408" for c in codes) and max(times) < 4,
          "slow clients: all 50 got 408 after %.1f-%.1f s (--header-timeout 2)" % (min(times), max(times)))
    body = next((r[2] for r in results if r and r[2]), b"")
    check(b"request headers not received within 2 s" in body, "408 names the reason: %s" % body.split(b"\r\n\r\n")[-1][:80])
    for s in socks:
        s.close()


def test_lying_lengths(srv):
    base = b"POST /v1/circuits/multiplier/proofs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    for cl, want, what in ((b"-1", 400, "invalid Content-Length"), (b"99999999999999999999999", 400, "invalid Content-Length"),
                           (b"12abc", 400, "invalid Content-Length"), (b"1000000000", 413, "limit 65536 bytes")):
        st, body, dt = raw(srv.port, base + b"Content-Length: " + cl + b"\r\n\r\n{}")
        check(st == want and what in body and dt < 1, "Content-Length %s: %s in %.0f ms (%s)" % (cl.decode(), st, dt * 1000, body[:70]))
    st, body, dt = raw(srv.port, base + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\n{}")
    check(st == 400, "two different Content-Length headers: %s" % st)
    # a body shorter than announced: 408 once --request-timeout (4 s) has passed, connection closed
    st, body, dt = raw(srv.port, base + b"Content-Length: 100\r\n\r\n{\"a\": ", timeout=15)
    check(st == 408 and 3.5 < dt < 6 and "of" in body, "body shorter than its Content-Length: 408 after %.1f s (%s)" % (dt, body[:80]))
    # a JSON body with a form Content-Type: 415 with the reason (cpp-httplib answered 413 over 8 KB)
    inp = json.dumps({"a": "3", "b": "4", "pad": "x" * 9000})
    st, h, j = srv.request("POST", "/v1/circuits/multiplier/proofs", inp, {"Content-Type": "application/x-www-form-urlencoded"})
    check(st == 415 and b"application/json" in j, "JSON sent as a form: 415 (%s)" % j[:90])
    # headers over the limit
    st, body, _ = raw(srv.port, b"GET /healthz HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
    check(st == 431, "20 KB of headers: 431 (%s)" % st)


def test_connections(srv, limit):
    """Idle connections up to the limit; one more gets 429; then a burst of 300 connections."""
    idle = [socket.create_connection(("127.0.0.1", srv.port), timeout=10) for _ in range(limit)]
    time.sleep(0.3)
    st, body, _ = raw(srv.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    check(st == 429 and "too many connections" in body, "connection %d over --max-connections %d: 429 (%s)" % (limit + 1, limit, body[:60]))
    for s in idle:
        s.close()
    time.sleep(0.3)
    st, _, _ = raw(srv.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    check(st == 200, "connections closed: served again (%s)" % st)


def test_burst(port, n=300):
    t = time.time()
    socks = []
    for _ in range(n):
        socks.append(socket.create_connection(("127.0.0.1", port), timeout=20))
    for s in socks:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    got = 0
    for s in socks:
        try:
            if s.recv(64).startswith(b"HTTP/1.1 200"):
                got += 1
        except OSError:
            pass
        s.close()
    dt = time.time() - t
    check(got == n and dt < 5, "burst of %d connections (backlog 1024): %d answered 200 in %.2f s" % (n, got, dt))


def test_auth_and_rate(cdir):
    tok = os.path.join(T.WORK, "token")
    with open(tok, "w") as f:
        f.write("s3cr3t-token-0123456789\n")
    srv = Server(cdir, "--auth-token-file", tok, "--rate-limit", "5", name="auth server")
    try:
        st, h, _ = srv.request("GET", "/v1/circuits")
        check(st == 401 and h.get("WWW-Authenticate") == "Bearer", "auth: no token: 401 with WWW-Authenticate")
        st, _, _ = srv.request("GET", "/v1/circuits", headers={"Authorization": "Bearer wrong"})
        check(st == 401, "auth: wrong token: 401")
        good = {"Authorization": "Bearer s3cr3t-token-0123456789", "Content-Type": "application/json"}
        st, _, _ = srv.request("GET", "/healthz")
        check(st == 200, "auth: /healthz needs no token")
        time.sleep(1.0)  # the bucket refills
        st, _, data = srv.request("POST", "/v1/circuits/multiplier/proofs", json.dumps({"a": "2", "b": "9"}), good)
        jid = json.loads(data)["id"] if st == 202 else None
        j = None
        for _ in range(400):
            time.sleep(0.25)  # within the rate limit (5/s)
            st2, _, d = srv.request("GET", "/v1/proofs/%s" % jid, headers=good)
            j = json.loads(d)
            if st2 == 429:
                continue
            if st2 != 200 or j.get("status") in ("succeeded", "failed", "cancelled"):
                break
        check(j and j.get("status") == "succeeded" and j["public_signals"] == ["18"], "auth: with the token, a proof (%s)" % (j and j.get("status")))
        codes = [srv.request("GET", "/v1/circuits", headers=good) for _ in range(30)]
        limited = [c for c in codes if c[0] == 429]
        check(limited and all(int(h.get("Retry-After", "0")) >= 1 for _, h, _ in limited) and b"rate limit" in limited[0][2],
              "rate limit 5/s: %d of 30 rapid requests got 429 with Retry-After" % len(limited))
        st, _, _ = srv.request("GET", "/healthz")
        check(st == 200, "rate limit: /healthz exempt")
    finally:
        rc = srv.stop()
    check(rc == 0, "auth server: exit 0")
    bad = os.path.join(T.WORK, "short-token")
    with open(bad, "w") as f:
        f.write("short\n")
    import subprocess
    r = subprocess.run(T.PEREGRINE.split() + ["serve", "--circuits", cdir, "--port", "0", "--auth-token-file", bad],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 1 and "at least 16 characters" in r.stderr, "a too short token: start-up fails with the reason")


def test_compat_slots(cdir):
    srv = Server(cdir, name="default server")
    try:
        st, _, _ = srv.json("POST", "/input/multiplier", {"a": "2", "b": "3"})
        st2, _, _ = srv.json("GET", "/status")
        check(st == 404 and st2 == 404, "rapidsnark routes off by default: 404 (%s, %s)" % (st, st2))
    finally:
        srv.stop()
    srv = Server(cdir, "--rapidsnark-routes", name="compat server")
    try:
        body = json.dumps({"a": "2", "b": "3"}).encode()
        st, b, _ = raw(srv.port, b"POST /input/multiplier HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                       + str(len(body)).encode() + b"\r\n\r\n" + body, src="127.0.0.1")
        check(st == 200, "compat: client A submits (%s)" % st)
        st, b2, _ = raw(srv.port, b"GET /status HTTP/1.1\r\nHost: x\r\n\r\n", src="127.0.0.2")
        st3, b3, _ = raw(srv.port, b"POST /cancel HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", src="127.0.0.2")
        check(json.loads(b2)["status"] == "ready" and json.loads(b3)["status"] == "ready",
              "compat: client B (another address) sees and cancels nothing of A's: %s %s" % (b2, b3))
        for _ in range(200):
            _, b4, _ = raw(srv.port, b"GET /status HTTP/1.1\r\nHost: x\r\n\r\n", src="127.0.0.1")
            if json.loads(b4)["status"] != "busy":
                break
            time.sleep(0.05)
        check(json.loads(b4)["status"] == "success", "compat: client A sees its result")
    finally:
        srv.stop()


def main():
    t0 = time.time()
    cdir = T.build_circuits(["multiplier", "big"])
    srv = Server(cdir, "--header-timeout", "2", "--request-timeout", "4", "--http-threads", "2", "--max-body", "65536",
                 "--max-connections", "400", name="limits server")
    try:
        test_slow_clients(srv)
        test_lying_lengths(srv)
        test_burst(srv.port)
        check(srv.proc.poll() is None, "limits server stayed up")
    finally:
        rc = srv.stop()
    check(rc == 0, "limits server: exit 0")
    srv = Server(cdir, "--max-connections", "32", name="connection-limit server")
    try:
        test_connections(srv, 32)
    finally:
        srv.stop()
    srv = Server(cdir, "--max-connections-per-client", "8", name="per-client server")
    try:
        mine = [socket.create_connection(("127.0.0.1", srv.port), timeout=10) for _ in range(8)]
        time.sleep(0.3)
        st, body, _ = raw(srv.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        st2, _, _ = raw(srv.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", src="127.0.0.2")
        check(st == 429 and "too many connections from 127.0.0.1" in body and st2 == 200,
              "9th connection from one address over --max-connections-per-client 8: 429 (%s); another address: %s" % (body[:60], st2))
        for s in mine:
            s.close()
        time.sleep(0.3)
        st, _, _ = raw(srv.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        check(st == 200, "per-client connections closed: served again (%s)" % st)
    finally:
        srv.stop()
    test_auth_and_rate(cdir)
    test_compat_slots(cdir)
    H.finish(t0)


if __name__ == "__main__":
    main()
