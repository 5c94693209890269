/* render_compose.c - the launch as a file of the Compose Specification (no
 * top-level `version`: Compose v2 calls it obsolete, docker-compose 1.27+
 * reads the form without it), written with libyaml.  The mode's warnings
 * and notes head the file as `# NOTE:` lines, every service carries the
 * `--pull` policy, and every object Compose creates -- the project's
 * default network too -- carries the launch label, so `ws-launch down`
 * removes all of it. */
#include "render_export.h"
#include "render_limits.h"
#include "launch/launch_digest.h"
#include "launch/modes.h"
#include "base/strbuf.h"
#include "base/yemit.h"

#include <stdlib.h>
#include <string.h>

/* Compose interpolates "$VAR" in values: "$" must be written "$$". */
static char *esc(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	for (; *s; s++) {
		if (*s == '$')
			strbuf_addch(&sb, '$');
		strbuf_addch(&sb, *s);
	}
	return strbuf_detach(&sb, NULL);
}

static void estr(struct yemit *y, const char *s)
{
	char *e = esc(s);
	yemit_str(y, e);
	free(e);
}

/* "# NOTE: TEXT", TEXT shown safely: a newline in it must not end the
 * comment and inject YAML. */
static void note_line(struct strbuf *out, const char *text)
{
	strbuf_addstr(out, "# NOTE: ");
	render_comment_text(out, text);
	strbuf_addch(out, '\n');
}

static const char *service_name(const struct container *c)
{
	return c->name ? c->name : c->role == ROLE_SIDECAR ? "dind" : "workspace";
}

static int has_kind(const struct container *c, enum run_kind k)
{
	return container_find(c, k, NULL) != NULL;
}

static void labels(struct yemit *y, const struct launch *l)
{
	if (!l->label)
		return;
	yemit_plain(y, "labels");
	yemit_map(y);
	yemit_kv(y, LABEL_LAUNCH, l->label);
	yemit_kv(y, LABEL_MODE, mode_get(l->mode)->name);
	if (l->digest)
		yemit_kv(y, LABEL_DIGEST, l->digest);
	yemit_end_map(y);
}

static void service(struct yemit *y, const struct launch *l, const struct container *c)
{
	yemit_str(y, service_name(c));
	yemit_map(y);
	yemit_plain(y, "image");
	estr(y, c->image);
	if (l->pull_policy) {
		yemit_plain(y, "pull_policy");
		yemit_str(y, l->pull_policy);
	}
	if (c->name) {
		yemit_plain(y, "container_name");
		estr(y, c->name);
	}
	if (c->role == ROLE_WORKSPACE) {
		for (size_t i = 0; i < l->ncontainers; i++)
			if (l->containers[i]->role == ROLE_SIDECAR) {
				yemit_plain(y, "depends_on");
				yemit_flow_seq(y);
				yemit_str(y, service_name(l->containers[i]));
				yemit_end_seq(y);
			}
	}
	const struct run_opt *o;
	if ((o = container_find(c, RK_RUNTIME, NULL))) {
		yemit_plain(y, "runtime");
		estr(y, o->a);
	}
	if (has_kind(c, RK_PRIVILEGED))
		yemit_kv_bool(y, "privileged", 1);
	if ((o = container_find(c, RK_USERNS, NULL))) {
		yemit_plain(y, "userns_mode");
		estr(y, o->a);
	}
	render_compose_limits(y, c);
	if (has_kind(c, RK_GROUP_ADD)) {
		yemit_plain(y, "group_add");
		yemit_flow_seq(y);
		for (size_t i = 0; i < c->nopts; i++)
			if (c->opts[i].kind == RK_GROUP_ADD)
				yemit_str(y, c->opts[i].a);
		yemit_end_seq(y);
	}
	if (has_kind(c, RK_PUBLISH)) {
		yemit_plain(y, "ports");
		yemit_seq(y);
		for (size_t i = 0; i < c->nopts; i++)
			if (c->opts[i].kind == RK_PUBLISH)
				yemit_str(y, c->opts[i].a);
		yemit_end_seq(y);
	}
	if (has_kind(c, RK_ENV)) {
		yemit_plain(y, "environment");
		yemit_map(y);
		for (size_t i = 0; i < c->nopts; i++)
			if (c->opts[i].kind == RK_ENV) {
				yemit_str(y, c->opts[i].a);
				if (c->opts[i].b)
					estr(y, c->opts[i].b);
				else
					yemit_plain(y, "null"); /* from the shell, as `-e NAME` */
			}
		yemit_end_map(y);
	}
	if (has_kind(c, RK_ENV_FILE)) {
		yemit_plain(y, "env_file");
		yemit_seq(y);
		for (size_t i = 0; i < c->nopts; i++)
			if (c->opts[i].kind == RK_ENV_FILE)
				estr(y, c->opts[i].a);
		yemit_end_seq(y);
	}
	if (has_kind(c, RK_MOUNT)) {
		yemit_plain(y, "volumes");
		yemit_seq(y);
		for (size_t i = 0; i < c->nopts; i++)
			if (c->opts[i].kind == RK_MOUNT) {
				char *m = xasprintf("%s:%s%s", c->opts[i].a, c->opts[i].b, c->opts[i].ro ? ":ro" : "");
				estr(y, m);
				free(m);
			}
		yemit_end_seq(y);
	}
	if (has_kind(c, RK_NETWORK)) {
		yemit_plain(y, "networks");
		yemit_map(y);
		for (size_t i = 0; i < c->nopts; i++)
			if (c->opts[i].kind == RK_NETWORK) {
				yemit_str(y, c->opts[i].a);
				if (has_kind(c, RK_NETWORK_ALIAS)) {
					yemit_map(y);
					yemit_plain(y, "aliases");
					yemit_flow_seq(y);
					for (size_t k = 0; k < c->nopts; k++)
						if (c->opts[k].kind == RK_NETWORK_ALIAS)
							yemit_str(y, c->opts[k].a);
					yemit_end_seq(y);
					yemit_end_map(y);
				} else {
					yemit_flow_map(y);
					yemit_end_map(y);
				}
			}
		yemit_end_map(y);
	}
	labels(y, l);
	if (c->cmd.n) {
		yemit_plain(y, "command");
		yemit_flow_seq(y);
		for (size_t i = 0; i < c->cmd.n; i++)
			estr(y, c->cmd.v[i]);
		yemit_end_seq(y);
	}
	yemit_end_map(y);
}

int render_compose(struct strbuf *out, const struct launch *l, struct strvec *warnings, struct err *e)
{
	(void)warnings;
	struct strbuf body = STRBUF_INIT;
	struct yemit y;
	if (yemit_init(&y, &body, 0))
		return err_set(e, "out of memory");
	yemit_map(&y);
	yemit_plain(&y, "services");
	yemit_map(&y);
	for (int role = ROLE_SIDECAR; role <= ROLE_WORKSPACE; role++)
		for (size_t i = 0; i < l->ncontainers; i++)
			if ((int)l->containers[i]->role == role)
				service(&y, l, l->containers[i]);
	yemit_end_map(&y);
	if (l->nvolumes) {
		yemit_plain(&y, "volumes");
		yemit_map(&y);
		for (size_t i = 0; i < l->nvolumes; i++) {
			yemit_str(&y, l->volumes[i].name);
			yemit_map(&y);
			yemit_plain(&y, "name");
			estr(&y, l->volumes[i].name);
			labels(&y, l);
			yemit_end_map(&y);
		}
		yemit_end_map(&y);
	}
	/* A service without networks joins the project's "default" network,
	 * which Compose creates: declared here so that it carries the label. */
	int uses_default = 0;
	for (size_t i = 0; i < l->ncontainers; i++)
		if (!has_kind(l->containers[i], RK_NETWORK))
			uses_default = 1;
	if (l->networks.n || (uses_default && l->label)) {
		yemit_plain(&y, "networks");
		yemit_map(&y);
		if (uses_default && l->label) {
			yemit_plain(&y, "default");
			yemit_map(&y);
			labels(&y, l);
			yemit_end_map(&y);
		}
		for (size_t i = 0; i < l->networks.n; i++) {
			yemit_str(&y, l->networks.v[i]);
			yemit_map(&y);
			yemit_plain(&y, "name");
			estr(&y, l->networks.v[i]);
			labels(&y, l);
			yemit_end_map(&y);
		}
		yemit_end_map(&y);
	}
	yemit_end_map(&y);
	int rc = yemit_finish(&y, e);
	if (!rc) {
		const struct mode *m = mode_get(l->mode);
		strbuf_addf(out, "# Kloud Workspace, mode %s, by ws-launch %s.\n"
				 "# docker compose -f FILE up -d   (paths and ports are this host's)\n",
			    m ? m->name : "?", WS_VERSION);
		for (size_t i = 0; i < l->warnings.n; i++)
			note_line(out, l->warnings.v[i]);
		for (size_t i = 0; i < l->notes.n; i++)
			note_line(out, l->notes.v[i]);
		if (l->daemon_json) {
			/* the inner daemon's daemon.json: a bind mount of the file `up` writes */
			strbuf_addf(out, "# %s (written by 'ws-launch up', 0644) holds the inner daemon's daemon.json:\n",
				    l->daemon_json_path);
			for (const char *p = l->daemon_json, *nl; *p; p = nl + 1) {
				nl = strchr(p, '\n');
				if (!nl)
					break;
				strbuf_addf(out, "#   %.*s\n", (int)(nl - p), p);
			}
		}
		strbuf_add(out, body.buf, body.len);
	}
	strbuf_release(&body);
	return rc;
}
