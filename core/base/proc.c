/* proc.c - fork/exec with pipes, exec-failure reporting and cancellation. */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define CAPTURE_DEFAULT (64 * 1024)
#define LINE_MAX_BYTES (16 * 1024)

long long proc_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void proc_init(struct proc *p)
{
	memset(p, 0, sizeof(*p));
	p->pid = -1;
	p->out_fd = p->err_fd = p->in_fd = p->pid_fd = -1;
	strbuf_init(&p->out);
	strbuf_init(&p->err);
	strbuf_init(&p->line_out);
	strbuf_init(&p->line_err);
}

char *proc_which(const char *name)
{
	if (!*name)
		return NULL;
	if (strchr(name, '/'))
		return access(name, X_OK) ? NULL : xstrdup(name);
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	const char *p = path;
	while (*p) {
		const char *c = strchr(p, ':');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		char *cand = n ? xasprintf("%.*s/%s", (int)n, p, name) : xasprintf("./%s", name);
		struct stat st;
		if (!stat(cand, &st) && S_ISREG(st.st_mode) && !access(cand, X_OK))
			return cand;
		free(cand);
		if (!c)
			break;
		p = c + 1;
	}
	return NULL;
}

static char **build_env(const struct proc_opts *o)
{
	size_t n = 0;
	for (char **e = environ; *e; e++)
		n++;
	size_t extra = 0;
	if (o && o->env_set)
		for (const char *const *s = o->env_set; *s; s++)
			extra++;
	char **env = xcalloc(n + extra + 1, sizeof(char *));
	size_t k = 0;
	for (char **e = environ; *e; e++) {
		size_t nl = strcspn(*e, "=");
		int drop = 0;
		if (o && o->env_unset)
			for (const char *const *u = o->env_unset; *u; u++)
				if (strlen(*u) == nl && !strncmp(*u, *e, nl))
					drop = 1;
		if (o && o->env_set)
			for (const char *const *s = o->env_set; *s; s++)
				if (strcspn(*s, "=") == nl && !strncmp(*s, *e, nl))
					drop = 1;
		if (!drop)
			env[k++] = *e;
	}
	if (o && o->env_set)
		for (const char *const *s = o->env_set; *s; s++)
			env[k++] = (char *)*s;
	env[k] = NULL;
	return env;
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int cloexec_pipe(int fds[2])
{
	if (pipe(fds))
		return -1;
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

/* Child side, after fork: only async-signal-safe calls. */
static void child(const char *path, char *const *argv, char *const *env, const char *cwd, int in,
		  int out, int errfd, int status_fd)
{
	sigset_t all;
	sigemptyset(&all);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigprocmask(SIG_SETMASK, &all, NULL);
	setpgid(0, 0);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
		goto fail;
	if (status_fd <= 2)
		goto fail;
	/* Close everything >= 3 except the status pipe (close-on-exec). */
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3u, (unsigned)status_fd - 1, 0u) == 0 &&
	    syscall(SYS_close_range, (unsigned)status_fd + 1, ~0u, 0u) == 0)
		goto closed;
#endif
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 3; fd < max; fd++)
		if (fd != status_fd)
			close(fd);
#ifdef SYS_close_range
closed:
#endif
	if (cwd && chdir(cwd))
		goto fail;
	execve(path, argv, env);
fail:;
	int err = errno;
	ssize_t w = write(status_fd, &err, sizeof(err));
	(void)w;
	_exit(127);
}

int proc_start(struct proc *p, const char *const *argv, const struct proc_opts *o, struct err *e)
{
	proc_init(p);
	p->capture_max = o && o->capture_max ? o->capture_max : CAPTURE_DEFAULT;
	p->on_line = o ? o->on_line : NULL;
	p->ctx = o ? o->ctx : NULL;
	char *path = proc_which(argv[0]);
	if (!path) {
		int err = errno;
		p->state = PROC_EXEC_FAILED;
		if (strchr(argv[0], '/'))
			snprintf(p->error, sizeof(p->error), "%s: %s", argv[0], strerror(err ? err : ENOENT));
		else
			snprintf(p->error, sizeof(p->error), "%s: not found on PATH", argv[0]);
		return err_set(e, "could not run %s", p->error);
	}
	int op[2] = { -1, -1 }, ep[2] = { -1, -1 }, sp[2] = { -1, -1 }, ip[2] = { -1, -1 };
	int devnull = -1;
	if (cloexec_pipe(op) || cloexec_pipe(ep) || cloexec_pipe(sp))
		goto sysfail;
	if (o && o->input) {
		if (cloexec_pipe(ip))
			goto sysfail;
	} else if ((devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		goto sysfail;
	}
	char **env = build_env(o);
	p->started_ms = proc_now_ms();
	pid_t pid = fork();
	if (pid < 0) {
		free(env);
		goto sysfail;
	}
	if (pid == 0)
		child(path, (char *const *)argv, env, o ? o->cwd : NULL, o && o->input ? ip[0] : devnull,
		      op[1], ep[1], sp[1]);
	free(env);
	free(path);
	path = NULL;
	setpgid(pid, pid); /* both sides, to avoid the race */
	p->pid = pid;
#ifdef SYS_pidfd_open
	/* The child's exit as a pollable event (Linux 5.3+): a child that
	 * closes its pipes a moment before it exits is reaped at once rather
	 * than at the caller's next timeout.  Close-on-exec by definition. */
	p->pid_fd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	close(op[1]);
	close(ep[1]);
	close(sp[1]);
	if (devnull >= 0)
		close(devnull);
	if (ip[0] >= 0)
		close(ip[0]);
	p->out_fd = op[0];
	p->err_fd = ep[0];
	set_nonblock(p->out_fd);
	set_nonblock(p->err_fd);
	if (ip[1] >= 0) {
		p->in_fd = ip[1];
		set_nonblock(p->in_fd);
		p->input_left = o->input;
		p->input_len = strlen(o->input);
	}
	/* The status pipe closes on a successful exec: this read returns at
	 * once (exec or failure), it never waits for the program. */
	int child_errno = 0;
	ssize_t n;
	do
		n = read(sp[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(sp[0]);
	if (n == (ssize_t)sizeof(child_errno)) {
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		p->reaped = 1;
		p->state = PROC_EXEC_FAILED;
		snprintf(p->error, sizeof(p->error), "%s: %s", argv[0], strerror(child_errno));
		close(p->out_fd);
		close(p->err_fd);
		if (p->in_fd >= 0)
			close(p->in_fd);
		if (p->pid_fd >= 0)
			close(p->pid_fd);
		p->out_fd = p->err_fd = p->in_fd = p->pid_fd = -1;
		p->ended_ms = proc_now_ms();
		return err_set(e, "could not run %s", p->error);
	}
	p->state = PROC_RUNNING;
	return 0;
sysfail:;
	int err = errno;
	int fds[] = { op[0], op[1], ep[0], ep[1], sp[0], sp[1], ip[0], ip[1], devnull };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(path);
	p->state = PROC_EXEC_FAILED;
	snprintf(p->error, sizeof(p->error), "%s: %s", argv[0], strerror(err));
	return err_set(e, "could not run %s", p->error);
}

int proc_pollfds(const struct proc *p, struct pollfd *fds, int max)
{
	int n = 0;
	if (p->out_fd >= 0 && n < max)
		fds[n++] = (struct pollfd){ .fd = p->out_fd, .events = POLLIN };
	if (p->err_fd >= 0 && n < max)
		fds[n++] = (struct pollfd){ .fd = p->err_fd, .events = POLLIN };
	if (p->in_fd >= 0 && n < max)
		fds[n++] = (struct pollfd){ .fd = p->in_fd, .events = POLLOUT };
	if (p->pid_fd >= 0 && !p->reaped && n < max)
		fds[n++] = (struct pollfd){ .fd = p->pid_fd, .events = POLLIN };
	return n;
}

static void deliver(struct proc *p, enum proc_stream s, struct strbuf *line, const char *data,
		    size_t len, int eof)
{
	if (!p->on_line)
		return;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n') {
			p->on_line(p->ctx, s, line->buf, line->len);
			strbuf_clear(line);
		} else if (line->len < LINE_MAX_BYTES) {
			strbuf_addch(line, data[i]);
		}
	}
	if (eof && line->len) {
		p->on_line(p->ctx, s, line->buf, line->len);
		strbuf_clear(line);
	}
}

static void drain(struct proc *p, int *fd, struct strbuf *cap, struct strbuf *line, enum proc_stream s)
{
	char buf[8192];
	while (*fd >= 0) {
		ssize_t n = read(*fd, buf, sizeof(buf));
		if (n > 0) {
			size_t room = cap->len < p->capture_max ? p->capture_max - cap->len : 0;
			size_t keep = (size_t)n < room ? (size_t)n : room;
			strbuf_add(cap, buf, keep);
			if (keep < (size_t)n)
				p->truncated = 1;
			deliver(p, s, line, buf, (size_t)n, 0);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		/* EOF or error */
		deliver(p, s, line, NULL, 0, 1);
		close(*fd);
		*fd = -1;
	}
}

void proc_pump(struct proc *p)
{
	drain(p, &p->out_fd, &p->out, &p->line_out, PROC_STDOUT);
	drain(p, &p->err_fd, &p->err, &p->line_err, PROC_STDERR);
	while (p->in_fd >= 0) {
		if (!p->input_len) {
			close(p->in_fd);
			p->in_fd = -1;
			break;
		}
		ssize_t n = write(p->in_fd, p->input_left, p->input_len);
		if (n > 0) {
			p->input_left += n;
			p->input_len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		close(p->in_fd); /* EPIPE: the child does not read */
		p->in_fd = -1;
	}
}

int proc_reap(struct proc *p)
{
	if (p->reaped || p->pid <= 0)
		return p->reaped;
	int st;
	pid_t r = waitpid(p->pid, &st, WNOHANG);
	if (r != p->pid)
		return 0;
	p->reaped = 1;
	p->ended_ms = proc_now_ms();
	if (p->pid_fd >= 0) {
		close(p->pid_fd);
		p->pid_fd = -1;
	}
	if (WIFEXITED(st)) {
		p->state = PROC_EXITED;
		p->code = WEXITSTATUS(st);
	} else {
		p->state = PROC_SIGNALED;
		p->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	}
	/* Output written just before exit is still in the pipes. */
	proc_pump(p);
	return 1;
}

int proc_done(const struct proc *p)
{
	if (p->state == PROC_EXEC_FAILED)
		return 1;
	return p->reaped && p->out_fd < 0 && p->err_fd < 0;
}

void proc_cancel(struct proc *p, int grace_ms)
{
	if (p->pid <= 0 || p->reaped)
		return;
	p->cancelled = 1;
	kill(-p->pid, SIGTERM);
	kill(p->pid, SIGTERM);
	if (!p->kill_at_ms)
		p->kill_at_ms = proc_now_ms() + (grace_ms > 0 ? grace_ms : 0);
}

void proc_cancel_later(struct proc *p, int wait_ms, int grace_ms)
{
	if (p->pid <= 0 || p->reaped)
		return;
	p->cancelled = 1;
	if (!p->term_at_ms) {
		p->term_at_ms = proc_now_ms() + (wait_ms > 0 ? wait_ms : 0);
		p->kill_at_ms = p->term_at_ms + (grace_ms > 0 ? grace_ms : 0);
	}
}

void proc_tick(struct proc *p)
{
	if (p->term_at_ms && !p->reaped && proc_now_ms() >= p->term_at_ms) {
		kill(-p->pid, SIGTERM);
		kill(p->pid, SIGTERM);
		p->term_at_ms = 0;
	}
	if (p->kill_at_ms && !p->reaped && proc_now_ms() >= p->kill_at_ms) {
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
		p->kill_at_ms = 0;
	}
	/* A grandchild holding the pipes open must not keep us waiting after
	 * the child is gone and cancelled. */
	if (p->reaped && p->cancelled) {
		if (p->out_fd >= 0) {
			close(p->out_fd);
			p->out_fd = -1;
		}
		if (p->err_fd >= 0) {
			close(p->err_fd);
			p->err_fd = -1;
		}
	}
}

int proc_timeout_ms(const struct proc *p)
{
	/* Without a pidfd, a child whose pipes are closed has only its exit
	 * left to report, which nothing can poll for: look again soon. */
	if (!p->reaped && p->pid > 0 && p->pid_fd < 0 && p->out_fd < 0 && p->err_fd < 0)
		return 5;
	if (!p->kill_at_ms || p->reaped)
		return -1;
	long long d = (p->term_at_ms ? p->term_at_ms : p->kill_at_ms) - proc_now_ms();
	return d < 0 ? 0 : (int)d;
}

void proc_describe(const struct proc *p, char *buf, size_t size)
{
	switch (p->state) {
	case PROC_EXITED:
		snprintf(buf, size, "exited with code %d", p->code);
		break;
	case PROC_SIGNALED:
		snprintf(buf, size, "killed by signal %d (%s)", p->sig, strsignal(p->sig));
		break;
	case PROC_EXEC_FAILED:
		snprintf(buf, size, "could not run %s", p->error);
		break;
	case PROC_RUNNING:
		snprintf(buf, size, "running");
		break;
	default:
		snprintf(buf, size, "not started");
	}
}

void proc_release(struct proc *p)
{
	if (p->pid > 0 && !p->reaped) {
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
		int st;
		while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
			;
		p->reaped = 1;
	}
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	if (p->in_fd >= 0)
		close(p->in_fd);
	if (p->pid_fd >= 0)
		close(p->pid_fd);
	p->pid_fd = -1;
	strbuf_release(&p->out);
	strbuf_release(&p->err);
	strbuf_release(&p->line_out);
	strbuf_release(&p->line_err);
	p->out_fd = p->err_fd = p->in_fd = -1;
	p->pid = -1;
}

int proc_run(struct proc *p, const char *const *argv, const struct proc_opts *o, int timeout_ms,
	     struct err *e)
{
	if (proc_start(p, argv, o, e))
		return -1;
	long long deadline = timeout_ms > 0 ? proc_now_ms() + timeout_ms : 0;
	while (!proc_done(p)) {
		struct pollfd fds[4];
		int n = proc_pollfds(p, fds, 4);
		int wait = 50;
		if (deadline) {
			long long left = deadline - proc_now_ms();
			if (left <= 0 && !p->cancelled)
				proc_cancel(p, 1000);
			else if (left > 0 && left < wait)
				wait = (int)left;
		}
		int t = proc_timeout_ms(p);
		if (t >= 0 && t < wait)
			wait = t;
		poll(fds, (nfds_t)n, wait);
		proc_pump(p);
		proc_reap(p);
		proc_tick(p);
	}
	return 0;
}
