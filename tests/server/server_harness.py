# SPDX-License-Identifier: MIT OR Apache-2.0
"""What the `peregrine serve` test scripts share (serve_test, limits_test, soak_test, redis_test,
redis_tls_test): the pass/fail tally, the npm tools, circuits built with `peregrine circuit build`
beside the fixtures' keys, free loopback ports, the Redis-support probe, and a serve process whose
JSON log lines are read as they come (its port, its store consumer, its events).
"""
import atexit
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "tests", "fixtures", "data")
P = 21888242871839275222246405745257275088548364400416034343698204186575808495617
T0 = time.time()

failures = []
passed = [0]


def log(msg):
    print("[%5.1fs] %s" % (time.time() - T0, msg), flush=True)


def check(cond, msg):
    """Counts and prints one result ("ok   ..." or "FAIL: ..."); returns cond."""
    log(("ok   " if cond else "FAIL: ") + msg)
    if cond:
        passed[0] += 1
    else:
        failures.append(msg)
    return cond


def finish(t0=T0):
    """The summary line; exit status 1 when anything failed."""
    print("%d passed, %d failed (%.0fs)" % (passed[0], len(failures), time.time() - t0), flush=True)
    if failures:
        print("failures:\n  " + "\n  ".join(failures))
        sys.exit(1)


def npm_bin():
    """tools/node/node_modules/.bin (snarkjs, circom2), installed by scripts/npm-tools.sh if missing."""
    return subprocess.check_output(["bash", os.path.join(ROOT, "scripts", "npm-tools.sh")], text=True).strip()


def build_circuits(peregrine, work, names, bin_dir=None):
    """<work>/circuits with <name>.zkey (the fixture's key) and <name>/ (built here) for each name;
    a circuit is built again when the peregrine binary (hence the runtime) is newer than it.
    peregrine: the command (may be "emulator binary"). Returns the directory."""
    bin_dir = bin_dir or npm_bin()
    cmd = peregrine.split() if isinstance(peregrine, str) else list(peregrine)
    cdir = os.path.join(work, "circuits")
    os.makedirs(cdir, exist_ok=True)
    opt = os.environ.get("WITNESS_OPT", "1")
    for name in names:
        out = os.path.join(cdir, name)
        lib = os.path.join(out, "lib%s-witness.so" % name)
        stamp = os.path.join(out, ".built-O" + opt)
        if not (os.path.exists(stamp) and os.path.getmtime(lib) >= os.path.getmtime(os.path.realpath(cmd[-1]))):
            subprocess.run(["rm", "-rf", out], check=True)
            t = time.time()
            r = subprocess.run(cmd + ["circuit", "build", os.path.join(ROOT, "tests/fixtures/circuits/%s.circom" % name),
                                      "-l", os.path.dirname(bin_dir), "-o", out, "-O", opt,
                                      "--circom", os.path.join(bin_dir, "circom2")],
                               cwd="/", capture_output=True, text=True)
            if r.returncode != 0:
                print(r.stdout + r.stderr)
                sys.exit("FAIL: circuit build %s" % name)
            open(stamp, "w").close()
            log("built %s in %.1fs" % (name, time.time() - t))
        zk = os.path.join(cdir, name + ".zkey")
        if not os.path.lexists(zk):
            os.symlink(os.path.join(DATA, name, "circuit.zkey"), zk)
    return cdir


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def skip_without_redis_support(peregrine):
    """Exit 77 (ctest: skipped) when this peregrine was built without hiredis."""
    probe = subprocess.run([peregrine, "serve", "--circuits", "/nonexistent", "--store", "redis://127.0.0.1:1"],
                           capture_output=True, text=True)
    if "no Redis support" in probe.stderr + probe.stdout:
        print("SKIP: this peregrine was built without hiredis")
        sys.exit(77)


_started = []  # every process started by a ServeProcess: killed at exit if still running


@atexit.register
def _kill_leftovers():
    """A test that stops early (sys.exit on a failure, an exception) leaves no servers behind."""
    for proc in _started:
        if proc.poll() is None:
            proc.kill()


class ServeProcess:
    """`peregrine serve ... --port 0`: started by start(argv); its stderr log lines are kept (self.log,
    across restarts) by a reader thread, which also takes the port ("listening") and the store
    consumer ("store")."""

    def __init__(self, name):
        self.name = name
        self.log = []
        self.proc, self.port, self.consumer, self.reader = None, None, None, None

    def start(self, argv, stdout=subprocess.DEVNULL):
        self.proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, text=True)
        _started.append(self.proc)
        self.port = None
        self.consumer = None
        ready = threading.Event()

        def read(proc):
            for line in proc.stderr:
                line = line.rstrip("\n")
                self.log.append(line)
                if self.consumer is None and '"event":"store"' in line:
                    self.consumer = json.loads(line)["consumer"]
                if self.port is None and '"event":"listening"' in line:
                    m = re.search(r'"port":(\d+)', line)
                    if m:
                        self.port = int(m.group(1))
                        ready.set()
            ready.set()

        self.reader = threading.Thread(target=read, args=(self.proc,), daemon=True)
        self.reader.start()
        if not ready.wait(60) or self.port is None:
            self.proc.kill()
            sys.exit("FAIL: %s did not start:\n%s" % (self.name, "\n".join(self.log[-20:])))

    def events(self, kind):
        """The log lines of one event, parsed."""
        out = []
        for line in list(self.log):
            try:
                j = json.loads(line)
            except ValueError:
                continue
            if j.get("event") == kind:
                out.append(j)
        return out

    def json_request(self, method, path, body=None, timeout=15):
        """(status, parsed JSON body, or its text when it is not JSON, or None when empty)."""
        if self.port is None:
            raise ConnectionError("down")
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=json.dumps(body) if body is not None else None,
                      headers={"Content-Type": "application/json"})
            r = c.getresponse()
            data = r.read()
            try:
                return r.status, json.loads(data) if data else None
            except ValueError:
                return r.status, data.decode("utf-8", "replace")
        finally:
            c.close()


def write_proof_files(directory, n, proof, pub):
    """proof<n>.json and public<n>.json in directory; returns their paths (proof, public)."""
    pp, pu = os.path.join(directory, "proof%d.json" % n), os.path.join(directory, "public%d.json" % n)
    with open(pp, "w") as f:
        json.dump(proof, f)
    with open(pu, "w") as f:
        json.dump(pub, f)
    return pp, pu


def peregrine_verify(peregrine, vk, pub_path, proof_path):
    """`peregrine verify`; peregrine: the command (may be "emulator binary")."""
    cmd = peregrine.split() if isinstance(peregrine, str) else list(peregrine)
    return subprocess.run(cmd + ["verify", vk, pub_path, proof_path], capture_output=True).returncode == 0


def snarkjs_verify_batch(bin_dir, entries, list_path):
    """entries: [[vk, public, proof], ...], all verified by snarkjs's groth16 verify in one Node
    process (tests/e2e/snarkjs_verify_batch.js). Returns (all valid, last line of its output)."""
    with open(list_path, "w") as f:
        json.dump(entries, f)
    r = subprocess.run(["node", os.path.join(ROOT, "tests", "e2e", "snarkjs_verify_batch.js"),
                        os.path.join(os.path.dirname(bin_dir), "snarkjs"), list_path], capture_output=True, text=True)
    return r.returncode == 0, ((r.stdout + r.stderr).strip().splitlines() or ["?"])[-1]
