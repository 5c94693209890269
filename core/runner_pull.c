/* runner_pull.c - pulls through the Engine API (or the CLI for private
 * registries) and their progress, linear in the layers (runner_internal.h). */
#include "runner_internal.h"
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
	rn_changed(r);
}

void rn_pull_reset(struct runner *r, const char *image)
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
	rn_changed(r);
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

void rn_on_child_line(void *ctx, enum proc_stream st, const char *line, size_t len)
{
	struct runner *r = ctx;

	size_t idx = r->phase == PHASE_ROLLBACK ? r->undo_pos : r->cur;
	if (r->phase == PHASE_VERIFY) {
		/* The version itself is reported once verified; errors are shown. */
		if (st == PROC_STDERR)
			rn_logf(r, "[verify] %.*s", (int)len, line);
	}
	else
		rn_logf(r, "[%zu] %.*s", idx + 1, (int)len, line);
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
				rn_logf(r, "[%zu] error: %s", r->cur + 1, err);
			} else if (status) {
				if (strcmp(status, "Downloading") && strcmp(status, "Extracting") &&
				    strcmp(status, "Waiting"))
					rn_logf(r, "[%zu] %s%s%s", r->cur + 1, id ? id : "", id ? ": " : "", status);
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
		rn_step_state(r, i, RS_CANCELLED, "cancelled");
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
		rn_step_state(r, i, RS_DONE, NULL);
		r->cur++;
		return;
	}
	free(r->last_error);
	r->last_error = xstrdup(note);
	rn_step_state(r, i, RS_FAILED, note);
}

void rn_start_pull(struct runner *r, size_t i)
{
	const struct step *st = r->steps[i].step;
	const char *image = st->object;
	rn_pull_reset(r, image);
	if (pull_needs_cli(r, image)) {
		if (rn_start_child(r, CH_STEP, (const char *const *)st->argv.v, st->desc))
			rn_step_state(r, i, RS_FAILED, r->last_error);
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
	rn_logf(r, "[%zu] pulling %s through the Engine API", i + 1, image);
	free(url);
	strbuf_free(&path);
}
