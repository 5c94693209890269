/* runner.c - runs a plan with probes, rollback, pull progress and
 * verification (see runner.h). */
#include "runner.h"
#include "endpoint.h"
#include "engine.h"
#include "imageref.h"
#include "jdoc.h"
#include "launch.h"
#include "launch_digest.h"
#include "options.h"
#include "proc.h"
#include "show.h"
#include "strbuf.h"
#include "ytree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_MAX 2000
#define VERIFY_DEFAULT_MS 90000L
#define GRACE_DEFAULT_MS 3000L
#define VERIFY_RETRY_MIN_MS 100L  /* first retry; doubles up to the max */
#define VERIFY_RETRY_MAX_MS 1000L
#define EXEC_TRY_MS 20000L
#define PULL_STALL_MS 120000L
#define PULL_LINE_MAX (1 << 20)
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
	size_t nlayers;
	struct strbuf pullbuf;
	char *pull_error;

	struct strvec log;
	struct run_result result;
};

/* ---- small helpers --------------------------------------------------------- */

static void changed(struct runner *r)
{
	r->generation++;
}

static void logf_(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct runner *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	/* Control characters from children never reach the screen raw. */
	show_sanitize(sb.buf, sb.len);
	if (r->log.n >= LOG_MAX) {
		free(r->log.v[0]);
		memmove(r->log.v, r->log.v + 1, (r->log.n - 1) * sizeof(char *));
		r->log.n--;
		r->log.v[r->log.n] = NULL;
	}
	strvec_push_nodup(&r->log, strbuf_detach(&sb, NULL));
	changed(r);
}

static void activity(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void activity(struct runner *r, const char *fmt, ...)
{
	va_list ap;
	strbuf_reset(&r->activity);
	va_start(ap, fmt);
	strbuf_vaddf(&r->activity, fmt, ap);
	va_end(ap);
	changed(r);
}

static void step_state(struct runner *r, size_t i, enum run_state st, const char *note)
{
	struct run_step *s = &r->steps[i];
	s->state = st;
	free(s->note);
	s->note = note ? xstrdup(note) : NULL;
	if (st == RS_RUNNING)
		s->started_ms = proc_now_ms();
	else
		s->ended_ms = proc_now_ms();
	changed(r);
}

static void set_message(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_message(struct runner *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(r->result.message);
	r->result.message = strbuf_detach(&sb, NULL);
	changed(r);
}

static char *last_line(const struct strbuf *sb)
{
	const char *end = sb->buf + sb->len;
	while (end > sb->buf && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	const char *start = end;
	while (start > sb->buf && start[-1] != '\n')
		start--;
	char *s = xstrndup(start, (size_t)(end - start));
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	return s;
}

/* What the docker CLI's failure says in the daemon's own words: the
 * "Error response from daemon: ..." line whole (without the CLI's
 * "docker: " prefix), else the last line that is not the CLI's advice
 * ("Run 'docker run --help' for more information", "See '...'").
 * Control characters become spaces.  malloc'd, "" when there is none. */
static char *daemon_words(const struct strbuf *sb)
{
	const char *best = NULL, *fallback = NULL;
	size_t best_len = 0, fallback_len = 0;
	const char *p = sb->buf, *end = sb->buf + sb->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		const char *hit = NULL;
		for (size_t k = 0; !hit && k + 27 <= len; k++)
			if (!memcmp(p + k, "Error response from daemon:", 27))
				hit = p + k;
		if (hit) {
			best = hit;
			best_len = len - (size_t)(hit - p);
		} else if (len && strncmp(p, "Run '", 5) && strncmp(p, "See '", 5)) {
			fallback = p;
			fallback_len = len;
		}
		p = nl ? nl + 1 : end;
	}
	if (!best) {
		best = fallback;
		best_len = fallback_len;
	}
	char *s = best ? xstrndup(best, best_len) : xstrdup("");
	for (char *q = s; *q; q++)
		if ((unsigned char)*q < 0x20)
			*q = ' ';
	return s;
}

/* ---- children -------------------------------------------------------------- */

static void on_child_line(void *ctx, enum proc_stream st, const char *line, size_t len);

static int start_child(struct runner *r, enum child_kind kind, const char *const *argv, const char *label)
{
	struct err e;
	struct proc_opts o = { .on_line = on_child_line, .ctx = r, .capture_max = 256 * 1024 };
	/* argv[0] is "docker" in every plan; honour the configured client. */
	struct strvec v = STRVEC_INIT;
	for (size_t i = 0; argv[i]; i++)
		strvec_push(&v, i == 0 && !strcmp(argv[0], "docker") ? r->docker : argv[i]);
	(void)label;
	r->child_kind = kind;
	int rc = proc_start(&r->child, (const char *const *)v.v, &o, &e);
	strvec_free(&v);
	if (rc) {
		free(r->last_error);
		r->last_error = xstrdup(e.msg);
		logf_(r, "%s", e.msg);
		return -1;
	}
	r->child_running = 1;
	r->sub = SUB_CHILD;
	return 0;
}

/* ---- pull progress ------------------------------------------------------------ */

static struct layer *layer_get(struct runner *r, const char *id)
{
	for (size_t i = 0; i < r->nlayers; i++)
		if (!strcmp(r->layers[i].id, id))
			return &r->layers[i];
	r->layers = xrealloc(r->layers, (r->nlayers + 1) * sizeof(*r->layers));
	struct layer *l = &r->layers[r->nlayers++];
	memset(l, 0, sizeof(*l));
	l->id = xstrdup(id);
	return l;
}

static void pull_totals(struct runner *r)
{
	r->pull.layers_total = (int)r->nlayers;
	r->pull.layers_done = 0;
	r->pull.bytes_done = r->pull.bytes_total = 0;
	for (size_t i = 0; i < r->nlayers; i++) {
		struct layer *l = &r->layers[i];
		r->pull.layers_done += l->done;
		r->pull.bytes_total += l->total;
		r->pull.bytes_done += l->done && l->total ? l->total : l->current;
	}
	changed(r);
}

static void pull_reset(struct runner *r, const char *image)
{
	for (size_t i = 0; i < r->nlayers; i++)
		free(r->layers[i].id);
	free(r->layers);
	r->layers = NULL;
	r->nlayers = 0;
	free(r->pull.image);
	memset(&r->pull, 0, sizeof(r->pull));
	r->pull.image = image ? xstrdup(image) : NULL;
	r->pull.active = image != NULL;
	strbuf_reset(&r->pullbuf);
	free(r->pull_error);
	r->pull_error = NULL;
	changed(r);
}

/* One status update for layer ID (CLI lines and API events alike). */
static void pull_status(struct runner *r, const char *id, const char *status, long long cur, long long total)
{
	if (!id || !*id || !status)
		return;
	if (!strncmp(status, "Pulling from", 12) || strstr(status, "Digest") || strstr(status, "Status"))
		return;
	struct layer *l = layer_get(r, id);
	if (!strcmp(status, "Downloading")) {
		if (total > 0)
			l->total = total;
		if (cur >= 0)
			l->current = cur;
	} else if (!strcmp(status, "Download complete") || !strcmp(status, "Verifying Checksum")) {
		if (l->total)
			l->current = l->total;
	} else if (!strcmp(status, "Pull complete") || !strcmp(status, "Already exists")) {
		l->done = 1;
		if (l->total)
			l->current = l->total;
	}
	pull_totals(r);
}

static void on_child_line(void *ctx, enum proc_stream st, const char *line, size_t len)
{
	struct runner *r = ctx;

	size_t idx = r->phase == PHASE_ROLLBACK ? r->undo_pos : r->cur;
	if (r->phase == PHASE_VERIFY) {
		/* The version itself is reported once verified; errors are shown. */
		if (st == PROC_STDERR)
			logf_(r, "[verify] %.*s", (int)len, line);
	}
	else
		logf_(r, "[%zu] %.*s", idx + 1, (int)len, line);
	if (r->pull.active) {
		/* CLI pull output: "<id>: <status>" */
		char *s = xstrndup(line, len);
		char *colon = strstr(s, ": ");
		if (colon) {
			*colon = '\0';
			if (!strchr(s, ' '))
				pull_status(r, s, colon + 2, -1, 0);
		}
		free(s);
	}
}

static int on_pull_data(void *ctx, const char *data, size_t len)
{
	struct runner *r = ctx;
	strbuf_add(&r->pullbuf, data, len);
	if (r->pullbuf.len > PULL_LINE_MAX && !memchr(r->pullbuf.buf, '\n', r->pullbuf.len)) {
		free(r->pull_error);
		r->pull_error = xasprintf("the daemon sent a progress line longer than %d bytes", PULL_LINE_MAX);
		return 1;
	}
	char *nl;
	while ((nl = memchr(r->pullbuf.buf, '\n', r->pullbuf.len))) {
		size_t ll = (size_t)(nl - r->pullbuf.buf);
		struct err e;
		struct jdoc *d = ll ? jdoc_parse(r->pullbuf.buf, ll, 64 * 1024, &e) : NULL;
		if (d) {
			int root = jdoc_root(d);
			/* The stream's error (errorDetail.message first), or the
			 * Engine API's error reply {"message": ...} of a failed
			 * request, which arrives through this stream too. */
			const char *err = jdoc_string(d, jdoc_get(d, root, "errorDetail", "message", NULL), NULL);
			if (!err)
				err = jdoc_string(d, jdoc_member(d, root, "error"), NULL);
			if (!err)
				err = jdoc_string(d, jdoc_member(d, root, "message"), NULL);
			const char *status = jdoc_string(d, jdoc_member(d, root, "status"), NULL);
			const char *id = jdoc_string(d, jdoc_member(d, root, "id"), NULL);
			long long cur = jdoc_int(d, jdoc_get(d, root, "progressDetail", "current", NULL), -1);
			long long tot = jdoc_int(d, jdoc_get(d, root, "progressDetail", "total", NULL), 0);
			if (err) {
				free(r->pull_error);
				r->pull_error = xstrdup(err);
				logf_(r, "[%zu] error: %s", r->cur + 1, err);
			} else if (status) {
				if (strcmp(status, "Downloading") && strcmp(status, "Extracting") &&
				    strcmp(status, "Waiting"))
					logf_(r, "[%zu] %s%s%s", r->cur + 1, id ? id : "", id ? ": " : "", status);
				pull_status(r, id, status, cur, tot);
			}
			jdoc_free(d);
		}
		memmove(r->pullbuf.buf, nl + 1, r->pullbuf.len - ll - 1);
		strbuf_setlen(&r->pullbuf, r->pullbuf.len - ll - 1);
	}
	return r->cancel ? 1 : 0;
}

/* Private registries need the CLI (credentials, helpers); public images go
 * through the Engine API so the pull shows bytes. */
static int pull_needs_cli(const struct runner *r, const char *image)
{
	if (!r->target_ok)
		return 1;
	struct imageref ref;
	if (imageref_parse(image, &ref, NULL))
		return 1;
	const char *cfgdir = getenv("DOCKER_CONFIG");
	const char *home = getenv("HOME");
	char *path = cfgdir && *cfgdir ? xasprintf("%s/config.json", cfgdir)
				       : xasprintf("%s/.docker/config.json", home ? home : "/");
	struct err e;
	size_t len;
	int cli = 0;
	char *text = file_read_limited(path, 1 << 20, &len, &e);
	struct jdoc *d = text ? jdoc_parse(text, len, 1 << 20, &e) : NULL;
	if (d) {
		int root = jdoc_root(d);
		const char *dom = !strcmp(ref.domain, "docker.io") ? "https://index.docker.io/v1/" : ref.domain;
		if (jdoc_member(d, root, "credsStore") || jdoc_member(d, root, "credHelpers") ||
		    jdoc_get(d, root, "auths", dom, NULL))
			cli = 1;
		jdoc_free(d);
	}
	free(text);
	free(path);
	imageref_free(&ref);
	return cli;
}

static void on_pull_done(struct net *net, unsigned id, struct net_reply *rp, void *ctx)
{
	(void)net;
	(void)id;
	struct runner *r = ctx;
	r->net_id = 0;
	r->sub = SUB_IDLE;
	size_t i = r->cur;
	r->pull.active = 0;
	if (r->cancel) {
		step_state(r, i, RS_CANCELLED, "cancelled");
		return;
	}
	char note[ERR_MAX + 64];
	if (r->pullbuf.len && !r->pull_error) /* a last line without its newline */
		on_pull_data(r, "\n", 1);
	if (rp->result != NET_OK) {
		snprintf(note, sizeof(note), "pull failed: %s", rp->err.msg);
	} else if (rp->status >= 300) {
		struct err e;
		struct jdoc *d = jdoc_parse(rp->body.buf, rp->body.len, 64 * 1024, &e);
		const char *m = d ? jdoc_string(d, jdoc_member(d, jdoc_root(d), "message"), NULL) : NULL;
		if (!m)
			m = r->pull_error;
		snprintf(note, sizeof(note), "pull failed: HTTP %ld%s%s", rp->status, m ? ": " : "", m ? m : "");
		jdoc_free(d);
	} else if (r->pull_error) {
		snprintf(note, sizeof(note), "pull failed: %s", r->pull_error);
	} else {
		r->done_stack[r->ndone++] = i;
		step_state(r, i, RS_DONE, NULL);
		r->cur++;
		return;
	}
	free(r->last_error);
	r->last_error = xstrdup(note);
	step_state(r, i, RS_FAILED, note);
}

static void start_pull(struct runner *r, size_t i)
{
	const struct step *st = r->steps[i].step;
	const char *image = st->object;
	pull_reset(r, image);
	if (pull_needs_cli(r, image)) {
		if (start_child(r, CH_STEP, (const char *const *)st->argv.v, st->desc))
			step_state(r, i, RS_FAILED, r->last_error);
		return;
	}
	struct strbuf path = STRBUF_INIT;
	strbuf_addstr(&path, "/images/create?fromImage=");
	for (const unsigned char *p = (const unsigned char *)image; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			strbuf_addch(&path, *p);
		else
			strbuf_addf(&path, "%%%02X", *p);
	}
	char *url = engine_url(&r->target, path.buf);
	struct net_request req;
	engine_request_init(&r->target, &req, url);
	req.method = NET_POST;
	req.timeout_ms = PULL_TIMEOUT_MS;
	req.on_data = on_pull_data;
	req.data_ctx = r;
	req.stall_ms = PULL_STALL_MS;
	r->net_id = net_start(r->net, &req, on_pull_done, NULL, r);
	r->sub = SUB_PULL;
	logf_(r, "[%zu] pulling %s through the Engine API", i + 1, image);
	free(url);
	strbuf_free(&path);
}

/* ---- probes ------------------------------------------------------------------- */

static void run_step_now(struct runner *r, size_t i);

static void on_probe(struct engine_result *res, void *ctx)
{
	struct runner *r = ctx;
	r->net_id = 0;
	r->sub = SUB_IDLE;
	size_t i = r->cur;
	const struct step *st = r->steps[i].step;
	if (r->cancel) {
		step_state(r, i, RS_CANCELLED, "cancelled");
		return;
	}
	if (res->status != ENGINE_OK || !res->object) {
		/* Cannot tell: run the step, docker will say what is wrong. */
		logf_(r, "[%zu] could not check %s first: %s", i + 1, st->object, res->err.msg);
		run_step_now(r, i);
		return;
	}
	struct engine_object *o = res->object;
	if (!o->exists) {
		run_step_now(r, i);
		return;
	}
	const char *label = engine_labels_get(&o->labels, LABEL_LAUNCH);
	int ours = label && r->plan->label && !strcmp(label, r->plan->label);
	char note[512];
	switch (st->kind) {
	case STEP_VOLUME:
		/* A volume of this name that the launch did not create holds
		 * someone else's data: used only when asked (--adopt).  Without
		 * launch labels (the docs form) there is no telling: kept. */
		if (ours || !r->plan->label || r->adopt) {
			step_state(r, i, RS_SKIPPED, ours ? "exists: reused" : "exists (not created by ws-launch): adopted");
			r->cur++;
			return;
		}
		snprintf(note, sizeof(note),
			 "a volume named %s exists and was not created by this launch; it was not touched "
			 "(pass --adopt to use it as this launch's volume, or choose another name)",
			 st->object);
		break;
	case STEP_NETWORK:
		if (ours) {
			step_state(r, i, RS_SKIPPED, "exists: reused");
			r->cur++;
			return;
		}
		snprintf(note, sizeof(note),
			 "a network named %s exists and was not created by this launch; it was not touched "
			 "(remove it with 'docker network rm %s' or choose --network)",
			 st->object, st->object);
		break;
	case STEP_RUN: {
		const char *was = engine_labels_get(&o->labels, LABEL_DIGEST);
		if (ours && was && r->plan->digest && strcmp(was, r->plan->digest)) {
			if (!r->recreate) {
				const char *old_opts = engine_labels_get(&o->labels, LABEL_OPTIONS);
				strvec_clear(&r->result.changes);
				if (old_opts && r->plan->options)
					launch_diff(old_opts, r->plan->options, &r->result.changes);
				r->result.changed = 1;
				snprintf(note, sizeof(note),
					 "%s was launched with other options (%zu changed); nothing was replaced: "
					 "--recreate replaces the launch's containers, keeping its volumes",
					 st->object, r->result.changes.n);
				break;
			}
			strvec_clear(&r->override);
			strvec_pushl(&r->override, "docker", "rm", "-f", "--", st->object, NULL);
			r->replacing = 1;
			logf_(r, "[%zu] %s was launched with other options: replacing it", i + 1, st->object);
			step_state(r, i, RS_RUNNING, "replacing the container launched with other options");
			if (start_child(r, CH_STEP, (const char *const *)r->override.v, st->desc)) {
				r->replacing = 0;
				step_state(r, i, RS_FAILED, r->last_error);
			}
			return;
		}
		if (ours && o->running) {
			step_state(r, i, RS_SKIPPED, "already running");
			if (st->role == ROLE_WORKSPACE)
				r->result.already_running = 1;
			r->cur++;
			return;
		}
		if (ours) {
			/* Ours but stopped: start it again rather than recreate. */
			strvec_clear(&r->override);
			strvec_pushl(&r->override, "docker", "start", st->object, NULL);
			logf_(r, "[%zu] %s exists (%s): starting it", i + 1, st->object, o->status ? o->status : "stopped");
			step_state(r, i, RS_RUNNING, "starting the existing container");
			if (start_child(r, CH_STEP, (const char *const *)r->override.v, st->desc))
				step_state(r, i, RS_FAILED, r->last_error);
			return;
		}
		snprintf(note, sizeof(note),
			 "a container named %s exists and was not created by this launch; it was not touched "
			 "(remove it with 'docker rm -f %s' or choose another name)",
			 st->object, st->object);
		break;
	}
	default:
		run_step_now(r, i);
		return;
	}
	free(r->last_error);
	r->last_error = xstrdup(note);
	step_state(r, i, RS_FAILED, note);
}

static void run_step_now(struct runner *r, size_t i)
{
	const struct step *st = r->steps[i].step;
	step_state(r, i, RS_RUNNING, NULL);
	activity(r, "step %zu/%zu: %s", i + 1, r->n, st->desc);
	strvec_clear(&r->override);
	if (st->kind == STEP_PULL && !r->down) {
		start_pull(r, i);
		return;
	}
	if (start_child(r, CH_STEP, (const char *const *)st->argv.v, st->desc))
		step_state(r, i, RS_FAILED, r->last_error);
}

static void begin_step(struct runner *r, size_t i)
{
	const struct step *st = r->steps[i].step;
	activity(r, "step %zu/%zu: %s", i + 1, r->n, st->desc);
	if (r->down || !r->target_ok || !st->object || st->kind == STEP_PULL) {
		run_step_now(r, i);
		return;
	}
	unsigned id = 0;
	if (st->kind == STEP_NETWORK)
		id = engine_network(r->net, &r->target, st->object, on_probe, r);
	else if (st->kind == STEP_VOLUME)
		id = engine_volume(r->net, &r->target, st->object, on_probe, r);
	else if (st->kind == STEP_RUN && st->probe.n)
		id = engine_container(r->net, &r->target, st->object, on_probe, r);
	if (!id) {
		run_step_now(r, i);
		return;
	}
	r->net_id = id;
	r->sub = SUB_PROBE;
	r->steps[i].state = RS_RUNNING;
	r->steps[i].started_ms = proc_now_ms();
	changed(r);
}

/* ---- verification ------------------------------------------------------------- */

static void verify_fail(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void verify_fail(struct runner *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	set_message(r, "%s; the containers were kept for inspection: 'docker logs %s', then "
		       "'ws-launch down --name %s'",
		    sb.buf, r->ws_name, r->plan->label ? r->plan->label : r->ws_name);
	strbuf_free(&sb);
	r->result.ok = 0;
	r->phase = PHASE_DONE;
	r->vstage = V_DONE;
	activity(r, "verification failed");
}

static void verify_next(struct runner *r);

/* Retries come fast while a daemon or web server is starting, then slower. */
static long retry_delay(struct runner *r)
{
	long d = VERIFY_RETRY_MIN_MS << (r->vtries < 5 ? r->vtries : 5);
	r->vtries++;
	return d < VERIFY_RETRY_MAX_MS ? d : VERIFY_RETRY_MAX_MS;
}

static void on_inspect(struct engine_result *res, void *ctx)
{
	struct runner *r = ctx;
	r->net_id = 0;
	r->sub = SUB_IDLE;
	if (r->cancel)
		return;
	if (res->status != ENGINE_OK || !res->object || !res->object->exists) {
		verify_fail(r, "cannot find the workspace container %s: %s", r->ws_name,
			    res->status != ENGINE_OK ? res->err.msg : "it does not exist");
		return;
	}
	free(r->result.container_id);
	r->result.container_id = res->object->id ? xstrndup(res->object->id, 12) : NULL;
	if (!res->object->running) {
		logf_(r, "[verify] the workspace is %s; its last log lines:", res->object->status);
		const char *argv[] = { "docker", "logs", "--tail", "20", r->ws_name, NULL };
		free(r->last_error);
		r->last_error = xasprintf("the workspace container is not running (%s)",
					  res->object->status ? res->object->status : "?");
		if (start_child(r, CH_LOGS, argv, "logs"))
			verify_fail(r, "%s", r->last_error);
		return;
	}
	logf_(r, "[verify] container %s is running", r->result.container_id ? r->result.container_id : r->ws_name);
	r->vstage = V_EXEC;
	r->vtries = 0;
	verify_next(r);
}

static void on_http(struct net *net, unsigned id, struct net_reply *rp, void *ctx)
{
	(void)net;
	(void)id;
	struct runner *r = ctx;
	r->net_id = 0;
	r->sub = SUB_IDLE;
	if (r->cancel)
		return;
	if (rp->result == NET_OK) {
		logf_(r, "[verify] %s answers HTTP %ld", r->result.url, rp->status);
		r->vstage = V_DONE;
		r->result.ok = 1;
		r->phase = PHASE_DONE;
		set_message(r, "%s workspace %s%s: %s, Docker %s inside", r->result.already_running ? "running" : "launched",
			    r->ws_name, r->result.already_running ? " (already up)" : "", r->result.url,
			    r->result.inner_version ? r->result.inner_version : "?");
		activity(r, "verified");
		return;
	}
	free(r->last_error);
	r->last_error = xasprintf("%s: %s", r->result.url, rp->err.msg);
	if (proc_now_ms() >= r->vdeadline) {
		verify_fail(r, "the web port does not answer: %s", r->last_error);
		return;
	}
	r->sub = SUB_WAIT;
	r->wake_ms = proc_now_ms() + retry_delay(r);
}

static void verify_next(struct runner *r)
{
	switch (r->vstage) {
	case V_INSPECT:
		activity(r, "verifying: the workspace container runs");
		r->net_id = engine_container(r->net, &r->target, r->ws_name, on_inspect, r);
		r->sub = SUB_PROBE;
		return;
	case V_EXEC: {
		activity(r, "verifying: docker version inside the workspace (try %d)", r->vtries + 1);
		const char *argv[] = { "docker", "exec", r->ws_name, "docker", "version", "--format",
				       "{{.Server.Version}}", NULL };
		if (start_child(r, CH_EXEC, argv, "verify"))
			verify_fail(r, "cannot run docker exec: %s", r->last_error);
		return;
	}
	case V_HTTP: {
		if (!r->published || !r->result.url) {
			r->vstage = V_DONE;
			r->result.ok = 1;
			r->phase = PHASE_DONE;
			set_message(r, "workspace %s is up (no published port), Docker %s inside", r->ws_name,
				    r->result.inner_version ? r->result.inner_version : "?");
			activity(r, "done");
			return;
		}
		activity(r, "verifying: %s answers", r->result.url);
		struct net_request req = { .method = NET_GET, .url = r->result.url, .no_proxy = 1,
					   .connect_timeout_ms = 2000, .timeout_ms = 3000, .max_reply = 1 << 20 };
		r->net_id = net_start(r->net, &req, on_http, NULL, r);
		r->sub = SUB_PROBE;
		return;
	}
	case V_DONE:
		return;
	}
}

static void start_verify(struct runner *r)
{
	r->phase = PHASE_VERIFY;
	r->vstage = V_INSPECT;
	r->vdeadline = proc_now_ms() + r->verify_ms;
	if (!r->ws_name) {
		r->result.ok = 1;
		r->phase = PHASE_DONE;
		set_message(r, "the steps ran; the workspace has no name, so it was not verified");
		return;
	}
	if (!r->target_ok) {
		verify_fail(r, "cannot reach the engine to verify the workspace");
		return;
	}
	verify_next(r);
}

/* ---- rollback ------------------------------------------------------------------- */

static void rollback_next(struct runner *r)
{
	while (r->ndone > 0) {
		size_t i = r->done_stack[--r->ndone];
		const struct step *st = r->steps[i].step;
		if (!st->undo.n) {
			continue;
		}
		r->undo_pos = i;
		activity(r, "rolling back step %zu: %s", i + 1, st->desc);
		logf_(r, "[%zu] undo: %s", i + 1, st->desc);
		if (start_child(r, CH_UNDO, (const char *const *)st->undo.v, "undo"))
			step_state(r, i, RS_UNDO_FAILED, r->last_error);
		return;
	}
	r->phase = PHASE_DONE;
	activity(r, "rolled back");
}

static void start_rollback(struct runner *r)
{
	if (r->keep || r->down) {
		r->phase = PHASE_DONE;
		return;
	}
	r->phase = PHASE_ROLLBACK;
	rollback_next(r);
}

/* ---- the loop ------------------------------------------------------------------- */

static void child_finished(struct runner *r)
{
	int rerun = 0;
	r->child_running = 0;
	r->sub = SUB_IDLE;
	struct proc *p = &r->child;
	char desc[256];
	proc_describe(p, desc, sizeof(desc));
	int ok = p->state == PROC_EXITED && p->code == 0;
	switch (r->child_kind) {
	case CH_STEP: {
		size_t i = r->cur;
		r->pull.active = 0;
		if (r->replacing) {
			/* The old container is gone: run the step as on a first
			 * launch (its undo removes the new one on failure). */
			r->replacing = 0;
			strvec_clear(&r->override);
			if (ok && !r->cancel) {
				logf_(r, "[%zu] removed %s", i + 1, r->steps[i].step->object);
				rerun = 1; /* once this child is released, below */
				break;
			}
			if (r->cancel || p->cancelled) {
				step_state(r, i, RS_CANCELLED, "cancelled");
				break;
			}
			char *last = daemon_words(p->err.len ? &p->err : &p->out);
			free(r->last_error);
			r->last_error = xasprintf("could not remove %s launched with other options: %s%s%s",
						  r->steps[i].step->object, desc, *last ? ": " : "", last);
			free(last);
			step_state(r, i, RS_FAILED, r->last_error);
			break;
		}
		if (ok) {
			if (!r->override.n)
				r->done_stack[r->ndone++] = i;
			step_state(r, i, RS_DONE, r->override.n ? "started the existing container" : NULL);
			r->cur++;
		} else if (r->cancel || p->cancelled) {
			step_state(r, i, RS_CANCELLED, "cancelled");
		} else {
			/* A failed `docker run` may still have created the container:
			 * its undo (rm -f) goes on the rollback stack too. */
			if (r->steps[i].step->kind == STEP_RUN && r->steps[i].step->undo.n && !r->override.n)
				r->done_stack[r->ndone++] = i;
			char *last = daemon_words(p->err.len ? &p->err : &p->out);
			char note[ERR_MAX + 300];
			snprintf(note, sizeof(note), "%s%s%s", desc, *last ? ": " : "", last);
			free(last);
			free(r->last_error);
			r->last_error = xstrdup(note);
			step_state(r, i, RS_FAILED, note);
			if (r->down) /* down keeps going */
				r->cur++;
		}
		break;
	}
	case CH_UNDO: {
		struct run_step *us = &r->steps[r->undo_pos];
		if (us->state == RS_FAILED || us->state == RS_CANCELLED) {
			/* The failed step's own leftovers: keep its failure visible. */
			if (ok)
				logf_(r, "[%zu] removed what the failed step left", r->undo_pos + 1);
		} else {
			step_state(r, r->undo_pos, ok ? RS_UNDONE : RS_UNDO_FAILED, ok ? "rolled back" : desc);
		}
		break;
	}
	case CH_EXEC:
		if (r->cancel)
			break;
		if (ok && p->out.len) {
			free(r->result.inner_version);
			r->result.inner_version = last_line(&p->out);
			logf_(r, "[verify] docker inside the workspace reaches Docker %s", r->result.inner_version);
			r->vstage = V_HTTP;
			r->vtries = 0;
			verify_next(r);
			break;
		}
		free(r->last_error);
		{
			char *last = last_line(p->err.len ? &p->err : &p->out);
			r->last_error = xasprintf("docker version inside: %s%s%s", desc, *last ? ": " : "", last);
			free(last);
		}
		if (strstr(p->err.buf, "is not running")) {
			r->vstage = V_INSPECT;
			verify_next(r);
		} else if (proc_now_ms() >= r->vdeadline) {
			verify_fail(r, "docker does not work inside the workspace after %ld s: %s",
				    r->verify_ms / 1000, r->last_error);
		} else {
			r->sub = SUB_WAIT;
			r->wake_ms = proc_now_ms() + retry_delay(r);
		}
		break;
	case CH_LOGS:
		verify_fail(r, "%s", r->last_error ? r->last_error : "the workspace is not running");
		break;
	}
	proc_free(p);
	proc_init(p);
	if (rerun)
		run_step_now(r, r->cur);
}

static void advance(struct runner *r)
{
	for (int guard = 0; guard < 1000; guard++) {
		if (r->sub != SUB_IDLE || r->phase == PHASE_DONE)
			return;
		if (r->phase == PHASE_STEPS) {
			if (r->cur < r->n && r->steps[r->cur].state == RS_FAILED && !r->down) {
				r->result.failed_step = (int)r->cur;
				size_t rolled = 0;
				for (size_t k = 0; k < r->ndone; k++)
					rolled += r->steps[r->done_stack[k]].step->undo.n > 0;
				set_message(r, "step %zu (%s) failed: %s%s", r->cur + 1, r->steps[r->cur].step->desc,
					    r->steps[r->cur].note ? r->steps[r->cur].note : "?",
					    r->keep ? "; kept what was done (--keep)"
					    : rolled ? "; rolling back what this run created" : "");
				start_rollback(r);
				continue;
			}
			if (r->cur < r->n && r->steps[r->cur].state == RS_CANCELLED) {
				r->result.cancelled = 1;
				set_message(r, "cancelled during step %zu (%s)%s", r->cur + 1, r->steps[r->cur].step->desc,
					    r->keep ? "" : "; rolling back what this run created");
				start_rollback(r);
				continue;
			}
			if (r->cancel) {
				r->result.cancelled = 1;
				set_message(r, "cancelled%s", r->keep ? "" : "; rolling back what this run created");
				start_rollback(r);
				continue;
			}
			if (r->cur >= r->n) {
				if (r->down) {
					int failed = 0;
					for (size_t k = 0; k < r->n; k++)
						failed += r->steps[k].state == RS_FAILED;
					r->result.ok = !failed;
					if (failed)
						set_message(r, "%d of %zu removals failed", failed, r->n);
					else
						set_message(r, "removed %zu object%s", r->n, r->n == 1 ? "" : "s");
					r->phase = PHASE_DONE;
					return;
				}
				start_verify(r);
				continue;
			}
			begin_step(r, r->cur);
			continue;
		}
		if (r->phase == PHASE_VERIFY) {
			if (r->cancel) {
				r->result.cancelled = 1;
				set_message(r, "cancelled during verification%s",
					    r->keep ? "" : "; rolling back what this run created");
				start_rollback(r);
				continue;
			}
			return;
		}
		if (r->phase == PHASE_ROLLBACK) {
			rollback_next(r);
			if (r->phase == PHASE_DONE && r->result.message) {
				char *m = xasprintf("%s; rolled back", r->result.message);
				char *p = strstr(m, "; rolling back what this run created");
				if (p)
					memmove(p, p + strlen("; rolling back what this run created"),
						strlen(p + strlen("; rolling back what this run created")) + 1);
				free(r->result.message);
				r->result.message = m;
				changed(r);
			}
			continue;
		}
	}
}

struct runner *runner_new(struct net *net, const struct runner_config *cfg, struct err *e)
{
	if (!net || !cfg || !cfg->plan)
		return err_set(e, "runner: no network or plan"), NULL;
	struct runner *r = xcalloc(1, sizeof(*r));
	r->net = net;
	r->plan = cfg->plan;
	r->adopt = cfg->adopt;
	r->recreate = cfg->recreate;
	r->keep = cfg->keep;
	r->down = cfg->down;
	r->verify_ms = cfg->verify_timeout_ms > 0 ? cfg->verify_timeout_ms : VERIFY_DEFAULT_MS;
	r->grace_ms = cfg->step_grace_ms > 0 ? cfg->step_grace_ms : GRACE_DEFAULT_MS;
	r->docker = xstrdup(cfg->docker ? cfg->docker : "docker");
	r->n = cfg->plan->n;
	r->steps = xcalloc(r->n ? r->n : 1, sizeof(*r->steps));
	r->done_stack = xcalloc(r->n ? r->n : 1, sizeof(size_t));
	for (size_t i = 0; i < r->n; i++)
		r->steps[i].step = &cfg->plan->steps[i];
	strbuf_init(&r->activity);
	strbuf_init(&r->pullbuf);
	strvec_init(&r->log);
	strvec_init(&r->override);
	strvec_init(&r->result.changes);
	proc_init(&r->child);
	endpoint_init(&r->ep);
	r->result.failed_step = -1;
	r->phase = PHASE_STEPS;
	/* The workspace to verify and its web port: the plan says (typed). */
	if (cfg->plan->ws_name)
		r->ws_name = xstrdup(cfg->plan->ws_name);
	if (cfg->plan->publish.host_port) {
		r->pub = cfg->plan->publish;
		r->published = 1;
	}
	struct err ee;
	if (!endpoint_resolve(&r->ep, &ee)) {
		r->ep_ok = 1;
		if (!engine_target_init(&r->target, &r->ep, getenv("DOCKER_API_VERSION"), &ee))
			r->target_ok = 1;
	}
	if (r->published) {
		const char *host = r->pub.bind;
		if (r->ep_ok && r->ep.kind != EP_UNIX && r->ep.host)
			host = r->ep.host;
		else if (!*host || !strcmp(host, "0.0.0.0"))
			host = "127.0.0.1";
		else if (!strcmp(host, "[::]"))
			host = "[::1]";
		r->result.url = xasprintf("http://%s:%d/", host, r->pub.host_port);
	}
	return r;
}

void runner_start(struct runner *r)
{
	if (r->started)
		return;
	r->started = 1;
	advance(r);
}

int runner_pollfds(struct runner *r, struct pollfd *fds, int max)
{
	return r->child_running ? proc_pollfds(&r->child, fds, max) : 0;
}

int runner_timeout_ms(struct runner *r)
{
	int t = -1;
	if (r->child_running)
		t = proc_timeout_ms(&r->child);
	if (r->sub == SUB_WAIT) {
		long long d = r->wake_ms - proc_now_ms();
		int w = d < 0 ? 0 : (int)d;
		if (t < 0 || w < t)
			t = w;
	}
	if (r->child_running && r->child_kind == CH_EXEC) {
		long long d = r->child.started_ms + EXEC_TRY_MS - proc_now_ms();
		int w = d < 0 ? 0 : (int)d;
		if (t < 0 || w < t)
			t = w;
	}
	return t;
}

void runner_pump(struct runner *r)
{
	if (!r->started)
		return;
	if (r->child_running) {
		proc_pump(&r->child);
		proc_reap(&r->child);
		if (r->child_kind == CH_EXEC && !r->child.cancelled &&
		    proc_now_ms() - r->child.started_ms > EXEC_TRY_MS)
			proc_cancel(&r->child, 1000);
		proc_tick(&r->child);
		if (proc_done(&r->child))
			child_finished(r);
	}
	if (r->sub == SUB_WAIT && proc_now_ms() >= r->wake_ms) {
		r->sub = SUB_IDLE;
		if (!r->cancel)
			verify_next(r);
	}
	advance(r);
}

int runner_done(const struct runner *r)
{
	return r->started && r->phase == PHASE_DONE && !r->child_running && r->sub == SUB_IDLE;
}

unsigned runner_generation(const struct runner *r)
{
	return r->generation;
}

void runner_cancel(struct runner *r)
{
	if (r->cancel || r->phase == PHASE_DONE || r->phase == PHASE_ROLLBACK)
		return;
	r->cancel = 1;
	activity(r, "cancelling");
	if (r->child_running && (r->child_kind == CH_STEP || r->child_kind == CH_EXEC || r->child_kind == CH_LOGS))
		proc_cancel(&r->child, (int)r->grace_ms);
	if (r->sub == SUB_PROBE || r->sub == SUB_PULL) {
		net_cancel(r->net, r->net_id);
		r->net_id = 0;
		if (r->phase == PHASE_STEPS && r->cur < r->n)
			step_state(r, r->cur, RS_CANCELLED, "cancelled");
		r->pull.active = 0;
		r->sub = SUB_IDLE;
	}
	if (r->sub == SUB_WAIT)
		r->sub = SUB_IDLE;
	if (r->started)
		advance(r);
}

enum run_phase runner_phase(const struct runner *r)
{
	return r->phase;
}

size_t runner_nsteps(const struct runner *r)
{
	return r->n;
}

const struct run_step *runner_step(const struct runner *r, size_t i)
{
	return i < r->n ? &r->steps[i] : NULL;
}

const struct strvec *runner_log(const struct runner *r)
{
	return &r->log;
}

const struct run_pull *runner_pull(const struct runner *r)
{
	return &r->pull;
}

const struct run_result *runner_result(const struct runner *r)
{
	return &r->result;
}

const char *runner_activity(const struct runner *r)
{
	return r->activity.buf;
}

void runner_free(struct runner *r)
{
	if (!r)
		return;
	if (r->net_id)
		net_cancel(r->net, r->net_id);
	proc_free(&r->child);
	for (size_t i = 0; i < r->n; i++)
		free(r->steps[i].note);
	free(r->steps);
	free(r->done_stack);
	pull_reset(r, NULL);
	strbuf_free(&r->pullbuf);
	strbuf_free(&r->activity);
	strvec_free(&r->log);
	strvec_free(&r->override);
	if (r->target_ok)
		engine_target_free(&r->target);
	endpoint_free(&r->ep);
	free(r->docker);
	free(r->ws_name);
	free(r->last_error);
	free(r->result.message);
	free(r->result.container_id);
	free(r->result.url);
	free(r->result.inner_version);
	strvec_free(&r->result.changes);
	free(r);
}

void runner_run(struct runner *r, void (*on_change)(struct runner *r, void *ctx), void *ctx,
		volatile int *interrupted)
{
	runner_start(r);
	unsigned seen = 0;
	while (!runner_done(r)) {
		if (interrupted && *interrupted)
			runner_cancel(r);
		struct pollfd fds[4];
		int n = runner_pollfds(r, fds, 4);
		int wait = 200;
		int t = runner_timeout_ms(r);
		if (t >= 0 && t < wait)
			wait = t;
		struct err e;
		net_wait(r->net, fds, (unsigned)n, wait, &e);
		net_dispatch(r->net);
		runner_pump(r);
		if (on_change && runner_generation(r) != seen) {
			seen = runner_generation(r);
			on_change(r, ctx);
		}
	}
	if (on_change && runner_generation(r) != seen)
		on_change(r, ctx);
}
