/* teardown.c - find a launch's objects by label. */
#include "teardown.h"
#include "base/show.h"
#include "base/jdoc.h"
#include "launch/launch.h"
#include "launch/launches.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

enum { Q_CONTAINERS, Q_NETWORKS, Q_VOLUMES, Q__COUNT };

struct tq {
	struct teardown *td;
	int which;
};

struct found {
	char *name;
	long long created;
};

struct teardown {
	struct net *net;
	char *label;
	int volumes;
	teardown_done_fn done;
	void *ctx;
	unsigned ids[Q__COUNT];
	struct tq q[Q__COUNT];
	int left;
	struct err err;
	int failed;
	struct found *objs[Q__COUNT];
	size_t nobjs[Q__COUNT];
};

static void add(struct teardown *td, int which, const char *name, long long created)
{
	td->objs[which] = xrealloc(td->objs[which], (td->nobjs[which] + 1) * sizeof(struct found));
	td->objs[which][td->nobjs[which]].name = xstrdup(name);
	td->objs[which][td->nobjs[which]].created = created;
	td->nobjs[which]++;
}

static int newest_first(const void *a, const void *b)
{
	long long x = ((const struct found *)a)->created, y = ((const struct found *)b)->created;
	return x < y ? 1 : x > y ? -1 : 0;
}

static void finish(struct teardown *td)
{
	struct plan p;
	plan_init(&p);
	if (td->failed) {
		td->done(&p, &td->err, td->ctx);
		return;
	}
	p.label = xstrdup(td->label);
	/* qsort's base must not be NULL, even for 0 items (UBSan caught it when
	 * only volumes and networks were left to remove). */
	if (td->nobjs[Q_CONTAINERS] > 1)
		qsort(td->objs[Q_CONTAINERS], td->nobjs[Q_CONTAINERS], sizeof(struct found), newest_first);
	static const char *const what[] = { "container", "network", "volume" };
	for (int q = 0; q < Q__COUNT; q++)
		for (size_t i = 0; i < td->nobjs[q]; i++) {
			/* The name comes from the daemon: shown sanitised, and after
			 * "--" in the argv so that no name can read as an option. */
			const char *name = td->objs[q][i].name;
			char *desc = xasprintf("remove the %s %s", what[q], name);
			show_sanitize(desc, strlen(desc));
			struct step *st = plan_add_step(&p, q == Q_CONTAINERS ? STEP_RUN : q == Q_NETWORKS ? STEP_NETWORK
													: STEP_VOLUME,
							desc);
			free(desc);
			st->object = xstrdup(name);
			if (q == Q_CONTAINERS)
				strvec_pushl(&st->argv, "docker", "rm", "-f", "--", name, NULL);
			else if (q == Q_NETWORKS)
				strvec_pushl(&st->argv, "docker", "network", "rm", "--", name, NULL);
			else
				strvec_pushl(&st->argv, "docker", "volume", "rm", "--", name, NULL);
			st->breaks = xcalloc(st->argv.n, 1);
		}
	td->done(&p, NULL, td->ctx);
}

static void on_list(struct engine_result *r, void *ctx)
{
	struct tq *q = ctx;
	struct teardown *td = q->td;
	td->ids[q->which] = 0;
	if (r->status != ENGINE_OK || !r->doc) {
		if (!td->failed)
			err_set(&td->err, "cannot list the launch's objects: %s", r->err.msg);
		td->failed = 1;
	} else {
		const struct jdoc *d = r->doc;
		int root = jdoc_root(d);
		if (q->which == Q_VOLUMES)
			root = jdoc_member(d, root, "Volumes");
		size_t n = jdoc_count(d, root);
		for (size_t i = 0; i < n; i++) {
			int o = jdoc_at(d, root, i);
			const char *name;
			long long created = 0;
			if (q->which == Q_CONTAINERS) {
				name = jdoc_string(d, jdoc_at(d, jdoc_member(d, o, "Names"), 0), NULL);
				if (name && *name == '/')
					name++;
				created = jdoc_int(d, jdoc_member(d, o, "Created"), 0);
			} else {
				name = jdoc_string(d, jdoc_member(d, o, "Name"), NULL);
			}
			/* Trust but verify: only what carries our label. */
			const char *lv = jdoc_string(d, jdoc_get(d, o, "Labels", LABEL_LAUNCH, NULL), NULL);
			if (name && lv && !strcmp(lv, td->label))
				add(td, q->which, name, created);
		}
	}
	if (--td->left == 0)
		finish(td);
}

struct teardown *teardown_start(struct net *net, struct engine_target *t, const char *label, int volumes,
				teardown_done_fn done, void *ctx)
{
	struct teardown *td = xcalloc(1, sizeof(*td));
	td->net = net;
	td->label = xstrdup(label);
	td->volumes = volumes;
	td->done = done;
	td->ctx = ctx;
	int n = volumes ? Q__COUNT : Q_VOLUMES;
	void *ctxs[Q__COUNT];
	for (int i = 0; i < n; i++) {
		td->q[i].td = td;
		td->q[i].which = i;
		ctxs[i] = &td->q[i];
	}
	td->left = n;
	launches_list_labelled(net, t, label, n, on_list, ctxs, td->ids);
	return td;
}

void teardown_free(struct teardown *td)
{
	if (!td)
		return;
	for (int i = 0; i < Q__COUNT; i++) {
		if (td->ids[i])
			net_cancel(td->net, td->ids[i]);
		for (size_t k = 0; k < td->nobjs[i]; k++)
			free(td->objs[i][k].name);
		free(td->objs[i]);
	}
	free(td->label);
	free(td);
}
