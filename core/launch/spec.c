/* spec.c - launch specification storage. */
#include "spec.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void spec_derive(struct spec *s);

void spec_init(struct spec *s)
{
	s->mode = MODE_NONE;
	for (int i = 0; i < OPT__COUNT; i++) {
		s->val[i] = NULL;
		s->derived[i] = NULL;
	}
	strvec_init(&s->env);
}

void spec_release(struct spec *s)
{
	for (int i = 0; i < OPT__COUNT; i++) {
		free(s->val[i]);
		free(s->derived[i]);
	}
	strvec_release(&s->env);
	spec_init(s);
}

void spec_copy(struct spec *dst, const struct spec *src)
{
	spec_release(dst);
	dst->mode = src->mode;
	for (int i = 0; i < OPT__COUNT; i++)
		dst->val[i] = src->val[i] ? xstrdup(src->val[i]) : NULL;
	spec_derive(dst);
	strvec_copy(&dst->env, &src->env);
}

/* The launch-named defaults for the current name (options.h, derive). */
static void spec_derive(struct spec *s)
{
	const char *name = s->val[OPT_NAME];
	int named = name && strcmp(name, "none") && strcmp(name, option_table[OPT_NAME].def);
	for (int i = 0; i < OPT__COUNT; i++) {
		free(s->derived[i]);
		s->derived[i] = named && option_table[i].derive ? xasprintf("%s%s", name, option_table[i].derive)
							       : NULL;
	}
}

int spec_set(struct spec *s, enum opt_id id, const char *value, struct err *e)
{
	const struct option_def *def = option_get(id);
	if (!def)
		return err_set(e, "unknown option");
	if (option_validate(def, value, e))
		return -1;
	char *copy = NULL;
	if (def->type == OT_BOOL && strcmp(value, "auto")) {
		int b = 0;
		parse_bool(value, &b, NULL);
		copy = xstrdup(b ? "true" : "false");
	} else if (!((def->flags & OF_AUTO) && !strcmp(value, "auto"))) {
		copy = xstrdup(value);
	}
	free(s->val[id]);
	s->val[id] = copy;
	if (id == OPT_NAME)
		spec_derive(s);
	return 0;
}

void spec_unset(struct spec *s, enum opt_id id)
{
	free(s->val[id]);
	s->val[id] = NULL;
	if (id == OPT_NAME)
		spec_derive(s);
}

int spec_is_set(const struct spec *s, enum opt_id id)
{
	return s->val[id] != NULL;
}

int spec_minimal(const struct spec *s)
{
	return s->val[OPT_MINIMAL] && !strcmp(s->val[OPT_MINIMAL], "true");
}

const char *spec_get(const struct spec *s, enum opt_id id)
{
	if (s->val[id])
		return s->val[id];
	const struct option_def *def = &option_table[id];
	if (spec_minimal(s) && def->minimal_def)
		return def->minimal_def;
	return s->derived[id] && !spec_minimal(s) ? s->derived[id] : def->def;
}

int spec_bool(const struct spec *s, enum opt_id id)
{
	const char *v = spec_get(s, id);
	if (!v || !strcmp(v, "auto"))
		return -1;
	return !strcmp(v, "true");
}

int spec_is_none(const struct spec *s, enum opt_id id)
{
	const char *v = spec_get(s, id);
	return !v || !strcmp(v, "none");
}

static size_t name_len(const char *assignment)
{
	const char *eq = strchr(assignment, '=');
	return eq ? (size_t)(eq - assignment) : strlen(assignment);
}

static long env_find(const struct spec *s, const char *name, size_t n)
{
	for (size_t i = 0; i < s->env.n; i++)
		if (name_len(s->env.v[i]) == n && !strncmp(s->env.v[i], name, n))
			return (long)i;
	return -1;
}

int spec_env_set(struct spec *s, const char *assignment, struct err *e)
{
	const char *eq = strchr(assignment, '=');
	char *name = xstrndup(assignment, eq ? (size_t)(eq - assignment) : strlen(assignment));
	int rc = validate_env_name(name, e);
	struct err ve;
	if (!rc && eq && validate_text(eq + 1, &ve))
		rc = err_set(e, "%s: %s", name, ve.msg);
	if (!rc) {
		long i = env_find(s, name, strlen(name));
		if (i >= 0) {
			free(s->env.v[i]);
			s->env.v[i] = xstrdup(assignment);
		} else {
			strvec_push(&s->env, assignment);
		}
	}
	free(name);
	return rc;
}

int spec_env_unset(struct spec *s, const char *name)
{
	long i = env_find(s, name, strlen(name));
	if (i < 0)
		return -1;
	free(s->env.v[i]);
	memmove(&s->env.v[i], &s->env.v[i + 1], (s->env.n - (size_t)i) * sizeof(char *));
	s->env.n--;
	return 0;
}

int spec_env_has(const struct spec *s, const char *name)
{
	return env_find(s, name, strlen(name)) >= 0;
}

const char *spec_env_get(const struct spec *s, const char *name)
{
	long i = env_find(s, name, strlen(name));
	if (i < 0)
		return NULL;
	const char *kv = s->env.v[i];
	return kv[strlen(name)] == '=' ? kv + strlen(name) + 1 : getenv(name);
}

static void current_publish(const struct spec *s, struct publish *p)
{
	const char *cur = s->val[OPT_PUBLISH];
	if (!cur || !strcmp(cur, "none") || publish_parse(cur, p, NULL))
		publish_parse(option_table[OPT_PUBLISH].def, p, NULL);
}

int spec_set_publish_port(struct spec *s, const char *port, struct err *e)
{
	struct publish p;
	int n;
	if (validate_port(port, &n, e))
		return -1;
	current_publish(s, &p);
	p.host_port = n;
	char buf[96];
	publish_format(&p, buf, sizeof(buf));
	return spec_set(s, OPT_PUBLISH, buf, e);
}

int spec_set_publish_bind(struct spec *s, const char *bind, struct err *e)
{
	struct publish p;
	char tmp[64];
	if (validate_ip(bind, e))
		return -1;
	/* Bare IPv6 gets brackets so the mapping stays parseable. */
	if (strchr(bind, ':') && bind[0] != '[')
		snprintf(tmp, sizeof(tmp), "[%s]", bind);
	else
		snprintf(tmp, sizeof(tmp), "%s", bind);
	current_publish(s, &p);
	snprintf(p.bind, sizeof(p.bind), "%s", tmp);
	char buf[96];
	publish_format(&p, buf, sizeof(buf));
	return spec_set(s, OPT_PUBLISH, buf, e);
}

int spec_env_check(const char *text, struct err *e)
{
	struct spec tmp;
	spec_init(&tmp);
	int rc = spec_env_set(&tmp, text, e);
	spec_release(&tmp);
	return rc;
}

void spec_env_replace(struct spec *s, int idx, const char *text)
{
	struct strvec old = STRVEC_INIT;
	for (size_t i = 0; i < s->env.n; i++)
		strvec_push(&old, s->env.v[i]);
	strvec_clear(&s->env);
	for (size_t i = 0; i < old.n; i++) {
		const char *v = (int)i == idx ? text : old.v[i];
		if (*v)
			spec_env_set(s, v, NULL);
	}
	if (idx < 0 && *text)
		spec_env_set(s, text, NULL);
	strvec_release(&old);
}
