/* checks_port.c - the web port when none is given: the first from 8080 up
 * that no container on the endpoint publishes (GET /containers/json) and,
 * on a local endpoint, no process here listens on; a launch that exists
 * keeps its own.  For a port given explicitly and in use: who holds it. */
#include "checks_internal.h"
#include "base/jdoc.h"
#include "launch/launch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT_FIRST 8080
#define PORT_TRIES 200
#define WEB_CONTAINER_PORT 8080

int ck_port_auto(const struct checker *c)
{
	return !spec_is_set(&c->spec, OPT_PUBLISH) && !spec_minimal(&c->spec);
}

/* 1 when a process on this host holds 127.0.0.1:PORT. */
static int host_holds(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int busy = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) && errno == EADDRINUSE;
	close(fd);
	return busy;
}

/* The published host ports of one /containers/json entry; the holder's
 * name ("launch X" or "container X") for PORT, else NULL. */
static int publishes(const struct jdoc *d, int ctr, int port, int *own_port, const char *launch,
		     char *who, size_t size)
{
	int labels = jdoc_get(d, ctr, "Labels", NULL);
	int l = labels >= 0 ? jdoc_member(d, labels, LABEL_LAUNCH) : -1;
	const char *lname = l >= 0 ? jdoc_string(d, l, NULL) : NULL;
	int names = jdoc_member(d, ctr, "Names");
	const char *cname = names >= 0 && jdoc_count(d, names) ? jdoc_string(d, jdoc_at(d, names, 0), "?") : "?";
	if (cname[0] == '/')
		cname++;
	int ports = jdoc_member(d, ctr, "Ports");
	int hit = 0;
	for (size_t i = 0; ports >= 0 && i < jdoc_count(d, ports); i++) {
		int p = jdoc_at(d, ports, i);
		long long pub = jdoc_int(d, jdoc_member(d, p, "PublicPort"), 0);
		long long priv = jdoc_int(d, jdoc_member(d, p, "PrivatePort"), 0);
		if (pub <= 0)
			continue;
		if (own_port && lname && launch && !strcmp(lname, launch) && priv == WEB_CONTAINER_PORT)
			*own_port = (int)pub;
		if (pub == port)
			hit = 1;
	}
	if (hit && who) {
		if (lname)
			snprintf(who, size, "the launch %s (container %s)", lname, cname);
		else
			snprintf(who, size, "the container %s", cname);
	}
	return hit;
}

/* Who on the endpoint publishes PORT (into WHO), 1 when one does. */
static int endpoint_holds(const struct jdoc *d, int port, char *who, size_t size)
{
	int root = d ? jdoc_root(d) : -1;
	for (size_t i = 0; root >= 0 && i < jdoc_count(d, root); i++)
		if (publishes(d, jdoc_at(d, root, i), port, NULL, NULL, who, size))
			return 1;
	return 0;
}

/* Chooses the port from what the endpoint publishes (DOC; NULL: unknown). */
void ck_port_choose(struct checker *c, const struct jdoc *doc, const char *why)
{
	const char *launch = spec_is_none(&c->spec, OPT_NAME) ? NULL : spec_get(&c->spec, OPT_NAME);
	int local = c->ep_ok && c->ep.kind == EP_UNIX;
	int own = 0, root = doc ? jdoc_root(doc) : -1;
	for (size_t i = 0; root >= 0 && i < jdoc_count(doc, root); i++)
		publishes(doc, jdoc_at(doc, root, i), -1, &own, launch, NULL, 0);
	if (own > 0) {
		c->facts.web_port = own;
		ck_data(c, CK_PORT, "port", "%d", own);
		ck_set(c, CK_PORT, CHECK_PASS, NULL, "127.0.0.1:%d: kept, this launch's port", own);
		return;
	}
	char first[200] = "";
	for (int port = PORT_FIRST; port < PORT_FIRST + PORT_TRIES; port++) {
		char who[160];
		if (endpoint_holds(doc, port, who, sizeof(who)) ||
		    (local && host_holds(port) && snprintf(who, sizeof(who), "a process on this host"))) {
			if (!first[0])
				snprintf(first, sizeof(first), " (%d: %s)", port, who);
			continue;
		}
		c->facts.web_port = port;
		ck_data(c, CK_PORT, "port", "%d", port);
		ck_set(c, CK_PORT, CHECK_PASS, NULL, "127.0.0.1:%d is free, the first from %d%s%s%s", port,
		    PORT_FIRST, first, why ? "; " : "", why ? why : "");
		return;
	}
	ck_set(c, CK_PORT, CHECK_FAIL, "--port PORT", "no free port in %d-%d", PORT_FIRST,
	    PORT_FIRST + PORT_TRIES - 1);
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
	/* A port given explicitly and in use: name who holds it. */
	const char *port = check_data(&c->checks[CK_PORT], "port");
	char who[160];
	long p = port ? strtol(port, NULL, 10) : 0;
	if (c->checks[CK_PORT].status != CHECK_FAIL || !check_data(&c->checks[CK_PORT], "busy") || p <= 0)
		return;
	if (!endpoint_holds(d, (int)p, who, sizeof(who)))
		snprintf(who, sizeof(who), "a process on this host");
	char *remedy = c->checks[CK_PORT].remedy ? xstrdup(c->checks[CK_PORT].remedy) : NULL;
	ck_set(c, CK_PORT, CHECK_FAIL, remedy, "port %ld is in use by %s", p, who);
	free(remedy);
}

void ck_port_ask(struct checker *c)
{
	if (!c->wanted[CK_PORT] || (!ck_pending(c, CK_PORT) && !check_data(&c->checks[CK_PORT], "busy")))
		return;
	c->ids[OP_PORTS] = engine_get_json(c->net, &c->target, "/containers/json?all=1", on_ports, &c->ctx[OP_PORTS]);
}
