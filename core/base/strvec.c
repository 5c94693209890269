/* strvec.c - owned argv vectors. */
#include "strvec.h"
#include "strbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *strvec_nullv[] = { NULL };

void strvec_init(struct strvec *sv)
{
	sv->v = (char **)strvec_nullv;
	sv->n = 0;
	sv->alloc = 0;
}

void strvec_clear(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	if (sv->alloc)
		sv->v[0] = NULL;
	sv->n = 0;
}

void strvec_release(struct strvec *sv)
{
	strvec_clear(sv);
	if (sv->alloc)
		free(sv->v);
	strvec_init(sv);
}

void strvec_push_nodup(struct strvec *sv, char *s)
{
	if (sv->n + 2 > sv->alloc) {
		size_t n = sv->alloc ? sv->alloc * 2 : 8;
		char **nv = xrealloc(sv->alloc ? sv->v : NULL, n * sizeof(*nv));
		sv->v = nv;
		sv->alloc = n;
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strvec_push(struct strvec *sv, const char *s)
{
	strvec_push_nodup(sv, xstrdup(s));
}

void strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strvec_push_nodup(sv, strbuf_detach(&sb, NULL));
}

void strvec_pushl(struct strvec *sv, ...)
{
	va_list ap;
	const char *s;
	va_start(ap, sv);
	while ((s = va_arg(ap, const char *)))
		strvec_push(sv, s);
	va_end(ap);
}

void strvec_pushv(struct strvec *sv, const char *const *v)
{
	for (; *v; v++)
		strvec_push(sv, *v);
}

void strvec_copy(struct strvec *dst, const struct strvec *src)
{
	strvec_clear(dst);
	for (size_t i = 0; i < src->n; i++)
		strvec_push(dst, src->v[i]);
}

int strvec_equal(const struct strvec *a, const struct strvec *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return 0;
	return 1;
}

static long kv_find(const struct strvec *sv, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i < sv->n; i++)
		if (!strncmp(sv->v[i], key, kl) && sv->v[i][kl] == '=')
			return (long)i;
	return -1;
}

void strvec_kv_vset(struct strvec *sv, const char *key, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s=", key);
	strbuf_vaddf(&sb, fmt, ap);
	long i = kv_find(sv, key);
	if (i < 0) {
		strvec_push_nodup(sv, strbuf_detach(&sb, NULL));
		return;
	}
	free(sv->v[i]);
	sv->v[i] = strbuf_detach(&sb, NULL);
}

void strvec_kv_set(struct strvec *sv, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strvec_kv_vset(sv, key, fmt, ap);
	va_end(ap);
}

const char *strvec_kv_get(const struct strvec *sv, const char *key)
{
	long i = kv_find(sv, key);
	return i < 0 ? NULL : sv->v[i] + strlen(key) + 1;
}

void strvec_kv_unset(struct strvec *sv, const char *key)
{
	long i = kv_find(sv, key);
	if (i < 0)
		return;
	free(sv->v[i]);
	/* the entries after it, and the terminating NULL */
	memmove(&sv->v[i], &sv->v[i + 1], (sv->n - (size_t)i) * sizeof(sv->v[0]));
	sv->n--;
}
