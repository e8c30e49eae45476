// SPDX-License-Identifier: MIT OR Apache-2.0
// Runs Peregrine's and snarkjs's Groth16 verifier contracts side by side in an in-process EVM.
//   node evm_test.mjs <case dir>...
// Each case directory holds ours.sol, snarkjs.sol and calldata.txt (what `export calldata`
// printed for a valid proof). Both contracts are compiled with solc and deployed; verifyProof
// must return true for the valid proof and false for proofs with A, B or C replaced (by another
// curve point, and by a point off the curve) and for altered public signals (s + 1, s + r), and
// both contracts must agree on every case. Ours may use at most 5% more gas than snarkjs's.
import fs from 'node:fs';
import path from 'node:path';
import solc from 'solc';
import { createEVM } from '@ethereumjs/evm';
import { Account, bytesToHex, createAddressFromString, hexToBytes } from '@ethereumjs/util';

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const GAS_RATIO_MAX = 1.05;

function compile(file, mayFail = false) {
    const input = {
        language: 'Solidity',
        sources: { [path.basename(file)]: { content: fs.readFileSync(file, 'utf8') } },
        settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['evm.bytecode.object', 'evm.methodIdentifiers'] } } },
    };
    const out = JSON.parse(solc.compile(JSON.stringify(input)));
    const diags = (out.errors || []).filter((e) => e.severity === 'error' || e.severity === 'warning');
    if (mayFail && diags.some((e) => e.severity === 'error')) return null;
    for (const e of diags) console.error(`${file}: ${e.formattedMessage.trim()}`);
    if (diags.some((e) => e.severity === 'error')) throw new Error(`${file}: does not compile`);
    const c = out.contracts[path.basename(file)].Groth16Verifier;
    if (!c) throw new Error(`${file}: no contract Groth16Verifier`);
    return { bytecode: c.evm.bytecode.object, ids: c.evm.methodIdentifiers, warnings: diags.length };
}

const word = (v) => v.toString(16).padStart(64, '0');

// The words of a call: [A(2), B(4), C(2), signals(n)] from the calldata text.
function callWords(text) {
    const [a, b, c, pub] = JSON.parse(`[${text}]`);
    return { a: a.map(BigInt), b: b.flat().map(BigInt), c: c.map(BigInt), pub: pub.map(BigInt) };
}

let failures = 0;
function check(cond, msg) {
    if (!cond) {
        failures++;
        console.error(`FAIL: ${msg}`);
    }
}

const evm = await createEVM();
const caller = createAddressFromString('0x00000000000000000000000000000000000000ee');
await evm.stateManager.putAccount(caller, new Account(0n, 10n ** 20n));

async function deploy(bytecode) {
    const res = await evm.runCall({ caller, data: hexToBytes(`0x${bytecode}`), gasLimit: 30_000_000n });
    if (res.execResult.exceptionError || !res.createdAddress) throw new Error(`deployment failed: ${res.execResult.exceptionError}`);
    return res.createdAddress;
}

// Each call starts like a transaction's execution (EIP-2929): a fresh access list in which the
// precompiles, the sender and the called contract are warm. Otherwise the first contract called
// would pay for cold precompiles and the other would not.
function startTransaction(to) {
    evm.journal.cleanJournal();
    for (let i = 1; i <= 0x11; i++) evm.journal.addAlwaysWarmAddress(i.toString(16).padStart(40, '0'));
    evm.journal.addAlwaysWarmAddress(caller.toString());
    evm.journal.addAlwaysWarmAddress(to.toString());
}

async function verify(addr, selector, w) {
    startTransaction(addr);
    const data = `0x${selector}${[...w.a, ...w.b, ...w.c, ...w.pub].map(word).join('')}`;
    const res = await evm.runCall({ caller, to: addr, data: hexToBytes(data), gasLimit: 10_000_000n });
    if (res.execResult.exceptionError) return { verdict: `revert (${res.execResult.exceptionError.error})`, gas: res.execResult.executionGasUsed };
    const ret = bytesToHex(res.execResult.returnValue);
    const verdict = ret === `0x${word(1n)}` ? true : ret === `0x${word(0n)}` ? false : `returned ${ret}`;
    return { verdict, gas: res.execResult.executionGasUsed };
}

// Valid points of the groups, for the tampered proofs.
const G1_GEN = [1n, 2n];
const G2_GEN = [ // x.c1, x.c0, y.c1, y.c0
    11559732032986387107991004021392285783925812861821192530917403151452391805634n,
    10857046999023057135944570762232829481370756359578518086990519993285655852781n,
    4082367875863433681332203403145435568316851327593401208105741076214120093531n,
    8495653923123431417604973247489272438418190587263600148770280649306958101930n,
];

for (const dir of process.argv.slice(2)) {
    const name = path.basename(dir);
    const ours = compile(path.join(dir, 'ours.sol'));
    // snarkjs writes uint[0] for a circuit without public signals, which solc refuses: then
    // ours is checked alone (its verifyProof takes the proof only).
    const theirs = compile(path.join(dir, 'snarkjs.sol'), true);
    check(ours.warnings === 0, `${name}: solc warnings for our contract`);
    const sig = Object.keys(ours.ids).find((k) => k.startsWith('verifyProof('));
    check(sig, `${name}: our contract has no verifyProof`);
    if (!sig) continue;
    if (theirs) {
        check(theirs.ids[sig] === ours.ids[sig], `${name}: verifyProof signatures differ: ${sig} vs ${Object.keys(theirs.ids)}`);
    } else {
        check(sig === 'verifyProof(uint256[2],uint256[2][2],uint256[2])', `${name}: snarkjs's contract does not compile, and ours has ${sig}`);
        console.log(`${name}: snarkjs's contract does not compile (uint[0]); ours checked alone`);
    }
    const selector = ours.ids[sig];
    const addrOurs = await deploy(ours.bytecode);
    const addrTheirs = theirs && (await deploy(theirs.bytecode));
    const valid = callWords(fs.readFileSync(path.join(dir, 'calldata.txt'), 'utf8'));

    const cases = [['valid', valid, true]];
    const tamper = (label, f) => {
        const w = structuredClone(valid);
        f(w);
        cases.push([label, w, false]);
    };
    tamper('A = generator', (w) => { w.a = [...G1_GEN]; });
    tamper('A off the curve', (w) => { w.a[1] = (w.a[1] + 1n); });
    tamper('B = generator', (w) => { w.b = [...G2_GEN]; });
    tamper('B off the curve', (w) => { w.b[0] += 1n; });
    tamper('C = generator', (w) => { w.c = [...G1_GEN]; });
    tamper('C off the curve', (w) => { w.c[0] += 1n; });
    tamper('A and C swapped', (w) => { [w.a, w.c] = [w.c, w.a]; });
    for (let i = 0; i < valid.pub.length; i++) {
        tamper(`signal ${i} + 1`, (w) => { w.pub[i] = (w.pub[i] + 1n) % R; });
        tamper(`signal ${i} + r`, (w) => { w.pub[i] += R; });
    }

    let gasOurs = 0n, gasTheirs = 0n;
    for (const [label, w, want] of cases) {
        const o = await verify(addrOurs, selector, w);
        check(o.verdict === want, `${name}: ${label}: ours says ${o.verdict}, expected ${want}`);
        if (label === 'valid') gasOurs = o.gas;
        if (!theirs) continue;
        const t = await verify(addrTheirs, selector, w);
        check(t.verdict === o.verdict, `${name}: ${label}: ours says ${o.verdict}, snarkjs's says ${t.verdict}`);
        if (label === 'valid') gasTheirs = t.gas;
    }
    if (!theirs) {
        console.log(`${name}: ${valid.pub.length} public, ${cases.length} cases as expected; verifyProof gas: ours ${gasOurs}`);
        continue;
    }
    const ratio = Number(gasOurs) / Number(gasTheirs);
    console.log(`${name}: ${valid.pub.length} public, ${cases.length} cases compared; verifyProof gas: ours ${gasOurs}, snarkjs ${gasTheirs} (x${ratio.toFixed(4)}); bytecode ${ours.bytecode.length / 2} vs ${theirs.bytecode.length / 2} bytes`);
    check(ratio <= GAS_RATIO_MAX, `${name}: our contract uses ${ratio.toFixed(4)}x the gas of snarkjs's (limit ${GAS_RATIO_MAX})`);
}
if (failures) {
    console.error(`${failures} failure(s)`);
    process.exit(1);
}
console.log('evm_test: all cases passed');
