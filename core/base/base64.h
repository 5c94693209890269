/* base64.h - RFC 4648 base64 encoding (Kubernetes Secret data). */
#ifndef WS_BASE64_H
#define WS_BASE64_H

#include <stddef.h>

struct strbuf;

void base64_encode(struct strbuf *out, const void *data, size_t len);

#endif
