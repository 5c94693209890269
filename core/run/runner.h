/* runner.h - runs a plan: probes, steps, streamed output, pull progress,
 * rollback, and the verification that Docker works inside (issue 4).
 *
 * Driven from the caller's poll loop exactly like the checker:
 *
 *     n = runner_pollfds(r, fds, max);          child pipes
 *     net_wait(net, fds, n, min(TICK, runner_timeout_ms(r)), &e);
 *     net_dispatch(net);                         Engine API completions
 *     runner_pump(r);                            children, timers, next step
 *     if (runner_generation(r) != seen) redraw;
 *
 * Before each step the runner asks the Engine API whether its object
 * already exists: an object of this launch (label ws-launch.launch=<label>)
 * is reused (network, volume) or reported (a running workspace: its URL; a
 * stopped one is started); an object with that name that is NOT ours stops
 * the run before anything is touched.  A container of this launch whose
 * digest label (launch_digest.h) differs from the plan's was made with
 * other options: the run stops with what changed (result.changes), or with
 * recreate the container is removed and run again.  Steps run in order, each a child
 * process with the plan's argv; the first failure stops the run and the
 * steps done so far are undone newest first (unless keep).  runner_cancel()
 * (Ctrl-C) cancels the running step (SIGTERM, then SIGKILL) and rolls back
 * the same way.  After the steps, verification: the workspace container is
 * running; `docker exec NAME docker version` reaches a daemon (retried while
 * an inner or sidecar daemon starts, up to verify_timeout_ms, and stopped
 * at once with a diagnosis when the workspace shows it cannot work:
 * runner_diagnose.c); GET /healthz (the plan's web_path) on the published
 * web port answers 2xx.  A failed verification rolls back what the run
 * made, like a failed step, unless keep.
 *
 * Ownership: the runner copies nothing from the plan it does not need;
 * the plan must outlive the runner.  Results belong to the runner.
 *
 * Part core/run/: running plans (runner*.c: steps, probes, pulls, verification) and
 * removing launches (teardown); its internal header is runner_internal.h,
 * included by this part only.
 * Layer: may include base engine launch (docs/ARCHITECTURE.md "core/, by part").
 */
#ifndef WS_RUNNER_H
#define WS_RUNNER_H

#include <poll.h>

#include "base/err.h"
#include "engine/net.h"
#include "launch/plan.h"
#include "base/strvec.h"

enum run_state {
	RS_WAITING,
	RS_RUNNING,
	RS_DONE,
	RS_SKIPPED,      /* already there (this launch's) */
	RS_FAILED,
	RS_CANCELLED,
	RS_UNDONE,       /* rolled back */
	RS_UNDO_FAILED,
};

struct run_step {
	const struct step *step;  /* the plan's step */
	enum run_state state;
	char *note;               /* "reused", "exited with code 125", ... */
	long long started_ms, ended_ms;
};

struct run_pull {
	int active;               /* a pull step is running */
	int layers_total, layers_done;
	long long bytes_done, bytes_total; /* 0 total: unknown */
	char *image;
};

enum run_phase { PHASE_STEPS, PHASE_VERIFY, PHASE_ROLLBACK, PHASE_DONE };

struct run_result {
	int ok;                   /* every step ran (or was reused) and verification passed */
	int cancelled;
	int failed_step;          /* index, -1 when none */
	char *message;            /* one line: what happened */
	char *container_id;
	char *url;                /* http://127.0.0.1:8080/ or NULL when not published */
	char *inner_version;      /* docker server version seen from inside */
	int already_running;      /* the workspace was already up (relaunch) */
	int changed;              /* a container of the launch was made with other
				   * options (its digest label differs) and
				   * recreate was not asked: nothing replaced */
	struct strvec leftovers;  /* what the rollback could not remove, one line each
				   * with the command that removes it; the message
				   * says "rolled back" only when this is empty */
	struct strvec changes;    /* then: what changed, one option per line
				   * (launch_diff: "publish A → B") */
	int verify_failed;        /* the steps ran, verification failed (message:
				   * the diagnosis; rolled back unless keep) */
	int kept;                 /* ... and what the run made was kept (keep,
				   * keep_on_verify): runner_rollback() undoes it */
	char *hint;               /* where to look next, one line, or NULL */
};

/* While verification waits for Docker inside: what the last try said and
 * how often in a row ("verifying Docker inside: 12 s of 90 s — REASON"). */
struct run_wait {
	int active;               /* waiting now */
	char *reason;             /* the last try's error, sanitised */
	int count;                /* tries in a row that said REASON */
	long long since_ms;       /* the first of them */
	long long elapsed_s, bound_s;
};

struct runner_config {
	const struct plan *plan;
	int keep;                 /* no rollback on failure */
	long verify_timeout_ms;   /* 0: 90000 */
	long step_grace_ms;       /* SIGTERM→SIGKILL grace on cancel; 0: 3000 */
	const char *docker;       /* client binary; NULL: "docker" on PATH */
	int adopt;                /* use an existing volume of the launch's name that
				   * this launch did not create (else: refused) */
	int down;                 /* a removal plan: no probes, no verification, no
				   * rollback, every step runs even after a failure */
	long remote_timeout_ms;   /* each Engine API call to a tcp:// daemon, connect
				   * and total (up --timeout); 0: engine.h's defaults */
	int recreate;             /* a container of the launch made with other
				   * options is removed and run again (volumes and
				   * networks are kept); else the run stops there */
	int keep_on_verify;       /* a failed verification keeps what was made and
				   * the caller offers both: runner_rollback() or
				   * keep it (the wizard); a failed step still rolls back */
};

struct runner;

struct runner *runner_new(struct net *net, const struct runner_config *cfg, struct err *e);
void runner_start(struct runner *r);
int runner_pollfds(struct runner *r, struct pollfd *fds, int max);
int runner_timeout_ms(struct runner *r);
void runner_pump(struct runner *r);
int runner_done(const struct runner *r);
unsigned runner_generation(const struct runner *r);
/* After a failed verification that kept what the run made (keep or
 * keep_on_verify): undo it now, newest first, as a rollback would have;
 * the runner is not done until it has.  No-op in any other state. */
void runner_rollback(struct runner *r);
/* Cancels the running step and rolls back (idempotent). */
void runner_cancel(struct runner *r);
enum run_phase runner_phase(const struct runner *r);
size_t runner_nsteps(const struct runner *r);
const struct run_step *runner_step(const struct runner *r, size_t i);
/* Output lines of every child so far, "[step] line" (bounded ring, oldest
 * dropped); use runner_log_first() for the index of the oldest kept. */
const struct strvec *runner_log(const struct runner *r);
const struct run_pull *runner_pull(const struct runner *r);
const struct run_result *runner_result(const struct runner *r);
/* Current activity in one line ("verifying Docker inside: 12 s of 90 s — ..."). */
const char *runner_activity(const struct runner *r);
/* The wait for Docker inside (active 0 when not waiting). */
const struct run_wait *runner_wait(const struct runner *r);
void runner_free(struct runner *r);
/* Blocking wrapper for the CLI: ON_LINE (may be NULL) sees each new log
 * line; returns when done.  *INTERRUPTED is polled each turn: when it
 * becomes non-zero the run is cancelled (and rolled back). */
void runner_run(struct runner *r, void (*on_change)(struct runner *r, void *ctx), void *ctx,
		volatile int *interrupted);

#endif
