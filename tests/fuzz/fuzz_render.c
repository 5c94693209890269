/* fuzz_render.c - the plan renderers (render.h).
 *
 * Input: byte 0 chooses the plan.  Even: a synthetic plan built from the
 * rest, split at NUL bytes into records (first byte 1: new step with that
 * description; 2: a word that starts a new line; 3: a probe word; 4: an
 * undo word; 5: a warning; anything else: a word).  Odd: a real plan,
 * plan_build() of a spec whose mode is byte 0 / 2 and whose records set
 * options (first byte: option index, rest: the value; invalid values are
 * refused by spec_set and skipped).
 *
 * Properties:
 *  - render_shell: the text, read back by a strict POSIX parser (plain
 *    words of [A-Za-z0-9_@%+=:,./-] not starting with '=', single quotes,
 *    \' , backslash-newline, one command per line, comment lines, and only
 *    for the inner daemon.json "> FILE" and a <<'EOF' here-document; any
 *    other unquoted character is a failure because a shell would interpret
 *    it), gives exactly each step's argv, after the commands that write the
 *    plan's daemon.json byte for byte;
 *  - render_json: the text parses with jdoc_parse, is a version 1 plan
 *    with one entry per step, and every argv / probe / undo word that is
 *    valid UTF-8 comes back byte for byte;
 *  - real plans only: the Compose and Kubernetes exports (render_export)
 *    either fail with a one-line error or are a YAML stream that libyaml
 *    reads back, holding every valid UTF-8 env value as a scalar with each
 *    '$' written "$$" (both formats interpolate: Compose "$VAR", Kubernetes
 *    "$(VAR)" and "$$"). */
#include "fuzz.h"
#include "base/jdoc.h"
#include "launch/plan.h"
#include "render/render.h"
#include "render/render_export.h"
#include "base/strbuf.h"

#include <yaml.h>

/* ---- a strict reader for what render_shell writes --------------------- */

struct cmds {
	struct strvec *v;
	char **redir;   /* per command: the target of "> FILE", or NULL */
	char **body;    /* per command: its <<'EOF' here-document, or NULL */
	size_t n;
};

static int plain(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c && strchr("_@%+=:,./-", c));
}

static void cmds_free(struct cmds *c)
{
	for (size_t i = 0; i < c->n; i++) {
		strvec_release(&c->v[i]);
		free(c->redir[i]);
		free(c->body[i]);
	}
	free(c->v);
	free(c->redir);
	free(c->body);
}

/* Returns NULL, or why TEXT is not something render_shell may write. */
static const char *sh_parse(const char *s, size_t len, struct cmds *out)
{
	struct strbuf w = STRBUF_INIT;
	int in_word = 0, word_start = 1;
	size_t i = 0;
	const char *why = NULL;
	out->v = NULL;
	out->redir = out->body = NULL;
	out->n = 0;
	struct strvec cur = STRVEC_INIT;
	char *redir = NULL, *body = NULL;
	int want_redir = 0;
	while (i < len && !why) {
		unsigned char c = (unsigned char)s[i];
		if (c == '#' && !in_word && !cur.n && !want_redir && (i == 0 || s[i - 1] == '\n')) {
			const char *nl = memchr(s + i, '\n', len - i);   /* a comment line */
			if (!nl) {
				why = "a comment without a newline";
				break;
			}
			i = (size_t)(nl - s) + 1;
		} else if (c == '>' && !in_word && cur.n && !want_redir && !redir && i + 1 < len && s[i + 1] == ' ') {
			want_redir = 1;   /* "> FILE": the next word is the target */
			i += 2;
		} else if (c == '<' && !in_word && cur.n && !want_redir && !body && len - i >= 8 &&
			   !memcmp(s + i, "<<'EOF'\n", 8)) {
			/* a quoted here-document: the lines up to "EOF", verbatim */
			size_t b = i + 8, j = b;
			while (j < len) {
				const char *nl = memchr(s + j, '\n', len - j);
				if (!nl)
					break;
				size_t ll = (size_t)(nl - s) - j;
				if (ll == 3 && !memcmp(s + j, "EOF", 3))
					break;
				j = (size_t)(nl - s) + 1;
			}
			if (j + 4 > len || memcmp(s + j, "EOF\n", 4)) {
				why = "a here-document without its EOF line";
				break;
			}
			body = xstrndup(s + b, j - b);
			i = j + 3;   /* at the newline that ends the command */
		} else if (c == '\'') {
			const char *end = memchr(s + i + 1, '\'', len - i - 1);
			if (!end) {
				why = "unterminated single quote";
				break;
			}
			strbuf_add(&w, s + i + 1, (size_t)(end - s - i - 1));
			in_word = 1;
			word_start = 0;
			i = (size_t)(end - s) + 1;
		} else if (c == '\\') {
			if (i + 1 < len && s[i + 1] == '\n') {
				i += 2;   /* line continuation: removed */
			} else if (i + 1 < len && s[i + 1] == '\'') {
				strbuf_addch(&w, '\'');
				in_word = 1;
				word_start = 0;
				i += 2;
			} else {
				why = "a backslash escape other than \\' or a continuation";
			}
		} else if (c == ' ' || c == '\t' || c == '\n') {
			if (in_word) {
				if (want_redir) {
					redir = xstrdup(w.buf);
					want_redir = 0;
				} else {
					strvec_push(&cur, w.buf);
				}
				strbuf_clear(&w);
				in_word = 0;
			}
			word_start = 1;
			if (c == '\n') {
				if (want_redir) {
					why = "'>' without a file";
					break;
				}
				out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
				out->redir = xrealloc(out->redir, (out->n + 1) * sizeof(*out->redir));
				out->body = xrealloc(out->body, (out->n + 1) * sizeof(*out->body));
				out->redir[out->n] = redir;
				out->body[out->n] = body;
				out->v[out->n++] = cur;
				redir = body = NULL;
				strvec_init(&cur);
			}
			i++;
		} else if (plain(c)) {
			if (word_start && c == '=')
				why = "an unquoted word starting with '=' (zsh expands =cmd)";
			strbuf_addch(&w, c);
			in_word = 1;
			word_start = 0;
			i++;
		} else {
			why = "an unquoted character a shell would interpret";
		}
	}
	if (!why && (in_word || cur.n))
		why = "the last command does not end with a newline";
	free(redir);
	free(body);
	strvec_release(&cur);
	strbuf_release(&w);
	return why;
}

/* ---- checks -------------------------------------------------------------- */

static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n;
		unsigned cp;
		if (*p < 0x80) {
			p++;
			continue;
		} else if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else {
			return 0;
		}
		for (size_t k = 1; k <= n; k++) {
			if ((p[k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

static void check_words(const struct jdoc *d, int arr, const struct strvec *want, const char *what)
{
	if (!want->n) {
		FUZZ_CHECK(jdoc_type(d, arr) == JDOC_NULL, "%s: empty list is not null", what);
		return;
	}
	FUZZ_CHECK(jdoc_type(d, arr) == JDOC_ARRAY && jdoc_count(d, arr) == want->n, "%s: %zu words, want %zu",
		   what, jdoc_count(d, arr), want->n);
	for (size_t i = 0; i < want->n; i++) {
		size_t len;
		const char *got = jdoc_scalar(d, jdoc_at(d, arr, i), &len);
		FUZZ_CHECK(got && jdoc_is_quoted(d, jdoc_at(d, arr, i)), "%s[%zu] is not a string", what, i);
		if (valid_utf8(want->v[i]))
			FUZZ_CHECK(len == strlen(want->v[i]) && !memcmp(got, want->v[i], len),
				   "%s[%zu]: JSON gives [%s], want [%s]", what, i, got, want->v[i]);
	}
}

static void check_plan(const struct plan *p)
{
	struct strbuf sh = STRBUF_INIT, js = STRBUF_INIT;
	struct cmds cmds;
	struct err e;

	render_shell(&sh, p);
	const char *why = sh_parse(sh.buf, sh.len, &cmds);
	FUZZ_CHECK(!why, "render_shell wrote %s\n--- text\n%s", why, sh.buf);
	/* With an inner daemon.json the text first writes it: mkdir -p DIR,
	 * then cat > PATH with the file as its here-document. */
	size_t k = p->daemon_json ? 2 : 0;
	FUZZ_CHECK(cmds.n == p->n + k, "%zu commands read back, plan has %zu steps (+%zu)\n--- text\n%s", cmds.n,
		   p->n, k, sh.buf);
	if (k) {
		char *dir = xstrdup(p->daemon_json_path), *slash = strrchr(dir, '/');
		FUZZ_CHECK(slash, "daemon.json path without a directory: %s", dir);
		if (slash != dir)
			*slash = '\0';
		FUZZ_CHECK(cmds.v[0].n == 3 && !strcmp(cmds.v[0].v[0], "mkdir") && !strcmp(cmds.v[0].v[1], "-p") &&
			   !strcmp(cmds.v[0].v[2], dir) && !cmds.redir[0] && !cmds.body[0],
			   "the daemon.json's directory is not made first\n--- text\n%s", sh.buf);
		free(dir);
		FUZZ_CHECK(cmds.v[1].n == 1 && !strcmp(cmds.v[1].v[0], "cat") && cmds.redir[1] &&
			   !strcmp(cmds.redir[1], p->daemon_json_path) && cmds.body[1] &&
			   !strcmp(cmds.body[1], p->daemon_json),
			   "the daemon.json is not written as is\n--- text\n%s", sh.buf);
	}
	for (size_t i = 0; i < p->n; i++)
		FUZZ_CHECK(strvec_equal(&cmds.v[k + i], &p->steps[i].argv) && !cmds.redir[k + i] && !cmds.body[k + i],
			   "step %zu reads back differently\n--- text\n%s", i, sh.buf);
	cmds_free(&cmds);

	render_json(&js, p);
	struct jdoc *d = jdoc_parse(js.buf, js.len, 0, &e);
	FUZZ_CHECK(d, "render_json output does not parse: %s\n--- text\n%s", e.msg, js.buf);
	int root = jdoc_root(d);
	FUZZ_CHECK(jdoc_int(d, jdoc_member(d, root, "version"), 0) == 1, "no version 1");
	int steps = jdoc_member(d, root, "steps");
	FUZZ_CHECK(jdoc_type(d, steps) == JDOC_ARRAY && jdoc_count(d, steps) == p->n, "steps");
	for (size_t i = 0; i < p->n; i++) {
		int st = jdoc_at(d, steps, i);
		check_words(d, jdoc_member(d, st, "argv"), &p->steps[i].argv, "argv");
		check_words(d, jdoc_member(d, st, "probe"), &p->steps[i].probe, "probe");
		check_words(d, jdoc_member(d, st, "undo"), &p->steps[i].undo, "undo");
		const char *kind = jdoc_string(d, jdoc_member(d, st, "kind"), NULL);
		FUZZ_CHECK(kind && !strcmp(kind, step_kind_name(p->steps[i].kind)), "kind");
	}
	int warnings = jdoc_member(d, root, "warnings");
	FUZZ_CHECK(jdoc_type(d, warnings) == JDOC_ARRAY && jdoc_count(d, warnings) == p->warnings.n, "warnings");
	jdoc_free(d);
	strbuf_release(&sh);
	strbuf_release(&js);
}

/* ---- plans from bytes ------------------------------------------------------ */

static void synthetic(struct plan *p, char **part, size_t *len, size_t n)
{
	struct step *st = plan_add_step(p, STEP_RUN, "first");
	p->mode = MODE_SOCKET;
	for (size_t i = 0; i < n; i++) {
		unsigned char tag = len[i] ? (unsigned char)part[i][0] : 0;
		const char *rest = len[i] ? part[i] + 1 : part[i];
		switch (tag) {
		case 1:
			st = plan_add_step(p, (enum step_kind)(len[i] % 4), rest);
			st->object = xstrdup(rest);
			break;
		case 2:
		default:
			strvec_push(&st->argv, tag == 2 ? rest : part[i]);
			st->breaks = xrealloc(st->breaks, st->argv.n);
			st->breaks[st->argv.n - 1] = tag == 2;
			break;
		case 3:
			strvec_push(&st->probe, rest);
			break;
		case 4:
			strvec_push(&st->undo, rest);
			break;
		case 5:
			strvec_push(&p->warnings, rest);
			break;
		}
	}
}

/* Every scalar of the YAML stream TEXT into OUT; -1 with E when libyaml
 * cannot read it. */
static int yaml_scalars(const struct strbuf *text, struct strvec *out, struct err *e)
{
	yaml_parser_t y;
	yaml_event_t ev;
	int rc = 0, docs = 0;
	if (!yaml_parser_initialize(&y))
		abort();
	yaml_parser_set_input_string(&y, (const unsigned char *)text->buf, text->len);
	for (;;) {
		if (!yaml_parser_parse(&y, &ev)) {
			rc = err_set(e, "%zu:%zu: %s", y.problem_mark.line + 1, y.problem_mark.column + 1,
				     y.problem ? y.problem : "?");
			break;
		}
		if (ev.type == YAML_SCALAR_EVENT)
			strvec_push_nodup(out, xstrndup((const char *)ev.data.scalar.value, ev.data.scalar.length));
		docs += ev.type == YAML_DOCUMENT_START_EVENT;
		int end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (end)
			break;
	}
	yaml_parser_delete(&y);
	if (!rc && !docs)
		rc = err_set(e, "no YAML document");
	return rc;
}

static void check_exports(const struct spec *s, const struct facts *f)
{
	static const char *const formats[] = { "compose", "kube" };
	for (size_t k = 0; k < 2; k++) {
		struct strbuf out = STRBUF_INIT;
		struct strvec warnings = STRVEC_INIT, scalars = STRVEC_INIT;
		struct err e;
		if (render_export(&out, formats[k], s, f, &warnings, &e)) {
			FUZZ_CHECK(fuzz_one_line(e.msg), "%s export error is not one line: %s", formats[k], e.msg);
		} else {
			FUZZ_CHECK(!yaml_scalars(&out, &scalars, &e), "%s export is not YAML: %s\n--- text\n%s",
				   formats[k], e.msg, out.buf);
			for (size_t i = 0; i < s->env.n; i++) {
				const char *kv = s->env.v[i];
				struct strbuf want = STRBUF_INIT;
				int found = 0;
				if (!valid_utf8(kv) || !strchr(kv, '='))
					continue; /* NAME alone: passed through, no value to hold */
				for (const char *p = strchr(kv, '=') + 1; *p; p++) {
					if (*p == '$')
						strbuf_addch(&want, '$');
					strbuf_addch(&want, *p);
				}
				for (size_t j = 0; j < scalars.n && !found; j++)
					found = !strcmp(scalars.v[j], want.buf);
				FUZZ_CHECK(found, "%s export does not hold env %s as [%s]\n--- text\n%s", formats[k], kv,
					   want.buf, out.buf);
				strbuf_release(&want);
			}
		}
		strvec_release(&scalars);
		strvec_release(&warnings);
		strbuf_release(&out);
	}
}

static void real(struct plan *p, int mode, char **part, size_t *len, size_t n)
{
	struct spec s;
	struct facts f;
	struct err e;
	spec_init(&s);
	s.mode = (enum mode_id)(mode % MODE__COUNT);
	for (size_t i = 0; i < n; i++) {
		if (!len[i])
			continue;
		unsigned id = (unsigned char)part[i][0] % (OPT__COUNT + 3);
		const char *v = part[i] + 1;
		if (id < OPT__COUNT)
			spec_set(&s, (enum opt_id)id, v, NULL);
		else if (id == OPT__COUNT)
			spec_env_set(&s, v, NULL);
		else if (id == OPT__COUNT + 1)
			spec_set_publish_port(&s, v, NULL);
		else
			spec_set_publish_bind(&s, v, NULL);
	}
	fuzz_fixed_facts(&f, 1, 0);
	if (plan_build(p, &s, &f, &e))
		FUZZ_CHECK(fuzz_one_line(e.msg) && p->n == 0, "plan error is not one line or left steps: %s", e.msg);
	else
		check_exports(&s, &f);
	facts_release(&f);
	spec_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	char *buf, *part[256];
	size_t len[256];
	size_t n = fuzz_split(data + 1, size - 1, &buf, part, len, 256);
	struct plan p;
	plan_init(&p);
	if (data[0] & 1)
		real(&p, data[0] >> 1, part, len, n);
	else
		synthetic(&p, part, len, n);
	check_plan(&p);
	plan_release(&p);
	free(buf);
	return 0;
}
