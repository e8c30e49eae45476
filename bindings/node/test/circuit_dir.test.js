// SPDX-License-Identifier: MIT OR Apache-2.0
// fullProve and wtns.calculate with a `peregrine circuit build` directory (witness in process, native).
// Needs the CLI to build the circuit: PEREGRINE_CLI (the ctest passes it); skipped without it, or
// PEREGRINE_CIRCUIT_DIR naming an existing build of tests/fixtures/circuits/multi_io.circom.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { pkg, snarkjs, fixture, repo, releaseSnarkjs } = require('./helpers');

function circuitDir() {
  if (process.env.PEREGRINE_CIRCUIT_DIR) return process.env.PEREGRINE_CIRCUIT_DIR;
  const cli = process.env.PEREGRINE_CLI;
  if (!cli) return null;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'peregrine-node-'));
  const bin = path.join(repo, 'tools', 'node', 'node_modules', '.bin');
  const rel = (p) => path.relative(repo, p);
  // circom runs under WASI and sees only paths below its working directory: the repository.
  execFileSync(cli, ['circuit', 'build', rel(path.join(repo, 'tests/fixtures/circuits/multi_io.circom')),
    '-l', rel(path.join(bin, '..')), '-o', path.join(out, 'multi_io'), '--circom', path.join(bin, 'circom2')],
  { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  return path.join(out, 'multi_io');
}

const dir = circuitDir();

test('circuit directory: witness and fullProve in process', { skip: !dir && 'set PEREGRINE_CLI to build a circuit' }, async () => {
  const f = fixture('multi_io');
  const w = await pkg.wtns.calculate(f.input, dir);
  assert.ok(fs.readFileSync(f.wtns).equals(w));
  const { proof, publicSignals } = await pkg.groth16.fullProve(f.input, dir, f.zkey);
  assert.deepEqual(publicSignals, f.publicSignals);
  assert.equal(await snarkjs.groth16.verify(f.vk, publicSignals, proof), true);
  await assert.rejects(pkg.groth16.fullProve({ a: 1 }, dir, f.zkey), /^Error: input: /);
  const m = fixture('multiplier');
  await assert.rejects(pkg.groth16.fullProve(f.input, dir, m.zkey), /circuit\.zkey: proving key has 4 variables, but circuit multi_io/);
  await releaseSnarkjs();
});
