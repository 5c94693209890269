/* checks_port.c - the web port when none is given (launch/web_port.h),
 * decided when the endpoint lists its containers; for a port given
 * explicitly and in use: who holds it. */
#include "checks_internal.h"
#include "base/jdoc.h"
#include "launch/web_port.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ck_port_auto(const struct checker *c)
{
	return !spec_is_set(&c->spec, OPT_PUBLISH) && !spec_minimal(&c->spec);
}

void ck_port_choose(struct checker *c, const struct jdoc *doc, const char *why)
{
	const char *launch = spec_is_none(&c->spec, OPT_NAME) ? NULL : spec_get(&c->spec, OPT_NAME);
	struct web_port wp;
	int first = web_port_first();
	if (web_port_pick(doc, launch, c->ep_ok && c->ep.kind == EP_UNIX, &wp)) {
		ck_set(c, CK_PORT, CHECK_FAIL, "--port PORT", "no free port in %d-%d", first,
		    first + WEB_PORT_TRIES - 1);
		return;
	}
	c->facts.web_port = wp.port;
	ck_data(c, CK_PORT, "port", "%d", wp.port);
	if (wp.own)
		ck_set(c, CK_PORT, CHECK_PASS, NULL, "127.0.0.1:%d: kept, this launch's port", wp.port);
	else
		ck_set(c, CK_PORT, CHECK_PASS, NULL, "127.0.0.1:%d is free, the first from %d%s%s%s%s%s", wp.port,
		    first, wp.skipped[0] ? " (" : "", wp.skipped, wp.skipped[0] ? ")" : "",
		    why ? "; " : "", why ? why : "");
}

static void on_ports(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	ck_op_done(c, OP_PORTS);
	const struct jdoc *d = r->status == ENGINE_OK ? r->doc : NULL;
	if (ck_pending(c, CK_PORT)) {
		ck_port_choose(c, d, d ? NULL : "the daemon's containers are not known");
		return;
	}
	/* A port given explicitly: who publishes it, named if it is in use. */
	struct publish pub;
	if (!spec_is_none(&c->spec, OPT_PUBLISH) && !publish_parse(spec_get(&c->spec, OPT_PUBLISH), &pub, NULL) &&
	    !web_port_holder(d, pub.host_port, c->port_holder, sizeof(c->port_holder)))
		c->port_holder[0] = '\0';
	c->port_listed = 1;
	ck_port_name_holder(c);
}

void ck_port_name_holder(struct checker *c)
{
	if (!c->port_listed || c->port_named || c->checks[CK_PORT].status != CHECK_FAIL ||
	    !check_data(&c->checks[CK_PORT], "busy"))
		return;
	c->port_named = 1;
	char *remedy = c->checks[CK_PORT].remedy ? xstrdup(c->checks[CK_PORT].remedy) : NULL;
	char *was = xstrdup(c->checks[CK_PORT].finding ? c->checks[CK_PORT].finding : "in use");
	ck_set(c, CK_PORT, CHECK_FAIL, remedy, "%s by %s", was,
	    c->port_holder[0] ? c->port_holder : "a process on this host");
	free(was);
	free(remedy);
}

void ck_port_ask(struct checker *c)
{
	if (!c->wanted[CK_PORT] || spec_is_none(&c->spec, OPT_PUBLISH))
		return;
	c->ids[OP_PORTS] = engine_get_json(c->net, &c->target, "/containers/json?all=1", on_ports, &c->ctx[OP_PORTS]);
}
