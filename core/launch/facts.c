/* facts.c - cheap local detection for plan building. */
#include "facts.h"
#include "modes.h"
#include "engine/endpoint.h"
#include "base/strbuf.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void facts_init(struct facts *f)
{
	memset(f, 0, sizeof(*f));
	strvec_init(&f->mode_facts);
	f->socket_gid = -1;
	f->userns_remap = -1;
	f->image_present = -1;
	f->dind_image_present = -1;
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
	strvec_release(&f->mode_facts);
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
	facts_detect_modes(f, spec);
}

void facts_set(struct facts *f, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strvec_kv_vset(&f->mode_facts, key, fmt, ap);
	va_end(ap);
}

void facts_unset(struct facts *f, const char *key)
{
	strvec_kv_unset(&f->mode_facts, key);
}

const char *facts_get(const struct facts *f, const char *key)
{
	return f ? strvec_kv_get(&f->mode_facts, key) : NULL;
}

long facts_get_long(const struct facts *f, const char *key, long def)
{
	const char *v = facts_get(f, key);
	if (!v || !*v)
		return def;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	return errno || *end ? def : n;
}

void facts_detect_modes(struct facts *f, const struct spec *spec)
{
	for (int m = 0; m < MODE__COUNT; m++) {
		const struct mode *md = mode_get((enum mode_id)m);
		if (md->detect_facts)
			md->detect_facts(f, spec);
	}
}
