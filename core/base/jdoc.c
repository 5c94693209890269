/* jdoc.c - JSON documents through libyaml's loader (see jdoc.h for the
 * JSON/YAML differences handled here). */
#include "jdoc.h"
#include "jdoc_internal.h"
#include "strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>


/* One place where the pre-pass output differs in length from its input:
 * OUT_LEN bytes at OUT in the rewritten text stand for IN_LEN input bytes. */
struct rewrite {
	size_t out;
	size_t in_len;
	size_t out_len;
};

struct prep {
	const char *in;       /* the caller's bytes */
	size_t in_len;
	struct strbuf out;    /* what libyaml parses */
	struct rewrite *rw;   /* sorted by out */
	size_t nrw, rw_alloc;
};

/* ---- positions ---------------------------------------------------------- */

static int is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* 1-based line:col of byte OFF in the caller's input (columns count UTF-8
 * characters; only '\n' ends a line, as editors see it). */
static void input_linecol(const struct prep *p, size_t off, unsigned long *line, unsigned long *col)
{
	unsigned long l = 1, c = 1;
	size_t i = 0;
	if (off > p->in_len)
		off = p->in_len;
	if (p->in_len >= 3 && !memcmp(p->in, "\xef\xbb\xbf", 3))
		i = 3;   /* editors do not show a BOM */
	for (; i < off; i++) {
		unsigned char ch = (unsigned char)p->in[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if (!is_cont(ch)) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

/* Maps a byte offset in the rewritten text back to the caller's input. */
static size_t out_to_in(const struct prep *p, size_t off)
{
	size_t shift = 0;
	for (size_t i = 0; i < p->nrw; i++) {
		const struct rewrite *r = &p->rw[i];
		if (r->out >= off && !(r->out == off && r->out_len == 0))
			break;
		if (off < r->out + r->out_len)
			return r->out + shift;   /* inside the replacement: its start */
		shift += r->in_len - r->out_len;
	}
	return off + shift;
}

/* Byte offset in the rewritten text of libyaml's character index CHR. */
static size_t char_to_byte(const struct prep *p, size_t chr)
{
	const unsigned char *s = (const unsigned char *)p->out.buf;
	size_t b = 0, n = 0;
	while (n < chr && b < p->out.len) {
		b++;
		while (b < p->out.len && is_cont(s[b]))
			b++;
		n++;
	}
	return b;
}

/* A moving char→byte cursor: node marks arrive in increasing order, so the
 * validation walk stays linear. */
struct cursor {
	const struct prep *p;
	size_t byte, chr;
};

static size_t cursor_seek(struct cursor *c, size_t chr)
{
	const unsigned char *s = (const unsigned char *)c->p->out.buf;
	size_t len = c->p->out.len;
	if (chr < c->chr) {
		c->byte = 0;
		c->chr = 0;
	}
	while (c->chr < chr && c->byte < len) {
		c->byte++;
		while (c->byte < len && is_cont(s[c->byte]))
			c->byte++;
		c->chr++;
	}
	return c->byte;
}

__attribute__((format(printf, 4, 5)))
static int fail_at_in(const struct prep *p, size_t in_off, struct err *e, const char *fmt, ...)
{
	char msg[ERR_MAX];
	unsigned long line, col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	input_linecol(p, in_off, &line, &col);
	return err_set(e, "%lu:%lu: %s", line, col, msg);
}

/* ---- pre-pass ------------------------------------------------------------ */

static void add_rewrite(struct prep *p, size_t in_len, size_t out_len)
{
	if (p->nrw == p->rw_alloc) {
		p->rw_alloc = p->rw_alloc ? 2 * p->rw_alloc : 8;
		p->rw = xrealloc(p->rw, p->rw_alloc * sizeof(*p->rw));
	}
	p->rw[p->nrw++] = (struct rewrite){ .out = p->out.len, .in_len = in_len, .out_len = out_len };
}

static int hex4(const char *s, size_t avail, unsigned *out)
{
	unsigned v = 0;
	if (avail < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void put_utf8(struct strbuf *sb, unsigned cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	strbuf_add(sb, b, n);
}

/* Handles the escape at in[i] == '\\' inside a string; returns the number
 * of input bytes consumed or 0 after filling E. */
static size_t prep_escape(struct prep *p, size_t i, struct err *e)
{
	const char *in = p->in;
	size_t len = p->in_len;
	if (i + 1 >= len) {
		strbuf_addch(&p->out, '\\');   /* truncated: libyaml reports it */
		return 1;
	}
	char c = in[i + 1];
	if (c && strchr("\"\\/bfnrt", c)) {
		strbuf_add(&p->out, in + i, 2);
		return 2;
	}
	if (c != 'u') {
		if (c > 0x20 && c < 0x7f)
			fail_at_in(p, i, e, "invalid escape '\\%c' in a string", c);
		else
			fail_at_in(p, i, e, "invalid escape in a string");
		return 0;
	}
	unsigned hi, lo;
	if (hex4(in + i + 2, len - i - 2, &hi)) {
		fail_at_in(p, i, e, "invalid \\u escape (need 4 hex digits)");
		return 0;
	}
	if (hi < 0xd800 || hi > 0xdfff) {
		strbuf_add(&p->out, in + i, 6);
		return 6;
	}
	/* libyaml refuses surrogates: decode a pair, replace a lone one. */
	if (hi <= 0xdbff && i + 12 <= len && in[i + 6] == '\\' && in[i + 7] == 'u' &&
	    !hex4(in + i + 8, len - i - 8, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
		add_rewrite(p, 12, 4);
		put_utf8(&p->out, 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
		return 12;
	}
	add_rewrite(p, 6, 3);
	put_utf8(&p->out, 0xfffd);
	return 6;
}

/* Characters valid raw in a JSON string that libyaml's reader refuses as
 * "control characters" (U+007F, U+0080-U+009F, U+FFFE, U+FFFF) or folds
 * into a space (U+0085, U+2028, U+2029; YAML line breaks).  Returns the
 * length of the UTF-8 sequence at S (AVAIL bytes) when it is one of them,
 * with its code point in *CP; 0 otherwise. */
static size_t raw_to_escape(const char *s, size_t avail, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] == 0x7f) {
		*cp = 0x7f;
		return 1;
	}
	if (u[0] == 0xc2 && avail >= 2 && u[1] >= 0x80 && u[1] <= 0x9f) {
		*cp = u[1];
		return 2;
	}
	if (u[0] == 0xe2 && avail >= 3 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9)) {
		*cp = 0x2000 | (u[2] & 0x3f);
		return 3;
	}
	if (u[0] == 0xef && avail >= 3 && u[1] == 0xbf && (u[2] == 0xbe || u[2] == 0xbf)) {
		*cp = 0xfffe + (u[2] - 0xbe);
		return 3;
	}
	return 0;
}

static int prep_run(struct prep *p, struct err *e)
{
	const char *in = p->in;
	size_t len = p->in_len, i = 0, nodes = 1;
	int in_string = 0;
	unsigned depth = 0;

	strbuf_grow(&p->out, len);
	if (len >= 3 && !memcmp(in, "\xef\xbb\xbf", 3)) {
		add_rewrite(p, 3, 0);
		i = 3;
	}
	while (i < len) {
		char c = in[i];
		if (in_string) {
			if (c == '\\') {
				size_t n = prep_escape(p, i, e);
				if (!n)
					return -1;
				i += n;
				continue;
			}
			if (c == '"')
				in_string = 0;
			if ((unsigned char)c < 0x20)
				return fail_at_in(p, i, e, "unescaped control character in a string");
			/* Raw characters libyaml folds (NEL, LS, PS) or refuses
			 * (DEL, C1 controls, U+FFFE, U+FFFF): hand them over escaped. */
			unsigned cp;
			size_t raw = raw_to_escape(in + i, len - i, &cp);
			if (raw) {
				add_rewrite(p, raw, 6);
				strbuf_addf(&p->out, "\\u%04X", cp);
				i += raw;
				continue;
			}
			strbuf_addch(&p->out, c);
			i++;
			continue;
		}
		switch (c) {
		case '"':
			in_string = 1;
			break;
		case '[':
		case '{':
			if (++depth > JDOC_MAX_DEPTH)
				return fail_at_in(p, i, e, "nested deeper than %d levels", JDOC_MAX_DEPTH);
			nodes++;
			break;
		case ']':
		case '}':
			if (depth)
				depth--;
			break;
		case ',':
		case ':':
			nodes++;
			break;
		case '#':
			return fail_at_in(p, i, e, "unexpected '#' (comments are not JSON)");
		case '\t':
			if (!depth)
				c = ' ';   /* YAML refuses tabs in block context */
			break;
		default:
			/* Outside strings JSON is ASCII; libyaml would take NEL/LS/PS
			 * as line breaks. */
			if ((unsigned char)c >= 0x80)
				return fail_at_in(p, i, e, "unexpected character outside a string");
			break;
		}
		if (nodes > JDOC_MAX_NODES)
			return fail_at_in(p, i, e, "more than %d values", JDOC_MAX_NODES);
		strbuf_addch(&p->out, c);
		i++;
	}
	return 0;
}

/* ---- libyaml errors -------------------------------------------------------- */

static int fail_yaml(const struct prep *p, const yaml_parser_t *y, struct err *e)
{
	size_t out_off;
	if (y->error == YAML_MEMORY_ERROR)
		return err_set(e, "out of memory");
	if (y->error == YAML_READER_ERROR)
		out_off = y->problem_offset;
	else
		out_off = char_to_byte(p, y->problem_mark.index);
	if (out_off > p->out.len)
		out_off = p->out.len;
	return fail_at_in(p, out_to_in(p, out_off), e, "%s",
			  y->problem ? y->problem : "syntax error");
}

/* ---- validation: refuse the YAML that is not JSON --------------------------- */

int jdoc_text_is_number(const char *s, size_t n, int integer_only)
{
	size_t i = 0;
	if (i < n && s[i] == '-')
		i++;
	if (i >= n)
		return 0;
	if (s[i] == '0') {
		i++;
	} else if (s[i] >= '1' && s[i] <= '9') {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		return 0;
	}
	if (i < n && s[i] == '.') {
		if (integer_only)
			return 0;
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (integer_only)
			return 0;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

int jdoc_node_is_word(const yaml_node_t *n, const char *w)
{
	size_t wl = strlen(w);
	return n->data.scalar.length == wl && !memcmp(n->data.scalar.value, w, wl);
}

static int is_literal(const yaml_node_t *n)
{
	return jdoc_node_is_word(n, "true") || jdoc_node_is_word(n, "false") || jdoc_node_is_word(n, "null") ||
	       jdoc_text_is_number((const char *)n->data.scalar.value, n->data.scalar.length, 0);
}

static int check_node(const struct prep *p, struct cursor *cur, yaml_document_t *d,
		      yaml_node_t *n, struct err *e)
{
	size_t at = cursor_seek(cur, n->start_mark.index);
	char raw = at < p->out.len ? p->out.buf[at] : '\0';

	switch (n->type) {
	case YAML_SCALAR_NODE:
		if (n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
			if (raw != '"')
				return fail_at_in(p, out_to_in(p, at), e, "anchors and tags are not JSON");
			return 0;
		}
		if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			return fail_at_in(p, out_to_in(p, at), e, "expected a JSON value (strings take double quotes)");
		if (!n->data.scalar.length)
			return fail_at_in(p, out_to_in(p, at), e, "expected a value");
		if (raw == '&' || raw == '!')
			return fail_at_in(p, out_to_in(p, at), e, "anchors and tags are not JSON");
		if (raw != (char)n->data.scalar.value[0] || !is_literal(n))
			return fail_at_in(p, out_to_in(p, at), e, "expected a JSON value (a string, number, true, false or null)");
		return 0;
	case YAML_SEQUENCE_NODE:
		if (n->data.sequence.style != YAML_FLOW_SEQUENCE_STYLE || raw != '[')
			return fail_at_in(p, out_to_in(p, at), e, "expected a JSON value ('[' for an array)");
		return 0;
	case YAML_MAPPING_NODE:
		if (n->data.mapping.style != YAML_FLOW_MAPPING_STYLE || raw != '{')
			return fail_at_in(p, out_to_in(p, at), e, "expected a JSON value ('{' for an object)");
		for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = yaml_document_get_node(d, pr->key);
			if (!k || k->type != YAML_SCALAR_NODE ||
			    k->data.scalar.style != YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
				size_t kat = k ? char_to_byte(p, k->start_mark.index) : at;
				return fail_at_in(p, out_to_in(p, kat), e, "object keys must be strings");
			}
		}
		return 0;
	default:
		return fail_at_in(p, out_to_in(p, at), e, "expected a JSON value");
	}
}

static int check_doc(const struct prep *p, yaml_document_t *d, struct err *e)
{
	yaml_node_t *root = yaml_document_get_root_node(d);
	struct cursor cur = { .p = p };
	size_t first = 0;

	while (first < p->out.len && p->out.buf[first] && strchr(" \t\r\n", p->out.buf[first]))
		first++;
	if (!root)
		return fail_at_in(p, out_to_in(p, first), e, "no JSON value");
	if (cursor_seek(&cur, root->start_mark.index) != first)
		return fail_at_in(p, out_to_in(p, first), e, "expected a JSON value");
	for (yaml_node_t *n = d->nodes.start; n < d->nodes.top; n++)
		if (check_node(p, &cur, d, n, e))
			return -1;
	return 0;
}

/* ---- parse -------------------------------------------------------------- */

struct jdoc *jdoc_parse(const char *data, size_t len, size_t max, struct err *e)
{
	struct prep p = { .in = data, .in_len = data ? len : 0, .out = STRBUF_INIT };
	yaml_parser_t y;
	struct jdoc *doc = NULL;
	yaml_document_t extra;

	if (max && len > max) {
		err_set(e, "document larger than %zu bytes", max);
		return NULL;
	}
	if (prep_run(&p, e))
		goto out;
	if (!yaml_parser_initialize(&y)) {
		err_set(e, "out of memory");
		goto out;
	}
	yaml_parser_set_encoding(&y, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&y, (const unsigned char *)p.out.buf, p.out.len);
	doc = xcalloc(1, sizeof(*doc));
	if (!yaml_parser_load(&y, &doc->doc)) {
		fail_yaml(&p, &y, e);
		free(doc);
		doc = NULL;
		goto done;
	}
	if (check_doc(&p, &doc->doc, e))
		goto bad;
	/* Anything after the value must be nothing at all. */
	if (!yaml_parser_load(&y, &extra)) {
		fail_yaml(&p, &y, e);
		goto bad;
	}
	if (yaml_document_get_root_node(&extra)) {
		size_t at = char_to_byte(&p, yaml_document_get_root_node(&extra)->start_mark.index);
		fail_at_in(&p, out_to_in(&p, at), e, "unexpected data after the JSON value");
		yaml_document_delete(&extra);
		goto bad;
	}
	yaml_document_delete(&extra);
	goto done;
bad:
	jdoc_free(doc);
	doc = NULL;
done:
	yaml_parser_delete(&y);
out:
	strbuf_release(&p.out);
	free(p.rw);
	return doc;
}

void jdoc_free(struct jdoc *doc)
{
	if (!doc)
		return;
	yaml_document_delete(&doc->doc);
	free(doc);
}
