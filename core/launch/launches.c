/* launches.c - launches on an endpoint, grouped from their labelled objects
 * (launches.h). */
#include "launches.h"
#include "base/jdoc.h"
#include "launch.h"
#include "launch_digest.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { Q_CONTAINERS, Q_NETWORKS, Q_VOLUMES, Q__COUNT };

struct lq {
	struct launches_find *lf;
	int which;
};

struct launches_find {
	struct net *net;
	launches_done_fn done;
	void *ctx;
	unsigned ids[Q__COUNT];
	struct lq q[Q__COUNT];
	int left;
	int failed;
	struct err err;
	struct launches ls;
};

const char *launch_state_name(enum launch_state s)
{
	return s == LS_RUNNING ? "running" : s == LS_STOPPED ? "stopped" : "partial";
}

char *launch_option(const char *normalised, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = normalised; p && *p;) {
		p += strspn(p, " ");
		size_t len = strcspn(p, " ");
		if (len > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			struct strbuf v = STRBUF_INIT;
			for (size_t i = kl + 1; i < len; i++) {
				if (i + 3 <= len && !memcmp(p + i, "%20", 3)) {
					strbuf_addch(&v, ' ');
					i += 2;
				} else if (i + 3 <= len && !memcmp(p + i, "%25", 3)) {
					strbuf_addch(&v, '%');
					i += 2;
				} else {
					strbuf_addch(&v, p[i]);
				}
			}
			return strbuf_detach(&v, NULL);
		}
		p += len;
	}
	return NULL;
}

static struct launch_seen *seen_get(struct launches *ls, const char *name)
{
	for (size_t i = 0; i < ls->n; i++)
		if (!strcmp(ls->v[i].name, name))
			return &ls->v[i];
	ls->v = xrealloc(ls->v, (ls->n + 1) * sizeof(*ls->v));
	struct launch_seen *s = &ls->v[ls->n++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	strvec_init(&s->sidecars);
	strvec_init(&s->containers);
	strvec_init(&s->networks);
	strvec_init(&s->volumes);
	strvec_init(&s->missing);
	return s;
}

static void set_labels(struct launch_seen *s, const struct jdoc *d, int labels, int force)
{
	static const char *const keys[] = { LABEL_MODE, LABEL_DIGEST, LABEL_OPTIONS };
	char **slots[] = { &s->mode, &s->digest, &s->options };
	for (size_t k = 0; k < 3; k++) {
		const char *v = jdoc_string(d, jdoc_member(d, labels, keys[k]), NULL);
		if (v && (force || !*slots[k])) {
			free(*slots[k]);
			*slots[k] = xstrdup(v);
		}
	}
}

/* The published web port from a container's Ports (IPv4 first). */
static void set_port(struct launch_seen *s, const struct jdoc *d, int ports)
{
	int cport = 8080;
	if (s->options) {
		char *pub = launch_option(s->options, "publish");
		struct publish p;
		if (pub && !publish_parse(pub, &p, NULL))
			cport = p.container_port;
		free(pub);
	}
	for (int pass = 0; pass < 2 && !s->pub.host_port; pass++)
		for (size_t i = 0; i < jdoc_count(d, ports); i++) {
			int o = jdoc_at(d, ports, i);
			const char *ip = jdoc_string(d, jdoc_member(d, o, "IP"), "");
			if (jdoc_int(d, jdoc_member(d, o, "PrivatePort"), 0) != cport ||
			    !jdoc_int(d, jdoc_member(d, o, "PublicPort"), 0) || (pass == 0 && strchr(ip, ':')))
				continue;
			if (strchr(ip, ':'))
				snprintf(s->pub.bind, sizeof(s->pub.bind), "[%s]", ip);
			else
				snprintf(s->pub.bind, sizeof(s->pub.bind), "%s", ip);
			s->pub.host_port = (int)jdoc_int(d, jdoc_member(d, o, "PublicPort"), 0);
			s->pub.container_port = cport;
			break;
		}
}

static void on_list(struct engine_result *r, void *ctx)
{
	struct lq *q = ctx;
	struct launches_find *lf = q->lf;
	lf->ids[q->which] = 0;
	if (r->status != ENGINE_OK || !r->doc) {
		if (!lf->failed)
			err_set(&lf->err, "cannot list the launches: %s", r->err.msg);
		lf->failed = 1;
	} else {
		const struct jdoc *d = r->doc;
		int root = jdoc_root(d);
		if (q->which == Q_VOLUMES)
			root = jdoc_member(d, root, "Volumes");
		for (size_t i = 0; i < jdoc_count(d, root); i++) {
			int o = jdoc_at(d, root, i);
			int labels = jdoc_member(d, o, "Labels");
			const char *lv = jdoc_string(d, jdoc_member(d, labels, LABEL_LAUNCH), NULL);
			const char *name = q->which == Q_CONTAINERS
						   ? jdoc_string(d, jdoc_at(d, jdoc_member(d, o, "Names"), 0), NULL)
						   : jdoc_string(d, jdoc_member(d, o, "Name"), NULL);
			if (!lv || !*lv || !name)
				continue; /* only what carries the label */
			if (q->which == Q_CONTAINERS && *name == '/')
				name++;
			struct launch_seen *s = seen_get(&lf->ls, lv);
			if (q->which == Q_CONTAINERS) {
				strvec_push(&s->containers, name);
				if (!strcmp(name, lv)) {
					s->has_workspace = 1;
					set_labels(s, d, labels, 1);
					free(s->image);
					s->image = xstrdup(jdoc_string(d, jdoc_member(d, o, "Image"), "?"));
					free(s->container_id);
					s->container_id = xstrdup(jdoc_string(d, jdoc_member(d, o, "Id"), "?"));
					s->running = !strcmp(jdoc_string(d, jdoc_member(d, o, "State"), ""), "running");
					s->created = jdoc_int(d, jdoc_member(d, o, "Created"), 0);
					set_port(s, d, jdoc_member(d, o, "Ports"));
				} else {
					strvec_push(&s->sidecars, name);
					if (!strcmp(jdoc_string(d, jdoc_member(d, o, "State"), ""), "running"))
						s->sidecars_running++;
					set_labels(s, d, labels, 0);
				}
			} else {
				strvec_push(q->which == Q_NETWORKS ? &s->networks : &s->volumes, name);
				set_labels(s, d, labels, 0);
			}
		}
	}
	if (--lf->left)
		return;
	if (lf->failed) {
		struct launches empty = { NULL, 0 };
		lf->done(&empty, &lf->err, lf->ctx);
		return;
	}
	for (size_t i = 0; i < lf->ls.n; i++) {
		struct launch_seen *s = &lf->ls.v[i];
		if (!s->has_workspace)
			strvec_pushf(&s->missing, "container %s", s->name);
		char *vol = s->options ? launch_option(s->options, "volume") : NULL;
		if (vol && strcmp(vol, "none") && vol[0] != '/' && !engine_strvec_has(&s->volumes, vol))
			strvec_pushf(&s->missing, "volume %s", vol);
		free(vol);
		if (s->mode && !strcmp(s->mode, "dind") && s->options) {
			char *side = launch_option(s->options, "dind.sidecar");
			char *net = launch_option(s->options, "dind.network");
			if (side && !engine_strvec_has(&s->containers, side))
				strvec_pushf(&s->missing, "container %s", side);
			if (net && !engine_strvec_has(&s->networks, net))
				strvec_pushf(&s->missing, "network %s", net);
			free(side);
			free(net);
		}
		s->state = s->missing.n ? LS_PARTIAL : s->running ? LS_RUNNING : LS_STOPPED;
	}
	for (size_t i = 1; i < lf->ls.n; i++) /* by name (insertion sort: few) */
		for (size_t j = i; j > 0 && strcmp(lf->ls.v[j - 1].name, lf->ls.v[j].name) > 0; j--) {
			struct launch_seen t = lf->ls.v[j];
			lf->ls.v[j] = lf->ls.v[j - 1];
			lf->ls.v[j - 1] = t;
		}
	struct launches out = lf->ls;
	lf->ls.v = NULL;
	lf->ls.n = 0;
	lf->done(&out, NULL, lf->ctx);
}

unsigned launches_list_labelled(struct net *net, struct engine_target *t, const char *only, int n,
				engine_done_fn cb, void *const ctxs[], unsigned ids[])
{
	/* filters={"label":["ws-launch.launch[=NAME]"]}, URL-encoded; NAME is a
	 * validated container name ([A-Za-z0-9_.-]). */
	struct strbuf f = STRBUF_INIT;
	strbuf_addf(&f, "filters=%%7B%%22label%%22%%3A%%5B%%22%s", LABEL_LAUNCH);
	if (only)
		strbuf_addf(&f, "%%3D%s", only);
	strbuf_addstr(&f, "%22%5D%7D");
	static const char *const paths[] = { "/containers/json?all=1&", "/networks?", "/volumes?" };
	for (int i = 0; i < n && i < 3; i++) {
		char *path = xasprintf("%s%s", paths[i], f.buf);
		ids[i] = engine_get_json(net, t, path, cb, ctxs[i]);
		free(path);
	}
	strbuf_release(&f);
	return (unsigned)n;
}

struct launches_find *launches_find(struct net *net, struct engine_target *t, const char *only,
				    launches_done_fn done, void *ctx)
{
	struct launches_find *lf = xcalloc(1, sizeof(*lf));
	lf->net = net;
	lf->done = done;
	lf->ctx = ctx;
	void *ctxs[Q__COUNT];
	for (int i = 0; i < Q__COUNT; i++) {
		lf->q[i].lf = lf;
		lf->q[i].which = i;
		ctxs[i] = &lf->q[i];
	}
	lf->left = Q__COUNT;
	launches_list_labelled(net, t, only, Q__COUNT, on_list, ctxs, lf->ids);
	return lf;
}

void launches_find_free(struct launches_find *lf)
{
	if (!lf)
		return;
	for (int i = 0; i < Q__COUNT; i++)
		if (lf->ids[i])
			net_cancel(lf->net, lf->ids[i]);
	launches_release(&lf->ls);
	free(lf);
}

void launches_release(struct launches *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		struct launch_seen *s = &ls->v[i];
		free(s->name);
		free(s->mode);
		free(s->digest);
		free(s->options);
		free(s->image);
		free(s->container_id);
		strvec_release(&s->sidecars);
		strvec_release(&s->containers);
		strvec_release(&s->networks);
		strvec_release(&s->volumes);
		strvec_release(&s->missing);
	}
	free(ls->v);
	ls->v = NULL;
	ls->n = 0;
}

char *launch_url(const struct endpoint *ep, const struct launch_seen *s)
{
	if (!s->pub.host_port)
		return NULL;
	const char *host = s->pub.bind;
	if (ep && ep->kind != EP_UNIX && ep->host)
		host = ep->host;
	else if (!*host || !strcmp(host, "0.0.0.0"))
		host = "127.0.0.1";
	else if (!strcmp(host, "[::]"))
		host = "[::1]";
	return xasprintf("http://%s:%d/", host, s->pub.host_port);
}
