/* runner_pull.c - pulls through the Engine API (or the CLI for private
 * registries) and their progress, linear in the layers (runner_internal.h). */
#include "runner_internal.h"
#include "engine/endpoint.h"
#include "engine/engine.h"
#include "engine/engine_images.h"
#include "base/imageref.h"
#include "base/jdoc.h"
#include "launch/launch.h"
#include "launch/launch_digest.h"
#include "launch/options.h"
#include "base/proc.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/ytree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- pull progress ------------------------------------------------------------ */

/* Layer ids to layers in O(1): FNV-1a into an open-addressing table that
 * doubles with the layers, so a pull of N layers costs O(N) whatever the
 * number of progress events; at most PULL_LAYERS_MAX are tracked. */
static size_t id_hash(const char *id)
{
	size_t h = 1469598103934665603ULL & (size_t)-1;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * (sizeof(size_t) > 4 ? (size_t)1099511628211ULL : (size_t)16777619U);
	return h;
}

static size_t *index_slot(struct runner *r, const char *id)
{
	size_t mask = r->index_size - 1;
	for (size_t i = id_hash(id) & mask;; i = (i + 1) & mask) {
		size_t *slot = &r->layer_index[i];
		if (!*slot || !strcmp(r->layers[*slot - 1].id, id))
			return slot;
	}
}

static void index_grow(struct runner *r)
{
	free(r->layer_index);
	r->index_size = r->index_size ? r->index_size * 2 : 64;
	r->layer_index = xcalloc(r->index_size, sizeof(*r->layer_index));
	for (size_t k = 0; k < r->nlayers; k++)
		*index_slot(r, r->layers[k].id) = k + 1;
}

static struct layer *layer_get(struct runner *r, const char *id_in)
{
	char id[PULL_ID_MAX + 1];
	snprintf(id, sizeof(id), "%s", id_in);
	if (!r->index_size)
		index_grow(r);
	size_t *slot = index_slot(r, id);
	if (*slot)
		return &r->layers[*slot - 1];
	if (r->nlayers >= PULL_LAYERS_MAX) {
		r->layers_ignored++;
		return NULL;
	}
	if (r->nlayers == r->alloc_layers) {
		r->alloc_layers = r->alloc_layers ? 2 * r->alloc_layers : 16;
		r->layers = xrealloc(r->layers, r->alloc_layers * sizeof(*r->layers));
	}
	struct layer *l = &r->layers[r->nlayers++];
	memset(l, 0, sizeof(*l));
	l->id = xstrdup(id);
	*slot = r->nlayers;
	if (2 * r->nlayers > r->index_size)
		index_grow(r);
	return l;
}

/* What layer L adds to the totals (called with SIGN -1 before a change,
 * +1 after): the sums follow each change instead of being recounted. */
static void totals_add(struct runner *r, const struct layer *l, int sign)
{
	r->pull.layers_done += sign * l->done;
	r->pull.bytes_total += sign * l->total;
	r->pull.bytes_done += sign * (l->done && l->total ? l->total : l->current);
}

void rn_pull_reset(struct runner *r, const char *image)
{
	for (size_t i = 0; i < r->nlayers; i++)
		free(r->layers[i].id);
	free(r->layers);
	r->layers = NULL;
	r->nlayers = r->alloc_layers = 0;
	free(r->layer_index);
	r->layer_index = NULL;
	r->index_size = 0;
	r->layers_ignored = 0;
	free(r->pull.image);
	memset(&r->pull, 0, sizeof(r->pull));
	r->pull.image = image ? xstrdup(image) : NULL;
	r->pull.active = image != NULL;
	strbuf_clear(&r->pullbuf);
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
	if (!l)
		return;
	int is_new = !l->total && !l->current && !l->done && !l->seen;
	l->seen = 1;
	totals_add(r, l, -1);
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
	totals_add(r, l, +1);
	if (is_new)
		r->pull.layers_total = (int)r->nlayers;
	rn_changed(r);
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
	/* Every complete line, then one move of what is left: linear in the
	 * stream, however many lines a chunk holds. */
	size_t off = 0;
	char *nl;
	while ((nl = memchr(r->pullbuf.buf + off, '\n', r->pullbuf.len - off))) {
		const char *line = r->pullbuf.buf + off;
		size_t ll = (size_t)(nl - line);
		struct err e;
		struct jdoc *d = ll ? jdoc_parse(line, ll, 64 * 1024, &e) : NULL;
		if (d) {
			int root = jdoc_root(d);
			/* The stream's error, or the Engine API's error reply of a
			 * failed request, which arrives through this stream too. */
			const char *err = engine_stream_error(d);
			const char *status = jdoc_string(d, jdoc_member(d, root, "status"), NULL);
			const char *id = jdoc_string(d, jdoc_member(d, root, "id"), NULL);
			long long cur = jdoc_int(d, jdoc_get(d, root, "progressDetail", "current", NULL), -1);
			long long tot = jdoc_int(d, jdoc_get(d, root, "progressDetail", "total", NULL), 0);
			if (err) {
				/* Told once, by the step's failure (not logged too). */
				free(r->pull_error);
				r->pull_error = xstrdup(err);
			} else if (status) {
				if (strcmp(status, "Downloading") && strcmp(status, "Extracting") &&
				    strcmp(status, "Waiting"))
					rn_logf(r, "[%zu] %s%s%s", r->cur + 1, id ? id : "", id ? ": " : "", status);
				pull_status(r, id, status, cur, tot);
			}
			jdoc_free(d);
		}
		off += ll + 1;
	}
	if (off) {
		memmove(r->pullbuf.buf, r->pullbuf.buf + off, r->pullbuf.len - off);
		strbuf_setlen(&r->pullbuf, r->pullbuf.len - off);
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
	imageref_release(&ref);
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
		/* The daemon's words alone (its status says nothing more);
		 * the status only when it gave none. */
		struct err e;
		struct jdoc *d = jdoc_parse(rp->body.buf, rp->body.len, 64 * 1024, &e);
		const char *m = d ? jdoc_string(d, jdoc_member(d, jdoc_root(d), "message"), NULL) : NULL;
		if (!m)
			m = r->pull_error;
		if (m)
			snprintf(note, sizeof(note), "%s", m);
		else
			snprintf(note, sizeof(note), "the daemon refused the pull (HTTP %ld)", rp->status);
		jdoc_free(d);
	} else if (r->pull_error) {
		snprintf(note, sizeof(note), "%s", r->pull_error);
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
	strbuf_release(&path);
}
