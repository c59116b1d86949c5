// SPDX-License-Identifier: Apache-2.0
#ifndef COIDC_BASELINE_H
#define COIDC_BASELINE_H
#include <stddef.h>
#include <stdint.h>

/// A verifier holding a pre-parsed EVP_PKEY (or an HMAC secret) and a pre-fetched digest.
typedef struct baseline_verifier baseline_verifier;

/// kind: 0 = RSA PKCS#1 v1.5, 1 = RSA-PSS (salt = digest length), 2 = ECDSA (raw r||s input),
/// 3 = Ed25519, 4 = HMAC. digest: "SHA256", "SHA384", "SHA512" (ignored for Ed25519).
/// key: DER SubjectPublicKeyInfo, or the HMAC secret.
baseline_verifier *baseline_verifier_new(int kind, const char *digest, const uint8_t *key, size_t key_length);
void baseline_verifier_free(baseline_verifier *verifier);

/// One verification, exactly as a C program would do it: one EVP_MD_CTX re-initialised per call with
/// EVP_DigestVerifyInit + EVP_DigestVerify (ECDSA: raw r||s converted to DER first); HMAC: EVP_Q_mac-free
/// HMAC() one-shot and CRYPTO_memcmp. Returns 1 when valid.
int baseline_verify(baseline_verifier *verifier, const uint8_t *message, size_t message_length,
                    const uint8_t *signature, size_t signature_length);

/// Counts every malloc/calloc/realloc/aligned allocation in the process (interposed over glibc).
uint64_t baseline_allocation_count(void);

#endif
