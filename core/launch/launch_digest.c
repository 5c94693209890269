/* launch_digest.c - the normalised launch, its digest and the diff of two
 * (launch_digest.h). */
#include "launch_digest.h"
#include "options.h"
#include "modes.h"
#include "base/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_value(struct strbuf *out, const char *v)
{
	for (; *v; v++) {
		if (*v == ' ')
			strbuf_addstr(out, "%20");
		else if (*v == '%')
			strbuf_addstr(out, "%25");
		else
			strbuf_addch(out, *v);
	}
}

void launch_normalise(const struct spec *s, struct strbuf *out)
{
	const struct mode *m = mode_get(s->mode);
	strbuf_addf(out, "mode=%s", m ? m->name : "?");
	for (int i = 0; i < OPT__COUNT; i++) {
		const struct option_def *d = &option_table[i];
		if (d->id == OPT_PULL || d->id == OPT_DETACH || d->id == OPT_MINIMAL || d->id == OPT_VERIFY_HTTP ||
		    d->id == OPT_VERIFY || d->id == OPT_VERIFY_IMAGE ||
		    !option_applies(d, s->mode))
			continue;
		const char *v = spec_get(s, d->id);
		if ((d->flags & OF_SPARSE) && v && !strcmp(v, "none"))
			continue;
		if ((d->flags & OF_QUIET_DEF) && v && d->def && !strcmp(v, d->def))
			continue;
		strbuf_addf(out, " %s=", d->key);
		add_value(out, v ? v : "auto");
	}
	for (size_t i = 0; i < s->env.n; i++) {
		const char *kv = s->env.v[i];
		size_t n = strcspn(kv, "=");
		strbuf_addstr(out, " env.");
		strbuf_add(out, kv, n);
		if (kv[n]) {
			char hex[65];
			sha256_hex(kv + n + 1, strlen(kv + n + 1), hex);
			strbuf_addf(out, "=sha256:%.12s", hex);
		} else {
			strbuf_addstr(out, "=(passed%20through)");
		}
	}
}

void launch_digest(const char *normalised, char *out)
{
	char hex[65];
	sha256_hex(normalised, strlen(normalised), hex);
	memcpy(out, hex, LAUNCH_DIGEST_HEX);
	out[LAUNCH_DIGEST_HEX] = '\0';
}

/* The words of a normalised launch as key and (decoded) value. */
struct kv {
	char *key, *value;
};

static size_t split(const char *text, struct kv **out)
{
	size_t n = 0, alloc = 0;
	struct kv *v = NULL;
	const char *p = text;
	while (*p) {
		p += strspn(p, " ");
		size_t len = strcspn(p, " ");
		if (!len)
			break;
		const char *eq = memchr(p, '=', len);
		size_t kl = eq ? (size_t)(eq - p) : len;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			v = xrealloc(v, alloc * sizeof(*v));
		}
		v[n].key = xstrndup(p, kl);
		struct strbuf val = STRBUF_INIT;
		for (size_t i = eq ? kl + 1 : len; i < len; i++) {
			if (i + 3 <= len && !memcmp(p + i, "%20", 3)) {
				strbuf_addch(&val, ' ');
				i += 2;
			} else if (i + 3 <= len && !memcmp(p + i, "%25", 3)) {
				strbuf_addch(&val, '%');
				i += 2;
			} else {
				strbuf_addch(&val, p[i]);
			}
		}
		v[n++].value = strbuf_detach(&val, NULL);
		p += len;
	}
	*out = v;
	return n;
}

static const struct kv *find(const struct kv *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].key, key))
			return &v[i];
	return NULL;
}

static void free_kv(struct kv *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

void launch_diff(const char *old, const char *new, struct strvec *out)
{
	struct kv *o, *w;
	size_t no = split(old, &o), nw = split(new, &w);
	for (size_t i = 0; i < nw; i++) {
		const struct kv *was = find(o, no, w[i].key);
		if (was && !strcmp(was->value, w[i].value))
			continue;
		if (!strncmp(w[i].key, "env.", 4))
			strvec_pushf(out, "%s %s", w[i].key, was ? "changed" : "added");
		else
			strvec_pushf(out, "%s %s -> %s", w[i].key, was ? was->value : "(none)", w[i].value);
	}
	for (size_t i = 0; i < no; i++) {
		if (find(w, nw, o[i].key))
			continue;
		if (!strncmp(o[i].key, "env.", 4))
			strvec_pushf(out, "%s removed", o[i].key);
		else
			strvec_pushf(out, "%s %s -> (none)", o[i].key, o[i].value);
	}
	free_kv(o, no);
	free_kv(w, nw);
}
