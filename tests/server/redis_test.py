#!/usr/bin/env python3
# SPDX-License-Identifier: MIT OR Apache-2.0
"""`peregrine serve --store redis://` scale-out, end to end: a redis-server on a loopback port in a
temporary directory (append-only file, so jobs survive its restart), three instances (A: --role
api, B: --role worker, C: --role all), 16 clients submitting jobs of the smallest fixture
(multiplier) and polling them at any instance, while the test
  - kills B with SIGKILL in the middle of jobs, twice (B is frozen first and killed only when it
    holds a claimed, unacknowledged job), and starts it again; the jobs are reclaimed after the lease (--lease-seconds 2);
  - restarts every instance once (SIGTERM, start again);
  - stops Redis for 10 s and starts it again (the APIs answer 503 with the reason meanwhile);
  - fills the shared queue through two API instances while the workers are stopped: exactly
    --queue jobs are accepted in all, the rest get 429; a queued job is cancelled through another
    instance than the one that took it.
Passes when every accepted job ends succeeded with the public signals of its input, every proof is
valid for snarkjs (all in one Node process) and for `peregrine verify` (a sample), no job is ever
seen with two different results (every job is read again at every instance at the end, and no job
is recorded as finished twice in the logs), and no instance crashed.

usage: redis_test.py <peregrine> <work_dir>       (exit 77: skipped, e.g. no redis-server)
"""
import atexit
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import DATA, P, ServeProcess, build_circuits, check, failures, finish, free_port, log, npm_bin  # noqa: E402,F401
from server_harness import peregrine_verify, skip_without_redis_support, snarkjs_verify_batch, write_proof_files  # noqa: E402

PEREGRINE, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
QUEUE = 48
LEASE = 2

REDIS = shutil.which("redis-server")
if not REDIS:
    print("SKIP: no redis-server (Debian's redis-server package)")
    sys.exit(77)
skip_without_redis_support(PEREGRINE)

shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
BIN = npm_bin()
# The circuit: the fixture's key + its witness library built here.
CDIR = build_circuits(PEREGRINE, WORK, ["multiplier"], BIN)


# ---------------------------------------------------------------------------------------------
class Redis:
    def __init__(self):
        self.port = free_port()
        self.dir = os.path.join(WORK, "redis")
        os.makedirs(self.dir)
        self.proc = None

    def start(self):
        self.out = open(os.path.join(self.dir, "redis.log"), "a")
        self.proc = subprocess.Popen([REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                                      "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                                      "--daemonize", "no", "--protected-mode", "yes"],
                                     stdout=self.out, stderr=subprocess.STDOUT)
        for _ in range(100):
            if self.cli("PING") == "PONG":
                return
            time.sleep(0.05)
        sys.exit("FAIL: redis-server did not start (see %s/redis.log)" % self.dir)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)

    def cli(self, *args):
        r = subprocess.run(["redis-cli", "-p", str(self.port)] + list(args), capture_output=True, text=True)
        return r.stdout.strip()


redis = Redis()
redis.start()
atexit.register(lambda: redis.proc.poll() is None and redis.proc.kill())
STORE = "redis://127.0.0.1:%d" % redis.port


class Instance(ServeProcess):
    def __init__(self, name, role, workers):
        super().__init__(name)
        self.role, self.workers = role, workers
        self.start()

    def start(self):
        super().start([PEREGRINE, "serve", "--circuits", CDIR, "--port", "0", "--store", STORE, "--role", self.role,
                       "--workers", str(self.workers), "--threads", "1", "--queue", str(QUEUE),
                       "--lease-seconds", str(LEASE), "--result-ttl", "600", "--drain-seconds", "2"])

    def alive(self):
        return self.port is not None and self.proc.poll() is None

    def kill9(self):
        self.port = None
        self.proc.kill()
        self.proc.wait(10)

    def restart(self):
        self.port = None
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(30)
        check(rc == 0, "%s: SIGTERM -> exit status %s" % (self.name, rc))
        if rc != 0:
            log("%s's last log lines:\n  %s" % (self.name, "\n  ".join(self.log[-80:])))
        self.start()


def request(inst, method, path, body=None, timeout=15):
    try:
        return inst.json_request(method, path, body, timeout)
    except OSError:
        if inst.proc.poll() is not None and inst.port is not None:  # died on its own: say how
            sys.exit("FAIL: %s exited with status %s; its last log lines:\n  %s" %
                     (inst.name, inst.proc.returncode, "\n  ".join(inst.log[-30:])))
        raise


A = Instance("A", "api", 1)
B = Instance("B", "worker", 2)
C = Instance("C", "all", 2)
INSTANCES = [A, B, C]
APIS = [A, C]

# ---------------------------------------------------------------------------------------------
# Clients. jobs: id -> {"expect": public signals, "results": set of proof texts seen}
jobs = {}
jobs_mu = threading.Lock()
stats = {"429": 0, "503": 0, "503_reasons": set(), "conn": 0, "gets": 0}
stop_submitting = threading.Event()
TARGET = 180  # jobs the clients submit (plus the test's own)


def case(rng):
    a, b = rng.randrange(2, 1 << 60), rng.randrange(2, 1 << 60)
    return {"a": str(a), "b": str(b)}, [str(a * b % P)]


def note(st, body):
    if st == 503:
        stats["503"] += 1
        if body and "error" in body:
            stats["503_reasons"].add(body["error"][:60])
    elif st == 429:
        stats["429"] += 1


def submit_one(rng, apis=None):
    """Submits until accepted (a refusal or a connection error is not an accepted job); the id."""
    inp, expect = case(rng)
    while True:
        inst = rng.choice([i for i in (apis or APIS)])
        try:
            st, body = request(inst, "POST", "/v1/circuits/multiplier/proofs", inp)
        except (OSError, http.client.HTTPException):
            stats["conn"] += 1
            time.sleep(0.1)
            continue
        note(st, body)
        if st == 202:
            with jobs_mu:
                jobs[body["id"]] = {"expect": expect, "results": set(), "status": "queued"}
            return body["id"]
        if st not in (429, 503):
            failures.append("submit: unexpected %s %s" % (st, body))
            return None
        time.sleep(0.1 + rng.random() * 0.2)


def poll(rng, jid, deadline):
    while time.time() < deadline:
        inst = rng.choice(INSTANCES)  # any instance answers, the worker too
        try:
            st, body = request(inst, "GET", "/v1/proofs/" + jid)
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
            continue
        stats["gets"] += 1
        note(st, body)
        if st == 503:
            time.sleep(0.2)
            continue
        if st != 200:
            failures.append("GET %s at %s: %s %s" % (jid, inst.name, st, body))
            return
        with jobs_mu:
            jobs[jid]["status"] = body["status"]
            if body["status"] == "succeeded":
                jobs[jid]["results"].add(json.dumps([body["proof"], body["public_signals"]], sort_keys=True))
        if body["status"] in ("succeeded", "failed", "cancelled"):
            return
        time.sleep(0.05)


submitted = [0]


def client(seed):
    rng = random.Random(seed)
    while not stop_submitting.is_set():
        with jobs_mu:
            if submitted[0] >= TARGET:
                break
            submitted[0] += 1
        jid = submit_one(rng)
        if jid:
            poll(rng, jid, time.time() + 120)
        time.sleep(0.6 + rng.random() * 0.6)


def held_jobs(consumer_prefix):
    """Ids of the jobs whose stream entries the consumers (consumer_prefix-0, -1) hold."""
    ids = []
    for k in range(2):
        out = redis.cli("XPENDING", "peregrine:jobs:multiplier", "workers", "-", "+", "100", "%s-%d" % (consumer_prefix, k)).split()
        for entry in out[0::4]:
            fields = redis.cli("XRANGE", "peregrine:jobs:multiplier", entry, entry).split()
            if len(fields) >= 3 and fields[1] == "id":
                ids.append(fields[2])
    return ids


def pending_of(consumer_prefix):
    """Pending (claimed, not acknowledged) entries of the consumers whose name starts with the prefix."""
    out = redis.cli("XPENDING", "peregrine:jobs:multiplier", "workers")
    lines = out.splitlines()
    n = 0
    for i, line in enumerate(lines):
        if line.startswith(consumer_prefix) and i + 1 < len(lines):
            n += int(lines[i + 1])
    return n


clients = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(16)]
for c in clients:
    c.start()
time.sleep(1.0)

# 1. kill -9 the worker mid-job, twice: B is frozen (SIGSTOP), and killed if it holds a claimed,
# unacknowledged job (the consumer group's pending list), else let go on and tried again, while
# a feeder keeps the queue busy.
kills_done = threading.Event()


def feeder():
    rng = random.Random(999)
    for _ in range(60):
        if kills_done.is_set():
            return
        submit_one(rng)
        time.sleep(0.015)


feed = threading.Thread(target=feeder, daemon=True)
feed.start()
mid_job_kills = 0
killed = {}  # consumer name prefix -> jobs it held
for attempt in range(200):
    if mid_job_kills == 2:
        break
    B.proc.send_signal(signal.SIGSTOP)
    consumer = B.consumer
    held = pending_of(consumer)
    if not held:
        B.proc.send_signal(signal.SIGCONT)
        time.sleep(0.01)
        continue
    B.kill9()
    killed[consumer] = held_jobs(consumer)
    log("kill -9 B (%s) holding %d claimed job(s): %s" % (consumer, pending_of(consumer), killed[consumer]))
    mid_job_kills += 1
    B.start()
    time.sleep(0.2)
kills_done.set()
feed.join(30)
check(mid_job_kills == 2, "kill -9 of a worker in the middle of jobs, twice (%d)" % mid_job_kills)

# 2. Restart every instance once.
for inst in (A, C, B):
    inst.restart()
    log("restarted %s" % inst.name)
    time.sleep(0.5)

# 3. Redis down for 10 s.
time.sleep(1.0)
redis.stop()
log("redis stopped")
time.sleep(2.0)
st503 = []
for inst in INSTANCES:
    try:
        st, body = request(inst, "GET", "/v1/proofs/00000000000000000000000000000000")
        st503.append((inst.name, st, (body or {}).get("error", "")[:80]))
    except OSError as e:
        st503.append((inst.name, "conn", str(e)))
for inst in INSTANCES:
    if inst.proc.poll() is not None:
        log("%s exited with status %s; its last log lines:\n  %s" % (inst.name, inst.proc.returncode,
                                                                  "\n  ".join(inst.log[-15:])))
check(all(s[1] == 503 and "job store is unavailable" in s[2] for s in st503),
      "Redis down: every instance answers 503 with the reason %s" % st503)
time.sleep(8.0)
redis.start()
log("redis started again")

# The clients finish their jobs.
for c in clients:
    c.join(180)
check(not any(c.is_alive() for c in clients), "the clients finished")

# 4. The global queue limit, with the workers stopped; a cancellation across instances.
for inst in (B, C):
    inst.proc.send_signal(signal.SIGSTOP)
time.sleep(0.3)
D = Instance("D", "api", 1)
accepted, refused = [], 0
rng = random.Random(7)
for k in range(QUEUE + 10):
    inp, expect = case(rng)
    st, body = request([A, D][k % 2], "POST", "/v1/circuits/multiplier/proofs", inp)
    if st == 202:
        accepted.append(body["id"])
        with jobs_mu:
            jobs[body["id"]] = {"expect": expect, "results": set(), "status": "queued"}
    elif st == 429:
        refused += 1
depth = redis.cli("ZCARD", "peregrine:queued")
check(len(accepted) == QUEUE and refused == 10,
      "--queue %d holds across two API instances: %d accepted, %d got 429 (queue depth %s)" % (QUEUE, len(accepted), refused, depth))
c = http.client.HTTPConnection("127.0.0.1", D.port, timeout=10)
c.request("GET", "/metrics")
metrics = c.getresponse().read().decode()
c.close()
depth_m = re.search(r"^peregrine_queue_depth (\d+)", metrics, re.M)
age_m = re.search(r"^peregrine_oldest_job_age_seconds ([\d.]+)", metrics, re.M)
check(depth_m and int(depth_m.group(1)) == QUEUE and age_m and float(age_m.group(1)) > 0,
      "metrics: queue depth %s, oldest job age %s s" % (depth_m and depth_m.group(1), age_m and age_m.group(1)))
victim = accepted[0]  # taken by A
st, body = request(D, "DELETE", "/v1/proofs/" + victim)
check(st == 200 and body["status"] == "cancelled", "a queued job taken by A is cancelled through D: %s" % st)
st, body = request(A, "GET", "/v1/proofs/" + victim)
check(st == 200 and body["status"] == "cancelled", "A sees it cancelled")
with jobs_mu:
    del jobs[victim]
D.restart()  # (its own SIGTERM check)
D.proc.send_signal(signal.SIGTERM)
D.proc.wait(30)
for inst in (B, C):
    inst.proc.send_signal(signal.SIGCONT)
rng = random.Random(8)
for jid in accepted[1:]:
    poll(rng, jid, time.time() + 60)

# ---------------------------------------------------------------------------------------------
# Every accepted job succeeded, with one result, seen the same at every instance.
with jobs_mu:
    ids = list(jobs)
log("%d jobs accepted" % len(ids))
deadline = time.time() + 60
for jid in ids:  # the bursts' jobs were not waited for
    if jobs[jid]["status"] not in ("succeeded", "failed", "cancelled"):
        poll(rng, jid, deadline)
not_ok = [j for j in ids if jobs[j]["status"] != "succeeded"]
check(len(ids) >= 200 and not not_ok, "%d accepted jobs, all succeeded (not: %s)" % (len(ids), not_ok[:5]))
for jid in ids:
    for inst in INSTANCES:
        st, body = request(inst, "GET", "/v1/proofs/" + jid)
        if st == 200 and body["status"] == "succeeded":
            jobs[jid]["results"].add(json.dumps([body["proof"], body["public_signals"]], sort_keys=True))
two = [j for j in ids if len(jobs[j]["results"]) > 1]
check(not two, "no job seen with two different results (%d jobs read at 3 instances)" % len(ids))
wrong = [j for j in ids if jobs[j]["results"] and json.loads(next(iter(jobs[j]["results"])))[1] != jobs[j]["expect"]]
check(not wrong, "public signals match the inputs")
recorded = {}
for inst in INSTANCES:
    for e in inst.events("job"):
        if e.get("recorded"):
            recorded[e["id"]] = recorded.get(e["id"], 0) + 1
check(all(v == 1 for v in recorded.values()), "no job recorded as finished twice (%d records, %d discarded)" %
      (len(recorded), sum(1 for i in INSTANCES for e in i.events("job") if not e.get("recorded"))))
reclaimed = {e["id"] for i in INSTANCES for e in i.events("job_reclaimed")}
held = [j for v in killed.values() for j in v]
check(held and all(j in reclaimed and jobs.get(j, {}).get("status") == "succeeded" for j in held),
      "the %d jobs held by the killed workers were reclaimed after the lease and succeeded (%d reclaims in all)" %
      (len(held), len(reclaimed)))
for inst in INSTANCES:
    check(len(inst.events("store_unavailable")) >= 1 and len(inst.events("store_reconnected")) >= 1,
          "%s saw Redis go and come back (%d/%d)" % (inst.name, len(inst.events("store_unavailable")),
                                                     len(inst.events("store_reconnected"))))
    check(inst.proc.poll() is None, "%s still running (no crash)" % inst.name)
log("clients: %d x 429, %d x 503 (%s), %d connection errors, %d GETs" %
    (stats["429"], stats["503"], sorted(stats["503_reasons"])[:2], stats["conn"], stats["gets"]))

# Proofs: all with snarkjs (one Node process), a sample with `peregrine verify`.
vdir = os.path.join(WORK, "verify")
os.makedirs(vdir)
vk = os.path.join(DATA, "multiplier", "verification_key.json")
entries = []
for n, jid in enumerate(ids):
    proof, pub = json.loads(next(iter(jobs[jid]["results"])))
    pp, pu = write_proof_files(vdir, n, proof, pub)
    entries.append([vk, pu, pp])
ok, last = snarkjs_verify_batch(BIN, entries, os.path.join(vdir, "list.json"))
check(ok, "snarkjs: " + last)
sample = entries[:: max(1, len(entries) // 8)]
good = sum(peregrine_verify(PEREGRINE, *e) for e in sample)
check(good == len(sample), "peregrine verify: %d/%d sampled proofs valid" % (good, len(sample)))

for inst in INSTANCES:
    inst.proc.send_signal(signal.SIGTERM)
for inst in INSTANCES:
    try:
        inst.proc.wait(30)
    except subprocess.TimeoutExpired:
        inst.proc.kill()
redis.stop()
finish()
log("redis scale-out test passed")
