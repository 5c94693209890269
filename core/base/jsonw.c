/* jsonw.c - JSON output. */
#include "jsonw.h"
#include "show.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

void json_escape(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;
	strbuf_addch(sb, '"');
	while (i < len) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, c);
			i++;
		} else if (c == '\n') {
			strbuf_addstr(sb, "\\n");
			i++;
		} else if (c == '\t') {
			strbuf_addstr(sb, "\\t");
			i++;
		} else if (c == '\r') {
			strbuf_addstr(sb, "\\r");
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_addf(sb, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			strbuf_addch(sb, c);
			i++;
		} else {
			size_t n = utf8_seqlen(p + i, len - i);
			if (!n) {
				strbuf_addstr(sb, "\\ufffd");
				i++;
			} else {
				strbuf_add(sb, p + i, n);
				i += n;
			}
		}
	}
	strbuf_addch(sb, '"');
}

void jsonw_init(struct jsonw *w, struct strbuf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

static void indent(struct jsonw *w)
{
	strbuf_addch(w->out, '\n');
	for (int i = 0; i < w->depth; i++)
		strbuf_addstr(w->out, "  ");
}

/* Separator and indentation before a value or key at the current level. */
static void before_item(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->count[w->depth]++)
		strbuf_addch(w->out, ',');
	indent(w);
}

static void open_(struct jsonw *w, char c)
{
	before_item(w);
	strbuf_addch(w->out, c);
	if (++w->depth >= JSONW_MAX_DEPTH)
		abort();
	w->count[w->depth] = 0;
}

static void close_(struct jsonw *w, char c)
{
	if (w->depth <= 0 || w->after_key)
		abort();
	int had = w->count[w->depth];
	w->depth--;
	if (had)
		indent(w);
	strbuf_addch(w->out, c);
	if (w->depth == 0)
		strbuf_addch(w->out, '\n');
}

void jsonw_obj_begin(struct jsonw *w) { open_(w, '{'); }
void jsonw_obj_end(struct jsonw *w) { close_(w, '}'); }
void jsonw_arr_begin(struct jsonw *w) { open_(w, '['); }
void jsonw_arr_end(struct jsonw *w) { close_(w, ']'); }

void jsonw_key(struct jsonw *w, const char *key)
{
	before_item(w);
	json_escape(w->out, key);
	strbuf_addstr(w->out, ": ");
	w->after_key = 1;
}

void jsonw_str(struct jsonw *w, const char *s)
{
	before_item(w);
	if (s)
		json_escape(w->out, s);
	else
		strbuf_addstr(w->out, "null");
}

void jsonw_int(struct jsonw *w, long long v)
{
	before_item(w);
	strbuf_addf(w->out, "%lld", v);
}

void jsonw_bool(struct jsonw *w, int v)
{
	before_item(w);
	strbuf_addstr(w->out, v ? "true" : "false");
}

void jsonw_null(struct jsonw *w)
{
	before_item(w);
	strbuf_addstr(w->out, "null");
}

void jsonw_kstr(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_str(w, s);
}

void jsonw_kint(struct jsonw *w, const char *key, long long v)
{
	jsonw_key(w, key);
	jsonw_int(w, v);
}

void jsonw_kbool(struct jsonw *w, const char *key, int v)
{
	jsonw_key(w, key);
	jsonw_bool(w, v);
}
