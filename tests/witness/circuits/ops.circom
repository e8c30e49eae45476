pragma circom 2.1.0;

// Field and integer arithmetic, signed comparisons, shifts and bit operations on run-time values
// (inputs, so that circom cannot fold them at compile time), plus circomlib's Num2Bits and
// comparators. Every result is an output, so the witness shows each operation's value.
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/bitify.circom";

template Ops() {
    signal input a;        // any field element ("negative" ones too)
    signal input b;        // nonzero
    signal input k;        // a shift amount: small, negative, or huge
    signal input m[2][3];  // a matrix of small values
    signal output o[64];

    var x = a;
    var y = b;
    o[0] <-- x / y;
    o[1] <-- x \ y;
    o[2] <-- x % y;
    o[3] <-- x << k;
    o[4] <-- x >> k;
    o[5] <-- x & y;
    o[6] <-- x | y;
    o[7] <-- x ^ y;
    o[8] <-- ~x;
    o[9] <-- x ** y;
    o[10] <-- x < y;
    o[11] <-- x > y;
    o[12] <-- x <= y;
    o[13] <-- x >= y;
    o[14] <-- x == y;
    o[15] <-- x != y;
    o[16] <-- x && y;
    o[17] <-- x || k;
    o[18] <-- !x;
    o[19] <-- -x;
    o[20] <-- x * y + x - y;
    o[21] <-- x * x * x;
    o[22] <-- (x + k) \ (m[0][1] + 1);
    o[23] <-- (x - k) % (m[1][2] + 2);
    o[24] <-- k << 3;
    o[25] <-- k >> 1;
    o[26] <-- y << 253;
    o[27] <-- y >> 300;
    o[28] <-- y << -3;
    o[29] <-- y >> -3;
    o[30] <-- x < 0;
    o[31] <-- k < -1;
    o[32] <-- ~k;
    o[33] <-- k & 255;
    o[34] <-- k | 256;
    o[35] <-- k ^ -1;
    o[36] <-- 1 / y;
    o[37] <-- k ** 3;
    o[38] <-- m[0][0] * m[0][1] - m[0][2] * m[1][0] + m[1][1] \ (m[1][2] + 1);
    o[39] <-- (m[0][0] - m[1][1]) / 7;
    o[40] <-- (m[0][0] - m[1][1]) \ 7;
    o[41] <-- (m[0][0] - m[1][1]) % 7;
    o[42] <-- (m[0][0] - m[1][1]) >> 1;
    o[43] <-- (m[0][0] - m[1][1]) << 1;
    o[44] <-- (m[0][0] - m[1][1]) & 0xff;
    o[45] <-- (m[0][0] - m[1][1]) < (m[1][2] - m[0][2]);
    o[46] <-- x ** 0;
    o[47] <-- k * 65536 * 65536;
    o[48] <-- (k * 65536 * 65536) >> 20;
    o[49] <-- x \ 1;

    // A loop with an integer accumulator and array indexing by computed values.
    var acc = 0;
    for (var i = 0; i < 2; i++) {
        for (var j = 0; j < 3; j++) {
            acc = acc * 31 + m[i][j] * (i + 1) - j;
        }
    }
    o[50] <-- acc;
    var idx = (m[0][0] + m[1][1]) % 3;
    o[51] <-- m[1][idx];

    // circomlib: Num2Bits, LessThan, GreaterEqThan, IsZero (its `in != 0 ? 1/in : 0` must not
    // divide by zero when in == 0), IsEqual.
    component bits = Num2Bits(16);
    bits.in <== m[0][0] + m[0][1];
    var back = 0;
    for (var i = 0; i < 16; i++) back += bits.out[i] * (1 << i);
    o[52] <-- back;
    component lt = LessThan(32);
    lt.in[0] <== m[0][0];
    lt.in[1] <== m[1][0];
    o[53] <== lt.out;
    component ge = GreaterEqThan(32);
    ge.in[0] <== m[0][1];
    ge.in[1] <== m[1][1];
    o[54] <== ge.out;
    component z = IsZero();
    z.in <== m[0][2];
    o[55] <== z.out;
    component eq = IsEqual();
    eq.in[0] <== m[0][0];
    eq.in[1] <== m[1][0];
    o[56] <== eq.out;
    component big = Num2Bits_strict();
    big.in <== a;
    var hi = 0;
    for (var i = 200; i < 254; i++) hi += big.out[i] * (1 << (i - 200));
    o[57] <-- hi;
    o[58] <-- x \ y * y + x % y - x;
    o[59] <-- (x >> 128) << 128 | (x & ((1 << 128) - 1));
    o[60] <-- k \ -1;
    o[61] <-- -k % 1000;
    o[62] <-- (k > 10) ? k - 10 : 10 - k;
    o[63] <-- a * b;
}

component main {public [a]} = Ops();
