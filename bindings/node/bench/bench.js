// SPDX-License-Identifier: MIT OR Apache-2.0
// prove and fullProve, this package against snarkjs, interleaved in one process (A B A B ...), on
// the benchmark fixture (bench/make-fixture.sh: a Poseidon chain filling a 2^16 domain).
//
// usage: node bench/bench.js [fixture dir] [rounds=3]
//   fixture dir: default ${PEREGRINE_CACHE:-~/.cache/peregrine}/bench/poseidon16
// Environment: PEREGRINE_SNARKJS (snarkjs's directory), PEREGRINE_NODE_PACKAGE (the package).
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '..', '..', '..');
const pkg = require(process.env.PEREGRINE_NODE_PACKAGE || path.resolve(__dirname, '..'));
const snarkjs = require(process.env.PEREGRINE_SNARKJS || path.join(repo, 'tools', 'node', 'node_modules', 'snarkjs'));

const cache = process.env.PEREGRINE_CACHE || path.join(os.homedir(), '.cache', 'peregrine');
const dir = process.argv[2] || path.join(cache, 'bench', 'poseidon16');
const rounds = Number(process.argv[3] || 3);
if (!fs.existsSync(path.join(dir, 'circuit.zkey'))) {
  console.error(`bench: no fixture in ${dir} (make it with bench/make-fixture.sh --power 16)`);
  process.exit(2);
}
const zkey = path.join(dir, 'circuit.zkey');
const wtns = path.join(dir, 'witness.wtns');
const input = JSON.parse(fs.readFileSync(path.join(dir, 'input.json'), 'utf8'));
const wasm = fs.readdirSync(path.join(dir, 'circuit_js')).filter((f) => f.endsWith('.wasm')).map((f) => path.join(dir, 'circuit_js', f))[0];
const vk = JSON.parse(fs.readFileSync(path.join(dir, 'verification_key.json'), 'utf8'));

async function time(fn) {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e6, r];
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

(async () => {
  const cases = {
    'prove/snarkjs': () => snarkjs.groth16.prove(zkey, wtns),
    'prove/peregrine': () => pkg.groth16.prove(zkey, wtns),
    'fullProve/snarkjs': () => snarkjs.groth16.fullProve(input, wasm, zkey),
    'fullProve/peregrine': () => pkg.groth16.fullProve(input, wasm, zkey),
  };
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  console.log(`fixture ${dir}: ${os.cpus().length} cores, ${rounds} rounds (interleaved)`);
  for (let i = 0; i < rounds; i++) {
    for (const [name, fn] of Object.entries(cases)) {
      const [ms, r] = await time(fn);
      if (!(await snarkjs.groth16.verify(vk, r.publicSignals, r.proof))) throw new Error(`${name}: proof does not verify`);
      times[name].push(ms);
    }
  }
  for (const op of ['prove', 'fullProve']) {
    const s = median(times[`${op}/snarkjs`]);
    const p = median(times[`${op}/peregrine`]);
    console.log(`${op.padEnd(10)} snarkjs ${s.toFixed(0).padStart(6)} ms   peregrine ${p.toFixed(0).padStart(6)} ms   ${(s / p).toFixed(1)}x` +
      `   (all: snarkjs ${times[`${op}/snarkjs`].map((x) => x.toFixed(0)).join(', ')}; peregrine ${times[`${op}/peregrine`].map((x) => x.toFixed(0)).join(', ')})`);
  }
  if (globalThis.curve_bn128) await globalThis.curve_bn128.terminate();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
