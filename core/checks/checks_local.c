/* checks_local.c - checks of this host: the docker client, the endpoint,
 * the local socket, the web port, TLS files, the ssh client, sysbox
 * services (checks_internal.h). */
#include "checks_internal.h"
#include "launch/option_value.h"
#include "base/imageref.h"
#include "launch/modes.h"
#include "base/show.h"
#include "base/validate.h"
#include "base/ytree.h"

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

/* ---- local checks ---------------------------------------------------------- */


void ck_check_cli(struct checker *c)
{
	char *path = proc_which("docker");
	if (path) {
		ck_set(c, CK_CLI, CHECK_PASS, NULL, "%s", path);
		ck_data(c, CK_CLI, "path", "%s", path);
		free(path);
	} else {
		ck_set(c, CK_CLI, CHECK_FAIL, "apt-get install docker.io (or docker-ce-cli)",
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

void ck_check_endpoint(struct checker *c)
{
	struct err e;
	if (endpoint_resolve(&c->ep, &e)) {
		ck_set(c, CK_ENDPOINT, CHECK_FAIL, "fix or unset the variable or file named above", "%s", e.msg);
		/* The engine cannot be reached without an endpoint. */
		ck_set(c, CK_ENGINE, CHECK_FAIL, NULL, "no usable endpoint: %s", e.msg);
		return;
	}
	c->ep_ok = 1;
	/* What the docker CLI warns about (a damaged config.json, DOCKER_HOST
	 * over a context) is a warning here too, in the CLI's words. */
	enum check_status st = c->ep.warnings.n ? CHECK_WARN : CHECK_PASS;
	const char *w = c->ep.warnings.n ? c->ep.warnings.v[0] : NULL;
	if (c->ep.source == SRC_DOCKER_CONTEXT || c->ep.source == SRC_CONFIG)
		ck_set(c, CK_ENDPOINT, st, NULL, "%s (context %s, from %s)%s%s", c->ep.url, c->ep.context,
		    source_text(c->ep.source), w ? "; WARNING: " : "", w ? w : "");
	else
		ck_set(c, CK_ENDPOINT, st, NULL, "%s (%s)%s%s%s", c->ep.url, source_text(c->ep.source),
		    c->ep.kind == EP_TCP && c->ep.tls ? ", TLS" : "", w ? "; WARNING: " : "", w ? w : "");
	for (size_t i = 0; i < c->ep.warnings.n; i++)
		ck_data(c, CK_ENDPOINT, "warning", "%s", c->ep.warnings.v[i]);
	ck_data(c, CK_ENDPOINT, "url", "%s", c->ep.url);
	ck_data(c, CK_ENDPOINT, "source", "%s", endpoint_source_name(c->ep.source));
	if (c->ep.context)
		ck_data(c, CK_ENDPOINT, "context", "%s", c->ep.context);
	if (c->ep.tls)
		ck_data(c, CK_ENDPOINT, "tls", "%s", "true");
	ck_data(c, CK_ENDPOINT, "tls_mode", "%s", !c->ep.tls ? "off" : c->ep.tls_verify ? "verify" : "no-verify");
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

void ck_check_socket(struct checker *c)
{
	const char *explicit_path = spec_get(&c->spec, OPT_SOCKET);
	char pb[24];
	const char *path = option_value(OPT_SOCKET, &c->spec, &c->facts, pb, sizeof(pb));
	const char *group = spec_get(&c->spec, OPT_GROUP);
	if (!explicit_path && c->ep_ok && c->ep.kind != EP_UNIX) {
		ck_set(c, CK_SOCKET_PATH, CHECK_SKIP, NULL,
		    "the daemon is remote (%s): the socket to mount is on its host; pass --socket", c->ep.url);
		if (group)
			ck_set(c, CK_SOCKET_GID, CHECK_PASS, NULL, "group %s (given)", group);
		else
			ck_needs_input(c, CK_SOCKET_GID, "--group GID (the socket's group on the daemon's host)",
				    "cannot read the group of a remote socket");
		return;
	}
	if (!path) {
		ck_needs_input(c, CK_SOCKET_PATH, "--socket PATH", "no local docker socket found");
		return;
	}
	ck_data(c, CK_SOCKET_PATH, "path", "%s", path);
	struct stat st;
	if (stat(path, &st)) {
		int err = errno;
		ck_set(c, CK_SOCKET_PATH, CHECK_FAIL, "start the daemon (systemctl start docker) or pass --socket PATH",
		    "%s: %s", path, strerror(err));
	} else if (!S_ISSOCK(st.st_mode)) {
		ck_set(c, CK_SOCKET_PATH, CHECK_FAIL, "pass the daemon's socket with --socket PATH", "%s is not a socket",
		    path);
	} else {
		int err = try_connect(path);
		if (!err) {
			ck_set(c, CK_SOCKET_PATH, CHECK_PASS, NULL, "%s accepts connections from this user", path);
		} else if (err == EACCES || err == EPERM) {
			struct group *gr = getgrgid(st.st_gid);
			char remedy[256];
			snprintf(remedy, sizeof(remedy),
				 "sudo usermod -aG %s \"$USER\" and log in again (or run ws-launch as root)",
				 gr ? gr->gr_name : "docker");
			ck_set(c, CK_SOCKET_PATH, CHECK_FAIL, remedy, "permission denied: this user cannot open %s (mode %o, group %ld)",
			    path, (unsigned)(st.st_mode & 0777), (long)st.st_gid);
		} else if (err == ECONNREFUSED) {
			ck_set(c, CK_SOCKET_PATH, CHECK_FAIL, "start the daemon (systemctl start docker)",
			    "nothing listens on %s (stale socket)", path);
		} else {
			ck_set(c, CK_SOCKET_PATH, CHECK_FAIL, NULL, "cannot connect to %s: %s", path, strerror(err));
		}
	}
	if (group) {
		ck_set(c, CK_SOCKET_GID, CHECK_PASS, NULL, "group %s (given)", group);
		ck_data(c, CK_SOCKET_GID, "gid", "%s", group);
		return;
	}
	facts_stat_socket(&c->facts, path);
	if (c->facts.socket_gid < 0) {
		ck_needs_input(c, CK_SOCKET_GID, "--group GID", c->facts.socket_gid_error);
		return;
	}
	struct group *gr = getgrgid((gid_t)c->facts.socket_gid);
	ck_data(c, CK_SOCKET_GID, "gid", "%ld", c->facts.socket_gid);
	if (c->facts.socket_gid == 0)
		ck_set(c, CK_SOCKET_GID, CHECK_WARN, "pass --group GID if the daemon uses another group",
		    "group 0 (root): --group-add 0 gives the workspace user the root group");
	else
		ck_set(c, CK_SOCKET_GID, CHECK_PASS, NULL, "group %ld%s%s%s", c->facts.socket_gid,
		    gr ? " (" : "", gr ? gr->gr_name : "", gr ? ")" : "");
}

void ck_check_port(struct checker *c)
{
	if (spec_is_none(&c->spec, OPT_PUBLISH)) {
		ck_set(c, CK_PORT, CHECK_SKIP, NULL, "the web port is not published");
		return;
	}
	if (ck_port_auto(c)) {
		/* the first free one: decided when the engine lists its
		 * containers (checks_port.c), or now when it cannot */
		if (!c->ep_ok)
			ck_port_choose(c, NULL, "the endpoint is not known");
		return;
	}
	struct publish p;
	if (publish_parse(spec_get(&c->spec, OPT_PUBLISH), &p, NULL)) {
		ck_set(c, CK_PORT, CHECK_FAIL, NULL, "bad publish option");
		return;
	}
	ck_data(c, CK_PORT, "port", "%d", p.host_port);
	if (!c->ep_ok || c->ep.kind != EP_UNIX) {
		ck_set(c, CK_PORT, CHECK_SKIP, NULL, "the daemon is remote: its ports cannot be tested from here");
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
				ck_set(c, CK_PORT, CHECK_WARN, NULL, "cannot test %s:%d: %s", addr, port, strerror(err));
				return;
			}
			busy = 1;
		} else if (!err) {
			free_port = port;
			break;
		}
	}
	if (busy == 0) {
		ck_set(c, CK_PORT, CHECK_PASS, NULL, "%s:%d is free", addr, p.host_port);
		return;
	}
	char remedy[64];
	if (free_port)
		snprintf(remedy, sizeof(remedy), "--port %d (free)", free_port);
	ck_data(c, CK_PORT, "busy", "true");
	/* Decided after the names check: in use by our own workspace is fine. */
	ck_set(c, CK_PORT, CHECK_FAIL, free_port ? remedy : "--port PORT", "%s:%d is in use", addr, p.host_port);
	ck_port_name_holder(c);
}

char *ck_cert_dir(struct checker *c)
{
	char buf[24];
	const char *d = option_value(OPT_CERT_DIR, &c->spec, &c->facts, buf, sizeof(buf));
	return d ? xstrdup(d) : NULL;
}

void ck_check_tls_files(struct checker *c)
{
	if (!ck_pending(c, CK_TLS_FILES))
		return; /* ck_start_tcp ran it first */
	if (!c->tcp_tls) {
		ck_set(c, CK_TLS_FILES, CHECK_SKIP, NULL, "TLS is off");
		return;
	}
	if (!c->cert_dir) {
		ck_needs_input(c, CK_TLS_FILES, "--cert-dir DIR (ca.pem, cert.pem, key.pem)",
			    "no certificate directory (DOCKER_CERT_PATH or --cert-dir)");
		return;
	}
	static const char *const files[] = { "ca.pem", "cert.pem", "key.pem" };
	struct strbuf missing = STRBUF_INIT;
	ck_data(c, CK_TLS_FILES, "dir", "%s", c->cert_dir);
	for (size_t i = 0; i < 3; i++) {
		char *p = xasprintf("%s/%s", c->cert_dir, files[i]);
		struct err fe;
		if (access(p, R_OK)) {
			strbuf_addf(&missing, "%s%s", missing.len ? ", " : "", files[i]);
		} else if (file_check_regular(p, 1024 * 1024, &fe)) {
			/* a FIFO or a device would hang the docker client that reads it */
			ck_set(c, CK_TLS_FILES, CHECK_FAIL, "replace it with the PEM file", "%s: %s", p, fe.msg);
			free(p);
			strbuf_release(&missing);
			return;
		}
		free(p);
	}
	if (missing.len) {
		ck_set(c, CK_TLS_FILES, CHECK_FAIL,
		    "create client certificates: https://docs.docker.com/engine/security/protect-access/",
		    "%s lacks %s", c->cert_dir, missing.buf);
		strbuf_release(&missing);
		return;
	}
	strbuf_release(&missing);
	char *key = xasprintf("%s/key.pem", c->cert_dir);
	struct stat st;
	int readable = !stat(key, &st) &&
		       ((st.st_mode & S_IROTH) || (st.st_uid == 1000 && (st.st_mode & S_IRUSR)));
	if (!readable) {
		char remedy[512];
		snprintf(remedy, sizeof(remedy), "sudo chown 1000 %s (or a copy of the directory for the workspace)", key);
		ck_set(c, CK_TLS_FILES, CHECK_FAIL, remedy,
		    "%s (mode %o, owner %ld) is not readable by uid 1000 inside the workspace", key,
		    (unsigned)(st.st_mode & 0777), (long)st.st_uid);
	} else {
		ck_set(c, CK_TLS_FILES, CHECK_PASS, NULL, "ca.pem, cert.pem, key.pem in %s", c->cert_dir);
	}
	free(key);
}

void ck_check_ssh_client(struct checker *c)
{
	char *ssh = proc_which(c->ssh_bin);
	if (!ssh) {
		ck_set(c, CK_SSH_CLIENT, CHECK_FAIL, "apt-get install openssh-client", "no ssh client on PATH");
		return;
	}
	ck_data(c, CK_SSH_CLIENT, "path", "%s", ssh);
	free(ssh);
	const char *auth = spec_get(&c->spec, OPT_SSH_AUTH);
	if (!auth)
		auth = c->facts.ssh_auth_sock ? "agent" : "none";
	ck_data(c, CK_SSH_CLIENT, "auth", "%s", auth);
	if (!strcmp(auth, "agent")) {
		const char *sock = c->facts.ssh_auth_sock;
		if (!sock) {
			ck_set(c, CK_SSH_CLIENT, CHECK_FAIL, "eval \"$(ssh-agent)\" && ssh-add", "SSH_AUTH_SOCK is not set");
			return;
		}
		int err = try_connect(sock);
		if (err)
			ck_set(c, CK_SSH_CLIENT, CHECK_FAIL, "eval \"$(ssh-agent)\" && ssh-add",
			    "ssh-agent at %s does not answer: %s", sock, strerror(err));
		else
			ck_set(c, CK_SSH_CLIENT, CHECK_PASS, NULL, "ssh-agent at %s", sock);
	} else if (!strcmp(auth, "key")) {
		const char *key = spec_is_none(&c->spec, OPT_SSH_KEY) ? NULL : spec_get(&c->spec, OPT_SSH_KEY);
		if (!key)
			ck_needs_input(c, CK_SSH_CLIENT, "--ssh-key PATH", "--ssh-auth key needs a key file");
		else if (access(key, R_OK))
			ck_set(c, CK_SSH_CLIENT, CHECK_FAIL, "--ssh-key PATH", "cannot read %s: %s", key, strerror(errno));
		else
			ck_set(c, CK_SSH_CLIENT, CHECK_PASS, NULL, "key file %s", key);
	} else {
		ck_set(c, CK_SSH_CLIENT, CHECK_WARN, "--ssh-auth agent (with ssh-agent) or --ssh-auth key",
		    "no key goes into the workspace");
	}
}

void ck_check_sysbox_services(struct checker *c)
{
	if (!local_daemon(c)) {
		ck_set(c, CK_SYSBOX_SERVICES, CHECK_SKIP, NULL, "the daemon is remote: sysbox services not visible from here");
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
			ck_set(c, CK_SYSBOX_SERVICES, CHECK_FAIL, "sudo systemctl restart sysbox", "%s is not running (%s: %s)",
			    names[i], p, strerror(err));
			free(p);
			return;
		}
		free(p);
	}
	ck_set(c, CK_SYSBOX_SERVICES, CHECK_PASS, NULL, "sysbox-mgr and sysbox-fs answer in %s", dir);
}
