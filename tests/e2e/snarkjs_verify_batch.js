// SPDX-License-Identifier: MIT OR Apache-2.0
// Verifies many Groth16 proofs with snarkjs in one Node process: the same groth16.verify the
// `snarkjs groth16 verify` command calls on the parsed JSON files, with one process start and curve
// set-up instead of one per proof (seconds each on a small machine).
// usage: node snarkjs_verify_batch.js <snarkjs module dir> <list.json: [[vk, public, proof], ...]>
// Prints one line per entry, "<index> OK" or "<index> FAIL[: reason]" (unreadable or malformed JSON
// and exceptions inside snarkjs are FAIL, as the command fails on them), then a summary line;
// exit status 0 when every proof is valid, 1 otherwise.
const fs = require("fs");
const snarkjs = require(process.argv[2]);
const read = (f) => JSON.parse(fs.readFileSync(f, "utf8"));
(async () => {
  const list = read(process.argv[3]);
  const t = Date.now();
  let bad = 0;
  for (let i = 0; i < list.length; i++) {
    const [vk, pub, proof] = list[i];
    let ok = false, why = "";
    try {
      ok = (await snarkjs.groth16.verify(read(vk), read(pub), read(proof))) === true;
    } catch (e) {
      why = ": " + String(e.message).split("\n")[0];
    }
    if (!ok) bad++;
    console.log(`${i} ${ok ? "OK" : "FAIL" + why}`);
  }
  console.log(`snarkjs: ${list.length - bad}/${list.length} proofs valid (${Date.now() - t} ms)`);
  process.exit(bad ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
