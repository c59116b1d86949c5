// SPDX-License-Identifier: Apache-2.0
// System-library access to OpenSSL 3. Only headers, plus static inline wrappers for the
// function-like macros Swift cannot import. Every wrapper is prefixed `coidc_`.
#ifndef COIDC_OPENSSL_SHIM_H
#define COIDC_OPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/// OPENSSL_free is a macro over CRYPTO_free.
static inline void coidc_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }

/// BIO_get_mem_data is a macro over BIO_ctrl.
static inline long coidc_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }

/// SSL_CTX_set_min_proto_version is a macro over SSL_CTX_ctrl.
static inline int coidc_SSL_CTX_set_min_proto_version(SSL_CTX *context, int version) {
    return (int)SSL_CTX_set_min_proto_version(context, version);
}

/// SSL_set_tlsext_host_name is a macro over SSL_ctrl.
static inline int coidc_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/// EVP_PKEY_fromdata selections are macro expressions.
static inline int coidc_EVP_PKEY_PUBLIC_KEY(void) { return EVP_PKEY_PUBLIC_KEY; }
static inline int coidc_EVP_PKEY_KEYPAIR(void) { return EVP_PKEY_KEYPAIR; }

/// SSL_CTX_set_mode is a macro over SSL_CTX_ctrl.
static inline long coidc_SSL_CTX_set_mode(SSL_CTX *context, long mode) { return SSL_CTX_set_mode(context, mode); }

/// SSL_CTX_set_session_cache_mode is a macro over SSL_CTX_ctrl.
static inline long coidc_SSL_CTX_set_session_cache_mode(SSL_CTX *context, long mode) {
    return SSL_CTX_set_session_cache_mode(context, mode);
}

/// The SSL_OP_* option bits are macro expressions (SSL_OP_BIT).
static inline uint64_t coidc_SSL_OP_NO_COMPRESSION(void) { return SSL_OP_NO_COMPRESSION; }
static inline uint64_t coidc_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }

/// BIO_set_mem_eof_return is a macro over BIO_ctrl.
static inline long coidc_BIO_set_mem_eof_return(BIO *bio, int value) { return BIO_set_mem_eof_return(bio, value); }

/// ERR_GET_REASON is a macro in some OpenSSL 3 releases and an inline function in others.
static inline int coidc_ERR_GET_REASON(unsigned long code) { return ERR_GET_REASON(code); }

/// X509_LOOKUP_add_dir is a macro over X509_LOOKUP_ctrl.
static inline int coidc_X509_LOOKUP_add_dir(X509_LOOKUP *lookup, const char *directories, int type) {
    return X509_LOOKUP_add_dir(lookup, directories, type);
}

/// The STACK_OF(X509) accessors are generated inline functions over OPENSSL_sk_*.
static inline int coidc_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
static inline X509 *coidc_sk_X509_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }
static inline void coidc_sk_X509_pop_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }

#endif
