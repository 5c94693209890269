/* render_export.c - spec → launch → Compose or Kubernetes text. */
#include "launch/launch_build.h"
#include "render_export.h"

#include "base/show.h"

#include <string.h>

int render_export(struct strbuf *out, const char *format, const struct spec *s, const struct facts *f,
		  struct strvec *warnings, struct err *e)
{
	struct launch l;
	if (launch_build(s, f, &l, e))
		return -1;
	if (warnings)
		for (size_t i = 0; i < l.warnings.n; i++)
			strvec_push(warnings, l.warnings.v[i]);
	int rc = !strcmp(format, "kube") ? render_kube(out, &l, warnings, e) : render_compose(out, &l, warnings, e);
	launch_release(&l);
	return rc;
}

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
