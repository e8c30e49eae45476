// SPDX-License-Identifier: MIT OR Apache-2.0
// Witnesses from circom's WebAssembly (circom 2.x, `--wasm`): the .wtns image (version 2) snarkjs's
// `wtns calculate` writes, computed by running the circuit's wasm in this process.
'use strict';

const fs = require('node:fs');

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;

// 64-bit FNV-1a of a signal name (over UTF-16 code units, as circom's runtime hashes it), as the
// two 32-bit halves the wasm takes.
function signalHash(name) {
  let h = FNV_OFFSET;
  for (let i = 0; i < name.length; i++) {
    h ^= BigInt(name.charCodeAt(i));
    h = (h * FNV_PRIME) & MASK64;
  }
  return [Number(h >> 32n), Number(h & 0xffffffffn)];
}

function flatten(value, out) {
  if (Array.isArray(value)) for (const v of value) flatten(v, out);
  else out.push(value);
  return out;
}

function toField(v, prime, name) {
  let n;
  try {
    n = typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? v : String(v));
  } catch {
    throw new Error(`input: signal ${name}: not a number: ${JSON.stringify(String(v)).slice(0, 80)}`);
  }
  n %= prime;
  return n < 0n ? n + prime : n;
}

const ERROR_CODES = {
  1: 'Signal not found',
  2: 'Too many signals set',
  3: 'Signal already set',
  4: 'Assert Failed',
  5: 'Not enough memory',
  6: 'Input signal array access exceeds the size',
};

const moduleCache = new Map(); // path -> {mtimeMs, size, module}

function compileWasm(wasm) {
  if (typeof wasm === 'string') {
    let st;
    try {
      st = fs.statSync(wasm);
    } catch (e) {
      throw new Error(`${wasm}: cannot open: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
    const hit = moduleCache.get(wasm);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.module;
    const module = compileWasm(fs.readFileSync(wasm));
    moduleCache.set(wasm, { mtimeMs: st.mtimeMs, size: st.size, module });
    return module;
  }
  try {
    return new WebAssembly.Module(wasm);
  } catch (e) {
    throw new Error(`circuit wasm: not a WebAssembly module (${e.message})`);
  }
}

// input: {signal: value | nested arrays of values}; wasm: a path or the module's bytes.
// options.memorySize: pages (64 KiB) of the memory given to the wasm (default 32767, as circom's).
// Returns a Buffer with the .wtns image.
function calculateWitness(input, wasm, options = {}) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TypeError('input: expected an object {signal: value, ...}');
  }
  const module = compileWasm(wasm);
  const exp = WebAssembly.Module.exports(module).map((e) => e.name);
  if (!exp.includes('getWitness') || !exp.includes('getFieldNumLen32')) {
    throw new Error('circuit wasm: not a circom 2 witness calculator (circom 1 wasm is not supported)');
  }
  let instance;
  let errors = '';
  const message = () => {
    let s = '';
    for (let c = instance.exports.getMessageChar(); c !== 0; c = instance.exports.getMessageChar()) {
      s += String.fromCharCode(c);
    }
    return s;
  };
  let logLine = '';
  const runtime = {
    exceptionHandler(code) {
      throw new Error(`input: ${ERROR_CODES[code] || 'Unknown error'}. ${errors}`.trim());
    },
    printErrorMessage() { errors += message() + '\n'; },
    writeBufferMessage() {
      const m = message();
      if (m === '\n') {
        if (options.log !== false) console.log(logLine);
        logLine = '';
      } else {
        logLine += (logLine ? ' ' : '') + m;
      }
    },
    showSharedRWMemory() {
      const n = instance.exports.getFieldNumLen32();
      let v = 0n;
      for (let j = n - 1; j >= 0; j--) v = (v << 32n) | BigInt(instance.exports.readSharedRWMemory(j) >>> 0);
      logLine += (logLine ? ' ' : '') + v.toString();
    },
    error() {}, log() {}, logGetSignal() {}, logSetSignal() {}, logStartComponent() {}, logFinishComponent() {},
    printDebug() {},
  };
  const imports = { runtime };
  if (WebAssembly.Module.imports(module).some((i) => i.kind === 'memory')) {
    imports.env = { memory: new WebAssembly.Memory({ initial: options.memorySize || 32767 }) };
  }
  instance = new WebAssembly.Instance(module, imports);
  const x = instance.exports;
  const n32 = x.getFieldNumLen32();
  const readShared = () => {
    let v = 0n;
    for (let j = n32 - 1; j >= 0; j--) v = (v << 32n) | BigInt(x.readSharedRWMemory(j) >>> 0);
    return v;
  };
  x.getRawPrime();
  const prime = readShared();

  x.init(options.sanityCheck ? 1 : 0);
  let count = 0;
  for (const name of Object.keys(input)) {
    const [hi, lo] = signalHash(name);
    const values = flatten(input[name], []);
    if (typeof x.getInputSignalSize === 'function') {
      const size = x.getInputSignalSize(hi, lo);
      if (size < 0) throw new Error(`input: signal ${name} is not an input of the circuit`);
      if (values.length !== size) {
        throw new Error(`input: signal ${name}: ${values.length < size ? 'not enough' : 'too many'} values (${values.length}, the circuit expects ${size})`);
      }
    }
    values.forEach((v, i) => {
      let n = toField(v, prime, name);
      for (let j = 0; j < n32; j++) {
        x.writeSharedRWMemory(j, Number(n & 0xffffffffn));
        n >>= 32n;
      }
      x.setInputSignal(hi, lo, i);
      count++;
    });
  }
  if (count < x.getInputSize()) {
    throw new Error(`input: ${count} input values set, but the circuit has ${x.getInputSize()}`);
  }

  // .wtns version 2: header section (n8, prime, count), then the values.
  const nWit = x.getWitnessSize();
  const n8 = n32 * 4;
  const buf = Buffer.alloc(12 + (12 + 4 + n8 + 4) + (12 + n8 * nWit));
  let p = buf.write('wtns', 0, 'latin1');
  p = buf.writeUInt32LE(2, p);
  p = buf.writeUInt32LE(2, p);
  p = buf.writeUInt32LE(1, p);
  p = buf.writeBigUInt64LE(BigInt(4 + n8 + 4), p);
  p = buf.writeUInt32LE(n8, p);
  x.getRawPrime();
  for (let j = 0; j < n32; j++) p = buf.writeUInt32LE(x.readSharedRWMemory(j) >>> 0, p);
  p = buf.writeUInt32LE(nWit, p);
  p = buf.writeUInt32LE(2, p);
  p = buf.writeBigUInt64LE(BigInt(n8 * nWit), p);
  for (let i = 0; i < nWit; i++) {
    x.getWitness(i);
    for (let j = 0; j < n32; j++) p = buf.writeUInt32LE(x.readSharedRWMemory(j) >>> 0, p);
  }
  return buf;
}

module.exports = { calculateWitness };
