// SPDX-License-Identifier: MIT OR Apache-2.0
// Shared by the tests: the package under test, snarkjs (the reference) and the fixtures.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const repo = path.resolve(__dirname, '..', '..', '..');
// The package under test: an installed copy (PEREGRINE_NODE_PACKAGE, as the ctest installs it from
// an `npm pack` tarball) or this directory, built.
const pkg = require(process.env.PEREGRINE_NODE_PACKAGE || path.resolve(__dirname, '..'));
const snarkjsDir = process.env.PEREGRINE_SNARKJS || path.join(repo, 'tools', 'node', 'node_modules', 'snarkjs');
const snarkjs = require(snarkjsDir);
const data = path.join(repo, 'tests', 'fixtures', 'data');

function fixture(name) {
  const d = path.join(data, name);
  const json = (f) => JSON.parse(fs.readFileSync(path.join(d, f), 'utf8'));
  return {
    dir: d,
    zkey: path.join(d, 'circuit.zkey'),
    wtns: path.join(d, 'witness.wtns'),
    wasm: path.join(d, 'circuit.wasm'),
    r1cs: path.join(d, 'circuit.r1cs'),
    input: json('input.json'),
    vk: json('verification_key.json'),
    proof: json('proof.json'),
    publicSignals: json('public.json'),
  };
}

// snarkjs keeps its curve's worker threads until terminated.
async function releaseSnarkjs() {
  if (globalThis.curve_bn128) await globalThis.curve_bn128.terminate();
}

module.exports = { pkg, snarkjs, fixture, data, repo, releaseSnarkjs };
