/* cli_engine.c - endpoint, target and launch lookup for the day-two
 * commands (cli_engine.h). */
#include "cli_engine.h"
#include "launch/web_port.h"
#include "launch/facts.h"
#include "launch/profile.h"
#include "base/strbuf.h"
#include "base/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_engine_open(struct cli_engine *ce, const char *what)
{
	struct err e;
	memset(ce, 0, sizeof(*ce));
	endpoint_init(&ce->ep);
	if (endpoint_resolve(&ce->ep, &e))
		return cli_usage_error(NULL, "%s", e.msg);
	if (engine_target_init(&ce->t, &ce->ep, getenv("DOCKER_API_VERSION"), &e))
		return cli_fail(what, "%s", e.msg);
	ce->target_ok = 1;
	if (!(ce->net = net_new(&e)))
		return cli_fail(what, "%s", e.msg);
	return EXIT_OK;
}

void cli_engine_close(struct cli_engine *ce)
{
	net_free(ce->net);
	ce->net = NULL;
	if (ce->target_ok)
		engine_target_release(&ce->t);
	ce->target_ok = 0;
	endpoint_release(&ce->ep);
}

struct found {
	struct launches *out;
	struct err err;
	int done, failed;
};

static void on_found(struct launches *ls, const struct err *error, void *ctx)
{
	struct found *f = ctx;
	f->done = 1;
	if (error) {
		f->failed = 1;
		f->err = *error;
		return;
	}
	*f->out = *ls;
}

int cli_engine_launches(struct cli_engine *ce, const char *what, const char *only, long timeout_ms,
			struct launches *out)
{
	struct err e;
	struct found f = { .out = out };
	out->v = NULL;
	out->n = 0;
	struct launches_find *lf = launches_find(ce->net, &ce->t, only, on_found, &f);
	int rc = EXIT_OK;
	if (net_run_all(ce->net, timeout_ms, &e) || !f.done)
		rc = cli_fail(what, "the engine at %s did not answer: %s", ce->ep.url ? ce->ep.url : "?", e.msg);
	else if (f.failed)
		rc = cli_fail(what, "%s", f.err.msg);
	launches_find_free(lf);
	return rc;
}

int cli_launch_name(const struct cli *cli, const char *what, const char *profile, const char *name, char **label)
{
	struct err e;
	*label = NULL;
	if (profile && name)
		return cli_usage_error(what, "give --profile or --name, not both");
	if (profile) {
		struct spec s;
		spec_init(&s);
		if (profile_load(cli->config, profile, &s, &e)) {
			spec_release(&s);
			return cli_usage_error("--profile", "%s", e.msg);
		}
		if (spec_is_none(&s, OPT_NAME)) {
			spec_release(&s);
			return cli_usage_error("--profile", "%s has no container name: nothing is labelled for it", profile);
		}
		*label = xstrdup(spec_get(&s, OPT_NAME));
		spec_release(&s);
		return EXIT_OK;
	}
	const char *n = name ? name : "workspace";
	if (validate_docker_name(n, "container", &e))
		return cli_usage_error("--name", "%s", e.msg);
	*label = xstrdup(n);
	return EXIT_OK;
}

const char *cli_docker(void)
{
	const char *d = getenv("WS_LAUNCH_DOCKER");
	return d && *d ? d : "docker";
}

char *cli_launch_url(const struct cli_engine *ce, const struct launch_seen *s)
{
	return launch_url(&ce->ep, s);
}

struct image_ask {
	int *present;
};

static void on_image(struct engine_result *r, void *ctx)
{
	struct image_ask *a = ctx;
	if (r->status == ENGINE_OK && r->object)
		*a->present = r->object->exists ? 1 : 0;
}

struct presence {
	int present;
	struct err err;
};

static void on_presence(struct engine_result *r, void *ctx)
{
	struct presence *p = ctx;
	if (r->status == ENGINE_OK && r->object)
		p->present = r->object->exists ? 1 : 0;
	else
		err_set(&p->err, "%s", r->err.msg);
}

int cli_image_present(struct cli_engine *ce, const char *ref, long timeout_ms, struct err *e)
{
	struct presence p = { .present = -1 };
	err_clear(&p.err);
	unsigned id = engine_image(ce->net, &ce->t, ref, on_presence, &p);
	if (net_run_all(ce->net, timeout_ms, e)) {
		net_cancel(ce->net, id);
		return -1;
	}
	if (p.present < 0)
		err_set(e, "%s", p.err.msg[0] ? p.err.msg : "no answer");
	return p.present;
}

struct port_ask {
	struct facts *f;
	const char *launch;
	int local;
};

static void on_ports(struct engine_result *r, void *ctx)
{
	struct port_ask *a = ctx;
	struct web_port wp;
	if (r->status == ENGINE_OK && r->doc && !web_port_pick(r->doc, a->launch, a->local, &wp))
		a->f->web_port = wp.port;
}

void cli_image_facts(const struct spec *s, struct facts *f, long timeout_ms)
{
	int images = !strcmp(spec_get(s, OPT_PULL), "auto") && !spec_minimal(s);
	int port = !spec_is_set(s, OPT_PUBLISH) && !spec_minimal(s);
	if (!images && !port)
		return;
	struct endpoint ep;
	struct engine_target t;
	struct err e;
	endpoint_init(&ep);
	if (endpoint_resolve(&ep, &e) || ep.kind == EP_SSH ||
	    engine_target_init(&t, &ep, getenv("DOCKER_API_VERSION"), &e)) {
		endpoint_release(&ep);
		return; /* unknown: the plan keeps its pull step and 8080, as up would without a daemon */
	}
	struct net *net = net_new(&e);
	if (net) {
		struct image_ask ws = { &f->image_present }, side = { &f->dind_image_present };
		struct port_ask pa = { f, spec_is_none(s, OPT_NAME) ? NULL : spec_get(s, OPT_NAME), ep.kind == EP_UNIX };
		if (images) {
			engine_image(net, &t, spec_get(s, OPT_IMAGE), on_image, &ws);
			if (s->mode == MODE_DIND)
				engine_image(net, &t, spec_get(s, OPT_DIND_IMAGE), on_image, &side);
		}
		if (port) /* the web port up would choose (launch/web_port.h) */
			engine_get_json(net, &t, "/containers/json?all=1", on_ports, &pa);
		net_run_all(net, timeout_ms, &e); /* what did not answer in time stays unknown */
		net_free(net);
	}
	engine_target_release(&t);
	endpoint_release(&ep);
}
