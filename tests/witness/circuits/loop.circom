pragma circom 2.1.0;

// A loop bounded by an input signal: input-dependent control flow, beyond the graph engine
// (`circuit build --engine graph` refuses it naming the loop; --engine auto compiles it instead).
template Loop() {
    signal input n;
    signal output out;
    var acc = 0;
    var i = 0;
    while (i < n) {
        acc += i;
        i++;
    }
    out <-- acc;
}

component main = Loop();
