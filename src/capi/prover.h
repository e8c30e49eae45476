/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* Peregrine C API for Groth16 proving, ABI-compatible with rapidsnark's prover.h.
 *
 * Sizes are in/out: on entry the capacity of the buffer, on PROVER_OK the length written
 * (without the terminating NUL), on PROVER_ERROR_SHORT_BUFFER the capacity needed (with it).
 * Proofs and public signals are compact JSON, as rapidsnark returns them. Every proof is verified
 * before it is returned: a witness that does not satisfy the circuit gives PROVER_ERROR.
 * A prover object may be used by several threads at once. */
#ifndef PEREGRINE_PROVER_H
#define PEREGRINE_PROVER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PROVER_OK 0x0
#define PROVER_ERROR 0x1
#define PROVER_ERROR_SHORT_BUFFER 0x2
#define PROVER_INVALID_WITNESS_LENGTH 0x3

/* Capacity that always suffices for the public signals of this key (JSON). */
int groth16_public_size_for_zkey_buf(const void *zkey_buffer, unsigned long long zkey_size,
                                     unsigned long long *public_size, char *error_msg,
                                     unsigned long long error_msg_maxsize);
int groth16_public_size_for_zkey_file(const char *zkey_fname, unsigned long long *public_size,
                                      char *error_msg, unsigned long long error_msg_maxsize);

/* Capacity that always suffices for a proof (JSON). */
void groth16_proof_size(unsigned long long *proof_size);

/* Creates a prover for a zkey. The buffer is read in place and must stay valid until
 * groth16_prover_destroy; the _zkey_file variant maps the file and owns the mapping. */
int groth16_prover_create(void **prover_object, const void *zkey_buffer, unsigned long long zkey_size,
                          char *error_msg, unsigned long long error_msg_maxsize);
int groth16_prover_create_zkey_file(void **prover_object, const char *zkey_file_path, char *error_msg,
                                    unsigned long long error_msg_maxsize);

int groth16_prover_prove(void *prover_object, const void *wtns_buffer, unsigned long long wtns_size,
                         char *proof_buffer, unsigned long long *proof_size, char *public_buffer,
                         unsigned long long *public_size, char *error_msg, unsigned long long error_msg_maxsize);

void groth16_prover_destroy(void *prover_object);

/* One-shot forms: create, prove, destroy. */
int groth16_prover(const void *zkey_buffer, unsigned long long zkey_size, const void *wtns_buffer,
                   unsigned long long wtns_size, char *proof_buffer, unsigned long long *proof_size,
                   char *public_buffer, unsigned long long *public_size, char *error_msg,
                   unsigned long long error_msg_maxsize);
int groth16_prover_zkey_file(const char *zkey_file_path, const void *wtns_buffer, unsigned long long wtns_size,
                             char *proof_buffer, unsigned long long *proof_size, char *public_buffer,
                             unsigned long long *public_size, char *error_msg, unsigned long long error_msg_maxsize);

#ifdef __cplusplus
}
#endif

#endif
