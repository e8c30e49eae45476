pragma circom 2.1.0;

// Example: prove knowledge of a secret whose Poseidon hash is public, and that a private
// balance lies in [min, 2^64) without revealing it.
include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

template Preimage() {
    signal input secret;
    signal input nonce;
    signal input balance;
    signal input min;          // public
    signal output commitment;  // Poseidon(secret, nonce)

    component h = Poseidon(2);
    h.inputs[0] <== secret;
    h.inputs[1] <== nonce;
    commitment <== h.out;

    component bits = Num2Bits(64);
    bits.in <== balance;
    component ge = GreaterEqThan(64);
    ge.in[0] <== balance;
    ge.in[1] <== min;
    ge.out === 1;
}

component main {public [min]} = Preimage();
