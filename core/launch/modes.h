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

struct mode {
	enum mode_id id;
	const char *name;       /* "sysbox" */
	const char *title;      /* "Sysbox runtime" */
	const char *summary;    /* one line */
	const char *details;    /* a few sentences for the detail pane */
	const char *tradeoffs[TO__COUNT];
	int bad[TO__COUNT];     /* 1 = a risk (highlighted) */
	int rank;               /* recommendation order, 0 = most isolated */
	const char *const *checks; /* check ids, NULL-terminated */
	/* Adds the mode's networks, volumes, sidecar and workspace flags.  The
	 * common flags (name, detach, publish, labels, extra env, env file,
	 * image) are added around it by plan_build_launch(); a mode that places
	 * the workspace volume itself sets .places_volume. */
	int (*build)(const struct mode_ctx *ctx, struct launch *l, struct container *ws,
		     struct err *e);
	int places_volume;
};

extern const struct mode mode_table[MODE__COUNT];

const struct mode *mode_get(enum mode_id id);
/* Looks a mode up by name; NULL when unknown. */
const struct mode *mode_by_name(const char *name);
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
int mode_rootless_build(const struct mode_ctx *, struct launch *, struct container *, struct err *);

/* Shared by builds: the userns decision (explicit, else detected). */
int mode_wants_userns_host(const struct mode_ctx *ctx);
/* Shared: the error for a required option that has no value and nothing
 * to detect it from: "tcp.host (--host) is required for mode tcp". */
int mode_require(const struct mode_ctx *ctx, enum opt_id id, struct err *e);

#endif
