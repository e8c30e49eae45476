#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""Benchmark of `peregrine serve --store redis://` (not run by CI; numbers in docs/serve.md).

usage: redis_bench.py <peregrine> <circuits dir> <work dir> overhead|throughput

<circuits dir> holds multiplier.zkey + multiplier/ and big.zkey + big/ (as serve_test.py builds
them in <build>/serve-test/circuits). `overhead`: median submit -> result time of 100 sequential
multiplier jobs on one instance, --store memory vs redis (the difference is the store's cost per
job). `throughput`: proofs per second of the 2^12 circuit (big) with one API instance and 1, 2 and
3 worker instances (one prover thread each), 6 clients, 40 jobs per step. `cancel`: 15 running
2^12 jobs submitted through one API instance and cancelled (DELETE) through another: the
answers, final states and times.
"""
import http.client, json, subprocess, sys, time, threading, re, signal, os, statistics
PEREGRINE, C, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
os.makedirs(WORK, exist_ok=True)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import free_port  # noqa: E402
def start(*args):
    p = subprocess.Popen([PEREGRINE, "serve", "--circuits", C, "--port", "0", "--threads", "1"] + list(args), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    for line in p.stderr:
        m = re.search(r'"event":"listening".*?"port":(\d+)', line) or (re.search(r'"port":(\d+)', line) if '"listening"' in line else None)
        if m:
            threading.Thread(target=lambda: [None for _ in p.stderr], daemon=True).start()
            return p, int(m.group(1))
def req(port, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, body=json.dumps(body) if body else None, headers={"Content-Type": "application/json"})
    r = c.getresponse(); d = r.read(); c.close(); return r.status, json.loads(d)
def run_job(port, circuit, inp, poll=0.005):
    while True:
        st, b = req(port, "POST", "/v1/circuits/%s/proofs" % circuit, inp)
        if st == 202: break
        time.sleep(0.05)
    while True:
        st, j = req(port, "GET", "/v1/proofs/" + b["id"])
        if j["status"] in ("succeeded", "failed", "cancelled"):
            assert j["status"] == "succeeded", j
            return j
        time.sleep(poll)
def throughput(port, circuit, inp, n, clients):
    done = [0]; lk = threading.Lock()
    def cl():
        while True:
            with lk:
                if done[0] >= n: return
                done[0] += 1
            run_job(port, circuit, inp, 0.01)
    t = time.time()
    ts = [threading.Thread(target=cl) for _ in range(clients)]
    [x.start() for x in ts]; [x.join() for x in ts]
    return n / (time.time() - t)
mode = sys.argv[4]
big = json.load(open(os.path.join(ROOT, "tests/fixtures/circuits/big.input.json")))
mul = {"a": "3", "b": "11"}
if mode == "overhead":
    res = {}
    for store in ("memory", "redis"):
        procs = []
        if store == "redis":
            rport = free_port()
            rd = subprocess.Popen(["redis-server", "--port", str(rport), "--save", "", "--appendonly", "yes", "--dir", WORK], stdout=subprocess.DEVNULL)
            time.sleep(0.5)
            p, port = start("--store", "redis://127.0.0.1:%d" % rport)
        else:
            p, port = start()
        for _ in range(10): run_job(port, "multiplier", mul)
        lat = []
        for _ in range(100):
            t = time.time(); run_job(port, "multiplier", mul, 0.001); lat.append((time.time() - t) * 1000)
        res[store] = statistics.median(lat)
        p.send_signal(signal.SIGTERM); p.wait()
        if store == "redis": rd.terminate(); rd.wait()
    print("median submit->result ms (multiplier, 1 client, sequential): memory %.2f redis %.2f overhead %.2f ms" % (res["memory"], res["redis"], res["redis"] - res["memory"]))
elif mode == "cancel":
    rport = free_port()
    rd = subprocess.Popen(["redis-server", "--port", str(rport), "--save", "", "--dir", WORK], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    store = "redis://127.0.0.1:%d" % rport
    a, pa = start("--store", store, "--role", "api")
    c, pc = start("--store", store, "--role", "api")
    w, pw = start("--store", store, "--role", "worker")
    outcomes = {}
    for i in range(15):
        st, b = req(pa, "POST", "/v1/circuits/big/proofs", big)
        jid = b["id"]
        while req(pa, "GET", "/v1/proofs/" + jid)[1]["status"] == "queued":
            time.sleep(0.002)
        t = time.time()
        st, b = req(pc, "DELETE", "/v1/proofs/" + jid)
        while True:
            f = req(pa, "GET", "/v1/proofs/" + jid)[1]
            if f["status"] not in ("queued", "running"):
                break
            time.sleep(0.005)
        outcomes.setdefault("DELETE %d %s -> final %s" % (st, b["status"], f["status"]), []).append(round((time.time() - t) * 1000))
    for k, v in outcomes.items():
        print("%s: %d jobs, ms until final: %s" % (k, len(v), sorted(v)))
    for p in (a, c, w):
        p.send_signal(signal.SIGTERM)
        p.wait()
    rd.terminate()
else:
    rport = free_port()
    rd = subprocess.Popen(["redis-server", "--port", str(rport), "--save", "", "--appendonly", "yes", "--dir", WORK], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    store = "redis://127.0.0.1:%d" % rport
    api, port = start("--store", store, "--role", "api", "--queue", "256")
    workers = []
    for n in (1, 2, 3):
        while len(workers) < n:
            workers.append(start("--store", store, "--role", "worker")[0])
        time.sleep(0.5)
        run_job(port, "big", big)
        print("big (2^12), %d worker instance(s) x 1 thread, 6 clients, 40 jobs: %.2f proofs/s" % (n, throughput(port, "big", big, 40, 6)), flush=True)
    for w in workers: w.send_signal(signal.SIGTERM); w.wait()
    api.send_signal(signal.SIGTERM); api.wait(); rd.terminate(); rd.wait()
