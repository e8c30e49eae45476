/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* The C API of a witness library built by `peregrine circuit build` (lib<name>-witness.so).
 *
 * Every function is thread-safe: several threads may compute witnesses with the same library at
 * once (each call has its own signal memory; the circuit's constants are shared read-only).
 * Load with dlopen(RTLD_NOW | RTLD_LOCAL); only the pg_witness_* symbols are exported. */
#ifndef PEREGRINE_PG_WITNESS_H
#define PEREGRINE_PG_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PG_WITNESS_ABI_VERSION 1

/* Return codes of pg_witness_calculate. */
#define PG_WITNESS_OK 0
#define PG_WITNESS_BAD_INPUT 1     /* the input JSON does not fit the circuit (err names the signal) */
#define PG_WITNESS_CIRCUIT_ERROR 2 /* a failed assert/constraint, a division by zero in the circuit */
#define PG_WITNESS_INTERNAL_ERROR 3 /* out of memory, corrupt embedded circuit data, bad arguments */

/* PG_WITNESS_ABI_VERSION of the library. */
int pg_witness_abi_version(void);

/* The circuit's name (the .circom file's base name). */
const char* pg_witness_circuit_name(void);

/* Number of values in the witness (wires, including the constant 1). */
uint32_t pg_witness_size(void);

/* Computes the witness for input_json[0..len) (a JSON object, as for snarkjs) and returns it as a
 * .wtns image (version 2, byte-identical to snarkjs wtns calculate) in *wtns_out (release with
 * pg_witness_free) of *wtns_len bytes. On failure returns a PG_WITNESS_* code, sets *wtns_out to
 * NULL and writes a one-line message to err[0..errmax) (NUL-terminated, truncated to fit). */
int pg_witness_calculate(const char* input_json, size_t len, uint8_t** wtns_out, size_t* wtns_len, char* err,
                         size_t errmax);

void pg_witness_free(uint8_t* wtns);

#ifdef __cplusplus
}
#endif

#endif /* PEREGRINE_PG_WITNESS_H */
