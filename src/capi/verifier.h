/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* Peregrine C API for Groth16 verification, ABI-compatible with rapidsnark's verifier.h.
 * proof, inputs (public signals) and verification_key are NUL-terminated snarkjs JSON texts. */
#ifndef PEREGRINE_VERIFIER_H
#define PEREGRINE_VERIFIER_H

#ifdef __cplusplus
extern "C" {
#endif

#define VERIFIER_VALID_PROOF 0x0
#define VERIFIER_INVALID_PROOF 0x1
#define VERIFIER_ERROR 0x2

/* VERIFIER_ERROR for malformed input: bad JSON, another curve, a wrong number of public signals,
 * numbers out of range, points off the curve or outside the subgroup (error_msg says which). */
int groth16_verify(const char *proof, const char *inputs, const char *verification_key, char *error_msg,
                   unsigned long long error_msg_maxsize);

#ifdef __cplusplus
}
#endif

#endif
