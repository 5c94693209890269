/* facts.c - cheap local detection for plan building. */
#include "facts.h"
#include "engine/daemon_caps.h"
#include "engine/endpoint.h"
#include "base/strbuf.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void facts_init(struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->socket_gid = -1;
	f->userns_remap = -1;
	f->rootless = -1;
	f->image_present = -1;
	f->dind_image_present = -1;
	f->rootless_pid = f->rootless_uid = f->rootless_host_gid = f->rootless_gid = -1;
}

void facts_release(struct facts *f)
{
	free(f->user);
	free(f->home);
	free(f->ssh_auth_sock);
	free(f->known_hosts);
	free(f->socket_path);
	free(f->socket_gid_error);
	free(f->cert_dir);
	free(f->tcp_host);
	free(f->rootless_socket);
	free(f->rootless_error);
	facts_init(f);
}

static char *env_dup(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? xstrdup(v) : NULL;
}

void facts_stat_socket(struct facts *f, const char *path)
{
	struct stat st;
	free(f->socket_gid_error);
	f->socket_gid_error = NULL;
	f->socket_gid = -1;
	if (!path) {
		f->socket_gid_error = xstrdup("no local docker socket found");
		return;
	}
	if (stat(path, &st)) {
		f->socket_gid_error = xasprintf("cannot read the group of %s: %s", path, strerror(errno));
		return;
	}
	if (!S_ISSOCK(st.st_mode)) {
		f->socket_gid_error = xasprintf("%s is not a socket", path);
		return;
	}
	f->socket_gid = (long)st.st_gid;
}

void facts_detect_local(struct facts *f, const struct spec *spec)
{
	facts_release(f);
	f->home = env_dup("HOME");
	f->user = env_dup("USER");
	if (!f->user) {
		struct passwd *pw = getpwuid(getuid());
		if (pw && pw->pw_name)
			f->user = xstrdup(pw->pw_name);
	}
	if (!f->home) {
		struct passwd *pw = getpwuid(getuid());
		if (pw && pw->pw_dir)
			f->home = xstrdup(pw->pw_dir);
	}
	f->ssh_auth_sock = env_dup("SSH_AUTH_SOCK");
	if (f->home) {
		char *kh = xasprintf("%s/.ssh/known_hosts", f->home);
		if (!access(kh, R_OK))
			f->known_hosts = kh;
		else
			free(kh);
	}

	struct endpoint ep;
	struct err e;
	endpoint_init(&ep);
	if (!endpoint_resolve(&ep, &e)) {
		if (ep.kind == EP_UNIX)
			f->socket_path = xstrdup(ep.path);
		else if (ep.kind == EP_TCP) {
			f->tcp_host = xstrdup(ep.host);
			f->tcp_port = ep.port;
		}
		if (ep.tls && ep.cert_dir)
			f->cert_dir = xstrdup(ep.cert_dir);
	}
	endpoint_release(&ep);
	if (!f->socket_path)
		f->socket_path = endpoint_local_socket();
	if (!f->cert_dir) {
		char *c = env_dup("DOCKER_CERT_PATH");
		if (c) {
			char *ca = xasprintf("%s/ca.pem", c);
			if (!access(ca, F_OK))
				f->cert_dir = c;
			else
				free(c);
			free(ca);
		}
	}
	const char *sock = spec ? spec->val[OPT_SOCKET] : NULL;
	facts_stat_socket(f, sock ? sock : f->socket_path);
	facts_detect_rootless(f, spec);
}

/* The rootless daemon behind SOCK: -1 with the reason in F. */
static int rootless_peer(struct facts *f, const char *sock)
{
	struct stat st;
	if (stat(sock, &st))
		return f->rootless_error = xasprintf("no rootless daemon's socket at %s", sock), -1;
	if (!S_ISSOCK(st.st_mode))
		return f->rootless_error = xasprintf("%s is not a socket", sock), -1;
	if (st.st_uid == 0)
		return f->rootless_error = xasprintf("%s belongs to root: a rootless daemon's socket belongs to its user",
						     sock), -1;
	long pid = daemon_peer_pid(sock), ns_uid, ns_gid;
	if (pid <= 0)
		return f->rootless_error = xasprintf("nothing answers at %s", sock), -1;
	int rc = daemon_ns_id(pid, 'u', (long)st.st_uid, &ns_uid);
	if (rc < 0)
		return f->rootless_error = xasprintf("cannot read the user namespace of dockerd (pid %ld)", pid), -1;
	if (rc > 0 || ns_uid != 0)
		return f->rootless_error = xasprintf("the daemon at %s (pid %ld) does not run as the socket's owner "
						     "(uid %ld) in a user namespace: not a rootless daemon", sock, pid,
						     (long)st.st_uid), -1;
	rc = daemon_ns_id(pid, 'g', (long)st.st_gid, &ns_gid);
	if (rc)
		return f->rootless_error = xasprintf("the socket's group (host gid %ld) %s in the daemon's user "
						     "namespace", (long)st.st_gid,
						     rc > 0 ? "has no mapping" : "cannot be read"), -1;
	f->rootless_pid = pid;
	f->rootless_uid = (long)st.st_uid;
	f->rootless_host_gid = (long)st.st_gid;
	f->rootless_gid = ns_gid;
	return 0;
}

void facts_detect_rootless(struct facts *f, const struct spec *spec)
{
	free(f->rootless_socket);
	free(f->rootless_error);
	f->rootless_socket = f->rootless_error = NULL;
	f->rootless_pid = f->rootless_uid = f->rootless_host_gid = f->rootless_gid = -1;
	const char *given = spec ? spec->val[OPT_SOCKET] : NULL;
	struct stat st;
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (given)
		f->rootless_socket = xstrdup(given);
	else if (f->socket_path && !stat(f->socket_path, &st) && S_ISSOCK(st.st_mode) && st.st_uid != 0)
		f->rootless_socket = xstrdup(f->socket_path); /* the endpoint's, a user's */
	else if (xdg && xdg[0] == '/')
		f->rootless_socket = xasprintf("%s/docker.sock", xdg);
	else
		f->rootless_socket = xasprintf("/run/user/%ld/docker.sock", (long)geteuid());
	rootless_peer(f, f->rootless_socket);
}
