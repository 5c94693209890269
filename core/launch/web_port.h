/* web_port.h - the web port of a launch when none is given: the launch's
 * own (a container labelled with it publishing 8080: relaunch, --recreate
 * and upgrade keep it), else the first from 8080 (web_port_first) up that no container on
 * the endpoint publishes and, when LOCAL, no process on this host holds on
 * 127.0.0.1.  DOC is the Engine API's GET /containers/json?all=1 (NULL:
 * unknown, only this host is asked).  Nothing allocates. */
#ifndef WS_WEB_PORT_H
#define WS_WEB_PORT_H

#include "base/jdoc.h"

#include <stddef.h>

#define WEB_PORT_FIRST 8080
#define WEB_PORT_TRIES 200
/* Where the search starts: $WS_LAUNCH_WEB_PORT_FROM (1024-65000; a host
 * whose 8080s belong to something else), else WEB_PORT_FIRST. */
int web_port_first(void);

struct web_port {
	int port;
	int own;            /* the launch's own port */
	char skipped[200];  /* the first port skipped and who holds it, "" */
};

/* 0, or -1 when no port of the range is free. */
int web_port_pick(const struct jdoc *doc, const char *launch, int local, struct web_port *out);
/* 1 with WHO ("the launch L (container C)" / "the container C") when a
 * container in DOC publishes PORT. */
int web_port_holder(const struct jdoc *doc, int port, char *who, size_t size);

#endif
