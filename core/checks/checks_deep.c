/* checks_deep.c - check --deep: when the cheap facts cannot tell, the
 * daemon is asked the real question (docs/ARCHITECTURE.md "check --deep").
 *
 * The modes whose dockerd runs inside (privileged, sysbox: the workspace;
 * dind: the sidecar) start that container as the launch would -- its
 * image, privileges, runtime, limits, environment, the inner daemon's
 * settings (the daemon.json, or the sidecar's flags) and an anonymous
 * /var/lib/docker -- under a throwaway name with the label ws-launch.deep,
 * wait for its dockerd to answer `docker info` inside, and remove it:
 *
 *   RUN   docker run -d --name ws-launch-deep-PID --label ws-launch.deep=1 ...
 *   WAIT  docker exec NAME sh -c WAIT_SCRIPT   (until docker info answers,
 *         the image turns out to have no dockerd, the daemon logs a fatal
 *         line, or the bound: --timeout, else DEEP_TIMEOUT_DEFAULT)
 *   LOG   the inner daemon's log, when it did not answer (deep_reason.h)
 *   RM    docker rm -f -v NAME, always; the trial's daemon.json too
 *
 * The result is held until RM is done, so checker_done() means nothing of
 * the trial is left; checker_cancel() (Ctrl-C) removes it too.  The other
 * modes run `docker run --rm --entrypoint true` of the workspace image with
 * the privileges of their container (the socket and its group). */
#include "checks_internal.h"
#include "deep_reason.h"
#include "launch/inner.h"
#include "launch/launch_build.h"
#include "launch/option_value.h"
#include "launch/modes.h"
#include "launch/plan.h"
#include "base/show.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEEP_TRUE_TIMEOUT_MS 60000L
#define DEEP_LOG_TIMEOUT_MS 10000L
#define DEEP_RM_TIMEOUT_MS 30000L
#define DEEP_NO_DOCKERD 86   /* the trial's exit code: the image has no dockerd */
#define DEEP_FATAL 87        /* the inner daemon logged a fatal line */
#define DEEP_NOT_RUNNING 88  /* no dockerd process after DEEP_NOT_RUNNING_TRIES half-seconds */
#define DEEP_NOT_RUNNING_TRIES 20
#define STR_(x) #x
#define STR(x) STR_(x)

enum deep_stage { DS_NONE, DS_TRUE, DS_RUN, DS_WAIT, DS_LOG, DS_LOG2, DS_RM };

/* The workspace's log of its dockerd (WS_LOGGING_DIR, WS_LOGGING_DOCKER_FILE). */
#define WS_DOCKERD_LOG "\"${WS_LOGGING_DIR:-/var/log/workspace}/${WS_LOGGING_DOCKER_FILE:-dockerd.log}\""

/* Runs inside the trial until its dockerd answers (fixed text, no input). */
static const char wait_workspace[] =
	"command -v dockerd >/dev/null 2>&1 || exit " STR(DEEP_NO_DOCKERD) "\n"
	"log=" WS_DOCKERD_LOG "\n"
	"i=0\n"
	"while :; do\n"
	"  v=$(docker info --format '{{.ServerVersion}} {{.Driver}}' 2>/dev/null) && echo \"$v\" && exit 0\n"
	"  grep -q -e 'level=fatal' -e 'failed to start daemon' \"$log\" 2>/dev/null && exit " STR(DEEP_FATAL) "\n"
	"  i=$((i + 1))\n"
	"  [ $i -ge " STR(DEEP_NOT_RUNNING_TRIES) " ] && ! grep -qx dockerd /proc/[0-9]*/comm 2>/dev/null && exit "
	STR(DEEP_NOT_RUNNING) "\n"
	"  sleep 0.5\n"
	"done\n";
static const char wait_sidecar[] =
	"while :; do\n"
	"  v=$(docker info --format '{{.ServerVersion}} {{.Driver}}' 2>/dev/null) && echo \"$v\" && exit 0\n"
	"  sleep 0.5\n"
	"done\n";
static const char tail_workspace[] = "tail -n 80 " WS_DOCKERD_LOG;

static int runs_dockerd_inside(enum mode_id mode)
{
	return mode == MODE_SYSBOX || mode == MODE_PRIVILEGED || mode == MODE_DIND;
}

static const char *docker_bin(void)
{
	const char *d = getenv("WS_LAUNCH_DOCKER");
	return d && *d ? d : "docker";
}

static void progress(struct checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(struct checker *c, const char *fmt, ...)
{
	if (!c->on_progress)
		return;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	c->on_progress(c->progress_ctx, sb.buf);
	strbuf_release(&sb);
}

static void hold(struct checker *c, enum check_status st, const char *remedy, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void hold(struct checker *c, enum check_status st, const char *remedy, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(c->deep_finding);
	free(c->deep_remedy);
	c->deep_finding = strbuf_detach(&sb, NULL);
	c->deep_remedy = remedy ? xstrdup(remedy) : NULL;
	c->deep_status = st;
}

/* Removes the daemon.json written for the trial, if any. */
static void drop_json(struct checker *c)
{
	if (!c->deep_json)
		return;
	unlink(c->deep_json);
	free(c->deep_json);
	c->deep_json = NULL;
}

static int start_stage(struct checker *c, int stage, struct strvec *argv, long bound_ms)
{
	struct err e;
	struct proc_opts o = { .capture_max = 32768 };
	proc_release(&c->deep);
	proc_init(&c->deep);
	c->deep_stage = stage;
	if (proc_start(&c->deep, (const char *const *)argv->v, &o, &e)) {
		strvec_release(argv);
		hold(c, CHECK_SKIP, NULL, "%s", e.msg);
		return -1;
	}
	strvec_release(argv);
	c->deep_running = 1;
	c->deep_deadline = proc_now_ms() + bound_ms;
	return 0;
}

/* ---- the modes without a dockerd inside: `--entrypoint true` ------------ */

static void start_true(struct checker *c)
{
	struct strvec argv = STRVEC_INIT;
	struct strbuf privs = STRBUF_INIT;
	strvec_pushl(&argv, docker_bin(), "run", "--rm", "--label", "ws-launch.deep=1", NULL);
	strvec_pushf(&argv, "--name=ws-launch-deep-%ld", (long)getpid());
	if (option_applies(option_get(OPT_SOCKET), c->spec.mode)) {
		char sb[24], gb[24];
		const char *sock = option_value(OPT_SOCKET, &c->spec, &c->facts, sb, sizeof(sb));
		const char *group = option_value(OPT_GROUP, &c->spec, &c->facts, gb, sizeof(gb));
		if (sock) {
			strvec_push(&argv, "-v");
			strvec_pushf(&argv, "%s:/var/run/docker.sock:ro", sock);
			strbuf_addf(&privs, "-v %s:/var/run/docker.sock:ro", sock);
		}
		if (group) {
			strvec_pushl(&argv, "--group-add", group, NULL);
			strbuf_addf(&privs, " --group-add %s", group);
		}
	}
	if (!privs.len)
		strbuf_addstr(&privs, "no extra privileges");
	strvec_pushl(&argv, "--entrypoint", "true", spec_get(&c->spec, OPT_IMAGE), NULL);
	ck_data(c, CK_DEEP, "privileges", "%s", privs.buf);
	progress(c, "deep: a trial container with %s", privs.buf);
	strbuf_release(&privs);
	if (start_stage(c, DS_TRUE, &argv, DEEP_TRUE_TIMEOUT_MS))
		ck_set(c, CK_DEEP, c->deep_status, c->deep_remedy, "%s", c->deep_finding);
}

/* The daemon's own line, not the CLI's advice. */
static char *daemon_words(const struct proc *p)
{
	const struct strbuf *b = p->err.len ? &p->err : &p->out;
	const char *line = b->buf ? strstr(b->buf, "Error response from daemon:") : NULL;
	char desc[256];
	char *w;
	if (line) {
		w = xstrndup(line, strcspn(line, "\n"));
	} else {
		proc_describe(p, desc, sizeof(desc));
		w = xstrdup(desc);
	}
	show_sanitize(w, strlen(w));
	return w;
}

/* ---- the modes with a dockerd inside ------------------------------------ */

/* The trial copy of the container that runs the inner dockerd: what the
 * daemon needs to start, nothing that names, publishes or keeps data. */
static void trial_container(struct checker *c, const struct container *src, const char *json,
			    struct launch *tl, struct strbuf *privs)
{
	struct container *t = launch_add_container(tl, src->role, c->deep_name, src->image);
	container_add(t, RK_DETACH, NULL, NULL);
	container_add(t, RK_NAME, c->deep_name, NULL);
	container_add(t, RK_LABEL, "ws-launch.deep", "1");
	for (size_t i = 0; i < src->nopts; i++) {
		const struct run_opt *o = &src->opts[i];
		switch (o->kind) {
		case RK_PRIVILEGED:
			strbuf_addf(privs, "%s--privileged", privs->len ? " " : "");
			container_add(t, o->kind, o->a, o->b);
			break;
		case RK_RUNTIME:
		case RK_USERNS:
			strbuf_addf(privs, "%s--%s %s", privs->len ? " " : "", o->kind == RK_RUNTIME ? "runtime" : "userns",
				    o->a);
			container_add(t, o->kind, o->a, o->b);
			break;
		case RK_GROUP_ADD:
		case RK_ENV:
		case RK_CPUS:
		case RK_MEMORY:
		case RK_PIDS_LIMIT:
		case RK_SHM_SIZE:
			container_add(t, o->kind, o->a, o->b);
			break;
		case RK_MOUNT:
			if (o->use == MNT_DATA)
				container_add_mount(t, o->b, "", 0, MNT_DATA); /* anonymous: removed with -v */
			else if (o->use == MNT_DAEMON_JSON && json)
				container_add_mount(t, json, o->b, 1, MNT_DAEMON_JSON);
			break;
		default: /* name, labels, ports, networks, env files, other mounts, pull */
			break;
		}
	}
	container_add(t, RK_PULL, "never", NULL);
	for (size_t i = 0; i < src->cmd.n; i++)
		strvec_push(&t->cmd, src->cmd.v[i]);
}

static void start_inner(struct checker *c)
{
	struct launch l;
	struct err e;
	if (launch_build(&c->spec, &c->facts, &l, &e)) {
		ck_set(c, CK_DEEP, CHECK_FAIL, NULL, "the launch cannot be built: %s", e.msg);
		return;
	}
	const struct container *src = NULL;
	for (size_t i = 0; i < l.ncontainers && !src; i++)
		if (l.containers[i]->role == (c->spec.mode == MODE_DIND ? ROLE_SIDECAR : ROLE_WORKSPACE))
			src = l.containers[i];
	if (!src) {
		ck_set(c, CK_DEEP, CHECK_SKIP, NULL, "the launch has no container that runs dockerd");
		launch_release(&l);
		return;
	}
	free(c->deep_name);
	c->deep_name = xasprintf("ws-launch-deep-%ld", (long)getpid());
	if (l.daemon_json) {
		drop_json(c);
		if (inner_file_write(facts_get(&c->facts, "inner.config"), c->deep_name, l.daemon_json, &c->deep_json,
				     &e)) {
			ck_set(c, CK_DEEP, CHECK_FAIL, NULL, "cannot write the trial's daemon.json: %s", e.msg);
			launch_release(&l);
			return;
		}
	}
	struct launch tl;
	launch_init(&tl);
	struct strbuf privs = STRBUF_INIT;
	trial_container(c, src, c->deep_json, &tl, &privs);
	struct strvec argv = STRVEC_INIT;
	plan_run_argv(tl.containers[0], &argv);
	free(argv.v[0]);
	argv.v[0] = xstrdup(docker_bin());
	ck_data(c, CK_DEEP, "privileges", "%s", privs.len ? privs.buf : "none");
	ck_data(c, CK_DEEP, "container", "%s", c->deep_name);
	progress(c, "deep: starting %s (%s, %s)%s", c->deep_name, src->image, privs.len ? privs.buf : "no privileges",
		 c->deep_json ? " with the launch's daemon.json" : "");
	strbuf_release(&privs);
	launch_release(&tl);
	launch_release(&l);
	c->deep_t0 = proc_now_ms();
	if (start_stage(c, DS_RUN, &argv, c->deep_bound_ms)) {
		c->deep_stage = DS_NONE;
		drop_json(c);
		ck_set(c, CK_DEEP, c->deep_status, c->deep_remedy, "%s", c->deep_finding);
	}
}

static void start_rm(struct checker *c)
{
	struct strvec argv = STRVEC_INIT;
	strvec_pushl(&argv, docker_bin(), "rm", "-f", "-v", c->deep_name, NULL);
	progress(c, "deep: removing %s", c->deep_name);
	if (start_stage(c, DS_RM, &argv, DEEP_RM_TIMEOUT_MS))
		ck_finish_deep(c); /* could not even start docker: report what we hold */
}

/* The inner daemon's log: the workspace's dockerd.log (LOG), else -- the
 * sidecar's dockerd, or a workspace whose dockerd never wrote one -- the
 * container's own output (LOG2). */
static void start_log(struct checker *c, int stage)
{
	struct strvec argv = STRVEC_INIT;
	if (stage == DS_LOG2)
		strvec_pushl(&argv, docker_bin(), "logs", "--tail", "80", c->deep_name, NULL);
	else
		strvec_pushl(&argv, docker_bin(), "exec", c->deep_name, "sh", "-c", tail_workspace, NULL);
	if (start_stage(c, stage, &argv, DEEP_LOG_TIMEOUT_MS))
		start_rm(c);
}

void ck_maybe_deep(struct checker *c)
{
	if (!ck_pending(c, CK_DEEP) || c->deep_running || c->deep_stage != DS_NONE || !c->image_known)
		return;
	if (c->wants_info && !c->have_info)
		return; /* on_info calls again */
	int dind = c->spec.mode == MODE_DIND;
	if (dind && !c->dind_image_known)
		return; /* on_image calls again */
	int present = dind ? c->facts.dind_image_present : c->facts.image_present;
	if (present != 1) {
		ck_set(c, CK_DEEP, CHECK_SKIP, NULL, "%s is not present here: nothing to try without pulling it",
		       spec_get(&c->spec, dind ? OPT_DIND_IMAGE : OPT_IMAGE));
		return;
	}
	if (runs_dockerd_inside(c->spec.mode))
		start_inner(c);
	else
		start_true(c);
}

static void finish_true(struct checker *c)
{
	struct proc *p = &c->deep;
	const char *privs = check_data(&c->checks[CK_DEEP], "privileges");
	if (p->state == PROC_EXITED && p->code == 0) {
		ck_set(c, CK_DEEP, CHECK_PASS, NULL, "a trial container with %s started, ran and was removed",
		       privs ? privs : "the mode's privileges");
	} else {
		char *words = daemon_words(p);
		ck_set(c, CK_DEEP, CHECK_FAIL, "see the daemon's reason: the launch would meet it too",
		       "the daemon did not run a trial container with %s: %s", privs ? privs : "the mode's privileges",
		       words);
		free(words);
	}
}

static const char *dockerd_where(const struct checker *c)
{
	return c->spec.mode == MODE_DIND ? "the sidecar's dockerd" : "the inner dockerd";
}

void ck_finish_deep(struct checker *c)
{
	struct proc *p = &c->deep;
	int ok = p->state == PROC_EXITED && p->code == 0;
	double secs = (double)(proc_now_ms() - c->deep_t0) / 1000.0;
	c->deep_running = 0;
	switch (c->deep_stage) {
	case DS_TRUE:
		finish_true(c);
		c->deep_stage = DS_NONE;
		break;
	case DS_RUN: {
		if (!ok) {
			char *words = daemon_words(p);
			const char *privs = check_data(&c->checks[CK_DEEP], "privileges");
			hold(c, CHECK_FAIL, "see the daemon's reason: the launch would meet it too",
			     "the daemon did not start a trial container with %s: %s", privs ? privs : "the mode's privileges",
			     words);
			free(words);
			start_rm(c);
			break;
		}
		struct strvec argv = STRVEC_INIT;
		strvec_pushl(&argv, docker_bin(), "exec", c->deep_name, "sh", "-c",
			     c->spec.mode == MODE_DIND ? wait_sidecar : wait_workspace, NULL);
		long left = (long)(c->deep_deadline - proc_now_ms());
		progress(c, "deep: waiting for %s to answer docker info (up to %ld s)", dockerd_where(c),
			 (left > 0 ? left : 0) / 1000);
		if (start_stage(c, DS_WAIT, &argv, left > 0 ? left : 0))
			start_rm(c);
		break;
	}
	case DS_WAIT:
		if (ok) {
			char *words = xstrndup(p->out.buf ? p->out.buf : "", p->out.buf ? strcspn(p->out.buf, "\n") : 0);
			show_sanitize(words, strlen(words));
			char ver[64] = "", drv[64] = "";
			if (sscanf(words, "%63s %63s", ver, drv) < 1)
				snprintf(ver, sizeof(ver), "?");
			hold(c, CHECK_PASS, NULL, "%s answered docker info in %.1f s (Docker %s%s%s)%s", dockerd_where(c), secs,
			     ver, *drv ? ", storage " : "", drv, c->deep_json ? " with the launch's daemon.json" : "");
			ck_data(c, CK_DEEP, "inner_version", "%s", ver);
			free(words);
			start_rm(c);
		} else if (p->state == PROC_EXITED && p->code == DEEP_NO_DOCKERD) {
			hold(c, CHECK_FAIL, "use an image with Docker inside (the Kloud image has it), or a mode that needs "
			     "none (socket, dind)", "the image %s has no dockerd, which %s mode runs inside the workspace",
			     spec_get(&c->spec, OPT_IMAGE), mode_get(c->spec.mode)->name);
			start_rm(c);
		} else {
			if (p->cancelled)
				hold(c, CHECK_FAIL, NULL, "%s did not answer within %.0f s", dockerd_where(c), secs);
			else if (p->state == PROC_EXITED && p->code == DEEP_NOT_RUNNING)
				hold(c, CHECK_FAIL, NULL, "no dockerd runs in the container after %d s",
				     DEEP_NOT_RUNNING_TRIES / 2);
			else
				hold(c, CHECK_FAIL, NULL, "%s did not start", dockerd_where(c));
			progress(c, "deep: reading the log of %s", dockerd_where(c));
			start_log(c, c->spec.mode == MODE_DIND ? DS_LOG2 : DS_LOG);
		}
		break;
	case DS_LOG:
		if (!ok || !p->out.len) {
			start_log(c, DS_LOG2); /* no dockerd.log: the container's output */
			break;
		}
		/* fall through */
	case DS_LOG2: {
		struct strbuf log = STRBUF_INIT;
		strbuf_add(&log, p->out.buf ? p->out.buf : "", p->out.len);
		strbuf_add(&log, p->err.buf ? p->err.buf : "", p->err.len);
		struct deep_reason r;
		deep_reason_read(log.buf ? log.buf : "", c->spec.mode, &r);
		char *first = xstrdup(c->deep_finding ? c->deep_finding : "");
		hold(c, CHECK_FAIL, r.remedy, "%s (%.1f s): %s", first, secs, r.finding);
		ck_data(c, CK_DEEP, "cause", "%s", deep_cause_name(r.cause));
		free(first);
		deep_reason_release(&r);
		strbuf_release(&log);
		start_rm(c);
		break;
	}
	case DS_RM:
	default:
		if (c->deep_stage == DS_RM && !ok) {
			char *words = daemon_words(p);
			if (!strstr(words, "No such container")) {
				char *f = xasprintf("%s; and %s could not be removed: %s", c->deep_finding, c->deep_name, words);
				free(c->deep_finding);
				c->deep_finding = f;
				c->deep_status = CHECK_FAIL;
			}
			free(words);
		}
		drop_json(c);
		c->deep_stage = DS_NONE;
		ck_set(c, CK_DEEP, c->deep_status, c->deep_remedy, "%s", c->deep_finding ? c->deep_finding : "?");
		break;
	}
	if (!c->deep_running) {
		proc_release(p);
		proc_init(p);
	}
}

/* Waits (bounded) for the current child, pumping its pipes. */
static void wait_child(struct proc *p, long ms)
{
	long long end = proc_now_ms() + ms;
	while (!proc_done(p)) {
		if (proc_now_ms() >= end && !p->cancelled)
			proc_cancel(p, 1000);
		struct pollfd fds[4];
		int n = proc_pollfds(p, fds, 4);
		int t = proc_timeout_ms(p);
		poll(fds, (nfds_t)n, t >= 0 && t < 100 ? t : 100);
		proc_pump(p);
		proc_reap(p);
		proc_tick(p);
	}
}

void ck_cancel_deep(struct checker *c)
{
	if (c->deep_running && c->deep_stage == DS_RUN)
		wait_child(&c->deep, 15000); /* the daemon makes it even without its client */
	else if (c->deep_running && !c->deep.cancelled)
		proc_cancel(&c->deep, 1000);
	if (c->deep_running)
		wait_child(&c->deep, 5000);
	c->deep_running = 0;
	if (c->deep_name && c->deep_stage != DS_NONE && c->deep_stage != DS_TRUE) {
		struct proc rm;
		struct err e;
		proc_init(&rm);
		const char *argv[] = { docker_bin(), "rm", "-f", "-v", c->deep_name, NULL };
		progress(c, "deep: removing %s", c->deep_name);
		proc_run(&rm, argv, &(struct proc_opts){ .capture_max = 4096 }, (int)DEEP_RM_TIMEOUT_MS, &e);
		proc_release(&rm);
	}
	drop_json(c);
	c->deep_stage = DS_NONE;
	proc_release(&c->deep);
	proc_init(&c->deep);
}
