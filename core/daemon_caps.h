/* daemon_caps.h - the capability bounding set of the local dockerd behind a
 * unix socket: the socket's peer process (SO_PEERCRED), read from
 * /proc/PID/status.  `--privileged` asks the runtime for every capability
 * the kernel knows; a daemon started without some (a container host, a
 * systemd unit with CapabilityBoundingSet=) cannot give them, and runc
 * then fails to start the container. */
#ifndef WS_DAEMON_CAPS_H
#define WS_DAEMON_CAPS_H

#include "strbuf.h"

/* 0 with *PID and, into MISSING, the names of the capabilities the kernel
 * knows that the process behind SOCKET lacks ("" when none: comma
 * separated otherwise); -1 when it cannot tell (not local, no permission,
 * no /proc). */
int daemon_caps_missing(const char *socket, long *pid, struct strbuf *missing);

#endif
