pragma circom 2.1.0;

// A small circuit for the error paths (a failed assert, a failed constraint, a division by zero)
// and for inputs of every shape (scalar, array, matrix, bus).
bus Point() {
    signal x;
    signal y;
}

template Fail() {
    signal input a;        // 13: the assert fails; 55: the constraint fails
    signal input b;        // 1000: division by zero
    signal input v[3];
    signal input m[2][2];
    input Point p;
    signal output out;

    assert(a != 13);
    signal inv;
    inv <-- a != 55 ? 1 / (a - 55) : 0;
    (a - 55) * inv === 1;
    signal q;
    q <-- 1 / (b - 1000);
    signal sum;
    sum <== a + v[0] + v[1] + v[2] + m[0][0] + m[0][1] + m[1][0] + m[1][1] + p.x + p.y;
    out <== sum * q;
}

component main = Fail();
