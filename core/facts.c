/* facts.c - cheap local detection for plan building. */
#include "facts.h"
#include "endpoint.h"
#include "strbuf.h"

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
}

void facts_free(struct facts *f)
{
	free(f->user);
	free(f->home);
	free(f->ssh_auth_sock);
	free(f->known_hosts);
	free(f->socket_path);
	free(f->socket_gid_error);
	free(f->cert_dir);
	free(f->tcp_host);
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
	facts_free(f);
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
	endpoint_free(&ep);
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
}
