/* options.c - the option schema table and its validators. */
#include "options.h"
#include "inner.h"
#include "modes.h"
#include "base/imageref.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/validate.h"
#include "limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const pull_choices[] = { "auto", "always", "never", NULL };
static const char *const ssh_auth_choices[] = { "auto", "agent", "key", "none", NULL };
static const char *const iptables_choices[] = { "auto", "nft", "legacy", "off", NULL };
static const char *const verify_choices[] = { "quick", "full", NULL };

static int check_container(const char *v, struct err *e)
{
	return validate_docker_name(v, "container", e);
}

/* The launch's name also names its volume, sidecar, network and dind
 * volumes (option_def.derive): it must leave room for the longest suffix
 * within Docker's 128 characters, or a derived name would fail later. */
static int check_launch_name(const char *v, struct err *e)
{
	if (validate_docker_name(v, "container", e))
		return -1;
	const char *longest = "";
	for (int i = 0; i < OPT__COUNT; i++)
		if (option_table[i].derive && strlen(option_table[i].derive) > strlen(longest))
			longest = option_table[i].derive;
	size_t max = 128 - strlen(longest);
	if (strlen(v) > max)
		return err_set(e, "a launch name has at most %zu characters (it also names NAME%s, within Docker's 128); "
			       "this one has %zu", max, longest, strlen(v));
	return 0;
}

static int check_network(const char *v, struct err *e)
{
	if (!strcmp(v, "host") || !strcmp(v, "bridge"))
		return err_set(e, "'%s' is a predefined docker network; choose a name of your own", v);
	return validate_docker_name(v, "network", e);
}

static int check_volume_name(const char *v, struct err *e)
{
	return validate_docker_name(v, "volume", e);
}

/* Workspace volume: a named volume or an absolute host path. */
static int check_volume(const char *v, struct err *e)
{
	if (v[0] == '/')
		return validate_mount_path(v, e);
	return validate_docker_name(v, "volume", e);
}

static int check_abs_path(const char *v, struct err *e)
{
	if (v[0] != '/') {
		char *s = show_dup(v, 64);
		err_set(e, "%s is not an absolute path", s);
		free(s);
		return -1;
	}
	return 0;
}

static int check_publish(const char *v, struct err *e)
{
	struct publish p;
	return publish_parse(v, &p, e);
}

/* The web check's path: absolute, printable, no spaces (it goes into a URL). */
static int check_http_path(const char *v, struct err *e)
{
	if (v[0] != '/')
		return err_set(e, "must start with '/' (a path on the web port, e.g. /healthz)");
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '#')
			return err_set(e, "a URL path has no spaces, control characters or '#'");
	return 0;
}

static int check_gid(const char *v, struct err *e)
{
	return validate_gid(v, NULL, e);
}

#define ALL MODES_ALL
#define LIMIT (OF_NONE_OK | OF_ADVANCED | OF_SPARSE)
#define M(x) MODE_BIT(MODE_##x)
#define INNER (M(PRIVILEGED) | M(SYSBOX) | M(DIND))

const struct option_def option_table[OPT__COUNT] = {
	[OPT_IMAGE] = { .id = OPT_IMAGE, .flag = "image", .key = "image", .label = "Image",
		.type = OT_STRING, .modes = ALL, .flags = OF_COMMON | OF_SAVED,
		.def = "ghcr.io/kloudkit/workspace:v0.0.21", .check = validate_image,
		.meta = "REF", .help = "workspace image reference" },
	[OPT_NAME] = { .id = OPT_NAME, .flag = "name", .key = "name", .label = "Container name",
		.type = OT_STRING, .modes = ALL, .flags = OF_COMMON | OF_NONE_OK | OF_SAVED,
		.def = "workspace", .minimal_def = "none", .check = check_launch_name,
		.meta = "NAME", .help = "workspace container name (also names the launch)" },
	[OPT_DETACH] = { .id = OPT_DETACH, .flag = "detach", .key = "detach", .label = "Detach",
		.type = OT_BOOL, .modes = ALL, .flags = OF_COMMON | OF_ADVANCED,
		.def = "true", .minimal_def = "false",
		.help = "run the workspace in the background (-d)" },
	[OPT_PUBLISH] = { .id = OPT_PUBLISH, .flag = "publish", .key = "publish", .label = "Publish",
		.type = OT_STRING, .modes = ALL, .flags = OF_COMMON | OF_NONE_OK | OF_SAVED,
		.detect = DET_WEB_PORT, .def = "127.0.0.1:8080:8080", .minimal_def = "none", .check = check_publish,
		.meta = "[IP:]PORT:8080", .help = "web port mapping (--port/--bind edit its parts; default: the first free port from 8080)" },
	[OPT_VOLUME] = { .id = OPT_VOLUME, .flag = "volume", .key = "volume", .label = "Workspace volume",
		.type = OT_STRING, .modes = ALL, .flags = OF_COMMON | OF_NONE_OK | OF_SAVED,
		.def = "workspace", .derive = "", .minimal_def = "none", .check = check_volume,
		.meta = "NAME|PATH", .help = "volume or host directory mounted at /workspace" },
	[OPT_ENV_FILE] = { .id = OPT_ENV_FILE, .flag = "env-file", .key = "env_file", .label = "Env file",
		.type = OT_STRING, .modes = ALL, .flags = OF_COMMON | OF_NONE_OK | OF_ADVANCED,
		.def = "none", .check = check_abs_path,
		.meta = "PATH", .help = "env file for secrets such as WS_AUTH_PASSWORD (mode 0600)" },
	[OPT_PULL] = { .id = OPT_PULL, .flag = "pull", .key = "pull", .label = "Pull image",
		.type = OT_CHOICE, .modes = ALL, .flags = OF_COMMON | OF_ADVANCED,
		.def = "auto", .minimal_def = "never", .choices = pull_choices,
		.meta = "auto|always|never", .help = "pull step: auto = only when the image is not present" },
	[OPT_MINIMAL] = { .id = OPT_MINIMAL, .flag = "minimal", .key = "minimal", .label = "Docs form",
		.type = OT_BOOL, .modes = ALL, .flags = OF_ADVANCED,
		.def = "false",
		.help = "the commands exactly as the Kloud docs show them" },
	[OPT_DATA_VOLUME] = { .id = OPT_DATA_VOLUME, .flag = "data-volume", .key = "privileged.data_volume",
		.label = "Inner data volume", .type = OT_STRING, .modes = M(PRIVILEGED),
		.flags = OF_NONE_OK, .def = "ws-docker", .derive = "-docker", .minimal_def = "none", .check = check_volume_name,
		.meta = "NAME", .help = "volume for the inner /var/lib/docker" },
	[OPT_USERNS_HOST] = { .id = OPT_USERNS_HOST, .flag = "userns-host", .key = "userns_host",
		.label = "--userns=host", .type = OT_BOOL, .modes = M(PRIVILEGED) | M(DIND),
		.flags = OF_AUTO | OF_ADVANCED, .detect = DET_USERNS, .def = NULL,
		.help = "add --userns=host (auto: when the daemon uses userns-remap)" },
	[OPT_SOCKET] = { .id = OPT_SOCKET, .flag = "socket", .key = "socket.path", .label = "Socket",
		.type = OT_STRING, .modes = M(SOCKET), .flags = OF_AUTO, .detect = DET_SOCKET, .def = NULL,
		.check = validate_mount_path, .meta = "PATH",
		.help = "daemon socket to mount (auto: the local daemon's)" },
	[OPT_GROUP] = { .id = OPT_GROUP, .flag = "group", .key = "socket.group", .label = "Socket group id",
		.type = OT_STRING, .modes = M(SOCKET), .flags = OF_AUTO, .detect = DET_SOCKET_GROUP, .def = NULL,
		.check = check_gid, .meta = "GID",
		.help = "numeric group added with --group-add (auto: the socket's group)" },
	[OPT_TCP_HOST] = { .id = OPT_TCP_HOST, .flag = "host", .key = "tcp.host", .label = "Daemon host",
		.type = OT_STRING, .modes = M(TCP), .flags = OF_AUTO, .detect = DET_TCP_HOST, .def = NULL,
		.check = validate_host, .meta = "HOST",
		.help = "remote daemon host name or address" },
	[OPT_TCP_PORT] = { .id = OPT_TCP_PORT, .flag = "tcp-port", .key = "tcp.port", .label = "Daemon port",
		.type = OT_PORT, .modes = M(TCP), .flags = OF_AUTO, .detect = DET_TCP_PORT, .def = NULL,
		.meta = "PORT", .help = "daemon port (auto: the endpoint's, else 2376 with TLS, 2375)" },
	[OPT_TLS] = { .id = OPT_TLS, .flag = "tls", .key = "tcp.tls", .label = "TLS",
		.type = OT_BOOL, .modes = M(TCP), .flags = OF_AUTO, .detect = DET_TLS, .def = NULL, .minimal_def = "false",
		.help = "verify the daemon with TLS client certificates (auto: when certificates are found)" },
	[OPT_CERT_DIR] = { .id = OPT_CERT_DIR, .flag = "cert-dir", .key = "tcp.cert_dir",
		.label = "Certificate dir", .type = OT_STRING, .modes = M(TCP), .flags = OF_AUTO, .detect = DET_CERT_DIR,
		.def = NULL, .check = validate_mount_path, .meta = "DIR",
		.help = "directory with ca.pem, cert.pem, key.pem (auto: DOCKER_CERT_PATH or the context's)" },
	[OPT_SSH_USER] = { .id = OPT_SSH_USER, .flag = "ssh-user", .key = "ssh.user", .label = "SSH user",
		.type = OT_STRING, .modes = M(SSH), .flags = OF_AUTO, .detect = DET_USER, .def = NULL,
		.check = validate_ssh_user, .meta = "USER", .help = "login on the remote host (auto: yours)" },
	[OPT_SSH_HOST] = { .id = OPT_SSH_HOST, .flag = "host", .key = "ssh.host", .label = "SSH host",
		.type = OT_STRING, .modes = M(SSH), .flags = OF_AUTO, .def = NULL,
		.check = validate_host, .meta = "HOST", .help = "remote host running docker" },
	[OPT_SSH_PORT] = { .id = OPT_SSH_PORT, .flag = "ssh-port", .key = "ssh.port", .label = "SSH port",
		.type = OT_PORT, .modes = M(SSH), .flags = OF_NONE_OK, .def = "none",
		.meta = "PORT", .help = "ssh port (none: ssh's default)" },
	[OPT_SSH_AUTH] = { .id = OPT_SSH_AUTH, .flag = "ssh-auth", .key = "ssh.auth", .label = "Key access",
		.type = OT_CHOICE, .modes = M(SSH), .flags = OF_AUTO, .detect = DET_SSH_AUTH, .def = NULL, .minimal_def = "none",
		.choices = ssh_auth_choices, .meta = "agent|key|none",
		.help = "how the workspace gets your key (auto: agent when SSH_AUTH_SOCK is set)" },
	[OPT_SSH_KEY] = { .id = OPT_SSH_KEY, .flag = "ssh-key", .key = "ssh.key", .label = "Key file",
		.type = OT_STRING, .modes = M(SSH), .flags = OF_NONE_OK, .def = "none",
		.check = validate_mount_path, .meta = "PATH",
		.help = "private key mounted read-only with --ssh-auth key" },
	[OPT_KNOWN_HOSTS] = { .id = OPT_KNOWN_HOSTS, .flag = "known-hosts", .key = "ssh.known_hosts",
		.label = "known_hosts", .type = OT_STRING, .modes = M(SSH), .flags = OF_AUTO | OF_NONE_OK, .detect = DET_KNOWN_HOSTS,
		.def = NULL, .minimal_def = "none", .check = validate_mount_path, .meta = "PATH",
		.help = "known_hosts mounted read-only (auto: ~/.ssh/known_hosts when present)" },
	[OPT_DIND_NETWORK] = { .id = OPT_DIND_NETWORK, .flag = "network", .key = "dind.network",
		.label = "Network", .type = OT_STRING, .modes = M(DIND), .def = "dind", .derive = "-dind",
		.check = check_network, .meta = "NAME", .help = "network shared by the workspace and the sidecar" },
	[OPT_DIND_SIDECAR] = { .id = OPT_DIND_SIDECAR, .flag = "sidecar", .key = "dind.sidecar",
		.label = "Sidecar name", .type = OT_STRING, .modes = M(DIND), .def = "dind", .derive = "-dind",
		.check = check_container, .meta = "NAME", .help = "dind sidecar container name" },
	[OPT_DIND_IMAGE] = { .id = OPT_DIND_IMAGE, .flag = "dind-image", .key = "dind.image",
		.label = "Sidecar image", .type = OT_STRING, .modes = M(DIND), .def = "docker:dind",
		.check = validate_image, .meta = "REF", .help = "dind sidecar image" },
	[OPT_DIND_TLS] = { .id = OPT_DIND_TLS, .flag = "tls", .key = "dind.tls", .label = "TLS",
		.type = OT_BOOL, .modes = M(DIND), .def = "true", .minimal_def = "false",
		.help = "TLS between the workspace and the sidecar (off: the docs form on 2375)" },
	[OPT_DIND_DATA_VOLUME] = { .id = OPT_DIND_DATA_VOLUME, .flag = "data-volume",
		.key = "dind.data_volume", .label = "Sidecar data volume", .type = OT_STRING,
		.modes = M(DIND), .flags = OF_NONE_OK | OF_ADVANCED, .def = "ws-dind-data", .derive = "-dind-data",
		.minimal_def = "none", .check = check_volume_name, .meta = "NAME",
		.help = "volume for the sidecar's /var/lib/docker (keeps inner images)" },
	[OPT_DIND_CERTS_VOLUME] = { .id = OPT_DIND_CERTS_VOLUME, .flag = "certs-volume",
		.key = "dind.certs_volume", .label = "Client certs volume", .type = OT_STRING,
		.modes = M(DIND), .flags = OF_ADVANCED, .def = "ws-dind-certs", .derive = "-dind-certs", .check = check_volume_name,
		.meta = "NAME", .help = "volume sharing the sidecar's TLS client certificates" },
	[OPT_VERIFY_HTTP] = { .id = OPT_VERIFY_HTTP, .flag = "verify-http", .key = "verify_http",
		.label = "Web check path", .type = OT_STRING, .modes = ALL, .flags = OF_ADVANCED | OF_NONE_OK,
		.def = "/healthz", .check = check_http_path, .meta = "PATH",
		.help = "path that must answer 2xx on the web port (none: any answer)" },
	[OPT_CPUS] = { .id = OPT_CPUS, .flag = "cpus", .key = "cpus", .label = "CPUs",
		.type = OT_STRING, .modes = ALL, .flags = LIMIT, .def = "none", .check = limits_check_cpus,
		.meta = "N", .help = "CPUs the workspace may use, e.g. 1.5 (dind: --dind-cpus limits the sidecar)" },
	[OPT_MEMORY] = { .id = OPT_MEMORY, .flag = "memory", .key = "memory", .label = "Memory",
		.type = OT_STRING, .modes = ALL, .flags = LIMIT, .def = "none", .check = limits_check_memory,
		.meta = "SIZE", .help = "memory limit of the workspace, e.g. 4g (dind: --dind-memory limits the sidecar)" },
	[OPT_PIDS_LIMIT] = { .id = OPT_PIDS_LIMIT, .flag = "pids-limit", .key = "pids_limit",
		.label = "Process limit", .type = OT_STRING, .modes = ALL, .flags = LIMIT, .def = "none",
		.check = limits_check_pids, .meta = "N", .help = "most processes in the workspace at once" },
	[OPT_SHM_SIZE] = { .id = OPT_SHM_SIZE, .flag = "shm-size", .key = "shm_size", .label = "/dev/shm size",
		.type = OT_STRING, .modes = ALL, .flags = LIMIT, .def = "none", .check = limits_check_size,
		.meta = "SIZE", .help = "size of the workspace's /dev/shm, e.g. 1g (docker's default: 64m)" },
	[OPT_DIND_CPUS] = { .id = OPT_DIND_CPUS, .flag = "dind-cpus", .key = "dind.cpus", .label = "Sidecar CPUs",
		.type = OT_STRING, .modes = M(DIND), .flags = LIMIT, .def = "none", .check = limits_check_cpus,
		.meta = "N", .help = "CPUs the dind sidecar (and what runs inside it) may use" },
	[OPT_DIND_MEMORY] = { .id = OPT_DIND_MEMORY, .flag = "dind-memory", .key = "dind.memory",
		.label = "Sidecar memory", .type = OT_STRING, .modes = M(DIND), .flags = LIMIT, .def = "none",
		.check = limits_check_memory, .meta = "SIZE", .help = "memory limit of the dind sidecar" },
	[OPT_INNER_MIRROR] = { .id = OPT_INNER_MIRROR, .flag = "inner-registry-mirror", .key = "inner.registry_mirror",
		.label = "Registry mirror", .type = OT_STRING, .modes = INNER, .flags = OF_NONE_OK | OF_LIST | OF_ADVANCED | OF_QUIET_DEF,
		.def = "none", .check = inner_check_mirror, .meta = "URL",
		.help = "registry mirror of the inner daemon (repeatable)" },
	[OPT_INNER_INSECURE] = { .id = OPT_INNER_INSECURE, .flag = "inner-insecure-registry",
		.key = "inner.insecure_registry", .label = "Insecure registry", .type = OT_STRING, .modes = INNER,
		.flags = OF_NONE_OK | OF_LIST | OF_ADVANCED | OF_QUIET_DEF, .def = "none", .check = inner_check_insecure,
		.meta = "HOST", .help = "registry the inner daemon reaches without TLS (repeatable)" },
	[OPT_INNER_MTU] = { .id = OPT_INNER_MTU, .flag = "inner-mtu", .key = "inner.mtu", .label = "Inner MTU",
		.type = OT_STRING, .modes = INNER, .flags = OF_NONE_OK | OF_ADVANCED | OF_QUIET_DEF, .def = "none",
		.check = inner_check_mtu, .meta = "N", .help = "MTU of the inner daemon's networks" },
	[OPT_INNER_POOL] = { .id = OPT_INNER_POOL, .flag = "inner-address-pool", .key = "inner.address_pool",
		.label = "Inner address pool", .type = OT_STRING, .modes = INNER, .flags = OF_NONE_OK | OF_ADVANCED | OF_QUIET_DEF,
		.def = "none", .check = inner_check_pool, .meta = "CIDR/SIZE",
		.help = "the inner daemon's network pool (10.200.0.0/16/24: /24 networks)" },
	[OPT_INNER_IPTABLES] = { .id = OPT_INNER_IPTABLES, .flag = "inner-iptables", .key = "inner.iptables",
		.label = "Inner iptables", .type = OT_CHOICE, .modes = INNER, .flags = OF_ADVANCED | OF_QUIET_DEF, .def = "auto",
		.choices = iptables_choices, .meta = "auto|nft|legacy|off",
		.help = "the inner daemon's iptables (nft, legacy: dind only; off: no rules)" },
	/* How much verification proves; neither shapes an object (not in the digest). */
	[OPT_VERIFY] = { .id = OPT_VERIFY, .flag = "verify", .key = "verify", .label = "Verification",
		.type = OT_CHOICE, .modes = INNER, .flags = OF_ADVANCED, .def = "quick", .choices = verify_choices,
		.meta = "quick|full",
		.help = "full: also pull --verify-image with the inner daemon and run it (through its mirror)" },
	[OPT_VERIFY_IMAGE] = { .id = OPT_VERIFY_IMAGE, .flag = "verify-image", .key = "verify_image",
		.label = "Verify image", .type = OT_STRING, .modes = INNER, .flags = OF_ADVANCED,
		.def = "busybox:latest", .check = validate_image, .meta = "REF",
		.help = "the small image --verify full pulls and runs inside (it needs a 'true')" },
};

const struct option_def *option_get(enum opt_id id)
{
	if ((int)id < 0 || id >= OPT__COUNT)
		return NULL;
	return &option_table[id];
}

int option_applies(const struct option_def *def, enum mode_id mode)
{
	return mode == MODE_NONE || (def->modes & MODE_BIT(mode)) || mode_uses_option(mode, def->id);
}

unsigned option_modes(const struct option_def *def)
{
	if (def->modes == MODES_ALL)
		return MODES_ALL;
	unsigned m = def->modes;
	for (int i = 0; i < MODE__COUNT; i++)
		if (mode_uses_option((enum mode_id)i, def->id))
			m |= MODE_BIT(i);
	return m;
}

const struct option_def *option_by_flag(const char *flag, enum mode_id mode)
{
	for (int i = 0; i < OPT__COUNT; i++)
		if (!strcmp(option_table[i].flag, flag) && option_applies(&option_table[i], mode))
			return &option_table[i];
	return NULL;
}

const struct option_def *option_by_key(const char *key)
{
	for (int i = 0; i < OPT__COUNT; i++)
		if (!strcmp(option_table[i].key, key))
			return &option_table[i];
	return NULL;
}

int option_validate(const struct option_def *def, const char *v, struct err *e)
{
	if (validate_text(v, e))
		return -1;
	if ((def->flags & OF_AUTO) && !strcmp(v, "auto"))
		return 0;
	if ((def->flags & OF_NONE_OK) && !strcmp(v, "none"))
		return 0;
	switch (def->type) {
	case OT_BOOL: {
		int b;
		return parse_bool(v, &b, e);
	}
	case OT_PORT:
		return validate_port(v, NULL, e);
	case OT_CHOICE:
		for (const char *const *c = def->choices; *c; c++)
			if (!strcmp(*c, v))
				return 0;
		{
			char *s = show_dup(v, 32);
			err_set(e, "%s is not one of %s", s, def->meta ? def->meta : "the choices");
			free(s);
		}
		return -1;
	case OT_STRING:
		if (!*v)
			return err_set(e, "empty value");
		break;
	}
	return def->check ? def->check(v, e) : 0;
}

int publish_parse(const char *s, struct publish *out, struct err *e)
{
	char *sv;
	memset(out, 0, sizeof(*out));
	const char *rest = s;
	/* Optional bind address: [v6]: or a.b.c.d: */
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':' || (size_t)(close - s + 1) >= sizeof(out->bind))
			goto bad;
		memcpy(out->bind, s, (size_t)(close - s) + 1);
		out->bind[close - s + 1] = '\0';
		if (validate_ip(out->bind, NULL))
			goto bad;
		rest = close + 2;
	} else {
		int colons = 0;
		for (const char *p = s; *p; p++)
			colons += *p == ':';
		if (colons == 2) {
			const char *c = strchr(s, ':');
			if ((size_t)(c - s) >= sizeof(out->bind))
				goto bad;
			memcpy(out->bind, s, (size_t)(c - s));
			out->bind[c - s] = '\0';
			if (validate_ip(out->bind, NULL))
				goto bad;
			rest = c + 1;
		} else if (colons != 1) {
			goto bad;
		}
	}
	const char *c = strchr(rest, ':');
	if (!c)
		goto bad;
	char hp[8], cp[8];
	size_t hl = (size_t)(c - rest);
	if (hl == 0 || hl >= sizeof(hp) || strlen(c + 1) >= sizeof(cp))
		goto bad;
	memcpy(hp, rest, hl);
	hp[hl] = '\0';
	snprintf(cp, sizeof(cp), "%s", c + 1);
	if (validate_port(hp, &out->host_port, e) || validate_port(cp, &out->container_port, e))
		return -1;
	return 0;
bad:
	sv = show_dup(s, 64);
	err_set(e, "%s is not a port mapping (expected [IP:]HOSTPORT:CONTAINERPORT, e.g. 127.0.0.1:8080:8080)", sv);
	free(sv);
	return -1;
}

void publish_format(const struct publish *p, char *buf, unsigned long size)
{
	if (p->bind[0])
		snprintf(buf, size, "%s:%d:%d", p->bind, p->host_port, p->container_port);
	else
		snprintf(buf, size, "%d:%d", p->host_port, p->container_port);
}
