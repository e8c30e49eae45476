// SPDX-License-Identifier: MIT OR Apache-2.0
// Per-architecture arithmetic kernels for 4x64-bit Montgomery fields.
// Everything above this header is portable; this is the only place with architecture-specific
// code. The portable kernels (unsigned __int128) compile to mul/umulh on aarch64 and run on any
// x86-64. On x86-64 CPUs with ADX and BMI2 the Montgomery product switches, at run time, to a
// mulx/adcx/adox kernel; the binary itself never requires those extensions (no SIGILL on older
// CPUs). PEREGRINE_NO_ADX=1 in the environment forces the portable kernel.
#pragma once
#include <cstddef>
#include <cstdint>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace peregrine::kernels {

using u64 = std::uint64_t;
using u128 = unsigned __int128;

#if defined(__x86_64__)
inline u64 addc(u64 a, u64 b, u64& carry) {
    unsigned long long r;
    carry = _addcarry_u64((unsigned char)carry, a, b, &r);
    return r;
}
inline u64 subb(u64 a, u64 b, u64& borrow) {
    unsigned long long r;
    borrow = _subborrow_u64((unsigned char)borrow, a, b, &r);
    return r;
}
#else
inline u64 addc(u64 a, u64 b, u64& carry) {
    u128 t = (u128)a + b + carry;
    carry = (u64)(t >> 64);
    return (u64)t;
}
inline u64 subb(u64 a, u64 b, u64& borrow) {
    u128 t = (u128)a - b - borrow;
    borrow = (u64)(t >> 127);
    return (u64)t;
}
#endif

// r = a + b mod m, for a, b < m and m < 2^255 (so the sum never overflows 256 bits).
[[gnu::always_inline]] inline void mod_add4(u64 r[4], const u64 a[4], const u64 b[4], const u64 m[4]) {
    u64 c = 0;
    const u64 s0 = addc(a[0], b[0], c), s1 = addc(a[1], b[1], c), s2 = addc(a[2], b[2], c), s3 = addc(a[3], b[3], c);
    u64 br = 0;
    const u64 t0 = subb(s0, m[0], br), t1 = subb(s1, m[1], br), t2 = subb(s2, m[2], br), t3 = subb(s3, m[3], br);
    // br == 1 means s < m: keep s.
    r[0] = br ? s0 : t0;
    r[1] = br ? s1 : t1;
    r[2] = br ? s2 : t2;
    r[3] = br ? s3 : t3;
}

// r = a - b mod m, for a, b < m.
[[gnu::always_inline]] inline void mod_sub4(u64 r[4], const u64 a[4], const u64 b[4], const u64 m[4]) {
    u64 br = 0;
    const u64 t0 = subb(a[0], b[0], br), t1 = subb(a[1], b[1], br), t2 = subb(a[2], b[2], br), t3 = subb(a[3], b[3], br);
    const u64 mask = 0 - br;
    u64 c = 0;
    r[0] = addc(t0, m[0] & mask, c);
    r[1] = addc(t1, m[1] & mask, c);
    r[2] = addc(t2, m[2] & mask, c);
    r[3] = addc(t3, m[3] & mask, c);
}

// Montgomery product r = a*b*2^-256 mod m (CIOS). Requires m's top limb < 2^63 - 1,
// which lets the carry out of each round stay in the top limb (no fifth limb). Each round is
// two single carry chains: t += a_i*b, then t += k*m with k = t_0 * inv, shifted down a limb.
// GCC keeps this form in registers (as a function of its own: 26 ns on a Zen 3 core) but
// interleaved product-and-reduction chains, or this code inlined into a loop at -O3, spill and
// run at 35-39 ns; on x86-64 the loops therefore call it (mont_mul4_portable_call).
[[gnu::always_inline]] inline void mont_mul4_portable(u64 r[4], const u64 a[4], const u64 b[4], const u64 m[4], u64 inv) {
    u64 t0 = 0, t1 = 0, t2 = 0, t3 = 0;
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
        const u64 ai = a[i];
        const u128 p0 = (u128)ai * b[0] + t0;
        const u128 p1 = (u128)ai * b[1] + t1 + (u64)(p0 >> 64);
        const u128 p2 = (u128)ai * b[2] + t2 + (u64)(p1 >> 64);
        const u128 p3 = (u128)ai * b[3] + t3 + (u64)(p2 >> 64);
        const u64 k = (u64)p0 * inv;
        const u128 q0 = (u128)k * m[0] + (u64)p0;  // low limb becomes 0
        const u128 q1 = (u128)k * m[1] + (u64)p1 + (u64)(q0 >> 64);
        const u128 q2 = (u128)k * m[2] + (u64)p2 + (u64)(q1 >> 64);
        const u128 q3 = (u128)k * m[3] + (u64)p3 + (u64)(q2 >> 64);
        t0 = (u64)q1;
        t1 = (u64)q2;
        t2 = (u64)q3;
        t3 = (u64)(p3 >> 64) + (u64)(q3 >> 64);
    }
    u64 br = 0, s[4];
    s[0] = subb(t0, m[0], br);
    s[1] = subb(t1, m[1], br);
    s[2] = subb(t2, m[2], br);
    s[3] = subb(t3, m[3], br);
    const u64 keep = 0 - br;  // t < m
    r[0] = (t0 & keep) | (s[0] & ~keep);
    r[1] = (t1 & keep) | (s[1] & ~keep);
    r[2] = (t2 & keep) | (s[2] & ~keep);
    r[3] = (t3 & keep) | (s[3] & ~keep);
}

// t = a*b as 8 limbs (schoolbook). a and b may be any 256-bit values.
[[gnu::always_inline]] inline void mul_wide4_portable(u64 t[8], const u64 a[4], const u64 b[4]) {
    u64 r[8] = {};
    #pragma GCC unroll 8
    for (int i = 0; i < 4; ++i) {
        u64 carry = 0;
        #pragma GCC unroll 8
        for (int j = 0; j < 4; ++j) {
            const u128 x = (u128)a[i] * b[j] + r[i + j] + carry;
            r[i + j] = (u64)x;
            carry = (u64)(x >> 64);
        }
        r[i + 4] = carry;
    }
    #pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) t[i] = r[i];
}

// Montgomery reduction r = t*2^-256 mod m for t < m*2^256 (m's top limb < 2^62). The factors
// k_i depend only on the low half, so the low half is reduced alone (to u <= m, as a Montgomery
// product by 1) and the high half (< m) is added afterwards: u + t_hi < 2m, one subtraction.
[[gnu::always_inline]] inline void redc8_finish(u64 r[4], u64 u0, u64 u1, u64 u2, u64 u3, const u64 t[8], const u64 m[4]) {
    u64 c = 0;
    u0 = addc(u0, t[4], c);
    u1 = addc(u1, t[5], c);
    u2 = addc(u2, t[6], c);
    u3 = addc(u3, t[7], c);
    u64 br = 0;
    const u64 s0 = subb(u0, m[0], br), s1 = subb(u1, m[1], br), s2 = subb(u2, m[2], br), s3 = subb(u3, m[3], br);
    const u64 keep = 0 - br;  // u < m
    r[0] = (u0 & keep) | (s0 & ~keep);
    r[1] = (u1 & keep) | (s1 & ~keep);
    r[2] = (u2 & keep) | (s2 & ~keep);
    r[3] = (u3 & keep) | (s3 & ~keep);
}

[[gnu::always_inline]] inline void redc8_portable(u64 r[4], const u64 t[8], const u64 m[4], u64 inv) {
    u64 x0 = t[0], x1 = t[1], x2 = t[2], x3 = t[3];
    #pragma GCC unroll 8
    for (int i = 0; i < 4; ++i) {
        const u64 k = x0 * inv;
        u128 y = (u128)k * m[0] + x0;
        y = (u128)k * m[1] + x1 + (u64)(y >> 64);
        x0 = (u64)y;
        y = (u128)k * m[2] + x2 + (u64)(y >> 64);
        x1 = (u64)y;
        y = (u128)k * m[3] + x3 + (u64)(y >> 64);
        x2 = (u64)y;
        x3 = (u64)(y >> 64);
    }
    redc8_finish(r, x0, x1, x2, x3, t, m);
}

#if defined(__x86_64__)
// True when the CPU has ADX and BMI2 and PEREGRINE_NO_ADX is not set. Detected once at start-up;
// the only process-wide value in the library, and it is read-only.
extern const bool kHaveAdx;
// Whether the environment variable `name` turns a CPU-specific kernel off (set, non-empty, not "0").
bool kernel_disabled(const char* name);

// The ADX rows add x*src into five accumulator registers T0..T4 (rdx = x) on two carry chains: the
// low words on adox (OF), the high words on adcx (CF); rax = 0. ROW3 covers src's limbs 0-2;
// ROW_FRESH ends with T4 = the high word of x*src[3] plus both carries (Z: a register holding 0),
// ROW_ACC adds that into T4.
#define PEREGRINE_ADX_ROW3(SRC, T0, T1, T2, T3)                                                       \
    "mulxq 0(%[" SRC "]), %%r13, %%r14\n\t" "adoxq %%r13, " T0 "\n\t" "adcxq %%r14, " T1 "\n\t"          \
    "mulxq 8(%[" SRC "]), %%r13, %%r14\n\t" "adoxq %%r13, " T1 "\n\t" "adcxq %%r14, " T2 "\n\t"          \
    "mulxq 16(%[" SRC "]), %%r13, %%r14\n\t" "adoxq %%r13, " T2 "\n\t" "adcxq %%r14, " T3 "\n\t"
#define PEREGRINE_ADX_ROW_FRESH(SRC, Z, T0, T1, T2, T3, T4)                                           \
    PEREGRINE_ADX_ROW3(SRC, T0, T1, T2, T3)                                                           \
    "mulxq 24(%[" SRC "]), %%r13, " T4 "\n\t" "adoxq %%r13, " T3 "\n\t"                                  \
    "adcxq " Z ", " T4 "\n\t" "adoxq " Z ", " T4 "\n\t"
#define PEREGRINE_ADX_ROW_ACC(SRC, T0, T1, T2, T3, T4)                                                \
    PEREGRINE_ADX_ROW3(SRC, T0, T1, T2, T3)                                                           \
    "mulxq 24(%[" SRC "]), %%r13, %%r14\n\t" "adoxq %%r13, " T3 "\n\t" "adcxq %%r14, " T4 "\n\t"         \
    "adoxq %%rax, " T4 "\n\t"
// T += a_i*b, T4 fresh.
#define PEREGRINE_ADX_PRODUCT_ROW(AI, T0, T1, T2, T3, T4)                                             \
    "movq " AI ", %%rdx\n\t" "xorl %%eax, %%eax\n\t" PEREGRINE_ADX_ROW_FRESH("b", "%%rax", T0, T1, T2, T3, T4)
// The first row, a_0*b into T = (r8, r9, r10, r11, r12) from T = 0: one carry chain.
#define PEREGRINE_ADX_FIRST_ROW(A0)                                                                   \
    "movq " A0 ", %%rdx\n\t"                                                                           \
    "mulxq 0(%[b]), %%r8, %%r9\n\t"                                                                    \
    "mulxq 8(%[b]), %%r13, %%r10\n\t" "addq %%r13, %%r9\n\t"                                          \
    "mulxq 16(%[b]), %%r14, %%r11\n\t" "adcq %%r14, %%r10\n\t"                                        \
    "mulxq 24(%[b]), %%r13, %%r12\n\t" "adcq %%r13, %%r11\n\t" "adcq $0, %%r12\n\t"
// T += k*m with k = T0*inv, which clears T0: in the product (T4 already holds the top limb) and
// in redc8 (T4 is the next limb's fresh register).
#define PEREGRINE_ADX_K                                                                               \
    "imulq %[inv], %%rdx\n\t" "xorl %%eax, %%eax\n\t"
#define PEREGRINE_ADX_REDUCE_ROW(T0, T1, T2, T3, T4)                                                  \
    "movq " T0 ", %%rdx\n\t" PEREGRINE_ADX_K PEREGRINE_ADX_ROW_ACC("m", T0, T1, T2, T3, T4)
#define PEREGRINE_ADX_REDC_ROW(T0, T1, T2, T3, T4)                                                    \
    "movq " T0 ", %%rdx\n\t" PEREGRINE_ADX_K PEREGRINE_ADX_ROW_FRESH("m", "%%rax", T0, T1, T2, T3, T4)
// The same without rax: `test` clears CF and OF, and T0, zero once its first adox is done, is Z.
#define PEREGRINE_ADX_REDC_ROW_NO_RAX(T0, T1, T2, T3, T4)                                             \
    "movq " T0 ", %%rdx\n\t" "imulq %[inv], %%rdx\n\t" "testq %%rdx, %%rdx\n\t"                         \
    PEREGRINE_ADX_ROW_FRESH("m", T0, T0, T1, T2, T3, T4)

// Same contract as mont_mul4_portable; the caller must have checked kHaveAdx. Four rounds, then
// the conditional subtraction of m by sub/sbb and cmov inside the same block: on a Zen 3 core this
// form's latency is ~20% below that of a first version that started from T = 0 with full rows and
// subtracted in C (51 against 64 cycles in a dependent chain), at the same throughput.
[[gnu::always_inline]] inline void mont_mul4_adx(u64 r[4], const u64 a[4], const u64 b[4], const u64 m[4], u64 inv) {
    register u64 r0 asm("r12");
    register u64 r1 asm("r8");
    register u64 r2 asm("r9");
    register u64 r3 asm("r10");
    asm(PEREGRINE_ADX_FIRST_ROW("0(%[a])")
        PEREGRINE_ADX_REDUCE_ROW("%%r8", "%%r9", "%%r10", "%%r11", "%%r12")
        PEREGRINE_ADX_PRODUCT_ROW("8(%[a])", "%%r9", "%%r10", "%%r11", "%%r12", "%%r8")
        PEREGRINE_ADX_REDUCE_ROW("%%r9", "%%r10", "%%r11", "%%r12", "%%r8")
        PEREGRINE_ADX_PRODUCT_ROW("16(%[a])", "%%r10", "%%r11", "%%r12", "%%r8", "%%r9")
        PEREGRINE_ADX_REDUCE_ROW("%%r10", "%%r11", "%%r12", "%%r8", "%%r9")
        PEREGRINE_ADX_PRODUCT_ROW("24(%[a])", "%%r11", "%%r12", "%%r8", "%%r9", "%%r10")
        PEREGRINE_ADX_REDUCE_ROW("%%r11", "%%r12", "%%r8", "%%r9", "%%r10")
        // t = (r12, r8, r9, r10) < 2m; subtract m unless that borrows.
        "movq %%r12, %%rax\n\t" "subq 0(%[m]), %%rax\n\t"
        "movq %%r8, %%rdx\n\t" "sbbq 8(%[m]), %%rdx\n\t"
        "movq %%r9, %%r13\n\t" "sbbq 16(%[m]), %%r13\n\t"
        "movq %%r10, %%r14\n\t" "sbbq 24(%[m]), %%r14\n\t"
        "cmovncq %%rax, %%r12\n\t" "cmovncq %%rdx, %%r8\n\t" "cmovncq %%r13, %%r9\n\t" "cmovncq %%r14, %%r10\n\t"
        : "=&r"(r0), "=&r"(r1), "=&r"(r2), "=&r"(r3)
        : [a] "r"(a), [b] "r"(b), [m] "r"(m), [inv] "m"(inv)
        : "rax", "rdx", "r11", "r13", "r14", "cc", "memory");
    r[0] = r0;
    r[1] = r1;
    r[2] = r2;
    r[3] = r3;
}

// r = a*a*2^-256 mod m, the Montgomery square, for a < 2m (m < 2^254); the caller must have
// checked kHaveAdx. The six products a_i a_j (i < j) are summed once and doubled, the four squares
// a_i^2 added: 10 mulx instead of 16 for the 512-bit square. Its low half is then reduced alone to
// u <= m (rows as in redc8) and the high half, below m since a^2 < 4m^2 < m 2^256, added:
// u + high < 2m, one conditional subtraction.
[[gnu::always_inline]] inline void mont_sqr4_adx(u64 r[4], const u64 a[4], const u64 m[4], u64 inv) {
    register u64 r1 asm("r8");
    register u64 r2 asm("r9");
    register u64 r3 asm("r10");
    u64 ap = reinterpret_cast<u64>(a);
    asm(// off-diagonal products a_i a_j (i < j) into w1..w6 = r9 r10 r11 r12 r15 rbx, one carry chain at a time
        "movq 0(%[a]), %%rdx\n\t"
        "mulxq 8(%[a]), %%r9, %%r10\n\t"
        "mulxq 16(%[a]), %%r13, %%r11\n\t"
        "mulxq 24(%[a]), %%r14, %%r12\n\t"
        "addq %%r13, %%r10\n\t" "adcq %%r14, %%r11\n\t" "adcq $0, %%r12\n\t"
        "movq 8(%[a]), %%rdx\n\t"
        "mulxq 16(%[a]), %%r13, %%r14\n\t"
        "mulxq 24(%[a]), %%rbx, %%r15\n\t"
        "addq %%r13, %%r11\n\t" "adcq %%r14, %%r12\n\t" "adcq $0, %%r15\n\t"
        "addq %%rbx, %%r12\n\t" "adcq $0, %%r15\n\t"
        "movq 16(%[a]), %%rdx\n\t"
        "mulxq 24(%[a]), %%r13, %%rbx\n\t" "addq %%r13, %%r15\n\t" "adcq $0, %%rbx\n\t"
        // doubled into w1..w7 (w7 = rcx), plus the squares a_i^2 (w0 = r8)
        "xorl %%ecx, %%ecx\n\t"
        "addq %%r9, %%r9\n\t" "adcq %%r10, %%r10\n\t" "adcq %%r11, %%r11\n\t" "adcq %%r12, %%r12\n\t"
        "adcq %%r15, %%r15\n\t" "adcq %%rbx, %%rbx\n\t" "adcq %%rcx, %%rcx\n\t"
        "movq 0(%[a]), %%rdx\n\t" "mulxq %%rdx, %%r8, %%r13\n\t" "addq %%r13, %%r9\n\t"
        "movq 8(%[a]), %%rdx\n\t" "mulxq %%rdx, %%r13, %%r14\n\t" "adcq %%r13, %%r10\n\t" "adcq %%r14, %%r11\n\t"
        "movq 16(%[a]), %%rdx\n\t" "mulxq %%rdx, %%r13, %%r14\n\t" "adcq %%r13, %%r12\n\t" "adcq %%r14, %%r15\n\t"
        "movq 24(%[a]), %%rdx\n\t" "mulxq %%rdx, %%r13, %%r14\n\t" "adcq %%r13, %%rbx\n\t" "adcq %%r14, %%rcx\n\t"
        // the low half (r8..r11) reduced to u <= m; the a register is free now and takes the first fresh limb
        PEREGRINE_ADX_REDC_ROW_NO_RAX("%%r8", "%%r9", "%%r10", "%%r11", "%[a]")
        PEREGRINE_ADX_REDC_ROW_NO_RAX("%%r9", "%%r10", "%%r11", "%[a]", "%%r8")
        PEREGRINE_ADX_REDC_ROW_NO_RAX("%%r10", "%%r11", "%[a]", "%%r8", "%%r9")
        PEREGRINE_ADX_REDC_ROW_NO_RAX("%%r11", "%[a]", "%%r8", "%%r9", "%%r10")
        // u + high half (r12 r15 rbx rcx) < 2m; subtract m (into r11 r12 r15 rbx) unless that borrows
        "addq %%r12, %[a]\n\t" "adcq %%r15, %%r8\n\t" "adcq %%rbx, %%r9\n\t" "adcq %%rcx, %%r10\n\t"
        "movq %[a], %%r11\n\t" "subq 0(%[m]), %%r11\n\t"
        "movq %%r8, %%r12\n\t" "sbbq 8(%[m]), %%r12\n\t"
        "movq %%r9, %%r15\n\t" "sbbq 16(%[m]), %%r15\n\t"
        "movq %%r10, %%rbx\n\t" "sbbq 24(%[m]), %%rbx\n\t"
        "cmovncq %%r11, %[a]\n\t" "cmovncq %%r12, %%r8\n\t" "cmovncq %%r15, %%r9\n\t" "cmovncq %%rbx, %%r10\n\t"
        : [a] "+&r"(ap), "=&r"(r1), "=&r"(r2), "=&r"(r3)
        : [m] "r"(m), [inv] "m"(inv)
        : "rbx", "rcx", "rdx", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
    r[0] = ap;
    r[1] = r1;
    r[2] = r2;
    r[3] = r3;
}

// Same contract as mul_wide4_portable; the caller must have checked kHaveAdx. Row i adds a[i]*b
// into five rotating registers; the lowest one is then final and is stored.
[[gnu::always_inline]] inline void mul_wide4_adx(u64 t[8], const u64 a[4], const u64 b[4]) {
    asm(PEREGRINE_ADX_FIRST_ROW("0(%[a])")
        "movq %%r8, 0(%[t])\n\t"
        PEREGRINE_ADX_PRODUCT_ROW("8(%[a])", "%%r9", "%%r10", "%%r11", "%%r12", "%%r8")
        "movq %%r9, 8(%[t])\n\t"
        PEREGRINE_ADX_PRODUCT_ROW("16(%[a])", "%%r10", "%%r11", "%%r12", "%%r8", "%%r9")
        "movq %%r10, 16(%[t])\n\t"
        PEREGRINE_ADX_PRODUCT_ROW("24(%[a])", "%%r11", "%%r12", "%%r8", "%%r9", "%%r10")
        "movq %%r11, 24(%[t])\n\t"
        "movq %%r12, 32(%[t])\n\t"
        "movq %%r8, 40(%[t])\n\t"
        "movq %%r9, 48(%[t])\n\t"
        "movq %%r10, 56(%[t])\n\t"
        : "=m"(*(u64(*)[8])t)
        : [t] "r"(t), [a] "r"(a), [b] "r"(b), "m"(*(const u64(*)[4])a), "m"(*(const u64(*)[4])b)
        : "rax", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "cc");
}

// Same contract as redc8_portable; the caller must have checked kHaveAdx.
[[gnu::always_inline]] inline void redc8_adx(u64 r[4], const u64 t[8], const u64 m[4], u64 inv) {
    register u64 u0 asm("r12");
    register u64 u1 asm("r8");
    register u64 u2 asm("r9");
    register u64 u3 asm("r10");
    asm("movq 0(%[t]), %%r8\n\t"
        "movq 8(%[t]), %%r9\n\t"
        "movq 16(%[t]), %%r10\n\t"
        "movq 24(%[t]), %%r11\n\t"
        PEREGRINE_ADX_REDC_ROW("%%r8", "%%r9", "%%r10", "%%r11", "%%r12")
        PEREGRINE_ADX_REDC_ROW("%%r9", "%%r10", "%%r11", "%%r12", "%%r8")
        PEREGRINE_ADX_REDC_ROW("%%r10", "%%r11", "%%r12", "%%r8", "%%r9")
        PEREGRINE_ADX_REDC_ROW("%%r11", "%%r12", "%%r8", "%%r9", "%%r10")
        : "=&r"(u0), "=&r"(u1), "=&r"(u2), "=&r"(u3)
        : [t] "r"(t), [m] "r"(m), [inv] "r"(inv), "m"(*(const u64(*)[8])t)
        : "rax", "rdx", "r11", "r13", "r14", "cc");
    redc8_finish(r, u0, u1, u2, u3, t, m);
}
#undef PEREGRINE_ADX_FIRST_ROW
#undef PEREGRINE_ADX_PRODUCT_ROW
#undef PEREGRINE_ADX_REDUCE_ROW
#undef PEREGRINE_ADX_REDC_ROW
#undef PEREGRINE_ADX_REDC_ROW_NO_RAX
#undef PEREGRINE_ADX_K
#undef PEREGRINE_ADX_ROW_ACC
#undef PEREGRINE_ADX_ROW_FRESH
#undef PEREGRINE_ADX_ROW3

// AVX-512 IFMA kernels (ifma.cpp): eight Montgomery products per step. Usable when kHaveIfma
// (the CPU has AVX-512F and IFMA, and PEREGRINE_NO_IFMA is not set); the modulus must be below
// 2^254 and every input below it. Elements are 4x64-bit Montgomery values, as everywhere else.
extern const bool kHaveIfma;
// r[i] = a[i]*b[i]*2^-256 mod m, i < n; r may be a or b.
void mont_mul4_n_ifma(u64 (*r)[4], const u64 (*a)[4], const u64 (*b)[4], std::size_t n, const u64 m[4], u64 inv);
// The two passes of a batch inversion in eight interleaved chains (element i in chain i mod 8;
// zero elements are skipped). Prefix: scratch[i] = product of the earlier elements of i's chain
// (starting from `one`), acc_out[c] = product of chain c. Suffix, given lane_inv[c] = 1/acc_out[c]:
// xs[i] = 1/xs[i] (zeros stay zero).
void batch_prefix_ifma(const u64 (*xs)[4], std::size_t n, u64 (*scratch)[4], u64 (*acc_out)[4], const u64 one[4],
                       const u64 m[4], u64 inv);
void batch_suffix_ifma(u64 (*xs)[4], std::size_t n, const u64 (*scratch)[4], const u64 (*lane_inv)[4],
                       const u64 m[4], u64 inv);
#endif


// The 512-bit product and the reduction of one kernel, as a type: code that runs many of them
// (Fq2's products) is written once as a template and instantiated per kernel.
struct WidePortable {
    [[gnu::always_inline]] static void mul(u64 t[8], const u64 a[4], const u64 b[4]) { mul_wide4_portable(t, a, b); }
    [[gnu::always_inline]] static void redc(u64 r[4], const u64 t[8], const u64 m[4], u64 inv) {
        redc8_portable(r, t, m, inv);
    }
};
#if defined(__x86_64__)
struct WideAdx {
    [[gnu::always_inline]] static void mul(u64 t[8], const u64 a[4], const u64 b[4]) { mul_wide4_adx(t, a, b); }
    [[gnu::always_inline]] static void redc(u64 r[4], const u64 t[8], const u64 m[4], u64 inv) {
        redc8_adx(r, t, m, inv);
    }
};
#endif

#if defined(__x86_64__)
// The portable kernels as calls, for the dispatching functions below. On x86-64 they are the
// fallback of the ADX kernels (CPUs without ADX, PEREGRINE_NO_ADX=1): inlined at every product
// beside the ADX code they tripled its size, and the compile time of every file of curve
// arithmetic. Loops where the portable kernel's speed matters choose their kernel once and
// inline it (with_mul in fp.hpp).
void mul_wide4_portable_call(u64 t[8], const u64 a[4], const u64 b[4]);
void redc8_portable_call(u64 r[4], const u64 t[8], const u64 m[4], u64 inv);
void mont_mul4_portable_call(u64 r[4], const u64 a[4], const u64 b[4], const u64 m[4], u64 inv);
#endif

[[gnu::always_inline]] inline void mul_wide4(u64 t[8], const u64 a[4], const u64 b[4]) {
#if defined(__x86_64__)
    if (kHaveAdx) {
        mul_wide4_adx(t, a, b);
        return;
    }
    mul_wide4_portable_call(t, a, b);
#else
    mul_wide4_portable(t, a, b);
#endif
}

[[gnu::always_inline]] inline void redc8(u64 r[4], const u64 t[8], const u64 m[4], u64 inv) {
#if defined(__x86_64__)
    if (kHaveAdx) {
        redc8_adx(r, t, m, inv);
        return;
    }
    redc8_portable_call(r, t, m, inv);
#else
    redc8_portable(r, t, m, inv);
#endif
}

[[gnu::always_inline]] inline void mont_mul4(u64 r[4], const u64 a[4], const u64 b[4], const u64 m[4], u64 inv) {
#if defined(__x86_64__)
    if (kHaveAdx) {
        mont_mul4_adx(r, a, b, m, inv);
        return;
    }
    mont_mul4_portable_call(r, a, b, m, inv);
#else
    mont_mul4_portable(r, a, b, m, inv);
#endif
}

[[gnu::always_inline]] inline void mont_sqr4(u64 r[4], const u64 a[4], const u64 m[4], u64 inv) {
#if defined(__x86_64__)
    if (kHaveAdx) {
        mont_sqr4_adx(r, a, m, inv);
        return;
    }
    mont_mul4_portable_call(r, a, a, m, inv);
#else
    mont_mul4_portable(r, a, a, m, inv);
#endif
}

}  // namespace peregrine::kernels
