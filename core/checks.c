/* checks.c - the prerequisite checks (docs/ARCHITECTURE.md, "Checks"), run concurrently. */
#include "checks.h"
#include "ytree.h"
#include "endpoint.h"
#include "engine.h"
#include "imageref.h"
#include "modes.h"
#include "proc.h"
#include "registry.h"
#include "show.h"
#include "strbuf.h"
#include "validate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define REMOTE_TIMEOUT_DEFAULT 5000L
#define SSH_GRACE_MS 500

const struct check_def check_defs[CK__COUNT] = {
	[CK_CLI] = { CK_CLI, "cli", "docker client" },
	[CK_ENGINE] = { CK_ENGINE, "engine", "Docker engine" },
	[CK_ENDPOINT] = { CK_ENDPOINT, "endpoint", "endpoint" },
	[CK_IMAGE] = { CK_IMAGE, "image", "workspace image" },
	[CK_NAMES] = { CK_NAMES, "names", "names" },
	[CK_PORT] = { CK_PORT, "port", "web port" },
	[CK_SYSBOX_RUNTIME] = { CK_SYSBOX_RUNTIME, "sysbox.runtime", "sysbox runtime" },
	[CK_SYSBOX_SERVICES] = { CK_SYSBOX_SERVICES, "sysbox.services", "sysbox services" },
	[CK_SYSBOX_KERNEL] = { CK_SYSBOX_KERNEL, "sysbox.kernel", "kernel for sysbox" },
	[CK_PRIVILEGE] = { CK_PRIVILEGE, "privilege", "privileged containers" },
	[CK_SOCKET_PATH] = { CK_SOCKET_PATH, "socket.path", "socket" },
	[CK_SOCKET_GID] = { CK_SOCKET_GID, "socket.gid", "socket group" },
	[CK_TCP_REACH] = { CK_TCP_REACH, "tcp.reach", "remote daemon" },
	[CK_TLS_FILES] = { CK_TLS_FILES, "tls.files", "TLS files" },
	[CK_TLS_HANDSHAKE] = { CK_TLS_HANDSHAKE, "tls.handshake", "TLS handshake" },
	[CK_SSH_CLIENT] = { CK_SSH_CLIENT, "ssh.client", "ssh client" },
	[CK_SSH_REMOTE] = { CK_SSH_REMOTE, "ssh.remote", "docker over ssh" },
	[CK_DIND_IMAGE] = { CK_DIND_IMAGE, "dind.image", "sidecar image" },
};

enum op {
	OP_PING,
	OP_INFO,
	OP_IMAGE,
	OP_DIND_IMAGE,
	OP_CONTAINER,
	OP_SIDECAR,
	OP_NETWORK,
	OP_REGISTRY,
	OP_TCP,
	OP__COUNT
};

struct opctx {
	struct checker *c;
	enum op op;
};

struct checker {
	struct net *net;
	struct spec spec;
	struct facts facts;
	unsigned modes;
	int wanted[CK__COUNT];
	struct check checks[CK__COUNT];
	unsigned generation;
	int started;
	char *registry_url;
	long remote_timeout_ms;
	int offline;
	char *ssh_bin;

	struct endpoint ep;
	int ep_ok;
	struct engine_target target;
	int target_ok;
	struct opctx ctx[OP__COUNT];
	unsigned ids[OP__COUNT];

	/* what the engine told us */
	int have_info;
	int rootless, userns;
	char *kernel;
	/* aggregation */
	int names_left;
	int names_failed;
	struct strbuf names_text;
	int image_left;
	int image_present;
	char *newest_tag;
	char *registry_note;
	/* ssh.remote */
	struct proc ssh;
	int ssh_running;
	long long ssh_deadline;
	/* tcp.reach */
	int tcp_tls;
	char *tcp_url;
	char *cert_dir;
};

/* ---- result helpers ------------------------------------------------------ */

static void set(struct checker *c, enum check_id id, enum check_status st, const char *remedy,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void set(struct checker *c, enum check_id id, enum check_status st, const char *remedy,
		const char *fmt, ...)
{
	struct check *ck = &c->checks[id];
	if (!c->wanted[id])
		return;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(ck->finding);
	free(ck->remedy);
	ck->finding = strbuf_detach(&sb, NULL);
	ck->remedy = remedy ? xstrdup(remedy) : NULL;
	ck->status = st;
	ck->ended_ms = proc_now_ms();
	c->generation++;
}

static void data(struct checker *c, enum check_id id, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void data(struct checker *c, enum check_id id, const char *key, const char *fmt, ...)
{
	struct check *ck = &c->checks[id];
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	strbuf_addf(&sb, "%s=", key);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	/* replace an existing key */
	size_t kl = strlen(key);
	for (size_t i = 0; i < ck->data.n; i++)
		if (!strncmp(ck->data.v[i], key, kl) && ck->data.v[i][kl] == '=') {
			free(ck->data.v[i]);
			ck->data.v[i] = strbuf_detach(&sb, NULL);
			return;
		}
	strvec_push_nodup(&ck->data, strbuf_detach(&sb, NULL));
}

static void needs_input(struct checker *c, enum check_id id, const char *remedy, const char *finding)
{
	set(c, id, CHECK_FAIL, remedy, "%s", finding);
	c->checks[id].needs_input = 1;
}

const char *check_status_name(enum check_status s)
{
	switch (s) {
	case CHECK_PENDING: return "pending";
	case CHECK_PASS: return "pass";
	case CHECK_WARN: return "warn";
	case CHECK_FAIL: return "fail";
	case CHECK_SKIP: return "skip";
	}
	return "?";
}

enum check_id check_by_name(const char *name)
{
	for (int i = 0; i < CK__COUNT; i++)
		if (!strcmp(check_defs[i].name, name))
			return (enum check_id)i;
	return CK__COUNT;
}

/* Every data key that is not a string, with its type. */
static const struct {
	const char *key;
	enum check_data_type type;
} data_types[] = {
	{ "rootless", CDT_BOOL }, { "userns", CDT_BOOL }, { "desktop", CDT_BOOL },
	{ "present", CDT_BOOL }, { "busy", CDT_BOOL }, { "tls", CDT_BOOL },
	{ "gid", CDT_INT }, { "port", CDT_INT }, { "elapsed_ms", CDT_INT },
};

enum check_data_type check_data_type(const char *key)
{
	for (size_t i = 0; i < sizeof(data_types) / sizeof(data_types[0]); i++)
		if (!strcmp(data_types[i].key, key))
			return data_types[i].type;
	return CDT_STRING;
}

const char *check_data(const struct check *ck, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i < ck->data.n; i++)
		if (!strncmp(ck->data.v[i], key, kl) && ck->data.v[i][kl] == '=')
			return ck->data.v[i] + kl + 1;
	return NULL;
}

static int pending(const struct checker *c, enum check_id id)
{
	return c->wanted[id] && c->checks[id].status == CHECK_PENDING;
}

/* ---- construction -------------------------------------------------------- */

struct checker *checker_new(struct net *net, const struct checker_config *cfg, struct err *e)
{
	if (!net || !cfg || !cfg->spec)
		return err_set(e, "checker: no network or spec"), NULL;
	struct checker *c = xcalloc(1, sizeof(*c));
	c->net = net;
	spec_init(&c->spec);
	spec_copy(&c->spec, cfg->spec);
	facts_init(&c->facts);
	endpoint_init(&c->ep);
	proc_init(&c->ssh);
	strbuf_init(&c->names_text);
	c->modes = cfg->modes ? cfg->modes : (c->spec.mode != MODE_NONE ? MODE_BIT(c->spec.mode) : MODES_ALL);
	c->registry_url = cfg->registry_url ? xstrdup(cfg->registry_url) : NULL;
	c->remote_timeout_ms = cfg->remote_timeout_ms > 0 ? cfg->remote_timeout_ms : REMOTE_TIMEOUT_DEFAULT;
	c->offline = cfg->offline;
	c->ssh_bin = xstrdup(cfg->ssh_bin ? cfg->ssh_bin : "ssh");
	for (int m = 0; m < MODE__COUNT; m++) {
		if (!(c->modes & MODE_BIT(m)))
			continue;
		for (const char *const *id = mode_table[m].checks; *id; id++) {
			enum check_id ck = check_by_name(*id);
			if (ck < CK__COUNT)
				c->wanted[ck] = 1;
		}
	}
	for (int i = 0; i < CK__COUNT; i++) {
		c->checks[i].def = &check_defs[i];
		c->checks[i].status = CHECK_PENDING;
		strvec_init(&c->checks[i].data);
	}
	for (int i = 0; i < OP__COUNT; i++) {
		c->ctx[i].c = c;
		c->ctx[i].op = (enum op)i;
	}
	return c;
}

/* ---- local checks ---------------------------------------------------------- */

static int wants_mode(const struct checker *c, enum mode_id m)
{
	return (c->modes & MODE_BIT(m)) != 0;
}

static void check_cli(struct checker *c)
{
	char *path = proc_which("docker");
	if (path) {
		set(c, CK_CLI, CHECK_PASS, NULL, "%s", path);
		data(c, CK_CLI, "path", "%s", path);
		free(path);
	} else {
		set(c, CK_CLI, CHECK_FAIL, "apt-get install docker.io (or docker-ce-cli)",
		    "no docker client on PATH (needed to run the plan, not to print it)");
	}
}

static const char *source_text(enum endpoint_source s)
{
	switch (s) {
	case SRC_DOCKER_HOST: return "DOCKER_HOST";
	case SRC_DOCKER_CONTEXT: return "DOCKER_CONTEXT";
	case SRC_CONFIG: return "current context";
	case SRC_DEFAULT: return "default";
	}
	return "?";
}

static void check_endpoint(struct checker *c)
{
	struct err e;
	if (endpoint_resolve(&c->ep, &e)) {
		set(c, CK_ENDPOINT, CHECK_FAIL, "fix or unset the variable or file named above", "%s", e.msg);
		/* The engine cannot be reached without an endpoint. */
		set(c, CK_ENGINE, CHECK_FAIL, NULL, "no usable endpoint: %s", e.msg);
		return;
	}
	c->ep_ok = 1;
	/* What the docker CLI warns about (a damaged config.json, DOCKER_HOST
	 * over a context) is a warning here too, in the CLI's words. */
	enum check_status st = c->ep.warnings.n ? CHECK_WARN : CHECK_PASS;
	const char *w = c->ep.warnings.n ? c->ep.warnings.v[0] : NULL;
	if (c->ep.source == SRC_DOCKER_CONTEXT || c->ep.source == SRC_CONFIG)
		set(c, CK_ENDPOINT, st, NULL, "%s (context %s, from %s)%s%s", c->ep.url, c->ep.context,
		    source_text(c->ep.source), w ? "; WARNING: " : "", w ? w : "");
	else
		set(c, CK_ENDPOINT, st, NULL, "%s (%s)%s%s%s", c->ep.url, source_text(c->ep.source),
		    c->ep.kind == EP_TCP && c->ep.tls ? ", TLS" : "", w ? "; WARNING: " : "", w ? w : "");
	for (size_t i = 0; i < c->ep.warnings.n; i++)
		data(c, CK_ENDPOINT, "warning", "%s", c->ep.warnings.v[i]);
	data(c, CK_ENDPOINT, "url", "%s", c->ep.url);
	data(c, CK_ENDPOINT, "source", "%s", endpoint_source_name(c->ep.source));
	if (c->ep.context)
		data(c, CK_ENDPOINT, "context", "%s", c->ep.context);
	if (c->ep.tls)
		data(c, CK_ENDPOINT, "tls", "%s", "true");
	data(c, CK_ENDPOINT, "tls_mode", "%s", !c->ep.tls ? "off" : c->ep.tls_verify ? "verify" : "no-verify");
}

static int local_daemon(const struct checker *c)
{
	return c->ep_ok && c->ep.kind == EP_UNIX;
}

/* connect() on a unix socket without blocking: 0, or an errno. */
static int try_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		return ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	int rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ? errno : 0;
	close(fd);
	return rc == EAGAIN ? 0 : rc; /* EAGAIN: backlog full, but alive */
}

static void check_socket(struct checker *c)
{
	const char *explicit_path = spec_get(&c->spec, OPT_SOCKET);
	const char *path = explicit_path ? explicit_path : c->facts.socket_path;
	const char *group = spec_get(&c->spec, OPT_GROUP);
	if (!explicit_path && c->ep_ok && c->ep.kind != EP_UNIX) {
		set(c, CK_SOCKET_PATH, CHECK_SKIP, NULL,
		    "the daemon is remote (%s): the socket to mount is on its host; pass --socket", c->ep.url);
		if (group)
			set(c, CK_SOCKET_GID, CHECK_PASS, NULL, "group %s (given)", group);
		else
			needs_input(c, CK_SOCKET_GID, "--group GID (the socket's group on the daemon's host)",
				    "cannot read the group of a remote socket");
		return;
	}
	if (!path) {
		needs_input(c, CK_SOCKET_PATH, "--socket PATH", "no local docker socket found");
		return;
	}
	data(c, CK_SOCKET_PATH, "path", "%s", path);
	struct stat st;
	if (stat(path, &st)) {
		int err = errno;
		set(c, CK_SOCKET_PATH, CHECK_FAIL, "start the daemon (systemctl start docker) or pass --socket PATH",
		    "%s: %s", path, strerror(err));
	} else if (!S_ISSOCK(st.st_mode)) {
		set(c, CK_SOCKET_PATH, CHECK_FAIL, "pass the daemon's socket with --socket PATH", "%s is not a socket",
		    path);
	} else {
		int err = try_connect(path);
		if (!err) {
			set(c, CK_SOCKET_PATH, CHECK_PASS, NULL, "%s accepts connections from this user", path);
		} else if (err == EACCES || err == EPERM) {
			struct group *gr = getgrgid(st.st_gid);
			char remedy[256];
			snprintf(remedy, sizeof(remedy),
				 "sudo usermod -aG %s \"$USER\" and log in again (or run ws-launch as root)",
				 gr ? gr->gr_name : "docker");
			set(c, CK_SOCKET_PATH, CHECK_FAIL, remedy, "permission denied: this user cannot open %s (mode %o, group %ld)",
			    path, (unsigned)(st.st_mode & 0777), (long)st.st_gid);
		} else if (err == ECONNREFUSED) {
			set(c, CK_SOCKET_PATH, CHECK_FAIL, "start the daemon (systemctl start docker)",
			    "nothing listens on %s (stale socket)", path);
		} else {
			set(c, CK_SOCKET_PATH, CHECK_FAIL, NULL, "cannot connect to %s: %s", path, strerror(err));
		}
	}
	if (group) {
		set(c, CK_SOCKET_GID, CHECK_PASS, NULL, "group %s (given)", group);
		data(c, CK_SOCKET_GID, "gid", "%s", group);
		return;
	}
	facts_stat_socket(&c->facts, path);
	if (c->facts.socket_gid < 0) {
		needs_input(c, CK_SOCKET_GID, "--group GID", c->facts.socket_gid_error);
		return;
	}
	struct group *gr = getgrgid((gid_t)c->facts.socket_gid);
	data(c, CK_SOCKET_GID, "gid", "%ld", c->facts.socket_gid);
	if (c->facts.socket_gid == 0)
		set(c, CK_SOCKET_GID, CHECK_WARN, "pass --group GID if the daemon uses another group",
		    "group 0 (root): --group-add 0 gives the workspace user the root group");
	else
		set(c, CK_SOCKET_GID, CHECK_PASS, NULL, "group %ld%s%s%s", c->facts.socket_gid,
		    gr ? " (" : "", gr ? gr->gr_name : "", gr ? ")" : "");
}

static void check_port(struct checker *c)
{
	if (spec_is_none(&c->spec, OPT_PUBLISH)) {
		set(c, CK_PORT, CHECK_SKIP, NULL, "the web port is not published");
		return;
	}
	struct publish p;
	if (publish_parse(spec_get(&c->spec, OPT_PUBLISH), &p, NULL)) {
		set(c, CK_PORT, CHECK_FAIL, NULL, "bad publish option");
		return;
	}
	data(c, CK_PORT, "port", "%d", p.host_port);
	if (!c->ep_ok || c->ep.kind != EP_UNIX) {
		set(c, CK_PORT, CHECK_SKIP, NULL, "the daemon is remote: its ports cannot be tested from here");
		return;
	}
	char addr[64];
	snprintf(addr, sizeof(addr), "%s", p.bind[0] ? p.bind : "0.0.0.0");
	int v6 = addr[0] == '[';
	if (v6) {
		memmove(addr, addr + 1, strlen(addr));
		addr[strlen(addr) - 1] = '\0';
	}
	int busy = -1, free_port = 0;
	for (int port = p.host_port; port < p.host_port + 50 && port <= 65535; port++) {
		int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			break;
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		int rc;
		if (v6) {
			struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };
			inet_pton(AF_INET6, addr, &sa.sin6_addr);
			rc = (bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
		} else {
			struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
			inet_pton(AF_INET, addr, &sa.sin_addr);
			rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
		}
		int err = rc ? errno : 0;
		close(fd);
		if (port == p.host_port) {
			if (!err) {
				busy = 0;
				break;
			}
			if (err != EADDRINUSE) {
				set(c, CK_PORT, CHECK_WARN, NULL, "cannot test %s:%d: %s", addr, port, strerror(err));
				return;
			}
			busy = 1;
		} else if (!err) {
			free_port = port;
			break;
		}
	}
	if (busy == 0) {
		set(c, CK_PORT, CHECK_PASS, NULL, "%s:%d is free", addr, p.host_port);
		return;
	}
	char remedy[64];
	if (free_port)
		snprintf(remedy, sizeof(remedy), "--port %d (free)", free_port);
	data(c, CK_PORT, "busy", "true");
	/* Decided after the names check: in use by our own workspace is fine. */
	set(c, CK_PORT, CHECK_FAIL, free_port ? remedy : "--port PORT", "%s:%d is in use", addr, p.host_port);
}

static char *cert_dir(struct checker *c)
{
	const char *d = spec_get(&c->spec, OPT_CERT_DIR);
	if (d)
		return xstrdup(d);
	return c->facts.cert_dir ? xstrdup(c->facts.cert_dir) : NULL;
}

static void check_tls_files(struct checker *c)
{
	if (!c->tcp_tls) {
		set(c, CK_TLS_FILES, CHECK_SKIP, NULL, "TLS is off");
		return;
	}
	if (!c->cert_dir) {
		needs_input(c, CK_TLS_FILES, "--cert-dir DIR (ca.pem, cert.pem, key.pem)",
			    "no certificate directory (DOCKER_CERT_PATH or --cert-dir)");
		return;
	}
	static const char *const files[] = { "ca.pem", "cert.pem", "key.pem" };
	struct strbuf missing = STRBUF_INIT;
	data(c, CK_TLS_FILES, "dir", "%s", c->cert_dir);
	for (size_t i = 0; i < 3; i++) {
		char *p = xasprintf("%s/%s", c->cert_dir, files[i]);
		struct err fe;
		if (access(p, R_OK)) {
			strbuf_addf(&missing, "%s%s", missing.len ? ", " : "", files[i]);
		} else if (file_check_regular(p, 1024 * 1024, &fe)) {
			/* a FIFO or a device would hang the docker client that reads it */
			set(c, CK_TLS_FILES, CHECK_FAIL, "replace it with the PEM file", "%s: %s", p, fe.msg);
			free(p);
			strbuf_free(&missing);
			return;
		}
		free(p);
	}
	if (missing.len) {
		set(c, CK_TLS_FILES, CHECK_FAIL,
		    "create client certificates: https://docs.docker.com/engine/security/protect-access/",
		    "%s lacks %s", c->cert_dir, missing.buf);
		strbuf_free(&missing);
		return;
	}
	strbuf_free(&missing);
	char *key = xasprintf("%s/key.pem", c->cert_dir);
	struct stat st;
	int readable = !stat(key, &st) &&
		       ((st.st_mode & S_IROTH) || (st.st_uid == 1000 && (st.st_mode & S_IRUSR)));
	if (!readable) {
		char remedy[512];
		snprintf(remedy, sizeof(remedy), "sudo chown 1000 %s (or a copy of the directory for the workspace)", key);
		set(c, CK_TLS_FILES, CHECK_FAIL, remedy,
		    "%s (mode %o, owner %ld) is not readable by uid 1000 inside the workspace", key,
		    (unsigned)(st.st_mode & 0777), (long)st.st_uid);
	} else {
		set(c, CK_TLS_FILES, CHECK_PASS, NULL, "ca.pem, cert.pem, key.pem in %s", c->cert_dir);
	}
	free(key);
}

static void check_ssh_client(struct checker *c)
{
	char *ssh = proc_which(c->ssh_bin);
	if (!ssh) {
		set(c, CK_SSH_CLIENT, CHECK_FAIL, "apt-get install openssh-client", "no ssh client on PATH");
		return;
	}
	data(c, CK_SSH_CLIENT, "path", "%s", ssh);
	free(ssh);
	const char *auth = spec_get(&c->spec, OPT_SSH_AUTH);
	if (!auth)
		auth = c->facts.ssh_auth_sock ? "agent" : "none";
	data(c, CK_SSH_CLIENT, "auth", "%s", auth);
	if (!strcmp(auth, "agent")) {
		const char *sock = c->facts.ssh_auth_sock;
		if (!sock) {
			set(c, CK_SSH_CLIENT, CHECK_FAIL, "eval \"$(ssh-agent)\" && ssh-add", "SSH_AUTH_SOCK is not set");
			return;
		}
		int err = try_connect(sock);
		if (err)
			set(c, CK_SSH_CLIENT, CHECK_FAIL, "eval \"$(ssh-agent)\" && ssh-add",
			    "ssh-agent at %s does not answer: %s", sock, strerror(err));
		else
			set(c, CK_SSH_CLIENT, CHECK_PASS, NULL, "ssh-agent at %s", sock);
	} else if (!strcmp(auth, "key")) {
		const char *key = spec_is_none(&c->spec, OPT_SSH_KEY) ? NULL : spec_get(&c->spec, OPT_SSH_KEY);
		if (!key)
			needs_input(c, CK_SSH_CLIENT, "--ssh-key PATH", "--ssh-auth key needs a key file");
		else if (access(key, R_OK))
			set(c, CK_SSH_CLIENT, CHECK_FAIL, "--ssh-key PATH", "cannot read %s: %s", key, strerror(errno));
		else
			set(c, CK_SSH_CLIENT, CHECK_PASS, NULL, "key file %s", key);
	} else {
		set(c, CK_SSH_CLIENT, CHECK_WARN, "--ssh-auth agent (with ssh-agent) or --ssh-auth key",
		    "no key goes into the workspace");
	}
}

static void check_sysbox_services(struct checker *c)
{
	if (!local_daemon(c)) {
		set(c, CK_SYSBOX_SERVICES, CHECK_SKIP, NULL, "the daemon is remote: sysbox services not visible from here");
		return;
	}
	const char *dir = getenv("WS_LAUNCH_SYSBOX_DIR");
	if (!dir || !*dir)
		dir = "/run/sysbox";
	static const char *const socks[] = { "sysmgr.sock", "sysfs.sock" };
	static const char *const names[] = { "sysbox-mgr", "sysbox-fs" };
	for (int i = 0; i < 2; i++) {
		char *p = xasprintf("%s/%s", dir, socks[i]);
		int err = try_connect(p);
		if (err) {
			set(c, CK_SYSBOX_SERVICES, CHECK_FAIL, "sudo systemctl restart sysbox", "%s is not running (%s: %s)",
			    names[i], p, strerror(err));
			free(p);
			return;
		}
		free(p);
	}
	set(c, CK_SYSBOX_SERVICES, CHECK_PASS, NULL, "sysbox-mgr and sysbox-fs answer in %s", dir);
}

/* ---- engine ------------------------------------------------------------------ */

static void skip_engine_dependents(struct checker *c, const char *why)
{
	static const enum check_id deps[] = { CK_SYSBOX_RUNTIME, CK_SYSBOX_KERNEL, CK_PRIVILEGE, CK_IMAGE,
					      CK_NAMES, CK_DIND_IMAGE };
	for (size_t i = 0; i < sizeof(deps) / sizeof(deps[0]); i++)
		if (pending(c, deps[i]))
			set(c, deps[i], CHECK_SKIP, NULL, "%s", why);
	c->image_left = 0;
}

static const char *engine_remedy(const struct checker *c, const struct engine_result *r)
{
	if (c->ep.kind == EP_UNIX) {
		if (strstr(r->err.msg, "permission denied"))
			return "sudo usermod -aG docker \"$USER\" and log in again (or run as root)";
		return "start the daemon: sudo systemctl start docker";
	}
	return "check that the daemon listens there and DOCKER_HOST/DOCKER_CERT_PATH are right";
}

static void op_done(struct checker *c, enum op op)
{
	c->ids[op] = 0;
}

static void finish_names(struct checker *c);
static void finish_image(struct checker *c);

static void on_info(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	op_done(c, OP_INFO);
	if (r->status != ENGINE_OK || !r->info) {
		set(c, CK_ENGINE, CHECK_FAIL, NULL, "/info failed: %s", r->err.msg);
		skip_engine_dependents(c, "the engine did not answer /info");
		return;
	}
	struct engine_info *in = r->info;
	c->have_info = 1;
	c->rootless = in->rootless;
	c->userns = in->userns;
	free(c->kernel);
	c->kernel = in->kernel_version ? xstrdup(in->kernel_version) : NULL;
	c->facts.rootless = in->rootless;
	c->facts.userns_remap = in->userns;
	const char *api = c->target.api_version ? c->target.api_version : "?";
	set(c, CK_ENGINE, CHECK_PASS, NULL, "Docker %s (API %s) at %s%s%s%s",
	    in->server_version ? in->server_version : "?", api, c->target.endpoint,
	    in->rootless ? ", rootless" : "", in->userns ? ", userns-remap" : "",
	    in->docker_desktop ? ", Docker Desktop" : "");
	data(c, CK_ENGINE, "server_version", "%s", in->server_version ? in->server_version : "");
	data(c, CK_ENGINE, "api_version", "%s", api);
	data(c, CK_ENGINE, "os", "%s", in->operating_system ? in->operating_system : "");
	data(c, CK_ENGINE, "kernel", "%s", in->kernel_version ? in->kernel_version : "");
	data(c, CK_ENGINE, "rootless", "%s", in->rootless ? "true" : "false");
	data(c, CK_ENGINE, "userns", "%s", in->userns ? "true" : "false");
	data(c, CK_ENGINE, "desktop", "%s", in->docker_desktop ? "true" : "false");
	data(c, CK_ENGINE, "docker_root_dir", "%s", in->docker_root_dir ? in->docker_root_dir : "");

	/* sysbox.runtime */
	if (engine_strvec_has(&in->runtimes, "sysbox-runc")) {
		set(c, CK_SYSBOX_RUNTIME, CHECK_PASS, NULL, "sysbox-runc is registered (default runtime: %s)",
		    in->default_runtime ? in->default_runtime : "?");
		data(c, CK_SYSBOX_RUNTIME, "present", "true");
	} else {
		struct strbuf rt = STRBUF_INIT;
		for (size_t i = 0; i < in->runtimes.n; i++)
			strbuf_addf(&rt, "%s%s", i ? ", " : "", in->runtimes.v[i]);
		set(c, CK_SYSBOX_RUNTIME, CHECK_FAIL,
		    "install sysbox-ce (https://github.com/nestybox/sysbox/blob/master/docs/user-guide/install-package.md)",
		    "the daemon has no sysbox-runc runtime (has: %s)", rt.len ? rt.buf : "none");
		data(c, CK_SYSBOX_RUNTIME, "present", "false");
		strbuf_free(&rt);
	}
	/* sysbox.kernel */
	if (pending(c, CK_SYSBOX_KERNEL)) {
		long major = 0, minor = 0;
		const char *k = in->kernel_version ? in->kernel_version : "";
		char *end;
		major = strtol(k, &end, 10);
		if (*end == '.')
			minor = strtol(end + 1, NULL, 10);
		char *docker = proc_which("docker");
		int snap = docker && !strncmp(docker, "/snap/", 6);
		free(docker);
		data(c, CK_SYSBOX_KERNEL, "kernel", "%s", k);
		if (in->rootless)
			set(c, CK_SYSBOX_KERNEL, CHECK_FAIL, "use a rootful daemon for sysbox",
			    "the daemon is rootless: sysbox needs true root");
		else if (snap)
			set(c, CK_SYSBOX_KERNEL, CHECK_FAIL, "install Docker from docker.com or Debian packages",
			    "Docker is installed as a snap, which sysbox does not support");
		else if (major > 5 || (major == 5 && minor >= 12))
			set(c, CK_SYSBOX_KERNEL, CHECK_PASS, NULL, "kernel %s has ID-mapped mounts (5.12+)", k);
		else if (!access("/sys/module/shiftfs", F_OK))
			set(c, CK_SYSBOX_KERNEL, CHECK_PASS, NULL, "kernel %s with shiftfs loaded", k);
		else
			set(c, CK_SYSBOX_KERNEL, CHECK_FAIL, "upgrade to kernel 5.12 or newer, or load shiftfs",
			    "kernel %s is older than 5.12 and shiftfs is not loaded", k);
	}
	/* privilege */
	if (pending(c, CK_PRIVILEGE)) {
		data(c, CK_PRIVILEGE, "userns", "%s", in->userns ? "true" : "false");
		data(c, CK_PRIVILEGE, "rootless", "%s", in->rootless ? "true" : "false");
		if (in->rootless)
			set(c, CK_PRIVILEGE, CHECK_FAIL, "use a rootful daemon, or the sysbox, socket, tcp or ssh mode",
			    "the daemon is rootless: --privileged gives no real privileges there");
		else if (in->userns)
			set(c, CK_PRIVILEGE, CHECK_PASS, NULL,
			    "rootful, userns-remap on: --userns=host will be added to privileged containers");
		else
			set(c, CK_PRIVILEGE, CHECK_PASS, NULL, "rootful daemon: privileged containers allowed");
	}
}

/* The engine check when no wanted check needs /info (socket, tcp, ssh):
 * /version answers the same question at a fraction of the daemon's work
 * (/info walks containers, images, plugins and storage). */
static void on_version(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	op_done(c, OP_INFO);
	if (r->status != ENGINE_OK || !r->version) {
		set(c, CK_ENGINE, CHECK_FAIL, NULL, "/version failed: %s", r->err.msg);
		skip_engine_dependents(c, "the engine did not answer /version");
		return;
	}
	struct engine_version *v = r->version;
	const char *api = c->target.api_version ? c->target.api_version : "?";
	set(c, CK_ENGINE, CHECK_PASS, NULL, "Docker %s (API %s) at %s", v->version ? v->version : "?", api,
	    c->target.endpoint);
	data(c, CK_ENGINE, "server_version", "%s", v->version ? v->version : "");
	data(c, CK_ENGINE, "api_version", "%s", api);
	data(c, CK_ENGINE, "kernel", "%s", v->kernel_version ? v->kernel_version : "");
}

static void on_image(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	enum op op = x->op;
	op_done(c, op);
	int present = r->status == ENGINE_OK && r->object && r->object->exists;
	int failed = r->status != ENGINE_OK;
	if (op == OP_DIND_IMAGE) {
		const char *img = spec_get(&c->spec, OPT_DIND_IMAGE);
		c->facts.dind_image_present = failed ? -1 : present;
		data(c, CK_DIND_IMAGE, "present", "%s", present ? "true" : "false");
		if (failed)
			set(c, CK_DIND_IMAGE, CHECK_WARN, NULL, "cannot ask the daemon about %s: %s", img, r->err.msg);
		else if (present)
			set(c, CK_DIND_IMAGE, CHECK_PASS, NULL, "%s is present", img);
		else
			set(c, CK_DIND_IMAGE, CHECK_PASS, NULL, "%s is not present; the plan pulls it", img);
		return;
	}
	c->facts.image_present = failed ? -1 : present;
	c->image_present = present;
	if (failed) {
		free(c->registry_note);
		c->registry_note = xasprintf("cannot ask the daemon: %s", r->err.msg);
	}
	c->image_left--;
	finish_image(c);
}

static void on_registry(struct registry_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	op_done(c, OP_REGISTRY);
	if (r->status == REGISTRY_OK) {
		c->newest_tag = r->tag;
		r->tag = NULL;
	} else if (r->status == REGISTRY_NO_TAGS) {
		c->registry_note = xstrdup("the registry lists no release tags");
	} else {
		c->registry_note = xasprintf("registry not reachable (%s)", r->err.msg);
	}
	c->image_left--;
	finish_image(c);
}

static void finish_image(struct checker *c)
{
	if (c->image_left > 0 || !pending(c, CK_IMAGE))
		return;
	const char *image = spec_get(&c->spec, OPT_IMAGE);
	struct strbuf f = STRBUF_INIT;
	struct strbuf remedy = STRBUF_INIT;
	data(c, CK_IMAGE, "image", "%s", image);
	data(c, CK_IMAGE, "present", "%s", c->facts.image_present == 1 ? "true" : "false");
	if (c->facts.image_present == 1)
		strbuf_addstr(&f, "present locally");
	else if (c->facts.image_present == 0)
		strbuf_addstr(&f, "not present locally; the plan pulls it");
	else
		strbuf_addstr(&f, "presence unknown");
	if (c->newest_tag) {
		data(c, CK_IMAGE, "newest", "%s", c->newest_tag);
		struct imageref ref;
		struct semver cur, nw;
		int newer = 0;
		if (!imageref_parse(image, &ref, NULL)) {
			newer = ref.tag && !registry_semver_parse(ref.tag, &cur) &&
				!registry_semver_parse(c->newest_tag, &nw) && registry_semver_cmp(&nw, &cur) > 0;
			if (newer) {
				strbuf_addf(&f, "; newer tag %s in the registry", c->newest_tag);
				strbuf_addf(&remedy, "--image %s/%s:%s", ref.domain, ref.path, c->newest_tag);
			} else {
				strbuf_addf(&f, "; newest tag in the registry: %s", c->newest_tag);
			}
			imageref_free(&ref);
		}
	} else if (c->registry_note) {
		strbuf_addf(&f, "; %s", c->registry_note);
		data(c, CK_IMAGE, "registry", "%s", "unavailable");
	}
	set(c, CK_IMAGE, CHECK_PASS, remedy.len ? remedy.buf : NULL, "%s", f.buf);
	strbuf_free(&f);
	strbuf_free(&remedy);
}

/* names: the workspace container, and for dind the sidecar and network. */
static void on_name(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	enum op op = x->op;
	op_done(c, op);
	const char *name = op == OP_CONTAINER ? spec_get(&c->spec, OPT_NAME)
			   : op == OP_SIDECAR ? spec_get(&c->spec, OPT_DIND_SIDECAR)
					      : spec_get(&c->spec, OPT_DIND_NETWORK);
	const char *kind = op == OP_NETWORK ? "network" : "container";
	const char *label_want = spec_get(&c->spec, OPT_NAME);
	const char *part;
	char buf[ERR_MAX + 256];
	if (r->status != ENGINE_OK || !r->object) {
		snprintf(buf, sizeof(buf), "%s %s: cannot ask (%s)", kind, name, r->err.msg);
		part = buf;
		c->names_failed |= 2;
	} else if (!r->object->exists) {
		snprintf(buf, sizeof(buf), "%s %s is free", kind, name);
		part = buf;
	} else {
		const char *label = engine_labels_get(&r->object->labels, "ws-launch.launch");
		if (label && label_want && !strcmp(label, label_want)) {
			snprintf(buf, sizeof(buf), "%s %s is this launch's (%s)", kind, name,
				 op == OP_NETWORK ? "reused" : r->object->running ? "running" : r->object->status ? r->object->status : "exists");
			if (op == OP_CONTAINER) {
				data(c, CK_NAMES, "workspace", "%s", r->object->running ? "running" : "exists");
			}
		} else {
			snprintf(buf, sizeof(buf), "a %s named %s exists and is not from this launch", kind, name);
			c->names_failed |= 1;
			data(c, CK_NAMES, "foreign", "%s", name);
		}
		part = buf;
	}
	strbuf_addf(&c->names_text, "%s%s", c->names_text.len ? "; " : "", part);
	if (--c->names_left == 0)
		finish_names(c);
}

static void finish_names(struct checker *c)
{
	if (!pending(c, CK_NAMES))
		return;
	if (c->names_failed & 1) {
		char remedy[256];
		snprintf(remedy, sizeof(remedy), "choose other names (--name/--sidecar/--network) or remove the "
						 "foreign object (docker rm -f %s)",
			 check_data(&c->checks[CK_NAMES], "foreign"));
		set(c, CK_NAMES, CHECK_FAIL, remedy, "%s", c->names_text.buf);
	} else if (c->names_failed) {
		set(c, CK_NAMES, CHECK_WARN, NULL, "%s", c->names_text.buf);
	} else {
		set(c, CK_NAMES, CHECK_PASS, NULL, "%s", c->names_text.buf);
	}
	/* A port held by this launch's own running workspace is not a conflict. */
	const char *ws = check_data(&c->checks[CK_NAMES], "workspace");
	if (c->wanted[CK_PORT] && c->checks[CK_PORT].status == CHECK_FAIL && ws && !strcmp(ws, "running") &&
	    check_data(&c->checks[CK_PORT], "busy"))
		set(c, CK_PORT, CHECK_PASS, NULL, "port %s is held by this launch's running workspace",
		    check_data(&c->checks[CK_PORT], "port"));
}

/* The version in a /_ping's "Server: Docker/27.1.1 (linux)" header, or
 * NULL (malloc'd). */
static char *ping_server_version(const struct engine_ping *p)
{
	if (!p || !p->server || strncmp(p->server, "Docker/", 7))
		return NULL;
	size_t n = strcspn(p->server + 7, " ");
	return n ? xstrndup(p->server + 7, n) : NULL;
}

static void start_engine_queries(struct checker *c, const struct engine_ping *ping)
{
	if (c->wanted[CK_IMAGE])   /* counted in image_left since checker_start */
		c->ids[OP_IMAGE] = engine_image(c->net, &c->target, spec_get(&c->spec, OPT_IMAGE), on_image,
						&c->ctx[OP_IMAGE]);
	if (c->wanted[CK_DIND_IMAGE])
		c->ids[OP_DIND_IMAGE] = engine_image(c->net, &c->target, spec_get(&c->spec, OPT_DIND_IMAGE),
						     on_image, &c->ctx[OP_DIND_IMAGE]);
	if (c->wanted[CK_NAMES]) {
		if (spec_is_none(&c->spec, OPT_NAME)) {
			set(c, CK_NAMES, CHECK_SKIP, NULL, "the workspace has no name (docs form)");
		} else {
			c->names_left = 1;
			if (wants_mode(c, MODE_DIND))
				c->names_left += 2;
			c->ids[OP_CONTAINER] = engine_container(c->net, &c->target, spec_get(&c->spec, OPT_NAME),
								on_name, &c->ctx[OP_CONTAINER]);
			if (wants_mode(c, MODE_DIND)) {
				c->ids[OP_SIDECAR] = engine_container(c->net, &c->target,
								      spec_get(&c->spec, OPT_DIND_SIDECAR), on_name,
								      &c->ctx[OP_SIDECAR]);
				c->ids[OP_NETWORK] = engine_network(c->net, &c->target,
								    spec_get(&c->spec, OPT_DIND_NETWORK), on_name,
								    &c->ctx[OP_NETWORK]);
			}
		}
	}
	/* Ask the daemon only what the wanted checks need: /info (slow: it
	 * walks containers, images, plugins, storage) for the sysbox and
	 * privilege checks; else the version the /_ping already told (its
	 * Server header), or /version when a proxy dropped that header. */
	char *version = NULL;
	if (c->wanted[CK_SYSBOX_RUNTIME] || c->wanted[CK_SYSBOX_KERNEL] || c->wanted[CK_PRIVILEGE]) {
		c->ids[OP_INFO] = engine_info(c->net, &c->target, on_info, &c->ctx[OP_INFO]);
	} else if ((version = ping_server_version(ping))) {
		const char *api = c->target.api_version ? c->target.api_version : "?";
		set(c, CK_ENGINE, CHECK_PASS, NULL, "Docker %s (API %s) at %s", version, api, c->target.endpoint);
		data(c, CK_ENGINE, "server_version", "%s", version);
		data(c, CK_ENGINE, "api_version", "%s", api);
		free(version);
	} else {
		c->ids[OP_INFO] = engine_version(c->net, &c->target, on_version, &c->ctx[OP_INFO]);
	}
}

static void on_ping(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	op_done(c, OP_PING);
	if (r->status != ENGINE_OK) {
		set(c, CK_ENGINE, CHECK_FAIL, engine_remedy(c, r), "%s", r->err.msg);
		data(c, CK_ENGINE, "elapsed_ms", "%ld", r->elapsed_ms);
		skip_engine_dependents(c, "the engine is not reachable");
		c->image_left = 0;
		if (pending(c, CK_IMAGE)) {
			c->facts.image_present = -1;
		}
		return;
	}
	start_engine_queries(c, r->ping);
}

/* ---- tcp.reach / tls.handshake ------------------------------------------------ */

static void on_tcp(struct net *net, unsigned id, struct net_reply *rp, void *ctx)
{
	(void)net;
	(void)id;
	struct opctx *x = ctx;
	struct checker *c = x->c;
	op_done(c, OP_TCP);
	data(c, CK_TCP_REACH, "elapsed_ms", "%ld", rp->elapsed_ms);
	const char *url = c->tcp_url;
	if (rp->result == NET_OK && rp->status == 200) {
		set(c, CK_TCP_REACH, CHECK_PASS, NULL, "%s answers /_ping (API %s)", url,
		    rp->api_version ? rp->api_version : "?");
		if (rp->api_version)
			data(c, CK_TCP_REACH, "api_version", "%s", rp->api_version);
		if (c->tcp_tls)
			set(c, CK_TLS_HANDSHAKE, CHECK_PASS, NULL,
			    "the daemon's certificate verifies against ca.pem and it accepts the client certificate");
		return;
	}
	if (rp->result == NET_OK) {
		int https_server = strstr(rp->body.buf, "HTTPS server") != NULL;
		set(c, CK_TCP_REACH, CHECK_FAIL, https_server ? "--tls --cert-dir DIR" : NULL,
		    "%s answered HTTP %ld%s", url, rp->status,
		    https_server ? ": the daemon expects TLS" : "");
		if (pending(c, CK_TLS_HANDSHAKE))
			set(c, CK_TLS_HANDSHAKE, c->tcp_tls ? CHECK_FAIL : CHECK_SKIP, NULL, "%s",
			    c->tcp_tls ? "no usable reply" : "TLS is off");
		return;
	}
	char remedy[256];
	switch (rp->result) {
	case NET_ERR_TLS:
	case NET_ERR_PROTOCOL:
		if (c->tcp_tls) {
			set(c, CK_TCP_REACH, CHECK_PASS, NULL, "%s accepts TCP connections", url);
			const char *m = rp->err.msg;
			if (strstr(m, "verify") || strstr(m, "issuer") || strstr(m, "CA"))
				set(c, CK_TLS_HANDSHAKE, CHECK_FAIL,
				    "use the ca.pem of the CA that signed the daemon's certificate",
				    "the daemon's certificate does not verify against %s/ca.pem (%s)", c->cert_dir, m);
			else if (strstr(m, "certificate") || strstr(m, "alert") || strstr(m, "connection lost"))
				set(c, CK_TLS_HANDSHAKE, CHECK_FAIL,
				    "use a client certificate (cert.pem, key.pem) signed by the daemon's CA",
				    "the daemon refused the client certificate (%s)", m);
			else
				set(c, CK_TLS_HANDSHAKE, CHECK_FAIL, NULL, "%s", m);
			return;
		}
		set(c, CK_TCP_REACH, CHECK_FAIL, "--tls --cert-dir DIR if the daemon uses TLS", "%s: %s", url,
		    rp->err.msg);
		break;
	case NET_ERR_TIMEOUT:
		snprintf(remedy, sizeof(remedy), "check the address and any firewall between here and %s", url);
		set(c, CK_TCP_REACH, CHECK_FAIL, remedy, "%s: %s", url, rp->err.msg);
		break;
	case NET_ERR_RESOLVE:
		set(c, CK_TCP_REACH, CHECK_FAIL, "check the host name (--host)", "%s: %s", url, rp->err.msg);
		break;
	case NET_ERR_REFUSED:
		set(c, CK_TCP_REACH, CHECK_FAIL,
		    "start dockerd with -H tcp://0.0.0.0:PORT (and --tlsverify for 2376) on the remote host",
		    "%s: %s", url, rp->err.msg);
		break;
	default:
		set(c, CK_TCP_REACH, CHECK_FAIL, NULL, "%s: %s", url, rp->err.msg);
	}
	if (pending(c, CK_TLS_HANDSHAKE))
		set(c, CK_TLS_HANDSHAKE, CHECK_SKIP, NULL, "the daemon was not reached");
}

static void start_tcp(struct checker *c)
{
	const char *host = spec_get(&c->spec, OPT_TCP_HOST);
	if (!host)
		host = c->facts.tcp_host;
	if (!host) {
		needs_input(c, CK_TCP_REACH, "--host HOST", "no remote daemon given");
		if (pending(c, CK_TLS_HANDSHAKE))
			set(c, CK_TLS_HANDSHAKE, CHECK_SKIP, NULL, "no remote daemon given");
		return;
	}
	const char *port = spec_get(&c->spec, OPT_TCP_PORT);
	if (!port)
		port = c->tcp_tls ? "2376" : "2375";
	int v6 = strchr(host, ':') && host[0] != '[';
	c->tcp_url = xasprintf("tcp://%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "", port);
	data(c, CK_TCP_REACH, "url", "%s", c->tcp_url);
	if (!c->tcp_tls)
		set(c, CK_TLS_HANDSHAKE, CHECK_SKIP, NULL, "TLS is off");
	if (c->tcp_tls && c->checks[CK_TLS_FILES].status == CHECK_FAIL) {
		set(c, CK_TCP_REACH, CHECK_SKIP, NULL, "the TLS files are missing");
		set(c, CK_TLS_HANDSHAKE, CHECK_SKIP, NULL, "the TLS files are missing");
		return;
	}
	char *url = xasprintf("%s://%s%s%s:%s/_ping", c->tcp_tls ? "https" : "http", v6 ? "[" : "", host,
			      v6 ? "]" : "", port);
	char *ca = NULL, *cert = NULL, *key = NULL;
	if (c->tcp_tls) {
		ca = xasprintf("%s/ca.pem", c->cert_dir);
		cert = xasprintf("%s/cert.pem", c->cert_dir);
		key = xasprintf("%s/key.pem", c->cert_dir);
	}
	struct net_request req = {
		.method = NET_GET, .url = url, .ca_file = ca, .cert_file = cert, .key_file = key,
		.no_proxy = 1, .connect_timeout_ms = c->remote_timeout_ms, .timeout_ms = c->remote_timeout_ms,
		.max_reply = 64 * 1024,
	};
	c->ids[OP_TCP] = net_start(c->net, &req, on_tcp, NULL, &c->ctx[OP_TCP]);
	free(url);
	free(ca);
	free(cert);
	free(key);
}

/* ---- ssh.remote ------------------------------------------------------------------ */

static void start_ssh(struct checker *c)
{
	const char *host = spec_get(&c->spec, OPT_SSH_HOST);
	if (!host) {
		needs_input(c, CK_SSH_REMOTE, "--host HOST", "no remote host given");
		return;
	}
	char *ssh = proc_which(c->ssh_bin);
	if (!ssh) {
		set(c, CK_SSH_REMOTE, CHECK_SKIP, NULL, "no ssh client");
		return;
	}
	free(ssh);
	const char *user = spec_get(&c->spec, OPT_SSH_USER);
	if (!user)
		user = c->facts.user;
	const char *port = spec_is_none(&c->spec, OPT_SSH_PORT) ? NULL : spec_get(&c->spec, OPT_SSH_PORT);
	struct strvec argv = STRVEC_INIT;
	char cto[48];
	snprintf(cto, sizeof(cto), "ConnectTimeout=%ld", (c->remote_timeout_ms + 999) / 1000);
	strvec_pushl(&argv, c->ssh_bin, "-o", "BatchMode=yes", "-o", cto, "-T", NULL);
	if (port)
		strvec_pushl(&argv, "-p", port, NULL);
	if (user)
		strvec_pushl(&argv, "-l", user, NULL);
	strvec_pushl(&argv, "--", host, "docker", "version", "--format", "{{.Server.Version}}", NULL);
	data(c, CK_SSH_REMOTE, "target", "%s%s%s%s%s", user ? user : "", user ? "@" : "", host,
	     port ? ":" : "", port ? port : "");
	struct err e;
	struct proc_opts o = { .capture_max = 16 * 1024 };
	if (proc_start(&c->ssh, (const char *const *)argv.v, &o, &e)) {
		set(c, CK_SSH_REMOTE, CHECK_FAIL, "apt-get install openssh-client", "%s", e.msg);
	} else {
		c->ssh_running = 1;
		c->ssh_deadline = proc_now_ms() + c->remote_timeout_ms + 1000;
	}
	strvec_free(&argv);
}

static void finish_ssh(struct checker *c)
{
	c->ssh_running = 0;
	const char *target = check_data(&c->checks[CK_SSH_REMOTE], "target");
	char *err = xstrdup(c->ssh.err.buf);
	/* last non-empty line of stderr */
	char *nl;
	while ((nl = strrchr(err, '\n')) && nl[1] == '\0')
		*nl = '\0';
	const char *last = strrchr(err, '\n') ? strrchr(err, '\n') + 1 : err;
	char remedy[512];
	const char *host = spec_get(&c->spec, OPT_SSH_HOST);
	const char *port = spec_is_none(&c->spec, OPT_SSH_PORT) ? NULL : spec_get(&c->spec, OPT_SSH_PORT);
	if (c->ssh.cancelled) {
		set(c, CK_SSH_REMOTE, CHECK_FAIL, "check the host and port, and any firewall",
		    "ssh %s did not finish within %ld ms", target, c->remote_timeout_ms);
	} else if (c->ssh.state == PROC_EXITED && c->ssh.code == 0) {
		char *v = xstrdup(c->ssh.out.buf);
		v[strcspn(v, "\r\n")] = '\0';
		long major = strtol(v, NULL, 10), minor = 0;
		const char *dot = strchr(v, '.');
		if (dot)
			minor = strtol(dot + 1, NULL, 10);
		data(c, CK_SSH_REMOTE, "server_version", "%s", v);
		if (major < 18 || (major == 18 && minor < 9))
			set(c, CK_SSH_REMOTE, CHECK_FAIL, "upgrade docker on the remote to 18.09 or newer",
			    "%s runs Docker %s; ssh:// needs 18.09 or newer", target, v);
		else
			set(c, CK_SSH_REMOTE, CHECK_PASS, NULL, "%s runs Docker %s", target, v);
		free(v);
	} else if (strstr(err, "Host key verification failed") || strstr(err, "REMOTE HOST IDENTIFICATION")) {
		snprintf(remedy, sizeof(remedy),
			 "ssh-keyscan %s%s %s >> ~/.ssh/known_hosts (compare the fingerprint with the host's first)",
			 port ? "-p " : "", port ? port : "", host);
		set(c, CK_SSH_REMOTE, CHECK_FAIL, remedy, "the host key of %s is unknown or changed", target);
	} else if (strstr(err, "Permission denied")) {
		snprintf(remedy, sizeof(remedy), "ssh-copy-id %s%s %s, or --ssh-user the right login",
			 port ? "-p " : "", port ? port : "", target);
		set(c, CK_SSH_REMOTE, CHECK_FAIL, remedy, "%s refused the key: %s", target, last);
	} else if (c->ssh.state == PROC_EXITED && c->ssh.code == 127) {
		set(c, CK_SSH_REMOTE, CHECK_FAIL, "install docker 18.09+ on the remote, on the login PATH",
		    "no docker on %s's PATH: %s", target, last);
	} else if (c->ssh.state == PROC_EXITED && c->ssh.code != 255) {
		set(c, CK_SSH_REMOTE, CHECK_FAIL, "give the remote user access to the docker socket",
		    "docker on %s failed: %s", target, last);
	} else {
		char d[128];
		proc_describe(&c->ssh, d, sizeof(d));
		set(c, CK_SSH_REMOTE, CHECK_FAIL, "check the host, port and your ssh configuration", "ssh %s %s: %s",
		    target, d, *last ? last : "no message");
	}
	free(err);
}

/* ---- driving ------------------------------------------------------------------------ */

void checker_start(struct checker *c)
{
	if (c->started)
		return;
	c->started = 1;
	for (int i = 0; i < CK__COUNT; i++)
		if (c->wanted[i])
			c->checks[i].started_ms = proc_now_ms();
	facts_detect_local(&c->facts, &c->spec);
	if (c->wanted[CK_CLI])
		check_cli(c);
	check_endpoint(c);
	c->cert_dir = cert_dir(c);
	int tls = spec_bool(&c->spec, OPT_TLS);
	c->tcp_tls = tls >= 0 ? tls : c->cert_dir != NULL;
	if (c->wanted[CK_SOCKET_PATH] || c->wanted[CK_SOCKET_GID])
		check_socket(c);
	if (c->wanted[CK_TLS_FILES])
		check_tls_files(c);
	if (c->wanted[CK_SSH_CLIENT])
		check_ssh_client(c);
	if (c->wanted[CK_SYSBOX_SERVICES])
		check_sysbox_services(c);
	if (c->wanted[CK_PORT])
		check_port(c);
	if (c->wanted[CK_TCP_REACH])
		start_tcp(c);
	if (c->wanted[CK_SSH_REMOTE])
		start_ssh(c);

	/* image: the registry lookup runs beside the engine's answer, which is
	 * asked only once /_ping has answered; both count in image_left from
	 * here, or a registry that answers first would end the check before
	 * the engine said whether the image is present (found by the
	 * integration tests under ASan, whose timing differs).  Paths that
	 * never ask the engine reset it in skip_engine_dependents(). */
	if (c->wanted[CK_IMAGE])
		c->image_left++;
	if (c->wanted[CK_IMAGE] && !c->offline) {
		struct err e;
		c->image_left++;
		c->ids[OP_REGISTRY] = registry_latest_tag(c->net, spec_get(&c->spec, OPT_IMAGE), c->registry_url,
							  on_registry, &c->ctx[OP_REGISTRY], &e);
		if (!c->ids[OP_REGISTRY]) {
			c->image_left--;
			c->registry_note = xasprintf("no registry lookup: %s", e.msg);
		}
	}
	if (!c->ep_ok) {
		skip_engine_dependents(c, "no usable endpoint");
		return;
	}
	if (c->ep.kind == EP_SSH) {
		set(c, CK_ENGINE, CHECK_WARN, NULL, "%s: ssh endpoints are reached by the docker CLI; not checked here",
		    c->ep.url);
		skip_engine_dependents(c, "the engine is behind an ssh:// endpoint");
		return;
	}
	struct err e;
	const char *api = getenv("DOCKER_API_VERSION");
	if (engine_target_init(&c->target, &c->ep, api, &e)) {
		set(c, CK_ENGINE, CHECK_FAIL, NULL, "%s", e.msg);
		skip_engine_dependents(c, "the engine cannot be reached");
		return;
	}
	c->target_ok = 1;
	/* A daemon over the network is a remote call: --timeout governs it,
	 * not the local default. */
	if (c->ep.kind == EP_TCP)
		c->target.connect_timeout_ms = c->target.timeout_ms = c->remote_timeout_ms;
	c->ids[OP_PING] = engine_ping(c->net, &c->target, on_ping, &c->ctx[OP_PING]);
}

int checker_pollfds(struct checker *c, struct pollfd *fds, int max)
{
	return c->ssh_running ? proc_pollfds(&c->ssh, fds, max) : 0;
}

int checker_timeout_ms(struct checker *c)
{
	if (!c->ssh_running)
		return -1;
	long long left = c->ssh_deadline - proc_now_ms();
	int t = proc_timeout_ms(&c->ssh);
	int d = left < 0 ? 0 : (int)left;
	return t >= 0 && t < d ? t : d;
}

void checker_pump(struct checker *c)
{
	if (!c->ssh_running)
		return;
	proc_pump(&c->ssh);
	proc_reap(&c->ssh);
	if (!c->ssh.cancelled && proc_now_ms() >= c->ssh_deadline)
		proc_cancel(&c->ssh, SSH_GRACE_MS);
	proc_tick(&c->ssh);
	if (proc_done(&c->ssh))
		finish_ssh(c);
}

int checker_done(const struct checker *c)
{
	if (!c->started)
		return 0;
	for (int i = 0; i < CK__COUNT; i++)
		if (pending(c, (enum check_id)i))
			return 0;
	return 1;
}

unsigned checker_generation(const struct checker *c)
{
	return c->generation;
}

const struct check *checker_get(const struct checker *c, enum check_id id)
{
	if ((int)id < 0 || id >= CK__COUNT || !c->wanted[id])
		return NULL;
	return &c->checks[id];
}

void checker_cancel(struct checker *c)
{
	for (int i = 0; i < OP__COUNT; i++)
		if (c->ids[i]) {
			net_cancel(c->net, c->ids[i]);
			c->ids[i] = 0;
		}
	if (c->ssh_running) {
		proc_free(&c->ssh);
		c->ssh_running = 0;
	}
	for (int i = 0; i < CK__COUNT; i++)
		if (pending(c, (enum check_id)i))
			set(c, (enum check_id)i, CHECK_FAIL, NULL, "cancelled");
}

void checker_free(struct checker *c)
{
	if (!c)
		return;
	checker_cancel(c);
	proc_free(&c->ssh);
	for (int i = 0; i < CK__COUNT; i++) {
		free(c->checks[i].finding);
		free(c->checks[i].remedy);
		strvec_free(&c->checks[i].data);
	}
	if (c->target_ok)
		engine_target_free(&c->target);
	endpoint_free(&c->ep);
	spec_free(&c->spec);
	facts_free(&c->facts);
	strbuf_free(&c->names_text);
	free(c->kernel);
	free(c->newest_tag);
	free(c->registry_note);
	free(c->registry_url);
	free(c->ssh_bin);
	free(c->tcp_url);
	free(c->cert_dir);
	free(c);
}

void checker_run(struct checker *c, long max_ms)
{
	checker_start(c);
	long long deadline = max_ms >= 0 ? proc_now_ms() + max_ms : 0;
	while (!checker_done(c)) {
		struct pollfd fds[4];
		int n = checker_pollfds(c, fds, 4);
		int wait = 200;
		int t = checker_timeout_ms(c);
		if (t >= 0 && t < wait)
			wait = t;
		if (deadline) {
			long long left = deadline - proc_now_ms();
			if (left <= 0)
				break;
			if (left < wait)
				wait = (int)left;
		}
		struct err e;
		net_wait(c->net, fds, (unsigned)n, wait, &e);
		net_dispatch(c->net);
		checker_pump(c);
	}
	if (!checker_done(c))
		checker_cancel(c);
}

void checker_fill_facts(const struct checker *c, struct facts *f)
{
	if (c->facts.userns_remap >= 0)
		f->userns_remap = c->facts.userns_remap;
	if (c->facts.rootless >= 0)
		f->rootless = c->facts.rootless;
	if (c->facts.image_present >= 0)
		f->image_present = c->facts.image_present;
	if (c->facts.dind_image_present >= 0)
		f->dind_image_present = c->facts.dind_image_present;
	if (c->facts.socket_gid >= 0 && f->socket_gid < 0)
		f->socket_gid = c->facts.socket_gid;
}

const char *checker_endpoint(const struct checker *c)
{
	return c->ep_ok ? c->ep.url : NULL;
}

void checker_readiness(const struct checker *c, enum mode_id m, struct readiness *r)
{
	r->ready = 1;
	r->pending = 0;
	strvec_init(&r->missing);
	for (const char *const *id = mode_table[m].checks; *id; id++) {
		enum check_id ck = check_by_name(*id);
		if (ck >= CK__COUNT || !c->wanted[ck])
			continue;
		const struct check *k = &c->checks[ck];
		if (k->status == CHECK_PENDING) {
			r->pending = 1;
		} else if (k->status == CHECK_FAIL) {
			r->ready = 0;
			strvec_pushf(&r->missing, "%s: %s", k->def->name, k->finding ? k->finding : "failed");
		}
	}
	if (r->pending)
		r->ready = 0;
}

void readiness_free(struct readiness *r)
{
	strvec_free(&r->missing);
}

int checker_rank(const struct checker *c, enum mode_id m)
{
	if (m == MODE_TCP && !c->tcp_tls)
		return MODE__COUNT; /* plain TCP: last */
	return mode_table[m].rank;
}

enum mode_id checker_recommend(const struct checker *c)
{
	enum mode_id best = MODE_NONE;
	int best_rank = 1 << 30;
	for (int m = 0; m < MODE__COUNT; m++) {
		if (!(c->modes & MODE_BIT(m)))
			continue;
		struct readiness r;
		checker_readiness(c, (enum mode_id)m, &r);
		int rank = checker_rank(c, (enum mode_id)m);
		if (r.ready && rank < best_rank) {
			best = (enum mode_id)m;
			best_rank = rank;
		}
		readiness_free(&r);
	}
	return best;
}
