/* checks.h - what this host can do, established concurrently (docs/ARCHITECTURE.md, "Checks").
 *
 * A checker runs the checks of a set of modes for one spec: every HTTP
 * check on the caller's struct net (one curl multi handle), the ssh check
 * as a non-blocking child process, the local ones (stat, connect on a unix
 * socket, bind) inline.  It is driven from the caller's poll loop:
 *
 *     n = checker_pollfds(c, fds, max);        child pipes
 *     net_wait(net, fds, n, min(TICK, checker_timeout_ms(c)), &e);
 *     net_dispatch(net);                        HTTP completions
 *     checker_pump(c);                          children, deadlines
 *     if (checker_generation(c) != seen) redraw;
 *
 * checker_run() is the blocking wrapper the CLI uses over the same code.
 * checker_cancel()/checker_free() are safe at any time: in-flight requests
 * are cancelled (their callbacks never run) and children are killed.
 *
 * Ownership: the checker copies the spec; results belong to the checker.
 *
 * Part core/checks/: the checker and every check (checks*.c); its internal header is
 * checks_internal.h, included by this part only.
 * Layer: may include base engine launch (docs/ARCHITECTURE.md "core/, by part").
 */
#ifndef WS_CHECKS_H
#define WS_CHECKS_H

#include <poll.h>

#include "base/err.h"
#include "base/platform.h"
#include "launch/facts.h"
#include "launch/mode_id.h"
#include "launch/modes.h"
#include "engine/net.h"
#include "launch/spec.h"
#include "base/strvec.h"

enum check_id {
	CK_NONE = -1,
	CK_CLI,
	CK_ENGINE,
	CK_ENDPOINT,
	CK_IMAGE,
	CK_ARCH,      /* the image's platform against the daemon's (checks_arch.c) */
	CK_NAMES,
	CK_PORT,
	CK_SYSBOX_RUNTIME,
	CK_SYSBOX_SERVICES,
	CK_SYSBOX_KERNEL,
	CK_PRIVILEGE,
	CK_SOCKET_PATH,
	CK_SOCKET_GID,
	CK_TCP_REACH,
	CK_TLS_FILES,
	CK_TLS_HANDSHAKE,
	CK_SSH_CLIENT,
	CK_SSH_REMOTE,
	CK_DIND_IMAGE,
	CK_DEEP,      /* check --deep: a throwaway container with the mode's privileges */
	CK__CORE,     /* the modes' own checks follow (modes.h .own_checks) */
	CK_MAX = 48
};

/* The number of checks: the core ones, then every mode's own. */
int check_count(void);
#define CK__COUNT check_count()


struct checker;
struct engine_info;

/* A check: its id, and how it starts.  The modes it serves are the modes
 * whose row lists it (modes.c).  A local check has START, run once when the
 * checker starts (in table order, after the endpoint is resolved; one
 * function may serve several checks and runs once); a check the daemon's
 * /info answers has ON_INFO (the checker asks /info only when one is
 * wanted).  The rest follow from the engine's and the registry's replies
 * (checks_engine.c, which feeds checks_arch.c). */
struct check_def {
	enum check_id id;
	const char *name;   /* "sysbox.runtime" (the ids README.md lists) */
	const char *title;  /* "sysbox runtime" */
	void (*start)(struct checker *c);
	void (*on_info)(struct checker *c, const struct engine_info *in);
	const struct mode_check *own; /* a mode's own check: its row (modes.h) */
};

/* The check ID's row (the core table, then the modes' own), NULL when
 * there is no such check. */
const struct check_def *check_def(enum check_id id);

struct check {
	const struct check_def *def;
	enum check_status status;
	char *finding;       /* one line */
	char *remedy;        /* one line, a command where possible; NULL */
	struct strvec data;  /* "key=value" */
	int needs_input;     /* not a failure of the host: an option is missing */
	long long started_ms, ended_ms;
};

struct checker_config {
	const struct spec *spec;
	unsigned modes;            /* MODE_BIT mask; 0 = spec->mode only */
	const char *registry_url;  /* NULL: the image's registry */
	long remote_timeout_ms;    /* tcp/ssh/registry checks; 0 = 5000 */
	int offline;               /* no registry lookup */
	const char *ssh_bin;       /* NULL: "ssh" on PATH */
	int deep;                  /* also start (and remove) a throwaway container
				    * with the privileges of the one mode checked,
				    * from its image when present; in the modes with a
				    * dockerd inside, until that dockerd answers */
	long deep_timeout_ms;      /* the inner dockerd's bound; 0 = DEEP_TIMEOUT_DEFAULT */
	const char *config_dir;    /* where the trial's daemon.json goes; NULL: default */
	volatile int *cancel;      /* set (by a signal handler): checker_run stops,
				    * removes the trial, returns */
	/* one line per stage of the trial (starting, waiting, removing) */
	void (*on_progress)(void *ctx, const char *line);
	void *progress_ctx;
};
#define DEEP_TIMEOUT_DEFAULT 60000L

struct checker;

/* NULL with E when the net is missing.  Nothing runs until checker_start. */
struct checker *checker_new(struct net *net, const struct checker_config *cfg, struct err *e);
void checker_start(struct checker *c);
int checker_pollfds(struct checker *c, struct pollfd *fds, int max);
/* Milliseconds until checker_pump must run for a deadline; -1: none. */
int checker_timeout_ms(struct checker *c);
void checker_pump(struct checker *c);
int checker_done(const struct checker *c);
/* Bumped whenever a result changes (redraw when it moves). */
unsigned checker_generation(const struct checker *c);
/* The check, or NULL when it is not part of this run. */
const struct check *checker_get(const struct checker *c, enum check_id id);
void checker_cancel(struct checker *c);
void checker_free(struct checker *c);
/* Blocking: start (if needed) and loop until done or MAX_MS (< 0: no
 * limit; remaining checks are then cancelled and marked failed). */
void checker_run(struct checker *c, long max_ms);
/* Copies what the checks learnt (image present, userns, gid...) into F. */
void checker_fill_facts(const struct checker *c, struct facts *f);
/* The endpoint the host client uses, as resolved ("unix:///..."), or NULL. */
const char *checker_endpoint(const struct checker *c);

struct readiness {
	int ready;            /* no check of the mode failed or lacks input */
	int pending;          /* some of its checks still run */
	struct strvec missing; /* findings of failed checks (with their ids) */
	struct strvec fixes;   /* the remedy of each (same index; "" when none) */
};

void checker_readiness(const struct checker *c, enum mode_id m, struct readiness *r);
void readiness_release(struct readiness *r);
/* The most isolated ready mode (the modes' rank), MODE_NONE when none. */
enum mode_id checker_recommend(const struct checker *c);
/* Recommendation order position of M for this spec (tcp plain ranks last). */
int checker_rank(const struct checker *c, enum mode_id m);

const char *check_status_name(enum check_status s);
enum check_id check_by_name(const char *name);  /* CK__COUNT when unknown */
const char *check_data(const struct check *ck, const char *key);
/* The JSON type of a data key (check --json writes "true"/"false" keys as
 * booleans and counts as numbers): one table in checks.c. */
enum check_data_type { CDT_STRING, CDT_BOOL, CDT_INT };
enum check_data_type check_data_type(const char *key);

/* The arch check's verdict (checks_arch.c): IMAGE built for IMAGE_PLATS[0..N)
 * (the daemon's own copy when LOCAL, one platform; else what its registry
 * lists) against the daemon's DAEMON.  Appends the one-line finding and
 * the remedy (nothing when none) to FINDING and REMEDY; returns PASS, WARN
 * (a 32-bit image on its 64-bit kin) or FAIL.  N must be at least 1. */
enum check_status check_arch_verdict(const char *image, const struct platform *image_plats, size_t n, int local,
				     const struct platform *daemon, struct strbuf *finding, struct strbuf *remedy);

#endif
