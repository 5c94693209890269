/* runner_text.c - lines of children's output for the runner's messages
 * (runner_internal.h): the last line, and a docker CLI failure in the
 * daemon's own words. */
#include "runner_internal.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

char *rn_last_line(const struct strbuf *sb)
{
	const char *end = sb->buf + sb->len;
	while (end > sb->buf && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	const char *start = end;
	while (start > sb->buf && start[-1] != '\n')
		start--;
	char *s = xstrndup(start, (size_t)(end - start));
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	return s;
}

/* What the docker CLI's failure says in the daemon's own words: the
 * "Error response from daemon: ..." line whole (without the CLI's
 * "docker: " prefix), else the last line that is not the CLI's advice
 * ("Run 'docker run --help' for more information", "See '...'").
 * Control characters become spaces.  malloc'd, "" when there is none. */
char *rn_daemon_words(const struct strbuf *sb)
{
	const char *best = NULL, *fallback = NULL;
	size_t best_len = 0, fallback_len = 0;
	const char *p = sb->buf, *end = sb->buf + sb->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		const char *hit = NULL;
		for (size_t k = 0; !hit && k + 27 <= len; k++)
			if (!memcmp(p + k, "Error response from daemon:", 27))
				hit = p + k;
		if (hit) {
			best = hit;
			best_len = len - (size_t)(hit - p);
		} else if (len && strncmp(p, "Run '", 5) && strncmp(p, "See '", 5)) {
			fallback = p;
			fallback_len = len;
		}
		p = nl ? nl + 1 : end;
	}
	if (!best) {
		best = fallback;
		best_len = fallback_len;
	}
	char *s = best ? xstrndup(best, best_len) : xstrdup("");
	for (char *q = s; *q; q++)
		if ((unsigned char)*q < 0x20)
			*q = ' ';
	return s;
}
