#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""`peregrine serve --store rediss://` (TLS) end to end, and the Redis store's housekeeping.

A throwaway CA, a server certificate for "localhost" (DNS name only) and a client certificate are
made with the openssl CLI in the work directory; redis-server listens on TLS only (--port 0
--tls-port, client certificates required). Then:
  - an API instance and a worker instance (rediss://localhost:PORT?ca=&cert=&key=) prove jobs of the
    smallest fixture (multiplier); every proof is checked with `peregrine verify` and its public
    signals against the input;
  - one job is queued before any worker runs: the size of its witness in Redis is measured, and
    after the jobs are final no witness key is left;
  - peregrine_results_stored counts the job records kept; a 3 MB reply is read back intact;
  - wrong settings give a 503 naming the problem and no crash: another CA, an address that is not
    in the certificate (rediss://127.0.0.1), no client certificate;
  - Redis restarted: 503 while it is down, then the instances reconnect by themselves;
  - the consumer of a worker killed with SIGKILL is removed from the group by the next worker
    (--lease-seconds 1: after 3 s idle), and a worker stopped with SIGTERM removes its own;
  - SIGTERM of the API instance does not wait for the unfetched result (it stays in Redis).

usage: redis_tls_test.py <peregrine> <work_dir>       (exit 77: skipped, e.g. redis-server without TLS)
"""
import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import DATA, P, T0, ServeProcess, build_circuits, check, failures, free_port, log, npm_bin  # noqa: E402,F401
from server_harness import peregrine_verify, skip_without_redis_support, write_proof_files  # noqa: E402

PEREGRINE, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])

REDIS, OPENSSL = shutil.which("redis-server"), shutil.which("openssl")
if not REDIS or not OPENSSL or not shutil.which("redis-cli"):
    print("SKIP: needs redis-server, redis-cli and openssl")
    sys.exit(77)
skip_without_redis_support(PEREGRINE)

shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
TLS = os.path.join(WORK, "tls")
os.makedirs(TLS)


def ossl(*args):
    r = subprocess.run([OPENSSL] + list(args), cwd=TLS, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("FAIL: openssl %s\n%s" % (" ".join(args), r.stderr))


def make_ca(name):
    ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
         "-subj", "/CN=peregrine test " + name, "-keyout", name + ".key", "-out", name + ".crt")


def make_cert(name, ca, ext):
    ossl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-subj", "/CN=" + name, "-keyout", name + ".key", "-out", name + ".csr")
    with open(os.path.join(TLS, name + ".ext"), "w") as f:
        f.write(ext + "\n")
    ossl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
         "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt")


t = time.time()
make_ca("ca")
make_ca("other-ca")
make_cert("server", "ca", "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth")
make_cert("client", "ca", "extendedKeyUsage=clientAuth")
tls = lambda n: os.path.join(TLS, n)  # noqa: E731
log("certificates made in %.1fs" % (time.time() - t))


RPORT = free_port()
rdir = os.path.join(WORK, "redis")
os.makedirs(rdir)
rlog = open(os.path.join(rdir, "redis.log"), "w")


def start_redis():
    proc = subprocess.Popen([REDIS, "--port", "0", "--tls-port", str(RPORT), "--bind", "127.0.0.1", "--dir", rdir,
                             "--tls-cert-file", tls("server.crt"), "--tls-key-file", tls("server.key"),
                             "--tls-ca-cert-file", tls("ca.crt"), "--save", "", "--appendonly", "no",
                             "--daemonize", "no"], stdout=rlog, stderr=subprocess.STDOUT)
    atexit.register(lambda: proc.poll() is None and proc.kill())  # also when the test stops early
    return proc


redis = start_redis()


def cli(*args):
    r = subprocess.run(["redis-cli", "-h", "localhost", "-p", str(RPORT), "--tls", "--cacert", tls("ca.crt"),
                        "--cert", tls("client.crt"), "--key", tls("client.key")] + list(args),
                       capture_output=True, text=True, timeout=10)
    return r.stdout.strip()


for _ in range(100):
    if redis.poll() is not None:
        break
    if cli("PING") == "PONG":
        break
    time.sleep(0.05)
if redis.poll() is not None or cli("PING") != "PONG":
    text = open(os.path.join(rdir, "redis.log")).read()
    if redis.poll() is not None and re.search(r"TLS|tls", text) and "not" in text.lower():
        print("SKIP: redis-server without TLS support:\n" + text[-400:])
        sys.exit(77)
    sys.exit("FAIL: redis-server (TLS) did not start:\n" + text[-1000:])

PROCS = []
try:
    # The circuit: the fixture's key + its witness library built here.
    CDIR = build_circuits(PEREGRINE, WORK, ["multiplier"], npm_bin())

    GOOD = "rediss://localhost:%d?ca=%s&cert=%s&key=%s" % (RPORT, tls("ca.crt"), tls("client.crt"), tls("client.key"))

    class Instance(ServeProcess):
        def __init__(self, role, store=GOOD, drain=2):
            super().__init__(role + " instance")
            self.start([PEREGRINE, "serve", "--circuits", CDIR, "--port", "0", "--store", store, "--role", role,
                        "--workers", "1", "--threads", "1", "--lease-seconds", "1", "--result-ttl", "600",
                        "--drain-seconds", str(drain)])
            PROCS.append(self.proc)

        def request(self, method, path, body=None):
            return self.json_request(method, path, body)

        def stop(self, sig=signal.SIGTERM):
            self.proc.send_signal(sig)
            return self.proc.wait(30)

    def consumers():
        out = cli("XINFO", "CONSUMERS", "peregrine:jobs:multiplier", "workers")
        lines = out.splitlines()
        return [lines[i + 1] for i, x in enumerate(lines) if x == "name"]

    api = Instance("api")
    inputs = {}

    def submit(a, b):
        st, body = api.request("POST", "/v1/circuits/multiplier/proofs", {"a": str(a), "b": str(b)})
        check(st == 202, "submit over rediss:// -> %s %s" % (st, body if st != 202 else ""))
        inputs[body["id"]] = str(a * b % P)
        return body["id"]

    # A job queued while no worker runs: its witness, as Redis holds it.
    first = submit(3, 11)
    wlen = int(cli("STRLEN", "peregrine:wtns:" + first) or 0)
    wmem = int(cli("MEMORY", "USAGE", "peregrine:wtns:" + first) or 0)
    nvars = (wlen - 44) // 32  # the wtns header (magic, version, sections) is 44 bytes, then 32 bytes a value
    check(wlen > 0 and (wlen - 44) % 32 == 0,
          "witness in Redis: %d bytes (%d values of 32 bytes + a 44-byte header), MEMORY USAGE %d bytes" % (wlen, nvars, wmem))

    w1 = Instance("worker")
    for k in range(5):
        submit(1000 + k, 7 + k)
    deadline = time.time() + 20
    results = {}
    while time.time() < deadline and len(results) < len(inputs):
        for jid in inputs:
            if jid in results:
                continue
            st, body = api.request("GET", "/v1/proofs/" + jid)
            if st == 200 and body["status"] not in ("queued", "running"):
                results[jid] = body
        time.sleep(0.05)
    ok = [j for j, b in results.items() if b["status"] == "succeeded" and b["public_signals"] == [inputs[j]]]
    check(len(ok) == len(inputs), "%d/%d jobs succeeded through api + worker over TLS, with their inputs' public signals"
          % (len(ok), len(inputs)))
    vk = os.path.join(DATA, "multiplier", "verification_key.json")
    good = 0
    for n, jid in enumerate(ok):
        pp, pu = write_proof_files(WORK, n, results[jid]["proof"], results[jid]["public_signals"])
        good += peregrine_verify(PEREGRINE, vk, pu, pp)
    check(good == len(inputs), "peregrine verify: %d/%d proofs valid" % (good, len(inputs)))
    left = [j for j in inputs if cli("EXISTS", "peregrine:wtns:" + j) != "0"]
    check(not left, "no witness key left once the jobs are final (%d left)" % len(left))
    st, metrics = api.request("GET", "/metrics")
    m = re.search(r"^peregrine_results_stored (\d+)", metrics or "", re.M)
    check(m and int(m.group(1)) == len(inputs), "peregrine_results_stored %s (jobs kept: %d)" % (m and m.group(1), len(inputs)))

    # A large reply over TLS (many TLS records, fed to hiredis's reader in pieces): a job record
    # with a 3 MB error text, read back through the API.
    big = "".join("%07d " % i for i in range(375000))
    subprocess.run(["redis-cli", "-h", "localhost", "-p", str(RPORT), "--tls", "--cacert", tls("ca.crt"),
                    "--cert", tls("client.crt"), "--key", tls("client.key"), "-x", "HSET", "peregrine:job:bigreply",
                    "error"], input=big, capture_output=True, text=True, timeout=10)
    cli("HSET", "peregrine:job:bigreply", "id", "bigreply", "circuit", "multiplier", "status", "failed")
    st, body = api.request("GET", "/v1/proofs/bigreply")
    check(st == 200 and body.get("error") == big, "a %d-byte field read back over TLS intact (%s)" % (len(big), st))
    cli("DEL", "peregrine:job:bigreply")

    # Wrong settings: 503 naming the problem, the instance keeps running.
    bad = [("another CA", "rediss://localhost:%d?ca=%s&cert=%s&key=%s" % (RPORT, tls("other-ca.crt"), tls("client.crt"), tls("client.key")),
            "certificate"),
           ("an address not in the certificate", "rediss://127.0.0.1:%d?ca=%s&cert=%s&key=%s" % (RPORT, tls("ca.crt"), tls("client.crt"), tls("client.key")),
            "mismatch"),
           ("no client certificate", "rediss://localhost:%d?ca=%s" % (RPORT, tls("ca.crt")), "TLS"),
           ("plain TCP to the TLS port", "redis://localhost:%d" % RPORT, "unavailable")]
    for what, url, word in bad:
        inst = Instance("api", store=url)
        st, body = inst.request("POST", "/v1/circuits/multiplier/proofs", {"a": "2", "b": "3"})
        err = body.get("error", "") if isinstance(body, dict) else str(body)
        check(st == 503 and word in err, "%s: %s %s" % (what, st, err[:200]))
        st2, _ = inst.request("GET", "/healthz")
        check(inst.proc.poll() is None, "%s: still running (healthz %s)" % (what, st2))
        inst.stop(signal.SIGKILL)

    # Dead consumers: w1 killed (it holds no job), w2 removes its consumer after 3 leases idle.
    dead = w1.consumer
    check(any(c.startswith(dead) for c in consumers()), "consumer of the first worker in the group: %s" % consumers())
    w1.stop(signal.SIGKILL)
    w2 = Instance("worker")
    t = time.time()
    while time.time() - t < 10 and any(c.startswith(dead) for c in consumers()):
        time.sleep(0.2)
    gone = not any(c.startswith(dead) for c in consumers())
    check(gone, "the killed worker's consumer removed %.1fs after the next worker started (lease 1 s): %s"
          % (time.time() - t, consumers()))
    check(any(dead in json.dumps(e) for e in w2.events("consumers_removed")), "logged as consumers_removed by the other worker")
    jid = submit(5, 9)
    t = time.time()
    while time.time() - t < 10:
        st, body = api.request("GET", "/v1/proofs/" + jid)
        if body["status"] not in ("queued", "running"):
            break
        time.sleep(0.05)
    check(body["status"] == "succeeded", "a job after the removal: %s" % body["status"])
    rc = w2.stop()
    check(rc == 0 and not consumers(), "worker SIGTERM: exit %s, its own consumers removed (left: %s)" % (rc, consumers()))

    # Draining with the Redis store does not wait for unfetched results.
    # Redis restarted (without persistence: the groups are gone too): the API answers 503 while it
    # is down, then both instances reconnect over TLS by themselves.
    w3 = Instance("worker")
    redis.send_signal(signal.SIGTERM)
    redis.wait(10)
    st, body = api.request("POST", "/v1/circuits/multiplier/proofs", {"a": "2", "b": "3"})
    check(st == 503 and "unavailable" in body.get("error", ""), "Redis down: submit -> %s %s" % (st, body.get("error", "")[:120]))
    redis = start_redis()
    t = time.time()
    while time.time() - t < 10 and cli("PING") != "PONG":
        time.sleep(0.05)
    jid = submit(6, 7)
    t = time.time()
    while time.time() - t < 15 and cli("HGET", "peregrine:job:" + jid, "status") != "succeeded":
        time.sleep(0.05)
    check(cli("HGET", "peregrine:job:" + jid, "status") == "succeeded",
          "after the Redis restart (groups lost): a job succeeded, seen %.2fs after its submission" % (time.time() - t))
    api2 = Instance("api", drain=20)
    api2.request("POST", "/v1/circuits/multiplier/proofs", {"a": "8", "b": "9"})  # never fetched there
    t = time.time()
    rc1 = api.stop()
    rc2 = api2.stop()
    dt = time.time() - t
    check(rc1 == 0 and rc2 == 0 and dt < 3, "API instances with unfetched results: SIGTERM -> exit %s/%s in %.2fs" % (rc1, rc2, dt))
    rc = w3.stop()
    check(rc == 0, "worker SIGTERM -> exit %s" % rc)
finally:
    for p in PROCS:
        if p.poll() is None:
            p.kill()
            p.wait(10)
    redis.send_signal(signal.SIGTERM)
    redis.wait(10)

log("%s in %.1fs" % ("FAILED: %d" % len(failures) if failures else "passed", time.time() - T0))
sys.exit(1 if failures else 0)
