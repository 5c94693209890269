/* spec.h - a launch specification: the mode plus explicit option values.
 *
 * Only what the user (or a profile) set explicitly is stored; everything
 * else is the schema default, resolved at plan time (detected values such
 * as the socket gid are never stored, so a relaunch re-detects them).
 *
 * Ownership: the spec owns its strings; spec_release() releases them.
 * spec_set() copies VALUE after validating it and never half-applies. */
#ifndef WS_SPEC_H
#define WS_SPEC_H

#include "base/err.h"
#include "mode_id.h"
#include "options.h"
#include "base/strvec.h"

struct spec {
	enum mode_id mode;
	char *val[OPT__COUNT]; /* explicit values, NULL = default */
	/* Defaults named after the launch (option_def.derive), kept in step
	 * with val[OPT_NAME] by spec_set/spec_unset; NULL for the default
	 * launch and for options that do not derive. */
	char *derived[OPT__COUNT];
	struct strvec env;     /* "NAME=VALUE", unique NAME, insertion order */
};

void spec_init(struct spec *s);
void spec_release(struct spec *s);
void spec_copy(struct spec *dst, const struct spec *src);

/* Validates and stores VALUE ("auto" clears an OF_AUTO option back to
 * detection).  Errors do not name the option. */
int spec_set(struct spec *s, enum opt_id id, const char *value, struct err *e);
void spec_unset(struct spec *s, enum opt_id id);
int spec_is_set(const struct spec *s, enum opt_id id);

/* The effective text: explicit value, else the default for the current
 * --minimal state (outside --minimal, a launch named N other than
 * "workspace" has N-derived defaults: its volume N, N-docker, N-dind...).  NULL for an unset OF_AUTO option (to be detected). */
const char *spec_get(const struct spec *s, enum opt_id id);
/* Booleans: 1/0, or -1 for "auto"/unset auto. */
int spec_bool(const struct spec *s, enum opt_id id);
/* "none" (feature off) or NULL → 1. */
int spec_is_none(const struct spec *s, enum opt_id id);
int spec_minimal(const struct spec *s);

/* "NAME=VALUE", or "NAME" alone: passed through from the environment
 * docker runs in (`docker run -e NAME`; unset there, unset in the
 * workspace).  Validates NAME and the value, replaces an existing NAME. */
int spec_env_set(struct spec *s, const char *assignment, struct err *e);
int spec_env_unset(struct spec *s, const char *name);
/* 1 when NAME is given, with a value or passed through. */
int spec_env_has(const struct spec *s, const char *name);
/* The value the workspace gets for NAME: the given one, for a passed
 * through NAME this environment's (getenv; NULL when unset there), NULL
 * when NAME is not given. */
const char *spec_env_get(const struct spec *s, const char *name);

/* --port / --bind: edit one part of the publish mapping. */
int spec_set_publish_port(struct spec *s, const char *port, struct err *e);
int spec_set_publish_bind(struct spec *s, const char *bind, struct err *e);

/* 0 when TEXT is one variable as -e takes it (NAME=VALUE or NAME), else
 * -1 with E. */
int spec_env_check(const char *text, struct err *e);
/* Replaces variable IDX of S with TEXT (-1: appends; "" removes it),
 * keeping the order; a later NAME wins over an earlier one. */
void spec_env_replace(struct spec *s, int idx, const char *text);

#endif
