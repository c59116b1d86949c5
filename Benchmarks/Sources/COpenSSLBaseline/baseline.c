// SPDX-License-Identifier: Apache-2.0
#define _GNU_SOURCE
#include "baseline.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct baseline_verifier {
    int kind;
    EVP_PKEY *key;
    EVP_MD *digest;
    EVP_MD_CTX *context;      // re-initialised per call
    EVP_MAC_CTX *mac_context; // HS*: keyed once, re-initialised per call (EVP_MAC_init with a null key)
    size_t component_size;
};

baseline_verifier *baseline_verifier_new(int kind, const char *digest, const uint8_t *key, size_t key_length) {
    baseline_verifier *verifier = calloc(1, sizeof(*verifier));
    if (!verifier) return NULL;
    verifier->kind = kind;
    if (kind != 3) verifier->digest = EVP_MD_fetch(NULL, digest, NULL);
    if (kind == 4) {
        EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        verifier->mac_context = mac ? EVP_MAC_CTX_new(mac) : NULL;
        EVP_MAC_free(mac);
        OSSL_PARAM parameters[] = {
            OSSL_PARAM_construct_utf8_string("digest", (char *)digest, 0),
            OSSL_PARAM_construct_end(),
        };
        if (!verifier->mac_context || EVP_MAC_init(verifier->mac_context, key, key_length, parameters) != 1) {
            baseline_verifier_free(verifier);
            return NULL;
        }
        return verifier;
    }
    const unsigned char *cursor = key;
    verifier->key = d2i_PUBKEY(NULL, &cursor, (long)key_length);
    verifier->context = EVP_MD_CTX_new();
    if (kind == 2) verifier->component_size = (size_t)(EVP_PKEY_get_bits(verifier->key) + 7) / 8;
    if (!verifier->key || !verifier->context) {
        baseline_verifier_free(verifier);
        return NULL;
    }
    return verifier;
}

void baseline_verifier_free(baseline_verifier *verifier) {
    if (!verifier) return;
    EVP_PKEY_free(verifier->key);
    EVP_MD_free(verifier->digest);
    EVP_MD_CTX_free(verifier->context);
    EVP_MAC_CTX_free(verifier->mac_context);
    free(verifier);
}

static int verify_hmac(baseline_verifier *verifier, const uint8_t *message, size_t message_length,
                       const uint8_t *signature, size_t signature_length) {
    unsigned char tag[EVP_MAX_MD_SIZE];
    size_t tag_length = 0;
    if (EVP_MAC_init(verifier->mac_context, NULL, 0, NULL) != 1 ||
        EVP_MAC_update(verifier->mac_context, message, message_length) != 1 ||
        EVP_MAC_final(verifier->mac_context, tag, &tag_length, sizeof tag) != 1)
        return 0;
    return tag_length == signature_length && CRYPTO_memcmp(tag, signature, tag_length) == 0;
}

int baseline_verify(baseline_verifier *verifier, const uint8_t *message, size_t message_length,
                    const uint8_t *signature, size_t signature_length) {
    if (verifier->kind == 4) return verify_hmac(verifier, message, message_length, signature, signature_length);
    unsigned char der[160];
    const unsigned char *input = signature;
    size_t input_length = signature_length;
    if (verifier->kind == 2) {
        size_t half = verifier->component_size;
        if (signature_length != 2 * half) return 0;
        ECDSA_SIG *sig = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(signature, (int)half, NULL);
        BIGNUM *s = BN_bin2bn(signature + half, (int)half, NULL);
        ECDSA_SIG_set0(sig, r, s);
        unsigned char *out = der;
        int length = i2d_ECDSA_SIG(sig, &out);
        ECDSA_SIG_free(sig);
        if (length <= 0) return 0;
        input = der;
        input_length = (size_t)length;
    }
    EVP_PKEY_CTX *pkey_context = NULL;
    if (EVP_DigestVerifyInit(verifier->context, &pkey_context, verifier->kind == 3 ? NULL : verifier->digest, NULL,
                             verifier->key) != 1)
        return 0;
    if (verifier->kind == 1) {
        EVP_PKEY_CTX_set_rsa_padding(pkey_context, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_context, RSA_PSS_SALTLEN_DIGEST);
    }
    return EVP_DigestVerify(verifier->context, input, input_length, message, message_length) == 1;
}

// Allocation counting, interposed over glibc's allocator (the executable's definitions win).
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
static _Atomic uint64_t allocations;

uint64_t baseline_allocation_count(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }

void *malloc(size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_realloc(pointer, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    void *pointer = __libc_memalign(alignment, size);
    if (!pointer) return 12;  // ENOMEM
    *result = pointer;
    return 0;
}

void *aligned_alloc(size_t alignment, size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_memalign(alignment, size);
}

void *memalign(size_t alignment, size_t size) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_memalign(alignment, size);
}
