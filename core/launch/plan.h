/* plan.h - a launch as ordered docker argv steps (docs/ARCHITECTURE.md, "The launch flow").
 *
 * The same plan is printed (shell/json renderers), saved (as its spec) and
 * run (issue: runner).  Each step is one `docker` argv, never a shell
 * string, with a one-line description, an optional probe argv (exit 0 =
 * already done, skip) and an optional undo argv (for rollback and down).
 *
 * Ownership: the plan owns its steps and strings; plan_release() releases. */
#ifndef WS_PLAN_H
#define WS_PLAN_H

#include "base/err.h"
#include "facts.h"
#include "launch.h"
#include "spec.h"
#include "base/strvec.h"

enum step_kind { STEP_NETWORK, STEP_VOLUME, STEP_PULL, STEP_RUN };

struct step {
	enum step_kind kind;
	enum container_role role; /* STEP_RUN only */
	char *desc;
	char *object;          /* network/volume/container name or image */
	struct strvec argv;
	unsigned char *breaks; /* breaks[i]: the shell form starts a line before argv[i] */
	struct strvec probe;   /* empty: no probe */
	struct strvec undo;    /* empty: nothing to undo */
};

struct plan {
	enum mode_id mode;
	int minimal;
	char *label;           /* the launch label value, NULL without labels */
	char *digest;          /* the launch's digest and normalised options */
	char *options;         /* (launch_digest.h); NULL without labels */
	char *ws_name;         /* the workspace container to verify; NULL: unnamed or
				* unlabelled (docs form), not verified */
	struct publish publish; /* its web port (publish.host_port 0: not published) */
	char *web_path;        /* the web check's path (--verify-http), which must answer
				* 2xx; NULL: "/healthz"; "" (none): any answer on "/" */
	char *verify_image;    /* --verify full: the image docker inside pulls and runs
				* after docker inside answers; NULL: quick */
	char *inner_mirrors;   /* the inner daemon's registry mirrors and insecure */
	char *inner_insecure;  /* registries (comma lists, NULL: none): verify full
				* says which one its pull goes through */
	int web_tls;           /* the workspace serves TLS (WS_SERVER_SSL_CERT is set) */
	char *sidecar;         /* the dind sidecar's name, NULL without one (verification
				* reports its state when docker inside fails) */
	struct step *steps;
	size_t n;
	char *daemon_json;      /* the inner daemon's daemon.json and its host file, */
	char *daemon_json_path; /* written before the steps run (inner.h); NULL: none */
	struct strvec warnings;
	struct strvec notes;
};

void plan_init(struct plan *p);
void plan_release(struct plan *p);
/* Turns a launch model into steps (networks, volumes, pulls, sidecars,
 * workspace).  Cannot fail. */
void plan_from_launch(struct plan *p, const struct launch *l);
/* Appends C's `docker run OPTIONS IMAGE CMD...` words to ARGV, exactly as
 * its plan step has them (check --deep runs a trial copy of a container). */
void plan_run_argv(const struct container *c, struct strvec *argv);
/* launch_build + plan_from_launch.  On error P is empty and E names the
 * option at fault. */
int plan_build(struct plan *p, const struct spec *s, const struct facts *f, struct err *e);
/* The verification settings of S (--verify, --verify-image, and the inner
 * daemon's mirrors and insecure registries it names); plan_build calls it. */
void plan_set_verify(struct plan *p, const struct spec *s);
/* Appends a step with ARGV (copied) and no breaks; for tests and tools. */
struct step *plan_add_step(struct plan *p, enum step_kind kind, const char *desc);
const char *step_kind_name(enum step_kind k);

#endif
