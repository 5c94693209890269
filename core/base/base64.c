/* base64.c - RFC 4648 base64 with padding. */
#include "base64.h"
#include "strbuf.h"

void base64_encode(struct strbuf *out, const void *data, size_t len)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	size_t i = 0;
	for (; i + 2 < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		strbuf_addch(out, tbl[v >> 18 & 63]);
		strbuf_addch(out, tbl[v >> 12 & 63]);
		strbuf_addch(out, tbl[v >> 6 & 63]);
		strbuf_addch(out, tbl[v & 63]);
	}
	if (i < len) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0);
		strbuf_addch(out, tbl[v >> 18 & 63]);
		strbuf_addch(out, tbl[v >> 12 & 63]);
		strbuf_addch(out, i + 1 < len ? tbl[v >> 6 & 63] : '=');
		strbuf_addch(out, '=');
	}
}
