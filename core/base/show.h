/* show.h - render untrusted values for one-line messages.
 *
 * show_value() appends VALUE to SB in single quotes, with control
 * characters, quotes, backslashes and invalid UTF-8 escaped C-style
 * (\n, \t, \x1b), truncated with "..." after MAX bytes of input (0 = no
 * limit).  Used by every error that names a bad value, so a hostile value
 * can never break the one-line rule or inject terminal escapes. */
#ifndef WS_SHOW_H
#define WS_SHOW_H

#include <stddef.h>

struct strbuf;

void show_value(struct strbuf *sb, const char *value, size_t max);
/* Convenience: returns a static-free, caller-owned (free()) shown copy. */
char *show_dup(const char *value, size_t max);
/* Makes text from another program safe to print in place: C0 controls
 * (but tab), DEL, C1 controls and invalid UTF-8 bytes become '?'. */
void show_sanitize(char *s, size_t len);
/* "12.3 MB", "512 B": byte counts for progress (decimal units, as docker). */
void show_bytes(long long n, char *buf, size_t size);
/* Length in bytes of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
size_t utf8_seqlen(const unsigned char *s, size_t avail);

#endif
