/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* The C API from plain C, linked against the installed shared library (see run.sh). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prover.h"
#include "verifier.h"

static int failures = 0, checks = 0;
#define CHECK(cond, ...)                                   \
    do {                                                   \
        ++checks;                                          \
        if (!(cond)) {                                     \
            ++failures;                                    \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                  \
            fprintf(stderr, "\n");                         \
        }                                                  \
    } while (0)

static char *read_file(const char *path, unsigned long long *size) {
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "cannot open %s\n", path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "cannot read %s\n", path); exit(2); }
    buf[n] = 0;
    fclose(f);
    *size = (unsigned long long)n;
    return buf;
}

static const char *dir;
static char path_buf[4096];
static const char *fx(const char *circuit, const char *file) {
    snprintf(path_buf, sizeof path_buf, "%s/%s/%s", dir, circuit, file);
    return path_buf;
}

struct job {
    void *prover;
    const char *wtns;
    unsigned long long wtns_size;
    const char *vk;
    int ok;
};

static void *prove_many(void *arg) {
    struct job *j = arg;
    for (int i = 0; i < 3; ++i) {
        char proof[1024], pub[1024], err[256];
        unsigned long long ps = sizeof proof, us = sizeof pub;
        int rc = groth16_prover_prove(j->prover, j->wtns, j->wtns_size, proof, &ps, pub, &us, err, sizeof err);
        if (rc != PROVER_OK || groth16_verify(proof, pub, j->vk, err, sizeof err) != VERIFIER_VALID_PROOF) return NULL;
    }
    j->ok = 1;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: capi_test <fixtures/data> <out-dir>\n"); return 2; }
    dir = argv[1];
    unsigned long long zkey_size, wtns_size, other_size, vk_size;
    char *zkey = read_file(fx("multi_io", "circuit.zkey"), &zkey_size);
    char *wtns = read_file(fx("multi_io", "witness.wtns"), &wtns_size);
    char *other = read_file(fx("multiplier", "witness.wtns"), &other_size);
    char *vk = read_file(fx("multi_io", "verification_key.json"), &vk_size);
    char err[512];

    unsigned long long proof_cap = 0, public_cap = 0;
    groth16_proof_size(&proof_cap);
    CHECK(proof_cap == 810, "proof size %llu", proof_cap);
    CHECK(groth16_public_size_for_zkey_buf(zkey, zkey_size, &public_cap, err, sizeof err) == PROVER_OK, "%s", err);
    CHECK(public_cap == 8 * 82 + 4, "public size %llu", public_cap);
    unsigned long long file_cap = 0;
    CHECK(groth16_public_size_for_zkey_file(fx("multi_io", "circuit.zkey"), &file_cap, err, sizeof err) == PROVER_OK, "%s", err);
    CHECK(file_cap == public_cap, "file public size %llu", file_cap);
    CHECK(groth16_public_size_for_zkey_file("/nonexistent.zkey", &file_cap, err, sizeof err) == PROVER_ERROR, "missing file");
    CHECK(strstr(err, "cannot open") != NULL, "message: %s", err);

    /* Buffers too small: SHORT_BUFFER, and the sizes say what is needed. */
    char small_proof[10], small_pub[10];
    unsigned long long ps = sizeof small_proof, us = sizeof small_pub;
    int rc = groth16_prover(zkey, zkey_size, wtns, wtns_size, small_proof, &ps, small_pub, &us, err, sizeof err);
    CHECK(rc == PROVER_ERROR_SHORT_BUFFER, "rc %d (%s)", rc, err);
    CHECK(ps > 10 && ps <= proof_cap && us > 10 && us <= public_cap, "required sizes %llu %llu", ps, us);

    /* Enough room: a proof that verifies. */
    char *proof = malloc(proof_cap), *pub = malloc(public_cap);
    unsigned long long need_p = ps, need_u = us;
    ps = proof_cap; us = public_cap;
    rc = groth16_prover(zkey, zkey_size, wtns, wtns_size, proof, &ps, pub, &us, err, sizeof err);
    CHECK(rc == PROVER_OK, "rc %d (%s)", rc, err);
    CHECK(ps == strlen(proof) && us == strlen(pub), "written sizes %llu %llu", ps, us);
    CHECK(us + 1 == need_u, "public size %llu vs required %llu", us, need_u);
    /* Another proof (other r, s): its 8 decimal coordinates may differ in length (a random value
       below p ~ 2.2e76 has 77 digits with probability ~0.54, 76 ~0.41, 75 ~0.04, ...): a few digits each. */
    CHECK(ps + 1 <= need_p + 32 && ps + 1 + 32 >= need_p, "proof size %llu vs required %llu", ps, need_p);
    CHECK(groth16_verify(proof, pub, vk, err, sizeof err) == VERIFIER_VALID_PROOF, "verify: %s", err);
    {   /* write them out for snarkjs (run.sh checks) */
        char p[4096];
        snprintf(p, sizeof p, "%s/proof.json", argv[2]);
        FILE *f = fopen(p, "w"); fputs(proof, f); fclose(f);
        snprintf(p, sizeof p, "%s/public.json", argv[2]);
        f = fopen(p, "w"); fputs(pub, f); fclose(f);
    }

    /* A changed public signal: invalid. Garbage: error. */
    char *tampered = malloc(strlen(pub) + 1);
    strcpy(tampered, pub);
    char *digit = strchr(tampered, '"') + 1;
    *digit = (*digit == '9') ? '8' : (char)(*digit + 1);
    CHECK(groth16_verify(proof, tampered, vk, err, sizeof err) == VERIFIER_INVALID_PROOF, "tampered: %s", err);
    CHECK(groth16_verify("{not json", pub, vk, err, sizeof err) == VERIFIER_ERROR, "garbage accepted");
    CHECK(groth16_verify(proof, "[\"1\"]", vk, err, sizeof err) == VERIFIER_ERROR, "wrong count accepted");
    CHECK(strstr(err, "public signals") != NULL, "message: %s", err);

    /* Wrong witnesses. */
    ps = proof_cap; us = public_cap;
    rc = groth16_prover(zkey, zkey_size, other, other_size, proof, &ps, pub, &us, err, sizeof err);
    CHECK(rc == PROVER_INVALID_WITNESS_LENGTH, "rc %d (%s)", rc, err);
    char *bad = malloc(wtns_size);
    memcpy(bad, wtns, wtns_size);
    bad[wtns_size - 32] ^= 1; /* the last signal, off by one */
    ps = proof_cap; us = public_cap;
    rc = groth16_prover(zkey, zkey_size, bad, wtns_size, proof, &ps, pub, &us, err, sizeof err);
    CHECK(rc == PROVER_ERROR && strstr(err, "does not satisfy") != NULL, "rc %d (%s)", rc, err);
    rc = groth16_prover(zkey, 100, wtns, wtns_size, proof, &ps, pub, &us, err, sizeof err);
    CHECK(rc == PROVER_ERROR && strstr(err, "truncated") != NULL, "truncated zkey: rc %d (%s)", rc, err);

    /* One prover object, four threads, three proofs each. */
    void *prover = NULL;
    CHECK(groth16_prover_create_zkey_file(&prover, fx("multi_io", "circuit.zkey"), err, sizeof err) == PROVER_OK, "%s", err);
    pthread_t t[4];
    struct job jobs[4];
    for (int i = 0; i < 4; ++i) {
        jobs[i] = (struct job){prover, wtns, wtns_size, vk, 0};
        pthread_create(&t[i], NULL, prove_many, &jobs[i]);
    }
    for (int i = 0; i < 4; ++i) {
        pthread_join(t[i], NULL);
        CHECK(jobs[i].ok, "thread %d produced a bad proof", i);
    }
    groth16_prover_destroy(prover);
    groth16_prover_destroy(NULL);

    free(zkey); free(wtns); free(other); free(vk); free(proof); free(pub); free(tampered); free(bad);
    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures ? 1 : 0;
}
