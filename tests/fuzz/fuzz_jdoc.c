/* fuzz_jdoc.c - JSON documents through libyaml (jdoc.h).
 *
 * Input: a JSON text.  Properties: an error is one line "LINE:COL: what"
 * with a position inside the input; a parsed document can be walked with
 * every accessor (no node id out of range, typed getters agree with
 * jdoc_type); and written back as JSON by the harness it parses again to
 * the same tree (the JSON/YAML differences jdoc.h handles survive a round
 * trip).  Strings holding "\u0000" are compared by length. */
#include "fuzz.h"
#include "base/jdoc.h"
#include "base/jsonw.h"
#include "base/strbuf.h"

#define WALK_MAX_DEPTH (JDOC_MAX_DEPTH + 2)

static void write_node(const struct jdoc *d, int node, struct strbuf *out, int depth)
{
	size_t len;
	const char *s;
	FUZZ_CHECK(depth <= WALK_MAX_DEPTH, "deeper than the limit");
	switch (jdoc_type(d, node)) {
	case JDOC_OBJECT:
		strbuf_addch(out, '{');
		for (size_t i = 0; i < jdoc_count(d, node); i++) {
			const char *k = NULL;
			int v = jdoc_pair(d, node, i, &k);
			FUZZ_CHECK(v > 0 && k, "member %zu has no value or key", i);
			if (i)
				strbuf_addch(out, ',');
			json_escape(out, k);
			strbuf_addch(out, ':');
			write_node(d, v, out, depth + 1);
		}
		strbuf_addch(out, '}');
		return;
	case JDOC_ARRAY:
		strbuf_addch(out, '[');
		for (size_t i = 0; i < jdoc_count(d, node); i++) {
			int v = jdoc_at(d, node, i);
			FUZZ_CHECK(v > 0, "element %zu missing", i);
			if (i)
				strbuf_addch(out, ',');
			write_node(d, v, out, depth + 1);
		}
		strbuf_addch(out, ']');
		return;
	case JDOC_STRING:
		s = jdoc_scalar(d, node, &len);
		FUZZ_CHECK(s && jdoc_string(d, node, NULL) == s && jdoc_is_quoted(d, node), "string accessors");
		/* json_escape stops at a NUL: write "\u0000" ourselves. */
		strbuf_addch(out, '"');
		for (size_t i = 0; i < len; i++) {
			if (!s[i]) {
				strbuf_addstr(out, "\\u0000");
				continue;
			}
			size_t n = strnlen(s + i, len - i);
			char *piece = xstrndup(s + i, n);
			struct strbuf q = STRBUF_INIT;
			json_escape(&q, piece);
			strbuf_add(out, q.buf + 1, q.len - 2);
			strbuf_release(&q);
			free(piece);
			i += n - 1;
		}
		strbuf_addch(out, '"');
		return;
	case JDOC_NUMBER:
	case JDOC_BOOL:
	case JDOC_NULL:
		s = jdoc_scalar(d, node, &len);
		FUZZ_CHECK(s && len && !jdoc_is_quoted(d, node) && !jdoc_string(d, node, NULL), "literal accessors");
		jdoc_int(d, node, 0);
		jdoc_bool(d, node, 0);
		strbuf_add(out, s, len);
		return;
	case JDOC_NONE:
		FUZZ_CHECK(0, "node %d has no type", node);
	}
}

/* Structural equality of two documents. */
static int same(const struct jdoc *a, int na, const struct jdoc *b, int nb)
{
	enum jdoc_type t = jdoc_type(a, na);
	if (t != jdoc_type(b, nb) || jdoc_count(a, na) != jdoc_count(b, nb))
		return 0;
	if (t == JDOC_OBJECT) {
		for (size_t i = 0; i < jdoc_count(a, na); i++) {
			const char *ka, *kb;
			int va = jdoc_pair(a, na, i, &ka), vb = jdoc_pair(b, nb, i, &kb);
			if (strcmp(ka, kb) || !same(a, va, b, vb))
				return 0;
		}
		return 1;
	}
	if (t == JDOC_ARRAY) {
		for (size_t i = 0; i < jdoc_count(a, na); i++)
			if (!same(a, jdoc_at(a, na, i), b, jdoc_at(b, nb, i)))
				return 0;
		return 1;
	}
	size_t la, lb;
	const char *sa = jdoc_scalar(a, na, &la), *sb = jdoc_scalar(b, nb, &lb);
	return la == lb && !memcmp(sa, sb, la);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;
	struct jdoc *d = jdoc_parse((const char *)data, size, (size_t)1 << 20, &e);
	if (!d) {
		unsigned long line, col;
		char tail;
		FUZZ_CHECK(fuzz_one_line(e.msg), "error is not one line: %s", e.msg);
		if (size <= (size_t)1 << 20) {
			FUZZ_CHECK(sscanf(e.msg, "%lu:%lu: %c", &line, &col, &tail) == 3,
				   "error is not LINE:COL: what: %s", e.msg);
			unsigned long lines = 1;
			for (size_t i = 0; i < size; i++)
				lines += data[i] == '\n';
			FUZZ_CHECK(line >= 1 && line <= lines && col >= 1, "error position %lu:%lu outside %lu lines",
				   line, col, lines);
		}
		return 0;
	}
	int root = jdoc_root(d);
	FUZZ_CHECK(root > 0, "parsed document without a root");
	FUZZ_CHECK(jdoc_type(d, 0) == JDOC_NONE && jdoc_count(d, -1) == 0 && !jdoc_scalar(d, 1 << 30, NULL),
		   "bad node ids must be harmless");
	unsigned long l, c;
	jdoc_pos(d, root, &l, &c);
	FUZZ_CHECK(l >= 1 && c >= 1, "root position %lu:%lu", l, c);
	struct strbuf out = STRBUF_INIT;
	write_node(d, root, &out, 0);
	struct jdoc *d2 = jdoc_parse(out.buf, out.len, 0, &e);
	FUZZ_CHECK(d2, "re-written document does not parse: %s\n--- text\n%s", e.msg, out.buf);
	FUZZ_CHECK(same(d, root, d2, jdoc_root(d2)), "re-written document differs\n--- text\n%s", out.buf);
	jdoc_free(d2);
	jdoc_free(d);
	strbuf_release(&out);
	return 0;
}
