#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""`peregrine serve` soak test (issue 15): 16 clients send a few hundred mixed good and bad jobs
while slow clients trickle header bytes and bursts of connections arrive; SIGTERM comes mid-run.

usage: soak_test.py <peregrine> <work_dir>

Pass: the server never dies and exits 0 after draining; every accepted job reaches a final state
that a client fetched (good ones succeeded with the expected public signals, none lost); a sample
of proofs verifies with `peregrine verify` and one with snarkjs; RSS grows by at most
SOAK_RSS_MB (default 8) between 40 % of the jobs and the signal (75 %). Environment: SOAK_JOBS (default 320).
Run in the release preset only (tests/server/server.cmake): it is a load test.
"""
import json
import os
import random
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_harness as H  # noqa: E402
import serve_test as T  # noqa: E402
from serve_test import Server, check  # noqa: E402

JOBS = int(os.environ.get("SOAK_JOBS", "400"))
RSS_MB = float(os.environ.get("SOAK_RSS_MB", "8"))
CLIENTS = 16


class State:
    def __init__(self):
        self.mu = threading.Lock()
        self.next_job = 0
        self.accepted = {}  # id -> (circuit, expected public or None for a cancelled one)
        self.final = {}     # id -> final job json
        self.codes = {}
        self.errors = []
        self.stopped = threading.Event()  # SIGTERM sent
        self.done = threading.Event()     # load over

    def take(self):
        with self.mu:
            if self.next_job >= JOBS or self.stopped.is_set():
                return None
            self.next_job += 1
            return self.next_job

    def count(self, code):
        with self.mu:
            self.codes[code] = self.codes.get(code, 0) + 1


def bad_request(srv, rng):
    """One of the bad kinds; returns the status."""
    kind = rng.randrange(6)
    if kind == 0:
        return srv.json("POST", "/v1/circuits/multiplier/proofs", {"a": "3"})[0]  # missing signal
    if kind == 1:
        return srv.request("POST", "/v1/circuits/multiplier/proofs", '{"a": "3", "b": ', {"Content-Type": "application/json"})[0]
    if kind == 2:
        return srv.json("POST", "/v1/circuits/nope/proofs", {"a": "3", "b": "4"})[0]
    if kind == 3:
        return srv.request("POST", "/v1/circuits/multiplier/proofs", "a=3&b=4", {"Content-Type": "application/x-www-form-urlencoded"})[0]
    if kind == 4:
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        try:
            s.sendall(b"POST /v1/circuits/multiplier/proofs HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}")
            data = s.recv(4096)
            return int(data.split()[1]) if data else None
        finally:
            s.close()
    deep = '{"a": ' + "[" * 5000 + "1" + "]" * 5000 + ', "b": "4"}'
    return srv.json("POST", "/v1/circuits/multiplier/proofs", deep)[0]


def client(srv, st, seed, big_input):
    rng = random.Random(seed)
    mine = []
    while True:
        n = st.take()
        if n is None:
            break
        r = rng.random()
        try:
            if r < 0.2:
                code = bad_request(srv, rng)
                st.count(code)
                if code not in (400, 404, 415, 429, 503):  # 429: the queue was full first
                    st.errors.append("bad request answered %s" % code)
                continue
            if r < 0.3:
                circuit, inp, pub = "big", big_input, None
            else:
                circuit = "multiplier"
                inp, pub = T.multiplier_case(rng)
            for _ in range(50):
                code, h, j = srv.json("POST", "/v1/circuits/%s/proofs" % circuit, inp, timeout=30)
                st.count(code)
                if code != 429:
                    break
                time.sleep(min(0.5, float(h.get("Retry-After", "1")) / 10))
            if code == 202:
                with st.mu:
                    st.accepted[j["id"]] = (circuit, pub)
                mine.append(j["id"])
                if rng.random() < 0.05:
                    srv.json("DELETE", "/v1/proofs/" + j["id"])
            elif code != 503:
                st.errors.append("good job answered %s %s" % (code, j))
        except (OSError, ValueError) as e:
            st.errors.append("client %d: %r" % (seed, e))
    # fetch every accepted job of this client until final (also while the server drains)
    for jid in mine:
        code, j = srv.wait_final(jid, timeout=120)
        with st.mu:
            st.final[jid] = j if j else {"status": "unfetched (%s)" % code}


def slow_client(port, st):
    while not st.done.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            time.sleep(0.2)
            continue
        try:
            for b in b"GET /v1/circuits HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                if st.done.is_set():
                    break
                s.send(bytes([b]))
                time.sleep(0.25)
        except OSError:
            pass  # answered 408 and closed
        s.close()


def burster(port, st, counts):
    while not st.done.is_set():
        socks = []
        for _ in range(100):
            try:
                socks.append(socket.create_connection(("127.0.0.1", port), timeout=10))
            except OSError:
                if not st.stopped.is_set():  # after the signal the server may be gone
                    counts["connect_failed"] += 1
        for s in socks:
            try:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
        for s in socks:
            try:
                data = s.recv(64)
                counts[data.split(b" ")[1].decode() if data else "closed"] = counts.get(data.split(b" ")[1].decode() if data else "closed", 0) + 1
            except (OSError, IndexError):
                counts["error"] += 1
            s.close()
        time.sleep(1.0)


def main():
    t0 = time.time()
    cdir = T.build_circuits(["multiplier", "big"])
    big_input = json.load(open(os.path.join(H.DATA, "big", "input.json")))
    srv = Server(cdir, "--workers", "2", "--queue", "48", "--http-threads", "4", "--max-connections", "400",
                 "--header-timeout", "2", "--request-timeout", "4", "--drain-seconds", "60", name="soak server")
    st = State()
    bursts = {"connect_failed": 0, "error": 0}
    side = [threading.Thread(target=slow_client, args=(srv.port, st), daemon=True) for _ in range(20)]
    side.append(threading.Thread(target=burster, args=(srv.port, st, bursts), daemon=True))
    clients = [threading.Thread(target=client, args=(srv, st, 1000 + i, big_input), daemon=True) for i in range(CLIENTS)]
    for th in side + clients:
        th.start()
    rss0, rss = None, []
    while True:
        with st.mu:
            n = st.next_job
        if n >= JOBS // 10 * (len(rss) + 1):
            rss.append(srv.rss_kb() // 1024)
        if rss0 is None and n >= JOBS * 2 // 5:
            rss0 = srv.rss_kb()
        if n >= JOBS * 3 // 4:
            break
        if srv.proc.poll() is not None:
            break
        time.sleep(0.05)
    rss1 = srv.rss_kb()
    t_sig = time.time()
    srv.proc.send_signal(signal.SIGTERM)
    st.stopped.set()
    for th in clients:
        th.join(180)
    st.done.set()
    rc = srv.stop(sig=None, timeout=90)
    t_exit = time.time()
    for th in side:
        th.join(10)

    check(rc == 0, "soak: the server drained and exited 0 (%.1f s after SIGTERM)" % (t_exit - t_sig))
    internal = srv.events("internal_error")
    check(not internal, "soak: no internal errors (%d)" % len(internal))
    check(not st.errors, "soak: every request answered as expected (%s)" % st.errors[:5])
    acc = st.accepted
    lost = [jid for jid in acc if st.final.get(jid, {}).get("status") not in ("succeeded", "cancelled")]
    n_ok = sum(1 for jid in acc if st.final.get(jid, {}).get("status") == "succeeded")
    n_cancel = sum(1 for jid in acc if st.final.get(jid, {}).get("status") == "cancelled")
    check(acc and not lost, "soak: %d jobs accepted, %d succeeded, %d cancelled by their client, 0 lost (%s); answers %s"
          % (len(acc), n_ok, n_cancel, [(j, st.final.get(j, {}).get("status")) for j in lost[:3]], dict(sorted(st.codes.items(), key=str))))
    wrong = [jid for jid, (c, pub) in acc.items()
             if pub is not None and st.final.get(jid, {}).get("status") == "succeeded" and st.final[jid]["public_signals"] != pub]
    check(not wrong, "soak: every multiplier proof has the expected public signal (%d wrong)" % len(wrong))
    done = [(acc[jid][0], st.final[jid]) for jid in acc if st.final.get(jid, {}).get("status") == "succeeded"]
    sample = random.Random(7).sample(done, min(12, len(done)))
    bad = [c for c, j in sample if not T.peregrine_verify(c, j["proof"], j["public_signals"])]
    check(sample and not bad, "soak: peregrine verify of %d sampled proofs: all OK" % len(sample))
    big = next((j for c, j in done if c == "big"), None)
    check(big is not None and T.snarkjs_verify("big", big["proof"], big["public_signals"]), "soak: snarkjs groth16 verify of a big proof")
    growth = (rss1 - (rss0 or rss1)) / 1024.0
    check(growth <= RSS_MB, "soak: RSS %.1f MB at 40%% of the jobs, %.1f MB at the signal (growth %.1f MB <= %.0f; MB per 10%%: %s)"
          % ((rss0 or 0) / 1024.0, rss1 / 1024.0, growth, RSS_MB, rss))
    check(bursts.get("200", 0) > 0 and bursts["connect_failed"] == 0,
          "soak: connection bursts answered %s" % {k: v for k, v in bursts.items() if v})
    drained = srv.events("drained")
    check(drained and drained[0].get("complete") is True, "soak: drain complete (%s)" % (drained[0] if drained else None))
    H.finish(t0)


if __name__ == "__main__":
    main()
