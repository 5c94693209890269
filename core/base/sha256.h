/* sha256.h - SHA-256 as lowercase hex (OpenSSL's libcrypto): launch
 * digests (launch_digest.h) and docker context directories, which the
 * docker CLI names after the SHA-256 of the context's name. */
#ifndef WS_SHA256_H
#define WS_SHA256_H

#include <stddef.h>

/* OUT: 65 bytes. */
void sha256_hex(const void *data, size_t len, char *out);

#endif
