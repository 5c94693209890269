/* render_comment.c - text for YAML comments of the exports
 * (render_export.h render_comment_text); the Compose and Kubernetes
 * renderers call it, render_export.c calls them. */
#include "render_export.h"

#include "base/show.h"

#include <string.h>

/* Appends S as one line of a YAML comment (and of a warning): control
 * characters, invalid UTF-8 and what libyaml takes for a line break or
 * refuses (U+0080-U+009F, U+2028, U+2029, U+FFFE, U+FFFF) become \xNN, so a
 * path holding "\n" cannot end the comment and inject YAML (found by
 * tests/fuzz/fuzz_render). */
void render_comment_text(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		size_t n = p[i] < 0x80 ? 1 : utf8_seqlen(p + i, len - i);
		int bad = !n || (n == 1 && (p[i] < 0x20 || p[i] == 0x7f)) ||
			  (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0) ||
			  (n == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 && (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) ||
			  (n == 3 && p[i] == 0xef && p[i + 1] == 0xbf && p[i + 2] >= 0xbe);
		if (bad) {
			strbuf_addf(sb, "\\x%02x", p[i]);
			i++;
		} else {
			strbuf_add(sb, p + i, n);
			i += n;
		}
	}
}
