/* err.c - one-line error messages as values. */
#include "err.h"
#include "show.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void flatten(char *s)
{
	/* One line, always: line breaks and tabs become spaces, other control
	 * characters (C0, DEL, C1) and invalid UTF-8 from data become '?'. */
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	show_sanitize(s, strlen(s));
}

int err_set(struct err *e, const char *fmt, ...)
{
	if (!e)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	flatten(e->msg);
	return -1;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	if (!e)
		return -1;
	char old[ERR_MAX];
	memcpy(old, e->msg, sizeof(old));
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(e->msg) - 3) {
		size_t room = sizeof(e->msg) - (size_t)n;
		e->msg[n] = ':';
		e->msg[n + 1] = ' ';
		memcpy(e->msg + n + 2, old, room - 2);
		e->msg[sizeof(e->msg) - 1] = '\0';
	}
	flatten(e->msg);
	return -1;
}

void err_clear(struct err *e)
{
	if (e)
		e->msg[0] = '\0';
}
