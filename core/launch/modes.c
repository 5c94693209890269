/* modes.c - the table of the launch modes (docs/ARCHITECTURE.md, "Modes"). */
#include "modes.h"
#include "option_value.h"
#include "engine/engine.h"
#include "base/strbuf.h"

#include <stdarg.h>

#include <stdio.h>
#include <string.h>

const char *const tradeoff_titles[TO__COUNT] = {
	[TO_PRIVILEGED] = "workspace runs privileged",
	[TO_TAKEOVER] = "workspace can take over this host",
	[TO_ISOLATED] = "containers isolated from host's",
	[TO_NEEDS] = "needs on host",
	[TO_PERSIST] = "inner images persist",
};

#define COMMON_CHECKS MODE_COMMON_CHECKS

static const char *const sysbox_checks[] = { COMMON_CHECKS, "sysbox.runtime", "sysbox.services",
					     "sysbox.kernel", NULL };
static const char *const privileged_checks[] = { COMMON_CHECKS, "privilege", NULL };
static const char *const socket_checks[] = { COMMON_CHECKS, "socket.path", "socket.gid", NULL };
static const char *const tcp_checks[] = { COMMON_CHECKS, "tcp.reach", "tls.files", "tls.handshake", NULL };
static const char *const ssh_checks[] = { COMMON_CHECKS, "ssh.client", "ssh.remote", NULL };
static const char *const dind_checks[] = { COMMON_CHECKS, "privilege", "dind.image", NULL };

static const struct mode builtin[MODE__NAMED] = {
	[MODE_SYSBOX] = {
		.name = "sysbox", .title = "Sysbox runtime",
		.summary = "inner dockerd in a system container; no --privileged (Kloud's suggestion)",
		.details = "Runs the workspace with the sysbox-runc runtime, which lets an unprivileged "
			   "container run its own dockerd. WS_DOCKER_ENABLE_CLIENT=1 starts it. "
			   "Needs sysbox installed on a rootful daemon.",
		.tradeoffs = { "no", "no", "yes", "sysbox installed", "with volume" },
		.rank = 0, .checks = sysbox_checks, .example = "--name sb-ws --port 9001", .build = mode_sysbox_build,
	},
	[MODE_PRIVILEGED] = {
		.name = "privileged", .title = "Privileged dockerd",
		.summary = "inner dockerd in a --privileged workspace: full root over this host",
		.details = "Runs the workspace with --privileged so it can start its own dockerd "
			   "(WS_DOCKER_ENABLE_CLIENT=1). The inner /var/lib/docker lives on a volume to "
			   "avoid overlay-on-overlay. --privileged gives the container root over the host.",
		.tradeoffs = { "yes", "yes", "yes", "privileged allowed", "with volume" },
		.bad = { 1, 1, 0, 0, 0 },
		.rank = 5, .checks = privileged_checks, .example = "--no-data-volume", .build = mode_privileged_build,
	},
	[MODE_SOCKET] = {
		.name = "socket", .title = "Host socket",
		.summary = "mount this host's docker socket: shares the daemon, root-equivalent",
		.details = "Mounts the daemon socket into the workspace and adds its group with "
			   "--group-add. Containers started inside are siblings on this host's daemon; "
			   "paths and ports refer to this host. Socket access is root on this host; "
			   ":ro on the mount restricts nothing.",
		.tradeoffs = { "no", "yes (daemon = root)", "no (shared daemon)", "local daemon", "host's" },
		.bad = { 0, 1, 1, 0, 0 },
		.rank = 6, .checks = socket_checks, .example = "--socket /run/x.sock --group 998", .build = mode_socket_build,
	},
	[MODE_TCP] = {
		.name = "tcp", .title = "Remote daemon (TCP/TLS)",
		.summary = "DOCKER_HOST=tcp:// a remote daemon; TLS client certificates on 2376",
		.details = "Points the workspace's docker client at a remote daemon. With TLS the "
			   "client certificates are mounted read-only; without TLS (2375) anyone who "
			   "reaches the port is root on that host.",
		.tradeoffs = { "no", "no", "remote", "remote daemon", "remote's" },
		.rank = 2, .checks = tcp_checks, .example = "--host 10.0.0.5 --tls --cert-dir /etc/certs", .build = mode_tcp_build,
	},
	[MODE_SSH] = {
		.name = "ssh", .title = "Remote daemon (SSH)",
		.summary = "DOCKER_HOST=ssh:// a remote host; your key via agent forwarding",
		.details = "Points the workspace's docker client at a remote host over ssh. The key "
			   "reaches the workspace through your ssh-agent socket (or a mounted key file); "
			   "known_hosts is mounted so the host key is already trusted.",
		.tradeoffs = { "no", "no", "remote", "ssh + remote", "remote's" },
		.rank = 1, .checks = ssh_checks, .example = "--host build.example --ssh-user dev --ssh-auth none --known-hosts none", .build = mode_ssh_build,
	},
	[MODE_DIND] = {
		.name = "dind", .title = "docker:dind sidecar",
		.summary = "a privileged docker:dind sidecar on a private network, TLS by default",
		.details = "Creates a network, runs docker:dind as a privileged sidecar and points "
			   "the workspace at it over TLS with the sidecar's client certificates. The "
			   "workspace itself is not privileged; the sidecar is.",
		.tradeoffs = { "no (sidecar is)", "via the sidecar", "yes", "privileged allowed", "with volume" },
		.bad = { 0, 1, 0, 0, 0 },
		.rank = 4, .checks = dind_checks, .example = "--no-tls --network n1 --sidecar s1 -e WS_SERVER_PORT=8080", .build = mode_dind_build, .places_volume = 1,
	},
};

/* The modes that keep everything in their own file (mode_<name>.c). */
extern const struct mode mode_rootless;

static const struct mode *const mode_rows[] = {
	&builtin[MODE_SYSBOX], &builtin[MODE_PRIVILEGED], &builtin[MODE_SOCKET], &builtin[MODE_TCP],
	&builtin[MODE_SSH], &builtin[MODE_DIND], &mode_rootless,
};

const int mode_count = (int)(sizeof(mode_rows) / sizeof(mode_rows[0]));
_Static_assert(sizeof(mode_rows) / sizeof(mode_rows[0]) <= MODE_MAX, "more modes than MODE_MAX");

const struct mode *mode_get(enum mode_id id)
{
	if ((int)id < 0 || id >= MODE__COUNT)
		return NULL;
	return mode_rows[id];
}

enum mode_id mode_id_of(const struct mode *m)
{
	for (int i = 0; i < MODE__COUNT; i++)
		if (mode_rows[i] == m)
			return (enum mode_id)i;
	return MODE_NONE;
}

const struct mode *mode_by_name(const char *name)
{
	for (int i = 0; i < MODE__COUNT; i++)
		if (!strcmp(mode_rows[i]->name, name))
			return mode_rows[i];
	return NULL;
}

int mode_uses_option(enum mode_id m, enum opt_id id)
{
	const struct mode *md = mode_get(m);
	if (!md || !md->options)
		return 0;
	for (const enum opt_id *o = md->options; *o != OPT__COUNT; o++)
		if (*o == id)
			return 1;
	return 0;
}

const struct mode *mode_of_daemon(const struct engine_info *in)
{
	for (int i = 0; in && i < MODE__COUNT; i++)
		if (mode_rows[i]->daemon_secopt && engine_info_has_secopt(in, mode_rows[i]->daemon_secopt))
			return mode_rows[i];
	return NULL;
}



const char *mode_names(void)
{
	/* From the table, in its order; built once (the table is constant). */
	static char names[MODE_MAX * 16];
	if (!names[0])
		for (int i = 0; i < MODE__COUNT; i++) {
			size_t len = strlen(names);
			snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "", mode_rows[i]->name);
		}
	return names;
}

const char *mode_order_text(void)
{
	static char order[MODE_MAX * 24 + 16];
	if (!order[0]) {
		for (int rank = 0; rank < MODE__COUNT; rank++)
			for (int i = 0; i < MODE__COUNT; i++)
				if (mode_rows[i]->rank == rank) {
					size_t len = strlen(order);
					snprintf(order + len, sizeof(order) - len, "%s%s%s", len ? ", " : "",
						 mode_rows[i]->name, i == MODE_TCP ? " (TLS)" : "");
				}
		size_t len = strlen(order);
		snprintf(order + len, sizeof(order) - len, ", tcp (plain)");
	}
	return order;
}


