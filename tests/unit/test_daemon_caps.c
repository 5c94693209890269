/* test_daemon_caps.c - the capability bounding set of a socket's peer:
 * this test listens on a unix socket itself, so the "daemon" is this
 * process, whose CapBnd /proc tells independently. */
#include "engine/daemon_caps.h"
#include "t.h"

#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(void)
{
	char dir[] = "/tmp/ws-caps-XXXXXX";
	if (!mkdtemp(dir))
		return 2;
	char *path = xasprintf("%s/d.sock", dir);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(fd >= 0 && !bind(fd, (struct sockaddr *)&sa, sizeof(sa)) && !listen(fd, 4));

	/* what /proc says of this process */
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long bnd = 0;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapBnd:", 7))
			bnd = strtoull(line + 7, NULL, 16);
	if (f)
		fclose(f);
	long last = 40;
	f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	if (f) {
		if (fscanf(f, "%ld", &last) != 1)
			last = 40;
		fclose(f);
	}
	int lacks = 0;
	for (long i = 0; i <= last; i++)
		lacks += !(bnd & (1ULL << i));

	struct strbuf missing = STRBUF_INIT;
	long pid = 0;
	CHECK_INT(daemon_caps_missing(path, &pid, &missing), 0);
	CHECK_INT(pid, getpid());
	if (!lacks) {
		CHECK_INT(missing.len, 0);
	} else {
		int names = 1;
		for (size_t i = 0; i < missing.len; i++)
			names += missing.buf[i] == ',';
		CHECK_INT(names, lacks);
		if (!(bnd & (1ULL << 24))) /* CAP_SYS_RESOURCE */
			CHECK_CONTAINS(missing.buf, "CAP_SYS_RESOURCE");
	}
	/* nobody listening: cannot tell */
	strbuf_clear(&missing);
	CHECK_INT(daemon_caps_missing("/nonexistent/ws-caps.sock", &pid, &missing), -1);
	CHECK_INT(daemon_peer_pid("/nonexistent/ws-caps.sock"), -1);
	/* The peer and its id maps: this process, in the initial namespace
	 * (or whatever namespace the tests run in: the map says). */
	CHECK_INT(daemon_peer_pid(path), getpid());

	close(fd);
	unlink(path);
	rmdir(dir);
	free(path);
	strbuf_release(&missing);
	long ns = -7;
	CHECK(daemon_ns_id(getpid(), 'g', (long)getgid(), &ns) == 0);
	CHECK(ns >= 0);
	CHECK_INT(daemon_ns_id(999999999L, 'g', 0, &ns), -1);

	/* A rootless dockerd's map: its user is 0, the subordinate range from 1. */
	const char *rl = "         0       1001          1\n         1     165536      65536\n";
	CHECK_INT(daemon_id_map_lookup(rl, 1001, &ns), 0);
	CHECK_INT(ns, 0);
	CHECK_INT(daemon_id_map_lookup(rl, 165641, &ns), 0); /* the host's docker group 106 */
	CHECK_INT(ns, 106);
	CHECK_INT(daemon_id_map_lookup(rl, 165536 + 65535, &ns), 0);
	CHECK_INT(ns, 65536);
	CHECK_INT(daemon_id_map_lookup(rl, 165536 + 65536, &ns), 1); /* past the range */
	CHECK_INT(daemon_id_map_lookup(rl, 0, &ns), 1);             /* host root: unmapped */
	CHECK_INT(daemon_id_map_lookup(rl, -1, &ns), 1);
	CHECK_INT(daemon_id_map_lookup("0 0 4294967295\n", 4242, &ns), 0);
	CHECK_INT(ns, 4242);
	CHECK_INT(daemon_id_map_lookup("", 1, &ns), -1);
	CHECK_INT(daemon_id_map_lookup("garbage\nmore", 1, &ns), -1);

	return t_done("test_daemon_caps");
}
