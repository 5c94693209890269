/* runner_diagnose.c - what watches the workspace while docker inside does
 * not answer yet, and stops the wait as soon as the outcome is certain
 * (runner_internal.h).  After each failed `docker version` inside:
 *
 *   - "is not running" / "is restarting": the container's state (Engine
 *     API inspect): exit code, OOM-killed or not, then its last log lines;
 *   - "permission denied" on a mounted socket: the workspace user's groups
 *     against the socket's group, and the --group value that fixes it;
 *   - a mode whose dockerd runs inside (privileged, sysbox): whether the
 *     image has a dockerd, whether it runs, the tail of its log;
 *   - a sidecar (dind): its state, and its last log lines when it is down.
 *
 * The probes inside the workspace are fixed scripts run by `docker exec`
 * (arguments passed as "$1", never spliced into the script).  Each ends in
 * rn_verify_fail() (certain) or rn_verify_exec_again() (try again). */
#include "runner_internal.h"
#include "engine/engine.h"
#include "base/jdoc.h"
#include "base/proc.h"
#include "base/show.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOCKERD_DOWN_MS 5000L     /* dockerd seen down this long: it is not coming */
#define DOCKERD_GRACE_MS 8000L    /* ... and not before this much of the bound */
#define LOG_TAIL "5"              /* log lines shown of a container or dockerd */

/* Whether dockerd is there and runs, and its log's tail.  The log is the
 * Kloud image's (WS_LOGGING_DIR / WS_LOGGING_DOCKER_FILE). */
static const char dockerd_script[] =
	"command -v dockerd >/dev/null 2>&1 || { echo 'dockerd: missing'; exit 0; }\n"
	"st=stopped\n"
	"for c in /proc/[0-9]*/comm; do [ \"$(cat \"$c\" 2>/dev/null)\" = dockerd ] && st=running; done\n"
	"echo \"dockerd: $st\"\n"
	"f=\"${WS_LOGGING_DIR:-/var/log/workspace}/${WS_LOGGING_DOCKER_FILE:-dockerd.log}\"\n"
	"echo \"log: $f\"\n"
	"tail -n " LOG_TAIL " \"$f\" 2>/dev/null\n";

/* The workspace user's groups and the socket's group and mode ("$1"). */
static const char socket_script[] =
	"echo \"groups: $(id -G)\"\n"
	"echo \"socket: $(stat -c '%g %a' \"$1\" 2>&1)\"\n";

static int runs_dockerd_inside(const struct runner *r)
{
	return r->plan->mode == MODE_PRIVILEGED || r->plan->mode == MODE_SYSBOX;
}

/* The text after "KEY" on its line in SB, malloc'd; NULL when absent. */
static char *field(const struct strbuf *sb, const char *key)
{
	const char *p = sb->buf;
	size_t kl = strlen(key);
	while (p && *p) {
		if (!strncmp(p, key, kl)) {
			const char *v = p + kl, *nl = strchr(v, '\n');
			char *s = nl ? xstrndup(v, (size_t)(nl - v)) : xstrdup(v);
			show_sanitize(s, strlen(s));
			return s;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* ---- the last log lines of a container ------------------------------------------ */

static void start_logs(struct runner *r, const char *name, char *verdict)
{
	free(r->diag.verdict);
	r->diag.verdict = verdict;
	free(r->diag.logs_last);
	r->diag.logs_last = NULL;
	strvec_clear(&r->diag.logs);
	free(r->diag.logs_of);
	r->diag.logs_of = xstrdup(name);
	rn_logf(r, "[verify] %s; the last log lines of %s:", verdict, name);
	/* Timestamps put stdout and stderr lines back in order (two pipes). */
	const char *argv[] = { "docker", "logs", "--timestamps", "--tail", LOG_TAIL, name, NULL };
	if (rn_start_child(r, CH_LOGS, argv, "logs"))
		rn_verify_fail(r, "%s", verdict);
}

void rn_verify_child_line(void *ctx, enum proc_stream st, const char *line, size_t len)
{
	struct runner *r = ctx;
	(void)st;
	if (r->child_kind != CH_LOGS || !len || r->diag.logs.n >= 64)
		return; /* exec and probe output is read whole when they end */
	strvec_push_nodup(&r->diag.logs, xstrndup(line, len));
}

/* RFC 3339 timestamps as docker writes them ("2026-12-07T05:01:02.5Z",
 * trailing zeros of the fraction dropped): seconds, then the fraction
 * compared as nanoseconds. */
static long long frac_ns(const char *s)
{
	const char *dot = s[0] && strlen(s) > 19 && s[19] == '.' ? s + 20 : NULL;
	long long ns = 0;
	int digits = 0;
	for (; dot && *dot >= '0' && *dot <= '9' && digits < 9; dot++, digits++)
		ns = ns * 10 + (*dot - '0');
	for (; digits < 9; digits++)
		ns *= 10;
	return ns;
}

static int by_time(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int c = strncmp(x, y, 19);
	if (c)
		return c;
	long long fx = frac_ns(x), fy = frac_ns(y);
	return fx < fy ? -1 : fx > fy;
}

void rn_verify_logs_done(struct runner *r)
{
	struct strvec *l = &r->diag.logs;
	if (l->n)
		qsort(l->v, l->n, sizeof(char *), by_time);
	for (size_t i = 0; i < l->n; i++) {
		const char *sp = strchr(l->v[i], ' ');
		const char *text = sp ? sp + 1 : l->v[i];
		rn_logf(r, "[verify] %s| %s", r->diag.logs_of ? r->diag.logs_of : "", text);
		if (i + 1 == l->n && *text) {
			free(r->diag.logs_last);
			r->diag.logs_last = xstrdup(text);
			show_sanitize(r->diag.logs_last, strlen(r->diag.logs_last));
		}
	}
	const char *v = r->diag.verdict ? r->diag.verdict : "the workspace is not running";
	if (r->diag.logs_last)
		rn_verify_fail(r, "%s; its last log line: %s", v, r->diag.logs_last);
	else
		rn_verify_fail(r, "%s; it logged nothing", v);
}

/* ---- container state (Engine API) ------------------------------------------------ */

static void on_state(struct engine_result *res, void *ctx)
{
	struct runner *r = ctx;
	r->net_id = 0;
	r->sub = SUB_IDLE;
	if (r->cancel)
		return;
	const char *name = r->diag.watching;
	int sidecar = r->plan->sidecar && !strcmp(name, r->plan->sidecar);
	const char *what = sidecar ? "the dind sidecar" : "the workspace container";
	if (res->status != ENGINE_OK || !res->doc) {
		rn_verify_fail(r, "cannot find %s %s: %s", what, name,
			       res->http_status == 404 ? "it does not exist (removed?)" : res->err.msg);
		return;
	}
	struct jdoc *d = res->doc;
	int root = jdoc_root(d), state = jdoc_get(d, root, "State", NULL);
	int running = jdoc_bool(d, jdoc_member(d, state, "Running"), 0);
	int restarting = jdoc_bool(d, jdoc_member(d, state, "Restarting"), 0);
	int oom = jdoc_bool(d, jdoc_member(d, state, "OOMKilled"), 0);
	long long code = jdoc_int(d, jdoc_member(d, state, "ExitCode"), -1);
	const char *status = jdoc_string(d, jdoc_member(d, state, "Status"), "?");
	const char *error = jdoc_string(d, jdoc_member(d, state, "Error"), "");
	if (!sidecar) {
		const char *id = jdoc_string(d, jdoc_member(d, root, "Id"), NULL);
		free(r->result.container_id);
		r->result.container_id = id ? xstrndup(id, 12) : NULL;
		const char *image = jdoc_string(d, jdoc_get(d, root, "Config", "Image", NULL), NULL);
		if (image && !r->diag.image)
			r->diag.image = xstrdup(image);
	}
	if (running && !restarting) {
		if (r->vstage == V_INSPECT) {
			rn_logf(r, "[verify] container %s is running",
				r->result.container_id ? r->result.container_id : r->ws_name);
			rn_verify_pass_later(r, V_EXEC);
		} else if (r->vstage == V_HTTP) {
			rn_verify_retry(r); /* the web check's watch: still running */
		} else {
			rn_verify_exec_again(r);
		}
		return;
	}
	struct strbuf v = STRBUF_INIT;
	if (restarting)
		strbuf_addf(&v, "%s %s is restarting (it exited with code %lld", what, name, code);
	else
		strbuf_addf(&v, "%s %s is %s (exit code %lld", what, name, status, code);
	strbuf_addstr(&v, oom ? ", OOM-killed: raise its memory limit)" : ", not OOM-killed)");
	if (*error) {
		char *e = show_dup(error, 200);
		strbuf_addf(&v, ": %s", e);
		free(e);
	}
	start_logs(r, name, strbuf_detach(&v, NULL));
}

void rn_watch_container(struct runner *r, const char *name)
{
	free(r->diag.watching);
	r->diag.watching = xstrdup(name);
	struct strbuf path = STRBUF_INIT;
	strbuf_addstr(&path, "/containers/");
	engine_path_escape(&path, name);
	strbuf_addstr(&path, "/json");
	r->net_id = engine_get_json(r->net, &r->target, path.buf, on_state, r);
	r->sub = SUB_PROBE;
	strbuf_release(&path);
}

/* ---- probes inside the workspace -------------------------------------------------- */

static void start_probe(struct runner *r, enum diag_probe probe, const char *script, const char *arg)
{
	r->diag.probe = probe;
	const char *argv[] = { "docker", "exec", r->ws_name, "sh", "-c", script, "sh", arg, NULL };
	if (rn_start_child(r, CH_DIAG, argv, "diagnose")) {
		r->diag.probe = DIAG_NONE;
		rn_verify_exec_again(r);
	}
}

static void dockerd_done(struct runner *r, const struct strbuf *out)
{
	char *st = field(out, "dockerd: "), *log = field(out, "log: ");
	long long now = proc_now_ms();
	if (st && !strcmp(st, "missing")) {
		rn_verify_fail(r, "the image %s has no dockerd, which %s mode runs inside the workspace: use an image "
				  "with Docker inside (the Kloud image has it) or a mode that needs none (socket, dind)",
			       r->diag.image ? r->diag.image : "of the workspace", r->plan->mode == MODE_SYSBOX ? "sysbox"
			       : "privileged");
	} else if (st && !strcmp(st, "stopped") && r->diag.dockerd_down_ms &&
		   now - r->diag.dockerd_down_ms >= DOCKERD_DOWN_MS && now - r->vstart_ms >= DOCKERD_GRACE_MS) {
		/* The log's tail: the lines after "log: PATH". */
		const char *t = log ? strstr(out->buf, "\nlog: ") : NULL;
		t = t ? strchr(t + 1, '\n') : NULL;
		struct strbuf tail = STRBUF_INIT;
		if (t)
			strbuf_addstr(&tail, t + 1);
		char *last = rn_last_line(&tail);
		for (char *p = tail.buf, *nl; p && *p; p = nl ? nl + 1 : NULL) {
			nl = strchr(p, '\n');
			rn_logf(r, "[verify] %s| %.*s", log, nl ? (int)(nl - p) : (int)strlen(p), p);
		}
		if (*last)
			rn_verify_fail(r, "dockerd inside the workspace started and exited; the last line of %s: %s", log,
				       last);
		else
			rn_verify_fail(r, "dockerd inside the workspace never started (%s is empty or missing): see "
					  "'docker logs %s'", log ? log : "its log", r->ws_name);
		free(last);
		strbuf_release(&tail);
	} else {
		if (st && !strcmp(st, "stopped")) {
			if (!r->diag.dockerd_down_ms)
				r->diag.dockerd_down_ms = now;
		} else {
			r->diag.dockerd_down_ms = 0;
		}
		rn_verify_exec_again(r);
	}
	free(st);
	free(log);
}

static void socket_done(struct runner *r, const struct strbuf *out)
{
	char *groups = field(out, "groups: "), *sock = field(out, "socket: ");
	char gid[32] = "", mode[16] = "";
	if (sock)
		sscanf(sock, "%31s %15s", gid, mode);
	int member = 0;
	if (groups && *gid) {
		struct strbuf g = STRBUF_INIT;
		strbuf_addf(&g, " %s ", groups);
		char needle[40];
		snprintf(needle, sizeof(needle), " %s ", gid);
		member = strstr(g.buf, needle) != NULL;
		strbuf_release(&g);
	}
	const char *path = r->diag.socket ? r->diag.socket : "/var/run/docker.sock";
	if (!*gid || !*mode || strspn(gid, "0123456789") != strlen(gid))
		rn_verify_fail(r, "permission denied on the mounted socket %s (%s)", path, sock ? sock : "cannot stat it");
	else if (!member)
		rn_verify_fail(r, "permission denied on the mounted socket %s: its group is %s and the workspace user's "
				  "groups are %s; launch with --group %s", path, gid, groups ? groups : "?", gid);
	else
		rn_verify_fail(r, "permission denied on the mounted socket %s: the workspace user is in its group %s but "
				  "its mode is %s (the group needs rw)", path, gid, mode);
	free(groups);
	free(sock);
}

void rn_verify_probe_done(struct runner *r, struct proc *p)
{
	enum diag_probe probe = r->diag.probe;
	r->diag.probe = DIAG_NONE;
	if (p->state != PROC_EXITED || p->code != 0) {
		rn_verify_exec_again(r); /* the probe could not run: no diagnosis */
		return;
	}
	if (probe == DIAG_DOCKERD)
		dockerd_done(r, &p->out);
	else
		socket_done(r, &p->out);
}

/* At the bound: the diagnosis VERDICT (taken), with the sidecar's last log
 * lines when there is one (it is running, or the watch would have said). */
void rn_diagnose_bound(struct runner *r, char *verdict)
{
	if (r->plan->sidecar) {
		char *v = xasprintf("%s; the dind sidecar %s runs", verdict, r->plan->sidecar);
		free(verdict);
		start_logs(r, r->plan->sidecar, v);
		return;
	}
	rn_verify_fail(r, "%s", verdict);
	free(verdict);
}

/* ---- after a failed docker version inside ------------------------------------------ */

/* The host of a loopback daemon address in the client's error ("tcp://127.0.0.1:2375",
 * "ssh: connect to host localhost port 22"), or NULL: inside the workspace
 * loopback is the workspace itself, so no retry can reach this machine's
 * daemon there.  Malloc'd. */
static char *loopback_target(const char *err)
{
	static const char *const marks[] = { "tcp://", "@", "connect to host ", NULL };
	if (!strstr(err, "refused") && !strstr(err, "Cannot connect"))
		return NULL;
	for (const char *const *m = marks; *m; m++)
		for (const char *p = strstr(err, *m); p; p = strstr(p + 1, *m)) {
			const char *h = p + strlen(*m);
			size_t n = h[0] == '[' ? strcspn(h, "]") + 1 : strcspn(h, ": /\n");
			if ((n >= 4 && !strncmp(h, "127.", 4)) || (n == 9 && !strncmp(h, "localhost", 9)) ||
			    (n == 5 && !strncmp(h, "[::1]", 5)))
				return xstrndup(h, n);
		}
	return NULL;
}

void rn_diagnose(struct runner *r, const struct strbuf *err)
{
	long long now = proc_now_ms();
	char *lo = loopback_target(err->buf);
	if (lo) {
		rn_verify_fail(r, "docker does not work inside the workspace: it cannot reach %s, which inside the "
			       "workspace is the workspace itself, not this machine; give --host an address the "
			       "workspace can reach (the docker bridge's gateway, or the host's LAN address)", lo);
		free(lo);
		return;
	}
	if (strstr(err->buf, "is not running") || strstr(err->buf, "is restarting")) {
		rn_watch_container(r, r->ws_name);
		return;
	}
	const char *pd = strstr(err->buf, "permission denied");
	if (pd) {
		const char *u = strstr(pd, "unix://");
		free(r->diag.socket);
		r->diag.socket = NULL;
		if (u) {
			size_t n = strcspn(u + 7, ": \n");
			r->diag.socket = xstrndup(u + 7, n);
		}
		start_probe(r, DIAG_SOCKET, socket_script, r->diag.socket ? r->diag.socket : "/var/run/docker.sock");
		return;
	}
	if (now < r->diag.next_ms) {
		rn_verify_exec_again(r);
		return;
	}
	r->diag.next_ms = now + DIAG_EVERY_MS;
	if (runs_dockerd_inside(r))
		start_probe(r, DIAG_DOCKERD, dockerd_script, "");
	else if (r->plan->sidecar)
		rn_watch_container(r, r->plan->sidecar);
	else
		rn_verify_exec_again(r);
}

void rn_diag_release(struct runner *r)
{
	free(r->diag.watching);
	free(r->diag.verdict);
	free(r->diag.logs_of);
	free(r->diag.logs_last);
	free(r->diag.image);
	free(r->diag.socket);
	strvec_release(&r->diag.logs);
	free(r->wait.reason);
}

/* Called by the diagnosis when nothing is certain yet. */
void rn_verify_exec_again(struct runner *r)
{
	if (proc_now_ms() >= r->vdeadline) {
		rn_diagnose_bound(r, xasprintf("docker does not work inside the workspace after %ld s: %s",
					       r->verify_ms / 1000, r->last_error ? r->last_error : "?"));
		return;
	}
	rn_verify_retry(r);
}
