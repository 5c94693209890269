/* daemon_caps.h - facts about the local dockerd behind a unix socket, read
 * from /proc: its capability bounding set and its user namespace's id maps.
 *
 * The capability bounding set: the socket's peer process (SO_PEERCRED), read from
 * /proc/PID/status.  `--privileged` asks the runtime for every capability
 * the kernel knows; a daemon started without some (a container host, a
 * systemd unit with CapabilityBoundingSet=) cannot give them, and runc
 * then fails to start the container. */
#ifndef WS_DAEMON_CAPS_H
#define WS_DAEMON_CAPS_H

#include "base/strbuf.h"

/* 0 with *PID and, into MISSING, the names of the capabilities the kernel
 * knows that the process behind SOCKET lacks ("" when none: comma
 * separated otherwise); -1 when it cannot tell (not local, no permission,
 * no /proc). */
int daemon_caps_missing(const char *socket, long *pid, struct strbuf *missing);

/* The process behind the unix socket SOCKET (SO_PEERCRED, as this process's
 * namespace numbers it), -1 when nothing answers there. */
long daemon_peer_pid(const char *socket);

/* HOST_ID (a uid, WHICH 'u', or gid, 'g', as this host numbers it) as the
 * user namespace of PID sees it, from /proc/PID/{uid,gid}_map: 0 with
 * *NS_ID; 1 when it has no mapping there (it shows as the overflow id,
 * 65534, and gives no access); -1 when the map is unreadable.  A dockerd run
 * by a user maps that user to 0 in its namespace and the subordinate ids
 * from 1: what a container of that daemon sees. */
int daemon_ns_id(long pid, char which, long host_id, long *ns_id);
/* The lookup itself, over the text of an id map ("NS HOST COUNT" lines);
 * same results. */
int daemon_id_map_lookup(const char *map, long host_id, long *ns_id);

#endif
