// SPDX-License-Identifier: MIT OR Apache-2.0
// The package against snarkjs on the fixtures: snarkjs verifies the package's proofs, the package
// verifies snarkjs's, the exports and the .wasm witnesses equal snarkjs's.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { pkg, snarkjs, fixture, releaseSnarkjs } = require('./helpers');

const FIXTURES = ['multiplier', 'multi_io', 'no_public', 'poseidon', 'big'];

test.after(releaseSnarkjs);

for (const name of FIXTURES) {
  test(`${name}: prove (paths), snarkjs verifies`, async () => {
    const f = fixture(name);
    const { proof, publicSignals } = await pkg.groth16.prove(f.zkey, f.wtns);
    assert.equal(proof.protocol, 'groth16');
    assert.equal(proof.curve, 'bn128');
    assert.deepEqual(Object.keys(proof), ['pi_a', 'pi_b', 'pi_c', 'protocol', 'curve']);
    for (const n of [...proof.pi_a, ...proof.pi_b.flat(), ...proof.pi_c]) assert.match(n, /^(0|[1-9][0-9]*)$/);
    assert.deepEqual(publicSignals, f.publicSignals);
    assert.equal(await snarkjs.groth16.verify(f.vk, publicSignals, proof), true);
    assert.equal(await pkg.groth16.verify(f.vk, publicSignals, proof), true);
  });

  test(`${name}: exportVerificationKey equals snarkjs's verification_key.json`, async () => {
    const f = fixture(name);
    assert.deepEqual(await pkg.zKey.exportVerificationKey(f.zkey), f.vk);
    assert.deepEqual(await pkg.zKey.exportVerificationKey(fs.readFileSync(f.zkey)), f.vk);
  });

  test(`${name}: witness from the .wasm is byte-identical to snarkjs's`, async () => {
    const f = fixture(name);
    const ours = await pkg.wtns.calculate(f.input, f.wasm);
    const theirs = { type: 'mem' };
    await snarkjs.wtns.calculate(f.input, f.wasm, theirs);
    assert.ok(Buffer.from(theirs.data).equals(ours));
    assert.ok(fs.readFileSync(f.wtns).equals(ours));
  });
}

test('fullProve with a .wasm (bytes and {type: "mem"} zkey): snarkjs verifies', async () => {
  const f = fixture('multi_io');
  const zkey = { type: 'mem', data: new Uint8Array(fs.readFileSync(f.zkey)) };
  const { proof, publicSignals } = await pkg.groth16.fullProve(f.input, fs.readFileSync(f.wasm), zkey);
  assert.deepEqual(publicSignals, f.publicSignals);
  assert.equal(await snarkjs.groth16.verify(f.vk, publicSignals, proof), true);
});

test("the package verifies snarkjs's proofs and rejects tampered ones as snarkjs does", async () => {
  const f = fixture('multi_io');
  assert.equal(await pkg.groth16.verify(f.vk, f.publicSignals, f.proof), true);
  const badPub = [...f.publicSignals];
  badPub[0] = (BigInt(badPub[0]) + 1n).toString();
  assert.equal(await pkg.groth16.verify(f.vk, badPub, f.proof), false);
  assert.equal(await snarkjs.groth16.verify(f.vk, badPub, f.proof), false);
  const swapped = { ...f.proof, pi_a: f.proof.pi_c, pi_c: f.proof.pi_a };
  assert.equal(await pkg.groth16.verify(f.vk, f.publicSignals, swapped), false);
  const offCurve = { ...f.proof, pi_a: [f.proof.pi_a[0], '5', '1'] };
  assert.equal(await pkg.groth16.verify(f.vk, f.publicSignals, offCurve), false);
  assert.equal(await snarkjs.groth16.verify(f.vk, f.publicSignals, offCurve), false);
});

test('exportSolidityCallData equals snarkjs', async () => {
  const f = fixture('multi_io');
  assert.equal(await pkg.groth16.exportSolidityCallData(f.proof, f.publicSignals),
    await snarkjs.groth16.exportSolidityCallData(f.proof, f.publicSignals));
});

test('exportSolidityVerifier: a Groth16Verifier contract with the key\'s constants', async () => {
  const f = fixture('multi_io');
  const sol = await pkg.zKey.exportSolidityVerifier(f.zkey);
  assert.match(sol, /contract Groth16Verifier/);
  assert.match(sol, /function verifyProof\(\s*uint\[2\] calldata _pA,\s*uint\[2\]\[2\] calldata _pB,\s*uint\[2\] calldata _pC,\s*uint\[8\] calldata _pubSignals\s*\)/);
  const hex = (d) => '0x' + BigInt(d).toString(16).padStart(64, '0');
  assert.ok(sol.includes(hex(f.vk.vk_alpha_1[0])) && sol.includes(hex(f.vk.IC[8][1])));
  // A verification_key.json file gives the same contract.
  const vkFile = require('node:path').join(f.dir, 'verification_key.json');
  assert.equal(await pkg.zKey.exportSolidityVerifier(vkFile), sol);
});

test('Prover: one key, concurrent proofs (paths and buffers), all verified by snarkjs', async () => {
  const f = fixture('big');
  const prover = new pkg.Prover(f.zkey, { threads: 2 });
  const info = await prover.ready();
  assert.equal(info.domainSize, 4096);
  assert.equal(info.threads, 2);
  const w = fs.readFileSync(f.wtns);
  const results = await Promise.all([prover.prove(f.wtns), prover.prove(w), prover.prove(new Uint8Array(w)), prover.prove(f.wtns)]);
  for (const r of results) {
    assert.deepEqual(r.publicSignals, f.publicSignals);
    assert.equal(await snarkjs.groth16.verify(f.vk, r.publicSignals, r.proof), true);
  }
  // Blinding is random: two proofs of one witness differ.
  assert.notDeepEqual(results[0].proof.pi_a, results[1].proof.pi_a);
});

test('threads option: single-threaded and 2-thread proofs verify', async () => {
  const f = fixture('poseidon');
  for (const opts of [{ threads: 1 }, { singleThread: true }, { threads: 2 }]) {
    const r = await pkg.groth16.prove(f.zkey, f.wtns, undefined, opts);
    assert.equal(await snarkjs.groth16.verify(f.vk, r.publicSignals, r.proof), true);
  }
});
