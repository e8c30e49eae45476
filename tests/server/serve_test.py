#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""`peregrine serve` end to end: real servers on loopback (port 0: the server picks a free port and
names it in its "listening" log line), driven with the standard library's HTTP client.

usage: serve_test.py <peregrine> <work_dir>

Environment: WITNESS_OPT (-O level of the circuits' C++, default 1), SERVE_TEST_SCALE (scales job
counts, default 1; the asan preset uses less), SERVE_TEST_RSS_MB (bound on RSS growth over 200
sequential jobs, default 8).

Every proof the server returns is checked with `peregrine verify` and its public signals against
the inputs; every proof of the concurrent test is also checked by snarkjs's groth16 verify (all in
one Node process), and one proof per other route by `snarkjs groth16 verify`.
"""
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_harness as H  # noqa: E402
from server_harness import DATA, P, ServeProcess, check, npm_bin  # noqa: E402

PEREGRINE, WORK = sys.argv[1], os.path.abspath(sys.argv[2])
if os.path.exists(PEREGRINE):
    PEREGRINE = os.path.abspath(PEREGRINE)
HERE = os.path.dirname(os.path.abspath(__file__))
SCALE = float(os.environ.get("SERVE_TEST_SCALE", "1"))
RSS_MB = float(os.environ.get("SERVE_TEST_RSS_MB", "8"))


def fail(msg):
    check(False, msg)


# ---------------------------------------------------------------------------------------------
# Circuits: <name>.zkey (the fixture's key) + <name>/ (built here with `peregrine circuit build`).
BIN = npm_bin()
SNARKJS = os.path.join(BIN, "snarkjs")


def build_circuits(names):
    return H.build_circuits(PEREGRINE, WORK, names, BIN)


# ---------------------------------------------------------------------------------------------
class Server(ServeProcess):
    def __init__(self, cdir, *args, name="server"):
        super().__init__(name)
        self.start(PEREGRINE.split() + ["serve", "--circuits", cdir, "--port", "0"] + list(args))

    def request(self, method, path, body=None, headers=None, timeout=60):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, dict(r.getheaders()), data
        finally:
            c.close()

    def json(self, method, path, body=None, timeout=60):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        st, h, data = self.request(method, path, body, {"Content-Type": "application/json"}, timeout)
        try:
            j = json.loads(data) if data else None
        except ValueError:
            j = {"_raw": data.decode("utf-8", "replace")}
        return st, h, j

    def wait_final(self, jid, timeout=300):
        end = time.time() + timeout
        while time.time() < end:
            st, _, j = self.json("GET", "/v1/proofs/" + jid)
            if st != 200:
                return st, j
            if j["status"] in ("succeeded", "failed", "cancelled"):
                return st, j
            time.sleep(0.02)
        return None, None

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if sig is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = None
        self.reader.join(5)
        return rc


# ---------------------------------------------------------------------------------------------
# Proof checks: every proof with `peregrine verify`, a sample with snarkjs.
VERIFY_DIR = os.path.join(WORK, "verify")
os.makedirs(VERIFY_DIR, exist_ok=True)
counter = [0]
counter_mu = threading.Lock()


def write_proof(proof, pub):
    with counter_mu:
        counter[0] += 1
        n = counter[0]
    return H.write_proof_files(VERIFY_DIR, n, proof, pub)


def peregrine_verify(circuit, proof, pub):
    pp, pu = write_proof(proof, pub)
    return H.peregrine_verify(PEREGRINE, os.path.join(DATA, circuit, "verification_key.json"), pu, pp)


def snarkjs_verify_all(items):
    """items: [(circuit, proof, pub)]: all verified by snarkjs's groth16 verify in one Node process."""
    entries = []
    for circuit, proof, pub in items:
        pp, pu = write_proof(proof, pub)
        entries.append([os.path.join(DATA, circuit, "verification_key.json"), pu, pp])
    ok, last = H.snarkjs_verify_batch(BIN, entries, os.path.join(VERIFY_DIR, "list%d.json" % len(entries)))
    return ok, [last]


def snarkjs_verify(circuit, proof, pub):
    pp, pu = write_proof(proof, pub)
    vk = os.path.join(DATA, circuit, "verification_key.json")
    r = subprocess.run([SNARKJS, "groth16", "verify", vk, pu, pp], capture_output=True, text=True)
    return r.returncode == 0 and "OK!" in r.stdout


# Inputs and the public signals they must give.
def multiplier_case(rng):
    a, b = rng.randrange(2, 1 << 60), rng.randrange(2, 1 << 60)
    return {"a": str(a), "b": str(b)}, [str(a * b % P)]


def multi_io_case(rng):
    x, y, bound, secret = rng.randrange(1, 1000), rng.randrange(1, 100000), rng.randrange(1, 1 << 31), rng.randrange(0, 1 << 31)
    k = [rng.randrange(0, 1000), y if rng.random() < 0.5 else y + 1, rng.randrange(0, 1000)]
    pub = [x + y + secret + sum(k), x * secret * k[0] % P, int(secret < bound), int(y - k[1] == 0), secret % 256, x, y, bound]
    return {"pubX": str(x), "pubY": str(y), "bound": str(bound), "secret": str(secret), "k": [str(v) for v in k]}, [str(v) for v in pub]


# Invalid submissions and the status they must get.
INVALID = [
    ("multiplier", '{"a": "3"', 400, "invalid JSON"),
    ("multiplier", '{"a": "3"}', 400, "missing signal b"),
    ("multiplier", '{"a": "3", "b": "4", "c": "5"}', 400, "unknown signal c"),
    ("multiplier", '{"a": "x3", "b": "4"}', 400, "non-numeric value"),
    ("multi_io", '{"pubX": "1", "pubY": "2", "bound": "3", "secret": "4", "k": ["1", "2"]}', 400, "wrong array size"),
    ("multi_io", json.dumps({"pubX": "1", "pubY": "2", "bound": "3", "secret": str(1 << 40), "k": ["1", "2", "3"]}), 400,
     "circuit assertion (secret >= 2^32)"),
    ("nosuch", '{"a": "1", "b": "2"}', 404, "unknown circuit"),
    ("multiplier", "", 400, "empty body"),
]


# ---------------------------------------------------------------------------------------------
def test_concurrent(srv):
    """16 clients, each a mix of valid and invalid jobs for two circuits."""
    n_clients, per_client = 16, max(2, int(6 * SCALE))
    results, lock = [], threading.Lock()
    errors = []

    def client(ci):
        rng = random.Random(1000 + ci)
        for k in range(per_client):
            try:
                if (ci + k) % 3 == 2:
                    circuit, body, want, what = INVALID[(ci * per_client + k) % len(INVALID)]
                    st, _, j = srv.json("POST", "/v1/circuits/%s/proofs" % circuit, body)
                    with lock:
                        results.append(("invalid", circuit, what, want, st, j))
                    continue
                circuit = "multiplier" if (ci + k) % 2 else "multi_io"
                inp, pub = (multiplier_case if circuit == "multiplier" else multi_io_case)(rng)
                st, h, j = srv.json("POST", "/v1/circuits/%s/proofs" % circuit, inp)
                while st == 429:  # queue full: retry as told
                    time.sleep(min(float(h.get("Retry-After", "1")), 0.2))
                    st, h, j = srv.json("POST", "/v1/circuits/%s/proofs" % circuit, inp)
                if st != 202:
                    with lock:
                        results.append(("valid", circuit, inp, pub, st, j))
                    continue
                fst, fj = srv.wait_final(j["id"])
                with lock:
                    results.append(("valid", circuit, inp, pub, fst, fj))
            except Exception as e:  # noqa: BLE001 - any client error is a test failure
                with lock:
                    errors.append("client %d: %r" % (ci, e))

    t = time.time()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(n_clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.time() - t
    check(not errors, "16 concurrent clients: no client error %s" % (errors[:3] if errors else ""))
    valid = [r for r in results if r[0] == "valid"]
    invalid = [r for r in results if r[0] == "invalid"]
    good = 0
    for _, circuit, inp, pub, st, j in valid:
        if st == 200 and j and j["status"] == "succeeded" and j["public_signals"] == pub and peregrine_verify(circuit, j["proof"], j["public_signals"]):
            good += 1
        else:
            fail("valid %s job %s: %s %s" % (circuit, inp, st, j))
    check(good == len(valid), "concurrent: %d/%d valid jobs succeeded, public signals right, peregrine verify OK (%.1fs)" % (good, len(valid), elapsed))
    bad = [(what, want, st, j) for _, circuit, what, want, st, j in invalid if st != want or not (j and j.get("error"))]
    check(not bad, "concurrent: %d invalid submissions got the right 4xx with a reason %s" % (len(invalid), bad[:3]))
    # the reason names the signal
    named = [j for _, _, what, _, st, j in invalid if what == "unknown signal c"]
    check(all("'c'" in j["error"] for j in named), "invalid input errors name the signal")
    # snarkjs on every proof (one Node process)
    done = [(r[1], r[5]["proof"], r[5]["public_signals"]) for r in valid if r[4] == 200 and r[5] and r[5]["status"] == "succeeded"]
    ok, last = snarkjs_verify_all(done)
    check(ok and len(done) == len(valid), "snarkjs groth16 verify: all %d concurrent proofs valid %s" % (len(done), last))
    # no job lost: every accepted id has a final job log line
    accepted = {r[5]["id"] for r in valid if r[5] and "id" in r[5]}
    logged = {e["id"] for e in srv.events("job")}
    check(accepted <= logged, "no job lost: all %d accepted jobs reached a final state (job log lines)" % len(accepted))
    return len(valid)


def test_api_misc(srv, n_succeeded):
    st, _, j = srv.json("GET", "/v1/circuits")
    names = sorted(c["name"] for c in j["circuits"]) if st == 200 else None
    check(names == ["big", "multi_io", "multiplier"], "GET /v1/circuits lists the loaded circuits (broken ones skipped): %s" % names)
    skipped = {e.get("circuit") for e in srv.events("circuit_skipped")}
    check({"broken", "orphan"} <= skipped, "broken circuit entries reported and skipped: %s" % sorted(skipped))
    st, _, j = srv.json("GET", "/healthz")
    check(st == 200 and j["status"] == "ok", "GET /healthz")
    st, _, j = srv.json("GET", "/v1/proofs/0123456789abcdef0123456789abcdef")
    check(st == 404 and "error" in j, "unknown job: 404")
    st, _, j = srv.json("DELETE", "/v1/proofs/nope")
    check(st == 404, "DELETE unknown job: 404")
    st, _, j = srv.json("GET", "/no/such/route")
    check(st == 404, "unknown route: 404")
    st, h, data = srv.request("GET", "/metrics")
    text = data.decode()
    m = re.findall(r'peregrine_jobs_total\{circuit="(\w+)",status="succeeded"\} (\d+)', text)
    total = sum(int(v) for _, v in m)
    check(st == 200 and h.get("Content-Type", "").startswith("text/plain") and total >= n_succeeded and
          "peregrine_job_duration_seconds_bucket" in text and "peregrine_queue_depth" in text and
          'peregrine_jobs_rejected_total{reason="invalid_input"}' in text,
          "GET /metrics: Prometheus text, %d succeeded jobs counted, histograms, queue depth, rejections" % total)
    # one log line per request, with the job id
    reqs = srv.events("request")
    check(any(r.get("id") and r["method"] == "POST" and r["status"] == 202 for r in reqs) and
          all({"method", "path", "status", "ts"} <= set(r) for r in reqs), "structured request log lines (%d)" % len(reqs))
    jobs = srv.events("job")
    check(all({"id", "circuit", "status", "witness_ms", "prove_ms"} <= set(j) for j in jobs), "structured job log lines (%d)" % len(jobs))


def test_limits_and_names(srv, max_body):
    inp = json.dumps({"a": "3", "b": "4"})
    big = inp[:-1] + ', "pad": "' + "x" * max_body + '"}'
    for path in ("/v1/circuits/multiplier/proofs", "/input/multiplier"):
        st, _, j = srv.json("POST", path, big)
        check(st == 413 and j and "error" in j, "body over --max-body on %s: 413 (%s)" % (path, st))
    # chunked body over the limit (no Content-Length)
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    try:
        c.request("POST", "/v1/circuits/multiplier/proofs", body=iter([big.encode()[i:i + 65536] for i in range(0, len(big), 65536)]),
                  encode_chunked=True, headers={"Transfer-Encoding": "chunked"})
        st = c.getresponse().status
    except (ConnectionError, http.client.HTTPException) as e:
        st = repr(e)
    finally:
        c.close()
    # Bodies must come with a Content-Length (the connection layer receives them whole before a
    # thread sees them): chunked ones get 411.
    check(st == 411, "chunked body: 411 Length Required (%s)" % st)
    marker = os.path.join(WORK, "pwned")
    names = ["../multiplier", "..%2Fmultiplier", "..%2F..%2F..%2Fetc%2Fpasswd", "multiplier%3Btouch%20" + urllib.parse.quote(marker),
             "%24(touch%20" + urllib.parse.quote(marker) + ")", "%60touch%20" + urllib.parse.quote(marker) + "%60",
             "multiplier%00", "multiplier%20", ".", "..", "%2e%2e", "MULTIPLIER", "multiplier.zkey", "multiplier%2F"]
    codes = []
    for n in names:
        for prefix, suffix in (("/v1/circuits/", "/proofs"), ("/input/", "")):
            st, _, _ = srv.request("POST", prefix + n + suffix, inp, {"Content-Type": "application/json"})
            codes.append(st)
    check(all(c in (400, 404) for c in codes) and not os.path.exists(marker),
          "path traversal and shell metacharacters in circuit names: all 400/404, nothing run (%s)" % sorted(set(codes)))
    # Deep nesting (issue 15) used to kill the server with a stack overflow in the input reader:
    # 12000 levels of objects (60 KB, under --max-body) were enough.
    deep = '{"a": ' + '{"":' * 12000 + "1" + "}" * 12000 + ', "b": "4"}'
    assert len(deep) < max_body
    for path in ("/v1/circuits/multiplier/proofs", "/input/multiplier"):
        st, _, j = srv.json("POST", path, deep)
        check(st == 400 and j and "JSON nested deeper than 64 levels" in j.get("error", ""),
              "deeply nested JSON on %s: 400 with the reason (%s %s)" % (path, st, j))
    st, _, _ = srv.json("GET", "/healthz")
    check(st == 200, "server still up after the bad requests")


def test_compat(srv):
    """rapidsnark's proverServer flow: POST /input/<circuit>, poll GET /status, POST /cancel."""
    st, _, j = srv.json("POST", "/input/multiplier", {"a": "6", "b": "7"})
    check(st == 200 and "id" in j, "POST /input/multiplier: 200")
    end = time.time() + 120
    while time.time() < end:
        st, _, j = srv.json("GET", "/status")
        if j["status"] != "busy":
            break
        time.sleep(0.02)
    ok_shape = st == 200 and j["status"] == "success" and isinstance(j.get("proof"), str) and isinstance(j.get("pubData"), str)
    check(ok_shape, "GET /status: success with proof and pubData as JSON texts (rapidsnark's shapes)")
    if ok_shape:
        proof, pub = json.loads(j["proof"]), json.loads(j["pubData"])
        check(pub == ["42"] and snarkjs_verify("multiplier", proof, pub), "compat proof: pubData [42], snarkjs groth16 verify OK")
    st, _, j = srv.json("POST", "/input/multiplier", {"a": "6"})
    check(st == 400 and "'b'" in j.get("error", ""), "POST /input with a missing signal: 400 naming it")
    st, _, j = srv.json("POST", "/cancel")
    check(st == 200 and j["status"] == "success", "POST /cancel after the job finished: status stays success")
    # A failed witness is reported at submission; an aborted job shows as "aborted".
    st, _, j = srv.json("POST", "/input/big", json.load(open(os.path.join(DATA, "big", "input.json"))))
    st2, _, j2 = srv.json("POST", "/cancel")
    st3, _, j3 = srv.json("GET", "/status")
    check(st == 200 and st2 == 200 and j3["status"] in ("aborted", "success"), "POST /cancel of a running compat job: %s" % j3["status"])


def test_cancel(cdir):
    """Cancel of a queued and of a running job; queue full → 429 with Retry-After."""
    srv = Server(cdir, "--workers", "1", "--queue", "2", name="cancel server")
    big_input = json.load(open(os.path.join(DATA, "big", "input.json")))
    try:
        # Three jobs on one worker: the first runs, two wait, the queue (2) is then full.
        ids = []
        for _ in range(3):
            st, _, j = srv.json("POST", "/v1/circuits/big/proofs", big_input)
            if st == 202:
                ids.append(j["id"])
        st, h, j = srv.json("POST", "/v1/circuits/big/proofs", big_input)
        st2, h2, j2 = srv.json("POST", "/v1/circuits/big/proofs", big_input)
        # On a fast CPU the first job can finish in between and free a place: a job accepted here
        # is fetched below, or the server's drain would wait for its result at SIGTERM.
        extra = [jj["id"] for s, jj in ((st, j), (st2, j2)) if s == 202]
        got429 = [(s, hh) for s, hh in ((st, h), (st2, h2)) if s == 429]
        check(got429 and all(int(hh.get("Retry-After", "0")) >= 1 for _, hh in got429),
              "full queue: 429 with Retry-After (%s, %s)" % (st, st2))
        # cancel the last queued one
        st, _, j = srv.json("DELETE", "/v1/proofs/" + ids[-1])
        check(st == 200 and j["status"] == "cancelled", "DELETE of a queued job: 200, cancelled (%s %s)" % (st, j and j.get("status")))
        st, _, j = srv.json("GET", "/v1/proofs/" + ids[-1])
        check(j["status"] == "cancelled" and j["proof"] is None, "cancelled job stays cancelled, no proof")
        for jid in ids[:-1] + extra:
            srv.wait_final(jid)
        # cancel a running job: catch one while it runs (proofs of 2^12 take ~0.1-1 s)
        caught = None
        for attempt in range(10):
            st, _, j = srv.json("POST", "/v1/circuits/big/proofs", big_input)
            jid = j["id"]
            while True:
                st, _, j = srv.json("GET", "/v1/proofs/" + jid)
                if j["status"] != "queued":
                    break
                time.sleep(0.002)
            if j["status"] != "running":
                continue
            t = time.time()
            st, _, j = srv.json("DELETE", "/v1/proofs/" + jid)
            dt = time.time() - t
            if st == 409:  # it finished first
                continue
            caught = (st, j, dt)
            break
        if check(caught is not None, "caught a running job to cancel"):
            st, j, dt = caught
            # The HTTP thread waits at most 200 ms for the prover to stop, then answers 202.
            if st == 202:
                _, j = srv.wait_final(j["id"])
            check(st in (200, 202) and j["status"] == "cancelled" and j["proof"] is None and dt < 1.0,
                  "DELETE of a running job: %d in %.0f ms, cancelled" % (st, dt * 1000))
        st, _, j = srv.json("DELETE", "/v1/proofs/" + ids[0])
        check(st == 409 and j["status"] == "succeeded", "DELETE of a finished job: 409, result kept")
        st, _, j = srv.json("GET", "/v1/proofs/" + ids[0])
        check(st == 200 and j["status"] == "succeeded" and peregrine_verify("big", j["proof"], j["public_signals"]),
              "a job before the cancelled ones succeeded, peregrine verify OK")
        if j["status"] == "succeeded":
            check(snarkjs_verify("big", j["proof"], j["public_signals"]), "snarkjs groth16 verify: a big (2^12) proof")
        # the server keeps working after cancellations
        st, _, j = srv.json("POST", "/v1/circuits/multiplier/proofs", {"a": "5", "b": "5"})
        st, j = srv.wait_final(j["id"])
        check(j["status"] == "succeeded" and j["public_signals"] == ["25"], "a job after the cancellations succeeds")
    finally:
        rc = srv.stop()
    check(rc == 0, "cancel server: exit 0 on SIGTERM")


def test_sigterm(cdir):
    """SIGTERM with a job running and three queued: new jobs get 503, all four accepted jobs are
    finished, results stay readable until each was fetched, then exit 0."""
    srv = Server(cdir, "--workers", "1", "--queue", "8", "--drain-seconds", "60", name="shutdown server")
    big_input = json.load(open(os.path.join(DATA, "big", "input.json")))
    ids = []
    for _ in range(4):
        st, _, j = srv.json("POST", "/v1/circuits/big/proofs", big_input)
        ids.append(j["id"])
    while True:
        st, _, j = srv.json("GET", "/v1/proofs/" + ids[0])
        if j["status"] != "queued":
            break
        time.sleep(0.002)
    t = time.time()
    srv.proc.send_signal(signal.SIGTERM)
    end = time.time() + 10
    while not srv.events("shutdown") and time.time() < end:
        time.sleep(0.001)
    st, _, j = srv.json("POST", "/v1/circuits/multiplier/proofs", {"a": "2", "b": "3"}, timeout=10)
    check(st == 503, "SIGTERM: a new job while draining gets 503 (%s)" % st)
    st, _, j = srv.json("GET", "/healthz")
    check(st == 503 and j["status"] == "draining", "SIGTERM: /healthz says draining (%s)" % st)
    results = {}
    for jid in ids:
        st, j = srv.wait_final(jid, timeout=120)
        results[jid] = j["status"] if j else st
        if j and j["status"] == "succeeded" and jid == ids[-1]:
            check(peregrine_verify("big", j["proof"], j["public_signals"]), "SIGTERM: a job queued at the signal was proved, verify OK")
    check(all(v == "succeeded" for v in results.values()), "SIGTERM: the running and the 3 queued jobs all finished: %s" % list(results.values()))
    rc = srv.stop(sig=None, timeout=30)
    dt = time.time() - t
    check(rc == 0, "SIGTERM: exit 0 %.1fs after the signal, once every result was fetched" % dt)
    drained = srv.events("drained")
    check(drained and drained[0].get("complete") is True, "SIGTERM: drain logged as complete (%s)" % drained)
    # results nobody fetches: the server waits --drain-seconds, then exits 0
    srv = Server(cdir, "--workers", "1", "--drain-seconds", "2", name="shutdown server 3")
    st, _, j = srv.json("POST", "/v1/circuits/multiplier/proofs", {"a": "2", "b": "3"})
    t = time.time()
    srv.proc.send_signal(signal.SIGTERM)
    rc = srv.stop(sig=None, timeout=30)
    dt = time.time() - t
    check(rc == 0 and 1.5 < dt < 10, "SIGTERM, a result never fetched: exit 0 after --drain-seconds 2 (%.1fs)" % dt)
    # the second signal cuts the grace period short
    srv = Server(cdir, "--workers", "1", "--drain-seconds", "600", name="shutdown server 2")
    st, _, j = srv.json("POST", "/v1/circuits/big/proofs", big_input)
    srv.proc.send_signal(signal.SIGINT)
    time.sleep(0.05)
    rc = srv.stop(signal.SIGINT, timeout=30)
    check(rc == 0, "SIGINT twice: exit 0")


def test_rss(srv):
    n = 200
    inp = {"a": "11", "b": "13"}
    base = None
    t = time.time()
    for i in range(n):
        st, _, j = srv.json("POST", "/v1/circuits/multiplier/proofs", inp)
        if st != 202:
            fail("sequential job %d: %s %s" % (i, st, j))
            return
        st, j = srv.wait_final(j["id"])
        if j["status"] != "succeeded":
            fail("sequential job %d: %s" % (i, j))
            return
        if i == 19:
            base = srv.rss_kb()
    end = srv.rss_kb()
    growth = (end - base) / 1024.0
    check(growth <= RSS_MB, "RSS over %d sequential jobs: %.1f MB after 20, %.1f MB after %d (growth %.1f MB <= %.0f MB), %.1fs"
          % (n, base / 1024.0, end / 1024.0, n, growth, RSS_MB, time.time() - t))


def main():
    t0 = time.time()
    cdir = build_circuits(["multiplier", "multi_io", "big"])
    # broken entries: a zkey with no circuit, a circuit directory with no zkey
    with open(os.path.join(cdir, "broken.zkey"), "w") as f:
        f.write("not a zkey")
    os.makedirs(os.path.join(cdir, "orphan"), exist_ok=True)
    r = subprocess.run(PEREGRINE.split() + ["serve", "--circuits", cdir, "--port", "0", "--strict"], capture_output=True, text=True, timeout=60)
    check(r.returncode == 1 and "startup_failed" in r.stderr, "--strict: a broken circuit aborts start-up")
    max_body = 65536
    srv = Server(cdir, "--workers", "2", "--queue", "64", "--max-body", str(max_body), "--rapidsnark-routes", name="main server")
    try:
        n = test_concurrent(srv)
        test_api_misc(srv, n)
        test_limits_and_names(srv, max_body)
        test_compat(srv)
        test_rss(srv)
        check(srv.proc.poll() is None, "main server stayed up")
    finally:
        rc = srv.stop()
    check(rc == 0, "main server: exit 0 on SIGTERM")
    test_cancel(cdir)
    test_sigterm(cdir)
    H.finish(t0)


if __name__ == "__main__":
    main()
