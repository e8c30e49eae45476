// SPDX-License-Identifier: MIT OR Apache-2.0
// Peregrine's field runtime for the C++ witness code that circom 2.2.x generates (`circom --c`),
// for the BN254 scalar field. It replaces the fr.hpp/fr.cpp/fr.asm circom ships: same element
// layout and function names (the generated <circuit>.cpp, calcwit.hpp and circom.hpp compile
// against this header unchanged), no GMP, no x86 assembly file, and no CPU requirement beyond
// plain x86-64 or aarch64 (the Montgomery product comes from src/field/kernels.hpp, which picks
// an ADX/BMI2 kernel at run time when the CPU has one).
//
// Element representation (as circom's):
//   type Fr_SHORT            value = shortVal (a signed 32-bit integer, taken mod p)
//   type Fr_SHORTMONTGOMERY  value = shortVal, and longVal holds its Montgomery form
//   type Fr_LONG             longVal = the canonical value (< p), little-endian 64-bit limbs
//   type Fr_LONGMONTGOMERY   longVal = value * 2^256 mod p
//
// Semantics are circom's (those of the WebAssembly witness calculator snarkjs runs):
//   * + - * / ** are field operations; / by 0 and the inverse of 0 are errors.
//   * \ and % work on the canonical representatives in [0, p); a zero divisor is an error.
//   * < > <= >= compare signed values: x > (p-1)/2 stands for x - p.
//   * & | ^ ~ work on the canonical 254-bit representatives; a result is reduced by keeping its
//     low 254 bits and subtracting p once if it is still >= p.
//   * x << k and x >> k: k is a signed value; a negative k shifts the other way by -k, and a
//     shift by 254 or more bits gives 0. Left shifts are reduced as the bit operations are.
//   * Fr_toInt gives the signed value's low 32 bits (as circom's runtime does).
// Errors are reported by throwing peregrine::witness::CircuitError (see runtime.hpp); the
// witness driver turns them into a one-line message.
#ifndef PEREGRINE_WITNESS_FR_HPP
#define PEREGRINE_WITNESS_FR_HPP

#include <stdint.h>
#include <string.h>
#include <sys/types.h>  // uint, used by the generated code

#include <string>

#define Fr_N64 4
#define Fr_SHORT 0x00000000
#define Fr_SHORTMONTGOMERY 0x40000000
#define Fr_LONG 0x80000000
#define Fr_LONGMONTGOMERY 0xC0000000

typedef uint64_t FrRawElement[Fr_N64];
typedef struct __attribute__((__packed__)) {
    int32_t shortVal;
    uint32_t type;
    FrRawElement longVal;
} FrElement;
typedef FrElement* PFrElement;

static_assert(sizeof(FrElement) == 40, "circom's .dat constants are 40-byte elements");

extern FrElement Fr_q;        // p, as a long normal element
extern FrElement Fr_R3;       // 2^768 mod p (long Montgomery type, as circom defines it)
extern FrRawElement Fr_rawq;  // p
extern FrRawElement Fr_rawR3; // 2^768 mod p

extern "C" {

// Element copies: the generated code makes millions of them (a Poseidon hash: ~20k), so a call
// costs witness time; but a copy the compiler sees (memcpy, struct assignment) makes it spend 3-5x
// longer on every function of the generated code (its memory optimisations work on every
// statement) for no gain. So the copy is an inline asm block: opaque to the optimiser, as cheap
// to compile as a call, as fast as an inline copy. Out of line elsewhere (other CPUs, sanitizers).
#if (defined(__x86_64__) || defined(__aarch64__)) && !defined(__SANITIZE_ADDRESS__) && !defined(PGW_FR_COPY_CALL)
#define PGW_FR_COPY_INLINE 1
inline void Fr_copy(PFrElement r, PFrElement a) {
#if defined(__x86_64__)
    __asm__("movdqu (%1), %%xmm0\n\tmovdqu 16(%1), %%xmm1\n\tmovq 32(%1), %%xmm2\n\t"
            "movdqu %%xmm0, (%0)\n\tmovdqu %%xmm1, 16(%0)\n\tmovq %%xmm2, 32(%0)"
            :
            : "r"(r), "r"(a)
            : "xmm0", "xmm1", "xmm2", "memory");
#else
    __asm__("ldp q0, q1, [%1]\n\tldr d2, [%1, #32]\n\tstp q0, q1, [%0]\n\tstr d2, [%0, #32]"
            :
            : "r"(r), "r"(a)
            : "v0", "v1", "v2", "memory");
#endif
}
#else
void Fr_copy(PFrElement r, PFrElement a);
#endif
// Out of line, as every operation below (a call costs less than what inlining costs the compiler).
void Fr_copyn(PFrElement r, PFrElement a, int n);

void Fr_add(PFrElement r, PFrElement a, PFrElement b);
void Fr_sub(PFrElement r, PFrElement a, PFrElement b);
void Fr_neg(PFrElement r, PFrElement a);
void Fr_mul(PFrElement r, PFrElement a, PFrElement b);
void Fr_square(PFrElement r, PFrElement a);
void Fr_band(PFrElement r, PFrElement a, PFrElement b);
void Fr_bor(PFrElement r, PFrElement a, PFrElement b);
void Fr_bxor(PFrElement r, PFrElement a, PFrElement b);
void Fr_bnot(PFrElement r, PFrElement a);
void Fr_shl(PFrElement r, PFrElement a, PFrElement b);
void Fr_shr(PFrElement r, PFrElement a, PFrElement b);
void Fr_eq(PFrElement r, PFrElement a, PFrElement b);
void Fr_neq(PFrElement r, PFrElement a, PFrElement b);
void Fr_lt(PFrElement r, PFrElement a, PFrElement b);
void Fr_gt(PFrElement r, PFrElement a, PFrElement b);
void Fr_leq(PFrElement r, PFrElement a, PFrElement b);
void Fr_geq(PFrElement r, PFrElement a, PFrElement b);
void Fr_land(PFrElement r, PFrElement a, PFrElement b);
void Fr_lor(PFrElement r, PFrElement a, PFrElement b);
void Fr_lnot(PFrElement r, PFrElement a);
void Fr_toNormal(PFrElement r, PFrElement a);
void Fr_toLongNormal(PFrElement r, PFrElement a);
void Fr_toMontgomery(PFrElement r, PFrElement a);

int Fr_isTrue(PFrElement a);
int Fr_toInt(PFrElement a);
// The long-form parts of Fr_isTrue and Fr_toInt (inline in earlier versions of this header).
int Fr_isTrueLong(PFrElement a);
int Fr_toIntLong(PFrElement a);

// Raw (Montgomery-form limb) operations, kept for code written against circom's header.
void Fr_rawCopy(FrRawElement r, const FrRawElement a);
void Fr_rawSwap(FrRawElement r, FrRawElement a);
void Fr_rawAdd(FrRawElement r, const FrRawElement a, const FrRawElement b);
void Fr_rawSub(FrRawElement r, const FrRawElement a, const FrRawElement b);
void Fr_rawNeg(FrRawElement r, const FrRawElement a);
void Fr_rawMMul(FrRawElement r, const FrRawElement a, const FrRawElement b);
void Fr_rawMSquare(FrRawElement r, const FrRawElement a);
void Fr_rawMMul1(FrRawElement r, const FrRawElement a, uint64_t b);
void Fr_rawToMontgomery(FrRawElement r, const FrRawElement a);
void Fr_rawFromMontgomery(FrRawElement r, const FrRawElement a);
int Fr_rawIsEq(const FrRawElement a, const FrRawElement b);
int Fr_rawIsZero(const FrRawElement a);

// Throws CircuitError("internal error in the witness code").
void Fr_fail();

}  // extern "C"

// Parses s (digits in base 2..36, optional leading '-') into pE, reduced mod p. Throws
// CircuitError on anything else.
void Fr_str2element(PFrElement pE, char const* s, uint base);
// Decimal text of the canonical value; release with delete[] (as the generated code does).
char* Fr_element2str(PFrElement pE);
void Fr_idiv(PFrElement r, PFrElement a, PFrElement b);
void Fr_mod(PFrElement r, PFrElement a, PFrElement b);
void Fr_inv(PFrElement r, PFrElement a);
void Fr_div(PFrElement r, PFrElement a, PFrElement b);
void Fr_pow(PFrElement r, PFrElement a, PFrElement b);

#endif  // PEREGRINE_WITNESS_FR_HPP
