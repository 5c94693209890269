/* daemon_caps.c - the local dockerd behind a socket: its capability bounding
 * set and its user namespace's id maps (daemon_caps.h). */
#define _GNU_SOURCE 1 /* struct ucred, SO_PEERCRED */
#include "daemon_caps.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
	"CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
	"CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

long daemon_peer_pid(const char *socket_path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, socket_path, strlen(socket_path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	long pid = -1;
	struct ucred cr;
	socklen_t len = sizeof(cr);
	if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)) && !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len))
		pid = cr.pid > 0 ? (long)cr.pid : -1;
	close(fd);
	return pid;
}

/* The CapBnd line of /proc/PID/status, -1 when unreadable. */
static int read_capbnd(long pid, uint64_t *out)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int rc = -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapBnd:", 7)) {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(line + 7, &end, 16);
			if (!errno && end != line + 7) {
				*out = (uint64_t)v;
				rc = 0;
			}
			break;
		}
	fclose(f);
	return rc;
}

int daemon_caps_missing(const char *socket, long *pid, struct strbuf *missing)
{
	*pid = daemon_peer_pid(socket);
	uint64_t bnd;
	if (*pid <= 0 || read_capbnd(*pid, &bnd))
		return -1;
	/* the capabilities this kernel knows */
	long last = 40;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (f) {
		if (fscanf(f, "%ld", &last) != 1 || last < 0 || last > 63)
			last = 40;
		fclose(f);
	}
	for (long i = 0; i <= last; i++)
		if (!(bnd & ((uint64_t)1 << i))) {
			if (missing->len)
				strbuf_addstr(missing, ", ");
			if (i < (long)(sizeof(cap_names) / sizeof(cap_names[0])))
				strbuf_addstr(missing, cap_names[i]);
			else
				strbuf_addf(missing, "capability %ld", i);
		}
	return 0;
}

int daemon_id_map_lookup(const char *map, long host_id, long *ns_id)
{
	int lines = 0;
	for (const char *p = map; p && *p;) {
		unsigned long long in, out, count;
		if (sscanf(p, "%llu %llu %llu", &in, &out, &count) == 3) {
			lines++;
			unsigned long long h = (unsigned long long)host_id;
			if (host_id >= 0 && h >= out && h - out < count) {
				*ns_id = (long)(in + (h - out));
				return 0;
			}
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return lines ? 1 : -1;
}

int daemon_ns_id(long pid, char which, long host_id, long *ns_id)
{
	char path[64], map[4096];
	snprintf(path, sizeof(path), "/proc/%ld/%s_map", pid, which == 'u' ? "uid" : "gid");
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(map, 1, sizeof(map) - 1, f);
	fclose(f);
	map[n] = '\0';
	return daemon_id_map_lookup(map, host_id, ns_id);
}
