/* engine_exec.h - one command run in a running container through the
 * Engine API's exec, asynchronously on a struct net (what `docker exec`
 * does, without a docker process):
 *
 *   POST /containers/NAME/exec   {"Cmd": ARGV, "AttachStdout": true, ...}  → Id
 *   POST /exec/ID/start          {"Detach": false, "Tty": false}
 *                                → the multiplexed stdout/stderr stream,
 *                                  until the command exits
 *   GET  /exec/ID/json           → ExitCode
 *
 * The three requests run as one operation under one net request id
 * (net_cancel() stops it wherever it is; DONE then never runs).  Each
 * request is bounded by the target's connect timeout and by TIMEOUT_MS (the
 * start request lasts as long as the command runs); the output kept is at
 * most MAX_OUT bytes per stream (more fails the call: the command's output
 * is not what the caller expected).  No stdin, no TTY.  The target's API
 * version should be negotiated already (engine.h: any earlier call does
 * it); without one the daemon's own, unversioned routes are used.
 *
 * Cancelling while the command runs closes the stream; the daemon lets the
 * command finish on its own (as `docker exec` interrupted does).  DONE gets
 * a result owned by the call, freed when DONE returns (DONE may take
 * out/err_out with strbuf_detach or swap). */
#ifndef WS_ENGINE_EXEC_H
#define WS_ENGINE_EXEC_H

#include "engine.h"

struct engine_exec_opts {
	const char *user;        /* "1000", "root"; NULL: the container's user */
	const char *workdir;     /* NULL: the container's working directory */
	long timeout_ms;         /* each request; 0: the target's timeout_ms */
	size_t max_out;          /* per stream; 0: 64 KiB */
};

struct engine_exec_result {
	enum engine_status status;   /* ENGINE_OK: the command ran, exit_code is its status */
	int exit_code;
	struct strbuf out, err_out;  /* its stdout and stderr */
	struct err err;              /* one line unless ENGINE_OK: which stage failed and why */
};

typedef void (*engine_exec_done_fn)(struct engine_exec_result *r, void *ctx);

/* Runs ARGV (NULL-terminated, at least one word) in CONTAINER (a name or
 * id) on T.  Returns the net request id.  T must outlive the call. */
unsigned engine_exec(struct net *net, struct engine_target *t, const char *container, const char *const *argv,
		     const struct engine_exec_opts *opts, engine_exec_done_fn done, void *ctx);

/* Splits a non-TTY exec stream (8-byte frames: stream 1 stdout, 2 stderr,
 * 0 stdin, then a big-endian 32-bit length) into OUT and ERR, each capped
 * at MAX bytes.  Returns 0, or -1 with E for a malformed stream or one over
 * the cap.  Exposed for the fuzzers and unit tests. */
int engine_exec_demux(const char *data, size_t len, size_t max, struct strbuf *out, struct strbuf *err,
		      struct err *e);

#endif
