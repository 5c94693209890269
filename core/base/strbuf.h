/* strbuf.h - a growable, always NUL-terminated byte string.
 *
 * Ownership: a struct strbuf owns its buffer; strbuf_release() releases it and
 * leaves an empty, reusable buffer.  An initialised but never-grown buffer
 * points at a static "" and needs no free (but freeing it is harmless).
 * Errors: allocation failure aborts (the only sane response in a CLI/TUI;
 * every other error in core/ is a value).  Buffers may hold NUL bytes; len is
 * authoritative.
 *
 * Part core/base/: the building blocks every part uses: strings (strbuf, strvec), errors (err),
 * untrusted text (show, validate), JSON/YAML readers and writers (jdoc, jsonw,
 * ytree, yemit), sha256, base64, shell quoting, image references (imageref),
 * XDG paths (paths) and child processes (proc).
 * Layer: may include nothing of core/ but itself (docs/ARCHITECTURE.md "core/, by part").
 */
#ifndef WS_STRBUF_H
#define WS_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0 }

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_clear(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void strbuf_setlen(struct strbuf *sb, size_t len);
/* Hands the buffer to the caller (malloc'd, free() it); sb is left empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

/* xmalloc family: abort on allocation failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Allocates a formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
