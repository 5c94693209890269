/* proc.h - child processes driven from a poll loop (argv only, never a shell).
 *
 * proc_start() resolves argv[0] on PATH before forking (so "not found" is
 * reported without a fork), builds the environment, forks; the child resets
 * every signal, unblocks them, puts itself in its own process group,
 * connects stdin to /dev/null (or a pipe with the given input), stdout and
 * stderr to non-blocking pipes, closes every other fd, and execs.  An exec
 * failure travels back over a close-on-exec pipe, so "could not run"
 * (PROC_EXEC_FAILED, with errno text) is distinct from "ran and failed"
 * (PROC_EXITED with a non-zero code).
 *
 * The caller polls the fds from proc_pollfds(), calls proc_pump() when they
 * are readable (output is captured up to a ceiling and/or passed to a
 * callback line by line), and proc_reap() once per loop turn; a process is
 * done when proc_done() says so (exited and both pipes drained).
 * proc_cancel() sends SIGTERM to the process group and, after the grace
 * period, proc_tick() sends SIGKILL.  Nothing here blocks indefinitely.
 *
 * Ownership: struct proc is caller-allocated; proc_release() closes fds, kills
 * a still-running child (SIGKILL to its group) and reaps it. */
#ifndef WS_PROC_H
#define WS_PROC_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "strbuf.h"

enum proc_state {
	PROC_IDLE,
	PROC_RUNNING,
	PROC_EXITED,      /* exited normally: see code */
	PROC_SIGNALED,    /* killed by signal: see sig */
	PROC_EXEC_FAILED, /* could not run: see error */
};

enum proc_stream { PROC_STDOUT = 1, PROC_STDERR = 2 };

/* Called with each complete line (without '\n') as it arrives, and with a
 * final unterminated line at EOF. */
typedef void (*proc_line_fn)(void *ctx, enum proc_stream s, const char *line, size_t len);

struct proc_opts {
	const char *const *env_set;   /* "NAME=VALUE" to add or replace; NULL */
	const char *const *env_unset; /* names to remove; NULL */
	const char *cwd;              /* NULL: inherit */
	const char *input;            /* written to stdin then closed; NULL: /dev/null */
	size_t capture_max;           /* bytes kept per stream (0: 64 KiB) */
	proc_line_fn on_line;
	void *ctx;
};

struct proc {
	pid_t pid;
	enum proc_state state;
	int code;            /* exit code */
	int sig;             /* terminating signal */
	char error[256];     /* exec failure text */
	int out_fd, err_fd, in_fd;
	int pid_fd;              /* pidfd_open(2): readable when the child exits; -1 without */
	struct strbuf out, err;  /* captured (bounded) */
	int truncated;           /* capture ceiling hit */
	long long started_ms, ended_ms;
	long long kill_at_ms;    /* SIGKILL deadline after a cancel, 0 = none */
	long long term_at_ms;    /* SIGTERM deadline of proc_cancel_later, 0 = none */
	int cancelled;
	/* private */
	struct strbuf line_out, line_err;
	const char *input_left;
	size_t input_len;
	size_t capture_max;
	proc_line_fn on_line;
	void *ctx;
	int reaped;
};

void proc_init(struct proc *p);
/* Starts ARGV (argv[0] looked up on PATH unless it contains '/').  Returns
 * 0 when running; -1 with E when it could not start: "docker: not found on
 * PATH", "docker: permission denied" (p->state = PROC_EXEC_FAILED). */
int proc_start(struct proc *p, const char *const *argv, const struct proc_opts *o, struct err *e);
/* Fills up to MAX pollfds; returns how many. */
int proc_pollfds(const struct proc *p, struct pollfd *fds, int max);
/* Reads whatever is available (non-blocking) and feeds stdin. */
void proc_pump(struct proc *p);
/* waitpid(WNOHANG); returns 1 when the child has been reaped. */
int proc_reap(struct proc *p);
/* Exited or signalled and both pipes at EOF. */
int proc_done(const struct proc *p);
/* SIGTERM now, SIGKILL after GRACE_MS (driven by proc_tick). */
void proc_cancel(struct proc *p, int grace_ms);
/* Marks P cancelled but lets it finish for WAIT_MS first; then as
 * proc_cancel(P, GRACE_MS).  For a short request to a daemon that goes on
 * without its client (docker run, create): stopping the client would leave
 * the daemon making an object after its undo has already run. */
void proc_cancel_later(struct proc *p, int wait_ms, int grace_ms);
void proc_tick(struct proc *p);
/* Milliseconds until proc_tick must run (-1: none). */
int proc_timeout_ms(const struct proc *p);
/* "exited with code 1", "killed by SIGTERM", "could not run: ..." */
void proc_describe(const struct proc *p, char *buf, size_t size);
void proc_release(struct proc *p);
/* Blocking convenience for CLI paths: runs to completion or TIMEOUT_MS
 * (then cancels with a 1 s grace).  Returns 0 when it ran (whatever its
 * code), -1 when it could not start. */
int proc_run(struct proc *p, const char *const *argv, const struct proc_opts *o, int timeout_ms,
	     struct err *e);
/* Monotonic clock in milliseconds. */
long long proc_now_ms(void);
/* Looks NAME up on PATH; malloc'd absolute path or NULL. */
char *proc_which(const char *name);

#endif
