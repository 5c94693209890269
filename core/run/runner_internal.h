/* runner_internal.h - what the parts of the runner share (runner.c: steps,
 * children, rollback and the loop; runner_probe.c: what exists before a
 * step; runner_pull.c: pulls and their progress; runner_verify.c: docker
 * inside and the web port).  Not for use outside core/run/runner*.c. */
#ifndef WS_RUNNER_INTERNAL_H
#define WS_RUNNER_INTERNAL_H

#include "runner.h"
#include "engine/endpoint.h"
#include "engine/engine.h"
#include "base/proc.h"
#include "base/strbuf.h"

#define LOG_MAX 2000
#define VERIFY_DEFAULT_MS 90000L
#define GRACE_DEFAULT_MS 3000L
#define VERIFY_RETRY_MIN_MS 100L  /* first retry; doubles up to the max */
#define VERIFY_RETRY_MAX_MS 1000L
#define EXEC_TRY_MS 20000L
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

enum child_kind { CH_STEP, CH_UNDO, CH_EXEC, CH_LOGS };

enum vstage { V_INSPECT, V_EXEC, V_HTTP, V_DONE };

struct layer {
	char *id;
	long long current, total;
	int done;
	int seen;
};

struct runner {
	struct net *net;
	const struct plan *plan;
	int keep;
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
	char *ws_name;
	char *last_error;
	struct publish pub;
	int published;

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
long rn_retry_delay(struct runner *r);
void rn_verify_next(struct runner *r);
void rn_start_verify(struct runner *r);
char *rn_last_line(const struct strbuf *sb);
char *rn_daemon_words(const struct strbuf *sb);

#endif
