pragma circom 2.1.0;

// SHA-256 of a 64-bit message (one block), circomlib.
include "circomlib/circuits/sha256/sha256.circom";

component main = Sha256(64);
