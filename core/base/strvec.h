/* strvec.h - a NULL-terminated vector of owned strings (an argv).
 *
 * Ownership: the vector owns every string in it (copied on push) and the
 * array; strvec_release() releases all and leaves an empty vector.  v[n] is
 * always NULL, so sv.v can be passed to execv() directly.  Allocation
 * failure aborts. */
#ifndef WS_STRVEC_H
#define WS_STRVEC_H

#include <stdarg.h>
#include <stddef.h>

struct strvec {
	char **v;
	size_t n;
	size_t alloc;
};

extern const char *strvec_nullv[];
#define STRVEC_INIT { (char **)strvec_nullv, 0, 0 }

void strvec_init(struct strvec *sv);
void strvec_release(struct strvec *sv);
void strvec_clear(struct strvec *sv);
void strvec_push(struct strvec *sv, const char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Takes ownership of s (a malloc'd string). */
void strvec_push_nodup(struct strvec *sv, char *s);
/* Pushes every argument up to a NULL. */
void strvec_pushl(struct strvec *sv, ...) __attribute__((sentinel));
void strvec_pushv(struct strvec *sv, const char *const *v);
void strvec_copy(struct strvec *dst, const struct strvec *src);
int strvec_equal(const struct strvec *a, const struct strvec *b);

/* A strvec of "KEY=value" entries, each key once: */
/* Sets KEY to the formatted value (replacing its old entry, in place). */
void strvec_kv_set(struct strvec *sv, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void strvec_kv_vset(struct strvec *sv, const char *key, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* KEY's value (owned by SV), NULL when it has none. */
const char *strvec_kv_get(const struct strvec *sv, const char *key);
/* Removes KEY's entry, if any. */
void strvec_kv_unset(struct strvec *sv, const char *key);

#endif
