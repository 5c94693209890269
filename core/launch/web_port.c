/* web_port.c - the web port of a launch given none (web_port.h). */
#include "web_port.h"
#include "launch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WEB_CONTAINER_PORT 8080

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
int web_port_holder(const struct jdoc *d, int port, char *who, size_t size)
{
	int root = d ? jdoc_root(d) : -1;
	for (size_t i = 0; root >= 0 && i < jdoc_count(d, root); i++)
		if (publishes(d, jdoc_at(d, root, i), port, NULL, NULL, who, size))
			return 1;
	return 0;
}

int web_port_first(void)
{
	const char *v = getenv("WS_LAUNCH_WEB_PORT_FROM");
	char *end;
	errno = 0;
	long p = v && *v ? strtol(v, &end, 10) : 0;
	return v && *v && !errno && !*end && p >= 1024 && p <= 65000 ? (int)p : WEB_PORT_FIRST;
}

int web_port_pick(const struct jdoc *doc, const char *launch, int local, struct web_port *out)
{
	int own = 0, root = doc ? jdoc_root(doc) : -1;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; root >= 0 && i < jdoc_count(doc, root); i++)
		publishes(doc, jdoc_at(doc, root, i), -1, &own, launch, NULL, 0);
	if (own > 0) {
		out->port = own;
		out->own = 1;
		return 0;
	}
	int first = web_port_first();
	for (int port = first; port < first + WEB_PORT_TRIES; port++) {
		char who[160];
		if (web_port_holder(doc, port, who, sizeof(who)) ||
		    (local && host_holds(port) && snprintf(who, sizeof(who), "a process on this host"))) {
			if (!out->skipped[0])
				snprintf(out->skipped, sizeof(out->skipped), "%d: %s", port, who);
			continue;
		}
		out->port = port;
		return 0;
	}
	return -1;
}
