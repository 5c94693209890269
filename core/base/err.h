/* err.h - errors as values.
 *
 * Every fallible core function takes a `struct err *` (may be NULL when the
 * caller does not want the text) and returns -1 (or NULL) after filling it
 * with a one-line message; 0 on success.  The message never ends in a
 * newline and never starts with the program name: the caller adds context
 * ("--port: ", "file:line:col: ") with err_prefix().  No allocation: the
 * struct is a fixed buffer, so errors can be reported on any path. */
#ifndef WS_ERR_H
#define WS_ERR_H

#include <stddef.h>

#define ERR_MAX 512

struct err {
	char msg[ERR_MAX];
};

/* Sets the message; always returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prepends context: "CTX: old message". Returns -1. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);

#endif
