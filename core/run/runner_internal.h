/* runner_internal.h - what the parts of the runner share (runner.c: steps,
 * children, rollback and the loop; runner_probe.c: what exists before a
 * step; runner_pull.c: pulls and their progress; runner_verify.c: the
 * verification stages, docker inside and the web check; runner_diagnose.c:
 * what watches the workspace while docker inside does not answer;
 * runner_full.c: --verify full, a pull and a run with the inner daemon;
 * runner_text.c: lines of children's output).  Not for use outside
 * core/run/runner*.c. */
#ifndef WS_RUNNER_INTERNAL_H
#define WS_RUNNER_INTERNAL_H

#include "runner.h"
#include "engine/endpoint.h"
#include "engine/engine.h"
#include "base/proc.h"
#include "base/strbuf.h"
#include "base/strvec.h"

#define LOG_MAX 2000
#define VERIFY_DEFAULT_MS 90000L
#define GRACE_DEFAULT_MS 3000L
#define VERIFY_RETRY_MIN_MS 100L  /* first retry; doubles up to the max */
#define VERIFY_RETRY_MAX_MS 1000L
#define EXEC_TRY_MS 20000L
#define DIAG_EVERY_MS 2000L    /* verification: a watch or probe at most this often */
#define PULL_STALL_MS 120000L
#define PULL_LINE_MAX (1 << 20)
#define PULL_LAYERS_MAX 4096   /* layers tracked per pull: memory stays bounded */
#define PULL_ID_MAX 128        /* bytes of a layer id kept */
#define PULL_TIMEOUT_MS (60L * 60 * 1000)

enum sub {
	SUB_IDLE,
	SUB_PROBE,   /* engine query in flight */
	SUB_CHILD,   /* a child process runs */
	SUB_PULL,    /* API pull in flight */
	SUB_WAIT,    /* timer until the next try */
};

enum child_kind { CH_STEP, CH_UNDO, CH_EXEC, CH_LOGS, CH_DIAG, CH_FULL };

/* The verification stages, in order (runner_verify.c says how to add one). */
enum vstage { V_INSPECT, V_EXEC, V_PULL, V_RUN, V_HTTP, V_DONE };

enum diag_probe { DIAG_NONE, DIAG_DOCKERD, DIAG_SOCKET };

/* What watches the workspace (runner_diagnose.c); strings are owned. */
struct diag {
	enum diag_probe probe;     /* the probe inside in flight (CH_DIAG) */
	long long next_ms;         /* no probe inside before this */
	long long dockerd_down_ms; /* dockerd first seen not running; 0: running or not seen */
	char *watching;            /* the container whose state is asked */
	char *verdict;             /* certain: what is wrong (CH_LOGS then adds the log) */
	char *logs_of, *logs_last; /* CH_LOGS: whose logs, their last line */
	struct strvec logs;        /* CH_LOGS: "TIMESTAMP line", both streams */
	char *image;               /* the workspace's image (inspect) */
	char *socket;              /* the socket path inside that was refused */
};

struct layer {
	char *id;
	long long current, total;
	int done;
	int seen;
};

struct runner {
	struct net *net;
	const struct plan *plan;
	/* the plan's daemon.json: written before the first step, put back as
	 * it was (OLD, or no file) when the run rolls back */
	int json_written;
	char *json_old;
	int keep;
	int keep_on_verify;
	int adopt;
	int down;
	long verify_ms, grace_ms;
	char *docker;

	struct endpoint ep;
	int ep_ok;
	struct engine_target target;
	int target_ok;

	struct run_step *steps;
	size_t n;
	size_t cur;
	enum run_phase phase;
	enum sub sub;
	int started;
	int cancel;
	unsigned generation;
	struct strbuf activity;

	unsigned net_id;
	struct proc child;
	enum child_kind child_kind;
	int child_running;
	/* Where a child's lines go, set by runner_new (runner.c): a step's
	 * (runner_pull.c) and verification's (runner_diagnose.c). */
	void (*on_step_line)(void *ctx, enum proc_stream st, const char *line, size_t len);
	void (*on_verify_line)(void *ctx, enum proc_stream st, const char *line, size_t len);
	struct strvec override; /* argv used instead of the step's (docker start) */
	int recreate;
	int replacing;          /* override removes a container made with other options */

	/* rollback */
	size_t *done_stack;
	size_t ndone;
	size_t undo_pos;

	/* verification */
	enum vstage vstage;
	int vtries;
	long long vdeadline;
	long long wake_ms;
	long long vstart_ms;
	char *ws_name;
	char *last_error;
	struct publish pub;
	int published;
	char *web_path;         /* "/healthz", --verify-http; "": any answer on / */
	char *web_url;          /* the web check's URL */
	struct run_wait wait;   /* the waiting line (runner_wait) */
	struct diag diag;
	long long full_deadline; /* --verify full: the pull and the run end by then */
	long long full_step_ms;  /* when the running one of them started */

	/* pull */
	struct run_pull pull;
	struct layer *layers;
	size_t nlayers, alloc_layers;
	size_t *layer_index;     /* open addressing over layer ids: slot = index + 1 */
	size_t index_size;       /* a power of two, at least twice nlayers */
	size_t layers_ignored;   /* ids beyond PULL_LAYERS_MAX, not tracked */
	struct strbuf pullbuf;
	char *pull_error;

	struct strvec log;
	struct run_result result;
};

void rn_changed(struct runner *r);
void rn_logf(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rn_activity(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rn_step_state(struct runner *r, size_t i, enum run_state st, const char *note);
void rn_set_message(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rn_start_child(struct runner *r, enum child_kind kind, const char *const *argv, const char *label);
void rn_pull_reset(struct runner *r, const char *image);
void rn_on_child_line(void *ctx, enum proc_stream st, const char *line, size_t len);
void rn_start_pull(struct runner *r, size_t i);
void rn_run_step_now(struct runner *r, size_t i);
void rn_begin_step(struct runner *r, size_t i);
void rn_verify_fail(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rn_verify_pass(struct runner *r, enum vstage next);
void rn_verify_pass_later(struct runner *r, enum vstage next);
long rn_retry_delay(struct runner *r);
void rn_verify_retry(struct runner *r);
void rn_verify_waiting(struct runner *r, const char *reason);
void rn_verify_next(struct runner *r);
void rn_start_verify(struct runner *r);
void rn_verify_exec_done(struct runner *r, struct proc *p, int ok, const char *desc);
void rn_verify_exec_again(struct runner *r);
/* runner_full.c: V_PULL and V_RUN (--verify full) */
void rn_full_next(struct runner *r);
void rn_full_done(struct runner *r, struct proc *p, int ok, const char *desc);
/* runner_diagnose.c */
void rn_diagnose(struct runner *r, const struct strbuf *err);
void rn_watch_container(struct runner *r, const char *name);
void rn_diagnose_bound(struct runner *r, char *verdict);
void rn_verify_child_line(void *ctx, enum proc_stream st, const char *line, size_t len);
void rn_verify_logs_done(struct runner *r);
void rn_verify_probe_done(struct runner *r, struct proc *p);
void rn_diag_release(struct runner *r);
char *rn_last_line(const struct strbuf *sb);
char *rn_daemon_words(const struct strbuf *sb);

#endif
