// SPDX-License-Identifier: MIT OR Apache-2.0
// peregrine-groth16: snarkjs's groth16 API (prove, fullProve, verify, the key and Solidity exports)
// on Peregrine's native prover. Every call returns a Promise; the work runs off the main thread
// (except a .wasm witness, which runs in this thread as with snarkjs).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const native = loadAddon();
const { calculateWitness } = require('./lib/wasm_witness');

function loadAddon() {
  try {
    return require('./build/Release/peregrine.node');
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
    throw new Error(`peregrine-groth16: the native addon is not built (${path.join(__dirname, 'build', 'Release', 'peregrine.node')}); ` +
      'run `npm rebuild peregrine-groth16` (or `npx cmake-js compile` in the package directory)');
  }
}

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

// ---------------------------------------------------------------- arguments

function isLogger(o) {
  return ['info', 'debug', 'error', 'warn'].some((k) => typeof o[k] === 'function');
}

// The first plain object among the candidates that is not a snarkjs logger: the options.
function pickOptions(...candidates) {
  for (const c of candidates) if (c && typeof c === 'object' && !isLogger(c)) return c;
  return {};
}

function threadsOf(opts) {
  if (opts.singleThread) return 1;
  return opts.threads === undefined ? undefined : opts.threads;
}

// A file argument as the native side takes it: a path or a Uint8Array. Also snarkjs's
// {type: "mem", data} and {type: "file", fileName} descriptors, and ArrayBuffers.
function fileArg(x, what) {
  if (typeof x === 'string' || x instanceof Uint8Array) return x;
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  if (x && typeof x === 'object') {
    if (x.type === 'mem' && x.data instanceof Uint8Array) return x.data;
    if (x.type === 'mem' && x.data instanceof ArrayBuffer) return new Uint8Array(x.data);
    if (x.type === 'file' && typeof x.fileName === 'string') return x.fileName;
  }
  throw new TypeError(`${what}: expected a file name or a Uint8Array/Buffer`);
}

function bigintReplacer(_k, v) {
  return typeof v === 'bigint' ? v.toString() : v;
}

// A JSON document given as an object, as JSON text, as bytes, or as a file name.
function jsonText(x, what) {
  if (x instanceof Uint8Array) return Buffer.from(x).toString('utf8');
  if (typeof x === 'string') {
    const t = x.trimStart();
    if (t.startsWith('{') || t.startsWith('[')) return x;
    try {
      return fs.readFileSync(x, 'utf8');
    } catch (e) {
      throw new Error(`${x}: cannot read the ${what}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
  }
  if (x && typeof x === 'object') return JSON.stringify(x, bigintReplacer);
  throw new TypeError(`${what}: expected an object, JSON text or a file name`);
}

// Runs fn(token) with cancellation from an AbortSignal: an aborted call rejects with signal.reason.
async function cancellable(signal, fn) {
  if (!signal) return fn(undefined);
  if (signal.aborted) throw signal.reason;
  const token = native.createCancel();
  const onAbort = () => native.cancel(token);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await fn(token);
  } catch (e) {
    if (signal.aborted && e && e.name === 'AbortError') throw signal.reason;
    throw e;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function proofResult([proofJson, publicJson]) {
  return { proof: JSON.parse(proofJson), publicSignals: JSON.parse(publicJson) };
}

// ---------------------------------------------------------------- witnesses

// A `peregrine circuit build` output: a directory, or its lib<name>-witness.so.
function isCircuitDir(x) {
  if (typeof x !== 'string') return false;
  if (x.endsWith('.so')) return true;
  try {
    return fs.statSync(x).isDirectory();
  } catch {
    return false;
  }
}

function inputText(input) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TypeError('input: expected an object {signal: value, ...}');
  }
  return JSON.stringify(input, bigintReplacer);
}

function wasmArg(x) {
  if (typeof x === 'string' || x instanceof Uint8Array) return x;
  if (x && typeof x === 'object' && x.type === 'mem' && x.data) return x.data;
  if (x && typeof x === 'object' && x.type === 'file') return x.fileName;
  throw new TypeError('circuit: expected a .wasm file name or bytes, or a `peregrine circuit build` directory');
}

// wtns.calculate(input, wasmOrCircuitDir[, wtnsFileName | {type: "mem"}]) -> Buffer (.wtns image)
async function wtnsCalculate(input, circuit, out, options = {}) {
  let w;
  if (isCircuitDir(circuit)) w = await native.witness(inputText(input), circuit);
  else w = calculateWitness(input, wasmArg(circuit), options);
  if (typeof out === 'string') await fs.promises.writeFile(out, w);
  else if (out && typeof out === 'object' && out.type === 'mem') out.data = new Uint8Array(w);
  return w;
}

// ---------------------------------------------------------------- groth16

// prove(zkey, wtns[, logger][, {threads, singleThread, signal}]) -> {proof, publicSignals}
async function prove(zkey, wtns, logger, options) {
  const opts = pickOptions(logger, options);
  const k = fileArg(zkey, 'zkey');
  const w = fileArg(wtns, 'witness');
  return proofResult(await cancellable(opts.signal, (t) => native.prove(k, w, threadsOf(opts), t)));
}

// fullProve(input, wasmOrCircuitDir, zkey[, logger, wtnsCalcOptions, proverOptions])
async function fullProve(input, circuit, zkey, logger, wtnsCalcOptions, proverOptions) {
  const opts = pickOptions(proverOptions, logger);
  const k = fileArg(zkey, 'zkey');
  if (isCircuitDir(circuit)) {
    const text = inputText(input);
    return proofResult(await cancellable(opts.signal, (t) => native.fullProve(text, circuit, k, threadsOf(opts), t)));
  }
  if (opts.signal && opts.signal.aborted) throw opts.signal.reason;
  const w = calculateWitness(input, wasmArg(circuit), wtnsCalcOptions || {});
  return proofResult(await cancellable(opts.signal, (t) => native.prove(k, w, threadsOf(opts), t)));
}

const INVALID_VALUE = /not on the curve|not in the order-r subgroup|not below the/;

// verify(vk, publicSignals, proof[, logger]) -> boolean. As snarkjs: false (not an error) for public
// signals outside the field and for proof points off the curve; an error for malformed input.
async function verify(vk, publicSignals, proof, logger) {
  const vkText = jsonText(vk, 'verification key');
  if (!Array.isArray(publicSignals) && typeof publicSignals !== 'string') {
    throw new TypeError('public signals: expected an array');
  }
  if (Array.isArray(publicSignals)) {
    for (const s of publicSignals) {
      let v;
      try {
        v = BigInt(s);
      } catch {
        throw new Error(`public signals: not a number: ${JSON.stringify(String(s)).slice(0, 80)}`);
      }
      if (v < 0n || v >= R) {
        if (logger && isLogger(logger)) logger.error('Public inputs are not valid.');
        return false;
      }
    }
  }
  const pubText = jsonText(publicSignals, 'public signals');
  const proofText = jsonText(proof, 'proof');
  try {
    const ok = await native.verify(vkText, pubText, proofText);
    if (logger && isLogger(logger)) (ok ? logger.info('OK!') : logger.error('Invalid proof'));
    return ok;
  } catch (e) {
    if (/^(proof|public signals)/.test(e.message) && INVALID_VALUE.test(e.message)) {
      if (logger && isLogger(logger)) logger.error(e.message);
      return false;
    }
    throw e;
  }
}

// exportSolidityCallData(proof, publicSignals) -> the arguments of verifyProof, as snarkjs prints them
async function exportSolidityCallData(proof, publicSignals) {
  return native.solidityCallData(jsonText(publicSignals, 'public signals'), jsonText(proof, 'proof'));
}

// ---------------------------------------------------------------- zKey

async function exportVerificationKey(zkey) {
  return JSON.parse(await native.exportVerificationKey(fileArg(zkey, 'zkey')));
}

// exportSolidityVerifier(zkeyOrVkJsonFile[, templates, logger]): Peregrine's own contract
// (templates are not used).
async function exportSolidityVerifier(zkey) {
  return native.exportSolidityVerifier(fileArg(zkey, 'zkey'));
}

// ---------------------------------------------------------------- Prover

// A proving key loaded once, for many proofs; prove() may be called concurrently.
class Prover {
  constructor(zkey, options = {}) {
    this._handle = native.loadProver(fileArg(zkey, 'zkey'), threadsOf(options));
    this._handle.catch(() => {}); // reported by the first prove() or ready()
  }

  // Resolves when the key is loaded: {nVars, nPublic, domainSize, threads}.
  async ready() {
    return native.proverInfo(await this._handle);
  }

  // prove(wtns[, {signal}]) -> {proof, publicSignals}; wtns: a .wtns file name or bytes.
  async prove(wtns, options = {}) {
    const h = await this._handle;
    const w = fileArg(wtns, 'witness');
    return proofResult(await cancellable(options.signal, (t) => native.proverProve(h, w, t)));
  }

  // fullProve(input, wasmOrCircuitDir[, {signal}]): the witness, then prove() with this key.
  async fullProve(input, circuit, options = {}) {
    const w = await wtnsCalculate(input, circuit, undefined, options);
    return this.prove(w, options);
  }
}

module.exports = {
  groth16: { prove, fullProve, verify, exportSolidityCallData },
  zKey: { exportVerificationKey, exportSolidityVerifier },
  wtns: { calculate: wtnsCalculate },
  Prover,
  version: require('./package.json').version,
};
