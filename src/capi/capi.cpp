// SPDX-License-Identifier: MIT OR Apache-2.0
// The C API (prover.h, verifier.h) over the library.
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <new>

#include "capi/prover.h"
#include "capi/verifier.h"
#include "formats/wtns.hpp"
#include "groth16/prover.hpp"
#include "groth16/verifier.hpp"

using namespace peregrine;

namespace {

struct Prover {
    explicit Prover(std::unique_ptr<Zkey> z) : zkey(std::move(z)), vk(verifying_key(*zkey)) {}
    std::unique_ptr<Zkey> zkey;
    VerifyingKey vk;
    ThreadPool pool;  // one per prover object, shared by concurrent prove calls
};

void set_error(char* buf, unsigned long long cap, const char* msg) {
    if (buf && cap > 0) std::snprintf(buf, (size_t)cap, "%s", msg);
}

// Runs fn, turning exceptions into an error code and message.
template <class Fn>
int guarded(char* err, unsigned long long errmax, Fn fn) {
    try {
        return fn();
    } catch (const WitnessLengthMismatch& e) {
        set_error(err, errmax, e.what());
        return PROVER_INVALID_WITNESS_LENGTH;
    } catch (const std::bad_alloc&) {
        set_error(err, errmax, "out of memory");
        return PROVER_ERROR;
    } catch (const std::exception& e) {
        set_error(err, errmax, e.what());
        return PROVER_ERROR;
    } catch (...) {
        set_error(err, errmax, "unknown error");
        return PROVER_ERROR;
    }
}

unsigned long long public_capacity(std::size_t n_public) {
    // "d...d" (at most 77 digits, quotes) and a comma per signal, brackets and NUL, with room
    // to spare: the same capacity rapidsnark reports.
    return (unsigned long long)n_public * 82 + 4;
}

constexpr unsigned long long kProofCapacity = 810;

int prove_with(Prover& p, const void* wtns_buffer, unsigned long long wtns_size, char* proof_buffer,
               unsigned long long* proof_size, char* public_buffer, unsigned long long* public_size) {
    if (!wtns_buffer) throw Error("null witness buffer");
    if (!proof_buffer || !proof_size || !public_buffer || !public_size) throw Error("null output buffer or size");
    Wtns wtns(wtns_buffer, (std::size_t)wtns_size, "witness buffer");
    if (wtns.prime() != FrParams::MOD) throw Error("witness buffer: witness is for another curve than the proving key (bn128)");
    if (wtns.size() != p.zkey->n_vars()) {
        throw WitnessLengthMismatch("Invalid witness length. Circuit: " + std::to_string(p.zkey->n_vars()) +
                                    ", witness: " + std::to_string(wtns.size()));
    }
    const std::vector<Limbs> w = wtns.values();
    const Proof proof = groth16_prove(*p.zkey, w, p.pool);
    const std::string pj = proof_to_json_compact(proof);
    const std::string sj = public_to_json_compact(public_signals(*p.zkey, w));
    if (*proof_size < pj.size() + 1 || *public_size < sj.size() + 1) {
        *proof_size = pj.size() + 1;
        *public_size = sj.size() + 1;
        return PROVER_ERROR_SHORT_BUFFER;
    }
    std::memcpy(proof_buffer, pj.c_str(), pj.size() + 1);
    std::memcpy(public_buffer, sj.c_str(), sj.size() + 1);
    *proof_size = pj.size();
    *public_size = sj.size();
    return PROVER_OK;
}

}  // namespace

extern "C" {

int groth16_public_size_for_zkey_buf(const void* zkey_buffer, unsigned long long zkey_size,
                                     unsigned long long* public_size, char* error_msg,
                                     unsigned long long error_msg_maxsize) {
    return guarded(error_msg, error_msg_maxsize, [&] {
        if (!public_size) throw Error("null public_size");
        Zkey z(zkey_buffer, (std::size_t)zkey_size);
        *public_size = public_capacity(z.n_public());
        return PROVER_OK;
    });
}

int groth16_public_size_for_zkey_file(const char* zkey_fname, unsigned long long* public_size, char* error_msg,
                                      unsigned long long error_msg_maxsize) {
    return guarded(error_msg, error_msg_maxsize, [&] {
        if (!zkey_fname || !public_size) throw Error("null argument");
        Zkey z{std::string(zkey_fname)};
        *public_size = public_capacity(z.n_public());
        return PROVER_OK;
    });
}

void groth16_proof_size(unsigned long long* proof_size) {
    if (proof_size) *proof_size = kProofCapacity;
}

int groth16_prover_create(void** prover_object, const void* zkey_buffer, unsigned long long zkey_size,
                          char* error_msg, unsigned long long error_msg_maxsize) {
    return guarded(error_msg, error_msg_maxsize, [&] {
        if (!prover_object) throw Error("null prover object");
        if (!zkey_buffer) throw Error("null zkey buffer");
        *prover_object = new Prover(std::make_unique<Zkey>(zkey_buffer, (std::size_t)zkey_size));
        return PROVER_OK;
    });
}

int groth16_prover_create_zkey_file(void** prover_object, const char* zkey_file_path, char* error_msg,
                                    unsigned long long error_msg_maxsize) {
    return guarded(error_msg, error_msg_maxsize, [&] {
        if (!prover_object) throw Error("null prover object");
        if (!zkey_file_path) throw Error("null zkey path");
        *prover_object = new Prover(std::make_unique<Zkey>(std::string(zkey_file_path)));
        return PROVER_OK;
    });
}

int groth16_prover_prove(void* prover_object, const void* wtns_buffer, unsigned long long wtns_size,
                         char* proof_buffer, unsigned long long* proof_size, char* public_buffer,
                         unsigned long long* public_size, char* error_msg, unsigned long long error_msg_maxsize) {
    return guarded(error_msg, error_msg_maxsize, [&] {
        if (!prover_object) throw Error("null prover object");
        int rc = prove_with(*static_cast<Prover*>(prover_object), wtns_buffer, wtns_size, proof_buffer, proof_size,
                            public_buffer, public_size);
        if (rc == PROVER_ERROR_SHORT_BUFFER) {
            char msg[160];
            std::snprintf(msg, sizeof msg, "buffer too small: proof needs %llu bytes, public signals %llu",
                          *proof_size, *public_size);
            set_error(error_msg, error_msg_maxsize, msg);
        }
        return rc;
    });
}

void groth16_prover_destroy(void* prover_object) { delete static_cast<Prover*>(prover_object); }

int groth16_prover(const void* zkey_buffer, unsigned long long zkey_size, const void* wtns_buffer,
                   unsigned long long wtns_size, char* proof_buffer, unsigned long long* proof_size,
                   char* public_buffer, unsigned long long* public_size, char* error_msg,
                   unsigned long long error_msg_maxsize) {
    void* p = nullptr;
    int rc = groth16_prover_create(&p, zkey_buffer, zkey_size, error_msg, error_msg_maxsize);
    if (rc != PROVER_OK) return rc;
    rc = groth16_prover_prove(p, wtns_buffer, wtns_size, proof_buffer, proof_size, public_buffer, public_size,
                              error_msg, error_msg_maxsize);
    groth16_prover_destroy(p);
    return rc;
}

int groth16_prover_zkey_file(const char* zkey_file_path, const void* wtns_buffer, unsigned long long wtns_size,
                             char* proof_buffer, unsigned long long* proof_size, char* public_buffer,
                             unsigned long long* public_size, char* error_msg, unsigned long long error_msg_maxsize) {
    void* p = nullptr;
    int rc = groth16_prover_create_zkey_file(&p, zkey_file_path, error_msg, error_msg_maxsize);
    if (rc != PROVER_OK) return rc;
    rc = groth16_prover_prove(p, wtns_buffer, wtns_size, proof_buffer, proof_size, public_buffer, public_size,
                              error_msg, error_msg_maxsize);
    groth16_prover_destroy(p);
    return rc;
}

int groth16_verify(const char* proof, const char* inputs, const char* verification_key, char* error_msg,
                   unsigned long long error_msg_maxsize) {
    try {
        if (!proof || !inputs || !verification_key) throw Error("null argument");
        const VerifyingKey vk = vk_from_json(verification_key);
        const std::vector<Limbs> pub = public_from_json(inputs);
        const Proof p = proof_from_json(proof);
        if (groth16_verify(vk, pub, p)) return VERIFIER_VALID_PROOF;
        set_error(error_msg, error_msg_maxsize, "invalid proof");
        return VERIFIER_INVALID_PROOF;
    } catch (const std::exception& e) {
        set_error(error_msg, error_msg_maxsize, e.what());
        return VERIFIER_ERROR;
    } catch (...) {
        set_error(error_msg, error_msg_maxsize, "unknown error");
        return VERIFIER_ERROR;
    }
}

}  // extern "C"
