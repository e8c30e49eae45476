// Verifies many Groth16 proofs with snarkjs in one Node process (its own `groth16 verify`
// function; one process start and curve set-up instead of one per proof).
// usage: node snarkjs_verify_all.js <snarkjs module dir> <list.json: [[vk, public, proof], ...]>
// Prints one line per rejected proof and a summary; exit 0 when every proof is valid.
const fs = require("fs");
const snarkjs = require(process.argv[2]);
const read = (f) => JSON.parse(fs.readFileSync(f, "utf8"));
(async () => {
  const list = read(process.argv[3]);
  const t = Date.now();
  let bad = 0;
  for (const [vk, pub, proof] of list) {
    let ok = false;
    try {
      ok = await snarkjs.groth16.verify(read(vk), read(pub), read(proof));
    } catch (e) {
      console.log("error: " + proof + ": " + e.message);
    }
    if (!ok) {
      bad++;
      console.log("rejected: " + proof);
    }
  }
  console.log(`snarkjs: ${list.length - bad}/${list.length} proofs valid (${Date.now() - t} ms)`);
  process.exit(bad ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
