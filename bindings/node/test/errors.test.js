// SPDX-License-Identifier: MIT OR Apache-2.0
// Bad inputs reject with one clear Error (the CLI's message), cancellation with an AbortError.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, fixture, data } = require('./helpers');

const m = fixture('multiplier');
const big = fixture('big');

async function rejects(promise, re, type = Error) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${e && e.constructor.name}: ${e && e.message}`);
    assert.match(e.message, re);
    return true;
  });
}

test('missing files name the file', async () => {
  await rejects(pkg.groth16.prove('/nonexistent/k.zkey', m.wtns), /^\/nonexistent\/k\.zkey: cannot open/);
  await rejects(pkg.groth16.prove(m.zkey, '/nonexistent/w.wtns'), /^\/nonexistent\/w\.wtns: cannot open/);
  await rejects(pkg.zKey.exportVerificationKey('/nonexistent/k.zkey'), /k\.zkey: cannot open/);
  await rejects(pkg.groth16.fullProve(m.input, '/nonexistent/c.wasm', m.zkey), /c\.wasm: cannot open: no such file/);
});

test('swapped arguments, wrong file kinds', async () => {
  await rejects(pkg.groth16.prove(m.wtns, m.zkey), /witness\.wtns: not a \.zkey file/);
  await rejects(pkg.groth16.prove(m.zkey, m.zkey), /circuit\.zkey: .*wtns/i);
  await rejects(pkg.groth16.prove(path.join(data, 'bad', 'plonk_multiplier.zkey'), m.wtns), /plonk_multiplier\.zkey: .*(groth16|protocol)/i);
  await rejects(pkg.groth16.prove(path.join(data, 'bad', 'bls_multiplier.zkey'), m.wtns), /bls_multiplier\.zkey: .*(curve|bn128|bls)/i);
});

test('truncated and corrupt buffers', async () => {
  const k = fs.readFileSync(m.zkey);
  await rejects(pkg.groth16.prove(k.subarray(0, k.length - 100), m.wtns), /^zkey buffer: /);
  await rejects(pkg.groth16.prove(new Uint8Array(0), m.wtns), /^zkey buffer: /);
  const w = Buffer.from(fs.readFileSync(m.wtns));
  await rejects(pkg.groth16.prove(m.zkey, w.subarray(0, 50)), /^witness buffer: /);
});

test('a witness of another circuit, an unsatisfied witness', async () => {
  await rejects(pkg.groth16.prove(m.zkey, big.wtns), /big\/witness\.wtns: invalid witness length: 4094 values, but .*multiplier\/circuit\.zkey expects 4/);
  const w = Buffer.from(fs.readFileSync(m.wtns));
  w[w.length - 32] ^= 1; // the last witness value
  await rejects(pkg.groth16.prove(m.zkey, w), /does not satisfy|not satisf/i);
});

test('argument types', async () => {
  await rejects(pkg.groth16.prove(42, m.wtns), /zkey: expected a file name or a Uint8Array\/Buffer/, TypeError);
  await rejects(pkg.groth16.prove(m.zkey, m.wtns, undefined, { threads: -1 }), /threads/, RangeError);
  await rejects(pkg.groth16.fullProve('a=1', m.wasm, m.zkey), /input: expected an object/, TypeError);
});

test('circuit inputs: unknown, missing, too many, not numbers, failed assert', async () => {
  await rejects(pkg.groth16.fullProve({ ...m.input, c: 1 }, m.wasm, m.zkey), /signal c is not an input/);
  await rejects(pkg.groth16.fullProve({ a: 1 }, m.wasm, m.zkey), /input: 1 input values set, but the circuit has 2/);
  await rejects(pkg.groth16.fullProve({ a: [1, 2], b: 3 }, m.wasm, m.zkey), /signal a: too many values/);
  await rejects(pkg.groth16.fullProve({ a: 'x', b: 3 }, m.wasm, m.zkey), /signal a: not a number/);
  await rejects(pkg.groth16.fullProve(m.input, m.zkey, m.zkey), /not a WebAssembly module/);
});

test('verify: malformed inputs reject, wrong counts reject', async () => {
  await rejects(pkg.groth16.verify('{"protocol": "groth16"', m.publicSignals, m.proof), /verification key: malformed JSON/);
  await rejects(pkg.groth16.verify(m.vk, m.publicSignals, { ...m.proof, pi_b: undefined }), /^proof: .*pi_b/);
  await rejects(pkg.groth16.verify(m.vk, [], m.proof), /public signals: 0 public signals, but the verification key expects 1/);
  await rejects(pkg.groth16.verify(m.vk, ['abc'], m.proof), /public signals: not a number/);
  await rejects(pkg.groth16.verify(m.vk, m.publicSignals, '/nonexistent/proof.json'), /proof\.json: cannot read the proof/);
});

test('AbortSignal: already aborted, and aborted while proving', async () => {
  const ac = new AbortController();
  ac.abort();
  await rejects(pkg.groth16.prove(big.zkey, big.wtns, undefined, { signal: ac.signal }), /aborted/);
  const ac2 = new AbortController();
  const p = pkg.groth16.prove(big.zkey, big.wtns, { signal: ac2.signal });
  ac2.abort();
  await assert.rejects(p, (e) => e.name === 'AbortError');
  const prover = new pkg.Prover(big.zkey);
  const ac3 = new AbortController();
  const q = prover.prove(big.wtns, { signal: ac3.signal });
  setImmediate(() => ac3.abort(new Error('stop')));
  await assert.rejects(q, /stop|aborted/);
  // The prover still works afterwards.
  const r = await prover.prove(big.wtns);
  assert.deepEqual(r.publicSignals, big.publicSignals);
});

test('Prover: a bad key rejects at ready() and prove()', async () => {
  const p = new pkg.Prover(m.wtns);
  await rejects(p.ready(), /not a \.zkey file/);
  await rejects(p.prove(m.wtns), /not a \.zkey file/);
});
