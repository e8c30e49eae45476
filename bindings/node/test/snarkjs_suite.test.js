// SPDX-License-Identifier: MIT OR Apache-2.0
// snarkjs's own Groth16 tests (test/fullprocess.js in the snarkjs repository, 0.7.x) with the import
// swapped to this package. The steps that apply are the Groth16 ones after the trusted setup:
//   "zkey export verificationkey", "witness calculate", "groth16 proof", "groth16 verify" (with the
//   aliased public signal, which must not verify), "groth16 proof singleThreaded" and
//   "groth16 verify (proof singleThreaded)"; "checks witness complies with r1cs" runs snarkjs's
//   wtns.check on the package's witness.
// Not applicable (no such API in the package): powersoftau *, zkey new/contribute/bellman/beacon/
// verify (the setup is the CLI's), plonk *, fflonk * (fflonk.test.js), polynomial.test.js and
// keypar_test.js (ffjavascript internals). The setup's output is taken from the fixture (a zkey
// made by snarkjs), held in memory as the original's {type: "mem"} objects.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { pkg: snarkjs, snarkjs: reference, fixture, releaseSnarkjs } = require('./helpers');

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

test('snarkjs test/fullprocess.js, Groth16 steps, against the package', async (t) => {
  const f = fixture('multi_io');
  const zkey_final = { type: 'mem', data: new Uint8Array(fs.readFileSync(f.zkey)) };
  const wtns = { type: 'mem' };
  let vKey, proof, publicSignals, publicSignalsWithAlias;

  t.after(releaseSnarkjs);

  await t.test('zkey export verificationkey', async () => {
    vKey = await snarkjs.zKey.exportVerificationKey(zkey_final);
  });
  await t.test('witness calculate', async () => {
    await snarkjs.wtns.calculate(f.input, f.wasm, wtns);
  });
  await t.test('checks witness complies with r1cs (snarkjs wtns.check)', async () => {
    assert.ok(await reference.wtns.check(f.r1cs, wtns));
  });
  await t.test('groth16 proof', async () => {
    const res = await snarkjs.groth16.prove(zkey_final, wtns);
    proof = res.proof;
    publicSignals = res.publicSignals;
    publicSignalsWithAlias = [...res.publicSignals];
    publicSignalsWithAlias[1] = BigInt(res.publicSignals[1]) + R;
  });
  await t.test('groth16 verify', async () => {
    const res = await snarkjs.groth16.verify(vKey, publicSignals, proof);
    assert(res == true);
    const res2 = await snarkjs.groth16.verify(vKey, publicSignalsWithAlias, proof);
    assert(res2 == false);
  });
  await t.test('groth16 proof singleThreaded', async () => {
    const res = await snarkjs.groth16.prove(zkey_final, wtns, undefined, { singleThread: true });
    proof = res.proof;
    publicSignals = res.publicSignals;
    publicSignalsWithAlias = [...res.publicSignals];
    publicSignalsWithAlias[1] = BigInt(res.publicSignals[1]) + R;
  });
  await t.test('groth16 verify (proof singleThreaded)', async () => {
    const res = await snarkjs.groth16.verify(vKey, publicSignals, proof);
    assert(res == true);
    const res2 = await snarkjs.groth16.verify(vKey, publicSignalsWithAlias, proof);
    assert(res2 == false);
    // And the reference agrees.
    assert.equal(await reference.groth16.verify(vKey, publicSignals, proof), true);
  });
});
