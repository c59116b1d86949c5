// SPDX-License-Identifier: Apache-2.0
// System-library access to zlib. Only the header, plus static inline wrappers for the
// function-like macros Swift cannot import. Every wrapper is prefixed `coidc_`.
#ifndef COIDC_ZLIB_SHIM_H
#define COIDC_ZLIB_SHIM_H

#include <zlib.h>

/// inflateInit2 is a macro over inflateInit2_ that passes the library version and the stream size.
static inline int coidc_inflateInit2(z_streamp stream, int windowBits) { return inflateInit2(stream, windowBits); }

#endif
