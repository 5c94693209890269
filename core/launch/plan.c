/* plan.c - from the launch model to docker argv steps. */
#include "plan.h"
#include "launch_build.h"
#include "launch_digest.h"
#include "modes.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

void plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = MODE_NONE;
	strvec_init(&p->warnings);
	strvec_init(&p->notes);
}

void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct step *st = &p->steps[i];
		free(st->desc);
		free(st->object);
		free(st->breaks);
		strvec_release(&st->argv);
		strvec_release(&st->probe);
		strvec_release(&st->undo);
	}
	free(p->steps);
	free(p->label);
	free(p->digest);
	free(p->options);
	free(p->ws_name);
	free(p->web_path);
	free(p->verify_image);
	free(p->inner_mirrors);
	free(p->inner_insecure);
	free(p->sidecar);
	free(p->daemon_json);
	free(p->daemon_json_path);
	strvec_release(&p->warnings);
	strvec_release(&p->notes);
	plan_init(p);
}

const char *step_kind_name(enum step_kind k)
{
	switch (k) {
	case STEP_NETWORK: return "network";
	case STEP_VOLUME: return "volume";
	case STEP_PULL: return "pull";
	case STEP_RUN: return "run";
	}
	return "?";
}

struct step *plan_add_step(struct plan *p, enum step_kind kind, const char *desc)
{
	p->steps = xrealloc(p->steps, (p->n + 1) * sizeof(*p->steps));
	struct step *st = &p->steps[p->n++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->desc = xstrdup(desc);
	strvec_init(&st->argv);
	strvec_init(&st->probe);
	strvec_init(&st->undo);
	return st;
}

/* Pushes a word; BREAK marks the start of a new line in the shell form. */
static void word(struct step *st, const char *w, int brk)
{
	strvec_push(&st->argv, w);
	st->breaks = xrealloc(st->breaks, st->argv.n);
	st->breaks[st->argv.n - 1] = (unsigned char)brk;
}

static void wordf(struct step *st, int brk, const char *a, const char *sep, const char *b)
{
	char *w = xasprintf("%s%s%s", a, sep, b);
	word(st, w, brk);
	free(w);
}

static void add_run_opt(struct step *st, const struct run_opt *o)
{
	switch (o->kind) {
	case RK_DETACH:
		word(st, "-d", 0);
		return;
	case RK_PRIVILEGED:
		word(st, "--privileged", 1);
		return;
	case RK_PULL:
		word(st, "--pull", 1);
		break;
	case RK_NAME:
		word(st, "--name", 1);
		break;
	case RK_PUBLISH:
		word(st, "-p", 1);
		break;
	case RK_ENV_FILE:
		word(st, "--env-file", 1);
		break;
	case RK_NETWORK:
		word(st, "--network", 1);
		break;
	case RK_NETWORK_ALIAS:
		word(st, "--network-alias", 1);
		break;
	case RK_RUNTIME:
		word(st, "--runtime", 1);
		break;
	case RK_GROUP_ADD:
		word(st, "--group-add", 1);
		break;
	case RK_USERNS:
		word(st, "--userns", 1);
		break;
	case RK_CPUS:
		word(st, "--cpus", 1);
		break;
	case RK_MEMORY:
		word(st, "--memory", 1);
		break;
	case RK_PIDS_LIMIT:
		word(st, "--pids-limit", 1);
		break;
	case RK_SHM_SIZE:
		word(st, "--shm-size", 1);
		break;
	case RK_MOUNT: {
		word(st, "-v", 1);
		if (!o->b || !*o->b) { /* -v DST: an anonymous volume */
			word(st, o->a, 0);
			return;
		}
		char *w = xasprintf("%s:%s%s", o->a, o->b, o->ro ? ":ro" : "");
		word(st, w, 0);
		free(w);
		return;
	}
	case RK_ENV:
		word(st, "-e", 1);
		if (o->b)
			wordf(st, 0, o->a, "=", o->b);
		else
			word(st, o->a, 0); /* passed through from docker's environment */
		return;
	case RK_LABEL:
		word(st, "--label", 1);
		wordf(st, 0, o->a, "=", o->b ? o->b : "");
		return;
	}
	word(st, o->a, 0);
}

static void run_words(struct step *st, const struct container *c)
{
	word(st, "docker", 0);
	word(st, "run", 0);
	for (size_t i = 0; i < c->nopts; i++)
		add_run_opt(st, &c->opts[i]);
	word(st, c->image, 1);
	for (size_t i = 0; i < c->cmd.n; i++)
		word(st, c->cmd.v[i], 0);
}

void plan_run_argv(const struct container *c, struct strvec *argv)
{
	struct step st = { .kind = STEP_RUN };
	strvec_init(&st.argv);
	run_words(&st, c);
	for (size_t i = 0; i < st.argv.n; i++)
		strvec_push(argv, st.argv.v[i]);
	strvec_release(&st.argv);
	free(st.breaks);
}

static void add_run(struct plan *p, const struct launch *l, const struct container *c)
{
	char *desc;
	if (c->role == ROLE_SIDECAR)
		desc = xasprintf("start the sidecar %s (%s, privileged)", c->name, c->image);
	else if (c->name)
		desc = xasprintf("start the workspace %s", c->name);
	else
		desc = xstrdup("start the workspace");
	struct step *st = plan_add_step(p, STEP_RUN, desc);
	free(desc);
	st->role = c->role;
	st->object = xstrdup(c->name ? c->name : c->image);
	run_words(st, c);
	if (c->name && l->label) {
		strvec_pushl(&st->probe, "docker", "container", "inspect", c->name, NULL);
		strvec_pushl(&st->undo, "docker", "rm", "-f", c->name, NULL);
	}
}

/* --label for the launch, its mode and its digest (networks, volumes;
 * containers carry them as run options). */
static void launch_labels(struct step *st, const struct launch *l)
{
	if (!l->label)
		return;
	word(st, "--label", 0);
	wordf(st, 0, LABEL_LAUNCH, "=", l->label);
	word(st, "--label", 0);
	wordf(st, 0, LABEL_MODE, "=", mode_get(l->mode)->name);
	if (l->digest) {
		word(st, "--label", 0);
		wordf(st, 0, LABEL_DIGEST, "=", l->digest);
	}
}

void plan_from_launch(struct plan *p, const struct launch *l)
{
	plan_init(p);
	p->mode = l->mode;
	p->minimal = l->minimal;
	p->label = l->label ? xstrdup(l->label) : NULL;
	p->digest = l->digest ? xstrdup(l->digest) : NULL;
	p->options = l->options ? xstrdup(l->options) : NULL;
	for (size_t i = 0; i < l->ncontainers; i++) {
		const struct container *c = l->containers[i];
		if (c->role != ROLE_WORKSPACE) {
			if (c->name && !p->sidecar)
				p->sidecar = xstrdup(c->name);
			continue;
		}
		if (c->name && l->label)
			p->ws_name = xstrdup(c->name);
		const struct run_opt *pub = container_find(c, RK_PUBLISH, NULL);
		if (pub)
			publish_parse(pub->a, &p->publish, NULL);
		p->web_tls = container_find(c, RK_ENV, "WS_SERVER_SSL_CERT") != NULL;
	}
	for (size_t i = 0; i < l->networks.n; i++) {
		const char *net = l->networks.v[i];
		char *desc = xasprintf("create the network %s", net);
		struct step *st = plan_add_step(p, STEP_NETWORK, desc);
		free(desc);
		st->object = xstrdup(net);
		word(st, "docker", 0);
		word(st, "network", 0);
		word(st, "create", 0);
		launch_labels(st, l);
		word(st, net, 0);
		if (l->label) {
			strvec_pushl(&st->probe, "docker", "network", "inspect", net, NULL);
			strvec_pushl(&st->undo, "docker", "network", "rm", net, NULL);
		}
	}
	if (l->label) {
		for (size_t i = 0; i < l->nvolumes; i++) {
			const struct volume *v = &l->volumes[i];
			static const char *const what[] = {
				[VOL_WORKSPACE] = "for /workspace",
				[VOL_DATA] = "for the inner /var/lib/docker",
				[VOL_CERTS] = "for the sidecar's client certificates",
			};
			char *desc = xasprintf("create the volume %s %s", v->name, what[v->use]);
			struct step *st = plan_add_step(p, STEP_VOLUME, desc);
			free(desc);
			st->object = xstrdup(v->name);
			word(st, "docker", 0);
			word(st, "volume", 0);
			word(st, "create", 0);
			launch_labels(st, l);
			word(st, v->name, 0);
			strvec_pushl(&st->probe, "docker", "volume", "inspect", v->name, NULL);
			strvec_pushl(&st->undo, "docker", "volume", "rm", v->name, NULL);
		}
	}
	for (size_t i = 0; i < l->pulls.n; i++) {
		char *desc = xasprintf("pull %s", l->pulls.v[i]);
		struct step *st = plan_add_step(p, STEP_PULL, desc);
		free(desc);
		st->object = xstrdup(l->pulls.v[i]);
		word(st, "docker", 0);
		word(st, "pull", 0);
		word(st, l->pulls.v[i], 0);
	}
	for (size_t i = 0; i < l->ncontainers; i++)
		if (l->containers[i]->role == ROLE_SIDECAR)
			add_run(p, l, l->containers[i]);
	for (size_t i = 0; i < l->ncontainers; i++)
		if (l->containers[i]->role == ROLE_WORKSPACE)
			add_run(p, l, l->containers[i]);
	p->daemon_json = l->daemon_json ? xstrdup(l->daemon_json) : NULL;
	p->daemon_json_path = l->daemon_json_path ? xstrdup(l->daemon_json_path) : NULL;
	strvec_copy(&p->warnings, &l->warnings);
	strvec_copy(&p->notes, &l->notes);
}

void plan_set_verify(struct plan *p, const struct spec *s)
{
	free(p->verify_image);
	free(p->inner_mirrors);
	free(p->inner_insecure);
	p->verify_image = p->inner_mirrors = p->inner_insecure = NULL;
	if (!option_applies(option_get(OPT_VERIFY), s->mode))
		return;
	if (!strcmp(spec_get(s, OPT_VERIFY), "full"))
		p->verify_image = xstrdup(spec_get(s, OPT_VERIFY_IMAGE));
	if (!spec_is_none(s, OPT_INNER_MIRROR))
		p->inner_mirrors = xstrdup(spec_get(s, OPT_INNER_MIRROR));
	if (!spec_is_none(s, OPT_INNER_INSECURE))
		p->inner_insecure = xstrdup(spec_get(s, OPT_INNER_INSECURE));
}

int plan_build(struct plan *p, const struct spec *s, const struct facts *f, struct err *e)
{
	struct launch l;
	plan_init(p);
	if (launch_build(s, f, &l, e))
		return -1;
	plan_from_launch(p, &l);
	launch_release(&l);
	p->web_path = xstrdup(spec_is_none(s, OPT_VERIFY_HTTP) ? "" : spec_get(s, OPT_VERIFY_HTTP));
	plan_set_verify(p, s);
	return 0;
}
