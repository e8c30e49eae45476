pragma circom 2.1.0;

// A chain of 200 Poseidon(2) hashes (the benchmark circuit of issue 4), public input x.
include "circomlib/circuits/poseidon.circom";

template PoseidonChain(n) {
    signal input x;
    signal input y;
    signal output out;
    component h[n];
    for (var i = 0; i < n; i++) {
        h[i] = Poseidon(2);
        h[i].inputs[0] <== i == 0 ? x : h[i - 1].out;
        h[i].inputs[1] <== y;
    }
    out <== h[n - 1].out;
}

component main {public [x]} = PoseidonChain(200);
