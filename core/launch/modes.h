/* modes.h - the ways of giving the workspace Docker, as one table.
 *
 * A mode is one row: identity, texts for the wizard and `ws-launch modes`,
 * the trade-offs of README.md "The modes", the options it uses (from the option schema),
 * the checks it needs (by id, see checks.h) and its build function, which
 * fills the launch model from a spec and the host facts.  Adding a mode is
 * one row here plus its mode_<id>.c. */
#ifndef WS_MODES_H
#define WS_MODES_H

#include "base/err.h"
#include "facts.h"
#include "launch.h"
#include "mode_id.h"
#include "spec.h"

#include <stddef.h>

enum tradeoff {
	TO_PRIVILEGED,   /* workspace runs privileged */
	TO_TAKEOVER,     /* workspace can take over this host */
	TO_ISOLATED,     /* containers isolated from host's */
	TO_NEEDS,        /* needs on host */
	TO_PERSIST,      /* inner images persist */
	TO__COUNT
};

extern const char *const tradeoff_titles[TO__COUNT];

/* Everything a build function may read. */
struct mode_ctx {
	const struct spec *spec;
	const struct facts *facts;
	int minimal;
};

/* The result of a check (checks.h runs them; a mode's own checks report
 * through mode_check_set()). */
enum check_status { CHECK_PENDING, CHECK_PASS, CHECK_WARN, CHECK_FAIL, CHECK_SKIP };

struct engine_info;
struct mode_check;

/* What a mode's own check sees, and where it reports: the checker fills
 * it (core/checks/checks_mode.c) and calls the check's function. */
struct mode_check_env {
	const struct spec *spec;
	const struct facts *facts;
	const char *endpoint_url;     /* the endpoint as resolved, NULL when unusable */
	const char *endpoint_socket;  /* its unix socket path, NULL when it is not one */
	const struct engine_info *info; /* the daemon's /info (on_info checks only) */
	void (*set)(void *ctx, const struct mode_check *k, enum check_status st, const char *remedy,
		    const char *finding);
	void (*data)(void *ctx, const struct mode_check *k, const char *key, const char *value);
	void *ctx;
};

/* A check a mode brings in its own file: its id ("<mode>.<what>", the
 * ids README.md lists), title, the data keys that are not strings, and one
 * of START (run once when the checker starts) or ON_INFO (run when the
 * daemon's /info is in: env->info). */
struct mode_check {
	const char *name;
	const char *title;
	void (*start)(const struct mode_check_env *env, const struct mode_check *self);
	void (*on_info)(const struct mode_check_env *env, const struct mode_check *self);
};

/* Reports for check K: mode_check_set(env, k, CHECK_FAIL, remedy, "fmt", ...). */
void mode_check_set(const struct mode_check_env *env, const struct mode_check *k, enum check_status st,
		    const char *remedy, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void mode_check_data(const struct mode_check_env *env, const struct mode_check *k, const char *key,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The checks every mode needs, first in each row's .checks. */
#define MODE_COMMON_CHECKS "cli", "engine", "endpoint", "image", "arch", "names", "port"

struct mode {
	const char *name;       /* "sysbox" */
	const char *title;      /* "Sysbox runtime" */
	const char *summary;    /* one line */
	const char *details;    /* a few sentences for the detail pane */
	const char *tradeoffs[TO__COUNT];
	int bad[TO__COUNT];     /* 1 = a risk (highlighted) */
	int rank;               /* recommendation order, 0 = most isolated */
	const char *const *checks; /* check ids, NULL-terminated: the checker's and the mode's own */
	/* Options for an example launch on a host that has what the mode needs
	 * (`modes --json` "example"; the tests print, save and export with it). */
	const char *example;
	/* Adds the mode's networks, volumes, sidecar and workspace flags.  The
	 * common flags (name, detach, publish, labels, extra env, env file,
	 * image) are added around it by plan_build_launch(); a mode that places
	 * the workspace volume itself sets .places_volume. */
	int (*build)(const struct mode_ctx *ctx, struct launch *l, struct container *ws,
		     struct err *e);
	int places_volume;
	/* What a mode may keep in its own file (all optional): */
	const struct mode_check *own_checks; /* its checks, ended by a NULL name */
	const enum opt_id *options;  /* options it uses besides those whose rows name its mode, ended by OPT__COUNT */
	/* Reads what the mode needs to know of this host into F (facts_set()),
	 * cheap and local: run by facts_detect_local(). */
	void (*detect_facts)(struct facts *f, const struct spec *s);
	/* The detected value of option ID for this mode: 1 with *OUT set (may be
	 * NULL: nothing detected, with *WHY saying why when known), 0 to use the
	 * common detection.  BUF (SIZE bytes) may hold the text. */
	int (*detect)(enum opt_id id, const struct spec *s, const struct facts *f, char *buf, size_t size,
		      const char **out, const char **why);
	/* The daemon is of this mode's kind when its /info SecurityOptions has
	 * name=DAEMON_SECOPT (reported as the data key NAME of the engine and
	 * privilege checks; other modes' checks say what that daemon lacks). */
	const char *daemon_secopt;
};

/* The table: a mode's id is its place here (mode_id.h). */
const struct mode *mode_get(enum mode_id id);
/* Looks a mode up by name; NULL when unknown. */
const struct mode *mode_by_name(const char *name);
/* The id of a row of the table (MODE_NONE for NULL). */
enum mode_id mode_id_of(const struct mode *m);
/* 1 when mode M uses option ID besides the option's own modes. */
int mode_uses_option(enum mode_id m, enum opt_id id);
/* The mode whose kind of daemon answered /info (SecurityOptions, see
 * .daemon_secopt), or NULL for an ordinary rootful one. */
const struct mode *mode_of_daemon(const struct engine_info *in);
/* "sysbox, privileged, socket, tcp, ssh, dind, ..." (table order) */
const char *mode_names(void);
/* The recommendation order, from the rows' ranks, most isolated first:
 * "sysbox, ssh, tcp (TLS), ..., tcp (plain)" (plain TCP always last). */
const char *mode_order_text(void);

/* Build functions, one file each (mode_<name>.c). */
int mode_sysbox_build(const struct mode_ctx *, struct launch *, struct container *, struct err *);
int mode_privileged_build(const struct mode_ctx *, struct launch *, struct container *, struct err *);
int mode_socket_build(const struct mode_ctx *, struct launch *, struct container *, struct err *);
int mode_tcp_build(const struct mode_ctx *, struct launch *, struct container *, struct err *);
int mode_ssh_build(const struct mode_ctx *, struct launch *, struct container *, struct err *);
int mode_dind_build(const struct mode_ctx *, struct launch *, struct container *, struct err *);

/* Shared by builds: the userns decision (explicit, else detected). */
int mode_wants_userns_host(const struct mode_ctx *ctx);
/* Shared: the error for a required option that has no value and nothing
 * to detect it from: "tcp.host (--host) is required for mode tcp". */
int mode_require(const struct mode_ctx *ctx, enum opt_id id, struct err *e);

#endif
