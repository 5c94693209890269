/* shellquote.c - minimal, safe shell quoting. */
#include "shellquote.h"
#include "strbuf.h"

#include <string.h>

int shell_word_is_plain(const char *w)
{
	if (!*w || *w == '=')
		return 0;
	for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (!strchr("_@%+=:,./-", c))
			return 0;
	}
	return 1;
}

void shell_quote(struct strbuf *sb, const char *w)
{
	if (shell_word_is_plain(w)) {
		strbuf_addstr(sb, w);
		return;
	}
	strbuf_addch(sb, '\'');
	for (const char *p = w; *p; p++) {
		if (*p == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *p);
	}
	strbuf_addch(sb, '\'');
}
